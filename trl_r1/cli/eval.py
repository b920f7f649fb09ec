"""``trl-r1 eval``: R1-style evaluation of a model on a benchmark (see :mod:`trl_r1.eval.evaluate`).

    trl-r1 eval --model DIR --benchmark math500 --k 16 --output-dir eval/math500
    trl-r1 eval --config eval.yaml --k 64          # YAML keys are the fields of EvalArguments

Options are :class:`EvalArguments`, parsed by TRL's ``TrlParser``; their defaults are those of
:func:`~trl_r1.eval.evaluate.evaluate` (read from its signature, written once). Every input is checked
(benchmark found and readable, fields recognised, k and pass@k values valid) before the model is
loaded; bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trl_r1.cli._parser import ArgumentParser, parse_options
from trl_r1.cli._types import non_negative_float, positive_int, probability, writable_dir
from trl_r1.eval.benchmarks import BENCHMARKS
from trl_r1.eval.evaluate import TEMPLATES, evaluate

logger = logging.getLogger(__name__)

_DEFAULTS = {name: p.default for name, p in inspect.signature(evaluate).parameters.items()}
Template = Literal[TEMPLATES]  # type: ignore[valid-type]
Backend = Literal["auto", "transformers", "vllm", "vllm-server"]


@dataclass
class EvalArguments:
    """The options of ``trl-r1 eval`` (``--config x.yaml`` holds any of them)."""

    model: str = field(metadata={"help": "model directory, hub id, or trl-r1/tiny (the offline tiny model)"})
    benchmark: str = field(
        metadata={"help": f"one of {', '.join(BENCHMARKS)}, or a .jsonl/.json/.parquet file (or synthetic:// spec) "
                          "with question and answer fields"})
    k: int = field(default=_DEFAULTS["k"], metadata={"help": "samples per problem (R1: 4 to 64)"})
    limit: int | None = field(default=_DEFAULTS["limit"], metadata={"help": "evaluate only the first N problems"})
    pass_k: list[int] | None = field(
        default=_DEFAULTS["pass_k"],
        metadata={"help": "k values for unbiased pass@k (default: powers of two up to --k, and --k)"})
    output_dir: str | None = field(default=_DEFAULTS["output_dir"],
                                   metadata={"help": "write results.json, results.md and samples.jsonl here"})
    temperature: float = field(default=_DEFAULTS["temperature"], metadata={"help": "R1: 0.6"})
    top_p: float = field(default=_DEFAULTS["top_p"], metadata={"help": "R1: 0.95"})
    max_new_tokens: int | None = field(
        default=_DEFAULTS["max_new_tokens"],
        metadata={"help": "completion budget (default: R1's 32768, capped so the longest prompt plus completion "
                          "fits the model's context)"})
    seed: int = field(default=_DEFAULTS["seed"], metadata={"help": "sampling seed"})
    template: Template = field(
        default=_DEFAULTS["template"],
        metadata={"help": "prompt: auto (the data's prompt column, else r1), r1 (R1 system instruction), "
                          "r1_zero (R1-Zero string template), chat (bare question), deepseek (question + "
                          "'Please reason step by step...\\boxed{}', for released R1/distill models)"})
    prefill_think: bool = field(default=_DEFAULTS["prefill_think"],
                                metadata={"help": "end every prompt with an opened <think>"})
    language: str | None = field(
        default=_DEFAULTS["language"],
        metadata={"help": "target language for language consistency (default: the benchmark's; detected for files)"})
    answer_fallback: bool = field(
        default=_DEFAULTS["answer_fallback"],
        metadata={"help": "read completions without R1 tags whole (last \\boxed{}); off by default (R1's rule)"})
    format_layout: Literal["auto", "r1_zero", "r1"] = field(
        default=_DEFAULTS["format_layout"],
        metadata={"help": "the layout format compliance scores (auto: r1_zero when the prompt asks for <answer>)"})
    backend: Backend = field(default=_DEFAULTS["backend"],
                             metadata={"help": "auto: vLLM when installed, else Transformers"})
    vllm_server_url: str = field(default="http://localhost:8000", metadata={"help": "for --backend vllm-server"})
    batch_size: int = field(default=_DEFAULTS["batch_size"],
                            metadata={"help": "sequences per generate call (Transformers backend)"})
    data_dir: str | None = field(
        default=_DEFAULTS["data_dir"],
        metadata={"help": "folder holding local copies of the named benchmarks (math500.jsonl, ...); default: "
                          "$TRL_R1_BENCHMARKS_DIR, else their Hub datasets through `datasets`"})
    question_field: str | None = field(default=_DEFAULTS["question_field"],
                                       metadata={"help": "question field of a benchmark file"})
    answer_field: str | None = field(default=_DEFAULTS["answer_field"],
                                     metadata={"help": "gold answer field of a benchmark file"})
    no_samples: bool = field(default=not _DEFAULTS["save_samples"], metadata={"help": "do not write samples.jsonl"})
    threads: int | None = field(
        default=None,
        metadata={"help": "CPU threads for PyTorch (default: its own choice); on a CPU shared with other jobs, "
                          "--threads 1 avoids idle threads spinning (many times faster there)"})

    def __post_init__(self) -> None:
        checks = {"k": positive_int, "limit": positive_int, "max_new_tokens": positive_int,
                  "batch_size": positive_int, "threads": positive_int, "temperature": non_negative_float,
                  "top_p": probability, "output_dir": writable_dir}
        for name, check in checks.items():
            value = getattr(self, name)
            if value is None:
                continue
            try:
                setattr(self, name, check(str(value)))
            except argparse.ArgumentTypeError as e:
                raise ValueError(f"--{name.replace('_', '-')}: {e}") from None
        for value in self.pass_k or []:
            if value < 1:
                raise ValueError(f"--pass-k: expected a positive integer, got {value}")


def make_parser() -> ArgumentParser:
    """``TrlParser`` over :class:`EvalArguments` (``--config x.yaml`` plus command-line overrides)."""
    return ArgumentParser((EvalArguments,), prog="trl-r1 eval",
                          description="R1-style evaluation: pass@1 over k samples, cons@k")


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 eval ARGS``: parse, check, evaluate, print the table."""
    return run(parse_options(make_parser(), argv))


