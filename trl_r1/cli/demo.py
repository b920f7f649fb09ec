"""``trl-r1 demo``: the R1 recipe end to end on a 2-core CPU, offline, in minutes.

Runs :data:`RECIPE` (``trl_r1/cli/demo_recipe.yaml``, printed by ``trl-r1 demo --print-recipe``) with the multi-stage runner: cold-start SFT of a
tiny random Qwen2 on worked arithmetic solutions, reasoning GRPO with rule rewards (accuracy +
format) on a disjoint, larger problem set given with final answers only, rejection sampling + SFT,
and all-scenario GRPO, with held-out pass@1 (k samples at temperature 0.6, top-p 0.95) after each
training stage. Prints one line per stage (a progress bar, elapsed time, the estimated time left; each
stage's full output goes to ``DIR/<stage>/stage.log``, or to the terminal with ``--verbose``), then a table
with the work each stage did; the GRPO stages also log held-out pass@1 during training and run the run doctor
(:mod:`trl_r1.training`): the table shows that pass@1 curve (first -> last, with the cost of one evaluation)
and the doctor's verdict. Writes ``DIR/summary.json``, ``DIR/pass_at_1.png`` (held-out pass@1 per stage with
95% intervals) and each training stage's dashboard. Rerunning skips finished stages.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trl_r1.cli._types import writable_dir
from trl_r1.pipeline.progress import human
from trl_r1.training.options import CommandParser, parse_options

logger = logging.getLogger(__name__)

RECIPE = Path(__file__).with_name("demo_recipe.yaml")
# The stages whose held-out pass@1 the demo compares: GRPO must beat the cold start.
BEFORE, AFTER = "cold_start", "reasoning_rl"
TARGET_GAIN = 0.15


@dataclass
class DemoArguments:
    """The options of ``trl-r1 demo`` (``--config x.yaml`` holds any of them)."""

    output_dir: str = field(default="runs/demo", metadata={"help": "where stages and summary.json go"})
    seed: int = field(default=0, metadata={"help": "model initialisation and training seed (data is fixed)"})
    threads: int = field(
        default=1,
        metadata={
            "help": "torch threads per process (default 1: the tiny model runs fastest single-threaded)"
        },
    )
    quick: bool = field(
        default=False,
        metadata={"help": "a few steps per stage: checks the plumbing in about a minute, learns nothing"},
    )
    verbose: bool = field(
        default=False,
        metadata={
            "help": "show every stage's full output (TRL's per-step logs, "
            "warnings) here instead of only in <stage>/stage.log"
        },
    )
    print_recipe: bool = field(
        default=False,
        metadata={
            "help": "print the demo's pipeline recipe (YAML for `trl-r1 run`) and exit, running nothing"
        },
    )

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise ValueError(f"--threads: must be >= 1, got {self.threads}")
        if self.print_recipe:  # prints a file: no output directory is needed or created
            return
        try:
            self.output_dir = writable_dir(self.output_dir)
        except argparse.ArgumentTypeError as e:
            raise ValueError(f"--output-dir: {e}") from None


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`DemoArguments`."""
    return CommandParser(
        (DemoArguments,),
        prog="trl-r1 demo",
        description="tiny R1 pipeline on CPU: cold-start SFT, then GRPO, with pass@1 after each",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 demo ARGS``."""
    return run(parse_options(make_parser(), argv))


def demo_recipe(seed: int = 0, quick: bool = False) -> dict[str, Any]:
    """The demo recipe as a dict, with ``seed`` applied (and step counts cut when ``quick``)."""
    import yaml

    data = yaml.safe_load(RECIPE.read_text())
    data["model"] = data["model"].replace("seed=0", f"seed={seed}")
    data["defaults"]["seed"] = seed
    if quick:
        for stage in data["stages"]:
            args = stage.setdefault("args", {})
            if "max_steps" in args:
                args["max_steps"] = 4
                args["save_steps"] = 2
            if stage["kind"] == "eval":
                stage["dataset"] = re.sub(r"([?&])n=\d+", r"\1n=8", stage["dataset"])
                args["k"] = 2
            if stage["kind"] == "sample":
                stage["dataset"] = re.sub(r"([?&])n=\d+", r"\1n=8", stage["dataset"])
                args["num_samples"] = 2
                # a 4-step model writes nothing correct or readable: keep every sample so stage 3 has data
                args.update(readability=False, drop_truncated=False)
                stage["rewards"] = [{"name": r, "threshold": float("-inf")} for r in stage["rewards"]]
            if "preference_last_steps" in args:
                args["preference_last_steps"] = 2
            if "eval_benchmark" in stage:  # two points on the in-training benchmark curve
                stage["eval_benchmark"].update(limit=8, eval_steps=2)
    return data


def gain_line(before: float, after: float, quick: bool = False) -> str:
    """The closing line: held-out pass@1 before and after GRPO, and whether the gain meets the target. A
    ``--quick`` run trains 4 steps a stage (plumbing only), so it states the gain without a verdict."""
    gain = after - before
    if quick:
        judged = f"--quick checks the plumbing only; the {TARGET_GAIN:.2f} target is for the full demo"
    else:
        judged = f"{'meets' if gain >= TARGET_GAIN else 'MISSES'} the {TARGET_GAIN:.2f} target"
    return f"held-out pass@1: {BEFORE} {before:.3f} -> {AFTER} {after:.3f} (gain {gain:+.3f}; {judged})"


# metric -> short label in the table
_SHOWN = {
    "train_loss": "loss",
    "rewards/accuracy_reward/mean": "accuracy reward",
    "rewards/r1_zero_format_reward/mean": "format reward",
    "completions/mean_length": "length",
}
PASS_AT_1_PNG = "pass_at_1.png"


def _metrics_text(metrics: dict[str, float]) -> str:
    return ", ".join(f"{label} {human(metrics[key])}" for key, label in _SHOWN.items() if key in metrics)


def summary_table(summary: dict[str, Any], stage_args: dict[str, dict[str, Any]] | None = None) -> str:
    """Markdown table of a demo/run summary: one row per training stage, its held-out pass@1 (95% interval),
    the machine-independent work it did (steps, samples) and its time."""
    from trl_r1.eval.curves import curve_summary
    from trl_r1.pipeline.progress import duration, work_done
    from trl_r1.training.doctor_report import doctor_verdict

    stage_args = stage_args or {}
    lines = [
        "| stage | kind | held-out pass@1 (95% CI) | pass@1 during training | run doctor | work | time | metrics |",
        "|---|---|---:|---|---|---|---:|---|",
    ]
    for row in summary["stages"]:
        if row["kind"] == "eval":
            continue
        ev = summary["eval"].get(row["name"])
        p1 = f"{ev['pass@1']:.3f} ± {1.96 * ev.get('stderr', 0.0):.3f}" if ev else ""
        during = curve_summary(summary.get("bench", {}).get(row["name"], {}))
        doctor = doctor_verdict(summary.get("doctor", {}).get(row["name"])) if row["kind"] == "grpo" else ""
        work = work_done(row["kind"], row["metrics"], stage_args.get(row["name"], {}))
        lines.append(
            f"| {row['name']} | {row['kind']} | {p1} | {during} | {doctor} | {work} | "
            f"{duration(row['seconds'])} | {_metrics_text(row['metrics'])} |"
        )
    total = sum(r["seconds"] for r in summary["stages"])
    steps = sum(r["metrics"].get("global_step", 0.0) for r in summary["stages"])
    completions = sum(
        r["metrics"].get("n_problems", 0.0) * r["metrics"].get("k", 0.0) + r["metrics"].get("generated", 0.0)
        for r in summary["stages"]
    )
    lines.append(
        f"\ntotal stage time {duration(total)} for {human(steps)} training steps and "
        f"{human(completions)} sampled completions (eval and rejection sampling)"
    )
    return "\n".join(lines)


def write_plots(recipe: Any, summary: dict[str, Any], output_dir: str | Path) -> list[Path]:
    """``OUTPUT_DIR/pass_at_1.png`` (held-out pass@1 per stage, with its 95% interval) and each training
    stage's dashboard (``OUTPUT_DIR/<stage>/dashboard.png``, reward-window switches marked)."""
    from trl_r1.eval.plots import (
        DEFAULT_FILENAME,
        find_runs,
        load_log_history,
        plot_dashboard,
        plot_pass_at_1,
    )

    out = Path(output_dir)
    evals = [(name, ev["pass@1"], ev.get("stderr")) for name, ev in summary["eval"].items()]
    paths = []
    if evals:
        paths.append(plot_pass_at_1(evals, out / PASS_AT_1_PNG, title=f"{recipe.name}: held-out pass@1"))
    for run_dir in find_runs(out):
        try:
            paths.append(
                plot_dashboard(load_log_history(run_dir), run_dir / DEFAULT_FILENAME, title=run_dir.name)
            )
        except ValueError as e:  # nothing logged (a very short stage): no dashboard, never a failed demo
            logger.debug("%s: no dashboard (%s)", run_dir, e)
    return paths


def run(args: DemoArguments) -> int:
    if args.print_recipe:
        sys.stdout.write(RECIPE.read_text(encoding="utf-8"))
        return 0
    import torch

    from trl_r1.pipeline.progress import StageConsole
    from trl_r1.pipeline.recipe import parse_recipe
    from trl_r1.pipeline.runner import run_recipe, stage_args

    torch.set_num_threads(max(1, args.threads))
    if not args.verbose:  # the stage lines say what the runner's log records say; each stage's log has them
        logging.getLogger("trl_r1.pipeline.runner").setLevel(logging.WARNING)
    recipe = parse_recipe(demo_recipe(args.seed, args.quick), source=str(RECIPE), base_dir=RECIPE.parent)
    trained = [s for s in recipe.stages if s.kind != "eval"]
    print(
        f"trl-r1 demo: {len(recipe.stages)} stages ({', '.join(s.name for s in trained)}, each evaluated on "
        f"held-out problems) -> {args.output_dir}",
        flush=True,
    )
    if not args.verbose:
        print(
            f"  each stage's full output (TRL's logs, warnings): {args.output_dir}/<stage>/stage.log; "
            "--verbose shows it here",
            flush=True,
        )
    console = StageConsole(bars=not args.verbose)  # its own copy of stdout: stages' output goes to their logs
    from trl_r1._runtime import UsageError
    from trl_r1.pipeline.recipe import RecipeError

    try:
        summary = run_recipe(recipe, args.output_dir, progress=console, capture_output=not args.verbose)
    except RecipeError as e:  # e.g. an --output-dir holding files the runner did not write
        raise UsageError(str(e)) from None
    flat = {s.name: stage_args(recipe, s, args.output_dir) for s in recipe.stages}
    print("\n" + summary_table(summary, flat))
    before, after = summary["eval"].get(BEFORE), summary["eval"].get(AFTER)
    if before and after:
        print("\n" + gain_line(before["pass@1"], after["pass@1"], args.quick))
    plots = write_plots(recipe, summary, args.output_dir)
    print(f"summary: {Path(args.output_dir) / 'summary.json'}" + (f"; plot: {plots[0]}" if plots else ""))
    return 0
