"""One final answer, read whole (issue 21): relations, disjunctions, hedges, unevaluated operators, units,
choices, prose in any script and Unicode math. Each test holds a rule of docs/reward-threat-model.md."""

from __future__ import annotations

import pytest

from trl_r1.rewards import accuracy_reward, answers_equivalent, group_equivalent
from trl_r1.rewards.answer_reader import canonical_answer

THINK = "<think>\nLet me work it out.\n</think>\n\n"


def boxed(answer: str) -> str:
    return f"{THINK}So the final answer is $\\boxed{{{answer}}}$."


def scores(pairs, make=boxed):
    metrics: dict[str, float] = {}
    out = accuracy_reward([make(a) for _, a in pairs], [g for g, _ in pairs], log_metric=metrics.__setitem__)
    return out, metrics


def test_relations_and_disjunctions_are_not_final_answers():
    not_final = [
        ("5", "3 = 5"),
        ("5", "2x = 10"),
        ("3", "x < 3"),
        ("3", r"3 \approx 3.0"),
        ("6", r"x=5 \vee x=6"),
        ("5", r"5 \text{ or } 6"),
        ("5", r"\pm 5"),
        ("5", "x = 5 \\lor x = 6"),
        ("5", "5 或 6"),
    ]
    out, metrics = scores(not_final)
    assert out == [0.0] * len(not_final)
    assert metrics["accuracy_reward/not_final"] == 1.0
    # A relation for a gold: compared whole, as before.
    assert scores([("y = 2x + 3", "y = 3 + 2x"), ("x > 3", "x > 3")])[0] == [1.0, 1.0]


def test_a_named_value_reads_as_its_value():
    right = [
        ("5", "x = 5"),
        ("5", "5 = x"),
        ("11", "x = 5+5+1 = 11"),
        (r"\frac{1}{3}", r"x = \frac{1}{3} \approx 0.33"),
        ("5", r"a_{37} = 5"),
        ("(1, 2)", "y = 2, x = 1"),
        ("x=1, y=2", "x = 1, y = 2"),
        ("4, 5", "AB=4,CD=5"),
    ]
    wrong = [("x=1, y=2", "x=2, y=1"), ("x=1, y=2", "2, 1"), ("5", "x = 3 = 6")]
    out, metrics = scores(right + wrong)
    assert out == [1.0] * len(right) + [0.0] * len(wrong)
    assert metrics["accuracy_reward/not_final"] == 0.0


def test_prose_hedges_in_any_script_are_not_final_answers():
    hedges = [
        "The answer is 5 or 6.",
        "所以答案是 5 或 6。",
        "La réponse est $5$ ou $6$.",
        "It is 5 or 6.",
        "The answer is at least 5.",
        "The answer isn't 5.",
        "The answer is 5. Or maybe 6.",
        "The answer is 5, unless n is even.",
        "The answer is about 5.",
        # Any phrase after a stated value, whatever its words (F9 by construction), and bounds in every
        # language an answer marker reads.
        "The answer is 5 at the very least.",
        "The answer is $5$ at the very least.",
        "The answer is 5 give or take a few.",
        "A resposta é pelo menos 5.",
        "La risposta è almeno 5.",
        "정답은 적어도 5입니다.",
    ]
    out, metrics = scores([("5", h) for h in hedges], make=lambda t: THINK + t)
    assert out == [0.0] * len(hedges)
    assert metrics["accuracy_reward/not_final"] == 1.0
    stated = [
        "The answer is 5.",
        "The answer is 5, not 6.",
        "The answer is not 6 but 5.",
        "The answer is exactly 5.",
        "정답은 5입니다.",  # a copula closes the sentence
        "答えは 5 です。",
        "The answer is $5$ meters.",  # units, or the one word naming what is counted
        "The answer is 5 eggs.",
    ]
    assert scores([("5", t) for t in stated], make=lambda t: THINK + t)[0] == [1.0] * len(stated)


def test_unevaluated_operators_of_the_question_are_not_answers():
    pairs = [
        ("120", r"\binom{10}{3}"),
        ("6", r"\log_2 64"),
        ("5050", r"\sum_{k=1}^{100} k"),
        ("2", r"17 \bmod 5"),
        ("1", r"\int_0^1 2x\,dx"),
        ("1", r"\lim_{x \to 0} \frac{\sin x}{x}"),
        ("120", "5!"),
        ("0", r"\ln 1"),
    ]
    out, metrics = scores(pairs)
    assert out == [0.0] * len(pairs)
    assert metrics["accuracy_reward/not_final"] == 1.0
    # Operators against a gold that has them are compared as usual.
    assert scores([(r"\log_2 x", r"\log_2 x"), ("6", r"\max(5,6)")])[0] == [1.0, 1.0]


def test_the_same_value_boxed_twice_is_one_answer():
    twice = THINK + r"The answer is $\boxed{5}$, that is $\boxed{5.0}$."
    hedge = THINK + r"It is $\boxed{5}$ or $\boxed{6}$."
    assert accuracy_reward([twice, hedge], ["5", "5"]) == [1.0, 0.0]


