"""``trl-r1 plot RUN_DIR``: a PNG dashboard of a training run, from the Trainer's ``log_history``.

One panel per reward function (``rewards/<name>/mean``), one per benchmark evaluated during training
(``bench/<name>/pass@1`` and ``cons@k``, :mod:`trl_r1.training.benchmark_eval`), then the curves R1 reads the "aha
moment" from: response length, truncation, reflective words per 1,000 tokens, language
consistency and mixing (:mod:`trl_r1.rewards.monitor`), then KL and loss. Evaluation points
(``eval_`` keys) are drawn dashed in the same panels; the steps where the run doctor raised a
cause (``doctor.json``) are red dotted lines in every panel. Panels without data are left out, so the
same dashboard works for GRPO and SFT runs. A grey dotted vertical line marks each step where a reward window
opens or closes (:func:`reward_switches`), so the jump of the weighted total reward there is not read as a
collapse. :func:`plot_pass_at_1` draws held-out pass@1 across a pipeline's stages.

The log history is read from ``RUN_DIR/trainer_state.json`` (written by ``trainer.save_state()``),
else from the newest ``checkpoint-*/trainer_state.json``. A multi-stage run directory (``trl-r1
run``) gets one dashboard per stage. During training, :class:`trl_r1.training.DashboardCallback`
writes the same figure when training ends.

Drawing uses matplotlib's Agg canvas directly (no ``pyplot``), so it changes no global state and
needs no display.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

STATE_FILE = "trainer_state.json"
DEFAULT_FILENAME = "dashboard.png"
_REWARD_KEY = re.compile(r"^rewards/(.+)/mean$")


@dataclass(frozen=True)
class Panel:
    """One subplot: a title, the log keys drawn in it (train keys; ``eval_`` twins are added), a y label."""

    title: str
    keys: tuple[str, ...]
    ylabel: str = ""


# The fixed panels after the rewards: (title, candidate keys in order of preference per curve, y label).
_MONITOR_PANELS = (
    Panel("response length", ("completions/mean_length", "reasoning/response_length"), "tokens"),
    Panel("truncation rate", ("completions/clipped_ratio", "reasoning/truncation_rate"), "fraction"),
    Panel("reflective words", ("reasoning/reflective_words_per_1k_tokens",), "per 1,000 tokens"),
    Panel("language", ("reasoning/language_consistency", "reasoning/language_mix_ratio"), "fraction"),
    Panel("KL to reference", ("kl",), "nats/token"),
    Panel("loss", ("loss",), ""),
)
# Keys that measure the same thing: only the first one present is drawn.
_ALTERNATIVES = (
    ("completions/mean_length", "reasoning/response_length"),
    ("completions/clipped_ratio", "reasoning/truncation_rate"),
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) or math.isinf(value) else float(value)


def series(log_history: Sequence[dict[str, Any]], key: str) -> tuple[list[float], list[float]]:
    """``(steps, values)`` of ``key`` in a Trainer ``log_history`` (missing, None and NaN skipped)."""
    steps, values = [], []
    for entry in log_history:
        value = _number(entry.get(key))
        step = _number(entry.get("step"))
        if value is not None and step is not None:
            steps.append(step)
            values.append(value)
    return steps, values


def dashboard_panels(log_history: Sequence[dict[str, Any]]) -> list[Panel]:
    """The panels that have data: each reward function, then the monitors, KL and loss."""
    present = {k for entry in log_history for k, v in entry.items() if _number(v) is not None}

    def has(key: str) -> bool:
        return key in present or f"eval_{key}" in present

    rewards = sorted({m.group(1) for k in present if (m := _REWARD_KEY.match(k.removeprefix("eval_")))})
    panels = [Panel(f"reward: {name}", (f"rewards/{name}/mean",), "mean reward") for name in rewards]
    panels += [Panel(title, keys, ylabel) for title, keys, ylabel in benchmark_panels(present)]
    if has("reward") and len(rewards) > 1:
        panels.append(Panel("total reward (weighted)", ("reward",), "mean reward"))
    for panel in _MONITOR_PANELS:
        keys = [k for k in panel.keys if has(k)]
        for first, second in _ALTERNATIVES:
            if first in keys and second in keys:
                keys.remove(second)
        if keys:
            panels.append(Panel(panel.title, tuple(keys), panel.ylabel))
    return panels


def reward_switches(log_history: Sequence[dict[str, Any]]) -> list[tuple[float, str]]:
    """``(step, label)`` where a reward window opens or closes: a reward logged (not NaN) at some steps and
    missing at the logged steps before it (``RewardWindow``, e.g. R1 stage 4's preference rewards switching
    on for the last steps) or after it. The weighted total reward jumps there by design, not by collapse."""
    logged = [
        entry
        for entry in log_history
        if _number(entry.get("step")) is not None and any(_REWARD_KEY.match(k) for k in entry)
    ]
    if not logged:
        return []
    first_step, last_step = float(logged[0]["step"]), float(logged[-1]["step"])
    names = sorted({m.group(1) for entry in logged for k in entry if (m := _REWARD_KEY.match(k))})
    on: dict[float, list[str]] = {}
    off: dict[float, list[str]] = {}
    for name in names:
        steps, _ = series(logged, f"rewards/{name}/mean")
        if not steps:
            continue
        if steps[0] > first_step:
            on.setdefault(steps[0], []).append(name)
        if steps[-1] < last_step:
            after = [float(e["step"]) for e in logged if float(e["step"]) > steps[-1]]
            off.setdefault(after[0], []).append(name)
    marks = [(step, ", ".join(n) + " on") for step, n in on.items()]
    marks += [(step, ", ".join(n) + " off") for step, n in off.items()]
    return sorted(marks)


def _smooth(values: list[float], window: int) -> list[float]:
    if window <= 1 or len(values) < 2:
        return values
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_dashboard(
    log_history: Sequence[dict[str, Any]],
    output: str | os.PathLike,
    title: str | None = None,
    smooth: int = 1,
    columns: int = 3,
    marks: Sequence[tuple[float, str]] = (),
) -> Path:
    """Draw the dashboard of ``log_history`` (a Trainer's ``state.log_history``) into a PNG.

    Args:
        log_history: the list of logged dicts, each with a ``step``.
        output: the PNG path (parent folders are created).
        title: figure title (e.g. the run name).
        smooth: moving-average window in logged points (1: raw curves).
        columns: panels per row.
        marks: ``(step, label)`` pairs drawn as vertical lines in every panel (the run doctor's causes,
            :func:`trl_r1.training.doctor_report.doctor_marks`).

    Raises:
        ValueError: when nothing in ``log_history`` can be plotted.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = dashboard_panels(log_history)
    if not panels:
        raise ValueError("the log history holds no rewards, monitors or loss to plot (was anything logged?)")
    switches = reward_switches(log_history)
    columns = max(1, min(columns, len(panels)))
    rows = math.ceil(len(panels) / columns)
    fig = Figure(figsize=(4.8 * columns, 3.2 * rows), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(rows, columns, i + 1)
        for key in panel.keys:
            label = key.rpartition("/")[2] if len(panel.keys) > 1 else None
            has_eval = bool(series(log_history, "eval_" + key)[0])
            for prefix, style in (("", "-"), ("eval_", "--")):
                steps, values = series(log_history, prefix + key)
                if not steps:
                    continue
                split = ("eval" if prefix else "train") if has_eval else None
                tag = " ".join(filter(None, [label, f"({split})" if label and split else split])) or None
                ax.plot(
                    steps,
                    _smooth(values, smooth),
                    style,
                    marker="o" if len(steps) < 3 else None,
                    markersize=3,
                    linewidth=1.4,
                    label=tag,
                )
        for step, label in marks:
            ax.axvline(step, color="tab:red", linestyle=":", linewidth=1.2)
            ax.annotate(
                label,
                (step, 1.0),
                xycoords=("data", "axes fraction"),
                fontsize=6,
                color="tab:red",
                rotation=90,
                ha="right",
                va="top",
            )
        for step, label in switches:
            ax.axvline(step, color="grey", linestyle=":", linewidth=1.2, label=f"step {step:g}: {label}")
        ax.set_title(panel.title, fontsize=10)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylabel(panel.ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[1]:
            ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=12)
    return _save_png(fig, output)


def plot_pass_at_1(
    evals: Sequence[tuple[str, float, float | None]], output: str | os.PathLike, title: str | None = None
) -> Path:
    """Held-out pass@1 per stage, in pipeline order, with 95% confidence intervals (``1.96 * stderr``).

    Args:
        evals: ``(stage, pass@1, standard error or None)`` in the order the stages ran.
        output: the PNG path (parent folders are created).
        title: figure title.

    Raises:
        ValueError: when ``evals`` is empty.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not evals:
        raise ValueError("no evaluated stage to plot")
    fig = Figure(figsize=(max(4.0, 1.6 * len(evals) + 1.5), 3.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    xs = list(range(len(evals)))
    values = [v for _, v, _ in evals]
    errors = [1.96 * (e or 0.0) for _, _, e in evals]
    ax.errorbar(xs, values, yerr=errors, fmt="o-", capsize=4, linewidth=1.4, label="pass@1 (95% CI)")
    for x, v in zip(xs, values):
        ax.annotate(f"{v:.3f}", (x, v), textcoords="offset points", xytext=(8, 4), fontsize=8)
    ax.set_xticks(xs, [name for name, _, _ in evals], rotation=15, fontsize=8)
    ax.set_ylim(0, 1.02)  # pass@1 is a fraction: one scale for every run
    ax.set_xlim(-0.5, len(evals) - 0.3)
    ax.set_xlabel("stage", fontsize=9)
    ax.set_ylabel("held-out pass@1", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    if title:
        ax.set_title(title, fontsize=11)
    return _save_png(fig, output)


def _save_png(fig: Any, output: str | os.PathLike) -> Path:
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def find_state_file(run_dir: str | os.PathLike) -> Path | None:
    """``run_dir/trainer_state.json``, else the one of the newest complete checkpoint, else ``None``."""
    run = Path(run_dir)
    if run.is_file():
        return run if run.name.endswith(".json") else None
    if (run / STATE_FILE).is_file():
        return run / STATE_FILE
    checkpoints = []
    for p in run.glob("checkpoint-*"):
        step = p.name.rpartition("-")[2]
        if step.isdigit() and (p / STATE_FILE).is_file():
            checkpoints.append((int(step), p / STATE_FILE))
    return max(checkpoints)[1] if checkpoints else None


def load_log_history(run_dir: str | os.PathLike) -> list[dict[str, Any]]:
    """The ``log_history`` of a run directory (see :func:`find_state_file`)."""
    state = find_state_file(run_dir)
    if state is None:
        raise FileNotFoundError(f"no {STATE_FILE} in {run_dir} or its checkpoint-* folders")
    try:
        history = json.loads(state.read_text(encoding="utf-8")).get("log_history")
    except (json.JSONDecodeError, AttributeError) as e:
        raise ValueError(f"{state} is not a Trainer state file ({e})") from None
    if not isinstance(history, list):
        raise ValueError(f"{state} has no log_history list")
    return history


def find_runs(path: str | os.PathLike) -> list[Path]:
    """The run directories under ``path``: itself if it holds a Trainer state, else its stage folders."""
    root = Path(path)
    if find_state_file(root) is not None:
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and find_state_file(p) is not None)


def benchmark_panels(keys: set[str] | Sequence[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """Dashboard panels ``(title, keys, y label)`` for the benchmarks among logged ``keys`` (pass@1, then cons@k).

    >>> benchmark_panels({"loss", "bench/math500/pass@1", "bench/math500/cons@4", "bench/math500/seconds"})
    [('benchmark: math500', ('bench/math500/pass@1', 'bench/math500/cons@4'), 'pass@1 / cons@k')]
    """
    names = sorted({m.group(1) for k in keys if (m := re.match(r"^bench/(.+)/pass@1$", k))})
    panels = []
    for name in names:
        cons = sorted(k for k in keys if re.match(rf"^bench/{re.escape(name)}/cons@\d+$", k))
        panels.append((f"benchmark: {name}", (f"bench/{name}/pass@1", *cons), "pass@1 / cons@k"))
    return panels
