"""``trl-r1 demo``: the R1 recipe end to end on a 2-core CPU, offline, in minutes.

Runs :data:`RECIPE` (``trl_r1/cli/demo_recipe.yaml``) with the multi-stage runner: cold-start SFT of a
tiny random Qwen2 on worked arithmetic solutions, reasoning GRPO with rule rewards (accuracy +
format) on a disjoint, larger problem set given with final answers only, rejection sampling + SFT,
and all-scenario GRPO, with held-out pass@1 (k samples at temperature 0.6, top-p 0.95) after each
training stage. The GRPO stages also log held-out pass@1 during training and run the run doctor
(:mod:`trl_r1.training`): the table shows the pass@1 curve (first -> last, with the cost of one
evaluation) and the doctor's verdict. Prints a table and writes ``DIR/summary.json``; rerunning
skips finished stages.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trl_r1.cli._parser import ArgumentParser, parse_options
from trl_r1.cli._types import writable_dir

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
    threads: int = field(default=1, metadata={"help": "torch threads per process (default 1: the tiny model runs "
                                                      "fastest single-threaded)"})
    quick: bool = field(default=False, metadata={"help": "a few steps per stage: checks the plumbing in about a "
                                                         "minute, learns nothing"})

    def __post_init__(self) -> None:
        try:
            self.output_dir = writable_dir(self.output_dir)
        except argparse.ArgumentTypeError as e:
            raise ValueError(f"--output-dir: {e}") from None


def make_parser() -> ArgumentParser:
    """``TrlParser`` over :class:`DemoArguments`."""
    return ArgumentParser((DemoArguments,), prog="trl-r1 demo",
                          description="tiny R1 pipeline on CPU: cold-start SFT, then GRPO, with pass@1 after each")


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
                stage["dataset"] = stage["dataset"].replace("n=128", "n=8")
                args["k"] = 2
            if stage["kind"] == "sample":
                stage["dataset"] = stage["dataset"].replace("n=1500", "n=8")
                args["num_samples"] = 2
                # a 4-step model writes nothing correct or readable: keep every sample so stage 3 has data
                args.update(readability=False, drop_truncated=False)
                stage["rewards"] = [{"name": r, "threshold": float("-inf")} for r in stage["rewards"]]
            if "preference_last_steps" in args:
                args["preference_last_steps"] = 2
            if "eval_benchmark" in stage:  # two points on the in-training benchmark curve
                stage["eval_benchmark"].update(limit=8, eval_steps=2)
    return data


def _print_event(event: dict[str, Any]) -> None:
    head = f"[{event['index'] + 1}/{event['total']}] {event['stage']} ({event['kind']})"
    if event["event"] == "start":
        print(f"{head} ...", flush=True)
    elif event["event"] == "skip":
        print(f"{head}: already complete, skipped", flush=True)
    else:
        shown = {k: v for k, v in event.get("metrics", {}).items() if k in _SHOWN}
        print(f"{head}: done in {event['seconds']:.0f}s {_fmt(shown)}", flush=True)


# metric -> short label in the progress lines and the table
_SHOWN = {"pass@1": "pass@1", "cons@4": "cons@4", "train_loss": "loss", "rewards/accuracy_reward/mean": "accuracy_reward",
          "rewards/r1_zero_format_reward/mean": "format_reward", "completions/mean_length": "length",
          "generated": "generated", "kept": "kept"}


def _fmt(metrics: dict[str, float]) -> str:
    return " ".join(f"{_SHOWN.get(k, k)}={v:.3g}" for k, v in metrics.items())


def summary_table(summary: dict[str, Any]) -> str:
    """Markdown table of a demo/run summary: one row per stage, pass@1 where evaluated."""
    from trl_r1.eval.curves import curve_summary
    from trl_r1.training.doctor import doctor_verdict

    lines = ["| stage | kind | seconds | held-out pass@1 | pass@1 during training | run doctor | metrics |",
             "|---|---|---:|---:|---|---|---|"]
    for row in summary["stages"]:
        if row["kind"] == "eval":
            continue
        ev = summary["eval"].get(row["name"])
        p1 = f"{ev['pass@1']:.3f} (k={ev['k']}, n={ev['n_problems']})" if ev else ""
        shown = {k: v for k, v in row["metrics"].items() if k in _SHOWN}
        during = curve_summary(summary.get("bench", {}).get(row["name"], {}))
        doctor = doctor_verdict(summary.get("doctor", {}).get(row["name"]))
        lines.append(f"| {row['name']} | {row['kind']} | {row['seconds']:.0f} | {p1} | {during} | {doctor} | "
                     f"{_fmt(shown)} |")
    total = sum(r["seconds"] for r in summary["stages"])
    lines.append(f"\ntotal stage time: {total:.0f}s")
    return "\n".join(lines)


def run(args: DemoArguments) -> int:
    import torch

    from trl_r1.pipeline.recipe import parse_recipe
    from trl_r1.pipeline.runner import run_recipe

    torch.set_num_threads(max(1, args.threads))
    recipe = parse_recipe(demo_recipe(args.seed, args.quick), source=str(RECIPE), base_dir=RECIPE.parent)
    print(f"trl-r1 demo: {len(recipe.stages)} stages from {RECIPE}, output in {args.output_dir}", flush=True)
    summary = run_recipe(recipe, args.output_dir, progress=_print_event)
    print("\n" + summary_table(summary))
    before, after = summary["eval"].get(BEFORE), summary["eval"].get(AFTER)
    if before and after:
        gain = after["pass@1"] - before["pass@1"]
        verdict = "meets" if gain >= TARGET_GAIN else "MISSES"
        print(f"\nheld-out pass@1: {BEFORE} {before['pass@1']:.3f} -> {AFTER} {after['pass@1']:.3f} "
              f"(gain {gain:+.3f}; {verdict} the {TARGET_GAIN:.2f} target)")
    print(f"summary: {Path(args.output_dir) / 'summary.json'}")
    return 0
