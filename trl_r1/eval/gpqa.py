"""GPQA Diamond as R1 evaluates it: 198 graduate-level science questions, four options shuffled per problem.

The Hub dataset (``Idavidrein/gpqa``, config ``gpqa_diamond``, split ``train``) is gated: accept its terms
on the Hub, then keep a local copy of its ``gpqa_diamond.csv`` in the benchmark folder (``--data-dir``).
Each row holds ``Question``, ``Correct Answer`` and ``Incorrect Answer 1..3``; the options are
shuffled per problem with a seeded generator (the seed is recorded in the results), as simple-evals
and lighteval do, since the correct answer always comes first in the data. The prompt is the
simple-evals multiple-choice prompt the R1 paper evaluates GPQA with (section 3.1: "GPQA Diamond ...
evaluated using prompts from the simple-evals framework"), and answers are read by
:func:`trl_r1.rewards.multiple_choice.read_choice`.

>>> row = {"Question": "2+2?", "Correct Answer": "4", "Incorrect Answer 1": "3",
...        "Incorrect Answer 2": "5", "Incorrect Answer 3": "22", "Record ID": "r1"}
>>> p = gpqa_problems([row], shuffle_seed=0)[0]
>>> p.choices[ord(p.answer) - ord("A")]
'4'
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from typing import Any

from trl_r1.eval.problem import BenchmarkError, Problem

QUESTION, CORRECT = "Question", "Correct Answer"
INCORRECT = ("Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3")
LETTERS = "ABCD"
MULTIPLE_CHOICE_PROMPT = (
    "Answer the following multiple choice question. The last line of your response should be of the following "
    "format: 'Answer: $LETTER' (without quotes) where LETTER is one of ABCD. Think step by step before answering.\n\n"
    "{question}\n\nA) {A}\nB) {B}\nC) {C}\nD) {D}"
)


def shuffled_options(
    correct: str, incorrect: Sequence[str], shuffle_seed: int, key: str
) -> tuple[list[str], str]:
    """The four options in a seeded order and the gold letter; the order depends on ``(shuffle_seed, key)``
    only (``key``: :func:`shuffle_key`), so a problem keeps its order whatever else is loaded, limited or re-sorted."""
    digest = hashlib.sha256(f"{shuffle_seed}:{key}".encode()).digest()
    options = [correct, *incorrect]
    random.Random(int.from_bytes(digest[:8], "little")).shuffle(options)
    return options, LETTERS[options.index(correct)]


def shuffle_key(row: Mapping[str, Any]) -> str:
    """What a problem's option order is keyed on: its ``Record ID`` (so orders recorded with it keep), else a hash
    of its question text, never its row position (re-sorting or filtering a local CSV must not move any gold).

    >>> shuffle_key({"Record ID": "rec7", "Question": "Q"}), shuffle_key({"Question": " Why? "})
    ('rec7', 'question-sha256:5d8a995a6fa7cf7c')
    """
    record = row.get("Record ID")
    if record is not None and str(record).strip():
        return str(record)  # as written, so that the orders recorded before this fallback existed keep
    question = " ".join(str(row.get(QUESTION, "")).split())
    return "question-sha256:" + hashlib.sha256(question.encode()).hexdigest()[:16]


def gpqa_problems(
    rows: Sequence[Mapping[str, Any]], shuffle_seed: int = 0, source: str = "gpqa_diamond"
) -> list[Problem]:
    """GPQA rows (the Hub's columns) -> multiple-choice problems with shuffled options and the R1 prompt."""
    problems = []
    for i, row in enumerate(rows):
        missing = [
            c
            for c in (QUESTION, CORRECT, *INCORRECT)
            if not isinstance(row.get(c), str) or not row[c].strip()
        ]
        if missing:
            raise BenchmarkError(
                f"{source}: row {i} has no {', '.join(repr(c) for c in missing)} (GPQA's columns are "
                f"{QUESTION!r}, {CORRECT!r}, {', '.join(map(repr, INCORRECT))})"
            )
        key = shuffle_key(row)
        options, gold = shuffled_options(
            row[CORRECT].strip(), [row[c].strip() for c in INCORRECT], shuffle_seed, key
        )
        text = MULTIPLE_CHOICE_PROMPT.format(question=row[QUESTION].strip(), **dict(zip(LETTERS, options)))
        problems.append(
            Problem(
                question=text,
                answer=gold,
                id=key,
                prompt=[{"role": "user", "content": text}],
                choices=tuple(options),
            )
        )
    return problems