def run(args: EvalArguments) -> int:
    from trl_r1.cli import UsageError, _checks
    from trl_r1.eval.benchmarks import BenchmarkError, load_problems
    from trl_r1.eval.evaluate import evaluate
    from trl_r1.eval.results import results_table
    from trl_r1.text.language import language_consistency

    if args.pass_k and max(args.pass_k) > args.k:
        raise UsageError(f"--pass-k {max(args.pass_k)} is larger than --k {args.k} (pass@k needs k <= samples)")
    if args.language is not None:
        try:
            language_consistency("", args.language)
        except ValueError as e:
            raise UsageError(str(e)) from None
    try:  # cheap checks of the data before the model is loaded
        load_problems(args.benchmark, args.data_dir, args.limit, args.question_field, args.answer_field)
    except BenchmarkError as e:
        raise UsageError(str(e)) from None
    if _looks_local(args.model) and not Path(args.model).expanduser().exists():
        raise UsageError(f"model directory {args.model!r} does not exist")
    if args.backend != "vllm-server":  # a server holds its own model
        _checks.loadable_model(args.model)
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    backend_kwargs = {"base_url": args.vllm_server_url} if args.backend == "vllm-server" else None
    try:
        results = evaluate(
            args.model, args.benchmark, k=args.k, limit=args.limit, pass_k=args.pass_k,
            temperature=args.temperature, top_p=args.top_p, max_new_tokens=args.max_new_tokens, seed=args.seed,
            template=args.template, prefill_think=args.prefill_think, language=args.language,
            answer_fallback=args.answer_fallback, format_layout=args.format_layout, backend=args.backend, batch_size=args.batch_size,
            backend_kwargs=backend_kwargs, data_dir=args.data_dir, question_field=args.question_field,
            answer_field=args.answer_field, output_dir=args.output_dir, save_samples=not args.no_samples,
            provenance={"command": command_line(args)},  # the exact command, next to the numbers it produced
        )
    except BenchmarkError as e:
        raise UsageError(str(e)) from None
    print(results_table(results))
    return 0


def command_line(args: Any) -> str:
    """The ``trl-r1 eval`` command with every option spelled out (defaults included)."""
    parts = ["trl-r1", "eval"]
    for key, value in vars(args).items():
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
