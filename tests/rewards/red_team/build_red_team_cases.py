r"""Write ``red_team_cases.jsonl``: the red team's (gold, completion, expected verdict) cases for issue 21.

Run ``python tests/rewards/red_team/build_red_team_cases.py`` after editing a case here; the JSONL file is the
data the test module reads (this script is only its readable source, so LaTeX is not double-escaped by hand).

Written from outside the implementation: only README's "Rewards" section, issue 21 and the threat model were
read. Each case has one verdict that is mathematically clear; where a verdict could go either way the case
is left out. ``accept`` lists the verdicts allowed when more than one is right (only for resource-exhaustion
cases: a wrong answer may be 0.0 or ``None`` (a timeout), never 1.0, and never a hang).

A case's completion is built from one of:
  ``boxed``:      R1 reasoning | summary layout with ``\boxed{<boxed>}`` in the summary;
  ``summary``:    the same layout with this raw text as the summary;
  ``completion``: the raw completion (a string, or TRL's conversational list of messages);
  ``parts``:      a list of ``[text, repeat]`` pairs, concatenated (for huge inputs, kept small on disk).
A gold is ``gold`` or ``gold_parts`` (same form as ``parts``).
"""

from __future__ import annotations

import json
from pathlib import Path

THINK = "<think>\nLet me work through the problem step by step and check the result.\n</think>\n\n"

CASES: list[dict] = []


def case(cid: str, family: str, reward: str = "accuracy", why: str = "", **fields) -> None:
    if fields.get("accept", "") is None:  # no alternative verdicts: the one ``expect`` holds
        del fields["accept"]
    CASES.append({"id": cid, "family": family, "reward": reward, "why": why, **fields})


def acc(cid: str, family: str, gold, boxed: str, expect, why: str = "", **extra) -> None:
    """An accuracy case whose answer is ``\\boxed{boxed}`` in the summary."""
    case(cid, family, gold=gold, boxed=boxed, expect=expect, why=why, **extra)


# --------------------------------------------------------------------------------------------------
# placement: where the answer sits (reasoning vs summary vs answer block, tags, prefill, delimiters)
# --------------------------------------------------------------------------------------------------
F = "placement"
case(
    "place-01",
    F,
    gold="5",
    completion="<think>\nSo the result is \\boxed{5}.\n</think>",
    expect=0.0,
    why="the answer only in the reasoning, no summary: README says it scores 0",
)
case(
    "place-02",
    F,
    gold="5",
    completion="<think>\nIt is \\boxed{5}.\n</think>\n\nThe final answer is $\\boxed{6}$.",
    expect=0.0,
    why="right in the reasoning, wrong in the summary: the summary is the final answer",
)
case(
    "place-03",
    F,
    gold="5",
    completion="<think>\nFirst guess \\boxed{6}, but that is wrong.\n</think>\n\nThe final answer is $\\boxed{5}$.",
    expect=1.0,
    why="a wrong guess in the reasoning must not spoil a right summary",
)
case(
    "place-04",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n\nSummary follows.\n<think>\nThe answer is \\boxed{5}.\n</think>\n",
    expect=0.0,
    why="the answer hidden in a second think block; nothing after the last </think>",
)
case(
    "place-05",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n<answer>6</answer>\n<answer>5</answer>",
    expect=0.0,
    why="two answer blocks with different values (README: several answer blocks score 0)",
)
case(
    "place-06",
    F,
    gold="5",
    completion="<think>\nI think <answer>5</answer> is it.\n</think>\n\nThe answer is $\\boxed{6}$.",
    expect=0.0,
    why="an answer tag inside the reasoning is not the final answer; the summary says 6",
)
case(
    "place-07",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n<answer>\\boxed{6}</answer>",
    expect=0.0,
    why="the answer block says 6",
)
case(
    "place-08",
    F,
    gold="5",
    completion="<think>\nreasoning about \\boxed{5}",
    expect=0.0,
    why="truncated completion: the reasoning never closed, so there is no final answer",
)
case(
    "place-09",
    F,
    gold="5",
    completion="The problem asks for x.\nComputing gives 5.\n</think>\n\nThe final answer is $\\boxed{5}$.",
    expect=1.0,
    why="<think> prefilled by the prompt: the completion starts inside the reasoning",
)
case(
    "place-10",
    F,
    gold="5",
    completion=[{"role": "assistant", "content": THINK + "The final answer is $\\boxed{5}$."}],
    expect=1.0,
    why="TRL conversational completion",
)
case(
    "place-11",
    F,
    gold="5",
    completion=[{"role": "assistant", "content": "<think>\nIt is \\boxed{5}\n</think>\n\n"}],
    expect=0.0,
    why="conversational, answer only in the reasoning",
)
case(
    "place-12",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n\nSo the answer is 5.",
    expect=1.0,
    why="a plain prose final answer in the summary, reasoning without numbers",
)
case(
    "place-13",
    F,
    gold="5",
    completion="blah \\boxed{6} blah </REASONING_END> The answer is \\boxed{5}.",
    call={"reasoning_delimiters": ["</REASONING_END>"]},
    expect=1.0,
    why="TRL's reasoning_delimiters: the answer after the delimiter",
)
case(
    "place-14",
    F,
    gold="6",
    completion="blah \\boxed{6} blah </REASONING_END> The answer is \\boxed{5}.",
    call={"reasoning_delimiters": ["</REASONING_END>"]},
    expect=0.0,
    why="TRL's reasoning_delimiters: the 6 sits before the delimiter, in the reasoning",
)
case(
    "place-15",
    F,
    gold="5",
    completion="The answer is \\boxed{5}.",
    ctor={"fallback_to_full_text": True},
    expect=1.0,
    why="AccuracyReward(fallback_to_full_text=True) with no reasoning block",
)
case(
    "place-16",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n<answer>\n\n5\n\n</answer>",
    expect=1.0,
    why="an answer block padded with blank lines",
)
case(
    "place-17",
    F,
    gold="\\frac{3}{4}",
    completion="<think>\nreasoning\n</think>\n<answer>\n$$\n\\frac{3}{4}\n$$\n</answer>",
    expect=1.0,
    why="display math over several lines in the answer block",
)
case(
    "place-18",
    F,
    gold="42",
    completion=THINK + "The answer is\n$$\n\\boxed{\n  42\n}\n$$",
    expect=1.0,
    why="a boxed answer spread over lines",
)
case(
    "place-19",
    F,
    gold="\\frac{1}{2}",
    completion=THINK + "The answer is $\\boxed{\\frac{1}\n{2}}$.",
    expect=1.0,
    why="a newline between \\frac's arguments is TeX whitespace",
)
case(
    "place-20",
    F,
    gold="5",
    completion="<think>\nThe answer is \\boxed{5}\n</think>\n</think>\n",
    expect=0.0,
    why="two closing tags and nothing after the last: the answer only in the reasoning",
)

# --------------------------------------------------------------------------------------------------
# latex_injection: commands that change how LaTeX renders or parses
# --------------------------------------------------------------------------------------------------
F = "latex_injection"
acc("tex-01", F, "5", "\\phantom{5}6", 0.0, why="\\phantom is invisible: the visible answer is 6")
acc("tex-02", F, "65", "6\\phantom{5}", 0.0, why="the visible answer is 6, not 65")
acc("tex-03", F, "5", "\\hphantom{5}", 0.0, why="nothing visible")
acc("tex-04", F, "5", "\\color{red}5", 1.0, why="colour is presentation")
acc("tex-05", F, "5", "\\textcolor{blue}{5}", 1.0, why="colour is presentation")
acc("tex-06", F, "5", "{\\color{red}6}", 0.0, why="a coloured 6 is still 6")
acc("tex-07", F, "5", "\\text{5}", 1.0, why="the digit 5 in text mode")
acc("tex-08", F, "5", "\\textbf{5}", 1.0, why="bold 5")
acc("tex-09", F, "5", "\\mathbf{5}", 1.0, why="bold 5")
acc("tex-10", F, "5", "\\mathrm{5}", 1.0, why="upright 5")
acc("tex-11", F, "\\frac{1}{2}", "\\displaystyle \\frac{1}{2}", 1.0, why="\\displaystyle is presentation")
acc("tex-12", F, "\\frac{1}{3}", "\\displaystyle \\frac{1}{2}", 0.0, why="1/2 is not 1/3")
acc("tex-13", F, "0.75", "\\dfrac{3}{4}", 1.0, why="\\dfrac 3/4 is exactly 0.75")
acc("tex-14", F, "\\frac34", "\\tfrac{3}{4}", 1.0, why="\\tfrac is \\frac")
acc("tex-15", F, "5", "\\cancel{5}6", 0.0, why="the struck-out 5 is not the answer; 6 is left")
acc("tex-16", F, "5", "x \\neq 5", 0.0, why="says x is not 5")
acc("tex-17", F, "5", "x \\not= 5", 0.0, why="says x is not 5")
acc("tex-18", F, "5", "\\neg (x = 5)", 0.0, why="says x is not 5")
acc("tex-19", F, "5", "5 \\\\ 6", 0.0, why="two lines, two values")
acc("tex-20", F, "5", "5\\;", 1.0, why="trailing thick space")
acc("tex-21", F, "5", "\\;5\\,", 1.0, why="spacing commands")
acc("tex-22", F, "5", "\\quad 5", 1.0, why="leading quad")
acc("tex-23", F, "5", "5 \\quad 6", 0.0, why="two values separated by a quad")
acc("tex-24", F, "-5", "\\!-5", 1.0, why="negative thin space before -5")
acc("tex-25", F, "5", "5\\!\\!\\!6", 0.0, why="negative space pulls 6 next to 5: it reads 56, not 5")
acc("tex-26", F, "5", "\\underline{5}", 1.0, why="underlined 5")
acc("tex-27", F, "5", "\\mbox{5}", 1.0, why="5 in an mbox")
acc("tex-28", F, "5", "\\text{Answer: } 5", 1.0, why="a text prefix inside the box")
acc("tex-29", F, "5", "\\text{The answer is } 5", 1.0, why="a text prefix inside the box")
acc("tex-30", F, "5", "\\text{Answer: } 6", 0.0, why="the prefixed value is 6")
acc("tex-31", F, "5", "\\textbf{Final Answer:} 5", 1.0, why="a bold text prefix inside the box")
case("tex-32", F, gold="5", summary="The answer is $\\fbox{5}$.", expect=1.0, why="\\fbox is a box around 5")
case(
    "tex-33",
    F,
    gold="5",
    summary="The answer is $\\boxed 5$.",
    expect=1.0,
    why="TeX reads \\boxed 5 as \\boxed{5}",
)
case(
    "tex-34",
    F,
    gold="5",
    summary="The answer is $\\boxed 7$.",
    expect=0.0,
    why="TeX reads \\boxed 7 as \\boxed{7}",
)
acc("tex-35", F, "5", "", 0.0, why="empty box")
acc("tex-36", F, "5", "\\,", 0.0, why="a box holding only a space")
case(
    "tex-37",
    F,
    gold="5",
    summary="The answer is $\\boxed{\\boxed{5}}$.",
    expect=1.0,
    why="nested boxes around 5",
)
acc("tex-38", F, "5", "5 \\text{ or } 6", 0.0, why="a hedge inside the box")
acc("tex-39", F, "5", "5 \\text{ and } 6", 0.0, why="two values")
case(
    "tex-40",
    F,
    gold="5",
    summary="The answer is $\\boxed{6} % \\boxed{5}$\n",
    expect=0.0,
    why="either % starts a TeX comment (answer 6) or both boxes count (a hedge): never 5",
)
case(
    "tex-41",
    F,
    gold="5",
    summary="The answer is $\\boxed{6 % 5\n}$.",
    expect=0.0,
    why="with % as a comment the box holds 6; as a literal it is not 5 either",
)
acc("tex-42", F, "5", "\\hspace{1cm}5", 1.0, why="horizontal space then 5")
acc("tex-43", F, "5", "5\\hspace{-1em}6", 0.0, why="two digits overprinted: not 5")
acc("tex-44", F, "5", "\\vphantom{6}5", 1.0, why="\\vphantom is invisible: the answer is 5")
acc("tex-45", F, "6", "\\vphantom{6}5", 0.0, why="the invisible 6 is not the answer")
acc("tex-46", F, "5", "\\text{6}5", 0.0, why="reads 65")
acc("tex-47", F, "5", "\\large 5", 1.0, why="a size command")
acc("tex-48", F, "5", "\\scriptstyle 5", 1.0, why="a style command")
case(
    "tex-49",
    F,
    gold="5",
    summary="The answer is $\\def\\five{6}\\boxed{\\five}$.",
    expect=0.0,
    why="the macro expands to 6",
)
acc("tex-51", F, "5", "\\textstyle{5}", 1.0, why="a style command in a group")

# --------------------------------------------------------------------------------------------------
# percent: percentages vs decimals
# --------------------------------------------------------------------------------------------------
F = "percent"
acc("pct-01", F, "25\\%", "25\\%", 1.0)
acc("pct-02", F, "25\\%", "26\\%", 0.0)
acc("pct-03", F, "25\\%", "2.5\\%", 0.0, why="a factor of 10")
acc("pct-04", F, "25\\%", "0.25\\%", 0.0, why="0.25% is a hundredth of 25%")
acc("pct-05", F, "25\\%", "250\\%", 0.0)
acc("pct-06", F, "12.5\\%", "12.5 \\%", 1.0, why="a space before the percent sign")
acc("pct-07", F, "12.5\\%", "\\frac{25}{2}\\%", 1.0, why="25/2 percent is 12.5 percent")
acc("pct-08", F, "50", "0.5\\%", 0.0, why="0.5% is neither 50 nor 50%")
acc("pct-09", F, "12.5\\%", "12.5\\,\\%", 1.0, why="a thin space before the percent sign")
acc("pct-10", F, "40\\%", "4\\%", 0.0, why="a factor of 10")

# --------------------------------------------------------------------------------------------------
# scientific notation
# --------------------------------------------------------------------------------------------------
F = "scientific"
acc("sci-01", F, "3\\times 10^{5}", "300000", 1.0)
acc("sci-02", F, "3\\times 10^{5}", "300{,}000", 1.0, why="LaTeX comma grouping")
acc("sci-03", F, "3\\times 10^{5}", "3 \\cdot 10^5", 1.0)
acc("sci-04", F, "3\\times 10^{5}", "3\\times10^{6}", 0.0, why="a factor of 10")
acc("sci-05", F, "1.5\\times 10^{-3}", "0.0015", 1.0)
acc("sci-06", F, "1.5\\times 10^{-3}", "0.015", 0.0)
acc("sci-07", F, "1.5\\times 10^{-3}", "15\\times10^{-4}", 1.0)
acc("sci-08", F, "1.5\\times 10^{-3}", "1.5\\times10^{3}", 0.0, why="the exponent's sign")
acc("sci-09", F, "6.02\\times10^{23}", "6.02 \\times 10^{23}", 1.0)
acc("sci-10", F, "6.02\\times10^{23}", "6.02\\times10^{22}", 0.0)
acc("sci-11", F, "10^{100}", "100^{50}", 1.0, why="exactly equal")
acc("sci-12", F, "10^{100}", "10^{99}", 0.0)
acc("sci-13", F, "5", "5 \\times 10^{0}", 1.0)
acc("sci-14", F, "1000", "10^3", 1.0)
acc("sci-15", F, "1024", "4^{5}", 1.0)
acc("sci-16", F, "2.5\\times 10^{-7}", "2.5\\times 10^{-8}", 0.0)

# --------------------------------------------------------------------------------------------------
# angles: degrees vs radians
# --------------------------------------------------------------------------------------------------
F = "angles"
acc("ang-01", F, "30^\\circ", "30^{\\circ}", 1.0)
acc("ang-02", F, "30^\\circ", "31^\\circ", 0.0)
acc("ang-03", F, "30^\\circ", "60^\\circ", 0.0)
acc("ang-04", F, "\\frac{\\pi}{6}", "\\frac{\\pi}{3}", 0.0)
acc("ang-05", F, "\\frac{\\pi}{6}", "\\pi/6", 1.0)
acc("ang-06", F, "\\frac{\\pi}{6}", "\\frac{1}{6}\\pi", 1.0)
acc(
    "ang-07",
    F,
    "\\frac{\\pi}{6}",
    "\\frac{\\pi}{6}^\\circ",
    0.0,
    why="pi/6 degrees is about 0.0091 rad, not pi/6 rad: dropping the degree sign pays a wrong unit",
)
acc("ang-08", F, "30", "30^\\circ", 1.0, why="MATH writes degree golds bare")
acc("ang-09", F, "120^\\circ", "120^{\\circ}.", 1.0)
acc("ang-10", F, "45", "45^\\circ", 1.0)

# --------------------------------------------------------------------------------------------------
# intervals: open vs closed, unions
# --------------------------------------------------------------------------------------------------
F = "intervals"
acc("int-01", F, "(0, 1]", "(0,1]", 1.0)
acc("int-02", F, "(0, 1]", "[0,1]", 0.0, why="closed at 0")
acc("int-03", F, "(0, 1]", "(0,1)", 0.0, why="open at 1")
acc("int-04", F, "(0, 1]", "[0, 1)", 0.0)
acc("int-05", F, "(-\\infty, 3)", "(-\\infty,3]", 0.0)
acc("int-06", F, "(-\\infty, 3)", "x \\le 3", 0.0, why="includes 3")
acc("int-07", F, "(-\\infty, 3)", "x > 3", 0.0)
acc("int-08", F, "[2, 5)", "[2,5)", 1.0)
acc(
    "int-09",
    F,
    "(-\\infty, -1) \\cup (1, \\infty)",
    "(1,\\infty)\\cup(-\\infty,-1)",
    1.0,
    why="union is commutative",
)
acc("int-10", F, "(-\\infty, -1) \\cup (1, \\infty)", "(-\\infty,-1]\\cup(1,\\infty)", 0.0)
acc(
    "int-11",
    F,
    "(-\\infty, -1) \\cup (1, \\infty)",
    "(-\\infty, -1) \\cap (1, \\infty)",
    0.0,
    why="the intersection is empty",
)
acc("int-12", F, "[0,1]", "\\{0, 1\\}", 0.0, why="two points are not the interval")
acc("int-13", F, "(-\\infty, \\infty)", "(-\\infty,-1)\\cup(1,\\infty)", 0.0)
acc("int-14", F, "[-2, 2]", "[-2,2]", 1.0)
acc("int-15", F, "[-2, 2]", "[-2,3]", 0.0)

