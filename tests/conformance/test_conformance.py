"""Conformance: the reward test cases of TRL, open-r1 and Math-Verify, run against trl_r1.

Every disagreement must be a documented deviation (``deviations.json``, explained in
``docs/conformance.md``) and every documented deviation must still be one; on Math-Verify's own
cases the accuracy reward agrees on at least 95% with default settings.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import conformance as C  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"


@pytest.fixture(scope="module")
def report():
    return {s["suite"]: s for s in C.report()}


def test_every_case_keeps_its_source_test_name_input_and_expected_verdict():
    for row in C.load("math_verify.jsonl") + C.load("trl_open_r1.jsonl"):
        assert row["source"] and row["test"] and "expected" in row
        assert ("pred" in row and "gold" in row) or "completion" in row
    assert len(C.load("math_verify.jsonl")) >= 250


def test_every_disagreement_is_a_documented_deviation_and_none_is_stale(report):
    for suite in report.values():
        assert suite["undocumented"] == [], suite["suite"]
        assert suite["stale"] == [], suite["suite"]


def test_accuracy_agrees_with_math_verify_on_at_least_95_percent_of_its_cases(report):
    mv = report["Math-Verify tests/"]
    assert mv["agree"] / mv["cases"] >= 0.95, (mv["agree"], mv["cases"])


def test_docs_explain_every_deviation_and_its_reason():
    text = DOCS.read_text(encoding="utf-8")
    documented = C.deviations()
    for case, reason in documented.items():
        assert case in text and f"`{reason}`" in text, case


def test_r1_rule_deviations_agree_under_the_documented_settings():
    """The R1 answer rule and the prefilled-<think> inference are settings: with them, TRL and open-r1 agree."""
    from trl_r1.rewards import AccuracyReward, tag_count_reward, think_summary_format_reward

    rows = {C.case_id(r): r for r in C.load("trl_open_r1.jsonl")}
    full_text = AccuracyReward(fallback_to_full_text=True, start_pool=False)
    for case, reason in C.deviations().items():
        if case not in rows:
            continue
        r = rows[case]
        completions = [[{"content": r["completion"]}]]
        if reason == "r1-answer-after-reasoning":
            assert full_text(completions, [r["gold"]]) == [r["expected"]], case
        elif reason == "prefilled-think":
            reward = tag_count_reward if r["reward"] == "tag_count" else think_summary_format_reward
            assert reward(completions, prompts=["A question, no prefilled tag."]) == [r["expected"]], case
