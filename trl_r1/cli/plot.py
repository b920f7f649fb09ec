"""``trl-r1 plot``: the PNG dashboard of a training run (:mod:`trl_r1.eval.plots`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from trl_r1.eval.plots import DEFAULT_FILENAME, STATE_FILE, find_runs, load_log_history, plot_dashboard
from trl_r1.training.doctor import doctor_marks


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trl_r1.cli._types import existing_path, positive_int

    parser.add_argument("run_dir", type=existing_path,
                        help="a training output dir (trainer_state.json or checkpoint-*), or a `trl-r1 run` dir "
                             "(one dashboard per stage)")
    parser.add_argument("--output", default=None,
                        help=f"PNG path (default: RUN_DIR/{DEFAULT_FILENAME}; one run only)")
    parser.add_argument("--smooth", type=positive_int, default=1, help="moving-average window in logged points")


def run(args: argparse.Namespace) -> int:
    from trl_r1.cli import UsageError

    runs = find_runs(args.run_dir)
    if not runs:
        raise UsageError(f"no {STATE_FILE} in {args.run_dir}, its checkpoint-* folders or its stage folders; "
                         "point at a Trainer output_dir (trainer.save_state() or a saved checkpoint writes it)")
    if args.output and len(runs) > 1:
        raise UsageError(f"--output names one file but {args.run_dir} holds {len(runs)} runs; leave it out to "
                         f"write RUN/{DEFAULT_FILENAME} in each")
    for run_dir in runs:
        try:
            history = load_log_history(run_dir)
            output = Path(args.output) if args.output else run_dir / DEFAULT_FILENAME
            path = plot_dashboard(history, output, title=run_dir.resolve().name, smooth=args.smooth,
                                  marks=doctor_marks(run_dir))
        except ValueError as e:
            raise UsageError(f"{run_dir}: {e}") from None
        print(path)
    return 0
