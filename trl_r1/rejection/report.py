"""``report.json``: what rejection sampling saw, generated, kept and dropped, and why."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from trl_r1._runtime import write_atomic


def pass_rate_histogram(
    records: Iterable[dict[str, Any]], is_correct: Callable[[dict[str, Any]], bool], num_prompts: int, k: int
) -> dict[str, int]:
    """How many prompts had 0, 1, ... k correct samples out of k (keys ``"c/k"``).

    Prompts solved k/k teach little, 0/k ones cannot be used at all: the shape of this histogram
    says whether the checkpoint and the prompt set suit rejection sampling.

    >>> recs = [{"prompt_index": 0, "ok": True}, {"prompt_index": 0, "ok": False}, {"prompt_index": 1, "ok": False}]
    >>> pass_rate_histogram(recs, lambda r: r["ok"], num_prompts=2, k=2)
    {'0/2': 1, '1/2': 1, '2/2': 0}
    """
    correct = Counter()
    for r in records:
        correct[r["prompt_index"]] += bool(is_correct(r))
    counts = Counter(correct.get(i, 0) for i in range(num_prompts))
    return {f"{c}/{k}": counts.get(c, 0) for c in range(k + 1)}


def reward_summary(records: list[dict[str, Any]], names: list[str]) -> dict[str, dict[str, Any]]:
    """Per reward: mean over scorable samples, and how many it could not score (``None``)."""
    out = {}
    for name in names:
        values = [r["rewards"].get(name) for r in records]
        scored = [v for v in values if v is not None and not math.isnan(v)]
        out[name] = {
            "mean": sum(scored) / len(scored) if scored else None,
            "unscorable": len(values) - len(scored),
        }
    return out


def write_json(path: str | os.PathLike, data: dict[str, Any]) -> None:
    """Write atomically (readers never see half a report)."""
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
