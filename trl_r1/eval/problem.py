"""One evaluation problem (:class:`Problem`) and the error a benchmark that cannot be loaded raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trl_r1.generation import Prompt

KINDS = ("math", "multiple_choice", "code")


class BenchmarkError(ValueError):
    """A benchmark that cannot be loaded: the message names the problem and the fix."""


@dataclass(frozen=True)
class Problem:
    """One evaluation problem.

    Attributes:
        question: the problem statement (what a prompt template wraps).
        answer: the gold final answer, as text (what the accuracy reward verifies against); for a
            multiple-choice problem the gold letter; for a code problem empty (its tests decide).
        id: a stable identifier (the row's ``id`` / ``unique_id`` / ``idx``, else its index).
        prompt: a ready prompt (string or chat messages) when the data or the benchmark carries one;
            template ``auto`` then uses it as is.
        choices: the options of a multiple-choice problem, in the order the prompt shows them.
        tests: the test cases of a code problem, as the code reward's ``verification_info``
            (``{"language"?: ..., "test_cases": [...], "fn_name"?: ...}``).
    """

    question: str
    answer: str
    id: str
    prompt: Prompt | None = field(default=None, compare=False)
    choices: tuple[str, ...] | None = None
    tests: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def kind(self) -> str:
        """``"code"`` (scored by running its tests), ``"multiple_choice"`` (one letter) or ``"math"``.

        >>> Problem("1+1", "2", "0").kind, Problem("pick", "A", "1", choices=("x", "y")).kind
        ('math', 'multiple_choice')
        """
        if self.tests is not None:
            return "code"
        return "multiple_choice" if self.choices is not None else "math"
