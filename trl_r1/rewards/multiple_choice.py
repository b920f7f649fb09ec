r"""Multiple-choice accuracy reward: one letter read from the final answer, compared with the gold letter.

DeepSeek-R1 reports GPQA Diamond pass@1 (paper, table 4 and the distilled-model table), scored as
simple-evals scores it: the model ends with ``Answer: X`` and X is compared with the gold letter.
The same rule serves GRPO on STEM multiple-choice data (R1, section 2.3.2: "STEM data" with
rule-checkable answers). The letter is read only from the final part of a completion (the
``<answer>`` block, else the text after ``</think>``): a letter inside the reasoning never counts.

Reading, most explicit forms first; the first group present decides:

1. declarations: ``\boxed{C}`` (also ``\boxed{\text{C}}``, ``\boxed{(C)}``), ``Answer: C``,
   ``the answer is (C)``, ``**Answer:** C``;
2. ``(C)``, or a line that is only the letter (``C`` / ``C.``);
3. the text of exactly one option, in the last line.

Scores: 1.0 for the gold letter; 0.0 when the group that decides names two different letters (a
boxed C and an ``Answer: D`` are two answers), when a line holding the letter hedges (``or``,
``maybe``, ``probably``, ``not sure``..., outside the options' own words), when no letter can be
read, or when the letter is not one of the options. ``None`` (TRL skips the row, not
the model's fault) when the gold itself is not one of the options: a letter beyond the number of
options, or a text that matches none of them.

Dataset columns: the gold in ``solution`` or ``answer`` (a letter ``"C"``, or the correct option's
text), the options in order in ``choices`` or ``options`` (a list of strings, or a JSON string);
without options the letters A-D are the options and the gold must be one of them.

>>> multiple_choice_reward(["<think>B is too small.</think>\nAnswer: C"], solution=["C"], choices=[["1", "2", "3", "4"]])
[1.0]
>>> multiple_choice_reward(["<think>...</think>\nAnswer: C or D"], solution=["C"])
[0.0]
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.text.completion import parse_completion

__all__ = ["MultipleChoiceReward", "gold_letter", "multiple_choice_reward", "read_choice"]

LETTERS = string.ascii_uppercase
DEFAULT_LETTERS = 4  # GPQA's A-D when a row gives no options
_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{\s*(?:\\text(?:bf)?\s*\{\s*)?\(?\s*([A-Z])\s*\)?\s*\}?\s*\}")
_ANSWER = re.compile(r"answer(?:\s+is)?\s*\**\s*[:：]?\s*\**\s*(?:option\s+)?\(?\s*\**([A-Z])\b(?![a-zA-Z'])",
                     re.IGNORECASE)
_PAREN = re.compile(r"\(([A-Z])\)")
_BARE_LINE = re.compile(r"^\W*([A-Z])\W*$")
# Words that make the line holding the letter a hedge: a guess is not an answer.
_HEDGES = re.compile(r"\b(or|either|maybe|perhaps|possibly|probably|likely|might|guess|unsure|not sure|"
                     r"not certain|can't tell|cannot tell)\b", re.IGNORECASE)


def _options(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"multiple_choice_reward: choices must be a list of option texts (or its JSON), got "
                             f"{value[:60]!r}") from None
    if not isinstance(value, (list, tuple)) or not all(isinstance(o, str) for o in value):
        raise ValueError(f"multiple_choice_reward: choices must be a list of option texts, got {value!r}")
    if len(value) > len(LETTERS):
        raise ValueError(f"multiple_choice_reward: at most {len(LETTERS)} options, got {len(value)}")
    return list(value)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w.+-/]", " ", text.lower()).split())


def gold_letter(gold: Any, choices: Sequence[str] | None = None) -> str | None:
    """The gold letter of a row: a letter within the options, or the letter of the option whose text
    the gold is; ``None`` when the gold is outside the options.

    >>> gold_letter("b", ["x", "y"]), gold_letter("y", ["x", "y"]), gold_letter("E", ["x", "y"])
    ('B', 'B', None)
    """
    if not isinstance(gold, str) or not gold.strip():
        return None
    n = len(choices) if choices is not None else DEFAULT_LETTERS
    letter = gold.strip().strip("().").upper()
    if len(letter) == 1 and letter in LETTERS[:n]:
        return letter
    if choices is not None:
        matches = [i for i, option in enumerate(choices) if _norm(option) == _norm(gold)]
        if len(matches) == 1:
            return LETTERS[matches[0]]
    return None


def _hedged(line: str, choices: Sequence[str] | None) -> bool:
    """Whether a line hedges, outside the options' own words (an option may well say "or" or "likely")."""
    for option in choices or ():
        if option.strip():
            line = re.sub(re.escape(option.strip()), " ", line, flags=re.IGNORECASE)
    return bool(_HEDGES.search(line))


