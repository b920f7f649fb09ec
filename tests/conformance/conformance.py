"""Run the reward test cases of TRL, open-r1 and Math-Verify (kept as data) against trl_r1's rewards.

Each case keeps its source file, test name, input and the verdict its project expects; this module
only computes trl_r1's verdict and compares. ``deviations.json`` names every case where trl_r1 is
meant to differ and why (the reasons are explained in ``docs/conformance.md``). Used by
``test_conformance.py`` and by ``benchmarks/rewards.py`` (the conformance table).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
DEVIATIONS = Path(__file__).with_name("deviations.json")
REASONING = "<think>\nLet me check this.\n</think>\n"


def load(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def case_id(row: dict[str, Any]) -> str:
    return f"{row['source'].split('@')[0]}::{row['test']}"


def deviations() -> dict[str, str]:
    return json.loads(DEVIATIONS.read_text(encoding="utf-8"))["cases"]


def run_math_verify(rows: list[dict[str, Any]]) -> list[Any]:
    """trl_r1's accuracy verdict (1, 0 or None) per Math-Verify case: the prediction is the R1 summary
    after a reasoning block, the gold is the dataset's ``solution`` column as written."""
    from trl_r1.rewards import accuracy_reward

    out = accuracy_reward([REASONING + r["pred"] for r in rows], [r["gold"] for r in rows])
    return [None if v is None else int(v) for v in out]


def run_peer(rows: list[dict[str, Any]]) -> list[Any]:
    """trl_r1's verdict per TRL / open-r1 case, called the way their tests call their rewards."""
    from trl_r1.rewards import (
        accuracy_reward,
        r1_zero_format_reward,
        tag_count_reward,
        think_summary_format_reward,
    )

    formats = {
        "think_format": think_summary_format_reward,
        "format": r1_zero_format_reward,
        "tag_count": tag_count_reward,
    }
    out: list[Any] = []
    for r in rows:
        completions = [[{"content": r["completion"]}]]  # their tests' conversational shape, no role key
        kwargs = {k: v for k, v in r["kwargs"].items() if k != "thread"}
        if r["reward"] in formats:
            out.append(formats[r["reward"]](completions, **kwargs)[0])
        elif r["kwargs"].get("thread"):
            result: list = []
            t = threading.Thread(
                target=lambda c=completions, g=r["gold"], k=kwargs, out=result: out.extend(
                    accuracy_reward(c, [g], **k)
                )
            )
            t.start()
            t.join()
            out.append(result[0])
        else:
            out.append(accuracy_reward(completions, [r["gold"]], **kwargs)[0])  # positional, as TRL calls it
    return out


def agrees(ours: Any, expected: Any) -> bool:
    if expected is None or ours is None:
        return ours is expected
    return float(ours) == float(expected)


def report() -> list[dict[str, Any]]:
    """One row per suite: cases, agreements, documented deviations, undocumented disagreements."""
    documented = deviations()
    mv = load("math_verify.jsonl")
    peer = load("trl_open_r1.jsonl")
    suites: dict[str, list[tuple[dict, Any]]] = {}
    for row, ours in zip(mv, run_math_verify(mv)):
        suites.setdefault("Math-Verify tests/", []).append((row, ours))
    for row, ours in zip(peer, run_peer(peer)):
        suites.setdefault(row["source"].split("/")[0] + " tests/test_rewards.py", []).append((row, ours))
    out = []
    for suite, results in suites.items():
        disagree = [case_id(r) for r, ours in results if not agrees(ours, r["expected"])]
        out.append(
            {
                "suite": suite,
                "cases": len(results),
                "agree": len(results) - len(disagree),
                "documented": sum(d in documented for d in disagree),
                "undocumented": [d for d in disagree if d not in documented],
                "stale": [
                    case_id(r)
                    for r, ours in results
                    if agrees(ours, r["expected"]) and case_id(r) in documented
                ],
                "verdicts": {case_id(r): ours for r, ours in results},
            }
        )
    return out
