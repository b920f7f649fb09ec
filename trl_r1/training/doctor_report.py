"""What the run doctor looks for and what it reports: the cause ids with their fixes, the thresholds, each
cause's signature in one logged entry (:class:`SignatureChecks`, the checks
:class:`~trl_r1.training.doctor.RunDoctor` runs), and a run's ``doctor.json`` read back for tables and plots.

The causes and their signatures are listed in :mod:`trl_r1.training.doctor`, which re-exports these names.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DOCTOR_FILE = "doctor.json"
CAUSES = ("no_signal", "truncation", "format_zero", "rewards_none", "reward_hacking", "entropy_collapse",
          "divergence", "nan", "slow_reward")
"""The stable ids of the causes the doctor can raise."""
STRICT_CAUSES = ("nan", "no_signal")
"""The causes that stop training when ``strict=True``."""

# Metrics the doctor derives itself (from the trainer it is bound to) and reads like logged ones.
REWARD_TIME_SHARE = "doctor/reward_time_share"
UNSCORED_SHARE = "doctor/unscored_rows"

REWARD_MEAN_KEY = re.compile(r"^rewards/(.+)/mean$")
_NAN_KEYS = ("loss", "grad_norm", "reward", "kl", "entropy")

FIXES = {
    "no_signal": "make the task match the model: filter out prompts every completion gets right (too easy) or wrong "
                 "(too hard), raise num_generations or temperature for more diverse groups, and check the reward on "
                 "a few completions by hand (a reward that returns a constant is broken)",
    "truncation": "raise max_completion_length; if completions never stop, check that the EOS token the model emits "
                  "is in generation_config.eos_token_id (SFT with the chat template's eos_token first)",
    "format_zero": "make the R1 tags ordinary tokens (tokenizer.add_tokens([AddedToken('<think>', special=False)])): "
                   "special tokens vanish when TRL decodes with skip_special_tokens=True; and if the chat template "
                   "prefills <think>, use a format reward that accepts a prefilled <think>",
    "rewards_none": "every reward skipped these rows: check the dataset column the rewards read (e.g. 'solution' for "
                    "accuracy), that the gold answers parse, and the sandbox / verifier logs for failures",
    "reward_hacking": "the policy games the reward: inspect completions with high reward (log_completions=True), "
                      "tighten the reward (or lower the format reward's weight), stop at the best benchmark checkpoint",
    "entropy_collapse": "the policy became deterministic and stops exploring: raise temperature, lower the learning "
                        "rate, use clip-higher (epsilon_high=0.28) or an entropy bonus",
    "divergence": "the policy moves too far per step: lower the learning rate, raise beta (KL) or lower epsilon, "
                  "and check for a reward scale change",
    "nan": "lower the learning rate, set max_grad_norm (e.g. 1.0), train in bf16 rather than fp16, and check the "
           "rewards for NaN or inf",
    "slow_reward": "the reward is the bottleneck: use a faster verifier (a process pool, a cache), an async reward "
                   "(async def __call__), or fewer/cheaper reward functions",
}
"""The fix printed and recorded for each cause."""


@dataclass
class Cause:
    """One diagnosis: a stable ``id``, the logging ``step`` where it was raised, what was seen and the fix."""

    id: str
    step: int
    message: str
    fix: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "step": self.step, "message": self.message, "fix": self.fix}


@dataclass
class DoctorThresholds:
    """The limits of each check (defaults in :mod:`trl_r1.training.doctor`)."""

    max_zero_std_frac: float = 0.9
    max_truncation: float = 0.2
    max_unscored_share: float = 0.5
    min_entropy: float = 0.05
    entropy_drop: float = 0.1
    max_kl: float = 1.0
    max_clip_ratio: float = 0.2
    max_reward_time_share: float = 0.5
    min_trend: float = 0.05
    trend_window: int = 3


def _num(value: Any) -> float | None:
    """A finite-or-not float from a logged value (``None`` for missing, ``None`` and non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def finite_metric(value: Any) -> float | None:
    """A logged value as a finite float (``None`` for missing, non-numbers, NaN and inf)."""
    v = _num(value)
    return v if v is not None and math.isfinite(v) else None


@dataclass
class CheckHistory:
    """What the trend checks need: per-log reward means, and the benchmark curve with the reward at each point."""

    rewards: dict[str, list[float]] = field(default_factory=dict)
    total_reward: list[float] = field(default_factory=list)
    bench: dict[str, list[tuple[int, float, float | None]]] = field(default_factory=dict)  # (step, pass@1, reward)
    first_entropy: float | None = None


class SignatureChecks:
    """The signature of each cause in one logged entry: each check returns what it saw, ``None`` when the
    signature is absent. A mixin of :class:`~trl_r1.training.doctor.RunDoctor`, which holds the state read here."""

    limits: DoctorThresholds
    _format: re.Pattern[str]
    _accuracy: re.Pattern[str]
    _history: CheckHistory

    @staticmethod
    def _reward_means(metrics: Mapping[str, Any]) -> dict[str, float]:
        return {m.group(1): v for k, raw in metrics.items()
                if (m := REWARD_MEAN_KEY.match(k)) and (v := finite_metric(raw)) is not None}

    def _nan(self, metrics: Mapping[str, Any]) -> str | None:
        bad = [k for k in _NAN_KEYS if (v := _num(metrics.get(k))) is not None and not math.isfinite(v)]
        return f"{', '.join(bad)} is {metrics[bad[0]]}" if bad else None

    def _no_signal(self, metrics: Mapping[str, Any]) -> str | None:
        frac = finite_metric(metrics.get("frac_reward_zero_std"))
        if frac is None or frac <= self.limits.max_zero_std_frac:
            return None
        reward = finite_metric(metrics.get("reward"))
        level = f" (mean reward {reward:.3g})" if reward is not None else ""
        return (f"frac_reward_zero_std is {frac:.2f} > {self.limits.max_zero_std_frac}: in almost every group all "
                f"completions got the same reward{level}, so the advantages are 0 and nothing is learned (the task is "
                "too hard or too easy, or the reward is broken)")

    def _truncation(self, metrics: Mapping[str, Any]) -> str | None:
        for key in ("completions/clipped_ratio", "reasoning/truncation_rate"):
            value = finite_metric(metrics.get(key))
            if value is not None:
                if value > self.limits.max_truncation:
                    return (f"{key} is {value:.2f} > {self.limits.max_truncation}: that share of completions hit "
                            "max_completion_length without an EOS, and their rewards mostly score the cut")
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
        return (f"{zero[0]} is 0 while {name} is {value:.3g}: answers are right but the format never is, which "
                "means the tags do not reach the reward (special tokens vanish on decoding) or the prompt prefills "
                "<think>")

    def _rewards_none(self, metrics: Mapping[str, Any]) -> str | None:
        share = finite_metric(metrics.get(UNSCORED_SHARE))
        keys = [k for k in metrics if REWARD_MEAN_KEY.match(k)]
        if share is None and keys and not self._reward_means(metrics):
            share = 1.0  # every reward's mean is missing (None/NaN): no row was scored
        if share is None or share <= self.limits.max_unscored_share:
            return None
        return (f"{share:.0%} of the rows got None from every reward function (more than "
                f"{self.limits.max_unscored_share:.0%}): they get advantage 0 and teach nothing")

    def _trend(self, values: list[float]) -> float | None:
        w = self.limits.trend_window
        return values[-1] - values[-w] if len(values) >= w else None

    def _format_hacking(self, metrics: Mapping[str, Any]) -> str | None:
        fmt, acc = self._split_rewards(self._reward_means(metrics))
        for f in fmt:
            up = self._trend(self._history.rewards.get(f, []))
            for a in acc:
                down = self._trend(self._history.rewards.get(a, []))
                if up is not None and down is not None and up >= self.limits.min_trend and down <= -self.limits.min_trend:
                    return (f"{f} rose by {up:+.3g} while {a} fell by {down:+.3g} over the last "
                            f"{self.limits.trend_window} logging steps: the format is learned at the expense of "
                            "correctness")
        return None

    def _bench_hacking(self, name: str, curve: list[tuple[int, float, float | None]]) -> str | None:
        w = self.limits.trend_window
        if len(curve) < w:
            return None
        last = curve[-w:]
        passes = [p for _, p, _ in last]
        rewards = [r for _, _, r in last]
        falling = all(b < a for a, b in zip(passes, passes[1:])) and passes[0] - passes[-1] >= self.limits.min_trend
        if not falling or rewards[0] is None or rewards[-1] is None:
            return None
        rise = rewards[-1] - rewards[0]
        if rise < self.limits.min_trend:
            return None
        return (f"bench/{name}/pass@1 fell {passes[0]:.3f} -> {passes[-1]:.3f} over the last {w} evaluations (steps "
                f"{last[0][0]}-{last[-1][0]}) while the training reward rose {rewards[0]:.3f} -> {rewards[-1]:.3f}")

    def _entropy_collapse(self, metrics: Mapping[str, Any]) -> str | None:
        entropy, first = finite_metric(metrics.get("entropy")), self._history.first_entropy
        if entropy is None or first is None:
            return None
        if entropy < self.limits.min_entropy and entropy < self.limits.entropy_drop * first:
            return (f"entropy is {entropy:.3g} nats/token (it started at {first:.3g}): the policy samples almost "
                    "deterministically and stops exploring")
        return None

    def _divergence(self, metrics: Mapping[str, Any]) -> str | None:
        kl, clip = finite_metric(metrics.get("kl")), finite_metric(metrics.get("clip_ratio/region_mean"))
        if kl is not None and kl > self.limits.max_kl:
            return f"kl is {kl:.3g} > {self.limits.max_kl}: the policy drifts away from the reference model"
        if clip is not None and clip > self.limits.max_clip_ratio:
            return (f"clip_ratio/region_mean is {clip:.3g} > {self.limits.max_clip_ratio}: most tokens fall outside "
                    "the trust region, the update is too large")
        return None

    def _slow_reward(self, metrics: Mapping[str, Any]) -> str | None:
        share = finite_metric(metrics.get(REWARD_TIME_SHARE))
        if share is None or share <= self.limits.max_reward_time_share:
            return None
        return (f"the reward functions took {share:.0%} of the step time (more than "
                f"{self.limits.max_reward_time_share:.0%})")


def read_doctor(run_dir: str | os.PathLike) -> dict[str, Any] | None:
    """The ``doctor.json`` of a run (stage) directory, or ``None`` when it has none."""
    path = Path(run_dir) / DOCTOR_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        logger.warning("ignoring unreadable %s", path)
        return None
    return data if isinstance(data, dict) and isinstance(data.get("causes"), list) else None


def doctor_marks(run_dir: str | os.PathLike) -> list[tuple[float, str]]:
    """``(step, cause id)`` of each cause in a run's ``doctor.json`` (``[]`` when none), for the dashboard."""
    report = read_doctor(run_dir)
    return [(float(c["step"]), str(c["id"])) for c in (report or {}).get("causes", [])
            if isinstance(c, dict) and "step" in c and "id" in c]


def doctor_verdict(report: Mapping[str, Any] | None) -> str:
    """One line for tables: ``"no problems found"``, or the cause ids with the step each was raised at.

    >>> doctor_verdict({"causes": [], "checked_steps": 5}), doctor_verdict({"causes": [], "checked_steps": 0})
    ('no problems found', 'nothing logged to check')
    >>> doctor_verdict({"causes": [{"id": "truncation", "step": 30, "message": "", "fix": ""}], "checked_steps": 5})
    'truncation@30'
    """
    if report is None:
        return ""
    causes = report.get("causes") or []
    if not causes:
        return "no problems found" if report.get("checked_steps") else "nothing logged to check"
    return ", ".join(f"{c['id']}@{c['step']}" for c in causes)
