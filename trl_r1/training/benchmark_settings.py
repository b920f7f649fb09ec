"""The in-training benchmark evaluation's key adapter: a recipe's ``eval_benchmark:`` keys and the stage
scripts' ``eval_benchmark_*`` arguments, mapped onto :class:`trl_r1.eval.EvalSettings` (the one place the
evaluation settings and their checks are written) plus the callback's own three options (``name``,
``eval_steps``, ``problems_per_batch``). The callback that uses them is
:class:`trl_r1.training.benchmark_eval.BenchmarkEvalCallback`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trl_r1.eval import BENCHMARKS, BenchmarkError, EvalSettingError, EvalSettings, Problem, load_problems

# The evaluation settings that apply during training (one seed per evaluation; the trainer's model and engine).
SHARED = ("limit", "k", "max_new_tokens", "temperature", "top_p", "template", "seed", "layout", "data_dir")
# recipe key -> (script argument, what it is); `benchmark` is the switch.
SETTINGS = {
    "benchmark": (
        "eval_benchmark",
        f"a benchmark name ({', '.join(BENCHMARKS)}) or a question/answer (or "
        "test case) file or dataset spec",
    ),
    "name": (
        "eval_benchmark_name",
        "the name in the logged keys bench/<name>/... (default: from the benchmark)",
    ),
    **{key: (f"eval_benchmark_{key}", EvalSettings.help(key)) for key in SHARED},
    "eval_steps": ("eval_benchmark_steps", "evaluate every this many optimizer steps, and at the end"),
    "problems_per_batch": (
        "eval_benchmark_problems_per_batch",
        "problems sampled together in one generate call (a block; blocks are what processes share out)",
    ),
}
SETTINGS["seed"] = (
    "eval_benchmark_seed",
    "sampling seed; each block of problems uses a seed derived from (seed, its first problem's index)",
)
CALLBACK_DEFAULTS = {"name": None, "eval_steps": 100, "problems_per_batch": 8}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_callback_options(name: Any = None, eval_steps: Any = 100, problems_per_batch: Any = 8) -> None:
    """The callback's own options; raises :class:`~trl_r1.eval.EvalSettingError` naming the key."""
    if not _is_int(eval_steps) or eval_steps < 1:
        raise EvalSettingError(
            "eval_steps", f"must be an integer >= 1 (optimizer steps between evaluations), got {eval_steps!r}"
        )
    if not _is_int(problems_per_batch) or problems_per_batch < 1:
        raise EvalSettingError("problems_per_batch", f"must be an integer >= 1, got {problems_per_batch!r}")
    if name is not None and (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name)):
        raise EvalSettingError(
            "name", f"letters, digits and _ . - only (it goes into metric keys), got {name!r}"
        )


def benchmark_problems(benchmark: Any, settings: EvalSettings) -> list[Problem]:
    """The problems to evaluate (the first ``settings.limit``), loaded and checked now, before training starts:
    an unknown benchmark, ``limit`` larger than the benchmark, or a gold the judge cannot read raise
    :class:`~trl_r1.eval.EvalSettingError` naming the key."""
    if not isinstance(benchmark, str) or not benchmark.strip():
        raise EvalSettingError("benchmark", f"a benchmark name or file is required, got {benchmark!r}")
    try:
        problems = load_problems(benchmark, data_dir=settings.data_dir)
    except BenchmarkError as e:
        raise EvalSettingError("benchmark", str(e)) from None
    limit = settings.limit
    if limit is not None and limit > len(problems):
        raise EvalSettingError(
            "limit",
            f"{limit} is more than the {len(problems)} problems of {benchmark!r}; "
            f"use limit <= {len(problems)} or leave it out",
        )
    problems = problems[:limit] if limit is not None else problems
    _check_golds([p for p in problems if p.kind == "math"], benchmark)
    return problems


def _check_golds(problems: Sequence[Problem], benchmark: str) -> None:
    """Every gold must parse, or its problem could never be scored (the accuracy reward returns None)."""
    if not problems:
        return
    from trl_r1.rewards import accuracy_reward

    verdicts = accuracy_reward([""] * len(problems), solution=[p.answer for p in problems])
    bad = [p for p, v in zip(problems, verdicts, strict=True) if v is None]
    if bad:
        shown = ", ".join(f"{p.id}: {p.answer!r}" for p in bad[:3])
        raise EvalSettingError(
            "benchmark",
            f"{len(bad)} of {len(problems)} gold answers of {benchmark!r} cannot "
            f"be parsed by the verifier ({shown}); fix those rows or choose another "
            "answer field",
        )


