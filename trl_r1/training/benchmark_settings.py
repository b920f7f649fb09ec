"""The settings of the in-training benchmark evaluation: the recipe keys (:data:`SETTINGS`), their checks
(:func:`check_settings`, everything before training starts), and the stage scripts' arguments
(:class:`BenchmarkEvalArguments`, :func:`settings_to_arguments`). The callback that uses them is
:class:`trl_r1.training.benchmark_eval.BenchmarkEvalCallback`, whose module re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trl_r1.eval import BenchmarkError, Problem, load_problems
from trl_r1.eval.benchmarks import resolve_benchmark

TEMPLATES = ("auto", "r1", "r1_zero", "chat", "deepseek")
FORMATS = ("auto", "r1", "r1_zero")
# recipe key -> (script argument, what it is); `benchmark` is the switch.
SETTINGS = {
    "benchmark": ("eval_benchmark", "a benchmark name (math500, aime24, amc23, gsm8k, cmath) or a question/answer "
                                    "file or dataset spec"),
    "name": ("eval_benchmark_name", "the name in the logged keys bench/<name>/... (default: from the benchmark)"),
    "limit": ("eval_benchmark_limit", "evaluate the first `limit` problems (default: all)"),
    "k": ("eval_benchmark_k", "samples per problem"),
    "eval_steps": ("eval_benchmark_steps", "evaluate every this many optimizer steps, and at the end"),
    "max_new_tokens": ("eval_benchmark_max_new_tokens", "completion budget (default: max_completion_length)"),
    "temperature": ("eval_benchmark_temperature", "sampling temperature (R1: 0.6)"),
    "top_p": ("eval_benchmark_top_p", "nucleus sampling (R1: 0.95)"),
    "template": ("eval_benchmark_template", "prompt template: " + ", ".join(TEMPLATES)),
    "seed": ("eval_benchmark_seed", "sampling seed; each block of problems uses a seed derived from (seed, its "
                                    "first problem's index)"),
    "format": ("eval_benchmark_format", "the layout format_compliance checks: auto (from the prompt, as trl-r1 eval "
                                        "does), r1 (<think> + summary) or r1_zero (<think> + <answer>)"),
    "problems_per_batch": ("eval_benchmark_problems_per_batch", "problems sampled together in one generate call "
                                                                "(a block; blocks are what processes share out)"),
    "data_dir": ("eval_benchmark_data_dir", "folder holding the named benchmarks' files"),
}


class BenchmarkSettingError(ValueError):
    """A bad benchmark setting; ``key`` is the recipe key (``benchmark``, ``limit``, ``eval_steps``...)."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key, self.reason = key, message


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_settings(benchmark: Any, limit: Any = None, k: Any = 4, eval_steps: Any = 100, max_new_tokens: Any = None,
                   temperature: Any = 0.6, top_p: Any = 0.95, template: Any = "auto", seed: Any = 0,
                   data_dir: Any = None, name: Any = None, format: Any = "auto",
                   problems_per_batch: Any = 8) -> list[Problem]:
    """Validate benchmark settings and return the problems to evaluate (everything is checked before training).

    Raises :class:`BenchmarkSettingError` naming the key: an unknown benchmark, ``limit`` larger than
    the benchmark, ``eval_steps`` < 1, a gold answer the verifier cannot parse, and bad ranges.
    """
    if not isinstance(benchmark, str) or not benchmark.strip():
        raise BenchmarkSettingError("benchmark", f"a benchmark name or file is required, got {benchmark!r}")
    if not _is_int(eval_steps) or eval_steps < 1:
        raise BenchmarkSettingError("eval_steps", f"must be an integer >= 1 (optimizer steps between evaluations), "
                                                  f"got {eval_steps!r}")
    if not _is_int(k) or k < 1:
        raise BenchmarkSettingError("k", f"samples per problem must be an integer >= 1, got {k!r}")
    if limit is not None and (not _is_int(limit) or limit < 1):
        raise BenchmarkSettingError("limit", f"must be an integer >= 1 (or left out for all problems), got {limit!r}")
    if max_new_tokens is not None and (not _is_int(max_new_tokens) or max_new_tokens < 1):
        raise BenchmarkSettingError("max_new_tokens", f"must be an integer >= 1, got {max_new_tokens!r}")
    if not _is_number(temperature) or temperature < 0:
        raise BenchmarkSettingError("temperature", f"must be a number >= 0, got {temperature!r}")
    if temperature == 0 and k > 1:
        raise BenchmarkSettingError("temperature", "0 (greedy) gives k identical samples; R1 samples at 0.6 (or "
                                                   "use k: 1)")
    if not _is_number(top_p) or not 0 < top_p <= 1:
        raise BenchmarkSettingError("top_p", f"must be in (0, 1], got {top_p!r}")
    if template not in TEMPLATES:
        raise BenchmarkSettingError("template", f"unknown prompt template {template!r}; choose from "
                                                f"{', '.join(TEMPLATES)}")
    if format not in FORMATS:
        raise BenchmarkSettingError("format", f"must be one of {', '.join(FORMATS)}, got {format!r}")
    if not _is_int(problems_per_batch) or problems_per_batch < 1:
        raise BenchmarkSettingError("problems_per_batch", f"must be an integer >= 1, got {problems_per_batch!r}")
    if not _is_int(seed):
        raise BenchmarkSettingError("seed", f"must be an integer, got {seed!r}")
    if name is not None and (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name)):
        raise BenchmarkSettingError("name", f"letters, digits and _ . - only (it goes into metric keys), got {name!r}")
    try:
        resolve_benchmark(benchmark, data_dir)
        problems = load_problems(benchmark, data_dir=data_dir)
    except BenchmarkError as e:
        raise BenchmarkSettingError("benchmark", str(e)) from None
    if limit is not None and limit > len(problems):
        raise BenchmarkSettingError("limit", f"{limit} is more than the {len(problems)} problems of {benchmark!r}; "
                                             f"use limit <= {len(problems)} or leave it out")
    problems = problems[:limit] if limit is not None else problems
    _check_golds(problems, benchmark)
    return problems


