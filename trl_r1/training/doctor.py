r"""The run doctor: reads each logged step's metrics and names what is going wrong, with the fix.

The common GRPO complaints (reward stuck at 0 or flat, loss 0, format reward at 0, completions
truncated so the reward never moves) each leave a known signature in the metrics TRL already logs.
:class:`RunDoctor` is a ``TrainerCallback`` that checks them at every training log; when a
signature holds for ``patience`` consecutive logging steps it logs one warning naming the cause
and the fix (once per cause), and records it in ``<output_dir>/doctor.json``:

.. code-block:: json

    {"causes": [{"id": "truncation", "step": 30, "message": "...", "fix": "..."}], "checked_steps": 12}

``checked_steps`` counts the training log entries the doctor read. Causes (stable ids):

=================  ============================================================================
id                 signature
=================  ============================================================================
no_signal          ``frac_reward_zero_std`` > ``max_zero_std_frac`` (0.9): the G completions of a
                   group all get the same reward, so every advantage is 0
truncation         ``completions/clipped_ratio`` (or ``reasoning/truncation_rate``) > 0.2
format_zero        a format reward's mean is 0 while an accuracy reward's mean is not
rewards_none       more than half of the rows got ``None`` from every reward function (or every
                   ``rewards/*/mean`` is missing)
reward_hacking     the training reward rises while benchmark pass@1 (:class:`BenchmarkEvalCallback
                   <trl_r1.training.benchmark_eval.BenchmarkEvalCallback>`) falls over the last 3
                   evaluations, or a format reward rises while the accuracy reward falls
entropy_collapse   ``entropy`` below ``min_entropy`` (0.05 nats/token) and below a tenth of its
                   first logged value
divergence         ``kl`` above ``max_kl`` (1.0) or ``clip_ratio/region_mean`` above
                   ``max_clip_ratio`` (0.2)
nan                NaN or inf in ``loss``, ``grad_norm``, ``reward``, ``kl`` or ``entropy``
                   (one logging step is enough: a NaN is never noise)
slow_reward        the reward functions took more than ``max_reward_time_share`` (0.5) of the
                   step time
=================  ============================================================================

With ``strict=True`` the doctor stops training (``control.should_training_stop``) on ``nan`` and
``no_signal``: both waste every further step.

Usage::

    from trl_r1.training import RunDoctor

    trainer = GRPOTrainer(..., callbacks=[RunDoctor()])
    trainer.train()          # warnings in the log, <output_dir>/doctor.json

Passing the trainer (``RunDoctor(trainer=trainer)`` or ``doctor.bind(trainer)``) also times the
reward functions (``slow_reward``) and counts the rows no reward scored (``rewards_none``); without
it those two checks read only the logged metrics.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from trl_r1.training.doctor_report import (
    DOCTOR_FILE,
    FIXES,
    REWARD_MEAN_KEY,
    REWARD_TIME_SHARE,
    STRICT_CAUSES,
    UNSCORED_SHARE,
    Cause,
    CheckHistory,
    DoctorThresholds,
    finite_metric,
    logged_number,
)

logger = logging.getLogger(__name__)


_NAN_KEYS = ("loss", "grad_norm", "reward", "kl", "entropy")
_BENCH_PASS1 = re.compile(r"^bench/(.+)/pass@1$")


@dataclass
class _Streak:
    count: int = 0
    first_step: int = 0


class RunDoctor(TrainerCallback):
    """A ``TrainerCallback`` that names known GRPO failure signatures, once per cause, with the fix.

    Args:
        patience: consecutive logging steps a signature must hold before it is reported (``nan``:
            always 1).
        strict: stop training on ``nan`` and ``no_signal``.
        output_dir: where ``doctor.json`` goes (default: the trainer's ``output_dir``).
        format_pattern / accuracy_pattern: regular expressions picking the format and accuracy
            rewards among the logged ``rewards/<name>/mean`` keys.
        trainer: the trainer, to time its reward functions and count unscored rows (see
            :meth:`bind`).
        **thresholds: overrides of :class:`DoctorThresholds` (e.g. ``max_truncation=0.3``).

    Example:
        >>> doctor = RunDoctor(patience=2, output_dir=None)
        >>> for step in (10, 20):
        ...     _ = doctor.observe(step, {"loss": 0.0, "reward": 0.0, "frac_reward_zero_std": 1.0})
        >>> [c.id for c in doctor.causes]
        ['no_signal']
    """

    def __init__(
        self,
        patience: int = 3,
        strict: bool = False,
        output_dir: str | os.PathLike | None = None,
        format_pattern: str = r"format",
        accuracy_pattern: str = r"accuracy",
        trainer: Any = None,
        **thresholds: float,
    ):
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 1:
            raise ValueError(f"RunDoctor: patience must be an integer >= 1 (logging steps), got {patience!r}")
        unknown = set(thresholds) - set(DoctorThresholds.__dataclass_fields__)
        if unknown:
            raise ValueError(
                f"RunDoctor: unknown threshold {sorted(unknown)[0]!r}; known: "
                f"{', '.join(DoctorThresholds.__dataclass_fields__)}"
            )
        self.patience, self.strict = patience, strict
        self.limits = DoctorThresholds(**thresholds)
        if self.limits.trend_window < 2:
            raise ValueError(f"RunDoctor: trend_window must be >= 2, got {self.limits.trend_window}")
        self.output_dir = None if output_dir is None else Path(output_dir)
        self._format, self._accuracy = re.compile(format_pattern), re.compile(accuracy_pattern)
        self.causes: list[Cause] = []
        self.checked_steps = 0
        self._streaks: dict[str, _Streak] = {}
        self._history = CheckHistory()
        self._is_main = True
        self._stop = False
        # Filled by bind(): seconds in the reward functions / in training steps, rows scored / unscored.
        self._reward_seconds = self._step_seconds = 0.0
        self._rows = self._unscored = 0
        self._step_started: float | None = None
        self._bound = False
        if trainer is not None:
            self.bind(trainer)

    # -- wiring -------------------------------------------------------------------------------------

    def bind(self, trainer: Any) -> RunDoctor:
        """Time ``trainer``'s reward computation and count the rows every reward skipped.

        Wraps the trainer's ``_calculate_rewards`` on this instance only: it is the one place where
        all reward kinds (functions, async rewards, reward models) run, and what it returns shows the
        rows every reward left ``None`` (NaN). Without that method (another TRL version) the two
        checks fall back to the logged metrics.
        """
        if self._bound:
            return self
        inner = getattr(trainer, "_calculate_rewards", None)
        if inner is None:
            logger.warning(
                "RunDoctor: %s has no _calculate_rewards; slow_reward and rewards_none read the logged "
                "metrics only",
                type(trainer).__name__,
            )
            return self
        ignored = _weightless(trainer)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            out = inner(*args, **kwargs)
            self._reward_seconds += time.perf_counter() - start
            self._count_unscored(out, ignored)
            return out

        trainer._calculate_rewards = timed
        self._bound = True
        return self

    def _count_unscored(self, rewards_per_func: Any, ignored: list[int]) -> None:
        try:
            import torch

            scored = [i for i in range(rewards_per_func.shape[1]) if i not in ignored]
            if not scored:
                return
            none = torch.isnan(rewards_per_func[:, scored]).all(dim=1)
            self._rows += int(none.numel())
            self._unscored += int(none.sum().item())
        except (AttributeError, IndexError, TypeError):  # not a (rows, funcs) tensor: nothing to count
            return

    def on_train_begin(self, args, state, control, **kwargs):
        self._is_main = state.is_world_process_zero
        if self.output_dir is None and getattr(args, "output_dir", None):
            self.output_dir = Path(args.output_dir)

    def on_step_begin(self, args, state, control, **kwargs):
        self._step_started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if self._step_started is not None:
            self._step_seconds += time.perf_counter() - self._step_started
            self._step_started = None
        if self._stop:
            control.should_training_stop = True

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs:
            return
        metrics = dict(logs)
        if self._step_seconds > 0 and REWARD_TIME_SHARE not in metrics and _is_training_log(metrics):
            metrics[REWARD_TIME_SHARE] = min(1.0, self._reward_seconds / self._step_seconds)
            self._reward_seconds = self._step_seconds = 0.0
        if self._rows and UNSCORED_SHARE not in metrics and _is_training_log(metrics):
            metrics[UNSCORED_SHARE] = self._unscored / self._rows
            self._rows = self._unscored = 0
        self.observe(state.global_step, metrics)
        if self._stop:
            control.should_training_stop = True

    def on_train_end(self, args, state, control, **kwargs):
        self.write()
        if self._is_main:
            if self.causes:
                logger.warning(
                    "run doctor: %d problem(s) found: %s (see %s)",
                    len(self.causes),
                    ", ".join(c.id for c in self.causes),
                    self._path() or DOCTOR_FILE,
                )
            elif self.checked_steps:
                logger.info("run doctor: no problems found in %d logged steps", self.checked_steps)
            else:
                logger.info("run doctor: no training step was logged, nothing to check (lower logging_steps)")

    # -- the checks ---------------------------------------------------------------------------------

    def observe(self, step: int, metrics: Mapping[str, Any]) -> list[Cause]:
        """Read one logged entry; return the causes raised by it (already warned about and recorded).

        Training entries (those with ``loss`` or a reward) count as checked steps; benchmark entries
        (``bench/<name>/pass@1``) feed the reward-hacking check.
        """
        raised: list[Cause] = []
        bench = {m.group(1): v for k, v in metrics.items() if (m := _BENCH_PASS1.match(k))}
        for name, value in bench.items():
            value = finite_metric(value)
            if value is None:
                continue
            reward = self._history.total_reward[-1] if self._history.total_reward else None
            curve = self._history.bench.setdefault(name, [])
            curve.append((step, value, reward))
            hit = self._bench_hacking(name, curve)
            if hit:
                raised += self._raise("reward_hacking", step, hit, patience=1)
        if not _is_training_log(metrics):
            return raised
        self.checked_steps += 1
        self._record(metrics)
        for cause, check in self._checks():
            hit = check(metrics)
            patience = 1 if cause == "nan" else self.patience
            streak = self._streaks.setdefault(cause, _Streak())
            if hit is None:
                streak.count = 0
                continue
            if streak.count == 0:
                streak.first_step = step
            streak.count += 1
            if streak.count >= patience:
                raised += self._raise(cause, step, hit, patience, since=streak.first_step)
        return raised

    def _checks(self) -> list[tuple[str, Callable[[Mapping[str, Any]], str | None]]]:
        return [
            ("nan", self._nan),
            ("no_signal", self._no_signal),
            ("truncation", self._truncation),
            ("format_zero", self._format_zero),
            ("rewards_none", self._rewards_none),
            ("reward_hacking", self._format_hacking),
            ("entropy_collapse", self._entropy_collapse),
            ("divergence", self._divergence),
            ("slow_reward", self._slow_reward),
        ]

    def _record(self, metrics: Mapping[str, Any]) -> None:
        for name, value in self._reward_means(metrics).items():
            self._history.rewards.setdefault(name, []).append(value)
        total = finite_metric(metrics.get("reward"))
        if total is not None:
            self._history.total_reward.append(total)
        entropy = finite_metric(metrics.get("entropy"))
        if entropy is not None and self._history.first_entropy is None:
            self._history.first_entropy = entropy

    # -- reporting ----------------------------------------------------------------------------------

    def _raise(
        self, cause: str, step: int, message: str, patience: int, since: int | None = None
    ) -> list[Cause]:
        if any(c.id == cause for c in self.causes):
            return []
        if patience > 1 and since is not None:
            message = f"{message} (for {patience} logging steps since step {since})"
        found = Cause(cause, int(step), message, FIXES[cause])
        self.causes.append(found)
        stops = self.strict and cause in STRICT_CAUSES
        if self._is_main:
            logger.warning(
                "run doctor [%s] at step %d: %s. Fix: %s%s",
                cause,
                step,
                message,
                found.fix,
                " (strict: stopping training)" if stops else "",
            )
        if stops:
            self._stop = True
        self.write()
        return [found]

    def report(self) -> dict[str, Any]:
        """The content of ``doctor.json``: ``{"causes": [...], "checked_steps": int}``."""
        return {"causes": [c.to_dict() for c in self.causes], "checked_steps": self.checked_steps}

    def _path(self) -> Path | None:
        return None if self.output_dir is None else self.output_dir / DOCTOR_FILE

    def write(self) -> Path | None:
        """Write ``doctor.json`` (main process only); returns its path, or ``None`` when nothing was written."""
        path = self._path()
        if path is None or not self._is_main:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(self.report(), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    # --- the signature of each cause in one logged entry: what it saw, or None when absent ---

    @staticmethod
    def _reward_means(metrics: Mapping[str, Any]) -> dict[str, float]:
        return {
            m.group(1): v
            for k, raw in metrics.items()
            if (m := REWARD_MEAN_KEY.match(k)) and (v := finite_metric(raw)) is not None
        }

    def _nan(self, metrics: Mapping[str, Any]) -> str | None:
        bad = [
            k for k in _NAN_KEYS if (v := logged_number(metrics.get(k))) is not None and not math.isfinite(v)
        ]
        return f"{', '.join(bad)} is {metrics[bad[0]]}" if bad else None

    def _no_signal(self, metrics: Mapping[str, Any]) -> str | None:
        frac = finite_metric(metrics.get("frac_reward_zero_std"))
        if frac is None or frac <= self.limits.max_zero_std_frac:
            return None
        reward = finite_metric(metrics.get("reward"))
        level = f" (mean reward {reward:.3g})" if reward is not None else ""
        return (
            f"frac_reward_zero_std is {frac:.2f} > {self.limits.max_zero_std_frac}: in almost every group all "
            f"completions got the same reward{level}, so the advantages are 0 and nothing is learned (the task is "
            "too hard or too easy, or the reward is broken)"
        )

    def _truncation(self, metrics: Mapping[str, Any]) -> str | None:
        for key in ("completions/clipped_ratio", "reasoning/truncation_rate"):
            value = finite_metric(metrics.get(key))
            if value is not None:
                if value > self.limits.max_truncation:
                    return (
                        f"{key} is {value:.2f} > {self.limits.max_truncation}: that share of completions hit "
                        "max_completion_length without an EOS, and their rewards mostly score the cut"
                    )
                return None
        return None

    def _split_rewards(self, means: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        fmt = {n: v for n, v in means.items() if self._format.search(n)}
        acc = {n: v for n, v in means.items() if self._accuracy.search(n) and n not in fmt}
        return fmt, acc

    def _format_zero(self, metrics: Mapping[str, Any]) -> str | None:
        fmt, acc = self._split_rewards(self._reward_means(metrics))
        zero = [n for n, v in fmt.items() if abs(v) < 1e-9]
        right = {n: v for n, v in acc.items() if v > 0}
        if not zero or not right:
            return None
        name, value = next(iter(right.items()))
        return (
            f"{zero[0]} is 0 while {name} is {value:.3g}: answers are right but the format never is, which "
            "means the tags do not reach the reward (special tokens vanish on decoding) or the prompt prefills "
            "<think>"
        )

    def _rewards_none(self, metrics: Mapping[str, Any]) -> str | None:
        share = finite_metric(metrics.get(UNSCORED_SHARE))
        keys = [k for k in metrics if REWARD_MEAN_KEY.match(k)]
        if share is None and keys and not self._reward_means(metrics):
            share = 1.0  # every reward's mean is missing (None/NaN): no row was scored
        if share is None or share <= self.limits.max_unscored_share:
            return None
        return (
            f"{share:.0%} of the rows got None from every reward function (more than "
            f"{self.limits.max_unscored_share:.0%}): they get advantage 0 and teach nothing"
        )

    def _trend(self, values: list[float]) -> float | None:
        w = self.limits.trend_window
        return values[-1] - values[-w] if len(values) >= w else None

    def _format_hacking(self, metrics: Mapping[str, Any]) -> str | None:
        fmt, acc = self._split_rewards(self._reward_means(metrics))
        for f in fmt:
            up = self._trend(self._history.rewards.get(f, []))
            for a in acc:
                down = self._trend(self._history.rewards.get(a, []))
                if (
                    up is not None
                    and down is not None
                    and up >= self.limits.min_trend
                    and down <= -self.limits.min_trend
                ):
                    return (
                        f"{f} rose by {up:+.3g} while {a} fell by {down:+.3g} over the last "
                        f"{self.limits.trend_window} logging steps: the format is learned at the expense of "
                        "correctness"
                    )
        return None

    def _bench_hacking(self, name: str, curve: list[tuple[int, float, float | None]]) -> str | None:
        w = self.limits.trend_window
        if len(curve) < w:
            return None
        last = curve[-w:]
        passes = [p for _, p, _ in last]
        rewards = [r for _, _, r in last]
        falling = (
            all(b < a for a, b in zip(passes, passes[1:])) and passes[0] - passes[-1] >= self.limits.min_trend
        )
        if not falling or rewards[0] is None or rewards[-1] is None:
            return None
        rise = rewards[-1] - rewards[0]
        if rise < self.limits.min_trend:
            return None
        return (
            f"bench/{name}/pass@1 fell {passes[0]:.3f} -> {passes[-1]:.3f} over the last {w} evaluations (steps "
            f"{last[0][0]}-{last[-1][0]}) while the training reward rose {rewards[0]:.3f} -> {rewards[-1]:.3f}"
        )

    def _entropy_collapse(self, metrics: Mapping[str, Any]) -> str | None:
        entropy, first = finite_metric(metrics.get("entropy")), self._history.first_entropy
        if entropy is None or first is None:
            return None
        if entropy < self.limits.min_entropy and entropy < self.limits.entropy_drop * first:
            return (
                f"entropy is {entropy:.3g} nats/token (it started at {first:.3g}): the policy samples almost "
                "deterministically and stops exploring"
            )
        return None

    def _divergence(self, metrics: Mapping[str, Any]) -> str | None:
        kl, clip = finite_metric(metrics.get("kl")), finite_metric(metrics.get("clip_ratio/region_mean"))
        if kl is not None and kl > self.limits.max_kl:
            return f"kl is {kl:.3g} > {self.limits.max_kl}: the policy drifts away from the reference model"
        if clip is not None and clip > self.limits.max_clip_ratio:
            return (
                f"clip_ratio/region_mean is {clip:.3g} > {self.limits.max_clip_ratio}: most tokens fall outside "
                "the trust region, the update is too large"
            )
        return None

    def _slow_reward(self, metrics: Mapping[str, Any]) -> str | None:
        share = finite_metric(metrics.get(REWARD_TIME_SHARE))
        if share is None or share <= self.limits.max_reward_time_share:
            return None
        return (
            f"the reward functions took {share:.0%} of the step time (more than "
            f"{self.limits.max_reward_time_share:.0%})"
        )


def _is_training_log(metrics: Mapping[str, Any]) -> bool:
    """A Trainer training log entry (not the benchmark's, not eval's, not the final train summary)."""
    if "train_runtime" in metrics or any(k.startswith("eval_") for k in metrics):
        return False
    return "loss" in metrics or "reward" in metrics or any(REWARD_MEAN_KEY.match(k) for k in metrics)


def _weightless(trainer: Any) -> list[int]:
    """Indices of reward functions with weight 0 (monitors such as ReflectionMonitor score nothing by design)."""
    weights = getattr(getattr(trainer, "args", None), "reward_weights", None)
    if not weights:
        return []
    return [i for i, w in enumerate(weights) if w == 0]


@dataclass
class DoctorArguments:
    """Script arguments of the run doctor (:class:`RunDoctor`), on by default in the GRPO stages."""

    run_doctor: bool = field(
        default=True,
        metadata={
            "help": "Watch the logged metrics for known GRPO failure signatures (no learning "
            "signal, truncation, format reward at 0, reward hacking, NaN...) and warn "
            "with the fix; writes doctor.json in output_dir."
        },
    )
    doctor_strict: bool = field(
        default=False, metadata={"help": "Stop training when the doctor finds NaN/inf or no learning signal."}
    )
    doctor_patience: int = field(
        default=3,
        metadata={"help": "Consecutive logging steps a signature must hold before the doctor reports it."},
    )

    def __post_init__(self):
        if (
            not isinstance(self.doctor_patience, int)
            or isinstance(self.doctor_patience, bool)
            or self.doctor_patience < 1
        ):
            raise ValueError(
                f"doctor_patience must be an integer >= 1 (logging steps), got {self.doctor_patience!r}"
            )

    def make_doctor(self, trainer: Any = None) -> RunDoctor | None:
        """The doctor these arguments ask for (``None`` when ``run_doctor`` is off)."""
        if not self.run_doctor:
            return None
        return RunDoctor(patience=self.doctor_patience, strict=self.doctor_strict, trainer=trainer)
