"""What every trl_r1 reward shares: the TRL calling contract, column checks, metric plumbing.

TRL calls a reward with keywords only (``prompts``, ``completions``, ``completion_ids``,
``trainer_state``, ``log_extra``, ``log_metric`` and every dataset column but ``prompt``), and
logs it under ``rewards/<__name__>/mean``. :class:`RewardFunction` gives each reward a
``__name__`` and stays a plain picklable object, so rewards also run in a spawned process
(TRL's async GRPO) and from ``trl grpo --reward_funcs trl_r1.rewards.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.text.completion import completion_text

Reward = float | None


class RewardFunction:
    """Base of the trl_r1 rewards: a picklable callable with a ``__name__`` TRL logs under.

    Subclasses implement ``__call__(self, completions, **kwargs) -> list[float | None]``.
    """

    __name__: str = "reward"

    def __init__(self, name: str | None = None):
        if name is not None:
            self.__name__ = name

    def __call__(self, completions: Sequence[Any], **kwargs: Any) -> list[Reward]:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.__name__!r})"

    def log_metrics(self, log_metric: Callable[[str, float], None] | None, **values: float) -> None:
        """Send ``<__name__>/<key>`` metrics through TRL's ``log_metric`` when TRL passes it."""
        if log_metric is None:
            return
        for key, value in values.items():
            log_metric(f"{self.__name__}/{key}", float(value))


COMPLETIONS_SHAPE = (
    "a list with one completion per row: strings (standard format) or lists of "
    "{'role': ..., 'content': ...} messages (conversational format)"
)


def texts_of(completions: Sequence[Any], reward_name: str = "reward") -> list[str]:
    """Completion texts, for TRL's standard (``str``) and conversational (messages) formats.

    Raises ``TypeError`` naming the argument and the expected shape for anything else (a bare
    string would otherwise be scored character by character).
    """
    if (
        completions is None
        or isinstance(completions, (str, bytes, dict))
        or not hasattr(completions, "__len__")
    ):
        raise TypeError(
            f"reward {reward_name!r}: completions must be {COMPLETIONS_SHAPE}; "
            f"got {type(completions).__name__}"
        )
    out = []
    for i, c in enumerate(completions):
        if not isinstance(c, (str, dict, list, tuple)):
            raise TypeError(
                f"reward {reward_name!r}: completions[{i}] must be a string or a list of messages "
                f"(completions must be {COMPLETIONS_SHAPE}); got {type(c).__name__}"
            )
        out.append(completion_text(c))
    return out


def require_column(
    values: Sequence[Any] | None, column: str, n: int, reward_name: str, how_to_add: str
) -> Sequence[Any]:
    """Check that the dataset column ``column`` reached the reward, with one value per completion.

    TRL passes every dataset column except ``prompt`` as a keyword: a missing column arrives as
    ``None``. Raising here, before any work, names the column and the fix.
    """
    if values is None:
        raise ValueError(
            f"reward {reward_name!r} needs the dataset column {column!r}, which the trainer did not pass. "
            f"{how_to_add}"
        )
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(
            f"reward {reward_name!r}: column {column!r} must be a list (one value per completion), "
            f"got {type(values).__name__}"
        )
    if len(values) != n:
        raise ValueError(
            f"reward {reward_name!r}: column {column!r} has {len(values)} values for {n} completions; "
            "pass one value per completion"
        )
    return values
