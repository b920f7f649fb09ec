"""``trl-r1 run RECIPE.yaml [--output-dir DIR] [--only STAGE ...] [--from STAGE] [--data-dir DIR] [--dry-run]``.

Options are :class:`RunArguments`, parsed by TRL's ``TrlParser``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from trl_r1._runtime import UsageError
from trl_r1.training.options import CommandParser, parse_options

logger = logging.getLogger(__name__)


@dataclass
class RunArguments:
    """The options of ``trl-r1 run`` (the recipe is also the first bare argument)."""

    recipe: str = field(
        metadata={
            "help": "recipe YAML file (see recipes/pipelines/r1.yaml; trl-r1 demo --print-recipe prints the tiny one)"
        }
    )
    output_dir: str | None = field(
        default=None,
        metadata={
            "help": "where each stage writes its directory and summary.json goes "
            "(default: runs/<recipe name>)"
        },
    )
    only: list[str] | None = field(
        default=None,
        metadata={
            "help": "run only these stages (complete ones are still skipped)",
            "nargs": "+",
            "metavar": "STAGE",
        },
    )
    from_stage: str | None = field(
        default=None,
        metadata={
            "aliases": ["--from"],
            "metavar": "STAGE",
            "help": "rerun from this stage: its directory and all later ones are deleted first",
        },
    )
    data_dir: str | None = field(
        default=None,
        metadata={
            "metavar": "DIR",
            "help": "folder holding the named benchmarks' local files (math500.jsonl, aime24.jsonl, "
            "...; README 'Evaluate like R1'), for every stage and the recipe's checks "
            "(default: $TRL_R1_BENCHMARKS_DIR, else the Hub datasets)",
        },
    )
    dry_run: bool = field(
        default=False,
        metadata={"help": "validate the recipe and print each stage's status and launch command"},
    )
    verbose: bool = field(
        default=False,
        metadata={
            "help": "show every stage's full output (TRL's per-step logs, "
            "warnings) instead of one progress line per stage"
        },
    )


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`RunArguments`."""
    return CommandParser(
        positional="recipe",
        dataclass_types=(RunArguments,),
        prog="trl-r1 run",
        description="run a multi-stage recipe file (R1, R1-Zero, distillation)",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 run RECIPE.yaml [options]``: parse, validate, run every stage, print the table."""
    return run(parse_options(make_parser(), argv))


def run(args: RunArguments) -> int:
    from trl_r1.cli._types import writable_dir
    from trl_r1.pipeline.recipe import RecipeError, load_recipe
    from trl_r1.pipeline.runner import StageFailed, run_recipe

    if args.data_dir is not None:
        from trl_r1.eval.benchmarks import DATA_DIR_ENV

        data_dir = Path(args.data_dir).expanduser()
        if not data_dir.is_dir():
            raise UsageError(
                f"--data-dir: {args.data_dir!r} is not a directory; give the folder holding the benchmark "
                "files (math500.jsonl, aime24.jsonl, ...)"
            )
        os.environ[DATA_DIR_ENV] = str(
            data_dir.resolve()
        )  # read by the recipe's checks and every stage process
    try:
        recipe = load_recipe(args.recipe)
    except RecipeError as e:
        raise UsageError(str(e)) from None
    output_dir = args.output_dir or str(Path("runs") / recipe.name)
    try:  # a dry run creates nothing: it only checks the directory could be made
        output_dir = _creatable_dir(output_dir) if args.dry_run else writable_dir(output_dir)
    except argparse.ArgumentTypeError as e:
        raise UsageError(str(e)) from None
    from trl_r1.pipeline.validate import recipe_problems

    notes: list[
        str
    ] = []  # models not checkable here (uncached hub ids offline): a note for a dry run, else refused
    try:  # everything the run would fail on, before any work
        problems, refused = recipe_problems(recipe, output_dir, args.only, args.from_stage, notes=notes)
    except RecipeError as e:
        raise UsageError(str(e)) from None
    if args.dry_run:
        _dry_run(recipe, output_dir, args.only, args.from_stage, refused)
        for note in notes:
            print(f"note: {note} (not checked here; `trl-r1 run` refuses to start without it)")
    else:
        problems += notes
    if problems:
        for problem in problems:
            print(f"trl-r1 run: error: {problem}", file=sys.stderr)
        return 2
    if args.dry_run:
        return 0
    from trl_r1.cli.demo import summary_table
    from trl_r1.pipeline.progress import StageConsole
    from trl_r1.pipeline.runner import stage_args

    if not args.verbose:  # the stage lines say it; each stage's full output is in its stage.log
        logging.getLogger("trl_r1.pipeline.runner").setLevel(logging.WARNING)
        print(
            f"each stage's full output (TRL's logs, warnings): {output_dir}/<stage>/stage.log; --verbose shows it "
            "here",
            flush=True,
        )
    try:
        summary = run_recipe(
            recipe,
            output_dir,
            only=args.only,
            from_stage=args.from_stage,
            progress=StageConsole(bars=not args.verbose),
            capture_output=not args.verbose,
        )
    except RecipeError as e:
        raise UsageError(str(e)) from None
    except StageFailed as e:
        logger.error("%s", e)
        return 1
    except OSError as e:  # a full disk while the runner writes its own files: named, one line
        from trl_r1._runtime import disk_full_message, is_disk_full

        if not is_disk_full(e, output_dir):
            raise
        print(f"trl-r1 run: error: {disk_full_message(output_dir)}", file=sys.stderr)
        return 1
    flat = {s.name: stage_args(recipe, s, output_dir) for s in recipe.stages}
    print("\n" + summary_table(summary, flat))
    print(f"summary: {Path(output_dir) / 'summary.json'}")
    return 0


def _creatable_dir(value: str) -> str:
    """``value`` if it is a writable directory or could be created as one (nothing is created)."""
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"output directory {value!r} is a file, not a directory")
    nearest = next(p for p in (path, *path.parents) if p.exists())
    if not nearest.is_dir() or not os.access(nearest, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"output directory {value!r} cannot be created ({nearest} is not a writable directory)"
        )
    return str(path)


def _dry_run(recipe, output_dir: str, only, from_stage, refused: dict[str, str]) -> int:
    from trl_r1.pipeline.estimate import stage_estimate
    from trl_r1.pipeline.output_dir import STAGE_CONFIG, read_marker, select_stages
    from trl_r1.pipeline.recipe import RecipeError
    from trl_r1.pipeline.runner import launch_command
    from trl_r1.training.stage import last_checkpoint

    try:
        stages = select_stages(recipe, only, from_stage)
    except RecipeError as e:
        raise UsageError(str(e)) from None
    for stage in stages:
        sdir = Path(output_dir) / stage.name
        if stage.name in refused:
            status = refused[stage.name]
        elif read_marker(sdir) and not from_stage:
            status = "complete (skipped)"
        elif last_checkpoint(sdir) and not from_stage:
            status = f"resumes from {Path(last_checkpoint(sdir)).name}"
        else:
            status = "runs"
        cmd = launch_command(stage, sdir / STAGE_CONFIG)
        print(f"{stage.name:<22} {stage.kind:<7} {status:<40} {' '.join(cmd) if cmd else 'in-process'}")
        memory = stage_estimate(recipe, stage)
        print(
            f"{'':<22} memory: {memory.describe() if memory else 'no estimate (the model config is not available here: download it, or run where it is cached)'}"
        )
    return 0
