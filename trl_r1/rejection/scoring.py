"""Score samples with GRPO-signature reward functions (trl_r1's or TRL's), plus an optional judge.

A reward is called exactly as TRL's ``GRPOTrainer`` calls it: keywords ``prompts``, ``completions``,
``completion_ids``, ``trainer_state``, ``log_extra``, ``log_metric`` and every dataset column but
``prompt``. ``None`` from a reward means "cannot check this one"; it is kept as ``None`` (never
turned into a wrong answer) and counted as unscorable by the selection step.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.rejection.config import InvalidInput

logger = logging.getLogger(__name__)

# Keywords TRL itself passes to rewards: never dataset columns.
TRL_REWARD_KWARGS = frozenset(
    {"prompts", "completions", "completion_ids", "trainer_state", "log_extra", "log_metric"}
)


def resolve_callable(spec: str | Callable, what: str = "reward function") -> Callable:
    """A callable from an object, a short trl_r1 reward name (``"accuracy"``), a reward-model spec
    (``"helpfulness=PATH"``) or a dotted path (``"trl.rewards.accuracy_reward"``), resolved by
    :func:`trl_r1.training.grpo.build_reward`, so stage 2 and stage 3 read the same reward names."""
    if callable(spec):
        return spec
    from trl_r1.rewards.registry import build_reward, parse_reward_spec

    try:
        fn = build_reward(*parse_reward_spec(str(spec)))
    except (ImportError, ValueError, AttributeError) as e:
        raise InvalidInput(f"cannot build {what} {spec!r}: {e}") from None
    if not callable(fn):
        raise InvalidInput(f"{what} {spec!r} is not callable")
    return fn


def reward_name(fn: Callable) -> str:
    """The name TRL logs a reward under (``__name__``, else the class name)."""
    return getattr(fn, "__name__", None) or type(fn).__name__


def required_columns(fn: Callable) -> list[str]:
    """Dataset columns a reward function cannot run without: its parameters that have no default
    and are not one of the keywords TRL supplies itself.

    >>> def accuracy(completions, solution, **kwargs): ...
    >>> required_columns(accuracy)
    ['solution']
    """
    try:
        params = inspect.signature(fn).parameters.values()  # callable instances: their __call__
    except (TypeError, ValueError):  # builtins without a signature: nothing can be checked
        return []
    return [
        p.name
        for p in params
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.name not in TRL_REWARD_KWARGS
    ]


def check_columns(reward_funcs: Sequence[Callable], columns: Sequence[str]) -> None:
    """Fail before sampling when the prompts lack a column a reward needs, naming both."""
    for fn in reward_funcs:
        missing = [c for c in required_columns(fn) if c not in columns]
        if missing:
            raise InvalidInput(
                f"reward {reward_name(fn)!r} needs column(s) {missing}, which the prompts dataset lacks "
                f"(columns: {sorted(columns)}); add them, or point --solution-column at the gold answers"
            )


def _call(fn: Callable, n: int, **kwargs: Any) -> list[float | None]:
    values = fn(**kwargs)
    if inspect.isawaitable(values):  # TRL accepts async rewards too
        values = asyncio.run(_await(values))
    values = list(values)
    if len(values) != n:
        raise RuntimeError(f"reward {reward_name(fn)!r} returned {len(values)} values for {n} completions")
    return [None if v is None else float(v) for v in values]


async def _await(awaitable: Any) -> Any:
    return await awaitable


class RewardScorer:
    """Score a batch of samples with every reward function; the judge fills in the correctness
    reward (the first function) where it returned ``None``.

    Args:
        reward_funcs: callables or dotted paths, GRPO signature.
        judge: optional callable or dotted path, same signature, asked only about unscorable samples.

    >>> def exact(completions, solution, **kw):
    ...     return [1.0 if c == s else 0.0 for c, s in zip(completions, solution)]
    >>> RewardScorer([exact]).score(["q", "q"], ["4", "5"], [None, None], {"solution": ["4", "4"]})
    [({'exact': 1.0}, False), ({'exact': 0.0}, False)]
    """

    def __init__(self, reward_funcs: Sequence[str | Callable], judge: str | Callable | None = None):
        self.reward_funcs = [resolve_callable(f) for f in reward_funcs]
        self.names = [reward_name(f) for f in self.reward_funcs]
        duplicates = {n for n in self.names if self.names.count(n) > 1}
        if duplicates:
            raise InvalidInput(
                f"two reward functions share the name(s) {sorted(duplicates)}; give each a __name__"
            )
        self.judge = resolve_callable(judge, "judge") if judge is not None else None
        self.metrics: dict[str, list[float]] = {}

    def required_columns(self) -> list[str]:
        """Columns the rewards (not the judge, which is only asked when a rule cannot decide) need."""
        return sorted({c for f in self.reward_funcs for c in required_columns(f)})

    def probe(self, row: dict[str, Any]) -> None:
        """Score an empty completion of ``row`` once, so a reward that rejects the dataset (a missing
        or malformed column its signature does not show) fails before sampling, not after."""
        empty = "" if isinstance(row["prompt"], str) else [{"role": "assistant", "content": ""}]
        columns = {c: [v] for c, v in row.items() if c != "prompt"}
        try:
            self.score([row["prompt"]], [empty], [[]], columns)
        except (ValueError, KeyError, TypeError) as e:
            raise InvalidInput(f"the rewards cannot score this dataset: {e}") from None

    def _log_metric(self, name: str, value: float) -> None:
        self.metrics.setdefault(name, []).append(float(value))

    def score(
        self,
        prompts: list[Any],
        completions: list[Any],
        completion_ids: list[Any],
        columns: dict[str, list[Any]],
    ) -> list[tuple[dict[str, float | None], bool]]:
        """``(rewards by name, judged)`` for each sample; ``columns`` are aligned with ``prompts``."""
        n = len(completions)
        common = dict(trainer_state=None, log_extra=lambda *a, **k: None, log_metric=self._log_metric)
        scores = {
            name: _call(
                fn,
                n,
                prompts=prompts,
                completions=completions,
                completion_ids=completion_ids,
                **common,
                **columns,
            )
            for name, fn in zip(self.names, self.reward_funcs)
        }
        judged = [False] * n
        correctness = scores[self.names[0]]
        todo = [i for i, v in enumerate(correctness) if v is None]
        if self.judge is not None and todo:
            sub = {k: [v[i] for i in todo] for k, v in columns.items()}
            verdicts = _call(
                self.judge,
                len(todo),
                prompts=[prompts[i] for i in todo],
                completions=[completions[i] for i in todo],
                completion_ids=[completion_ids[i] for i in todo],
                **common,
                **sub,
            )
            for i, verdict in zip(todo, verdicts):
                correctness[i], judged[i] = verdict, verdict is not None
        return [({name: scores[name][i] for name in self.names}, judged[i]) for i in range(n)]
