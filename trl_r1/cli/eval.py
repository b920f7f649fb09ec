"""``trl-r1 eval``: R1-style evaluation of a model on a benchmark (see :mod:`trl_r1.eval.evaluate`).

    trl-r1 eval --model DIR --benchmark math500 --k 16 --output-dir eval/math500

Every input is checked (benchmark found and readable, fields recognised, k and pass@k values
valid) before the model is loaded; bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import shlex
from pathlib import Path

from trl_r1.cli._types import non_negative_float, positive_int, probability, writable_dir
from trl_r1.eval.benchmarks import BENCHMARKS
from trl_r1.eval.evaluate import TEMPLATES

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True,
                        help="model directory, hub id, or trl-r1/tiny (the offline tiny model)")
    parser.add_argument("--benchmark", required=True,
                        help=f"one of {', '.join(BENCHMARKS)}, or a .jsonl/.json/.parquet file (or synthetic:// spec) "
                             "with question and answer fields")
    parser.add_argument("--k", type=positive_int, default=4, help="samples per problem (R1: 4 to 64; default 4)")
    parser.add_argument("--limit", type=positive_int, default=None, help="evaluate only the first N problems")
    parser.add_argument("--pass-k", type=positive_int, nargs="+", default=None, metavar="K",
                        help="k values for unbiased pass@k (default: powers of two up to --k, and --k)")
    parser.add_argument("--output-dir", type=writable_dir, default=None,
                        help="write results.json, results.md and samples.jsonl here")
    parser.add_argument("--temperature", type=non_negative_float, default=0.6, help="R1: 0.6")
    parser.add_argument("--top-p", type=probability, default=0.95, help="R1: 0.95")
    parser.add_argument("--max-new-tokens", type=positive_int, default=None,
                        help="completion budget (default: R1's 32768, capped so the longest prompt plus completion "
                             "fits the model's context)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--template", choices=TEMPLATES, default="auto",
                        help="prompt: auto (the data's prompt column, else r1), r1 (R1 system instruction), "
                             "r1_zero (R1-Zero string template), chat (bare question), deepseek (question + "
                             "'Please reason step by step...\\boxed{}', for released R1/distill models)")
    parser.add_argument("--prefill-think", action="store_true", help="end every prompt with an opened <think>")
    parser.add_argument("--language", default=None,
                        help="target language for language consistency (default: the benchmark's; detected for files)")
    parser.add_argument("--answer-fallback", action="store_true",
                        help="read completions without R1 tags whole (last \\boxed{}); off by default (R1's rule)")
    parser.add_argument("--backend", choices=("auto", "transformers", "vllm", "vllm-server"), default="auto",
                        help="auto: vLLM when installed, else Transformers")
    parser.add_argument("--vllm-server-url", default="http://localhost:8000", help="for --backend vllm-server")
    parser.add_argument("--batch-size", type=positive_int, default=64,
                        help="sequences per generate call (Transformers backend)")
    parser.add_argument("--data-dir", default=None,
                        help="folder holding the named benchmark files (default: $TRL_R1_BENCHMARKS_DIR, else "
                             "shared/data/benchmarks next to the checkout)")
    parser.add_argument("--question-field", default=None, help="question field of a benchmark file")
    parser.add_argument("--answer-field", default=None, help="gold answer field of a benchmark file")
    parser.add_argument("--no-samples", action="store_true", help="do not write samples.jsonl")
    parser.add_argument("--threads", type=positive_int, default=None,
                        help="CPU threads for PyTorch (default: its own choice); on a CPU shared with other jobs, "
                             "--threads 1 avoids idle threads spinning (many times faster there)")


def run(args: argparse.Namespace) -> int:
    from trl_r1.cli import UsageError
    from trl_r1.eval.benchmarks import BenchmarkError, load_problems
    from trl_r1.eval.evaluate import evaluate, results_table
    from trl_r1.rewards.language import language_consistency

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
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    backend_kwargs = {"base_url": args.vllm_server_url} if args.backend == "vllm-server" else None
    try:
        results = evaluate(
            args.model, args.benchmark, k=args.k, limit=args.limit, pass_k=args.pass_k,
            temperature=args.temperature, top_p=args.top_p, max_new_tokens=args.max_new_tokens, seed=args.seed,
            template=args.template, prefill_think=args.prefill_think, language=args.language,
            answer_fallback=args.answer_fallback, backend=args.backend, batch_size=args.batch_size,
            backend_kwargs=backend_kwargs, data_dir=args.data_dir, question_field=args.question_field,
            answer_field=args.answer_field, output_dir=args.output_dir, save_samples=not args.no_samples,
            provenance={"command": command_line(args)},  # the exact command, next to the numbers it produced
        )
    except BenchmarkError as e:
        raise UsageError(str(e)) from None
    print(results_table(results))
    return 0


def command_line(args: argparse.Namespace) -> str:
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
