"""Checks of a stage's arguments that run before any work (``trl-r1 run``, ``--dry-run``, the stage scripts):
each value against its dataclass field's type, the ranges a value must lie in (``max_steps: -5``,
``per_device_train_batch_size: 0``), the optional packages the settings need (:func:`missing_extras`), and the
inputs the arguments name, read from their files (:func:`input_problems`: datasets, models, rewards).

``TrlParser.parse_dict`` (what a recipe's ``args`` go through) and YAML defaults given to
``TrlParser.parse_args_and_config`` are not converted to the field types, so ``max_steps: ten`` or
``learning_rate: [1, 2]`` reach the trainer and fail there, minutes later, with a ``TypeError``. These
functions return one line per problem instead (``[]`` when all is well).

>>> from dataclasses import dataclass
>>> @dataclass
... class Args:
...     max_steps: int = -1
...     learning_rate: float = 1e-3
>>> check_values({"max_steps": "ten", "learning_rate": [1, 2]}, (Args,))
["max_steps: expected an integer, got 'ten'", 'learning_rate: expected a number, got [1, 2]']
>>> check_values({"max_steps": -5}, (Args,))
['max_steps: must be a positive number of optimizer steps, or -1 (train num_train_epochs instead), got -5']
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import logging
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

_POSITIVE = (lambda v: v > 0, "must be > 0")
_NON_NEGATIVE = (lambda v: v >= 0, "must be >= 0")
_AT_LEAST_ONE = (lambda v: v >= 1, "must be >= 1")
_TOKENS = (lambda v: v >= 1, "must be >= 1 token")
_PROBLEMS = (lambda v: v >= 1, "must be >= 1 problem (or null: all of them)")
_FRACTION = (lambda v: 0 < v <= 1, "must be in (0, 1]")

# name -> (accepts value, what it must be). Applied to every stage kind and subcommand that has the field.
RANGES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "max_steps": (
        lambda v: v == -1 or v >= 1,
        "must be a positive number of optimizer steps, or -1 (train num_train_epochs instead)",
    ),
    "num_train_epochs": _POSITIVE,
    "learning_rate": _POSITIVE,
    "per_device_train_batch_size": _AT_LEAST_ONE,
    "per_device_eval_batch_size": _AT_LEAST_ONE,
    "gradient_accumulation_steps": _AT_LEAST_ONE,
    "warmup_steps": _NON_NEGATIVE,
    "logging_steps": _POSITIVE,
    "save_steps": _POSITIVE,
    "eval_steps": _POSITIVE,
    "max_grad_norm": _NON_NEGATIVE,
    "weight_decay": _NON_NEGATIVE,
    "num_generations": (lambda v: v >= 2, "must be >= 2 (GRPO compares completions within a group)"),
    "max_completion_length": _TOKENS,
    "max_length": _TOKENS,
    "max_new_tokens": _TOKENS,
    "max_prompt_length": (lambda v: v >= 1, "must be >= 1 token (or null: no limit)"),
    "temperature": _NON_NEGATIVE,
    "top_p": _FRACTION,
    "beta": _NON_NEGATIVE,
    "epsilon": _NON_NEGATIVE,
    "vllm_gpu_memory_utilization": _FRACTION,
    "num_samples": _AT_LEAST_ONE,
    "k": _AT_LEAST_ONE,
    "batch_size": _AT_LEAST_ONE,
    "lora_r": _AT_LEAST_ONE,
    "lora_alpha": _POSITIVE,
    "lora_dropout": (lambda v: 0 <= v < 1, "must be in [0, 1)"),
    "limit": _PROBLEMS,
    "eval_benchmark_limit": _PROBLEMS,
    "max_prompts": _AT_LEAST_ONE,
}


# config class -> field -> (accepts value, what it must be): a range that holds for one class's field only, and
# replaces the RANGES entry of that name there.
CONFIG_RANGES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "GRPOConfig": {
        "temperature": (lambda v: v > 0, "must be > 0 for GRPO (rollouts are sampled); e.g. 0.7-1.0"),
    },
}


def matches(value: Any, hint: Any) -> bool | None:
    """Whether ``value`` (as read from YAML) fits the type ``hint``; ``None`` when the hint is one this
    check does not know (the config class then has the last word)."""
    if hint is Any or hint is object:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        verdicts = [matches(value, h) for h in typing.get_args(hint)]
        return True if any(verdicts) else (None if None in verdicts else False)
    if hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return isinstance(value, (hint, str))
    if origin in (list, tuple, typing.Sequence) or hint in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return False
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        if len(args) != 1:
            return True
        verdicts = [matches(v, args[0]) for v in value]
        return False if False in verdicts else True
    if origin is dict or hint is dict:
        return isinstance(value, dict)
    return None


def _expected(hint: Any) -> str:
    names = {int: "an integer", float: "a number", bool: "true or false", str: "a string", type(None): "null"}
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return " or ".join(dict.fromkeys(_expected(h) for h in typing.get_args(hint)))
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin in (list, tuple) or hint in (list, tuple):
        args = typing.get_args(hint)
        return f"a list of {_expected(args[0]).removeprefix('a ').removeprefix('an ')}s" if args else "a list"
    if origin is dict or hint is dict:
        return "a mapping"
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def field_hints(types_: Iterable[Any]) -> dict[str, Any]:
    """Field name -> type hint of dataclasses (or a function's parameters), first definition wins."""
    hints: dict[str, Any] = {}
    for obj in types_:
        try:
            resolved = typing.get_type_hints(obj)
        except Exception:  # an annotation that does not resolve here: leave its fields to the class
            resolved = {}
        names = (
            [f.name for f in dataclasses.fields(obj) if f.init]
            if dataclasses.is_dataclass(obj)
            else list(inspect.signature(obj).parameters)
        )
        for name in names:
            if name in resolved:
                hints.setdefault(name, resolved[name])
    return hints


def check_values(values: Mapping[str, Any], types_: Iterable[Any], prefix: str = "") -> list[str]:
    """One line per value of ``values`` that does not fit its field's type in ``types_`` (dataclasses or
    functions) or lies outside :data:`RANGES` (:data:`CONFIG_RANGES` for the fields of a class listed there);
    keys no type declares are not checked here."""
    types_ = list(types_)
    hints = field_hints(types_)
    ranges = dict(RANGES)
    for obj in types_:
        ranges.update(CONFIG_RANGES.get(getattr(obj, "__name__", ""), {}))
    problems = []
    for key, value in values.items():
        hint = hints.get(key)
        if hint is not None and matches(value, hint) is False:
            problems.append(f"{prefix}{key}: expected {_expected(hint)}, got {value!r}")
            continue
        rule = ranges.get(key)
        if rule is None or value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        ok, requirement = rule
        if not ok(value):
            problems.append(f"{prefix}{key}: {requirement}, got {value!r}")
    return problems


class StageArgumentsError(ValueError):
    """A stage's flat arguments refused before any work: one line per problem, each naming its key."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_stage_arguments(
    types_: Sequence[type], values: Mapping[str, Any], probe: bool = False
) -> tuple[Any, ...]:
    """The one parse of a stage's flat arguments (a pipeline stage's ``stage_config.yaml``) into its config classes:
    TRL's ``TrlParser.parse_dict``, so each class's own checks run (``GRPOConfig``'s, ``GRPOStageArguments``'s reward
    names). The pipeline parses twice with it: as a probe before any work, and in the stage's process.

    ``probe=True``: the check before any work, on a machine that may not be the stage's: bf16/fp16 are left for
    launch (their support is the device's), transformers' device set-up lines are silenced, and a class's refusal
    becomes :class:`StageArgumentsError` with its first line (``args: ...``)."""
    from trl import TrlParser

    if not probe:
        return tuple(TrlParser(tuple(types_)).parse_dict(dict(values)))
    if any(dataclasses.is_dataclass(t) and "bf16" in {f.name for f in dataclasses.fields(t)} for t in types_):
        values = {**values, "bf16": False, "fp16": False}
    quiet = logging.getLogger("transformers")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # "setting up devices": not news in a check
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(TrlParser(tuple(types_)).parse_dict(dict(values)))
    except Exception as e:  # the config classes' own checks: ValueError, TypeError, a missing package
        raise StageArgumentsError([f"args: {_first(e)}"]) from e
    finally:
        quiet.setLevel(level)


def changed_values(*objects: Any) -> dict[str, Any]:
    """The fields of parsed dataclass instances whose value differs from the field's default (what a
    user set), for :func:`check_values` after ``TrlParser`` has built them."""
    out: dict[str, Any] = {}
    for obj in objects:
        if not dataclasses.is_dataclass(obj):
            continue
        for f in dataclasses.fields(obj):
            if not f.init or not hasattr(obj, f.name):
                continue
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                default = dataclasses.MISSING
            value = getattr(obj, f.name)
            if isinstance(value, enum.Enum) or dataclasses.is_dataclass(value):
                continue  # built by the class from a value it accepted (an enum, AcceleratorConfig)
            try:
                same = value == default
            except Exception:  # pragma: no cover - exotic defaults
                same = False
            if not same:
                out.setdefault(f.name, value)
    return out


def exit_on_problems(problems: list[str], prog: str) -> None:
    """Print each problem as one ``PROG: error: ...`` line and exit with code 2 (a usage error), if any."""
    if not problems:
        return
    import sys

    for problem in problems:
        print(f"{prog}: error: {problem}", file=sys.stderr)
    raise SystemExit(2)


# report_to backend -> (module to import, pip package)
REPORT_BACKENDS = {
    "wandb": ("wandb", "trl-r1[wandb]"),
    "tensorboard": ("tensorboard", "tensorboard"),
    "mlflow": ("mlflow", "mlflow"),
    "comet_ml": ("comet_ml", "comet_ml"),
    "trackio": ("trackio", "trackio"),
    "clearml": ("clearml", "clearml"),
    "dvclive": ("dvclive", "dvclive"),
    "neptune": ("neptune", "neptune"),
    "swanlab": ("swanlab", "swanlab"),
    "codecarbon": ("codecarbon", "codecarbon"),
}


def importable(module: str) -> bool:
    """Whether ``module`` can be imported here (without importing it)."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # pragma: no cover - a broken parent package
        return False


