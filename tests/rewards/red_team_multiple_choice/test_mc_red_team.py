"""Red team for ``multiple_choice_reward``: every case in ``mc_red_team_cases.CASES`` asserted with its id.

Cases were written from the public contract (issue 24, the module docstring, README), not from the code.
"""

from __future__ import annotations

import pickle
from collections import Counter

import pytest
from mc_red_team_cases import CASES

from trl_r1.rewards import multiple_choice_reward
from trl_r1.rewards.multiple_choice import MultipleChoiceReward

FALLBACK_REWARD = MultipleChoiceReward(fallback_to_full_text=True)


def score(rows: list[dict], reward=None) -> list:
    """Score rows that share one reward setting and one column layout in a single batch."""
    reward = reward or (FALLBACK_REWARD if rows[0].get("fallback") else multiple_choice_reward)
    kwargs = {rows[0].get("gold_column", "solution"): [r["gold"] for r in rows]}
    if rows[0]["choices"] is not None:
        kwargs[rows[0].get("choices_column", "choices")] = [r["choices"] for r in rows]
    return reward([r["completion"] for r in rows], **kwargs)


def test_table_is_large_and_ids_unique():
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert all(c["expected"] in (0.0, 1.0, None) for c in CASES)
    # every family the brief names has cases
    families = Counter(c["family"] for c in CASES)
    assert min(families.values()) >= 4, families


@pytest.mark.parametrize("row", [pytest.param(c, id=c["id"]) for c in CASES])
def test_verdict(row):
    got = score([row])
    assert got == [row["expected"]], f"{row['family']}: {row['why']}; completion={row['completion']!r}"


def _layout(row: dict) -> tuple:
    return (
        bool(row.get("fallback")),
        row.get("gold_column", "solution"),
        row.get("choices_column", "choices"),
        row["choices"] is None,
    )


def test_batch_equals_rows_one_by_one():
    """A batch of many rows scores each row as it scores alone (no state leaks between rows)."""
    groups: dict[tuple, list[dict]] = {}
    for row in CASES:
        groups.setdefault(_layout(row), []).append(row)
    for rows in groups.values():
        assert score(rows) == [score([r])[0] for r in rows]


def test_pickled_reward_gives_same_verdicts():
    """TRL may ship the reward to other processes: a pickled copy must judge alike."""
    rows = [r for r in CASES if _layout(r) == (False, "solution", "choices", False)]
    clone = pickle.loads(pickle.dumps(multiple_choice_reward))
    assert score(rows, clone) == score(rows)


def test_not_a_list_of_completions_is_a_type_error():
    with pytest.raises(TypeError):
        multiple_choice_reward("<think>x</think>Answer: C", solution=["C"])