def _check_golds(problems: Sequence[Problem], benchmark: str) -> None:
    """Every gold must parse, or its problem could never be scored (the accuracy reward returns None)."""
    from trl_r1.rewards import accuracy_reward

    verdicts = accuracy_reward([""] * len(problems), solution=[p.answer for p in problems])
    bad = [p for p, v in zip(problems, verdicts, strict=True) if v is None]
    if bad:
        shown = ", ".join(f"{p.id}: {p.answer!r}" for p in bad[:3])
        raise BenchmarkSettingError("benchmark", f"{len(bad)} of {len(problems)} gold answers of {benchmark!r} cannot "
                                                 f"be parsed by the verifier ({shown}); fix those rows or choose "
                                                 "another answer field")


@dataclass
class BenchmarkEvalArguments:
    """Script arguments of the in-training benchmark evaluation
    (:class:`~trl_r1.training.benchmark_eval.BenchmarkEvalCallback`); off by default."""

    eval_benchmark: str | None = field(
        default=None, metadata={"help": "Benchmark to evaluate during training (pass@1 over k samples): "
                                        + SETTINGS["benchmark"][1] + ". None: off."})
    eval_benchmark_name: str | None = field(default=None, metadata={"help": SETTINGS["name"][1]})
    eval_benchmark_limit: int | None = field(default=None, metadata={"help": SETTINGS["limit"][1]})
    eval_benchmark_k: int = field(default=4, metadata={"help": SETTINGS["k"][1]})
    eval_benchmark_steps: int = field(default=100, metadata={"help": SETTINGS["eval_steps"][1]})
    eval_benchmark_max_new_tokens: int | None = field(default=None, metadata={"help": SETTINGS["max_new_tokens"][1]})
    eval_benchmark_temperature: float = field(default=0.6, metadata={"help": SETTINGS["temperature"][1]})
    eval_benchmark_top_p: float = field(default=0.95, metadata={"help": SETTINGS["top_p"][1]})
    eval_benchmark_template: str = field(default="auto", metadata={"help": SETTINGS["template"][1]})
    eval_benchmark_seed: int = field(default=0, metadata={"help": SETTINGS["seed"][1]})
    eval_benchmark_data_dir: str | None = field(default=None, metadata={"help": SETTINGS["data_dir"][1]})
    eval_benchmark_format: str = field(default="auto", metadata={"help": SETTINGS["format"][1]})
    eval_benchmark_problems_per_batch: int = field(default=8, metadata={"help": SETTINGS["problems_per_batch"][1]})

    def benchmark_settings(self) -> dict[str, Any] | None:
        """The settings by recipe key (``None`` when no benchmark is set)."""
        if self.eval_benchmark is None:
            return None
        return {key: getattr(self, arg) for key, (arg, _) in SETTINGS.items()}

    def __post_init__(self):
        settings = self.benchmark_settings()
        if settings is None:
            return
        try:
            check_settings(**settings)
        except BenchmarkSettingError as e:
            raise ValueError(f"{SETTINGS[e.key][0]}: {e.reason}") from None


def settings_to_arguments(settings: Any) -> dict[str, Any]:
    """A recipe's ``eval_benchmark:`` value (a benchmark name, or a mapping of :data:`SETTINGS` keys) -> the
    stage's script arguments, validated. Raises :class:`BenchmarkSettingError` naming the key.

    >>> settings_to_arguments({"benchmark": "synthetic://arithmetic?split=test&n=4", "eval_steps": 5})["eval_benchmark_steps"]
    5
    """
    if isinstance(settings, str):
        settings = {"benchmark": settings}
    if not isinstance(settings, Mapping):
        raise BenchmarkSettingError("benchmark", f"a benchmark name or a mapping with {', '.join(SETTINGS)}; got "
                                                 f"{settings!r}")
    for key in settings:
        if key not in SETTINGS:
            raise BenchmarkSettingError(str(key), f"unknown key; allowed: {', '.join(SETTINGS)}")
    if "benchmark" not in settings:
        raise BenchmarkSettingError("benchmark", "required (a benchmark name or file)")
    defaults = {f.name: f.default for f in BenchmarkEvalArguments.__dataclass_fields__.values()}
    full = {key: settings.get(key, defaults[arg]) for key, (arg, _) in SETTINGS.items()}
    check_settings(**full)
    return {SETTINGS[key][0]: value for key, value in settings.items()}