def _final_region(text: str, fallback_to_full_text: bool) -> str | None:
    parsed = parse_completion(text)
    if parsed.answer_starts > 1 or parsed.reasoning == "":
        return None  # several answer blocks, or an empty reasoning block: the usual ways to game a check
    region = parsed.final_answer_region
    if region is None and fallback_to_full_text and parsed.think_starts == 0:
        region = text
    return region


def read_choice(text: str, choices: Sequence[str] | None = None, fallback_to_full_text: bool = False) -> str | None:
    r"""The one letter a completion answers, or ``None`` (no letter, two letters, a hedge, a letter
    outside the options); see the module docstring for the forms read.

    >>> read_choice("<think>A? no.</think>The answer is $\\boxed{C}$.")
    'C'
    >>> read_choice("<think>...</think>(B) 42", ["41", "42"]), read_choice("<think>...</think>So it is 42.", ["41", "42"])
    ('B', 'B')
    >>> read_choice("<think>...</think>Answer: B, maybe C") is None
    True
    """
    region = _final_region(text, fallback_to_full_text)
    if not region:
        return None
    n = len(choices) if choices is not None else DEFAULT_LETTERS
    valid = set(LETTERS[:n])
    lines = region.splitlines()
    for patterns in ((_BOXED, _ANSWER), (_PAREN, _BARE_LINE)):
        found = [(m.group(1).upper(), line, pattern) for pattern in patterns for line in lines
                 for m in pattern.finditer(line)]
        # "Answer: c" is a letter; "the answer is a bit..." in prose is not: the letter must be written as a capital
        found = [(letter, line) for letter, line, pattern in found
                 if pattern is not _ANSWER or re.search(rf"\b{letter}\b", line)]
        if not found:
            continue
        letters = {letter for letter, _ in found}
        if len(letters) != 1 or any(_hedged(line, choices) for _, line in found):
            return None
        letter = letters.pop()
        return letter if letter in valid else None
    if choices:
        last = _norm(next((line for line in reversed(lines) if line.strip()), ""))
        hits = [i for i, option in enumerate(choices) if _norm(option) and _norm(option) in last]
        # an option that is part of a longer matched option ("2" in "12") is not a second answer
        hits = [i for i in hits if not any(j != i and _norm(choices[i]) in _norm(choices[j]) for j in hits)]
        if len(hits) == 1 and not _hedged(last, choices):
            return LETTERS[hits[0]]
    return None


class MultipleChoiceReward(RewardFunction):
    """1.0 when the one letter read from the final answer is the gold letter (see the module docstring).

    Args:
        fallback_to_full_text: read a completion without R1 tags whole, for models that do not use the R1 format.
        name: the metric name TRL logs under.
    """

    def __init__(self, fallback_to_full_text: bool = False, name: str | None = None):
        super().__init__(name or "multiple_choice_reward")
        self.fallback_to_full_text = fallback_to_full_text

    def __call__(self, completions: Sequence[Any], solution: Sequence[Any] | None = None,
                 answer: Sequence[Any] | None = None, choices: Sequence[Any] | None = None,
                 options: Sequence[Any] | None = None, log_metric: Any = None, **kwargs: Any) -> list[Reward]:
        texts = texts_of(completions, self.__name__)
        golds = solution if solution is not None else answer
        if golds is None:
            raise ValueError(f"reward {self.__name__!r} needs the gold letter in a 'solution' or 'answer' dataset "
                             "column (one value per row)")
        rows = choices if choices is not None else options
        if len(golds) != len(texts) or (rows is not None and len(rows) != len(texts)):
            raise ValueError(f"reward {self.__name__!r}: {len(golds)} golds and {len(rows or texts)} option lists for "
                             f"{len(texts)} completions; pass one value per completion")
        rewards: list[Reward] = []
        unreadable = outside = 0
        for i, text in enumerate(texts):
            row_choices = _options(rows[i]) if rows is not None else None
            gold = gold_letter(golds[i], row_choices)
            if gold is None:
                outside += 1
                rewards.append(None)
                continue
            letter = read_choice(text, row_choices, self.fallback_to_full_text)
            unreadable += letter is None
            rewards.append(1.0 if letter == gold else 0.0)
        self.log_metrics(log_metric, unreadable=unreadable, gold_outside_options=outside)
        return rewards


#: One letter from the final answer against the gold letter; ``None`` for a gold outside the options.
multiple_choice_reward = MultipleChoiceReward()