def check_settings(settings: Mapping[str, Any]) -> tuple[EvalSettings, list[Problem]]:
    """Recipe keys (:data:`SETTINGS`) -> the evaluation settings and the problems, everything checked.
    Raises :class:`~trl_r1.eval.EvalSettingError` naming the recipe key."""
    unknown = [key for key in settings if key not in SETTINGS]
    if unknown:
        raise EvalSettingError(str(unknown[0]), f"unknown key; allowed: {', '.join(SETTINGS)}")
    check_callback_options(**{key: settings.get(key, default) for key, default in CALLBACK_DEFAULTS.items()})
    evaluation = EvalSettings(**{key: settings[key] for key in SHARED if key in settings})
    return evaluation, benchmark_problems(settings.get("benchmark"), evaluation)


def _argument_default(key: str) -> Any:
    return CALLBACK_DEFAULTS[key] if key in CALLBACK_DEFAULTS else EvalSettings.default(key)


@dataclass
class BenchmarkEvalArguments:
    """Script arguments of the in-training benchmark evaluation
    (:class:`~trl_r1.training.benchmark_eval.BenchmarkEvalCallback`); off by default. Defaults and help
    texts are those of :class:`~trl_r1.eval.EvalSettings`."""

    eval_benchmark: str | None = field(
        default=None,
        metadata={
            "help": "Benchmark to evaluate during training (pass@1 over k samples): "
            + SETTINGS["benchmark"][1]
            + ". None: off."
        },
    )
    eval_benchmark_name: str | None = field(default=None, metadata={"help": SETTINGS["name"][1]})
    eval_benchmark_limit: int | None = field(
        default=_argument_default("limit"), metadata={"help": SETTINGS["limit"][1]}
    )
    eval_benchmark_k: int = field(default=_argument_default("k"), metadata={"help": SETTINGS["k"][1]})
    eval_benchmark_steps: int = field(default=100, metadata={"help": SETTINGS["eval_steps"][1]})
    eval_benchmark_max_new_tokens: int | None = field(
        default=_argument_default("max_new_tokens"), metadata={"help": SETTINGS["max_new_tokens"][1]}
    )
    eval_benchmark_temperature: float = field(
        default=_argument_default("temperature"), metadata={"help": SETTINGS["temperature"][1]}
    )
    eval_benchmark_top_p: float = field(
        default=_argument_default("top_p"), metadata={"help": SETTINGS["top_p"][1]}
    )
    eval_benchmark_template: str = field(
        default=_argument_default("template"), metadata={"help": SETTINGS["template"][1]}
    )
    eval_benchmark_seed: int = field(
        default=_argument_default("seed"), metadata={"help": SETTINGS["seed"][1]}
    )
    eval_benchmark_data_dir: str | None = field(
        default=_argument_default("data_dir"), metadata={"help": SETTINGS["data_dir"][1]}
    )
    eval_benchmark_layout: str = field(
        default=_argument_default("layout"), metadata={"help": SETTINGS["layout"][1]}
    )
    eval_benchmark_problems_per_batch: int = field(
        default=8, metadata={"help": SETTINGS["problems_per_batch"][1]}
    )

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
            check_settings(settings)
        except EvalSettingError as e:
            raise ValueError(
                e.message(lambda key: SETTINGS[key][0] + "=" if key in SETTINGS else key + "=")
            ) from None


def settings_to_arguments(settings: Any) -> dict[str, Any]:
    """A recipe's ``eval_benchmark:`` value (a benchmark name, or a mapping of :data:`SETTINGS` keys) -> the
    stage's script arguments, validated. Raises :class:`~trl_r1.eval.EvalSettingError` naming the key.

    >>> settings_to_arguments({"benchmark": "synthetic://arithmetic?split=test&n=4", "eval_steps": 5})["eval_benchmark_steps"]
    5
    """
    if isinstance(settings, str):
        settings = {"benchmark": settings}
    if not isinstance(settings, Mapping):
        raise EvalSettingError(
            "benchmark", f"a benchmark name or a mapping with {', '.join(SETTINGS)}; got {settings!r}"
        )
    if "benchmark" not in settings:
        unknown = [key for key in settings if key not in SETTINGS]
        raise EvalSettingError(
            str(unknown[0]) if unknown else "benchmark",
            "unknown key" if unknown else "required (a benchmark name or file)",
        )
    check_settings(settings)
    return {SETTINGS[key][0]: value for key, value in settings.items()}
