"""What watches a GRPO run besides the doctor and the benchmark: the training dashboard, the reflection monitor
added to the reward functions (:func:`with_monitor`), and the callbacks named in a recipe."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any

from transformers import TrainerCallback

logger = logging.getLogger(__name__)


class DashboardCallback(TrainerCallback):
    """Writes the PNG dashboard of :mod:`trl_r1.eval.plots` at the end of training (and, with
    ``on_save=True``, at every checkpoint) to ``<output_dir>/<filename>``, from ``log_history``.

    Args:
        filename: the PNG's name inside the run's ``output_dir``.
        on_save: also redraw whenever a checkpoint is saved.
        smooth: moving-average window (in logged points) for the curves.
    """

    def __init__(self, filename: str = "dashboard.png", on_save: bool = False, smooth: int = 1):
        self.filename, self.redraw_on_save, self.smooth = filename, on_save, smooth

    def _draw(self, args: Any, state: Any) -> None:
        if not state.is_world_process_zero or not state.log_history:
            return
        from pathlib import Path

        from trl_r1.eval.plots import plot_dashboard

        path = Path(args.output_dir) / self.filename
        try:
            from trl_r1.training.doctor_report import doctor_marks

            plot_dashboard(
                state.log_history,
                path,
                title=Path(args.output_dir).name,
                smooth=self.smooth,
                marks=doctor_marks(args.output_dir),
            )
        except ValueError as e:  # nothing plottable yet: never fail a training run over a figure
            logger.warning("dashboard not written: %s", e)
            return
        logger.info("wrote training dashboard %s", path)

    def on_train_end(self, args, state, control, **kwargs):
        self._draw(args, state)

    def on_save(self, args, state, control, **kwargs):
        if self.redraw_on_save:
            self._draw(args, state)


def make_callbacks(names: Sequence[str] | None) -> list[Any]:
    """Trainer callbacks from names in :mod:`trl_r1.training.callbacks` or dotted paths to a callback class.

    Each name is instantiated with no arguments (the R1 reflection monitors need none).
    """
    out = []
    for name in names or []:
        module_name, _, attr = name.rpartition(".")
        module = importlib.import_module(module_name or __name__)
        try:
            factory = getattr(module, attr)
        except AttributeError:
            raise ValueError(f"callback {name!r} not found in {module.__name__}") from None
        out.append(factory() if isinstance(factory, type) else factory)
    return out


def with_monitor(
    reward_funcs: Sequence[Any],
    reward_weights: Sequence[float] | None = None,
    monitor: Any = None,
) -> tuple[list[Any], list[float]]:
    """``reward_funcs`` and ``reward_weights`` with a monitor appended at weight 0.0 (by default a
    :class:`~trl_r1.rewards.monitor.ReflectionMonitor`: it scores nothing and logs the "aha moment" metrics).

    ``reward_weights=None`` means TRL's default (1.0 for every reward).

    >>> funcs, weights = with_monitor(["accuracy"], [2.0])
    >>> [getattr(f, "__name__", f) for f in funcs], weights
    (['accuracy', 'reflection_monitor'], [2.0, 0.0])
    """
    weights = [1.0] * len(reward_funcs) if reward_weights is None else [float(w) for w in reward_weights]
    if len(weights) != len(reward_funcs):
        raise ValueError(f"{len(reward_weights)} reward weights for {len(reward_funcs)} reward functions")
    from trl_r1.rewards.monitor import ReflectionMonitor

    return [*reward_funcs, monitor or ReflectionMonitor()], [*weights, 0.0]
