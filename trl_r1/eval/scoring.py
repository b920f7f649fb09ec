"""How each kind of problem is judged: the same rewards GRPO trains with, so a benchmark score and a
training reward never disagree on what counts as right.

* ``math``: :data:`trl_r1.rewards.accuracy_reward` (math-verify; equivalent answers vote together in cons@k);
* ``multiple_choice``: :data:`trl_r1.rewards.multiple_choice_reward` (one letter; cons@k is a vote on letters);
* ``code``: the code reward's sandbox, all-or-nothing per sample (LiveCodeBench's pass@1: a program
  passes when every test passes); cons@k is not defined for programs and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from trl_r1.eval.problem import Problem


@cache
def _rewards(answer_fallback: bool) -> tuple[Any, Any, Any]:
    """(math, multiple-choice, code) rewards, built once per process: the verifier pool and the sandbox start once."""
    from trl_r1.rewards import AccuracyReward, MultipleChoiceReward, accuracy_reward, binary_code_reward
    from trl_r1.rewards.code import CodeReward

    if not answer_fallback:
        return accuracy_reward, MultipleChoiceReward(), binary_code_reward
    return (
        AccuracyReward(fallback_to_full_text=True),
        MultipleChoiceReward(fallback_to_full_text=True),
        CodeReward(binary=True, fallback_to_full_text=True),
    )


class Judge:
    """The scorers of an evaluation."""

    def __init__(self, answer_fallback: bool = False):
        self.answer_fallback = answer_fallback
        self.math, self._choice, self._code = _rewards(answer_fallback)

    @property
    def pool(self) -> Any:
        """The math verifier pool (its timeouts are reported)."""
        return self.math.pool

    def score(
        self, kind: str, texts: list[str], problems: Sequence[Problem]
    ) -> tuple[list[float | None], list[str | None]]:
        """``(verdicts, answers)`` for ``texts[i]`` answering ``problems[i]`` (all of one kind)."""
        if kind == "math":
            from trl_r1.rewards import extract_final_answer

            verdicts = self.math(texts, solution=[p.answer for p in problems])
            return verdicts, [extract_final_answer(t, self.answer_fallback) for t in texts]
        if kind == "multiple_choice":
            from trl_r1.rewards.multiple_choice import read_choice

            choices = [list(p.choices or ()) for p in problems]
            verdicts = self._choice(texts, solution=[p.answer for p in problems], choices=choices)
            return verdicts, [
                read_choice(t, c, self.answer_fallback) for t, c in zip(texts, choices, strict=True)
            ]
        if kind == "code":  # all or nothing: a program solves a problem when it passes every test
            return self._code(texts, verification_info=[p.tests for p in problems]), [None] * len(texts)
        raise ValueError(f"unknown problem kind {kind!r}")

    def cluster(self, kind: str) -> Callable[[Sequence[str]], Sequence[int]] | None:
        """How equivalent answers vote together in cons@k: math-verify clusters for math, exact letters
        (``None``) for multiple choice. Code problems have no vote (see :attr:`VOTES`)."""
        if kind == "math":
            from trl_r1.rewards import group_equivalent

            return lambda distinct: group_equivalent(distinct, pool=self.pool)
        return None

    VOTES = frozenset({"math", "multiple_choice"})
    """The kinds with a majority vote (cons@k); two programs are not one answer because their text differs."""
