"""Reward windows: a reward active only during part of training (R1's last-400-steps rewards)."""

import pickle
from types import SimpleNamespace

import pytest

from trl_r1.rewards import RewardWindow, r1_zero_format_reward

GOOD = ["<think>a</think><answer>1</answer>"] * 2


def state(step, max_steps=1700):
    return SimpleNamespace(global_step=step, max_steps=max_steps)


def test_last_n_steps_window_is_none_before_and_scores_inside():
    late = RewardWindow(r1_zero_format_reward, last_n_steps=400)
    assert late(GOOD, trainer_state=state(0)) == [None, None]
    assert late(GOOD, trainer_state=state(1299)) == [None, None]
    assert late(GOOD, trainer_state=state(1300)) == [1.0, 1.0]
    assert late(GOOD, trainer_state=state(1699)) == [1.0, 1.0]


def test_start_and_end_steps_bound_the_window_and_keep_the_reward_name():
    mid = RewardWindow(r1_zero_format_reward, start_step=10, end_step=20)
    assert [mid(GOOD[:1], trainer_state=state(s))[0] for s in (9, 10, 19, 20)] == [None, 1.0, 1.0, None]
    assert mid.__name__ == "r1_zero_format_reward"
    assert RewardWindow(r1_zero_format_reward, start_step=1, name="late_format").__name__ == "late_format"


def test_window_without_trainer_state_is_open_and_pickles():
    late = pickle.loads(pickle.dumps(RewardWindow(r1_zero_format_reward, last_n_steps=5)))
    assert late(GOOD) == [1.0, 1.0]


def test_bad_windows_are_rejected_before_training():
    with pytest.raises(ValueError, match="end_step"):
        RewardWindow(r1_zero_format_reward, start_step=5, end_step=5)
    with pytest.raises(ValueError, match="last_n_steps"):
        RewardWindow(r1_zero_format_reward, last_n_steps=-1)
    with pytest.raises(TypeError):
        RewardWindow("r1_zero_format_reward")
    with pytest.raises(ValueError, match="max_steps"):
        RewardWindow(r1_zero_format_reward, last_n_steps=3)(GOOD, trainer_state=state(1, max_steps=0))
