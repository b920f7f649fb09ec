"""What the run doctor reports: the cause ids with their fixes, the thresholds, the history the trend checks
keep, and a run's ``doctor.json`` read back for tables and plots (the demo table, the dashboard's marks).

The causes and their signatures are listed in :mod:`trl_r1.training.doctor`, whose :class:`~trl_r1.training.doctor.RunDoctor` checks
them during training.
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
CAUSES = (
    "no_signal",
    "truncation",
    "format_zero",
    "rewards_none",
    "reward_hacking",
    "entropy_collapse",
    "divergence",
    "nan",
    "slow_reward",
)
"""The stable ids of the causes the doctor can raise."""
STRICT_CAUSES = ("nan", "no_signal")
"""The causes that stop training when ``strict=True``."""

# Metrics the doctor derives itself (from the trainer it is bound to) and reads like logged ones.
REWARD_TIME_SHARE = "doctor/reward_time_share"
UNSCORED_SHARE = "doctor/unscored_rows"

REWARD_MEAN_KEY = re.compile(r"^rewards/(.+)/mean$")

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


def logged_number(value: Any) -> float | None:
    """A finite-or-not float from a logged value (``None`` for missing, ``None`` and non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def finite_metric(value: Any) -> float | None:
    """A logged value as a finite float (``None`` for missing, non-numbers, NaN and inf)."""
    v = logged_number(value)
    return v if v is not None and math.isfinite(v) else None


@dataclass
class CheckHistory:
    """What the trend checks need: per-log reward means, and the benchmark curve with the reward at each point."""

    rewards: dict[str, list[float]] = field(default_factory=dict)
    total_reward: list[float] = field(default_factory=list)
    bench: dict[str, list[tuple[int, float, float | None]]] = field(
        default_factory=dict
    )  # (step, pass@1, reward)
    first_entropy: float | None = None


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
    return [
        (float(c["step"]), str(c["id"]))
        for c in (report or {}).get("causes", [])
        if isinstance(c, dict) and "step" in c and "id" in c
    ]


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
