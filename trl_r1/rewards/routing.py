"""The few hooks R1 needs on top of TRL's ``GRPOTrainer``, as reward wrappers and callbacks.

No trainer subclass is needed: TRL's reward-function contract already lets a reward return
``None`` for a row (the row is skipped for that reward, ``nansum`` ignores it), and passes the live
``trainer_state`` to every reward. That is enough for R1's stage-4 needs:

* **reward routing** (:class:`RoutedReward`, :func:`route_rewards`): "for reasoning data we use
  rule-based rewards; for general data, reward models" (DeepSeek-R1, section 2.3.4). A row is
  *verifiable* when its ``solution`` column (configurable) holds a gold answer; rule rewards score
  only those rows, reward models only the others.
* **reward windows**: a preference reward applied only in the last steps of training, with
  :class:`trl_r1.rewards.RewardWindow` (:func:`windowed`).
* **reflection metrics**: the monitors of :mod:`trl_r1.rewards.monitor`, passed to the trainer as
  ordinary callbacks (:func:`~trl_r1.training.callbacks.make_callbacks`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

logger = logging.getLogger(__name__)

VERIFIABLE = "verifiable"
GENERAL = "general"


def has_verifiable_answer(value: Any) -> bool:
    """Whether a dataset cell holds a gold answer (``None``, ``""`` and whitespace do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return len(value) > 0
    return True


class RoutedReward:
    """Apply ``reward`` only to the rows it owns; return ``None`` (TRL: skip) for the others.

    ``owns="verifiable"`` scores rows whose ``column`` holds a gold answer (rule rewards),
    ``owns="general"`` scores the rows without one (reward models). The wrapped reward is called
    on the owned rows only, with every list argument sliced to match, so an expensive reward model
    never runs on math rows. It keeps the wrapped reward's ``__name__`` for logging.

    >>> def one(completions, **kw):
    ...     return [1.0] * len(completions)
    >>> rule = RoutedReward(one, owns="verifiable")
    >>> rule(prompts=["a", "b"], completions=["x", "y"], solution=["4", None])
    [1.0, None]
    """

    def __init__(self, reward: Callable[..., list], owns: str = VERIFIABLE, column: str = "solution"):
        if owns not in (VERIFIABLE, GENERAL):
            raise ValueError(f"owns must be {VERIFIABLE!r} or {GENERAL!r}, got {owns!r}")
        self.reward, self.owns, self.column = reward, owns, column
        self.__name__ = getattr(reward, "__name__", type(reward).__name__)

    def owned_rows(self, n: int, kwargs: dict[str, Any]) -> list[int]:
        column = kwargs.get(self.column)
        verifiable = [has_verifiable_answer(v) for v in column] if column is not None else [False] * n
        return [i for i, v in enumerate(verifiable) if v == (self.owns == VERIFIABLE)]

    def __call__(self, prompts: list, completions: list, **kwargs) -> list[float | None]:
        n = len(completions)
        rows = self.owned_rows(n, kwargs)
        out: list[float | None] = [None] * n
        if not rows:
            return out
        if len(rows) == n:
            return list(self.reward(prompts=prompts, completions=completions, **kwargs))
        sub = {
            k: ([v[i] for i in rows] if isinstance(v, list) and len(v) == n else v) for k, v in kwargs.items()
        }
        if callable(kwargs.get("log_extra")):  # completions-table columns must stay full length
            log_extra = kwargs["log_extra"]

            def expand(name: str, values: list) -> None:
                full: list = [None] * n
                for i, v in zip(rows, values):
                    full[i] = v
                log_extra(name, full)

            sub["log_extra"] = expand
        scores = self.reward(
            prompts=[prompts[i] for i in rows], completions=[completions[i] for i in rows], **sub
        )
        for i, s in zip(rows, scores):
            out[i] = s
        return out

    def __repr__(self) -> str:
        return f"RoutedReward({self.reward!r}, owns={self.owns!r}, column={self.column!r})"


def is_reward_model(reward: Any) -> bool:
    """Reward models (learned: ``nn.Module`` or our sequence-classification wrappers) vs rule rewards.

    Looks through wrappers that keep the wrapped reward in ``.reward`` (windows, routing).
    """
    import torch

    from trl_r1.rewards.reward_models import SequenceClassificationReward

    while hasattr(reward, "reward") and callable(reward.reward):
        reward = reward.reward
    return isinstance(reward, (SequenceClassificationReward, torch.nn.Module))


def route_rewards(rewards: Sequence[Any], column: str = "solution") -> list[Any]:
    """R1 stage-4 routing: rule rewards score verifiable rows, reward models score general rows.

    A batch may mix both kinds of prompts; each row is then scored by its own family and the
    weighted sum (``reward_weights``) only adds the rewards that apply to it.
    """
    return [
        RoutedReward(r, owns=GENERAL if is_reward_model(r) else VERIFIABLE, column=column) for r in rewards
    ]


def windowed(reward: Any, last_steps: int) -> Any:
    """``reward`` active only in the last ``last_steps`` optimizer steps (R1: the preference
    reward in the final steps of stage 4), via :class:`trl_r1.rewards.RewardWindow`."""
    from trl_r1.rewards import RewardWindow

    return RewardWindow(reward, last_n_steps=last_steps)
