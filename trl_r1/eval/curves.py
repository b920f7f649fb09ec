"""Benchmark curves logged during training (``bench/<name>/pass@1``, ``cons@k``, ``seconds``, written by
:class:`trl_r1.training.BenchmarkEvalCallback`), read back for dashboards and summaries."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

from trl_r1.eval.plots import find_state_file


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def benchmark_curves(run_dir: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The benchmark curves of a run (stage) directory, from ``trainer_state.json``'s ``log_history``:
    ``{name: {"steps": [...], "pass@1": [...], "seconds_per_eval": float}}`` (``{}`` when none)."""
    state = find_state_file(run_dir)
    if state is None:
        return {}
    try:
        history = json.loads(state.read_text(encoding="utf-8")).get("log_history") or []
    except json.JSONDecodeError:
        return {}
    curves: dict[str, dict[str, Any]] = {}
    for entry in history:
        for key, value in entry.items():
            m = re.match(r"^bench/(.+)/pass@1$", key)
            if not m or not _is_number(value):
                continue
            curve = curves.setdefault(m.group(1), {"steps": [], "pass@1": [], "seconds": []})
            curve["steps"].append(entry.get("step"))
            curve["pass@1"].append(float(value))
            seconds = entry.get(f"bench/{m.group(1)}/seconds")
            if _is_number(seconds):
                curve["seconds"].append(float(seconds))
    for curve in curves.values():
        seconds = curve.pop("seconds")
        curve["seconds_per_eval"] = sum(seconds) / len(seconds) if seconds else None
    return curves


def curve_summary(curves: Mapping[str, Mapping[str, Any]]) -> str:
    """One table cell for :func:`benchmark_curves`: first -> last pass@1 per benchmark, with the cost of one evaluation.

    >>> curve_summary({"gsm8k": {"steps": [50, 100], "pass@1": [0.25, 0.5], "seconds_per_eval": 4.2}})
    'gsm8k 0.250 -> 0.500 (2 evals, 4.2s each)'
    """
    cells = []
    for name, curve in curves.items():
        values = curve.get("pass@1") or []
        if not values:
            continue
        cost = curve.get("seconds_per_eval")
        each = f", {cost:.1f}s each" if cost is not None else ""
        cells.append(f"{name} {values[0]:.3f} -> {values[-1]:.3f} ({len(values)} evals{each})")
    return "; ".join(cells)