def test_a_statement_after_the_last_box_is_the_final_answer():
    later = THINK + r"First $\boxed{200}$, then $\boxed{255}$. Final Answer: The final answer is $10,455$."
    remark = THINK + r"The answer is $\boxed{5}$. The answer is not 6."
    no_value = THINK + r"The answer is $\boxed{5}$. (The answer is the same as in part (a).)"
    assert accuracy_reward([later, remark, no_value], ["10455", "5", "5"]) == [1.0, 1.0, 1.0]


def test_commas_inside_brackets_are_not_list_separators_and_0_5_stays_a_list():
    assert canonical_answer("0,5") == "0,5"
    pairs = [("6", r"\max(5,6)"), ("0, 5", "0,5"), ("0.5", "0,5"), ("\\{0, 5\\}", "0,5")]
    assert scores(pairs)[0] == [1.0, 1.0, 0.0, 1.0]


def test_arrows_are_not_sizing_commands():
    assert canonical_answer(r"p \leftarrow q") != canonical_answer(r"p \rightarrow q")
    assert canonical_answer(r"\left( 1, 2 \right)") == "( 1, 2 )"
    assert not answers_equivalent(r"p \leftarrow q", r"p \rightarrow q")


def test_unit_words_after_a_number_read_as_the_number():
    right = [
        ("18", r"18\text{ eggs}"),
        ("40", r"40\text{ km/h}"),
        ("9", r"9\text{页}"),
        ("10 weeks", "10"),
        ("12", r"12 \text{ units}"),
        ("30", r"30^\circ"),
        ("5000000", r"5 \text{ million}"),
        ("18", "18 eggs"),
    ]
    wrong = [
        ("5", r"5\text{ squared}"),
        ("5", r"5\text{ halves}"),
        ("5", r"5\text{ cm} + 6\text{ cm}"),
        (r"10\text{ cm}", r"10\text{ m}"),
        (r"\frac{\pi}{6}", r"\frac{\pi}{6}^\circ"),
        ("3", "3t"),
    ]
    assert scores(right + wrong)[0] == [1.0] * len(right) + [0.0] * len(wrong)


def test_amc_choices_match_by_letter_or_value():
    pairs = [
        ("27", r"\textbf{(B)}\ 27", 1.0),
        ("B", r"\textbf{(B)}\ 27", 1.0),
        (r"\textbf{(B)}\ 27", "B", 1.0),
        (r"\textbf{(B)}\ 27", "27", 1.0),
        ("C", r"\textbf{(B)}\ 27", 0.0),
        (r"\text{(C)}", "C", 1.0),
        ("B", r"\textbf{(B) }27\qquad\textbf{(C) }28", 0.0),
        ("28", r"\textbf{(B)}\ 27", 0.0),
    ]
    assert scores([(g, a) for g, a, _ in pairs])[0] == [t for _, _, t in pairs]


def test_prose_final_answers_in_any_script():
    cases = [
        ("9", "所以答案是 9"),
        ("18", "#### 18"),
        ("12", "La réponse est 12."),
        ("7", "Die Antwort ist 7."),
        ("4", "Ответ: 4."),
        ("3", "答えは 3 です。"),
        ("6", "La respuesta es $6$."),
        ("10", "答案为：10"),
        ("18", "The answer is 18 eggs."),
        (r"\frac{1}{2}", r"The final answer is $\frac{1}{2}$, i.e. half."),
    ]
    assert scores(cases, make=lambda t: THINK + t)[0] == [1.0] * len(cases)


@pytest.mark.parametrize(
    "written,gold",
    [
        ("½", r"\frac{1}{2}"),
        ("√2", r"\sqrt{2}"),
        ("30°", "30"),
        ("x²", "x^2"),
        ("∞", r"\infty"),
        ("2π", r"2\pi"),
        ("3×4", "12"),
        ("１２", "12"),
        ("−5", "-5"),
        ("٣٫٥", "3.5"),
        ("€18", "18"),
    ],
)
def test_unicode_math_reads_as_tex(written, gold):
    assert accuracy_reward([boxed(written)], [gold]) == [1.0]


def test_cons_at_k_clusters_follow_the_same_rules():
    answers = [
        "5",
        "x = 5",
        "5.0",
        "3 = 5",
        "5 or 6",
        r"\binom{10}{3}",
        "120",
        "52_7",
        "52_8",
        r"\pm 5",
        None,
    ]
    ids = group_equivalent(answers)
    assert ids[0] == ids[1] == ids[2] != -1  # one answer, three ways
    assert ids[3] == ids[4] == ids[5] == -1  # a relation, a hedge, an operator left unevaluated: no vote
    assert ids[7] != ids[8]  # other bases: exact arithmetic keeps them apart, math-verify may not merge them
    assert ids[10] == -1
    assert answers_equivalent("x = 5", "5") and not answers_equivalent("3 = 5", "5")