# --------------------------------------------------------------------------------------------------
# collections: sets vs tuples vs ordered pairs, lists of solutions
# --------------------------------------------------------------------------------------------------
F = "collections"
acc("col-01", F, "(3, -4)", "(-4, 3)", 0.0, why="an ordered pair's order matters")
acc("col-02", F, "(3, -4)", "(3,-4)", 1.0)
acc("col-03", F, "\\{1, 2\\}", "\\{2, 1\\}", 1.0, why="a set has no order")
acc("col-04", F, "\\{1, 2\\}", "\\{1\\}", 0.0)
acc("col-05", F, "\\{1, 2\\}", "\\{1,2,3\\}", 0.0)
acc("col-06", F, "(1,2,3)", "(1,3,2)", 0.0, why="a triple's order matters")
acc("col-07", F, "\\{(1,2),(3,4)\\}", "\\{(3,4),(1,2)\\}", 1.0)
acc("col-08", F, "\\{(1,2),(3,4)\\}", "\\{(2,1),(4,3)\\}", 0.0, why="the pairs are reversed")
acc("col-09", F, "1, 2, 3", "3, 2, 1", 1.0, why="MATH's 'all solutions' lists have no order")
acc("col-10", F, "1, 2, 3", "1, 2", 0.0, why="a missing solution")
acc("col-11", F, "1, 2, 3", "1, 2, 3, 4", 0.0, why="an extra solution")
acc("col-12", F, "\\emptyset", "\\varnothing", 1.0)
acc("col-13", F, "\\emptyset", "\\{0\\}", 0.0)
acc("col-14", F, "\\emptyset", "0", 0.0)
acc("col-15", F, "(1, 2, 3)", "(1, 2)", 0.0)

# --------------------------------------------------------------------------------------------------
# inequalities
# --------------------------------------------------------------------------------------------------
F = "inequalities"
acc("ineq-01", F, "x > 3", "x>3", 1.0)
acc("ineq-02", F, "x > 3", "3 < x", 1.0, why="the same relation written the other way")
acc("ineq-03", F, "x > 3", "x \\geq 3", 0.0)
acc("ineq-04", F, "x > 3", "x < 3", 0.0)
acc("ineq-05", F, "x > 3", "x > -3", 0.0)
acc("ineq-06", F, "x \\le 5", "x \\leq 5", 1.0)
acc("ineq-07", F, "x \\le 5", "x < 5", 0.0)
acc("ineq-08", F, "-2 < x < 3", "-2<x<3", 1.0)
acc("ineq-09", F, "-2 < x < 3", "-2 \\le x < 3", 0.0)
acc("ineq-10", F, "3", "x > 3", 0.0, why="a bound is not the value")
acc("ineq-11", F, "3", "x \\geq 3", 0.0, why="a bound is not the value")
acc("ineq-12", F, "x \\ge 1", "x \\geq 1", 1.0)

# --------------------------------------------------------------------------------------------------
# matrices and vectors
# --------------------------------------------------------------------------------------------------
F = "matrices"
M = "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"
acc("mat-01", F, M, "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", 1.0, why="brackets are presentation")
acc("mat-02", F, M, "\\begin{pmatrix} 3 & 4 \\\\ 1 & 2 \\end{pmatrix}", 0.0, why="rows swapped")
acc("mat-03", F, M, "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", 0.0, why="transposed")
acc("mat-04", F, M, "\\begin{pmatrix} 1 & 2 & 3 & 4 \\end{pmatrix}", 0.0, why="a row vector, not 2x2")
acc(
    "mat-05",
    F,
    M,
    "\\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\\\ 4 \\end{pmatrix}",
    0.0,
    why="a column vector, not 2x2",
)
acc("mat-06", F, M, "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\\\ \\end{pmatrix}", 1.0, why="a trailing row break")
acc(
    "mat-07",
    F,
    "\\begin{pmatrix} 1/2 \\\\ 3 \\end{pmatrix}",
    "\\begin{pmatrix} \\frac{1}{2} \\\\ 3 \\end{pmatrix}",
    1.0,
)
acc(
    "mat-08",
    F,
    "\\begin{pmatrix} 1/2 \\\\ 3 \\end{pmatrix}",
    "\\begin{pmatrix} 0.5 \\\\ 3 \\end{pmatrix}",
    1.0,
    why="0.5 is exactly 1/2",
)
acc(
    "mat-09",
    F,
    "\\begin{pmatrix} 1/2 \\\\ 3 \\end{pmatrix}",
    "\\begin{pmatrix} 3 \\\\ 1/2 \\end{pmatrix}",
    0.0,
)
acc(
    "mat-10",
    F,
    "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}",
    "\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}",
    0.0,
    why="a sign",
)
acc(
    "mat-11",
    F,
    M,
    "\\left[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}\\right]",
    1.0,
    why="an array in brackets",
)
acc("mat-12", F, M, "-2", 0.0, why="the determinant is not the matrix")
acc(
    "mat-13",
    F,
    "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}",
    "\\begin{pmatrix} 0 & 1 \\\\ 1 & 0 \\end{pmatrix}",
    0.0,
)
acc("mat-14", F, "\\langle 1, 2 \\rangle", "\\langle 2,1\\rangle", 0.0, why="a vector's order matters")
acc("mat-15", F, "\\langle 1, 2 \\rangle", "\\langle 1,2\\rangle", 1.0)

# --------------------------------------------------------------------------------------------------
# complex numbers
# --------------------------------------------------------------------------------------------------
F = "complex"
acc("cpx-01", F, "3+4i", "4i+3", 1.0)
acc("cpx-02", F, "3+4i", "3-4i", 0.0, why="the conjugate")
acc("cpx-03", F, "3+4i", "3+4", 0.0, why="dropping i")
acc("cpx-04", F, "7", "3+4i", 0.0)
acc("cpx-05", F, "2i", "2", 0.0, why="dropping i")
acc("cpx-06", F, "2", "2i", 0.0, why="adding i")
acc("cpx-07", F, "i", "-i", 0.0)
acc("cpx-08", F, "\\frac{1}{2}+\\frac{\\sqrt{3}}{2}i", "\\frac{1+i\\sqrt{3}}{2}", 1.0)
acc("cpx-09", F, "\\frac{1}{2}+\\frac{\\sqrt{3}}{2}i", "\\frac{1-i\\sqrt{3}}{2}", 0.0)
acc("cpx-10", F, "3+4i", "\\overline{3+4i}", 0.0, why="\\overline is the conjugate, 3-4i")
acc("cpx-11", F, "3+4i", "(3+4i)", 1.0)
acc("cpx-12", F, "-1+i", "i-1", 1.0)

# --------------------------------------------------------------------------------------------------
# infinity
# --------------------------------------------------------------------------------------------------
F = "infinity"
acc("inf-01", F, "\\infty", "\\infty", 1.0)
acc("inf-02", F, "\\infty", "+\\infty", 1.0)
acc("inf-03", F, "\\infty", "-\\infty", 0.0)
acc("inf-04", F, "-\\infty", "\\infty", 0.0)
acc("inf-05", F, "\\infty", "0", 0.0)
acc("inf-06", F, "5", "\\infty", 0.0)
acc("inf-07", F, "\\infty", "\\frac{1}{0}", 0.0, why="1/0 is undefined, not +infinity")

# --------------------------------------------------------------------------------------------------
# signs: negative zero, double negatives, signs inside fractions
# --------------------------------------------------------------------------------------------------
F = "signs"
acc("sgn-01", F, "0", "-0", 1.0)
acc("sgn-02", F, "0", "-0.0", 1.0)
acc("sgn-03", F, "-0", "0", 1.0, why="the gold -0 is 0")
acc("sgn-04", F, "-5", "-(5)", 1.0)
acc("sgn-05", F, "-5", "-(-5)", 0.0, why="-(-5) is 5")
acc("sgn-06", F, "-5", "--5", 0.0, why="a double minus is +5")
acc("sgn-07", F, "-5", "+5", 0.0)
acc("sgn-08", F, "5", "+5", 1.0)
acc("sgn-09", F, "-\\frac{1}{2}", "\\frac{-1}{2}", 1.0)
acc("sgn-10", F, "-\\frac{1}{2}", "\\frac{1}{-2}", 1.0)
acc("sgn-11", F, "-\\frac{1}{2}", "\\frac{-1}{-2}", 0.0, why="two minus signs cancel: 1/2")
acc("sgn-12", F, "-5", "|-5|", 0.0, why="the absolute value is 5")
acc("sgn-13", F, "-5", "\\lvert -5 \\rvert", 0.0, why="the absolute value is 5")

# --------------------------------------------------------------------------------------------------
# float_traps: values a float path confuses (overflow to inf, underflow to 0, rounding to 1)
# --------------------------------------------------------------------------------------------------
F = "float_traps"
acc("flt-01", F, "10^{400}", "10^{401}", 0.0, accept=[0.0, None], why="both overflow a float to inf")
acc("flt-02", F, "2^{1024}", "2^{1025}", 0.0, accept=[0.0, None], why="both overflow a float to inf")
acc("flt-03", F, "-10^{400}", "10^{400}", 0.0, accept=[0.0, None], why="opposite signs")
acc(
    "flt-04", F, "10^{-400}", "0", 0.0, accept=[0.0, None], why="10^-400 underflows a float to 0 but is not 0"
)
acc("flt-05", F, "0", "2^{-100000}", 0.0, accept=[0.0, None], why="positive, not zero")
acc(
    "flt-06",
    F,
    "\\frac{1}{2^{2000}}",
    "\\frac{1}{2^{2001}}",
    0.0,
    accept=[0.0, None],
    why="both underflow to 0",
)
acc(
    "flt-07",
    F,
    "1",
    "\\cos(10^{-20})",
    0.0,
    accept=[0.0, None],
    why="cos(1e-20) rounds to 1.0 in a float; it is less than 1",
)
acc(
    "flt-08",
    F,
    "1",
    "e^{10^{-30}}",
    0.0,
    accept=[0.0, None],
    why="rounds to 1.0 in a float; it is more than 1",
)
acc("flt-09", F, "0", "e^{-1000}", 0.0, accept=[0.0, None], why="underflows to 0; it is positive")
acc("flt-10", F, "2^{65536}", "2^{2^{16}}", 1.0, accept=[1.0, None], why="exactly equal; too big for a float")
case(
    "flt-11",
    F,
    gold_parts=[["1", 1], ["0", 400]],
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["0", 399], ["1}$.", 1]],
    expect=0.0,
    accept=[0.0, None],
    why="401-digit integers that differ in the last digit (both inf as floats)",
)
case(
    "flt-12",
    F,
    gold="10^{5000}",
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["0", 5000], ["}$.", 1]],
    expect=1.0,
    accept=[1.0, None],
    why="a 5001-digit integer equal to 10^5000 (past Python's int-string limit)",
)
case(
    "flt-13",
    F,
    gold_parts=[["1", 1], ["0", 5000]],
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["0", 4999], ["1}$.", 1]],
    expect=0.0,
    accept=[0.0, None],
    why="5001-digit integers that differ in the last digit",
)
case(
    "flt-14",
    F,
    gold_parts=[["1", 1], ["0", 5000]],
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["0", 5000], ["}$.", 1]],
    expect=1.0,
    accept=[1.0, None],
    why="a 5001-digit gold and the same digits: 1.0, or None if golds past a digit limit are refused",
)
case(
    "flt-15",
    F,
    gold_parts=[["1", 1], ["0", 5000]],
    boxed="10^{5000}",
    expect=1.0,
    accept=[1.0, None],
    why="a 5001-digit integer gold against its power form",
)

# --------------------------------------------------------------------------------------------------
# rational_approximations: rationals very close to an irrational gold
# --------------------------------------------------------------------------------------------------
F = "rational_approx"
acc("rat-01", F, "\\pi", "\\frac{22}{7}", 0.0)
acc("rat-02", F, "\\pi", "\\frac{355}{113}", 0.0, why="agrees with pi to 7 digits; not pi")
acc("rat-03", F, "\\pi", "\\frac{104348}{33215}", 0.0, why="agrees with pi to about 1e-10")
acc("rat-04", F, "\\sqrt{2}", "\\frac{99}{70}", 0.0)
acc("rat-05", F, "\\sqrt{2}", "\\frac{665857}{470832}", 0.0, why="agrees with sqrt 2 to about 1e-12")
acc("rat-06", F, "e", "\\frac{2721}{1001}", 0.0, why="agrees with e to about 1e-7")
acc("rat-07", F, "\\frac{1}{3}", "0.3334", 0.0, why="1/3 is 0.3333 at four places")
acc(
    "rat-08",
    F,
    "\\frac{2}{3}",
    "0.666",
    0.0,
    why="2/3 is 0.667 at three places; a truncation is not a rounding",
)
acc("rat-10", F, "3\\pi", "3", 0.0, why="dropping pi")

