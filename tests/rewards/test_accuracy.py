"""The R1 accuracy reward: the final answer, where the format puts it, verified with a hard timeout."""

import json
import pickle
import threading

import pytest

from trl_r1.rewards import (
    AccuracyReward,
    accuracy_reward,
    answers_equivalent,
    extract_final_answer,
    group_equivalent,
)
from trl_r1.rewards import _verify_worker as rworker
from trl_r1.rewards import verifier_pool as rpool


def r1_zero(answer: str, reasoning: str = "Let me work it out step by step.") -> str:
    return f"<think>{reasoning}</think>\n<answer>{answer}</answer>"


def r1(answer: str, reasoning: str = "Let me work it out step by step.") -> str:
    return f"<think>\n{reasoning}\n</think>\n\nSo the final answer is $\\boxed{{{answer}}}$."


def conversational(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


# --- where the answer is ---------------------------------------------------------------------


def test_answer_is_taken_from_the_answer_block_or_the_summary_and_boxed_wins():
    assert extract_final_answer(r1_zero("42")) == "42"
    assert extract_final_answer(r1("\\frac{1}{2}")) == "\\frac{1}{2}"
    assert extract_final_answer("<think>x</think><answer>so $\\boxed{7}$</answer>") == "7"
    assert extract_final_answer("<think>x</think>The answer is 7.") == "The answer is 7."


def test_completion_without_r1_tags_has_no_answer_unless_fallback_is_configured():
    assert extract_final_answer("The answer is $\\boxed{7}$.") is None
    assert extract_final_answer("The answer is $\\boxed{7}$.", fallback_to_full_text=True) == "7"
    fallback = AccuracyReward(fallback_to_full_text=True)
    assert fallback(["The answer is $\\boxed{7}$."], solution=["7"]) == [1.0]
    assert accuracy_reward(["The answer is $\\boxed{7}$."], solution=["7"]) == [0.0]


@pytest.mark.parametrize(
    "completion",
    [
        pytest.param("<think>so the answer is \\boxed{5}</think>", id="answer-only-in-reasoning"),
        pytest.param("<think>the answer is 5</think>I am not sure.", id="answer-only-in-reasoning-prose"),
        pytest.param("<think>the answer is <answer>5</answer>", id="answer-in-unclosed-reasoning"),
        pytest.param("<think>r</think><answer>5</answer><answer>4</answer>", id="two-answer-blocks"),
        pytest.param("<think></think><answer>5</answer>", id="empty-reasoning"),
        pytest.param("<answer>5</answer><think>r</think>", id="tags-out-of-order"),
        pytest.param("<think>\\boxed{5}</think><answer>4</answer>", id="boxed-right-answer-in-reasoning"),
        pytest.param("<think>r</think>It is $\\boxed{4}$ or $\\boxed{5}$.", id="two-boxed-answers"),
    ],
)
def test_reward_hacking_scores_zero(completion):
    assert accuracy_reward([completion], solution=["5"]) == [0.0]
    assert accuracy_reward([conversational(completion)], solution=["\\frac{10}{2}"]) == [0.0]


# --- verdicts --------------------------------------------------------------------------------


def test_equivalent_forms_score_one_and_different_answers_zero():
    golds = ["\\frac{1}{2}", "\\frac{1}{2}", "3\\sqrt{2}", "(1, 2)", "x^2+1", "10", "10"]
    answers = ["0.5", "1/2", "\\sqrt{18}", "(1,2)", "1+x^2", "10.0", "11"]
    completions = [r1(a) for a in answers]
    assert accuracy_reward(completions, solution=golds) == [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]


def test_unparseable_gold_gives_none_not_zero_and_is_logged():
    metrics: dict[str, float] = {}
    out = accuracy_reward(
        [r1_zero("3"), r1_zero("4"), "no tags"],
        solution=["}{", "", "\\text{}"],
        log_metric=metrics.__setitem__,
    )
    assert out == [None, None, None]
    assert metrics["accuracy_reward/unparseable_gold"] == 1.0


def test_missing_gold_column_raises_naming_the_column_and_the_fix():
    with pytest.raises(ValueError, match="'solution'.*rename_column"):
        accuracy_reward([r1_zero("3")], answer=["3"])
    with pytest.raises(ValueError, match="2 values for 1 completions"):
        accuracy_reward([r1_zero("3")], solution=["3", "4"])
    assert AccuracyReward(gold_column="answer")([r1_zero("3")], answer=["3"]) == [1.0]


def test_logs_final_answers_and_metrics_through_trl_hooks():
    extra: dict[str, list] = {}
    metrics: dict[str, float] = {}
    accuracy_reward(
        [r1_zero("3"), "nothing"],
        solution=["3", "3"],
        log_extra=extra.__setitem__,
        log_metric=metrics.__setitem__,
    )
    assert extra["accuracy_reward/final_answer"] == ["3", None]
    assert metrics["accuracy_reward/no_answer"] == 0.5
    assert metrics["accuracy_reward/timeouts"] == 0.0 and metrics["accuracy_reward/failures"] == 0.0


def test_every_math500_gold_scores_one_in_both_formats_and_another_problems_answer_zero(benchmarks_dir):
    golds = [json.loads(line)["answer"] for line in (benchmarks_dir / "math500.jsonl").open()]
    others = [golds[(i + 7) % len(golds)] for i in range(len(golds))]
    keep = [i for i in range(len(golds)) if others[i].replace(" ", "") != golds[i].replace(" ", "")]
    completions = (
        [r1_zero(g) for g in golds]
        + [conversational(r1(g)) for g in golds]
        + [r1_zero(others[i]) for i in keep]
    )
    solution = golds + golds + [golds[i] for i in keep]
    out = AccuracyReward(timeout=10)(completions, solution=solution)
    n = len(golds)
    unparsed = [golds[i] for i in range(n) if out[i] is None]
    assert not unparsed, f"gold answers math-verify could not parse: {unparsed[:10]}"
    missed = [golds[i] for i in range(n) if out[i] != 1.0 or out[n + i] != 1.0]
    assert not missed, f"gold answers not recognised as correct: {missed[:10]}"
    false_pos = [(golds[i], others[i]) for i, v in zip(keep, out[2 * n :]) if v != 0.0]
    assert not false_pos, f"another problem's answer accepted: {false_pos[:10]}"


# --- the hard timeout and the worker pool ------------------------------------------------------

PATHOLOGICAL = {
    "nested-fractions": "\\frac{1}{" * 300 + "2" + "}" * 300,
    "tower-of-powers": "9^{9^{9^{9^{9^{9}}}}}",
    "huge-power": "99999999999^{99999999999}",
    "100KB-of-braces": "{" * 50_000 + "}" * 50_000,
}


@pytest.fixture(scope="module")
def fast_timeout_reward():
    reward = AccuracyReward(timeout=1.0)
    reward([r1_zero("1")], solution=["2\\sqrt{2}"])  # start the workers outside the timed part
    return reward


# A hang guard, not a speed claim: the verdict and the counted timeout are the claims (speed is in benchmarks/).
@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_latex_is_cut_off_by_the_hard_timeout_scores_zero_and_is_counted(
    fast_timeout_reward, name
):
    metrics: dict[str, float] = {}
    out = fast_timeout_reward(
        [r1_zero(PATHOLOGICAL[name]), r1_zero("7")],
        solution=["\\frac{14}{2}", "7"],
        log_metric=metrics.__setitem__,
    )
    assert out == [0.0, 1.0]
    assert metrics["accuracy_reward/failures"] == 0.0


@pytest.mark.timeout(120)
def test_pathological_answer_off_the_main_thread_is_still_cut_off(fast_timeout_reward):
    # TRL's own reward disables math-verify's timeouts off the main thread (signal.alarm); ours holds.
    result: list = []
    metrics: dict[str, float] = {}
    thread = threading.Thread(
        target=lambda: result.append(
            fast_timeout_reward(
                [r1_zero(PATHOLOGICAL["tower-of-powers"])], solution=["3"], log_metric=metrics.__setitem__
            )
        )
    )
    thread.start()
    thread.join(timeout=100)
    assert result == [[0.0]]
    assert metrics["accuracy_reward/timeouts"] == 1.0


class _HangTask(rpool._Task):
    """An item stuck where the worker's soft timer cannot reach it (like C code)."""

    def __init__(self):
        self.verdict = None

    def request(self, soft):
        return ("hang", soft, 60.0)

    def on_message(self, msg):
        pass

    def on_lost_item(self, verdict):
        self.verdict = verdict
        return False

    def on_failure(self):
        self.verdict = rpool.FAILED

    @property
    def finished(self):
        return self.verdict is not None


@pytest.mark.timeout(120)
def test_a_hung_worker_is_killed_and_replaced_and_the_pool_keeps_working():
    pool = rpool.shared_pool()
    pool.run([rpool.VerifyTask("1", ["1"])])  # started and warm
    pids = {p.popen.pid for p in pool._procs if p is not None}
    timeouts = pool.timeouts
    task = _HangTask()
    pool.run([task], timeout=1.0)
    assert task.verdict == rworker.TIMEOUT and pool.timeouts == timeouts + 1
    new_pids = {p.popen.pid for p in pool._procs if p is not None}
    assert len(new_pids) == pool.num_workers and len(new_pids - pids) == 1  # one replaced, already starting
    after = rpool.VerifyTask("\\frac{1}{2}", ["0.5"])
    pool.run([after])
    assert after.verdicts == [True]


def test_closing_a_pool_stops_its_workers():
    pool = rpool.VerifierPool(num_workers=1)
    pool._start(0)
    proc = pool._procs[0].popen
    pool.close()
    assert proc.poll() is not None and pool._procs == [None]


def test_pool_that_cannot_start_gives_none_not_zero_and_counts_it(monkeypatch):
    monkeypatch.setattr(rpool, "_WORKER_SCRIPT", "/nonexistent/worker.py")
    reward = AccuracyReward(num_workers=1, timeout=1.0, start_pool=False)
    reward._pool = rpool.VerifierPool(num_workers=1, timeout=1.0)
    metrics: dict[str, float] = {}
    try:
        out = reward(
            [r1_zero("x^2+1"), r1_zero("2\\sqrt{3}")],
            solution=["1+x^2", "\\sqrt{12}"],
            log_metric=metrics.__setitem__,
        )
    finally:
        reward._pool.close()
    assert out == [None, 1.0]  # numeric answers need no worker
    assert metrics["accuracy_reward/failures"] == 1.0


def test_reward_pickles_without_its_pool_and_the_copy_works():
    accuracy_reward([r1_zero("\\sqrt{2}")], solution=["\\sqrt{2}"])  # pool running
    copy = pickle.loads(pickle.dumps(accuracy_reward))
    assert copy.__name__ == "accuracy_reward" and copy._pool is None
    assert copy([r1_zero("\\frac{\\sqrt{2}}{2}")], solution=["\\frac{1}{\\sqrt{2}}"]) == [1.0]


def test_repeated_answers_in_a_group_are_verified_once():
    reward = AccuracyReward()
    group = [r1_zero("\\frac{x}{2}")] * 6 + [r1("x/2")] * 6 + [r1_zero("x^2")] * 4
    calls: list[int] = []
    real_run = reward.pool.run

    def counting_run(tasks, timeout=None):
        calls.append(sum(len(t.answers) for t in tasks))
        return real_run(tasks, timeout)

    reward._pool = type("P", (), {"run": staticmethod(counting_run)})()
    assert reward(group, solution=["\\frac{1}{2}x"] * 16) == [1.0] * 12 + [0.0] * 4
    assert calls == [3]  # three distinct answers, one gold
    assert reward(group, solution=["\\frac{1}{2}x"] * 16) == [1.0] * 12 + [0.0] * 4
    assert calls == [3]  # the next step's repeats are remembered


def test_plain_numbers_are_judged_like_math_verify_without_the_pool():
    reward = AccuracyReward()
    calls = []
    reward._pool = type("P", (), {"run": staticmethod(lambda tasks, timeout=None: calls.append(tasks))})()
    golds = ["42", "-0.5", "\\frac{3}{4}", "1/2", "7"]
    answers = ["42.0", "-\\frac{1}{2}", "0.75", "0.5", "8"]
    assert reward([r1_zero(a) for a in answers], solution=golds) == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert calls == []


# --- equivalence for cons@k ------------------------------------------------------------------


def test_group_equivalent_clusters_equal_answers_for_majority_voting():
    answers = ["\\frac{1}{2}", "0.5", "3", None, "1/2", "", "\\sqrt{9}", "x"]
    assert group_equivalent(answers) == [0, 0, 1, -1, 0, -1, 1, 2]
    assert answers_equivalent("\\frac{1}{2}", "0.5")
    assert not answers_equivalent("\\frac{1}{2}", "0.25")


def test_close_integers_are_judged_exactly_and_agree_with_math_verify():
    """Distinct integers are never equal, however close: no round trip to the verifier pool is needed."""
    from math_verify import parse, verify

    from trl_r1.rewards.exact_decisions import decide_without_math_verify

    for gold, answer in [("1234", "1235"), ("1000000", "1000001"), ("-77", "-78"), ("1234", "1234.0")]:
        ours = decide_without_math_verify(gold, answer)
        assert ours is not None, (gold, answer)
        assert ours == verify(parse(gold), parse(answer)), (gold, answer)
    # Issue 21 (verdict change): no close call is left to math-verify's rounding any more. A decimal gold is
    # taken at its word (1/3 is not the gold 0.333333); a decimal answer of 6+ places matches a gold with no
    # terminating decimal when the gold rounds to it (the decimal rule of exact_decisions).
    assert decide_without_math_verify("0.333333", "1/3") is False
    assert decide_without_math_verify("1/3", "0.333333") is True
