"""Reward windows: a reward that counts only during part of training.

DeepSeek-R1's second RL stage added the preference rewards only in its final steps (the R1 paper,
Nature version: the last 400 of 1,700 steps). :class:`RewardWindow` wraps any TRL reward
and reads the ``trainer_state`` TRL passes to every reward; outside the window it returns
``None`` for every completion, which TRL skips (the row's other rewards still count).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction

logger = logging.getLogger(__name__)


class RewardWindow(RewardFunction):
    """Make ``reward`` active only for ``start_step <= global_step < end_step`` (or the last N steps).

    ``global_step`` is the number of optimizer steps already taken when the completions were
    scored (``trainer_state.global_step``); ``last_n_steps=N`` means
    ``global_step >= trainer_state.max_steps - N``. Bounds combine (all must hold). Called outside
    a trainer (no ``trainer_state``) the window is open, so the wrapped reward can be tested alone.

    Args:
        reward: any TRL reward callable.
        last_n_steps: active only in the final ``N`` steps of training.
        start_step: first active step (inclusive).
        end_step: first inactive step (exclusive).
        name: the name TRL logs under; defaults to the wrapped reward's name.

    Example:
        >>> from types import SimpleNamespace
        >>> from trl_r1.rewards import RewardWindow, r1_zero_format_reward
        >>> late = RewardWindow(r1_zero_format_reward, last_n_steps=400)
        >>> c = ["<think>2+2=4</think><answer>4</answer>"]
        >>> late(c, trainer_state=SimpleNamespace(global_step=100, max_steps=1700))
        [None]
        >>> late(c, trainer_state=SimpleNamespace(global_step=1300, max_steps=1700))
        [1.0]
    """

    def __init__(
        self,
        reward: Callable[..., Sequence[Reward]],
        last_n_steps: int | None = None,
        start_step: int | None = None,
        end_step: int | None = None,
        name: str | None = None,
    ):
        if not callable(reward):
            raise TypeError(f"RewardWindow wraps a reward callable, got {type(reward).__name__}")
        for arg, value in (
            ("last_n_steps", last_n_steps),
            ("start_step", start_step),
            ("end_step", end_step),
        ):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"RewardWindow: {arg} must be a non-negative int or None, got {value!r}")
        if start_step is not None and end_step is not None and end_step <= start_step:
            raise ValueError(
                f"RewardWindow: end_step ({end_step}) must be greater than start_step ({start_step}); "
                "the window would never open"
            )
        if last_n_steps == 0:
            raise ValueError("RewardWindow: last_n_steps=0 never opens; use None to disable the bound")
        super().__init__(name or getattr(reward, "__name__", type(reward).__name__))
        self.reward = reward
        self.last_n_steps = last_n_steps
        self.start_step = start_step
        self.end_step = end_step

    def is_active(self, trainer_state: Any | None) -> bool:
        """Whether the window is open at ``trainer_state`` (always open without one)."""
        if trainer_state is None:
            return True
        step = trainer_state.global_step
        if self.start_step is not None and step < self.start_step:
            return False
        if self.end_step is not None and step >= self.end_step:
            return False
        if self.last_n_steps is not None:
            max_steps = getattr(trainer_state, "max_steps", 0) or 0
            if max_steps <= 0:
                raise ValueError(
                    "RewardWindow(last_n_steps=...) needs trainer_state.max_steps, which is not set; "
                    "set max_steps in the training config or use start_step/end_step"
                )
            if step < max_steps - self.last_n_steps:
                return False
        return True

    def __call__(
        self, completions: Sequence[Any], trainer_state: Any | None = None, **kwargs: Any
    ) -> list[Reward]:
        if not self.is_active(trainer_state):
            return [None] * len(completions)
        return list(self.reward(completions=completions, trainer_state=trainer_state, **kwargs))

    def __repr__(self) -> str:
        bounds = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("last_n_steps", self.last_n_steps),
                ("start_step", self.start_step),
                ("end_step", self.end_step),
            )
            if v is not None
        )
        return f"RewardWindow({self.reward!r}, {bounds})"
