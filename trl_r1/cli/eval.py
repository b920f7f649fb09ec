"""``trl-r1 eval``: R1-style evaluation of a model on a benchmark, or R1's whole table (see :mod:`trl_r1.eval`).

    trl-r1 eval --model DIR --benchmark math500 --k 16 --output-dir eval/math500
    trl-r1 eval --model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B --suite r1 --k 64 --seeds 3 \\
        --template deepseek --data-dir benchmarks/ --output-dir eval/r1
    trl-r1 eval --config eval.yaml --k 64          # YAML keys are the fields of EvalArguments

Options are :class:`EvalArguments`: the evaluation settings (:class:`trl_r1.eval.EvalSettings`, written
once for ``evaluate()``, this command and the in-training callback) plus what to evaluate and where
to write it, parsed by TRL's ``TrlParser``. Every input is checked (benchmarks found and readable,
fields recognised, k and pass@k valid) before the model is loaded; bad input is one line on stderr
and exit code 2.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from trl_r1.eval.benchmarks import BENCHMARKS
from trl_r1.eval.settings import EvalSettingError, EvalSettings
from trl_r1.eval.suite import SUITES
from trl_r1.generation import VLLM_SERVER_URL
from trl_r1.training.options import CommandParser, parse_options

logger = logging.getLogger(__name__)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-") + " "


@dataclass
class EvalArguments(EvalSettings):
    """The options of ``trl-r1 eval`` (``--config x.yaml`` holds any of them): what to evaluate, where to
    write it, and the evaluation settings of :class:`~trl_r1.eval.EvalSettings`."""

    model: str | None = field(
        default=None,
        metadata={"help": "model directory, hub id, or trl-r1/tiny (the offline tiny model); required"},
    )
    benchmark: str | None = field(
        default=None,
        metadata={
            "help": f"one of {', '.join(BENCHMARKS)} (options after '?', e.g. livecodebench?release=v6), or a "
            ".jsonl/.json/.parquet file (or synthetic:// spec) with question and answer (or test case) "
            "fields"
        },
    )
    suite: str | None = field(
        default=None,
        metadata={
            "help": f"a benchmark suite instead of --benchmark: {', '.join(SUITES)} (AIME 2024, AIME 2025, "
            "MATH-500, GPQA Diamond, LiveCodeBench; one table, the paper's numbers beside R1's "
            "published models)"
        },
    )
    output_dir: str | None = field(
        default=None,
        metadata={
            "help": "write results.json, results.md and samples.jsonl here (a folder per "
            "benchmark with --suite)"
        },
    )
    vllm_server_url: str = field(default=VLLM_SERVER_URL, metadata={"help": "for --backend vllm-server"})
    no_samples: bool = field(default=False, metadata={"help": "do not write samples.jsonl"})
    overwrite: bool = field(
        default=False,
        metadata={"help": "replace results an earlier evaluation left in --output-dir (refused without it)"},
    )
    threads: int | None = field(
        default=None,
        metadata={
            "help": "CPU threads for PyTorch (default: its own choice); on a CPU shared with other jobs, "
            "--threads 1 avoids idle threads spinning (many times faster there)"
        },
    )

    def __post_init__(self) -> None:
        from trl_r1.cli._types import positive_int, writable_dir

        try:
            super().__post_init__()
        except EvalSettingError as e:
            raise ValueError(e.message(_flag)) from None
        if self.model is None:
            raise ValueError("--model is required (a model directory, hub id, or trl-r1/tiny)")
        if (self.benchmark is None) == (self.suite is None):
            raise ValueError("give one of --benchmark NAME (one benchmark) or --suite r1 (R1's table)")
        if self.suite is not None and self.suite not in SUITES:
            raise ValueError(f"--suite: unknown suite {self.suite!r}; choose from {', '.join(SUITES)}")
        import argparse

        for name, check in (("threads", positive_int), ("output_dir", writable_dir)):
            value = getattr(self, name)
            if value is not None:
                try:
                    setattr(self, name, check(str(value)))
                except argparse.ArgumentTypeError as e:
                    raise ValueError(f"--{name.replace('_', '-')}: {e}") from None

    def settings(self) -> EvalSettings:
        """The evaluation settings alone."""
        return EvalSettings(**{f.name: getattr(self, f.name) for f in fields(EvalSettings)})


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`EvalArguments` (``--config x.yaml`` plus command-line overrides)."""
    return CommandParser(
        (EvalArguments,),
        prog="trl-r1 eval",
        description="R1-style evaluation: pass@1 over k samples, cons@k, mean ± std over seeds",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 eval ARGS``: parse, check, evaluate, print the table."""
    return run(parse_options(make_parser(), argv))


def run(args: EvalArguments) -> int:
    from trl_r1._runtime import UsageError
    from trl_r1.cli import _checks
    from trl_r1.eval import BenchmarkError, evaluate, evaluate_suite, load_problems, results_table
    from trl_r1.eval.benchmarks import resolve_benchmark
    from trl_r1.text.language import language_consistency

    if args.language is not None:
        try:
            language_consistency("", args.language)
        except ValueError as e:
            raise UsageError(str(e)) from None
    try:  # cheap checks of the data before the model is loaded
        if args.suite is not None:
            for bench, _ in SUITES[args.suite]:
                resolve_benchmark(bench, args.data_dir)
            problems = []
        else:
            problems = load_problems(
                args.benchmark, args.data_dir, args.limit, args.question_field, args.answer_field
            )
    except BenchmarkError as e:
        raise UsageError(str(e)) from None
    if _looks_local(args.model) and not Path(args.model).expanduser().exists():
        raise UsageError(f"model directory {args.model!r} does not exist")
    if args.backend != "vllm-server":  # a server holds its own model
        # chat messages need the tokenizer's template: every template but r1_zero, or auto on chat-message prompts
        # (auto without a prompt column is r1, a chat template)
        chat = args.template != "r1_zero" and not (
            args.template == "auto" and problems and isinstance(problems[0].prompt, str)
        )
        _checks.loadable_model(args.model, chat=chat)
        from trl_r1.training.model_checks import context_fit_problems

        fit = context_fit_problems("eval", {"max_new_tokens": args.max_new_tokens}, args.model, prefix="--")
        if fit:  # an explicit --max-new-tokens is checked against the context, not trusted
            raise UsageError(fit[0].replace("max_new_tokens", "max-new-tokens", 1))
    if args.output_dir is not None:
        from trl_r1.eval.results import RESULTS_FILE, SAMPLES_FILE, TABLE_FILE

        _checks.no_file_to_overwrite(
            [Path(args.output_dir) / f for f in (RESULTS_FILE, TABLE_FILE, SAMPLES_FILE)],
            args.overwrite,
            "this evaluation's results",
        )
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    backend_kwargs = {"base_url": args.vllm_server_url} if args.backend == "vllm-server" else None
    # the exact command, next to the numbers it produced
    common = {
        "output_dir": args.output_dir,
        "backend_kwargs": backend_kwargs,
        "save_samples": not args.no_samples,
        "provenance": {"command": command_line(args)},
    }
    try:
        if args.suite is not None:
            print(evaluate_suite(args.model, args.suite, args.settings(), **common)["table"])
            return 0
        results = evaluate(args.model, args.benchmark, args.settings(), **common)
    except BenchmarkError as e:
        raise UsageError(str(e)) from None
    print(results_table(results))
    return 0


def command_line(args: Any) -> str:
    """The ``trl-r1 eval`` command with every option spelled out (defaults included): what to evaluate first."""
    parts = ["trl-r1", "eval"]
    values = vars(args)
    order = [k for k in ("model", "benchmark", "suite") if k in values] + [
        k for k in values if k not in ("model", "benchmark", "suite")
    ]
    for key in order:
        value = values[key]
        flag = "--" + key.replace("_", "-")
        if value is None or value is False or key in ("command", "func"):
            continue
        if value is True:
            parts.append(flag)
        elif isinstance(value, list):
            parts += [flag, *map(str, value)]
        else:
            parts += [flag, str(value)]
    return shlex.join(parts)


def _looks_local(model: str) -> bool:
    """A path rather than a hub id (``org/name``) or a ``trl-r1/tiny`` alias."""
    from trl_r1.models.resolve import is_tiny_alias

    return not is_tiny_alias(model) and (model.startswith((".", "/", "~")) or model.count("/") > 1)
