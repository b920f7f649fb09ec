"""Which samples survive rejection sampling, and why each other one was dropped.

Row filters follow the protocol of :mod:`trl_r1.data.filters` (a ``name`` and ``__call__(row) -> bool``,
``True`` = keep), so the readability filters and the ones here run in one pass of
:func:`trl_r1.data.filters.apply_filters`, and each dropped sample is counted once, under the first
filter that rejects it. Then, per prompt: exact
duplicates, near duplicates, and the per-prompt cap. Every reason ends up in ``report.json``.

A row is a dict with at least ``prompt_index``, ``sample_index``, ``completion`` (text),
``num_tokens``, ``finished`` and ``rewards`` (name -> value or ``None``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from trl_r1.data.filters import apply_filters

Row = dict[str, Any]


class Scorable:
    """Keep a sample only if reward ``reward`` could score it (R1 keeps *verified* samples: an
    answer nobody could check is not evidence of correctness)."""

    def __init__(self, reward: str):
        self.reward = reward
        self.name = f"unscorable:{reward}"

    def __call__(self, row: Row) -> bool:
        return row["rewards"].get(self.reward) is not None


class RewardThreshold:
    """Keep a sample whose reward ``reward`` is at least ``threshold`` (the R1 correctness filter:
    with the default 1.0, only samples whose final answer matches the ground truth).

    >>> RewardThreshold("accuracy_reward")({"rewards": {"accuracy_reward": 1.0}})
    True
    """

    def __init__(self, reward: str, threshold: float = 1.0):
        self.reward, self.threshold = reward, threshold
        self.name = f"reward:{reward}"

    def __call__(self, row: Row) -> bool:
        value = row["rewards"].get(self.reward)
        return value is not None and value >= self.threshold


class LengthBounds:
    """Keep completions with ``min_tokens <= num_tokens <= max_tokens`` (``None`` = unbounded)."""

    name = "length"

    def __init__(self, min_tokens: int = 1, max_tokens: int | None = None):
        self.min_tokens, self.max_tokens = min_tokens, max_tokens

    def __call__(self, row: Row) -> bool:
        n = row["num_tokens"]
        return n >= self.min_tokens and (self.max_tokens is None or n <= self.max_tokens)


_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-cased, whitespace-collapsed text: the key of exact deduplication."""
    return _SPACE.sub(" ", text).strip().lower()


def shingles(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    """Word ``n``-grams of the normalised text (the whole text when it is shorter than ``n`` words)."""
    words = normalize(text).split(" ")
    if len(words) < n:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    """``|a ∩ b| / |a ∪ b|`` (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class Selection:
    """The outcome of :func:`select_samples`: kept rows, drop counts by reason, dropped rows."""

    kept: list[Row] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    dropped_rows: list[tuple[Row, str]] = field(default_factory=list)

    def drop(self, row: Row, reason: str) -> None:
        self.dropped[reason] += 1
        self.dropped_rows.append((row, reason))


def reward_filters(names: Sequence[str], thresholds: Sequence[float]) -> list[Callable[[Row], bool]]:
    """``Scorable`` + ``RewardThreshold`` for every reward with a finite threshold."""
    out: list[Callable[[Row], bool]] = []
    for name, threshold in zip(names, thresholds):
        if math.isfinite(threshold):
            out += [Scorable(name), RewardThreshold(name, threshold)]
    return out


def _preference(row: Row) -> tuple[int, int]:
    return row["num_tokens"], row["sample_index"]


def _pick_diverse(group: list[Row], n: int, sets: dict[int, frozenset]) -> list[Row]:
    # Farthest-first: start from the shortest, then add the sample least similar to those chosen.
    chosen = [group[0]]
    rest = group[1:]
    while len(chosen) < n and rest:
        best = max(
            rest,
            key=lambda r: (
                min(1 - jaccard(sets[id(r)], sets[id(c)]) for c in chosen),
                [-x for x in _preference(r)],
            ),
        )
        chosen.append(best)
        rest.remove(best)
    return chosen


def select_samples(
    rows: Iterable[Row],
    filters: Sequence[Callable[[Row], bool]] = (),
    dedupe: bool = True,
    near_duplicate_threshold: float | None = 0.9,
    max_per_prompt: int | None = None,
    selection: str = "shortest",
) -> Selection:
    """Apply the row filters, then per prompt: exact dedupe, near dedupe, the per-prompt cap.

    Among duplicates and under the cap, the preferred sample survives: the shortest (fewest
    tokens, then lowest sample index); with ``selection="diverse"`` the cap instead picks
    farthest-first by word-trigram Jaccard distance, starting from the shortest.
    ``len(kept) + sum(dropped.values())`` always equals the number of input rows; every reason
    that was checked appears in ``dropped``, with 0 when it dropped nothing.

    >>> rows = [dict(prompt_index=0, sample_index=i, completion=c, num_tokens=len(c), finished=True,
    ...              rewards={"acc": r}) for i, (c, r) in enumerate([("a b c", 1.0), ("a b c", 1.0), ("x", 0.0)])]
    >>> s = select_samples(rows, reward_filters(["acc"], [1.0]))
    >>> [r["sample_index"] for r in s.kept], dict(s.dropped)
    ([0], {'unscorable:acc': 0, 'reward:acc': 1, 'duplicate': 1, 'near_duplicate': 0, 'per_prompt_cap': 0})
    """
    if selection not in ("shortest", "diverse"):
        raise ValueError(f"selection must be 'shortest' or 'diverse', got {selection!r}")
    filtered = apply_filters(rows, filters)
    result = Selection(dropped=Counter(filtered.dropped))
    result.dropped_rows = [
        (row, reason) for reason, dropped in filtered.dropped_rows.items() for row in dropped
    ]
    passed = filtered.kept
    for reason in ("duplicate", "near_duplicate", "per_prompt_cap"):  # every reason is reported, 0 when off
        result.dropped[reason] += 0
    for _, group_iter in groupby(
        sorted(passed, key=lambda r: r["prompt_index"]), key=lambda r: r["prompt_index"]
    ):
        group = sorted(group_iter, key=_preference)
        if dedupe:
            seen: set[str] = set()
            unique = []
            for row in group:
                key = normalize(row["completion"])
                if key in seen:
                    result.drop(row, "duplicate")
                else:
                    seen.add(key)
                    unique.append(row)
            group = unique
        sets = {id(r): shingles(r["completion"]) for r in group}
        if near_duplicate_threshold is not None:
            distinct: list[Row] = []
            for row in group:
                if any(jaccard(sets[id(row)], sets[id(k)]) >= near_duplicate_threshold for k in distinct):
                    result.drop(row, "near_duplicate")
                else:
                    distinct.append(row)
            group = distinct
        if max_per_prompt is not None and len(group) > max_per_prompt:
            chosen = (
                group[:max_per_prompt]
                if selection == "shortest"
                else _pick_diverse(group, max_per_prompt, sets)
            )
            chosen_ids = {id(r) for r in chosen}
            for row in group:
                if id(row) not in chosen_ids:
                    result.drop(row, "per_prompt_cap")
            group = chosen
        result.kept.extend(sorted(group, key=lambda r: r["sample_index"]))
    return result
