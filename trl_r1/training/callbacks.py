"""Trainer callbacks of the R1 stages: the training dashboard and the callbacks named in a recipe."""

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
            from trl_r1.training.doctor import doctor_marks

            plot_dashboard(state.log_history, path, title=Path(args.output_dir).name, smooth=self.smooth,
                           marks=doctor_marks(args.output_dir))
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