def uses_deepspeed(accelerate_config: str | None) -> bool:
    """Whether an accelerate config file runs DeepSpeed (TRL's zero1-3 do)."""
    if not accelerate_config:
        return False
    import yaml

    try:
        data = yaml.safe_load(open(accelerate_config, encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return False
    return str(data.get("distributed_type", "")).upper() == "DEEPSPEED" or "deepspeed_config" in data


def missing_extras(values: Mapping[str, Any], accelerate_config: str | None = None) -> list[str]:
    """One line per optional package the settings need that is not installed: DeepSpeed (a ZeRO accelerate
    config or ``deepspeed:``), vLLM (``use_vllm: true`` or ``backend: vllm``), the ``report_to`` backends,
    bitsandbytes (4/8-bit loading)."""
    problems = []
    if (uses_deepspeed(accelerate_config) or values.get("deepspeed")) and not importable("deepspeed"):
        where = "accelerate_config" if uses_deepspeed(accelerate_config) else "deepspeed"
        problems.append(
            f"{where}: runs DeepSpeed, which is not installed; pip install 'trl-r1[deepspeed]' "
            "(or use an accelerate config without DeepSpeed)"
        )
    if values.get("use_vllm") is True and not importable("vllm"):
        problems.append(
            "use_vllm: vLLM is not installed; pip install 'trl-r1[vllm]' (or set use_vllm: false)"
        )
    if values.get("backend") == "vllm" and not importable("vllm"):
        problems.append(
            "backend: vLLM is not installed; pip install 'trl-r1[vllm]' (or backend: transformers)"
        )
    if values.get("use_vllm") is True and importable("vllm"):
        problems += vllm_cpu_problems(values)
    report_to = values.get("report_to")
    names = (
        [report_to]
        if isinstance(report_to, str)
        else list(report_to or [])
        if isinstance(report_to, list)
        else []
    )
    for name in names:
        module, package = REPORT_BACKENDS.get(str(name), (None, None))
        if module and not importable(module):
            problems.append(
                f"report_to: {name} is not installed; pip install '{package}' (or report_to: none)"
            )
    if (values.get("load_in_4bit") or values.get("load_in_8bit")) and not importable("bitsandbytes"):
        problems.append("load_in_4bit/load_in_8bit: bitsandbytes is not installed; pip install bitsandbytes")
    return problems


# What TRL's vLLM paths cannot do without a GPU, with the error each one ends in (README "vLLM on CPU").
VLLM_CPU_LIMITS = {
    "vllm_mode": (
        "server",
        "vllm_mode: server cannot train without a CUDA GPU: TRL syncs weights to the server over "
        "NCCL (NotImplementedError: Weight synchronization runs on vLLM's NCCL weight-transfer engine, "
        "which needs a CUDA device, got 'cpu'); use vllm_mode: colocate",
    ),
    "vllm_enable_sleep_mode": (
        True,
        "vllm_enable_sleep_mode: vLLM has no sleep mode on CPU (ValueError: Sleep mode "
        "is not supported on current platform.); set vllm_enable_sleep_mode: false",
    ),
}


def vllm_cpu_problems(values: Mapping[str, Any]) -> list[str]:
    """One line per ``use_vllm`` setting that cannot run on this machine because it has no CUDA GPU
    (checked before any work; without the check each fails only after the model and engine are loaded)."""
    if values.get("use_vllm") is not True:
        return []
    import torch

    if torch.cuda.is_available():
        return []
    return [line for key, (bad, line) in VLLM_CPU_LIMITS.items() if values.get(key) == bad]


def _fields(parsed: Iterable[Any]) -> dict[str, Any]:
    everything: dict[str, Any] = {}
    for obj in parsed:
        if dataclasses.is_dataclass(obj):
            for f in dataclasses.fields(obj):
                everything.setdefault(f.name, getattr(obj, f.name, None))
    return everything


def is_chat(rows: list[dict] | None) -> bool:
    """Whether the rows' prompts are chat messages (the tokenizer then needs a chat template)."""
    return any(
        isinstance(row.get("prompt"), list) or isinstance(row.get("messages"), list) for row in rows or []
    )


def dataset_problems(kind: str, parsed: Iterable[Any], specs: list[str]) -> tuple[list[str], bool]:
    """Read the first rows of each dataset of ``specs`` as the loader does (:func:`trl_r1.data.loading.
    peek_dataset_spec`) and run the stage's own preparation checks on them: GRPO's prompt and gold columns
    (:func:`trl_r1.training.grpo.check_dataset`, after ``prompt_template``), the cold-start shape
    (``ColdStartFormat.resolve_shape``), ready SFT data's columns, rejection sampling's prompts. Returns the
    problems and whether the data is chat messages the tokenizer must render (SFT stages install ChatML when the
    tokenizer has no template, trl_r1.models.tokenizer_surgery, so they need none)."""
    from trl_r1.data.loading import peek_dataset_spec

    parsed = list(parsed)
    values = _fields(parsed)
    problems, chat = [], False
    for spec in specs:
        try:
            rows = peek_dataset_spec(spec, split=values.get("dataset_train_split") or "train")
        except ValueError as e:
            problems.append(f"dataset: {e}")
            continue
        if rows is None:  # a hub dataset: read at load time
            continue
        chat = chat or (kind != "sft" and is_chat(rows))  # SFT installs a chat template when there is none
        try:
            _prepare_check(kind, parsed, values, rows, spec, mixture=len(specs) > 1)
        except ValueError as e:
            problems.append(f"dataset: {_first(e)}")
    if kind == "grpo" and values.get("prompt_template") == "chat":
        chat = True
    return problems, chat


def _first(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


def _prepare_check(
    kind: str, parsed: list[Any], values: dict[str, Any], rows: list[dict], spec: str, mixture: bool
) -> None:
    import inspect

    from datasets import Dataset

    if kind == "grpo":
        # The GRPO module's own add_prompts/check_dataset, found from its arguments' class: the stage modules
        # import this one (run_stage_script), so importing them here would be a cycle.
        script_args = next((p for p in parsed if hasattr(p, "verifiable_column")), None)
        if script_args is None:
            return
        stage_module = inspect.getmodule(type(script_args))
        data = stage_module.add_prompts(Dataset.from_list(rows), script_args)
        if mixture:  # a part may lack the gold column (general prompts, routed): only the prompt is needed
            if "prompt" not in data.column_names:
                raise ValueError(f"{spec}: GRPO needs a 'prompt' column; found {data.column_names}")
        else:
            stage_module.check_dataset(data, script_args, spec)
    elif kind == "sft":
        columns = list(dict.fromkeys(k for row in rows for k in row))
        if values.get("cold_start_format", True) is False:
            if not ({"prompt", "completion"} <= set(columns) or "messages" in columns):
                raise ValueError(
                    f"{spec}: SFT on ready data needs prompt + completion (or messages) columns, found "
                    f"{columns}; set cold_start_format: true to format raw data"
                )
        else:
            script_args = next((p for p in parsed if callable(getattr(p, "cold_start_format", None))), None)
            if script_args is not None:
                script_args.cold_start_format().resolve_shape(columns)
    elif kind == "sample":
        from trl_r1.rejection.sampler import prepare_prompts

        prepare_prompts(rows, parsed[0])


def input_problems(
    kind: str,
    parsed: Iterable[Any],
    model: str | None,
    specs: list[str],
    reward_names: Iterable[str] = (),
    reward_models: Iterable[tuple[str, str]] = (),
    inherited_model: str | None = None,
    model_key: str = "model",
) -> list[str]:
    """Everything a stage's inputs would fail on, read from their files before any model loads: its datasets
    (:func:`dataset_problems`), its model and reward models (:func:`trl_r1.training.model_checks.model_problem`,
    with a chat template when the data is chat), its dotted rewards (:func:`~trl_r1.training.model_checks.
    reward_problem`) and its token budgets against the model's context (:func:`~trl_r1.training.model_checks.
    context_fit_problems`; ``model`` ``None``: an earlier stage's model, whose base the caller checks; its
    tokenizer, ``inherited_model``'s, must still have a chat template when this stage's data is chat)."""
    from trl_r1.training.model_checks import model_problem, reward_problem

    parsed = list(parsed)
    problems, chat = dataset_problems(kind, parsed, [s for s in specs if s])
    if model is not None and (problem := model_problem(model, model_key, chat=chat)):
        problems.append(problem)
    elif model is None and chat and inherited_model and model_problem(inherited_model) is None:
        if problem := model_problem(
            inherited_model, model_key, chat=True
        ):  # the tokenizer travels with the weights
            problems.append(problem)
    for key, reward_model in reward_models:
        if problem := model_problem(reward_model, key):
            problems.append(problem)
    for name in reward_names:
        if problem := reward_problem(name):
            problems.append(f"rewards: {problem}")
    return problems


def script_problems(parsed: Iterable[Any]) -> list[str]:
    """What a stage script's parsed arguments (after ``TrlParser``) would fail on, before any work: values
    against their types and ranges, reward weights, the datasets, model and rewards (:func:`input_problems`),
    the token budgets against the model's context, missing extras."""
    import math

    from trl_r1.data.loading import check_dataset_spec
    from trl_r1.rewards.registry import parse_reward_spec
    from trl_r1.training.model_checks import context_fit_problems

    parsed = list(parsed)
    changed = changed_values(*parsed)
    problems = check_values(changed, [type(p) for p in parsed])
    everything = _fields(parsed)
    specs = (
        [everything.get("dataset_name")]
        + list(everything.get("dataset_mixture") or [])
        + [everything.get("eval_dataset_name")]
    )
    for spec in specs:
        problem = check_dataset_spec(spec) if isinstance(spec, str) and spec else None
        if problem:
            problems.append(f"dataset: {problem}")
    rewards = [parse_reward_spec(s) for s in everything.get("reward_funcs") or []]
    weights = everything.get("reward_weights")
    if weights is not None and not any(p.startswith("reward_weights:") for p in problems):
        if len(weights) != len(rewards):
            problems.append(
                f"reward_weights: {len(weights)} weight(s) for {len(rewards)} reward_funcs; give one "
                "weight per reward, in the same order"
            )
        bad = [
            w
            for w in weights
            if not isinstance(w, (int, float)) or isinstance(w, bool) or not math.isfinite(w)
        ]
        if bad:
            problems.append(f"reward_weights: every weight must be a finite number, got {bad[0]!r}")
    problems += missing_extras(everything)  # report_to "all" is already the installed backends here
    if problems:  # reading the data and model would only repeat these
        return problems
    kind = _script_kind(parsed)
    model = everything.get("model_name_or_path") or everything.get("model")
    data = [s for s in specs[:-1] if isinstance(s, str) and s]
    budgets = {
        **everything,
        "max_prompt_length": changed.get("max_prompt_length"),
    }  # the default is no promise
    if kind == "stage3":  # sampling_model samples the prompts, then model_name_or_path is fine-tuned on them
        from trl_r1.training.model_checks import model_problem

        sampler = everything.get("sampling_model")
        problems += input_problems(
            "sample",
            parsed[:1],
            sampler,
            data,
            reward_names=[n for n, _ in rewards],
            model_key="sampling_model",
        )
        if everything.get("sft_from", "base") == "base" and (
            problem := model_problem(model, "model_name_or_path")
        ):
            problems.append(problem)
        if not problems:
            problems += context_fit_problems("sample", budgets, sampler, prefix="sampling: ")
            problems += context_fit_problems("sft", budgets, model)
        return problems
    problems += input_problems(
        kind,
        parsed,
        model,
        data,
        reward_names=[n for n, _ in rewards],
        reward_models=[(f"reward_funcs: {n}", m) for n, m in rewards if m],
        model_key="model_name_or_path" if "model_name_or_path" in everything else "model",
    )
    if not problems and isinstance(model, str):
        problems += context_fit_problems(kind, budgets, model)
    return problems


def _script_kind(parsed: list[Any]) -> str:
    names = {type(p).__name__ for p in parsed}
    if any(hasattr(p, "sampling_model") for p in parsed):
        return "stage3"
    if "GRPOConfig" in names or "GRPOStageArguments" in names:
        return "grpo"
    if "RejectionSamplingConfig" in names:
        return "sample"
    return "sft"