def test_presentation_is_dropped():
    right = [
        r"\color{red}5",
        r"\textcolor{blue}{5}",
        r"\underline{5}",
        r"\large 5",
        r"\vphantom{6}5",
        r"\hspace{1cm}5",
        r"5^{\text{th}}",
        r"\text{The answer is } 5",
        r"\textbf{Final Answer:} 5",
        "5.",
    ]
    assert scores([("5", a) for a in right])[0] == [1.0] * len(right)
    assert accuracy_reward([THINK + r"The answer is $\boxed 5$."], ["5"]) == [1.0]
    assert scores([(r"\emptyset", r"\varnothing"), (r"\langle 1, 2 \rangle", r"\langle 2,1\rangle")])[0] == [
        1.0,
        0.0,
    ]
    # Undefined control words are unreadable, never guessed as a product.
    assert canonical_answer(r"\pir") is None
    assert [canonical_answer(s) for s in (r"\nablaf", r"\partialx", r"\timesx")] == [None] * 3
    assert scores([(r"\nabla f", r"\nabla f"), (r"x \cdots y", r"x \cdots y")])[0] == [
        1.0,
        1.0,
    ]  # real commands
    # Font and math-class wrappers around a number, however nested, are presentation; letters stay wrapped.
    wrapped = [r"\text{\textbf{5}}", r"\mathord{5}", r"\mathrm{\mathbf{5}}", r"\mathbin{\textit{5}}"]
    assert scores([("5", w) for w in wrapped])[0] == [1.0] * len(wrapped)
    assert canonical_answer(r"\text{\textbf{ab}}") == r"\text{\textbf{ab}}"
    assert scores([(r"\pi r", r"\pir"), (r"\theta t", r"\thetat")])[0] == [0.0, 0.0]


def test_prose_numbers_keep_their_sign_and_negations_in_any_language():
    cases = [
        ("-5", "The answer is -5.", 1.0),
        ("5", "The answer is -5.", 0.0),
        ("-5", "#### -5", 1.0),
        ("-5", "答案是 -5。", 1.0),
        ("-5", "The answer is negative 5.", 1.0),
        ("5", "La respuesta no es 5.", 0.0),
        ("5", "La réponse n'est pas 5.", 0.0),
        ("5", "The answer is 5 if we count from zero, otherwise 6.", 0.0),
        ("5", "The answer is $\\boxed{5}$.\n\nThe answer is 5 because 10/2 = 5.", 1.0),
    ]
    assert scores([(g, t) for g, t, _ in cases], make=lambda t: THINK + t)[0] == [v for _, _, v in cases]


def test_red_team_round_two():
    """Cases the red team found after the first version (families: qualifiers, presentation, systems, spacing)."""
    wrong = [
        ("5", "The answer is anything but 5."),
        ("5", "The answer can't be 5."),
        ("5", "The answer is 5, though 6 is also possible."),
        ("5", "The answer is 5. However, it could also be 6."),
        ("5", "I believe the answer is 5, but 6 is also plausible."),
        ("5", "The answer exceeds 5."),
        ("5", "答案是 5 左右。"),
        ("\\sin x", "$\\boxed{\\sinx}$"),
        ("\\frac{a}{b}", "$\\boxed{\\fracab}$"),
        ("1", "$\\boxed{x = 1 \\vee x = 2}$"),
    ]
    right = [
        ("5", "The answer is 5 (not 6)."),
        ("5", "答案是 5，而不是 6。"),
        ("5", "The answer is five."),
        ("5", "The answer is 5, i.e. 6 - 1."),
        ("5", "$\\boxed{\\kern1em 5}$"),
        ("5", "$\\boxed{\\colorbox{yellow}{5}}$"),
        ("5", "$\\boxed{\\textcolor[rgb]{1,0,0}{5}}$"),
        ("6", "$\\boxed{\\vphantom{\\frac{1}{2}}6}$"),
        ("2, 1", "$\\boxed{x_1 = 1, x_2 = 2}$"),
        ("1, 2", "$\\boxed{x = 1 \\text{ or } x = 2}$"),
        ("12.5\\%", "$\\boxed{12.5 \\text{ percent}}$"),
    ]
    out = accuracy_reward([THINK + t for _, t in wrong + right], [g for g, _ in wrong + right])
    assert out == [0.0] * len(wrong) + [1.0] * len(right)


def test_red_team_round_five():
    wrong = [
        ("5", "The answer is 5 at most."),
        ("5", "The answer is 5 at least."),
        ("5", "Die Antwort ist mehr als 5."),
    ]
    right = [
        ("5", "Ответ: 5, а не 6."),
        ("5", "$\\boxed{\\textsf{5}}$"),
        ("5", "$\\boxed{\\hbox{5}}$"),
        ("5", "$\\boxed{\\Bigl(5\\Bigr)}$"),
    ]
    out = accuracy_reward([THINK + t for _, t in wrong + right], [g for g, _ in wrong + right])
    assert out == [0.0] * len(wrong) + [1.0] * len(right)