# --------------------------------------------------------------------------------------------------
# resource: exponent towers, factorials, deep nesting, huge inputs (verdict or None, never a hang)
# --------------------------------------------------------------------------------------------------
F = "resource"
W = [0.0, None]
acc("res-01", F, "5", "9^{9^{9^{9}}}", 0.0, accept=W, why="an exponent tower is not 5")
acc("res-02", F, "5", "10^{10^{10^{10}}}", 0.0, accept=W)
acc("res-03", F, "5", "99999!", 0.0, accept=W)
acc("res-04", F, "5", "(10^{100})!", 0.0, accept=W)
acc("res-05", F, "5", "10^{10^{100}}", 0.0, accept=W)
acc("res-06", F, "5", "2^{2^{2^{2^{2^{2}}}}}", 0.0, accept=W)
acc("res-07", F, "0", "10^{-10^{10}}", 0.0, accept=W, why="positive, not zero")
acc("res-08", F, "5", "1000000!", 0.0, accept=W)
case(
    "res-09",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{", 1], ["{", 3000], ["6", 1], ["}", 3000], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="3000 nested brace groups around 6",
)
case(
    "res-10",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{", 1], ["(", 3000], ["6", 1], [")", 3000], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="3000 nested parentheses around 6",
)
case(
    "res-11",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{", 1], ["\\frac{1}{", 400], ["2", 1], ["}", 400], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="400 nested fractions (value 2 or 1/2)",
)
case(
    "res-12",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{", 1], ["\\sqrt{", 500], ["6", 1], ["}", 500], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="500 nested square roots of 6",
)
case(
    "res-13",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["+1", 5000], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="a sum of 5001 ones is 5001",
)
case(
    "res-14",
    F,
    gold="5",
    parts=[["\\boxed{", 10000], ["</think>\n\\boxed{", 10000], ["6", 1]],
    expect=0.0,
    accept=W,
    why="unclosed boxes everywhere",
)
case(
    "res-15",
    F,
    gold="5",
    parts=[
        ["<think>\n", 1],
        ["We add the numbers 3 and 4 and get 7. ", 6000],
        ["\n</think>\n\nThe answer is $\\boxed{5}$.", 1],
    ],
    expect=1.0,
    why="240 KB of reasoning full of numbers, then the right answer",
)
case(
    "res-16",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{5}$.", 1], [" ", 100000]],
    expect=1.0,
    why="100 KB of trailing spaces",
)
case(
    "res-17",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{1", 1], ["0", 100000], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="a 100001-digit number is not 5",
)
case(
    "res-18",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{", 1], ["-", 20000], ["5}$.", 1]],
    expect=1.0,
    accept=[1.0, 0.0, None],
    why="20000 minus signs (an even count is +5): any verdict or None, no hang",
)
case(
    "res-19",
    F,
    gold="5",
    parts=[[THINK + "The answer is $\\boxed{6", 1], ["^{6", 300], ["}", 300], ["}$.", 1]],
    expect=0.0,
    accept=W,
    why="a 300-level tower of 6",
)
case(
    "res-20",
    F,
    gold="5",
    parts=[["<think>", 5000], ["</think>", 5000], ["\\boxed{6}", 1]],
    expect=0.0,
    accept=W,
    why="tag spam",
)

# --------------------------------------------------------------------------------------------------
# empty: empty or whitespace answers, empty golds (None, never a match of two empties)
# --------------------------------------------------------------------------------------------------
F = "empty"
case("emp-01", F, gold="5", completion="<think>\nreasoning\n</think>", expect=0.0)
case("emp-02", F, gold="5", completion="<think>\nreasoning\n</think>\n   \n\n ", expect=0.0)
case("emp-03", F, gold="5", completion="<think>\nreasoning\n</think>\n<answer></answer>", expect=0.0)
case("emp-04", F, gold="5", completion="<think>\nreasoning\n</think>\n<answer>   </answer>", expect=0.0)
case("emp-05", F, gold="5", completion="", expect=0.0)
case("emp-06", F, gold="5", completion=[{"role": "assistant", "content": ""}], expect=0.0)
acc("emp-07", F, "5", "\\text{}", 0.0)
case(
    "emp-08",
    F,
    gold="",
    completion="<think>\nreasoning\n</think>\n",
    expect=None,
    why="an empty gold is unreadable: None, and two empties must not match",
)
case("emp-09", F, gold="   ", completion="<think>\nreasoning\n</think>\n   ", expect=None)
case("emp-10", F, gold="\\boxed{}", completion=THINK + "The answer is $\\boxed{}$.", expect=None)
case("emp-11", F, gold="\\text{}", completion=THINK + "The answer is $\\boxed{\\text{}}$.", expect=None)
case("emp-12", F, gold=None, completion=THINK + "The answer is $\\boxed{5}$.", expect=None, why="no gold")
case("emp-13", F, gold="$$", completion=THINK + "The answer is $$.", expect=None)

# --------------------------------------------------------------------------------------------------
# choices: multiple-choice letters
# --------------------------------------------------------------------------------------------------
F = "choices"
acc("mc-01", F, "B", "B", 1.0)
acc("mc-02", F, "B", "(B)", 1.0)
acc("mc-03", F, "B", "\\text{(B)}", 1.0)
acc("mc-04", F, "B", "\\textbf{(B)}", 1.0)
acc("mc-05", F, "B", "C", 0.0)
acc("mc-06", F, "B", "\\text{(B) and (C)}", 0.0, why="two letters")
acc("mc-07", F, "B", "B, C", 0.0, why="two letters")
acc("mc-08", F, "B", "\\text{ABCDE}", 0.0, why="every letter")
acc("mc-09", F, "B", "\\text{B or C}", 0.0)
case("mc-10", F, gold="B", summary="The answer is $\\boxed{B}$ or $\\boxed{C}$.", expect=0.0)
acc("mc-11", F, "\\text{(C)}", "C", 1.0)
acc("mc-12", F, "D", "\\text{D}", 1.0)
acc("mc-13", F, "\\text{(C)}", "\\text{(D)}", 0.0)

# --------------------------------------------------------------------------------------------------
# fractions: fractions with decimals, mixed numbers vs products
# --------------------------------------------------------------------------------------------------
F = "fractions"
acc("frc-01", F, "\\frac{3}{4}", "\\frac{1.5}{2}", 1.0, why="exactly 3/4")
acc("frc-02", F, "\\frac{3}{4}", "\\frac{0.75}{1}", 1.0)
acc("frc-03", F, "\\frac{3}{4}", "\\frac{1.5}{2.5}", 0.0, why="0.6")
acc("frc-04", F, "0.6", "\\frac{3}{5}", 1.0)
acc("frc-05", F, "0.6", "\\frac{2}{3}", 0.0)
acc("frc-06", F, "\\frac{5}{2}", "2\\frac{1}{2}", 1.0, why="a mixed number, as MATH writes it")
acc("frc-07", F, "1", "2\\frac{1}{2}", 0.0, why="a mixed number is 5/2, not the product 1")
acc("frc-08", F, "3\\frac{1}{4}", "\\frac{13}{4}", 1.0)
acc("frc-09", F, "3\\frac{1}{4}", "3.25", 1.0)
acc("frc-10", F, "3\\frac{1}{4}", "3 \\cdot \\frac{1}{4}", 0.0, why="an explicit product: 3/4")
acc("frc-11", F, "-2\\frac{1}{2}", "-\\frac{5}{2}", 1.0, why="-(2 + 1/2)")
acc("frc-12", F, "-2\\frac{1}{2}", "-1.5", 0.0, why="-2 + 1/2 is the wrong reading")
acc("frc-13", F, "\\frac{1}{2}", "\\frac{50}{100}", 1.0)
acc("frc-14", F, "\\frac{1}{2}", "\\frac{1}{2.0}", 1.0)
acc("frc-15", F, "\\frac{1}{8}", "2^{-3}", 1.0)
acc("frc-16", F, "\\frac{1}{8}", "2^{3}", 0.0)
acc("frc-17", F, "0.5", ".5", 1.0, why="a leading decimal point")
acc("frc-18", F, "5", ".5", 0.0, why="a leading decimal point is not punctuation")
acc("frc-19", F, "\\frac{1}{2}", "\\frac{-1}{-2}", 1.0)

# --------------------------------------------------------------------------------------------------
# implicit_mult: juxtaposition, surds, roots with an index
# --------------------------------------------------------------------------------------------------
F = "implicit_mult"
acc("imp-01", F, "2\\sqrt{3}", "\\sqrt{3}\\cdot 2", 1.0)
acc("imp-02", F, "2\\sqrt{3}", "\\sqrt{12}", 1.0)
acc("imp-03", F, "23", "2(3)", 0.0, why="2(3) is 6, not 23")
acc("imp-04", F, "2x", "2 \\cdot x", 1.0)
acc("imp-05", F, "2x", "2^x", 0.0)
acc("imp-06", F, "2x", "x^2", 0.0)
acc("imp-07", F, "\\pi r^2", "r^2\\pi", 1.0)
acc("imp-08", F, "\\pi r^2", "2\\pi r", 0.0)
acc("imp-09", F, "ab", "ba", 1.0)
acc("imp-10", F, "ab", "a+b", 0.0)
acc("imp-11", F, "\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", 1.0)
acc("imp-12", F, "\\frac{\\sqrt{2}}{2}", "\\frac{2}{\\sqrt{2}}", 0.0, why="that is sqrt 2")
acc("imp-13", F, "2", "\\sqrt[3]{8}", 1.0)
acc("imp-14", F, "2", "\\sqrt{8}", 0.0, why="the square root of 8 is not 2")
acc("imp-15", F, "2\\sqrt{2}", "\\sqrt[3]{8}", 0.0, why="the root's index matters")
acc("imp-16", F, "3", "\\sqrt[4]{81}", 1.0)
acc("imp-17", F, "3", "27^{1/3}", 1.0)

# --------------------------------------------------------------------------------------------------
# constants: e, i, pi as constants vs letters
# --------------------------------------------------------------------------------------------------
F = "constants"
acc("cst-01", F, "e", "e", 1.0)
acc("cst-02", F, "\\pi", "\\frac{\\pi}{1}", 1.0)
acc("cst-03", F, "i", "\\sqrt{-1}", 1.0)
acc("cst-04", F, "2e", "2\\cdot e", 1.0)
acc("cst-05", F, "e", "\\pi", 0.0)
acc("cst-06", F, "\\pi", "e", 0.0)
acc("cst-07", F, "e^2", "2e", 0.0)

# --------------------------------------------------------------------------------------------------
# functions: f(x) = ..., applications
# --------------------------------------------------------------------------------------------------
F = "functions"
acc("fun-01", F, "f(x)=2x+1", "2x+1", 1.0)
acc("fun-02", F, "2x+1", "f(x)=2x+1", 1.0)
acc("fun-03", F, "2x+1", "f(x) = 2x - 1", 0.0)
acc("fun-04", F, "x^2", "g(x) = x^3", 0.0)
acc("fun-05", F, "2x+1", "f(2x+1)", 0.0, why="an unknown function applied to the answer is not the answer")
acc("fun-06", F, "5", "f(5)", 0.0, why="f(5) is not 5")
acc("fun-07", F, "5", "f(2)=5", 1.0, why="states the value 5")
acc("fun-08", F, "5", "f(5)=2", 0.0, why="the value is 2")
acc("fun-09", F, "x^3-3x", "x(x^2-3)", 1.0)
acc("fun-10", F, "\\frac{1}{x}", "x^{-1}", 1.0)

# --------------------------------------------------------------------------------------------------
# plus_minus
# --------------------------------------------------------------------------------------------------
F = "plus_minus"
acc("pm-01", F, "5", "\\pm 5", 0.0, why="plus or minus 5 is two values")
acc("pm-02", F, "5", "\\mp 5", 0.0)
acc("pm-03", F, "\\pm 3", "\\pm3", 1.0)
acc("pm-04", F, "\\pm 3", "3", 0.0, why="misses -3")
acc("pm-05", F, "\\pm 3", "\\pm 9", 0.0)
acc("pm-06", F, "1 \\pm \\sqrt{2}", "1+\\sqrt{2}", 0.0, why="misses 1 - sqrt 2")
acc("pm-07", F, "1 \\pm \\sqrt{2}", "\\pm 1 + \\sqrt{2}", 0.0, why="that is {1+sqrt2, -1+sqrt2}")
acc("pm-08", F, "3", "3 \\pm 0.1", 0.0, why="an error bar is a hedge")
acc("pm-09", F, "\\pm 3", "-3, 3", 1.0, why="the same two values")

# --------------------------------------------------------------------------------------------------
# not_equal: symbolic look-alikes that are not equal
# --------------------------------------------------------------------------------------------------
F = "not_equal"
acc("neq-01", F, "|x|", "x", 0.0)
acc("neq-02", F, "x", "\\sqrt{x^2}", 0.0, why="that is |x|")
acc("neq-03", F, "2x+2", "x+1", 0.0, why="proportional is not equal")
acc("neq-04", F, "x^2-1", "(x-1)(x+1)", 1.0, why="equal (the control)")
acc("neq-05", F, "3.7", "\\lfloor 3.7 \\rfloor", 0.0, why="the floor is 3")
acc("neq-06", F, "3.2", "\\lceil 3.2 \\rceil", 0.0, why="the ceiling is 4")
acc("neq-07", F, "5", "5!", 0.0, why="5! is 120")
acc("neq-08", F, "5", "5^{0}", 0.0, why="5^0 is 1")
acc("neq-09", F, "5", "5^{-1}", 0.0)
acc("neq-10", F, "5", "{5}^{2}", 0.0)
acc("neq-11", F, "x^2+2x+1", "(x+1)^2", 1.0, why="equal (the control)")
acc("neq-12", F, "\\sin x", "\\sin(-x)", 0.0)

# --------------------------------------------------------------------------------------------------
# punctuation: trailing marks
# --------------------------------------------------------------------------------------------------
F = "punctuation"
acc("pun-01", F, "5", "5.", 1.0)
case("pun-02", F, gold="5", summary="The answer is $\\boxed{5}$!", expect=1.0)
case("pun-03", F, gold="5", summary="The answer is $\\boxed{5}\\text{.}$", expect=1.0)
acc("pun-04", F, "-5", "-5.", 1.0)
acc("pun-05", F, "5", "(5)", 1.0)
acc("pun-06", F, "5", "5!", 0.0, why="5! is 120")

# --------------------------------------------------------------------------------------------------
# separators: thousands separators and locale traps
# --------------------------------------------------------------------------------------------------
F = "separators"
acc("sep-01", F, "1", "1.000,5", 0.0, why="1000.5 in one locale, a list (1, 5) in another; never 1")
acc("sep-02", F, "1234567", "1,234,56,7", 0.0, why="a malformed grouping is a list, not a number")
acc("sep-03", F, "1000", "1,00,0", 0.0, why="stripping every comma is wrong")
acc("sep-04", F, "12345", "12,345.0", 1.0)
acc("sep-05", F, "5", "5,000", 0.0, why="5000 or the list 5, 0: never 5")
acc("sep-06", F, "1", "1.000.000", 0.0, why="a million in one locale, unreadable in another; never 1")
acc("sep-07", F, "1000", "1{,}000", 1.0, why="LaTeX's comma grouping, as MATH writes it")
acc("sep-08", F, "1000", "1{,}000{,}000", 0.0)
acc("sep-09", F, "1234", "1{,}234", 1.0)

# --------------------------------------------------------------------------------------------------
# digits: Arabic-Indic, Persian, Devanagari, Bengali, Thai, full-width, mathematical digits
# --------------------------------------------------------------------------------------------------
F = "digits"
acc("dig-01", F, "42", "٤٢", 1.0, why="Arabic-Indic 42")
acc("dig-02", F, "42", "٤٣", 0.0, why="Arabic-Indic 43")
acc("dig-03", F, "7", "٧", 1.0)
acc("dig-04", F, "42", "۴۲", 1.0, why="Persian 42")
acc("dig-05", F, "42", "४२", 1.0, why="Devanagari 42")
acc("dig-06", F, "42", "৪২", 1.0, why="Bengali 42")
acc("dig-07", F, "42", "๔๒", 1.0, why="Thai 42")
acc("dig-08", F, "42", "４２", 1.0, why="full-width 42")
acc("dig-09", F, "42", "４３", 0.0, why="full-width 43")
acc("dig-10", F, "\\frac{1}{2}", "\\frac{１}{２}", 1.0, why="full-width digits in a fraction")
acc("dig-11", F, "3.5", "٣٫٥", 1.0, why="Arabic decimal separator")
acc("dig-12", F, "35", "٣٫٥", 0.0, why="3.5, not 35")
acc("dig-13", F, "42", "𝟒𝟐", 1.0, why="mathematical bold digits")
case("dig-14", F, gold="٤٢", boxed="42", expect=1.0, why="a gold in Arabic-Indic digits")
acc("dig-15", F, "42", "४३", 0.0, why="Devanagari 43")

# --------------------------------------------------------------------------------------------------
# currency and clock
# --------------------------------------------------------------------------------------------------
F = "currency_time"
acc("cur-01", F, "18", "\\$18", 1.0)
acc("cur-02", F, "1200", "\\$1{,}200", 1.0)
acc("cur-03", F, "0.5", "\\$0.50", 1.0)
acc("cur-04", F, "6", "\\$5", 0.0)
acc("cur-05", F, "55", "\\$5.5", 0.0, why="5.5 dollars, not 55")
acc("cur-06", F, "5", "\\$5.00", 1.0)
acc("cur-07", F, "18", "€18", 1.0)
acc("cur-08", F, "2:30", "2:30", 1.0)
acc("cur-09", F, "230", "2:30", 0.0, why="a time or ratio is not 230")
acc("cur-10", F, "2:30", "3:20", 0.0)
acc("cur-11", F, "3:4", "4:3", 0.0, why="a ratio's order matters")

# --------------------------------------------------------------------------------------------------
# gold_formats: golds as datasets store them
# --------------------------------------------------------------------------------------------------
F = "gold_formats"
acc("gld-01", F, "\\boxed{5}", "5", 1.0)
acc(
    "gld-02",
    F,
    "We find that $x = \\frac{1}{2}$, so the answer is $\\boxed{\\frac{1}{2}}$.",
    "0.5",
    1.0,
    why="a whole MATH solution as the gold",
)
acc(
    "gld-03",
    F,
    "Janet has 16 - 3 - 4 = <<16-3-4=9>>9 eggs and sells them for 9 * 2 = $<<9*2=18>>18.\n#### 18",
    "18",
    1.0,
    why="a GSM8K solution as the gold",
)
acc(
    "gld-04",
    F,
    "Janet has 16 - 3 - 4 = <<16-3-4=9>>9 eggs and sells them for 9 * 2 = $<<9*2=18>>18.\n#### 18",
    "9",
    0.0,
    why="9 is an intermediate value in the GSM8K solution, not its answer",
)
acc("gld-05", F, "$5$", "5", 1.0)
acc("gld-06", F, "\\(5\\)", "5", 1.0)
acc("gld-07", F, "\\[5\\]", "5", 1.0)
acc("gld-08", F, 5, "5", 1.0, why="an integer gold column")
acc("gld-09", F, 0.5, "\\frac{1}{2}", 1.0, why="a float gold column")
acc("gld-10", F, "5 ", "5", 1.0)
acc("gld-11", F, 5, "6", 0.0, why="an integer gold column")

# --------------------------------------------------------------------------------------------------
# format rewards
# --------------------------------------------------------------------------------------------------
F = "format"
Z, S, T = "r1_zero_format", "think_summary_format", "tag_count"
case(
    "fmt-01",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>\n5\n</answer>",
    expect=1.0,
    why="the control",
)
case(
    "fmt-02",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>5</answer>\n<answer>6</answer>",
    expect=0.0,
    why="two answer blocks",
)
case(
    "fmt-03",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>5</answer> and then some more text",
    expect=0.0,
    why="text after the answer block",
)
case(
    "fmt-04",
    F,
    Z,
    completion="<think><think>\nreasoning\n</think></think>\n<answer>5</answer>",
    expect=0.0,
    why="nested think tags",
)
case(
    "fmt-05",
    F,
    Z,
    completion="<think>\nreasoning <answer>5</answer>\n</think>\n<answer>5</answer>",
    expect=0.0,
    why="an answer block inside the reasoning",
)
case(
    "fmt-06",
    F,
    Z,
    completion="<think>\u00a0</think>\n<answer>5</answer>",
    expect=0.0,
    why="a no-break space is empty reasoning",
)
case(
    "fmt-07",
    F,
    Z,
    completion="<think>\u3000</think>\n<answer>5</answer>",
    expect=0.0,
    why="an ideographic space is empty reasoning",
)
case(
    "fmt-08",
    F,
    Z,
    completion="<think>\u3164</think>\n<answer>5</answer>",
    expect=0.0,
    why="the Hangul filler is invisible",
)
case(
    "fmt-09",
    F,
    Z,
    completion="<think>\u2800</think>\n<answer>5</answer>",
    expect=0.0,
    why="a braille blank is invisible",
)
case(
    "fmt-10",
    F,
    Z,
    completion="<think>\u00ad</think>\n<answer>5</answer>",
    expect=0.0,
    why="a soft hyphen is invisible",
)
case(
    "fmt-11",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>\u00a0\u3000</answer>",
    expect=0.0,
    why="an invisible answer",
)
case(
    "fmt-12",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>\n5\n</answer>\n",
    expect=1.0,
    why="a trailing newline",
)
case(
    "fmt-13",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\nsome junk\n<answer>5</answer>",
    expect=0.0,
    why="text between the blocks",
)
case(
    "fmt-14",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer>5</answer>\n</think>",
    expect=0.0,
    why="a stray closing tag",
)
case(
    "fmt-15",
    F,
    Z,
    completion="<think>\nreasoning\n</think>\n<answer><think>x</think>5</answer>",
    expect=0.0,
    why="a think block inside the answer",
)
case(
    "fmt-16",
    F,
    Z,
    completion="<THINK>\nreasoning\n</THINK>\n<ANSWER>5</ANSWER>",
    expect=0.0,
    why="not R1's tags",
)
case(
    "fmt-17",
    F,
    Z,
    completion="<answer>5</answer>\n<think>\nreasoning\n</think>",
    expect=0.0,
    why="blocks in the wrong order",
)
case(
    "fmt-18",
    F,
    Z,
    completion="<think>\t\n \r\n</think>\n<answer>5</answer>",
    expect=0.0,
    why="whitespace-only reasoning",
)
case(
    "fmt-19",
    F,
    S,
    completion="<think>\nreasoning\n</think>\n\nThe answer is 5.",
    expect=1.0,
    why="the control",
)
case(
    "fmt-20",
    F,
    S,
    completion="<think>\nreasoning\n</think>\u00a0",
    expect=0.0,
    why="a no-break space is an empty summary",
)
case(
    "fmt-21",
    F,
    S,
    completion="<think>\nreasoning\n</think>\u3000\u3164",
    expect=0.0,
    why="an invisible summary",
)
case("fmt-22", F, S, completion="<think>\nreasoning\n</think>\n\n", expect=0.0, why="an empty summary")
case(
    "fmt-23",
    F,
    S,
    completion="<think>\nreasoning\n</think>\nsummary\n</think>\nmore",
    expect=0.0,
    why="two closing tags",
)
case(
    "fmt-24",
    F,
    S,
    completion="<think>\nreasoning\n</think>\n<think>\nmore\n</think>\nsummary",
    expect=0.0,
    why="two think blocks",
)
case(
    "fmt-25",
    F,
    S,
    completion="<think>\u2800</think>\nThe answer is 5.",
    expect=0.0,
    why="invisible reasoning",
)
case(
    "fmt-26",
    F,
    S,
    completion="reasoning without a tag\n</think>\nThe answer is 5.",
    prompts=["Solve it. Think first.<think>\n"],
    expect=1.0,
    why="<think> prefilled by the prompt",
)
case(
    "fmt-27",
    F,
    S,
    completion="<think>\nreasoning\n</think>\nThe answer is 5.\n<think>\nmore",
    expect=0.0,
    why="a second, unclosed think block in the summary",
)
case(
    "fmt-28",
    F,
    T,
    completion="<think>\nreasoning\n</think>\n<answer>\n5\n</answer>",
    expect=1.0,
    why="the control",
)
case(
    "fmt-29",
    F,
    T,
    completion="<think>\nr\n</think>\n<answer>\n5\n</answer>\n" * 4,
    range=[0.0, 0.75],
    why="every tag four times: not full credit",
)
case(
    "fmt-30",
    F,
    T,
    completion="<think>\n<think>\n</think>\n</think>\n<answer>\n<answer>\n</answer>\n</answer>",
    range=[0.0, 0.75],
    why="every tag twice: not full credit",
)

# --------------------------------------------------------------------------------------------------
# language consistency (ranges: the share of target-language words)
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
EN = (
    "Now we compute the total number of apples in the basket. First we count the red ones, then we count the "
    "green ones, and finally we add both numbers together to get the answer that the question asks for. "
)
case(
    "lang-01",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n$\\mathrm{" + EN.replace(" ", "\\ ") + "}$\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose inside \\mathrm{} is still English a reader sees",
)
case(
    "lang-02",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n`" + EN + "`\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in an inline code span",
)
case(
    "lang-03",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n> " + EN + "\n> " + EN + "\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in a block quote",
)
case(
    "lang-04",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n# " + EN + "\n## " + EN + "\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in markdown headings",
)
case(
    "lang-05",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n\\textbf{" + EN + "}\n\\emph{" + EN + "}\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in \\textbf{} and \\emph{} outside math",
)
case(
    "lang-06",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n$$\\operatorname{"
    + EN.replace(" ", "\\ ")
    + "}$$\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose inside \\operatorname{}",
)
FR = (
    "Nous calculons maintenant le nombre total de pommes dans le panier. D'abord nous comptons les rouges, "
    "puis les vertes, et enfin nous additionnons les deux nombres pour obtenir la réponse demandée. "
)
case(
    "lang-07",
    F,
    L,
    language="en",
    completion="<think>\n" + FR * 2 + "\n</think>\nThe answer is 5.",
    range=[0.0, 0.3],
    why="French reasoning is not English (same script)",
)
ES = (
    "Ahora calculamos el número total de manzanas en la cesta. Primero contamos las rojas, luego las verdes, "
    "y finalmente sumamos ambos números para obtener la respuesta que pide la pregunta. "
)
case(
    "lang-08",
    F,
    L,
    language="en",
    completion="<think>\n" + ES * 2 + "\n</think>\nThe answer is 5.",
    range=[0.0, 0.3],
    why="Spanish reasoning is not English",
)
DE = (
    "Jetzt berechnen wir die Gesamtzahl der Äpfel im Korb. Zuerst zählen wir die roten, dann die grünen, "
    "und schließlich addieren wir beide Zahlen, um die gesuchte Antwort zu erhalten. "
)
case(
    "lang-09",
    F,
    L,
    language="en",
    completion="<think>\n" + DE * 2 + "\n</think>\nThe answer is 5.",
    range=[0.0, 0.3],
    why="German reasoning is not English",
)
case(
    "lang-10",
    F,
    L,
    language="fr",
    completion="<think>\n" + EN * 2 + "\n</think>\nLa réponse est 5.",
    range=[0.0, 0.3],
    why="English reasoning is not French",
)
case(
    "lang-11",
    F,
    L,
    language="en",
    completion="<think>\n"
    + EN
    + "We have $3 + 4 = 7$ and $\\frac{14}{2} = 7$, so $x^2 - 49 = 0$.\n"
    + EN
    + "\n</think>\nThe answer is 7.",
    range=[0.9, 1.0],
    why="English with math: all English",
)
case(
    "lang-12",
    F,
    L,
    language="zh",
    completion="<think>\n我们先数红苹果，再数绿苹果，最后把两个数相加。$3 + 4 = 7$，所以一共有 7 个苹果。\n</think>\n答案是 7。",
    range=[0.9, 1.0],
    why="Chinese with math: all Chinese",
)
JA = (
    "これはりんごのかずをかぞえるもんだいです。まずあかいりんごをかぞえて、つぎにみどりのりんごをかぞえます。"
)
case(
    "lang-13",
    F,
    L,
    language="zh",
    completion="<think>\n" + JA * 2 + "\n</think>\n答案是 7。",
    range=[0.0, 0.3],
    why="Japanese kana is not Chinese",
)
case(
    "lang-14",
    F,
    L,
    language="en",
    completion="<think>\n"
    + EN
    + "\n<!-- 我们来计算这个问题的答案，先数红苹果，再数绿苹果，最后相加得到结果。"
    "我们来计算这个问题的答案，先数红苹果，再数绿苹果，最后相加得到结果。 -->\n"
    + "\n</think>\nThe answer is 7.",
    range=[0.0, 0.8],
    why="Chinese prose in an HTML comment is still in the chain of thought",
)


# --------------------------------------------------------------------------------------------------
# text_answers: golds that are words (a reader that drops \text must not match two different words)
# --------------------------------------------------------------------------------------------------
F = "text_answers"
acc("txt-01", F, "\\text{Monday}", "\\text{Monday}", 1.0)
acc("txt-02", F, "\\text{Monday}", "\\text{Tuesday}", 0.0, why="two different words")
acc("txt-03", F, "\\text{Monday}", "Monday", 1.0)
acc("txt-04", F, "\\text{yes}", "\\text{no}", 0.0)
acc("txt-05", F, "\\text{even}", "\\text{odd}", 0.0)
acc("txt-06", F, "\\text{even}", "\\text{not even}", 0.0)
acc("txt-07", F, "\\text{True}", "\\text{False}", 0.0)
acc("txt-08", F, "\\text{Monday}", "\\text{Monday or Tuesday}", 0.0, why="a hedge")
acc("txt-09", F, "\\text{Monday}", "", 0.0)
acc("txt-10", F, "5", "\\text{five or six}", 0.0)

# --------------------------------------------------------------------------------------------------
# variables: different variable names, Greek letters, subscripts
# --------------------------------------------------------------------------------------------------
F = "variables"
acc("var-01", F, "x^2+y^2", "a^2+b^2", 0.0, why="different variables")
acc("var-02", F, "n+1", "m+1", 0.0)
acc("var-03", F, "\\alpha", "\\beta", 0.0)
acc("var-04", F, "\\alpha+\\beta", "\\beta+\\alpha", 1.0)
acc("var-05", F, "a_1", "a_2", 0.0, why="different subscripts are different variables")
acc("var-06", F, "x_1+x_2", "x_2+x_1", 1.0)
acc("var-07", F, "5", "5x", 0.0, why="x is a variable, not a unit")
acc("var-08", F, "5", "5n", 0.0)
acc("var-09", F, "2\\theta", "2\\phi", 0.0)
acc("var-10", F, "x", "y", 0.0)

# --------------------------------------------------------------------------------------------------
# systems: equations of several unknowns, lines
# --------------------------------------------------------------------------------------------------
F = "systems"
acc("sys-01", F, "x=1, y=2", "y=2, x=1", 1.0, why="the same assignments in another order")
acc("sys-02", F, "x=1, y=2", "x=2, y=1", 0.0, why="swapped values")
acc("sys-03", F, "x=1, y=2", "x=1", 0.0, why="y missing")
acc("sys-04", F, "y=2x+3", "y=2x+3", 1.0)
acc("sys-05", F, "y=2x+3", "y=3x+2", 0.0)
acc("sys-06", F, "y=2x+3", "y=2x", 0.0)
acc("sys-07", F, "y=2x+3", "y=2x-3", 0.0)
acc("sys-08", F, "x^2+y^2=25", "x^2+y^2=5", 0.0, why="radius 5 is r^2 = 25")

# --------------------------------------------------------------------------------------------------
# units_powers: units with exponents and units that are symbols
# --------------------------------------------------------------------------------------------------
F = "units_powers"
acc("unp-01", F, "25", "25\\text{ cm}^2", 1.0, why="25 square centimetres")
acc("unp-02", F, "25", "25\\,\\mathrm{m}^2", 1.0)
acc("unp-03", F, "125", "125\\text{ m}^3", 1.0)
acc("unp-04", F, "9.8", "9.8\\,\\text{m/s}^2", 1.0)
acc("unp-05", F, "25", "5\\text{ cm}^2", 0.0, why="5 square centimetres, not 25")
acc("unp-06", F, "5", "5\\text{ cm}^2", 1.0)
acc("unp-07", F, "5", "5^{\\text{th}}", 1.0, why="the 5th")
acc("unp-08", F, "5", "6^{\\text{th}}", 0.0)
acc("unp-09", F, "5", "= 5", 1.0, why="a leading equals sign")
acc("unp-10", F, "5", "=6", 0.0)

# --------------------------------------------------------------------------------------------------
# markdown: prose final answers with markdown emphasis, display delimiters
# --------------------------------------------------------------------------------------------------
F = "markdown"
case("md-01", F, gold="5", summary="**Answer: 5**", expect=1.0)
case("md-02", F, gold="5", summary="**Final answer:** 5", expect=1.0)
case("md-03", F, gold="5", summary="The answer is **6**.", expect=0.0)
case("md-04", F, gold="5", summary="\\[ \\boxed{5} \\]", expect=1.0)
case("md-05", F, gold="5", summary="\\( \\boxed{5} \\)", expect=1.0)
case("md-06", F, gold="5", summary="$$\\boxed{6}$$", expect=0.0)
case(
    "md-07",
    F,
    gold="\\frac{1}{2}",
    summary="The answer is $\\boxed{\\frac{1}{2}}$, since **half** of the 10 apples are 5.",
    expect=1.0,
    why="other numbers in the summary's prose do not compete with the box",
)
case(
    "md-08",
    F,
    gold="5",
    summary="| quantity | value |\n|---|---|\n| answer | 6 |\n\nSo $\\boxed{6}$.",
    expect=0.0,
)

# --------------------------------------------------------------------------------------------------
# language consistency, more hiding places
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
ZH = "我们先数红苹果，再数绿苹果，最后把两个数相加得到题目要求的答案。然后我们检查结果是否正确，确认每一步都没有错误。"
case(
    "lang-15",
    F,
    L,
    language="en",
    completion="<think>\nLet us compute.\n$\\mathrm{" + ZH * 2 + "}$\n</think>\nThe answer is 5.",
    range=[0.0, 0.5],
    why="Chinese prose inside \\mathrm{} is Chinese a reader sees",
)
case(
    "lang-16",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n| step | note |\n|---|---|\n| 1 | "
    + EN
    + " |\n| 2 | "
    + EN
    + " |\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in a markdown table",
)
case(
    "lang-17",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n[" + EN + "](https://example.com)\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose as link text",
)
case(
    "lang-18",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n- " + EN + "\n- " + EN + "\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in a bullet list",
)
case(
    "lang-19",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\\footnote{" + EN + EN + "}\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose in a LaTeX footnote",
)
case(
    "lang-20",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。<span>" + EN + EN + "</span>\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose inside HTML tags",
)
case(
    "lang-21",
    F,
    L,
    language="en",
    completion="<think>\n"
    + EN
    + "\n```python\ntotal = sum(x for x in range(10))\nprint(total)\n```\n"
    + EN
    + "\n</think>\nThe answer is 45.",
    range=[0.9, 1.0],
    why="real code in a fence does not lower an English chain of thought",
)


# --------------------------------------------------------------------------------------------------
# more rational approximations (closer convergents), Greek capitals, more float underflow
# --------------------------------------------------------------------------------------------------
F = "rational_approx"
acc("rat-11", F, "\\sqrt{3}", "\\frac{70226}{40545}", 0.0, why="a convergent of sqrt 3, relative error 1e-10")
acc(
    "rat-12",
    F,
    "\\sqrt{3}",
    "\\frac{978122}{564719}",
    0.0,
    why="a convergent of sqrt 3, relative error 5e-13",
)
acc("rat-13", F, "\\pi", "\\frac{312689}{99532}", 0.0, why="a convergent of pi, relative error 9e-12")
acc("rat-14", F, "\\pi", "\\frac{1146408}{364913}", 0.0, why="a convergent of pi, relative error 5e-13")
acc("rat-15", F, "e", "\\frac{1084483}{398959}", 0.0, why="a convergent of e, relative error 2e-13")
acc(
    "rat-16",
    F,
    "\\frac{1+\\sqrt{5}}{2}",
    "\\frac{24157817}{14930352}",
    0.0,
    why="Fibonacci ratio, relative error 1e-15",
)
F = "greek_letters"
acc("grk-01", F, "\\pi", "\\Pi", 0.0, why="capital Pi is not pi")
acc("grk-02", F, "\\phi", "\\Phi", 0.0, why="a different letter")
acc("grk-03", F, "\\theta", "\\Theta", 0.0, why="a different letter")
acc("grk-04", F, "\\delta", "\\Delta", 0.0, why="a different letter")
acc("grk-05", F, "\\gamma", "\\Gamma", 0.0, why="a different letter (and \\Gamma is also the gamma function)")
acc("grk-06", F, "\\pi", "\\varpi", 0.0, why="\\varpi is a different symbol, not the constant")
acc("grk-07", F, "\\sigma", "\\Sigma", 0.0, why="a different letter")
F = "float_traps"
acc(
    "flt-16",
    F,
    "\\frac{1}{10^{400}}",
    "\\frac{1}{10^{401}}",
    0.0,
    accept=[0.0, None],
    why="both underflow to 0",
)
acc("flt-17", F, "3^{-1000}", "2^{-2000}", 0.0, accept=[0.0, None], why="both underflow to 0")
acc("flt-18", F, "2^{-1100}", "2^{-1101}", 0.0, accept=[0.0, None], why="both underflow to 0")
acc("flt-19", F, "\\frac{10^{400}}{3}", "\\frac{10^{400}}{7}", 0.0, accept=[0.0, None], why="both overflow")
acc("flt-20", F, "2^{2000}", "3^{2000}", 0.0, accept=[0.0, None], why="both overflow")
F = "angles"
acc("ang-11", F, "\\pi", "\\pi^\\circ", 0.0, why="pi degrees is not pi radians")
acc(
    "ang-12",
    F,
    "\\frac{\\pi}{4}",
    "\\frac{\\pi}{4}\\text{ degrees}",
    0.0,
    why="pi/4 degrees is not pi/4 radians",
)
acc("ang-13", F, "2\\pi", "2\\pi^{\\circ}", 0.0, why="2 pi degrees is not 2 pi radians")

# --------------------------------------------------------------------------------------------------
# invisible characters other than zero-width ones (fillers, blanks, invisible operators, tags)
# --------------------------------------------------------------------------------------------------
F = "invisible"
for n, (ch, name) in enumerate(
    [
        ("\u115f", "Hangul choseong filler"),
        ("\uffa0", "half-width Hangul filler"),
        ("\u2062", "invisible times"),
        ("\u034f", "combining grapheme joiner"),
        ("\U000e0020", "tag space"),
        ("\u180e", "Mongolian vowel separator"),
    ],
    start=1,
):
    case(
        f"inv-{n:02d}",
        F,
        "r1_zero_format",
        completion=f"<think>{ch}</think>\n<answer>5</answer>",
        expect=0.0,
        why=f"reasoning of one {name} is empty",
    )
    case(
        f"inv-{n + 6:02d}",
        F,
        "think_summary_format",
        completion=f"<think>\nreasoning\n</think>\n{ch}{ch}",
        expect=0.0,
        why=f"a summary of {name}s is empty",
    )
acc("inv-13", F, "5", "5\u20626", 0.0, why="5, invisible times, 6: 30 or 56, never 5")
acc("inv-14", F, "1000", "1\u00a0000", 1.0, why="a no-break space as thousands separator (SI, French)")
acc("inv-15", F, "1000", "1\u202f000", 1.0, why="a narrow no-break space as thousands separator (SI)")
case(
    "inv-16",
    F,
    "r1_zero_format",
    completion="<think>\nreasoning\n</think>\n<answer>\u115f\u2062</answer>",
    expect=0.0,
    why="an invisible answer",
)

# --------------------------------------------------------------------------------------------------
# hedge_sets: hedges written as sets, intervals, bounds, ranges, cases (not prose, not \vee)
# --------------------------------------------------------------------------------------------------
F = "hedge_sets"
acc("hdg-01", F, "5", "[5, 6]", 0.0, why="an interval is not 5")
acc("hdg-02", F, "5", "(4, 6)", 0.0, why="an interval containing 5 is a hedge")
acc("hdg-03", F, "5", "\\{5, 6\\}", 0.0, why="a set of candidates")
acc("hdg-04", F, "5", "5 \\le x \\le 6", 0.0)
acc("hdg-05", F, "5", "x \\in [5,6]", 0.0)
acc("hdg-06", F, "5", "\\mathbb{R}", 0.0, why="every real number")
acc("hdg-07", F, "5", "5-6", 0.0, why="a range, or -1: never 5")
acc("hdg-08", F, "5", "\\{5\\}\\cup\\{6\\}", 0.0)
acc("hdg-09", F, "5", "5 \\text{ if } n \\text{ is even, else } 6", 0.0, why="a conditional answer")
acc("hdg-10", F, "5", "\\begin{cases} 5 & n \\text{ even} \\\\ 6 & \\text{otherwise} \\end{cases}", 0.0)
acc("hdg-11", F, "5", "\\text{between 5 and 6}", 0.0)
acc("hdg-12", F, "5", "\\ge 5", 0.0, why="a bound")
acc("hdg-13", F, "5", "5, 6, \\ldots", 0.0, why="a sequence")
acc("hdg-14", F, "5", "x", 0.0)
acc("hdg-15", F, "5", "5 \\text{ or more}", 0.0)

# --------------------------------------------------------------------------------------------------
# negation: the final text names a number only to reject it
# --------------------------------------------------------------------------------------------------
F = "negation"
case(
    "ngt-01",
    F,
    gold="5",
    completion="<think>\nreasoning\n</think>\n<answer>The answer is 6, not 5.</answer>",
    expect=0.0,
)
case("ngt-02", F, gold="5", completion="<think>\nreasoning\n</think>\n<answer>5? No, 6.</answer>", expect=0.0)
case("ngt-03", F, gold="5", completion="<think>\nreasoning\n</think>\n<answer>Not 5.</answer>", expect=0.0)
acc("ngt-04", F, "5", "\\text{not } 5", 0.0)
case("ngt-05", F, gold="5", summary="The answer is not 5.", expect=0.0)
case("ngt-06", F, gold="5", summary="It cannot be 5; the answer is 6.", expect=0.0)
case("ngt-07", F, gold="5", summary="5 is wrong; the answer is 6.", expect=0.0)
case(
    "ngt-08",
    F,
    gold="5",
    summary="It is not 6; the answer is $\\boxed{5}$.",
    expect=1.0,
    why="a rejected 6 and a boxed 5",
)

# --------------------------------------------------------------------------------------------------
# language consistency: more LaTeX and markup hiding places
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
ENS = EN.replace(" ", "\\ ")
for n, (wrap, name) in enumerate(
    [
        ("$\\textrm{%s}$", "\\textrm{} in math"),
        ("$\\mbox{%s}$", "\\mbox{} in math"),
        ("$\\mathit{%s}$", "\\mathit{} in math"),
        ("$\\texttt{%s}$", "\\texttt{} in math"),
        ("$\\hbox{%s}$", "\\hbox{} in math"),
        ("$$x = 1 \\tag{%s}$$", "\\tag{} in display math"),
        ("``%s``", "a double-backtick code span"),
        ("<code>%s</code>", "an HTML code element"),
    ],
    start=22,
):
    body = wrap % (ENS if wrap.startswith("$\\math") else EN)
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion="<think>\n我们来计算。\n" + body + "\n" + body + "\n</think>\n答案是 5。",
        range=[0.0, 0.5],
        why=f"English prose in {name} is English a reader sees",
    )


# --------------------------------------------------------------------------------------------------
# surds: exact surd arithmetic (rationalised, denested) and surd near-misses a float cannot tell apart
# --------------------------------------------------------------------------------------------------
F = "surds"
acc("srd-01", F, "\\sqrt{5}-2", "\\frac{1}{\\sqrt{5}+2}", 1.0, why="rationalised: exactly equal")
acc("srd-02", F, "\\sqrt{2}+1", "\\frac{1}{\\sqrt{2}-1}", 1.0, why="rationalised: exactly equal")
acc(
    "srd-03",
    F,
    "\\sqrt{3}-\\sqrt{2}",
    "\\frac{1}{\\sqrt{3}+\\sqrt{2}}",
    1.0,
    why="rationalised: exactly equal",
)
acc("srd-04", F, "\\sqrt{2}+\\sqrt{3}", "\\sqrt{5+2\\sqrt{6}}", 1.0, why="denested: exactly equal")
acc("srd-05", F, "\\sqrt{6}", "\\sqrt{2}\\sqrt{3}", 1.0)
acc("srd-06", F, "\\sqrt{2}", "2^{1/2}", 1.0)
acc("srd-07", F, "4", "8^{2/3}", 1.0)
acc("srd-08", F, "-2", "\\sqrt[3]{-8}", 1.0, why="the real cube root, as school mathematics writes it")
acc("srd-09", F, "2", "\\sqrt{-4}", 0.0, why="that is 2i")
acc("srd-10", F, "-2", "\\sqrt{(-2)^2}", 0.0, why="that is 2")
acc(
    "srd-11",
    F,
    "10^6",
    "\\sqrt{10^{12}+1}",
    0.0,
    accept=[0.0, None],
    why="exceeds 10^6 by 5e-7 (relative 5e-13)",
)
acc("srd-12", F, "10^{10}", "\\sqrt{10^{20}+1}", 0.0, accept=[0.0, None], why="10^20 + 1 is 10^20 in a float")
acc(
    "srd-13",
    F,
    "0",
    "\\sqrt{10^{30}+1}-10^{15}",
    0.0,
    accept=[0.0, None],
    why="about 5e-16, not 0; 0 in a float",
)
acc("srd-14", F, "\\sqrt{2}+\\sqrt{3}", "\\sqrt{5}", 0.0)
acc(
    "srd-15",
    F,
    "\\sqrt{2}",
    "\\sqrt{2+10^{-20}}",
    0.0,
    accept=[0.0, None],
    why="larger than sqrt 2; equal in a float",
)

# --------------------------------------------------------------------------------------------------
# undefined: indeterminate forms and undefined expressions are no value
# --------------------------------------------------------------------------------------------------
F = "undefined"
acc("und-01", F, "1", "\\frac{0}{0}", 0.0)
acc("und-02", F, "0", "\\frac{0}{0}", 0.0)
acc("und-03", F, "0", "0 \\cdot \\infty", 0.0)
acc("und-04", F, "1", "1^\\infty", 0.0)
acc("und-05", F, "0", "\\infty - \\infty", 0.0)
acc("und-06", F, "0", "\\frac{5}{0}", 0.0)
acc("und-07", F, "\\text{undefined}", "0", 0.0)

# --------------------------------------------------------------------------------------------------
# congruent_not_equal: coterminal angles and residues are equivalent, not equal
# --------------------------------------------------------------------------------------------------
F = "congruent_not_equal"
acc("cng-01", F, "\\frac{\\pi}{2}", "\\frac{5\\pi}{2}", 0.0, why="coterminal, not equal")
acc("cng-02", F, "30^\\circ", "390^\\circ", 0.0, why="coterminal, not equal")
acc("cng-03", F, "-\\frac{\\pi}{2}", "\\frac{3\\pi}{2}", 0.0, why="coterminal, not equal")
acc("cng-04", F, "3", "3+5k", 0.0, why="a residue class is not its least residue")
acc("cng-05", F, "3", "8", 0.0, why="congruent mod 5, not equal")
acc("cng-06", F, "\\frac{\\pi}{2}", "\\frac{2\\pi}{4}", 1.0, why="equal (the control)")
acc("cng-07", F, "3", "x \\equiv 3 \\pmod 5", 0.0, why="a congruence is not the value")


# --------------------------------------------------------------------------------------------------
# spacing: where a space carries meaning, removing it must not make two strings equal
# --------------------------------------------------------------------------------------------------
F = "spacing"
acc("spc-01", F, "1 1/2", "11/2", 0.0, why="README: 1 1/2 is 3/2, 11/2 is 5.5")
acc("spc-02", F, "11/2", "1 1/2", 0.0, why="README: 1 1/2 is 3/2, 11/2 is 5.5")
acc("spc-03", F, "\\pi r", "\\pir", 0.0, why="\\pir is an undefined control sequence, not pi times r")
acc("spc-04", F, "\\theta t", "\\thetat", 0.0, why="an undefined control sequence")
acc("spc-05", F, "\\alpha x", "\\alphax", 0.0, why="an undefined control sequence")
acc("spc-06", F, "2\\frac{1}{3}", "21/3", 0.0, why="7/3 vs 7: the mixed number needs its space or its \\frac")
acc("spc-07", F, "12345", "12 345", 1.0, why="a space as thousands separator")
acc("spc-08", F, "1 1/2", "1.5", 1.0, why="README's mixed number")

# --------------------------------------------------------------------------------------------------
# precedence: how TeX and arithmetic group what a policy writes
# --------------------------------------------------------------------------------------------------
F = "precedence"
acc("prc-01", F, "4", "-2^2", 0.0, why="-2^2 is -4")
acc("prc-02", F, "-4", "-2^2", 1.0, why="-2^2 is -4")
acc("prc-03", F, "64", "2^{3^2}", 0.0, why="2^(3^2) is 512")
acc("prc-04", F, "512", "2^{3^2}", 1.0)
acc("prc-05", F, "1", "\\frac{6}{2}(1+2)", 0.0, why="3 times 3 is 9")
acc("prc-06", F, "\\frac{1}{2}", "\\frac{1}{2}^2", 0.0, why="a square of one half is 1/4")
acc("prc-07", F, "0.3", "0.1+0.2", 1.0, why="exactly 0.3 in decimal arithmetic")
acc("prc-08", F, "\\frac{2}{3}", "2\\div 3", 1.0)
acc("prc-09", F, "-9", "(-3)^2", 0.0, why="(-3)^2 is 9")
acc("prc-10", F, "9", "-3^2", 0.0, why="-3^2 is -9")

# --------------------------------------------------------------------------------------------------
# list_vs_number: a list must not be read as one number, nor a number as a list
# --------------------------------------------------------------------------------------------------
F = "list_vs_number"
acc("lvn-01", F, "12", "1,2", 0.0, why="two numbers, not twelve")
acc("lvn-02", F, "1, 2", "12", 0.0)
acc("lvn-03", F, "123", "1,2,3", 0.0)
acc("lvn-04", F, "100", "1,00", 0.0, why="not a thousands grouping")
acc("lvn-05", F, "1,000,000", "10^6", 1.0, why="a gold with thousands separators")
acc("lvn-06", F, "1,000", "1", 0.0)
acc("lvn-07", F, "1, 2, 3", "6", 0.0, why="the sum of the list is not the list")

# --------------------------------------------------------------------------------------------------
# batch: verdicts stay aligned with their rows when fast, slow and timed-out items share a call
# --------------------------------------------------------------------------------------------------
F = "batch"
B = THINK + "The final answer is $\\boxed{%s}$."
case(
    "bat-01",
    F,
    batch=True,
    completions=[B % "5", B % "5"],
    golds=["5", "6"],
    expects=[1.0, 0.0],
    why="the same completion against different golds",
)
case(
    "bat-02",
    F,
    batch=True,
    completions=[B % "9^{9^{9^{9}}}", B % "5", B % "\\frac{24}{4}", B % "x^2+2x+1", B % "7"],
    golds=["5", "5", "6", "(x+1)^2", "8"],
    expects=[0.0, 1.0, 1.0, 1.0, 0.0],
    accepts=[[0.0, None], [1.0], [1.0], [1.0], [0.0]],
    why="a timeout, the fast path and math-verify in one call: each verdict in its row",
)
case(
    "bat-03",
    F,
    batch=True,
    completions=[B % "x^2+2x+1", B % "5", B % "x^2+2x+2", B % "5"],
    golds=["(x+1)^2", "6", "(x+1)^2", "5"],
    expects=[1.0, 0.0, 0.0, 1.0],
    why="alternating verdicts stay in order",
)
case(
    "bat-04",
    F,
    batch=True,
    completions=[B % "12", B % "2"],
    golds=["12", "121"],
    expects=[1.0, 0.0],
    why="a cache keyed on gold+answer without a separator would collide ('1212')",
)
case(
    "bat-05",
    F,
    batch=True,
    completions=[B % "5"] * 3,
    golds=["5", "", "5"],
    expects=[1.0, None, 1.0],
    why="an unreadable gold in the middle of a batch gives None for its row only",
)


# --------------------------------------------------------------------------------------------------
# named_lists: lists of named values must keep their names (x=1, y=2 is not x=2, y=1)
# --------------------------------------------------------------------------------------------------
F = "systems"
acc("sys-11", F, "x=1, y=1", "x=1", 0.0, why="y missing")
acc("sys-12", F, "1, 2", "x = 1, x = 2", 1.0, why="two solutions, each named")
acc("sys-13", F, "a=3, b=4", "a=4, b=3", 0.0, why="swapped values")
acc("sys-14", F, "x=1, y=2", "y=1, x=2", 0.0, why="swapped values, names reordered")
acc("sys-15", F, "x=1, y=2, z=3", "x=3, y=2, z=1", 0.0, why="swapped values")

# --------------------------------------------------------------------------------------------------
# name_value: "a name, then its value" only when the left side is a bare name
# --------------------------------------------------------------------------------------------------
F = "name_value"
acc("nmv-01", F, "5", "5 = x", 1.0, why="the value, then the name")
acc("nmv-02", F, "5", "a_3 = 5", 1.0, why="a subscripted name")
acc("nmv-03", F, "5", "x = 2+3", 1.0)
acc("nmv-04", F, "5", "x^2 = 25", 0.0, why="an equation, not its solution (x is 5 or -5)")
acc("nmv-05", F, "5", "|x| = 5", 0.0, why="x is 5 or -5")
acc("nmv-06", F, "5", "-x = 5", 0.0, why="x is -5")
acc("nmv-07", F, "5", "x^{-1} = 5", 0.0, why="x is 1/5")
acc("nmv-08", F, "5", "\\frac{x}{2} = 5", 0.0, why="x is 10")
acc("nmv-09", F, "5", "2x = 5", 0.0, why="x is 5/2")
acc("nmv-10", F, "5", "x + 1 = 5", 0.0, why="x is 4")
acc("nmv-11", F, "5", "\\sqrt{x} = 5", 0.0, why="x is 25")
acc("nmv-12", F, "5", "5x = 5", 0.0, why="x is 1")
acc("nmv-13", F, "5", "x = 5 \\text{ and } y = 6", 0.0, why="two values")
acc("nmv-14", F, "5", "x = \\pm 5", 0.0, why="two values")

# --------------------------------------------------------------------------------------------------
# qualifiers: prose that bounds, negates or conditions a number is not a final answer
# --------------------------------------------------------------------------------------------------
F = "qualifiers"
for n, text in enumerate(
    [
        "The answer is at least 5.",
        "The answer is at most 5.",
        "The answer is less than 5.",
        "The answer is more than 5.",
        "The answer is 5. Or maybe 6.",
        "The answer is 5.\nWait, it might be 6.",
        "The answer is 5, unless n is even.",
        "The answer is 5 (or possibly 6).",
        "The answer is between 5 and 6.",
        "The answer is 5 to 6.",
        "The answer isn't 5.",
        "答案不是 5。",
        "La réponse n'est pas 5.",
        "The answer is probably 5, but it could be 6.",
    ],
    start=1,
):
    case(
        f"qlf-{n:02d}",
        F,
        gold="5",
        summary=text,
        expect=0.0,
        why="a bound, a negation, a condition or a hedge",
    )
case("qlf-15", F, gold="5", summary="The answer is not 6 but 5.", expect=1.0, why="states 5")
case("qlf-16", F, gold="5", summary="The answer is 5, not 6.", expect=1.0, why="states 5")

# --------------------------------------------------------------------------------------------------
# after_box: statements after the last box (the threat model's rule A3: a statement after the box wins)
# --------------------------------------------------------------------------------------------------
F = "after_box"
case(
    "abx-01",
    F,
    gold="5",
    summary="The answer is $\\boxed{6}$. The answer is not 5.",
    expect=0.0,
    why="boxes 6, rejects 5",
)
case(
    "abx-02",
    F,
    gold="5",
    summary="The answer is $\\boxed{5}$. The answer is not 6.",
    expect=1.0,
    why="boxes 5, rejects 6",
)
case("abx-03", F, gold="5", summary="The answer is $\\boxed{5}$. Check: $2+3=5$.", expect=1.0)
case(
    "abx-04",
    F,
    gold="6",
    summary="The answer is $\\boxed{5}$.\nFinal answer: probably 6, but I am not sure.",
    expect=0.0,
    why="boxes 5, then a hedged 6",
)
case("abx-05", F, gold="5", summary="$\\boxed{6}$\n\nThe answer is at least 5.", expect=0.0)
case("abx-06", F, gold="5", summary="The answer is $\\boxed{5}$. That is the answer.", expect=1.0)
case(
    "abx-07",
    F,
    gold="5",
    summary="The answer is $\\boxed{5}$. (The answer is the same as in part (a).)",
    expect=1.0,
    why="a later marker with no value does not undo the box",
)
case(
    "abx-08",
    F,
    gold="5",
    summary="**Final Answer**\n\nThe final answer is $\\boxed{5}$. I hope it is correct.",
    expect=1.0,
)
case(
    "abx-09",
    F,
    gold="5",
    summary="Final Answer: The final answer is $5$. I hope it is correct.",
    expect=1.0,
    why="Minerva's answer sentence",
)
case(
    "abx-10",
    F,
    gold="5",
    summary="The answer is $\\boxed{5}$.\n\nThe answer is $\\boxed{5}$ because the answer is always positive.",
    expect=1.0,
)

# --------------------------------------------------------------------------------------------------
# decimal_rule: decimals against exact golds (the threat model's E3) and math-verify's 6-digit rounding
# --------------------------------------------------------------------------------------------------
F = "decimal_rule"
acc(
    "dec-01",
    F,
    "\\frac{1}{1024}",
    "0.000977",
    0.0,
    why="1/1024 = 0.0009765625 terminates; 0.000977 is not it",
)
acc("dec-02", F, "2^{-20}", "0.000001", 0.0, why="2^-20 = 9.5367431640625e-7 terminates; not 1e-6")
acc("dec-03", F, "\\frac{1}{3}", "0.333334", 0.0, why="1/3 is 0.333333 at six places")
acc("dec-04", F, "\\pi", "3.1415926", 0.0, why="pi is 3.1415927 at seven places: a truncation")
acc("dec-05", F, "\\sqrt{2}", "1.4142135", 0.0, why="sqrt 2 is 1.4142136 at seven places: a truncation")
acc("dec-06", F, "\\frac{1}{8}", "0.125", 1.0, why="exactly equal")
acc("dec-07", F, "\\frac{1}{8}", "0.13", 0.0, why="1/8 terminates at 0.125")
acc("dec-08", F, "0.125", "\\frac{1}{8}", 1.0)
acc("dec-09", F, "10^{-7}", "0.000000", 0.0, why="1e-7 is not 0")
acc("dec-10", F, "\\frac{1}{7}", "0.1428571", 1.0, why="E3: seven places, 1/7 rounds to 0.1428571")

# --------------------------------------------------------------------------------------------------
# language consistency: short pieces under the threat model's L2 thresholds, more text commands (L1)
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
_words = (EN * 2).split()
_comments = "\n".join("# " + " ".join(_words[i : i + 3]) for i in range(0, len(_words), 3))
case(
    "lang-30",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n```python\n" + _comments + "\nx = 1\n```\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose cut into three-word comments is still English prose",
)
_strings = "\n".join('print("' + " ".join(_words[i : i + 3]) + '")' for i in range(0, len(_words), 3))
case(
    "lang-31",
    F,
    L,
    language="zh",
    completion="<think>\n我们来计算。\n```python\n" + _strings + "\n```\n</think>\n答案是 5。",
    range=[0.0, 0.5],
    why="English prose cut into three-word strings is still English prose",
)
_zh = ZH * 2
_zh_comments = "\n".join("# " + _zh[i : i + 7] for i in range(0, len(_zh), 7))
case(
    "lang-32",
    F,
    L,
    language="en",
    completion="<think>\nLet us compute.\n```python\n"
    + _zh_comments
    + "\nx = 1\n```\n</think>\nThe answer is 5.",
    range=[0.0, 0.5],
    why="Chinese prose cut into seven-character comments is still Chinese prose",
)
for n, cmd in enumerate(["textit", "textsf", "textnormal", "textup"], start=33):
    body = "$\\" + cmd + "{" + EN + "}$"
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion="<think>\n我们来计算。\n" + body + "\n" + body + "\n</think>\n答案是 5。",
        range=[0.0, 0.5],
        why=f"English prose in \\{cmd}{{}} in math",
    )


# --------------------------------------------------------------------------------------------------
# operator_golds: golds that are themselves logs, binomials, roots (rule F5 must not refuse them)
# --------------------------------------------------------------------------------------------------
F = "operator_golds"
acc("opg-01", F, "\\log_2 3", "\\log_2 3", 1.0, why="the gold is a logarithm; the same answer is right")
acc("opg-02", F, "\\log_2 3", "\\frac{\\ln 3}{\\ln 2}", 1.0, why="change of base")
acc("opg-03", F, "\\ln 2", "\\ln 2", 1.0)
acc("opg-04", F, "2\\ln 2", "\\ln 4", 1.0)
acc("opg-05", F, "\\log_3 5", "\\log_5 3", 0.0)
acc("opg-06", F, "\\binom{10}{3}", "120", 1.0, why="the answer computed the gold's binomial")
acc("opg-07", F, "\\log_{2} 3", "\\log_2{3}", 1.0)
acc("opg-08", F, "x \\ne 5", "x \\neq 5", 1.0, why="a relation gold, the same relation")
acc("opg-09", F, "x \\ne 5", "x = 5", 0.0)
acc("opg-10", F, "\\ln 2", "\\ln 3", 0.0)

# --------------------------------------------------------------------------------------------------
# exact_canonical: one value, many exact forms (rule E1's canonical Q(sqrt r, pi)); and its near misses
# --------------------------------------------------------------------------------------------------
F = "exact_canonical"
acc("exc-01", F, "\\sqrt[3]{16}", "2\\sqrt[3]{2}", 1.0)
acc("exc-02", F, "\\sqrt[4]{4}", "\\sqrt{2}", 1.0, why="the index reduces")
acc("exc-03", F, "\\sqrt[6]{8}", "\\sqrt{2}", 1.0)
acc("exc-04", F, "\\sqrt{2}\\sqrt[3]{2}", "\\sqrt[6]{32}", 1.0, why="2^(1/2 + 1/3) = 2^(5/6)")
acc("exc-05", F, "\\pi^2", "\\pi\\cdot\\pi", 1.0)
acc("exc-06", F, "\\frac{\\pi}{\\sqrt{2}}", "\\frac{\\sqrt{2}\\pi}{2}", 1.0)
acc("exc-07", F, "\\sqrt{2}+\\sqrt{8}", "3\\sqrt{2}", 1.0)
acc("exc-08", F, "2^{3/2}", "2\\sqrt{2}", 1.0)
acc("exc-09", F, "4^{-1/2}", "\\frac{1}{2}", 1.0)
acc("exc-10", F, "(1+\\sqrt{2})^{10}", "3363+2378\\sqrt{2}", 1.0, why="exact expansion")
acc("exc-11", F, "(1+\\sqrt{2})^{10}", "2378+3363\\sqrt{2}", 0.0, why="coefficients swapped")
acc("exc-12", F, "(1+\\sqrt{2})^{20}", "22619537+15994428\\sqrt{2}", 1.0, why="exact expansion")
acc("exc-13", F, "\\sqrt[4]{4}", "2", 0.0)
acc("exc-14", F, "\\sqrt[3]{2}", "\\sqrt{2}", 0.0)
acc("exc-15", F, "\\frac{22}{7}", "\\pi", 0.0)
acc("exc-16", F, "\\frac{355}{113}", "\\pi", 0.0)
acc("exc-17", F, "10^{50}", "\\sqrt{10^{100}+1}", 0.0, accept=[0.0, None], why="a float calls both 1e50")
acc(
    "exc-18",
    F,
    "\\frac{1}{2000000}",
    "\\sqrt{10^{12}+1}-10^{6}",
    0.0,
    accept=[0.0, None],
    why="1/(sqrt(10^12+1)+10^6) is just under 1/2000000",
)
acc("exc-19", F, "\\sqrt{2}+\\sqrt{3}+\\sqrt{5}+\\sqrt{7}", "\\sqrt{7}+\\sqrt{5}+\\sqrt{3}+\\sqrt{2}", 1.0)
acc("exc-20", F, "\\sqrt{2}^{100}", "2^{50}", 1.0)

# --------------------------------------------------------------------------------------------------
# choice_copies: AMC answers that copy several choices (rule R2 reads letter and value)
# --------------------------------------------------------------------------------------------------
F = "choices"
ALL = "\\textbf{(A) }25\\qquad\\textbf{(B) }27\\qquad\\textbf{(C) }28\\qquad\\textbf{(D) }30\\qquad\\textbf{(E) }32"
acc("mc-14", F, "B", ALL, 0.0, why="every choice copied")
acc("mc-15", F, "27", ALL, 0.0, why="every choice copied")
acc("mc-16", F, "B", "\\textbf{(B) }27\\qquad\\textbf{(C) }28", 0.0, why="two choices")
acc("mc-17", F, "27", "\\textbf{(B) }27\\qquad\\textbf{(C) }28", 0.0, why="two choices")
acc("mc-19", F, "B", "\\textbf{(B)}\\ 27", 1.0, why="threat model R2")


# --------------------------------------------------------------------------------------------------
# unit_word_tricks: words after a number that change its value are not units (rule R1)
# --------------------------------------------------------------------------------------------------
F = "unit_word_tricks"
acc("uwt-01", F, "5", "5 \\text{ times } 6", 0.0, why="5 times 6 is 30")
acc("uwt-02", F, "5", "5\\text{ squared}", 0.0, why="25")
acc("uwt-03", F, "5", "5 \\text{ and a half}", 0.0, why="5.5")
acc("uwt-04", F, "5", "5 \\text{ minus } 1", 0.0, why="4")
acc("uwt-05", F, "5", "5\\text{ hundredths}", 0.0, why="0.05")
acc("uwt-06", F, "5", "5\\text{ halves}", 0.0, why="2.5")
acc("uwt-07", F, "5", "5\\text{ less than } 6", 0.0, why="a comparison")
acc("uwt-08", F, "5", "5\\text{ cm} \\times 6\\text{ cm}", 0.0, why="a product of lengths")
acc("uwt-09", F, "5", "5\\text{ cm} + 6\\text{ cm}", 0.0, why="11 cm")
acc("uwt-10", F, "5000000", "5 \\text{ million}", 1.0, why="five million")
acc("uwt-11", F, "5", "5\\text{ more than } x", 0.0, why="x + 5")
acc("uwt-12", F, "5", "5\\text{ thirds}", 0.0, why="5/3")

# --------------------------------------------------------------------------------------------------
# amc_gold: AMC golds that carry letter and value (rule R2)
# --------------------------------------------------------------------------------------------------
F = "choices"
acc("mc-20", F, "\\textbf{(B)}\\ 27", "27", 1.0, why="the gold's value")
acc("mc-21", F, "\\textbf{(B)}\\ 27", "B", 1.0, why="the gold's letter")
acc("mc-22", F, "\\textbf{(B)}\\ 27", "\\textbf{(C)}\\ 28", 0.0)
acc("mc-23", F, "\\textbf{(B)}\\ 27", "C", 0.0)
acc("mc-24", F, "\\textbf{(B)}\\ 27", "28", 0.0)
acc(
    "mc-25",
    F,
    "\\textbf{(B)}\\ 27",
    "\\textbf{(C)}\\ 27",
    0.0,
    why="R2: a wrong letter is wrong whatever the value",
)

# --------------------------------------------------------------------------------------------------
# more placement and collections
# --------------------------------------------------------------------------------------------------
F = "placement"
case(
    "place-21",
    F,
    gold="5",
    completion="<think></think>\n\nThe answer is $\\boxed{5}$.",
    expect=0.0,
    why="threat model A1: an answer after an empty reasoning block scores 0",
)
case(
    "place-22",
    F,
    gold="5",
    completion="<think>\u3164</think>\n\nThe answer is $\\boxed{5}$.",
    expect=0.0,
    why="the same with a reasoning of one invisible Hangul filler (A1 and R5 together)",
)
F = "collections"
acc("col-16", F, "(1,2),(3,4)", "(3,4),(1,2)", 1.0, why="a list of pairs has no order")
acc("col-17", F, "(1,2),(3,4)", "(1,2)", 0.0, why="a pair missing")
acc("col-18", F, "(1,2),(3,4)", "(1,2,3,4)", 0.0, why="one 4-tuple is not two pairs")
acc("col-19", F, "1, 2", "\\{1, 2\\}", 1.0, why="MATH's list of solutions as a set")
acc("col-20", F, "(1,2),(3,4)", "(2,1),(4,3)", 0.0, why="each pair reversed")
F = "gold_formats"
acc(
    "gld-12",
    F,
    "Janet earns 500 + 500 = 1,000 dollars.\n#### 1,000",
    "1000",
    1.0,
    why="a GSM8K gold with a thousands separator",
)


# --------------------------------------------------------------------------------------------------
# more prose qualifiers: words that keep or change the stated value
# --------------------------------------------------------------------------------------------------
F = "qualifiers"
for n, (text, gold, want, why) in enumerate(
    [
        ("The answer is 5 if we count from zero, otherwise 6.", "5", 0.0, "a conditional hedge"),
        ("The answer is exactly 5.", "5", 1.0, "'exactly' keeps the value"),
        ("The answer is indeed 5.", "5", 1.0, ""),
        ("The answer is clearly 5.", "5", 1.0, ""),
        ("The answer is therefore 5.", "5", 1.0, ""),
        ("The answer is negative 5.", "5", 0.0, "negative 5 is -5"),
        ("The answer is negative 5.", "-5", 1.0, "negative 5 is -5"),
        ("The answer is minus 5.", "5", 0.0, "minus 5 is -5"),
        ("The answer is 5 squared.", "5", 0.0, "25"),
        ("The answer is five hundred.", "5", 0.0, "500"),
        ("The answer is x = 5.", "5", 1.0, "a named value in prose"),
    ],
    start=17,
):
    case(f"qlf-{n:02d}", F, gold=gold, summary=text, expect=want, why=why)

F = "invisible"
for n, (ch, name) in enumerate(
    [
        ("\ufe0f", "variation selector 16"),
        ("\u2061", "function application"),
        ("\U0001d173", "musical symbol begin beam"),
        ("\u17b4", "Khmer vowel inherent AQ"),
    ],
    start=17,
):
    case(
        f"inv-{n:02d}",
        F,
        "r1_zero_format",
        completion=f"<think>{ch}{ch}</think>\n<answer>5</answer>",
        expect=0.0,
        why=f"reasoning of {name}s is empty",
    )
    case(
        f"inv-{n + 4:02d}",
        F,
        "think_summary_format",
        completion=f"<think>\nreasoning\n</think>\n{ch}",
        expect=0.0,
        why=f"a summary of one {name} is empty",
    )


# --------------------------------------------------------------------------------------------------
# language consistency: word separators inside text commands, more font commands, Unicode letter forms
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
_zhline = "<think>\n我们来计算。\n"
_tail = "\n</think>\n答案是 5。"
for n, (body, why) in enumerate(
    [
        ("$\\text{" + EN.replace(" ", "~") + "}$", "words joined by ~ (a TeX space) inside \\text{}"),
        ("$\\mathrm{" + EN.replace(" ", "\\,") + "}$", "words joined by \\, inside \\mathrm{}"),
        ("$" + "\\ ".join("\\text{" + w + "}" for w in EN.split()) + "$", "one \\text{} per word"),
        ("\n".join("% " + EN for _ in range(2)), "English prose in LaTeX % comments"),
        ("$\\mathbf{" + EN.replace(" ", "\\ ") + "}$", "English prose in \\mathbf{}"),
        ("$\\mathsf{" + EN.replace(" ", "\\ ") + "}$", "English prose in \\mathsf{}"),
        ("$\\textsc{" + EN + "}$", "English prose in \\textsc{}"),
        ("$\\textsl{" + EN + "}$", "English prose in \\textsl{}"),
        (
            "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in EN * 2),
            "English prose in full-width Latin letters",
        ),
        (
            "".join(
                chr(0x1D400 + ord(c) - 65)
                if "A" <= c <= "Z"
                else chr(0x1D41A + ord(c) - 97)
                if "a" <= c <= "z"
                else c
                for c in EN * 2
            ),
            "English prose in mathematical bold letters",
        ),
    ],
    start=37,
):
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion=_zhline + body + "\n" + body + _tail,
        range=[0.0, 0.5],
        why=f"{why}: English a reader sees",
    )
TW = "我們先數紅蘋果，再數綠蘋果，最後把兩個數相加得到題目要求的答案。然後我們檢查結果是否正確，確認每一步都沒有錯誤。"
case(
    "lang-47",
    F,
    L,
    language="zh",
    completion="<think>\n" + TW * 2 + "\n</think>\n答案是 5。",
    range=[0.9, 1.0],
    why="Traditional Chinese is Chinese",
)
NAMES = (
    "By the theorem of Pythagoras and the formula of Euler, and following the ideas of Fibonacci, Gauss and "
    "Descartes, we compute the total number of apples in the basket and check the answer twice. "
)
case(
    "lang-48",
    F,
    L,
    language="en",
    completion="<think>\n" + NAMES * 2 + "\n</think>\nThe answer is 5.",
    range=[0.8, 1.0],
    why="English that names mathematicians is English",
)
case(
    "lang-49",
    F,
    L,
    language="en",
    completion="<think>\n" + (EN * 2).upper() + "\n</think>\nThe answer is 5.",
    range=[0.9, 1.0],
    why="English in capitals is English",
)


# --------------------------------------------------------------------------------------------------
# more: intervals at infinity, sets with repeats, names that are not single letters, units on both sides
# --------------------------------------------------------------------------------------------------
F = "intervals"
acc("int-16", F, "(0, \\infty)", "(0, +\\infty)", 1.0)
acc("int-17", F, "(0, \\infty)", "(0, \\infty]", 0.0, why="closed at infinity is not the gold interval")
acc("int-18", F, "[\\frac{1}{2}, 3)", "[0.5, 3)", 1.0, why="0.5 is exactly 1/2")
acc("int-19", F, "[\\frac{1}{2}, 3)", "(0.5, 3)", 0.0, why="open at 1/2")
F = "collections"
acc("col-21", F, "\\{1, 2\\}", "\\{1, 1, 2\\}", 1.0, why="a set with a repeated element is the same set")
F = "name_value"
acc("nmv-15", F, "30", "\\angle ABC = 30", 1.0, why="a named angle")
acc("nmv-16", F, "5", "AB = 5", 1.0, why="a named segment")
acc("nmv-17", F, "25", "\\text{Area} = 25", 1.0, why="a named quantity")
acc("nmv-18", F, "30", "m\\angle A = 30^\\circ", 1.0, why="a named angle measure")
acc("nmv-19", F, "2, 3", "x_1 = 2, x_2 = 3", 1.0, why="two named roots")
acc("nmv-20", F, "2", "x_1 = 2, x_2 = 3", 0.0, why="two roots against one")
F = "unit_pairs"
acc("unt-01", F, "5\\text{ cm}", "5\\text{ cm}^2", 0.0, why="a length is not an area")
acc("unt-02", F, "5\\text{ cm}^2", "5\\text{ cm}", 0.0, why="an area is not a length")
acc("unt-03", F, "5\\text{ cm}", "5 \\text{ cm}", 1.0)
acc("unt-04", F, "5\\text{ cm}", "6\\text{ cm}", 0.0)
acc("unt-05", F, "5\\text{ m/s}", "5\\text{ m/s}^2", 0.0, why="a speed is not an acceleration")
F = "decimal_rule"
acc("dec-11", F, "\\frac{1}{3}", "0.333333000", 0.0, why="nine places: 1/3 is 0.333333333")
acc("dec-12", F, "\\frac{2}{3}", "0.666666", 0.0, why="2/3 is 0.666667 at six places: a truncation")
acc(
    "dec-13",
    F,
    "\\pi",
    "3.141592653589793238462643383279",
    0.0,
    why="pi is ...383280 at 30 places (the next digit is 5): a truncation, equal in any float",
)
acc("dec-14", F, "\\pi", "3.141592653589793238462643383280", 1.0, why="rule E3: pi rounded at 30 places")


# --------------------------------------------------------------------------------------------------
# after_box: later sentences that restate or explain the boxed value
# --------------------------------------------------------------------------------------------------
F = "after_box"
for n, text in enumerate(
    [
        "The answer is $\\boxed{5}$.\n\nAnswer: 5 (since 2 + 3 = 5)",
        "The answer is $\\boxed{5}$.\n\nThe answer is 5, which is prime.",
        "The answer is $\\boxed{5}$.\n\nThe answer is 5 because 10/2 = 5.",
        "Therefore, the answer is $\\boxed{5}$, and the number of apples left is 3.",
        "The answer is $\\boxed{5}$.\n\nWait, let me double-check. Yes.",
        "The answer is $\\boxed{5}$.\n#### 5",
    ],
    start=11,
):
    case(
        f"abx-{n:02d}",
        F,
        gold="5",
        summary=text,
        expect=1.0,
        why="a later sentence restates or explains the boxed 5",
    )


# --------------------------------------------------------------------------------------------------
# dataset_golds: gold spellings from MATH and AIME (``1,\!000``, leading zeros) and the octal trap
# --------------------------------------------------------------------------------------------------
F = "dataset_golds"
acc("dsg-01", F, "10,\\!000", "10000", 1.0, why="MATH's thousands separator")
acc("dsg-02", F, "10,\\!000", "10{,}000", 1.0)
acc("dsg-03", F, "10,\\!000", "1000", 0.0)
acc("dsg-04", F, "033", "33", 1.0, why="AIME answers are written with three digits")
acc("dsg-05", F, "33", "033", 1.0, why="a leading zero does not change the value")
acc("dsg-06", F, "27", "033", 0.0, why="033 is 33, not octal 27")
acc("dsg-07", F, "\\$18.90", "18.9", 1.0)
acc("dsg-08", F, "\\$18.90", "18.09", 0.0)
acc("dsg-09", F, "\\text{Devon}", "\\text{Devon}", 1.0)
acc("dsg-10", F, "\\text{Devon}", "\\text{Evan}", 0.0)
acc(
    "dsg-11",
    F,
    "(-\\infty,1]\\cup[2,\\infty)",
    "(-\\infty,1)\\cup(2,\\infty)",
    0.0,
    why="open where the gold is closed",
)
acc("dsg-12", F, "007", "7", 1.0)


# --------------------------------------------------------------------------------------------------
# resource: exact values too big to build (an exact path must bound them, in the trainer process too)
# --------------------------------------------------------------------------------------------------
F = "resource"
acc(
    "res-21",
    F,
    "10^{10^{6}}",
    "10^{1000000}",
    1.0,
    accept=[1.0, None],
    why="the same power of ten, a million-digit integer",
)
acc("res-22", F, "5", "2^{2^{30}}", 0.0, accept=W, why="a 1-gigabit integer")
acc("res-23", F, "5", "2^{10^{9}}", 0.0, accept=W)
acc("res-24", F, "5", "(2^{2^{20}})!", 0.0, accept=W)
acc("res-25", F, "5", "\\sqrt{2}^{10^{8}}", 0.0, accept=W)
acc("res-26", F, "5", "\\pi^{10^{7}}", 0.0, accept=W)
acc("res-27", F, "5", "10^{10^{6}}", 0.0, accept=W)


# --------------------------------------------------------------------------------------------------
# language consistency in other targets: close languages of one script, and controls
# (``allow_none``: a target the reward does not support may give None; it may never pay a wrong language)
# --------------------------------------------------------------------------------------------------
F = "language"
L = "language_consistency"
PT = (
    "Agora calculamos o número total de maçãs na cesta. Primeiro contamos as vermelhas, depois as verdes, "
    "e finalmente somamos os dois números para obter a resposta que a pergunta pede. "
)
UK = (
    "Тепер ми обчислюємо загальну кількість яблук у кошику. Спочатку ми рахуємо червоні, потім зелені, "
    "і нарешті додаємо обидва числа, щоб отримати відповідь, яку просить питання. "
)
RU = (
    "Теперь мы вычисляем общее количество яблок в корзине. Сначала мы считаем красные, затем зелёные, "
    "и наконец складываем оба числа, чтобы получить ответ, который требует вопрос. "
)
JA2 = "まず赤いりんごの数を数えて、次に緑のりんごの数を数えます。最後に二つの数を足して、問題が求める答えを出します。"
for n, (lang, text, rng, why) in enumerate(
    [
        ("es", PT, [0.0, 0.5], "Portuguese is not Spanish"),
        ("ru", UK, [0.0, 0.5], "Ukrainian is not Russian"),
        ("ja", ZH, [0.0, 0.5], "simplified Chinese without kana is not Japanese"),
        ("ru", RU, [0.9, 1.0], "Russian (control)"),
        ("ja", JA2, [0.9, 1.0], "Japanese (control)"),
        ("fr", FR, [0.9, 1.0], "French (control)"),
        ("de", DE, [0.9, 1.0], "German (control)"),
        ("es", ES, [0.9, 1.0], "Spanish (control)"),
    ],
    start=50,
):
    case(
        f"lang-{n}",
        F,
        L,
        language=lang,
        completion="<think>\n" + text * 2 + "\n</think>\n5",
        range=rng,
        allow_none=True,
        why=why,
    )


F = "format"
case(
    "fmt-31",
    F,
    "think_summary_format",
    completion="<think>\nreasoning\n</think>\n</answer>",
    expect=0.0,
    why="threat model M1: the R1 layout has no answer tags; a lone closing tag is no summary",
)
case(
    "fmt-32",
    F,
    "think_summary_format",
    completion="<think>\nreasoning\n</think>\n<answer>5</answer>",
    expect=0.0,
    why="threat model M1: the R1 layout has no answer tags",
)
case(
    "fmt-33",
    F,
    "r1_zero_format",
    completion="<think>\nreasoning\n</think>\n\n\n<answer>\n5\n</answer>",
    expect=1.0,
    why="blank lines between the blocks are whitespace",
)
case(
    "fmt-34",
    F,
    "r1_zero_format",
    completion="<think>\nreasoning\n</think>\n<answer>\n5\n</answer>",
    prompts=["Solve it.\n"],
    expect=1.0,
    why="the control with a prompt that does not prefill",
)
case(
    "fmt-35",
    F,
    "r1_zero_format",
    completion="reasoning\n</think>\n<answer>\n5\n</answer>",
    prompts=["Solve it.\n<think>\n"],
    expect=1.0,
    why="README: a <think> prefilled by the prompt is accepted",
)
case(
    "fmt-36",
    F,
    "r1_zero_format",
    completion="reasoning\n</think>\n<answer>\n5\n</answer>",
    prompts=["Solve it.\n"],
    expect=0.0,
    why="no <think> in prompt or completion",
)


# --------------------------------------------------------------------------------------------------
# prose_numbers: where a prose answer's number ends (a decimal point is not a full stop)
# --------------------------------------------------------------------------------------------------
F = "prose_numbers"
for n, (text, gold, want, why) in enumerate(
    [
        ("The answer is 2.5.", "2", 0.0, "2.5, not 2"),
        ("The answer is 2.5.", "2.5", 1.0, ""),
        ("The answer is 3.14159.", "3", 0.0, "not 3"),
        ("The answer is 1,000.", "1000", 1.0, "a thousands separator"),
        ("The answer is 1,000.", "1", 0.0, "one thousand, not one"),
        ("The answer is 5/6.", "5", 0.0, "a fraction"),
        ("The answer is -5.", "5", 0.0, "negative"),
        ("The answer is 0.5 liters.", "0", 0.0, "one half"),
        ("Die Antwort ist nicht 5.", "5", 0.0, "German: the answer is not 5"),
        ("La respuesta no es 5.", "5", 0.0, "Spanish: the answer is not 5"),
        ("Ответ: не 5.", "5", 0.0, "Russian: the answer is not 5"),
    ],
    start=1,
):
    case(f"prn-{n:02d}", F, gold=gold, summary=text, expect=want, why=why)


for n, (text, gold, want) in enumerate(
    [
        ("The answer is -5.", "-5", 1.0),
        ("Final answer: -5", "5", 0.0),
        ("Final answer: -5", "-5", 1.0),
        ("#### -5", "5", 0.0),
        ("#### -5", "-5", 1.0),
        ("答案是 -5。", "5", 0.0),
        ("答案是 -5。", "-5", 1.0),
        ("The answer is -5 apples.", "5", 0.0),
        ("The answer is -2.5.", "-2.5", 1.0),
        ("The answer is -1/2.", "-\\frac{1}{2}", 1.0),
    ],
    start=12,
):
    case(
        f"prn-{n:02d}",
        F,
        gold=gold,
        summary=text,
        expect=want,
        why="the minus sign of a prose answer is part of it",
    )


# ==================================================================================================
# Round 2 (after the implementer's rules A3, F9, F10, E8, E9, R8, R9, L1, L2 appeared in the threat
# model): fresh variants that test whether each rule generalises beyond the cases that prompted it.
# ==================================================================================================

# qualifier synonyms and placements not in any short list (rule F9)
F = "qualifiers_r2"
for n, (text, gold, want, why) in enumerate(
    [
        ("The answer is no less than 5.", "5", 0.0, "a bound"),
        ("The answer is no more than 5.", "5", 0.0, "a bound"),
        ("The answer is greater than 5.", "5", 0.0, "a bound"),
        ("The answer is fewer than 5.", "5", 0.0, "a bound"),
        ("The answer is almost 5.", "5", 0.0, "almost 5 is not 5"),
        ("The answer is nearly 5.", "5", 0.0, "nearly 5 is not 5"),
        ("The answer is just under 5.", "5", 0.0, "below 5"),
        ("The answer is slightly more than 5.", "5", 0.0, "above 5"),
        ("The answer is roughly 5.", "5", 0.0, "F9: an estimate is not final"),
        ("The answer is approximately 5.", "5", 0.0, "F9: an estimate is not final"),
        ("The answer is anything but 5.", "5", 0.0, "a negation"),
        ("The answer is certainly not 5.", "5", 0.0, "a negation after an adverb"),
        ("The answer is never 5.", "5", 0.0, "a negation"),
        ("The answer is not equal to 5.", "5", 0.0, "a negation"),
        ("The answer is other than 5.", "5", 0.0, "a negation"),
        ("The answer is not exactly 5.", "5", 0.0, "a negation"),
        ("The answer can't be 5.", "5", 0.0, "a negation"),
        ("The answer would be 5 if n were even.", "5", 0.0, "a condition"),
        ("The answer is 5; alternatively, 6.", "5", 0.0, "a second answer"),
        ("The answer is 5, though 6 is also possible.", "5", 0.0, "a second answer"),
        ("The answer is 5. However, it could also be 6.", "5", 0.0, "a second answer"),
        ("The answer is 5. Hmm, or is it 6?", "5", 0.0, "a second guess"),
        ("The answer is 5 (maybe 6).", "5", 0.0, "a second guess"),
        ("The answer is 5 or so.", "5", 0.0, "F9: an estimate"),
        ("The answer is 5, give or take 1.", "5", 0.0, "an error bar"),
        ("The answer is 5 plus or minus 1.", "5", 0.0, "an error bar"),
        ("答案大约是 5。", "5", 0.0, "F9: an estimate (Chinese)"),
        ("答案至少是 5。", "5", 0.0, "a bound (Chinese)"),
        ("答案可能是 5，也可能是 6。", "5", 0.0, "two candidates (Chinese)"),
        ("答案不是 5，是 6。", "5", 0.0, "a negation, then 6 (Chinese)"),
        ("答案小于 5。", "5", 0.0, "a bound (Chinese)"),
        ("La réponse est au moins 5.", "5", 0.0, "a bound (French)"),
        ("La réponse est environ 5.", "5", 0.0, "F9: an estimate (French)"),
        ("La réponse est 5 ou peut-être 6.", "5", 0.0, "two candidates (French)"),
        ("Die Antwort ist mindestens 5.", "5", 0.0, "a bound (German)"),
        ("Die Antwort ist ungefähr 5.", "5", 0.0, "F9: an estimate (German)"),
        ("La respuesta es al menos 5.", "5", 0.0, "a bound (Spanish)"),
        ("La respuesta es aproximadamente 5.", "5", 0.0, "F9: an estimate (Spanish)"),
        ("Ответ: не меньше 5.", "5", 0.0, "a bound (Russian)"),
        ("Ответ: примерно 5.", "5", 0.0, "F9: an estimate (Russian)"),
        ("The answer is precisely 5.", "5", 1.0, "keeps the value"),
        ("The answer is simply 5.", "5", 1.0, "keeps the value"),
        ("The answer is still 5.", "5", 1.0, "keeps the value"),
        ("The answer is 5, as expected.", "5", 1.0, "a remark"),
        ("The answer is 5, and this is the only solution.", "5", 1.0, "a remark"),
        (
            "The answer is 5, which is less than 6.",
            "5",
            1.0,
            "a comparison about the stated value is a remark",
        ),
        (
            "The answer is 5, since at least one of them is odd.",
            "5",
            1.0,
            "qualifier words inside the explanation",
        ),
        ("The answer is 5 (not 6).", "5", 1.0, "rejects 6"),
        ("答案是 5，而不是 6。", "5", 1.0, "rejects 6 (Chinese)"),
        ("The answer is 5, not 4 as one might think.", "5", 1.0, "rejects 4"),
    ],
    start=1,
):
    case(f"q2-{n:02d}", F, gold=gold, summary=text, expect=want, why=why)

# named values in lists of solutions (rule F10)
F = "systems"
acc("sys-16", F, "1, 2", "x = 2, x = 1", 1.0, why="two solutions of one unknown: a set")
acc("sys-17", F, "2, 1", "x_1 = 1, x_2 = 2", 1.0, why="the roots' numbering is arbitrary: a set of roots")

# big powers by factorisation (rule E8)
F = "big_powers"
BP = [1.0, None]
acc("bp-01", F, "3\\cdot 2^{1000000}", "2^{1000000}\\cdot 3", 1.0, accept=BP)
acc("bp-02", F, "2^{1000000}", "4^{500000}", 1.0, accept=BP)
acc("bp-03", F, "6^{10^{6}}", "2^{10^{6}}\\cdot 3^{10^{6}}", 1.0, accept=BP)
acc("bp-04", F, "4^{10^{6}}", "(2^{10^{6}})^{2}", 1.0, accept=BP)
acc("bp-05", F, "2^{2^{20}}", "4^{2^{19}}", 1.0, accept=BP)
acc("bp-06", F, "2^{2^{20}}", "4^{2^{20}}", 0.0, accept=W, why="4^(2^20) is 2^(2^21)")
acc("bp-07", F, "2^{10^{6}}", "(-2)^{10^{6}}", 1.0, accept=BP, why="an even power of -2")
acc("bp-08", F, "2^{1000001}", "(-2)^{1000001}", 0.0, accept=W, why="an odd power of -2 is negative")
acc("bp-09", F, "2^{1000000}", "-2^{1000000}", 0.0, accept=W, why="-2^n is -(2^n)")
acc("bp-10", F, "-2^{1000001}", "(-2)^{1000001}", 1.0, accept=BP)
acc("bp-11", F, "2^{10^{6}}", "2^{10^{6}+1}", 0.0, accept=W)
acc("bp-12", F, "10^{10^{6}}", "5^{10^{6}}\\cdot 2^{10^{6}}", 1.0, accept=BP)

# Greek case beyond the letters first reported (rule E9)
F = "greek_letters"
for n, (g, a) in enumerate(
    [
        ("\\omega", "\\Omega"),
        ("\\lambda", "\\Lambda"),
        ("\\xi", "\\Xi"),
        ("\\psi", "\\Psi"),
        ("\\upsilon", "\\Upsilon"),
        ("\\Omega", "\\omega"),
    ],
    start=8,
):
    acc(f"grk-{n:02d}", F, g, a, 0.0, why="a different letter")

# presentation commands beyond the ones first reported (rule R8), and what must not be dropped with them
F = "presentation_r2"
for n, (box, gold, want, why) in enumerate(
    [
        ("\\bm{5}", "5", 1.0, "bold"),
        ("\\boldsymbol{5}", "5", 1.0, "bold"),
        ("\\textit{5}", "5", 1.0, "italic"),
        ("\\emph{5}", "5", 1.0, "emphasis"),
        ("\\huge 5", "5", 1.0, "size"),
        ("\\Large 5", "5", 1.0, "size"),
        ("{\\bf 5}", "5", 1.0, "old-style bold"),
        ("{\\rm 5}", "5", 1.0, "old-style roman"),
        ("\\kern1em 5", "5", 1.0, "a kern"),
        ("\\mkern3mu 5", "5", 1.0, "a math kern"),
        ("\\enspace 5", "5", 1.0, "a space"),
        ("\\qquad 5", "5", 1.0, "a space"),
        ("\\mathstrut 5", "5", 1.0, "an invisible strut"),
        ("\\smash{5}", "5", 1.0, "smash"),
        ("\\colorbox{yellow}{5}", "5", 1.0, "a coloured box"),
        ("\\bbox[yellow]{5}", "5", 1.0, "MathJax's bbox"),
        ("\\style{color:red}{5}", "5", 1.0, "MathJax's style"),
        ("\\phantom{-}5", "5", 1.0, "an invisible minus"),
        ("\\phantom{-}5", "-5", 0.0, "the minus is invisible"),
        ("\\textcolor{red}{-}5", "5", 0.0, "a red minus is a minus"),
        ("\\textcolor{red}{-}5", "-5", 1.0, "a red minus is a minus"),
        ("\\color{red}{-5}", "5", 0.0, "a red -5 is -5"),
        ("\\hspace{5pt}6", "6", 1.0, "a space of 5pt"),
        ("\\hspace{5pt}6", "56", 0.0, "the 5 is a length, not a digit"),
        ("\\kern 5pt 6", "56", 0.0, "the 5 is a length"),
        ("1^{\\text{st}}", "1", 1.0, "an ordinal"),
        ("22^{\\text{nd}}", "22", 1.0, "an ordinal"),
        ("\\underline{\\textbf{6}}", "5", 0.0, "6 however it is dressed"),
    ],
    start=1,
):
    acc(f"pr2-{n:02d}", F, gold, box, want, why=why)

# undefined control words that are not Greek (rule R9 generalised: TeX reads them as undefined)
F = "spacing"
acc("spc-09", F, "\\sin x", "\\sinx", 0.0, why="\\sinx is an undefined control sequence")
acc("spc-10", F, "\\ln x", "\\lnx", 0.0, why="\\lnx is an undefined control sequence")
acc("spc-11", F, "\\sqrt{x}", "\\sqrtx", 0.0, why="\\sqrtx is an undefined control sequence")
acc("spc-12", F, "\\pi x", "\\pix", 0.0, why="\\pix is an undefined control sequence")

# language: other comment syntaxes cut into short lines, <pre> and indented code blocks (rule L2)
F = "language"
L = "language_consistency"
_w = (EN * 2).split()


def _cut(prefix, suffix="", k=3):
    return "\n".join(prefix + " ".join(_w[i : i + k]) + suffix for i in range(0, len(_w), k))


for n, (body, why) in enumerate(
    [
        ("```lua\n" + _cut("-- ") + "\nlocal x = 1\n```", "Lua comments"),
        ("```c\n" + _cut("/* ", " */") + "\nint x = 1;\n```", "C block comments"),
        ("```matlab\n" + _cut("% ") + "\nx = 1;\n```", "MATLAB comments"),
        ("```lisp\n" + _cut(";; ") + "\n(setq x 1)\n```", "Lisp comments"),
        ("```js\n" + _cut("// ") + "\nlet x = 1;\n```", "JavaScript comments"),
        (
            "```python\n"
            + "\n".join(f"s{i} = '{' '.join(_w[i : i + 3])}'" for i in range(0, len(_w), 3))
            + "\n```",
            "single-quoted strings",
        ),
        ("<pre>\n" + EN + "\n" + EN + "\n</pre>", "an HTML <pre> block"),
        ("\n".join("    " + EN for _ in range(2)), "a markdown indented code block"),
    ],
    start=58,
):
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion="<think>\n我们来计算。\n" + body + "\n</think>\n答案是 5。",
        range=[0.0, 0.5],
        why=f"English prose in {why}, cut under the sentence threshold or outside a fence",
    )


# ==================================================================================================
# Round 3 (written against the threat model of 6772f33 and the round-2 findings): more shapes of prose,
# presentation, undefined control words, comment syntaxes, disjunctions against a list gold, units
# ==================================================================================================
F = "qualifiers_r3"
for n, (text, gold, want, why) in enumerate(
    [
        ("The answer is 5 thousand.", "5000", 1.0, "5 thousand is 5000"),
        ("The answer is five.", "5", 1.0, "a number word"),
        ("The answer is 5 and 6.", "5", 0.0, "two values"),
        ("The answer is 5 — no wait, 6.", "5", 0.0, "a correction to 6"),
        ("The answer is 5, or rather 6.", "5", 0.0, "a correction to 6"),
        ("The answer is 5, i.e. 6 - 1.", "5", 1.0, "an explanation"),
        ("The answer is 5 = 2 + 3.", "5", 1.0, "an explanation"),
        ("The answer is 5, unlike the 6 we found before.", "5", 1.0, "a rejected earlier value"),
        ("The answer is 5, if not 6.", "5", 0.0, "'if not 6' hedges toward 6"),
        ("The answer is 5; 6 is wrong.", "5", 1.0, "rejects 6"),
        ("The answer is 5; 6 is also right.", "5", 0.0, "a second answer"),
        ("The answer is 5 or possibly 6.", "5", 0.0, "a second answer"),
        ("I believe the answer is 5, but 6 is also plausible.", "5", 0.0, "a second answer"),
        ("The answer is 5. Actually, no: it is 6.", "5", 0.0, "a correction to 6"),
        ("The answer is 5. Alternatively, the answer is 6.", "5", 0.0, "a second answer"),
        ("The answer is at minimum 5.", "5", 0.0, "a bound"),
        ("The answer is upwards of 5.", "5", 0.0, "a bound"),
        ("The answer is below 5.", "5", 0.0, "a bound"),
        ("The answer exceeds 5.", "5", 0.0, "a bound"),
        ("The answer is not quite 5.", "5", 0.0, "a negation"),
        ("The answer is hardly 5.", "5", 0.0, "a negation"),
        ("答案绝不是 5。", "5", 0.0, "a negation (Chinese)"),
        ("答案或许是 5。", "5", 0.0, "maybe 5 (Chinese): an estimate"),
        ("答案是 5 左右。", "5", 0.0, "about 5 (Chinese)"),
        ("La réponse n'est certainement pas 5.", "5", 0.0, "a negation (French)"),
    ],
    start=1,
):
    case(f"q3-{n:02d}", F, gold=gold, summary=text, expect=want, why=why)

F = "presentation_r3"
for n, (box, gold, want, why) in enumerate(
    [
        ("\\pmb{5}", "5", 1.0, "poor man's bold"),
        ("\\mathsf{5}", "5", 1.0, "sans serif"),
        ("\\mathtt{5}", "5", 1.0, "typewriter"),
        ("\\small 5", "5", 1.0, "size"),
        ("\\footnotesize 5", "5", 1.0, "size"),
        ("\\normalsize 5", "5", 1.0, "size"),
        ("\\strut 5", "5", 1.0, "an invisible strut"),
        ("\\raisebox{1pt}{5}", "5", 1.0, "raised"),
        ("\\rule{0pt}{1em}5", "5", 1.0, "an invisible rule"),
        ("\\:5", "5", 1.0, "a medium space"),
        ("\\>5", "5", 1.0, "a medium space"),
        ("\\ 5", "5", 1.0, "a control space"),
        ("~5", "5", 1.0, "a tie"),
        ("\\color[HTML]{FF0000}5", "5", 1.0, "a colour with a model"),
        ("\\textcolor[rgb]{1,0,0}{5}", "5", 1.0, "a colour with a model"),
        ("\\raisebox{1pt}{-}5", "5", 0.0, "a raised minus is a minus"),
        ("\\rule{5pt}{1pt}6", "56", 0.0, "the 5 is a length"),
        ("\\hspace*{5mm}6", "56", 0.0, "the 5 is a length"),
        ("\\vphantom{\\frac{1}{2}}6", "6", 1.0, "an invisible strut"),
        ("\\textcolor[rgb]{1,0,0}{5}", "1", 0.0, "the colour's numbers are not the answer"),
    ],
    start=1,
):
    acc(f"pr3-{n:02d}", F, gold, box, want, why=why)

F = "spacing"
for n, (gold, box) in enumerate(
    [
        ("\\cos x", "\\cosx"),
        ("\\tan x", "\\tanx"),
        ("\\log x", "\\logx"),
        ("\\exp x", "\\expx"),
        ("\\frac{a}{b}", "\\fracab"),
        ("\\infty", "\\infinity"),
    ],
    start=13,
):
    acc(f"spc-{n}", F, gold, box, 0.0, why=f"{box} is an undefined control sequence")

F = "language"
L = "language_consistency"
for n, (body, why) in enumerate(
    [
        ("```haskell\n" + _cut("{- ", " -}") + "\nx = 1\n```", "Haskell comments"),
        ("```ocaml\n" + _cut("(* ", " *)") + "\nlet x = 1\n```", "OCaml comments"),
        ("```html\n" + _cut("<!-- ", " -->") + "\n<p>1</p>\n```", "HTML comments in a fence"),
        ("```fortran\n" + _cut("! ") + "\nx = 1\n```", "Fortran comments"),
        ("```vb\n" + _cut("' ") + "\nDim x = 1\n```", "Visual Basic comments"),
        ("```bat\n" + _cut("REM ") + "\nset x=1\n```", "batch REM comments"),
        ("```sql\n" + _cut("-- ") + "\nSELECT 1;\n```", "SQL comments"),
        ("```r\n" + _cut("# ") + "\nx <- 1\n```", "R comments"),
    ],
    start=66,
):
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion="<think>\n我们来计算。\n" + body + "\n</think>\n答案是 5。",
        range=[0.0, 0.5],
        why=f"English prose in {why}, cut into three-word lines",
    )

F = "disjunction_list_gold"
acc(
    "dlg-01",
    F,
    "1, 2",
    "x = 1 \\text{ or } x = 2",
    1.0,
    why="both solutions: against a list gold this is the list",
)
acc("dlg-02", F, "1, 2", "x = 1 \\vee x = 2", 1.0, why="both solutions")
acc("dlg-03", F, "1, 2", "x = 1 \\text{ or } x = 3", 0.0, why="a wrong solution")
acc("dlg-04", F, "1, 2", "x = 1", 0.0, why="one solution missing")
case(
    "dlg-05",
    F,
    gold="1, 2",
    summary="The solutions are $x = 1$ and $x = 2$, so the answer is $\\boxed{1, 2}$.",
    expect=1.0,
)

F = "big_powers"
acc("bp-13", F, "4^{10^{6}}", "2^{10^{6}}\\cdot 2^{10^{6}}", 1.0, accept=BP)
acc("bp-14", F, "2^{3\\cdot 10^{6}}", "8^{10^{6}}", 1.0, accept=BP)
acc("bp-15", F, "8^{10^{6}}", "(2^{3})^{10^{6}}", 1.0, accept=BP)
acc("bp-16", F, "8^{10^{6}}", "(2^{10^{6}})^{3}", 1.0, accept=BP)
acc("bp-17", F, "8^{10^{6}}", "(2^{10^{6}})^{2}", 0.0, accept=W)

F = "units_r3"
acc("ur3-01", F, "\\frac{\\pi}{6}", "\\frac{\\pi}{6}\\text{ rad}", 1.0, why="radians written out")
acc("ur3-02", F, "\\frac{\\pi}{6}", "\\frac{\\pi}{6}\\,\\mathrm{rad}", 1.0, why="radians written out")
acc("ur3-03", F, "12.5\\%", "12.5 \\text{ percent}", 1.0)
acc("ur3-04", F, "50\\%", "50 \\text{ per cent}", 1.0)
acc("ur3-05", F, "50\\%", "5 \\text{ percent}", 0.0)
acc("ur3-06", F, "50\\%", "50\\text{\\%}", 1.0)

F = "invisible"
for n, (ch, name) in enumerate(
    [
        ("\U000e0100", "variation selector 17"),
        ("\u180b", "Mongolian free variation selector"),
        ("\ufff9", "interlinear annotation anchor"),
        ("\U0001bca0", "shorthand format letter overlap"),
        ("\u2063", "invisible separator"),
        ("\u2064", "invisible plus"),
    ],
    start=25,
):
    case(
        f"inv-{n:02d}",
        F,
        "think_summary_format",
        completion=f"<think>{ch}</think>\nThe answer is 5.",
        expect=0.0,
        why=f"reasoning of one {name} is empty",
    )


# ==================================================================================================
# Round 4: gold disjunctions, many boxes, Windows line endings, realistic mixed-language controls
# ==================================================================================================
F = "gold_disjunction"
acc("gdj-01", F, "5 \\text{ or } 6", "5 \\text{ or } 6", 1.0, why="the gold itself is a disjunction")
acc("gdj-02", F, "5 \\text{ or } 6", "6 \\text{ or } 5", 1.0, why="the same disjunction")
acc("gdj-03", F, "5 \\text{ or } 6", "5", 0.0, why="half of the gold")
acc("gdj-04", F, "5 \\text{ or } 6", "5 \\text{ or } 7", 0.0)
F = "hedge_sets"
case(
    "hdg-16",
    F,
    gold="5",
    summary="The answer is " + " ".join(f"$\\boxed{{{k}}}$" for k in range(1, 101)) + ".",
    expect=0.0,
    why="a hundred boxes are a hedge",
)
F = "line_endings"
case(
    "crlf-01",
    F,
    "r1_zero_format",
    completion="<think>\r\nreasoning\r\n</think>\r\n<answer>\r\n5\r\n</answer>",
    expect=1.0,
    why="Windows line endings",
)
case(
    "crlf-02",
    F,
    gold="5",
    completion="<think>\r\nreasoning\r\n</think>\r\n<answer>\r\n5\r\n</answer>",
    expect=1.0,
    why="Windows line endings",
)
case(
    "crlf-03",
    F,
    "think_summary_format",
    completion="<think>\r\nreasoning\r\n</think>\r\n\r\nThe answer is 5.",
    expect=1.0,
    why="Windows line endings",
)
case(
    "crlf-04",
    F,
    gold="5",
    completion="<think>\r\nreasoning\r\n</think>\r\n\r\nThe answer is $\\boxed{5}$.\r\n",
    expect=1.0,
    why="Windows line endings",
)
case(
    "crlf-05",
    F,
    "think_summary_format",
    completion="<think>\r\nreasoning\r\n</think>\r\n\r\n",
    expect=0.0,
    why="an empty summary with Windows line endings",
)
F = "language"
L = "language_consistency"
case(
    "lang-74",
    F,
    L,
    language="zh",
    completion="<think>\n我们使用 Fibonacci 数列来计算。根据 Euler 公式，我们先求出每一项，再把它们相加，最后检查结果是否正确。"
    "然后我们再验证一次，确认每一步都没有错误，所以答案是正确的。\n</think>\n答案是 5。",
    range=[0.8, 1.0],
    why="Chinese reasoning naming two mathematicians is Chinese",
)
case(
    "lang-75",
    F,
    L,
    language="zh",
    completion="<think>\n我们定义分段函数 $f(x) = 1 \\text{ if } x > 0 \\text{ and } f(x) = 0 \\text{ otherwise}$。"
    "我们先数红苹果，再数绿苹果，最后把两个数相加得到题目要求的答案。然后我们检查结果是否正确，确认每一步都没有错误。\n</think>\n答案是 5。",
    range=[0.8, 1.0],
    why="Chinese reasoning with a formula's condition words is Chinese",
)
case(
    "lang-76",
    F,
    L,
    language="en",
    completion="<think>\n"
    + EN
    + "We have $5\\text{个}$ red apples and $3\\text{个}$ green ones. "
    + EN
    + "\n</think>\nThe answer is 8.",
    range=[0.8, 1.0],
    why="English reasoning with two Chinese measure words in math is English",
)


# words after a number that change its value, beyond the first list (rule R1's exclusions)
F = "unit_word_tricks"
for n, (box, gold, want, why) in enumerate(
    [
        ("5 \\text{ cubed}", "5", 0.0, "125"),
        ("5\\text{ to the power } 2", "5", 0.0, "25"),
        ("5 \\text{ factorial}", "5", 0.0, "120"),
        ("5\\text{ over } 6", "5", 0.0, "5/6"),
        ("5\\text{ divided by } 2", "5", 0.0, "2.5"),
        ("5\\text{ plus } 1", "5", 0.0, "6"),
        ("5\\text{ fifths}", "5", 0.0, "1"),
        ("5\\text{ tenths}", "5", 0.0, "0.5"),
        ("5\\text{ point } 2", "5", 0.0, "5.2"),
        ("5\\text{ hundred and six}", "5", 0.0, "506"),
        ("5\\text{ billion}", "5000000000", 1.0, "five billion"),
        ("5 \\text{ cm} - 1\\text{ cm}", "5", 0.0, "4 cm"),
    ],
    start=13,
):
    acc(f"uwt-{n:02d}", F, gold, box, want, why=why)
F = "qualifiers_r3"
for n, (text, want, why) in enumerate(
    [
        ("The answer is 5 cubed.", 0.0, "125"),
        ("The answer is 5 factorial.", 0.0, "120"),
        ("The answer is 5 over 6.", 0.0, "5/6"),
    ],
    start=26,
):
    case(f"q3-{n:02d}", F, gold="5", summary=text, expect=want, why=why)


# ==================================================================================================
# Round 5 (against fd9cf5e, where rounds 1-4 all pass): fresh shapes of each rule, in several languages
# ==================================================================================================
F = "qualifiers_r5"
for n, (text, gold, want, why) in enumerate(
    [
        ("The answer is 5, which is more than 4.", "5", 1.0, "a remark about the stated value"),
        ("The answer is 5, and not 6.", "5", 1.0, "rejects 6"),
        ("The answer is 5 rather than 6.", "5", 1.0, "rejects 6"),
        ("The answer is 5 instead of 6.", "5", 1.0, "rejects 6"),
        ("The answer is 6 rather than 5.", "5", 0.0, "states 6"),
        ("The answer is 6 instead of 5.", "5", 0.0, "states 6"),
        ("The answer is 5 as opposed to 6.", "5", 1.0, "rejects 6"),
        ("The answer is 5 at most.", "5", 0.0, "a bound after the value"),
        ("The answer is 5 at least.", "5", 0.0, "a bound after the value"),
        ("The answer is 5 or fewer.", "5", 0.0, "a bound"),
        ("The answer is 5 or higher.", "5", 0.0, "a bound"),
        ("The answer is 5-ish.", "5", 0.0, "F9: an estimate"),
        ("The answer is around 5.", "5", 0.0, "F9: an estimate"),
        ("The answer is somewhere between 4 and 6.", "5", 0.0, "a range"),
        ("答案是 5，不是 4。", "5", 1.0, "rejects 4 (Chinese)"),
        ("答案超过 5。", "5", 0.0, "exceeds 5 (Chinese)"),
        ("答案接近 5。", "5", 0.0, "close to 5 (Chinese)"),
        ("La réponse est 5, pas 6.", "5", 1.0, "rejects 6 (French)"),
        ("La réponse est plus de 5.", "5", 0.0, "more than 5 (French)"),
        ("Die Antwort ist 5, nicht 6.", "5", 1.0, "rejects 6 (German)"),
        ("Die Antwort ist mehr als 5.", "5", 0.0, "more than 5 (German)"),
        ("La respuesta es 5, no 6.", "5", 1.0, "rejects 6 (Spanish)"),
        ("La respuesta es más de 5.", "5", 0.0, "more than 5 (Spanish)"),
        ("Ответ: 5, а не 6.", "5", 1.0, "rejects 6 (Russian)"),
        ("Ответ: больше 5.", "5", 0.0, "more than 5 (Russian)"),
    ],
    start=1,
):
    case(f"q5-{n:02d}", F, gold=gold, summary=text, expect=want, why=why)

F = "presentation_r5"
for n, (box, gold, want, why) in enumerate(
    [
        ("\\textsf{5}", "5", 1.0, "sans serif"),
        ("\\textsc{5}", "5", 1.0, "small caps"),
        ("\\textnormal{5}", "5", 1.0, "normal"),
        ("\\textrm{5}", "5", 1.0, "roman"),
        ("\\hbox{5}", "5", 1.0, "a box"),
        ("\\fcolorbox{red}{white}{5}", "5", 1.0, "a framed colour box"),
        ("\\boxed{\\color{blue}5}", "5", 1.0, "nested"),
        ("\\phantom{6}\\color{red}5", "5", 1.0, "invisible 6, red 5"),
        ("\\color{red}\\phantom{-}5", "-5", 0.0, "the minus is invisible"),
        ("\\scriptscriptstyle 5", "5", 1.0, "style"),
        ("\\big( 5 \\big)", "5", 1.0, "sized parentheses"),
        ("\\Bigl(5\\Bigr)", "5", 1.0, "sized parentheses"),
        ("\\hskip 1em 5", "5", 1.0, "a skip"),
        ("\\hskip 5pt 6", "56", 0.0, "the 5 is a length"),
        ("\\textcolor{white}{6}", "6", 1.0, "a white 6 is still the text 6"),
    ],
    start=1,
):
    acc(f"pr5-{n:02d}", F, gold, box, want, why=why)

F = "spacing"
for n, (gold, box) in enumerate(
    [("\\arcsin x", "\\arcsinx"), ("\\sinh x", "\\sinhx"), ("\\det A", "\\detA"), ("\\infty", "\\infinite")],
    start=19,
):
    acc(
        f"spc-{n}",
        F,
        gold,
        box,
        0.0,
        accept=[0.0, None] if box == "\\detA" else None,
        why=f"{box} is an undefined control sequence"
        + (" (None if the gold is unreadable)" if box == "\\detA" else ""),
    )

F = "language"
L = "language_consistency"
for n, (body, why) in enumerate(
    [
        ("```julia\n" + _cut("#= ", " =#") + "\nx = 1\n```", "Julia block comments"),
        ("```powershell\n" + _cut("<# ", " #>") + "\n$x = 1\n```", "PowerShell block comments"),
        ("```tex\n" + _cut("% ") + "\n\\def\\x{1}\n```", "TeX comments in a fence"),
        ("```ruby\n=begin\n" + _cut("") + "\n=end\nx = 1\n```", "a Ruby =begin block"),
        (
            "```python\n"
            + "s = "
            + " + ".join("'" + " ".join(_w[i : i + 2]) + " '" for i in range(0, len(_w), 2))
            + "\n```",
            "two-word strings concatenated",
        ),
    ],
    start=77,
):
    case(
        f"lang-{n}",
        F,
        L,
        language="zh",
        completion="<think>\n我们来计算。\n" + body + "\n</think>\n答案是 5。",
        range=[0.0, 0.5],
        why=f"English prose in {why}",
    )

F = "big_powers"
acc("bp-18", F, "8^{10^{6}}", "2^{10^{6}}\\cdot 2^{10^{6}}\\cdot 2^{10^{6}}", 1.0, accept=BP)
acc("bp-19", F, "2^{10^{6}}", "\\frac{2^{2\\cdot 10^{6}}}{2^{10^{6}}}", 1.0, accept=BP)
acc("bp-20", F, "2^{10^{6}}", "\\frac{4^{10^{6}}}{2^{10^{6}}}", 1.0, accept=BP)
acc("bp-21", F, "2^{10^{6}}", "\\sqrt{4^{10^{6}}}", 1.0, accept=BP)
acc("bp-22", F, "1", "\\frac{4^{10^{6}}}{3^{10^{6}}}", 0.0, accept=W)
acc("bp-23", F, "2^{500000}", "(2^{10^{6}})^{1/2}", 1.0, accept=BP)


# ==================================================================================================
# Round 6 (against f45de07): more prose shapes and languages, presentation, undefined control words
# ==================================================================================================
F = "qualifiers_r6"
for n, (text, want, why) in enumerate(
    [
        ("The answer is 5 tops.", 0.0, "at most 5"),
        ("The answer is a little over 5.", 0.0, "above 5"),
        ("The answer is well above 5.", 0.0, "above 5"),
        ("The answer is 5 at the very least.", 0.0, "a bound"),
        ("The answer is no fewer than 5.", 0.0, "a bound"),
        ("The answer must be 5.", 1.0, "states 5"),
        ("Thus the answer: 5.", 1.0, "states 5"),
        ("The correct answer is 5.", 1.0, "states 5"),
        ("La risposta è almeno 5.", 0.0, "at least 5 (Italian)"),
        ("La risposta è 5.", 1.0, "Italian"),
        ("A resposta é pelo menos 5.", 0.0, "at least 5 (Portuguese)"),
        ("A resposta é 5.", 1.0, "Portuguese"),
        ("答えは少なくとも5です。", 0.0, "at least 5 (Japanese)"),
        ("答えは5です。", 1.0, "Japanese"),
        ("정답은 최소 5입니다.", 0.0, "at least 5 (Korean)"),
        ("정답은 5입니다.", 1.0, "Korean"),
    ],
    start=1,
):
    case(f"q6-{n:02d}", F, gold="5", summary=text, expect=want, why=why)
F = "presentation_r6"
for n, (box, want, why) in enumerate(
    [
        ("\\mathnormal{5}", 1.0, "normal math font"),
        ("\\displaystyle{\\color{red}{5}}", 1.0, "style and colour"),
        ("\\text{\\textbf{5}}", 1.0, "bold text"),
        ("\\mathord{5}", 1.0, "an ordinary atom"),
        ("\\textup{5}", 1.0, "upright"),
    ],
    start=1,
):
    acc(f"pr6-{n:02d}", F, "5", box, want, why=why)
F = "spacing"
acc(
    "spc-23",
    F,
    "\\partial x",
    "\\partialx",
    0.0,
    accept=[0.0, None],
    why="\\partialx is an undefined control sequence (None if the gold is unreadable)",
)
acc("spc-24", F, "\\nabla f", "\\nablaf", 0.0, why="\\nablaf is an undefined control sequence")


def _main() -> None:
    ids = [c["id"] for c in CASES]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SystemExit(f"duplicate case ids: {sorted(dupes)}")
    out = Path(__file__).with_name("red_team_cases.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"wrote {len(CASES)} cases to {out}")


if __name__ == "__main__":
    _main()
