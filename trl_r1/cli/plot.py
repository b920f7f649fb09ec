"""``trl-r1 plot``: the PNG dashboard of a training run (:mod:`trl_r1.eval.plots`).

TrlParser over :class:`PlotArguments` (``--config x.yaml`` plus overrides); the run directory is
``--run_dir DIR`` or, as before, the first positional argument (``trl-r1 plot DIR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from trl_r1.eval.plots import (
    DEFAULT_FILENAME,
    STATE_FILE,
    find_runs,
    find_state_file,
    load_log_history,
    plot_dashboard,
)
from trl_r1.training.doctor_report import doctor_marks
from trl_r1.training.options import CommandParser, parse_options


@dataclass
class PlotArguments:
    """The options of ``trl-r1 plot``."""

    run_dir: str | None = field(
        default=None,
        metadata={
            "help": "a training output dir (trainer_state.json or checkpoint-*), or a `trl-r1 run` dir (one dashboard "
            "per stage); also accepted as the first positional argument"
        },
    )
    output: str | None = field(
        default=None, metadata={"help": f"PNG path (default: RUN_DIR/{DEFAULT_FILENAME}; one run only)"}
    )
    smooth: int = field(default=1, metadata={"help": "moving-average window in logged points"})
    overwrite: bool = field(
        default=False, metadata={"help": "replace a PNG that exists already at the output path"}
    )

    def __post_init__(self) -> None:
        if not self.run_dir:
            raise ValueError("the run directory is required: trl-r1 plot RUN_DIR (or --run_dir RUN_DIR)")
        if not Path(self.run_dir).exists():
            raise ValueError(f"{self.run_dir}: no such file or directory")
        if self.smooth < 1:
            raise ValueError(f"--smooth must be a positive integer, got {self.smooth}")


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`PlotArguments`."""
    return CommandParser(
        positional="run_dir",
        dataclass_types=(PlotArguments,),
        prog="trl-r1 plot",
        description="PNG dashboard of a training run's rewards and monitors",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 plot RUN_DIR ARGS`` (or ``--run_dir RUN_DIR``)."""
    return run(parse_options(make_parser(), argv))


def run(args: PlotArguments) -> int:
    from trl_r1._runtime import UsageError

    runs = find_runs(args.run_dir)
    if not runs:
        raise UsageError(
            f"no {STATE_FILE} in {args.run_dir}, its checkpoint-* folders or its stage folders; "
            "point at a Trainer output_dir (trainer.save_state() or a saved checkpoint writes it)"
        )
    if args.output and len(runs) > 1:
        raise UsageError(
            f"--output names one file but {args.run_dir} holds {len(runs)} runs; leave it out to "
            f"write RUN/{DEFAULT_FILENAME} in each"
        )
    from trl_r1.cli._checks import no_file_to_overwrite

    outputs = [Path(args.output) if args.output else run_dir / DEFAULT_FILENAME for run_dir in runs]
    no_file_to_overwrite(outputs, args.overwrite, "the dashboard")  # a user's file is never replaced unasked
    for run_dir, output in zip(runs, outputs):
        try:
            history = load_log_history(run_dir)
            path = plot_dashboard(
                history, output, title=run_dir.resolve().name, smooth=args.smooth, marks=doctor_marks(run_dir)
            )
        except ValueError as e:
            raise UsageError(f"{run_dir}: {e}{_logging_hint(run_dir)}") from None
        print(path)
    return 0


def _logging_hint(run_dir: Path) -> str:
    """How to log more, when the run stopped before its first logging step (TRL logs every ``logging_steps``,
    10 by default, so a 2-step run logs nothing a dashboard can draw)."""
    import json

    try:
        state = json.loads(find_state_file(run_dir).read_text(encoding="utf-8"))
        steps, every = int(state["global_step"]), int(state["logging_steps"])
    except (AttributeError, OSError, ValueError, KeyError, TypeError):
        return ""
    if steps >= every:
        return ""
    return (
        f"; the run logged every {every} steps and stopped at step {steps}, so nothing was logged: rerun with "
        f"--logging_steps 1 (or any value <= {steps})"
    )
