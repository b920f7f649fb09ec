"""Issue 21's red team: (gold, completion, expected verdict) cases written from outside the implementation.

The cases live in ``red_team_cases.jsonl`` (source: ``build_red_team_cases.py``; families and reasons in
FINDINGS.md at the repository root). Each case runs through the public API exactly as TRL calls it
(``reward(completions=[...], solution=[...])``) and asserts its verdict:

- ``expect``: the one right verdict (1.0, 0.0, or ``None`` only where the gold itself is unreadable);
- ``accept``: for resource-exhaustion cases, the verdicts that are all right (a wrong answer may time out
  to ``None``; it may never be paid 1.0);
- ``range``: for language consistency and tag counts, the interval the share must fall in (``allow_none``:
  ``None`` is also right, for a target language the reward may not support);
- ``batch``: several rows in one call (``completions``, ``golds``, ``expects``, optional ``accepts``), to
  check that each verdict comes back in its own row when fast, slow and timed-out items share a call.

Every case carries pytest-timeout's hang guard: a hang is a failure (untrusted LaTeX must be parsed under a
hard limit); no case asserts how fast a verdict comes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from trl_r1.rewards import (
    AccuracyReward,
    LanguageConsistencyReward,
    accuracy_reward,
    r1_zero_format_reward,
    tag_count_reward,
    think_summary_format_reward,
)

CASES_FILE = Path(__file__).with_name("red_team_cases.jsonl")
THINK = "<think>\nLet me work through the problem step by step and check the result.\n</think>\n\n"
HANG_GUARD_S = 300  # far above any verdict's hard limit: only a hang reaches it


def _load() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


CASES = _load()


def _joined(parts: list[list[Any]]) -> str:
    return "".join(text * int(repeat) for text, repeat in parts)


def completion_of(case: dict[str, Any]) -> Any:
    if "boxed" in case:
        return THINK + "The final answer is $\\boxed{" + case["boxed"] + "}$."
    if "summary" in case:
        return THINK + case["summary"]
    if "parts" in case:
        return _joined(case["parts"])
    return case["completion"]


def gold_of(case: dict[str, Any]) -> Any:
    if "gold_parts" in case:
        return _joined(case["gold_parts"])
    return case["gold"]


@cache
def _accuracy_instance(ctor_json: str) -> AccuracyReward:
    return AccuracyReward(**json.loads(ctor_json))


def verdict(case: dict[str, Any]) -> Any:
    if case.get("batch"):
        out = accuracy_reward(completions=case["completions"], solution=case["golds"])
        assert isinstance(out, list) and len(out) == len(case["completions"]), (
            f"one verdict per row, got {out!r}"
        )
        return out
    completion = completion_of(case)
    reward = case["reward"]
    if reward == "accuracy":
        fn = (
            _accuracy_instance(json.dumps(case["ctor"], sort_keys=True))
            if case.get("ctor")
            else accuracy_reward
        )
        out = fn(completions=[completion], solution=[gold_of(case)], **case.get("call", {}))
    elif reward == "language_consistency":
        fn = LanguageConsistencyReward(default_language=case["language"])
        out = fn(completions=[completion], language=[case["language"]])
    else:
        fn = {
            "r1_zero_format": r1_zero_format_reward,
            "think_summary_format": think_summary_format_reward,
            "tag_count": tag_count_reward,
        }[reward]
        kwargs = {"prompts": case["prompts"]} if "prompts" in case else {}
        out = fn(completions=[completion], **kwargs)
    assert isinstance(out, list) and len(out) == 1, f"{reward} returned {out!r} for one completion"
    return out[0]


def _describe(case: dict[str, Any]) -> str:
    if case.get("batch"):
        return f"[batch] golds={case['golds']!r} why: {case.get('why', '')}"
    shown = completion_of(case)
    shown = shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)
    shown = shown if len(shown) <= 300 else shown[:150] + f" ...[{len(shown)} chars]... " + shown[-120:]
    gold = gold_of(case) if ("gold" in case or "gold_parts" in case) else None
    gold = gold if not isinstance(gold, str) or len(gold) <= 200 else gold[:100] + f"...[{len(gold)} chars]"
    return f"[{case['family']}] gold={gold!r} completion={shown!r} why: {case.get('why', '')}"


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["id"], marks=pytest.mark.timeout(HANG_GUARD_S)) for c in CASES],
)
def test_red_team_case(case: dict[str, Any]) -> None:
    got = verdict(case)
    if case.get("batch"):
        accepts = case.get("accepts") or [[e] for e in case["expects"]]
        bad = [(i, g, a) for i, (g, a) in enumerate(zip(got, accepts)) if g not in a]
        assert not bad, f"rows (index, got, expected one of): {bad}; why: {case.get('why', '')}"
        return
    if "range" in case:
        lo, hi = case["range"]
        if got is None and case.get("allow_none"):
            return  # a target language the reward does not support: skipped, never paid
        assert got is not None and lo <= got <= hi, (
            f"got {got!r}, expected in [{lo}, {hi}]: {_describe(case)}"
        )
    elif "accept" in case:
        assert got in case["accept"], f"got {got!r}, expected one of {case['accept']}: {_describe(case)}"
    else:
        assert got == case["expect"], f"got {got!r}, expected {case['expect']!r}: {_describe(case)}"


def test_cases_are_well_formed() -> None:
    """Ids are unique and each case states exactly one kind of expectation."""
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 150
    for c in CASES:
        assert ("range" in c) or ("expect" in c) or c.get("batch"), c["id"]
        if "accept" in c:
            assert c["expect"] in c["accept"], c["id"]
