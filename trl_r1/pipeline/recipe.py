"""The recipe file: the stages of a training pipeline, validated on load into a :class:`Recipe` of
:class:`Stage` entries (each stage's ``args`` in ``Stage.args``, its values checked by
:meth:`Stage.argument_problems`).

A recipe is YAML::

    name: r1-tiny                     # optional
    model: trl-r1/tiny                # the base model (a path, a hub id or a trl-r1/tiny alias)
    defaults:                         # optional: arguments given to every sft and grpo stage
      use_cpu: true
    stages:
      - name: cold_start              # also the stage's directory name
        kind: sft                     # sft | grpo | sample | eval
        dataset: synthetic://arithmetic?split=sft&layout=r1&n=256
        lora: false                   # or true, or {r: 16, alpha: 32, target_modules: all-linear}
        args: {learning_rate: 1.0e-3, max_steps: 100}   # script + TRL config arguments
      - name: reasoning_rl
        kind: grpo
        model: stage:cold_start       # default: the latest sft/grpo stage before this one
        dataset: synthetic://arithmetic?split=rl&layout=r1&n=512
        rewards: [accuracy, {name: think_summary_format, weight: 0.5}]
        accelerate_config: zero2      # TRL's shipped configs by name, or a path
        num_processes: 8
        eval_benchmark: {benchmark: math500, limit: 64, k: 4, eval_steps: 100}   # pass@1 during training

``model: stage:NAME`` starts from an earlier stage's saved model; ``dataset: stage:NAME`` reads
the data an earlier ``sample`` stage selected. ``args`` takes the keys of the kind's script
arguments, TRL config and ``ModelConfig`` (the same keys as the stage scripts' YAML configs).

Every error names the offending key, e.g.
``r1.yaml: stages[2].rewards[0]: unknown reward 'acc'; known: accuracy, ...``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trl_r1.pipeline.stages import KINDS
from trl_r1.training.stage import is_number

__all__ = [
    "Recipe",
    "RecipeError",
    "RewardSpec",
    "Stage",
    "load_recipe",
    "parse_recipe",
    "stage_name_problem",
]

STAGE_REF = "stage:"


LAUNCHERS = ("auto", "inprocess", "python", "accelerate", "torchrun")


TOP_KEYS = {
    "name": "a label for the recipe",
    "description": "free text",
    "model": "the base model: a local path, a hub id or trl-r1/tiny",
    "defaults": "arguments for the sft and grpo stages that accept them (a stage's own args win)",
    "stages": "the list of stages, run in order",
}


STAGE_KEYS = {
    "name": "unique name, also the stage directory (letters, digits, _ and -; at most 64)",
    "kind": "sft | grpo | sample | eval",
    "model": "where the stage starts: a path/hub id/alias, 'base', or stage:NAME",
    "dataset": "a dataset spec, stage:NAME of a sample stage, or a list (a mixture, grpo only)",
    "eval_dataset": "evaluation dataset spec during training (grpo)",
    "rewards": "grpo/sample rewards: names or dotted paths, or {name, weight, model, threshold}",
    "args": "script + TRL config + ModelConfig arguments of the kind",
    "lora": "false, true, or {r, alpha, dropout, target_modules, modules_to_save, use_rslora, use_dora, merge}",
    "accelerate_config": "accelerate config file, or one of TRL's: "
    + "single_gpu, multi_gpu, zero1, zero2, zero3, "
    "fsdp1, fsdp2",
    "num_processes": "processes for this stage (GPUs); > 1 launches a subprocess",
    "launcher": "auto | inprocess | python | accelerate | torchrun (auto: in-process unless distributed)",
    "launcher_args": "extra command-line flags for accelerate launch / torchrun (e.g. multi-node rendezvous)",
    "eval_benchmark": "grpo: benchmark pass@1 during training, a name or {benchmark, limit, k, eval_steps, ...}",
}


LORA_KEYS = {
    "r": "lora_r",
    "alpha": "lora_alpha",
    "dropout": "lora_dropout",
    "target_modules": "lora_target_modules",
    "modules_to_save": "lora_modules_to_save",
    "task_type": "lora_task_type",
    "use_rslora": "use_rslora",
    "use_dora": "use_dora",
}


TRL_ACCELERATE_CONFIGS = ("single_gpu", "multi_gpu", "zero1", "zero2", "zero3", "fsdp1", "fsdp2")


class RecipeError(ValueError):
    """An invalid recipe; the message starts with the file and the offending key."""


@dataclass
class RewardSpec:
    """One reward of a stage: a name or dotted path, its weight (grpo), its model (reward models)
    and its minimum (sample)."""

    name: str
    weight: float = 1.0
    model: str | None = None
    threshold: float | None = None

    def spec(self) -> str:
        """The ``reward_funcs`` entry: ``name`` or ``name=MODEL``."""
        return f"{self.name}={self.model}" if self.model else self.name


@dataclass
class Stage:
    """One validated stage (see the module docstring for the keys)."""

    name: str
    kind: str
    model: str | None = None
    datasets: list[str] = field(default_factory=list)
    eval_dataset: str | None = None
    rewards: list[RewardSpec] = field(default_factory=list)
    args: dict[str, Any] = field(default_factory=dict)
    lora: dict[str, Any] | None = None
    accelerate_config: str | None = None
    num_processes: int = 1
    launcher: str = "auto"
    launcher_args: list[str] = field(default_factory=list)
    index: int = 0

    def upstream(self) -> list[str]:
        """Names of the stages this one reads (its model, its datasets)."""
        refs = [self.model] + self.datasets + [self.eval_dataset]
        return [r[len(STAGE_REF) :] for r in refs if isinstance(r, str) and r.startswith(STAGE_REF)]

    def launch_mode(self) -> str:
        """``inprocess``, ``python``, ``accelerate`` or ``torchrun``."""
        if self.launcher != "auto":
            return self.launcher
        return "accelerate" if self.num_processes > 1 or self.accelerate_config else "inprocess"

    def argument_problems(self) -> list[str]:
        """One ``args.KEY: ...`` line per value of ``args`` that does not fit its field in the kind's argument types
        (:func:`trl_r1.training.arguments.check_values`: types, ranges, ``temperature > 0`` for GRPO)."""
        from trl_r1.training.arguments import check_values

        return check_values(self.args, KINDS[self.kind].argument_types(), prefix="args.")

    def fingerprint_data(self) -> dict[str, Any]:
        """What decides this stage's result (launch settings excluded: they do not change it)."""
        return {
            "kind": self.kind,
            "model": self.model,
            "datasets": self.datasets,
            "eval_dataset": self.eval_dataset,
            "rewards": [vars(r) for r in self.rewards],
            "args": self.args,
            "lora": self.lora,
        }

    def fingerprint(self) -> str:
        blob = json.dumps(self.fingerprint_data(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class Recipe:
    """A validated recipe: the base model and the stages, in order."""

    stages: list[Stage]
    model: str | None = None
    name: str = "recipe"
    description: str = ""
    source: str = "<recipe>"

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise RecipeError(f"{self.source}: no stage {name!r}; stages: {', '.join(self.names())}")

    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def to_dict(self) -> dict[str, Any]:
        """A plain dict that :func:`parse_recipe` turns back into this recipe (defaults merged)."""
        stages = []
        for s in self.stages:
            entry: dict[str, Any] = {"name": s.name, "kind": s.kind}
            if s.model is not None:
                entry["model"] = s.model
            if s.datasets:
                entry["dataset"] = s.datasets if len(s.datasets) > 1 else s.datasets[0]
            if s.eval_dataset:
                entry["eval_dataset"] = s.eval_dataset
            if s.rewards:
                entry["rewards"] = [
                    {
                        k: v
                        for k, v in vars(r).items()
                        if v is not None and (k != "weight" or s.kind == "grpo")
                    }
                    for r in s.rewards
                ]
            if s.args:
                entry["args"] = copy.deepcopy(s.args)
            entry["lora"] = copy.deepcopy(s.lora) if s.lora is not None else False
            if s.accelerate_config:
                entry["accelerate_config"] = s.accelerate_config
            entry["num_processes"] = s.num_processes
            entry["launcher"] = s.launcher
            if s.launcher_args:
                entry["launcher_args"] = list(s.launcher_args)
            stages.append(entry)
        out: dict[str, Any] = {"name": self.name, "stages": stages}
        if self.model is not None:
            out["model"] = self.model
        if self.description:
            out["description"] = self.description
        return out


# A stage name is its directory's name under OUTPUT_DIR: an identifier, so it can never be `..`, `.`, a path, one
# of the runner's own files (those all have a dot), or longer than a file name may be.
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_NAME_LENGTH = 64


def stage_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a stage (its directory), or ``None``."""
    if not isinstance(name, str) or not name:
        return f"required, a name of letters, digits, _ and - (it names the stage's directory), got {name!r}"
    if len(name) > MAX_NAME_LENGTH:
        return f"at most {MAX_NAME_LENGTH} characters (it names a directory), got {len(name)}"
    if not _NAME.match(name):
        return f"letters, digits, _ and - only (it names the stage's directory; no dots or slashes), got {name!r}"
    return None


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe YAML file (relative paths in it resolve against the working
    directory first, then the file's own directory)."""
    import yaml

    from trl_r1._runtime import YAMLTooLarge, load_yaml

    path = Path(path)
    if not path.is_file():
        what = "is not a regular file" if path.exists() else "does not exist"
        raise RecipeError(f"recipe file {str(path)!r} {what}")
    if path.stat().st_size > MAX_RECIPE_BYTES:
        raise RecipeError(
            f"{path}: {path.stat().st_size:,} bytes is not a recipe (at most {MAX_RECIPE_BYTES:,})"
        )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=str(path))
    except UnicodeDecodeError as e:
        raise RecipeError(
            f"{path}: not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}); save the "
            "recipe as UTF-8"
        ) from None
    except YAMLTooLarge as e:
        raise RecipeError(str(e)) from None
    except yaml.YAMLError as e:
        raise RecipeError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    return parse_recipe(data, source=str(path), base_dir=path.parent)


def _local(value: str, base_dir: Path | None) -> str:
    """A relative path that exists next to the recipe (and not in the working directory) is made absolute."""
    if "://" in value or value.startswith(STAGE_REF) or Path(value).is_absolute() or Path(value).exists():
        return value
    path, sep, options = value.partition("?")  # dataset options (trl_r1.data.views) stay as they are
    if base_dir is not None and (base_dir / path).exists():
        return str((base_dir / path).resolve()) + sep + options
    return value


MAX_RECIPE_BYTES = 1 << 20


def parse_recipe(data: Any, source: str = "<recipe>", base_dir: str | Path | None = None) -> Recipe:
    """Validate a recipe given as a dict (the parsed YAML); see the module docstring."""
    return _RecipeParser(source, Path(base_dir) if base_dir is not None else None).parse(data)


class _RecipeParser:
    """One pass over a recipe dict; every error names ``source`` and the key path."""

    def __init__(self, source: str, base: Path | None):
        self.source, self.base = source, base
        self.seen: dict[str, Stage] = {}
        self.last_trained: str | None = None
        self.base_model: str | None = None
        self.defaults: dict[str, Any] = {}
        self.used_defaults: set[str] = set()

    def error(self, where: str, message: str) -> RecipeError:
        return RecipeError(f"{self.source}: {where}{': ' if where else ''}{message}")

    def keys(self, where: str, data: dict[str, Any], allowed: dict[str, str] | tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                close = [k for k in allowed if k.startswith(str(key)[:3])]
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.error(f"{where}{key}", f"unknown key{hint}; allowed: {', '.join(allowed)}")

    def parse(self, data: Any) -> Recipe:
        if not isinstance(data, dict):
            raise self.error("", f"a recipe is a mapping with a 'stages' list, got {type(data).__name__}")
        self.keys("", data, TOP_KEYS)
        stages_data = data.get("stages")
        if not isinstance(stages_data, list) or not stages_data:
            raise self.error("stages", "a non-empty list of stages is required")
        self.base_model = data.get("model")
        if self.base_model is not None and (
            not isinstance(self.base_model, str) or self.base_model.startswith(STAGE_REF)
        ):
            raise self.error(
                "model", f"the base model must be a path, hub id or alias, got {self.base_model!r}"
            )
        self.defaults = data.get("defaults") or {}
        if not isinstance(self.defaults, dict):
            raise self.error(
                "defaults", f"a mapping of arguments is required, got {type(self.defaults).__name__}"
            )
        for key in ("name", "description"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise self.error(key, f"a string is required, got {type(data[key]).__name__}")
        stages = [self.stage(raw, i) for i, raw in enumerate(stages_data)]
        unused = [k for k in self.defaults if k not in self.used_defaults]
        if unused:
            raise self.error(
                f"defaults.{unused[0]}",
                "not an argument of any sft or grpo stage in this recipe "
                "(defaults apply to the training stages that accept them)",
            )
        return Recipe(
            stages=stages,
            model=self.base_model,
            name=str(data.get("name") or Path(self.source).stem),
            description=str(data.get("description") or ""),
            source=self.source,
        )

    def stage(self, raw: Any, i: int) -> Stage:
        at = f"stages[{i}]"
        if not isinstance(raw, dict):
            raise self.error(at, f"a stage is a mapping with name and kind, got {raw!r}")
        self.keys(f"{at}.", raw, STAGE_KEYS)
        name = raw.get("name")
        problem = stage_name_problem(name)
        if problem:
            raise self.error(f"{at}.name", problem)
        if name in self.seen:
            raise self.error(f"{at}.name", f"duplicate stage name {name!r}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise self.error(f"{at}.kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
        stage = Stage(name=name, kind=kind, index=i)
        self.model(stage, raw, at)
        self.datasets(stage, raw, at)
        self.rewards(stage, raw, at)
        self.args(stage, raw, at)
        self.eval_benchmark(stage, raw, at)
        self.lora(stage, raw, at)
        self.launch(stage, raw, at)
        self.seen[name] = stage
        if KINDS[kind].trains:
            self.last_trained = name
        return stage

    def ref_or_local(self, value: str, where: str, want_model: bool) -> str:
        if not value.startswith(STAGE_REF):
            return _local(value, self.base)
        ref = value[len(STAGE_REF) :]
        if ref not in self.seen:
            raise self.error(
                where,
                f"{value!r} must name an earlier stage (earlier stages: {', '.join(self.seen) or 'none'})",
            )
        kind = self.seen[ref].kind
        if want_model and not KINDS[kind].trains:
            raise self.error(
                where, f"stage {ref!r} is a {kind} stage and saves no model; point at an sft or grpo stage"
            )
        if not want_model and kind != "sample":
            raise self.error(where, f"stage {ref!r} is a {kind} stage; only sample stages produce datasets")
        return value

    def model(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        model = raw.get("model")
        if model is None:  # default: continue from the latest training stage
            model = f"{STAGE_REF}{self.last_trained}" if self.last_trained else self.base_model
        elif model == "base":
            model = self.base_model
        if model is None:
            raise self.error(
                f"{at}.model",
                "no model to start from; set the recipe's top-level 'model' (the base) or this stage's model",
            )
        if not isinstance(model, str):
            raise self.error(f"{at}.model", f"expected a string, got {model!r}")
        stage.model = self.ref_or_local(model, f"{at}.model", want_model=True)

    def datasets(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        spec = KINDS[stage.kind]
        ds = raw.get("dataset")
        if ds is None:
            raise self.error(f"{at}.dataset", "required (a dataset spec, or stage:NAME of a sample stage)")
        ds_list = ds if isinstance(ds, list) else [ds]
        if not ds_list or not all(isinstance(d, str) and d for d in ds_list):
            raise self.error(f"{at}.dataset", f"expected a dataset spec or a list of them, got {ds!r}")
        if len(ds_list) > 1 and spec.mixture_key is None:
            raise self.error(
                f"{at}.dataset",
                f"{stage.kind} stages take one dataset, got {len(ds_list)}; mixtures "
                "are for grpo stages (or prepare one file)",
            )
        stage.datasets = [self.ref_or_local(d, f"{at}.dataset", want_model=False) for d in ds_list]
        if raw.get("eval_dataset") is not None:
            if spec.eval_dataset_key is None:
                raise self.error(f"{at}.eval_dataset", "only grpo stages take one")
            stage.eval_dataset = self.ref_or_local(
                str(raw["eval_dataset"]), f"{at}.eval_dataset", want_model=False
            )

    def rewards(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        rewards = raw.get("rewards")
        if rewards is None:
            if stage.kind == "grpo":
                raise self.error(
                    f"{at}.rewards", "a grpo stage needs rewards, e.g. [accuracy, r1_zero_format]"
                )
            return
        if KINDS[stage.kind].rewards_key is None:
            raise self.error(f"{at}.rewards", f"{stage.kind} stages take no rewards (grpo and sample do)")
        if not isinstance(rewards, list) or not rewards:
            raise self.error(f"{at}.rewards", f"a non-empty list is required, got {rewards!r}")
        stage.rewards = [self.reward(r, f"{at}.rewards[{j}]", stage.kind) for j, r in enumerate(rewards)]

    def reward(self, raw: Any, where: str, kind: str) -> RewardSpec:
        from trl_r1.rewards.registry import check_reward_name

        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict):
            raise self.error(where, f"a reward name or {{name, weight, model, threshold}}, got {raw!r}")
        self.keys(f"{where}.", raw, ("name", "weight", "model", "threshold"))
        name, model, weight, threshold = (
            raw.get("name"),
            raw.get("model"),
            raw.get("weight", 1.0),
            raw.get("threshold"),
        )
        if not isinstance(name, str) or not name:
            raise self.error(f"{where}.name", "required (a reward name or dotted path)")
        if model is not None:
            if kind != "grpo":
                raise self.error(f"{where}.model", "reward models apply to grpo stages")
            model = _local(str(model), self.base)
        problem = check_reward_name(name, model)
        if problem:
            raise self.error(where, problem)
        if not is_number(weight):
            raise self.error(f"{where}.weight", f"a finite number is required, got {weight!r}")
        if "weight" in raw and kind != "grpo":
            raise self.error(f"{where}.weight", "weights apply to grpo rewards; sample stages use threshold")
        if threshold is not None:
            if kind != "sample":
                raise self.error(f"{where}.threshold", "thresholds apply to sample stages; grpo uses weight")
            if not is_number(threshold) and threshold != float("-inf"):  # -inf: keep every sample
                raise self.error(
                    f"{where}.threshold",
                    f"a finite number (or -.inf: keep all) is required, got {threshold!r}",
                )
            threshold = float(threshold)
        return RewardSpec(name=name, weight=float(weight), model=model, threshold=threshold)

    def args(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        spec = KINDS[stage.kind]
        own = raw.get("args") or {}
        if not isinstance(own, dict):
            raise self.error(f"{at}.args", f"a mapping of arguments is required, got {type(own).__name__}")
        try:
            known = spec.argument_names()
        except ImportError as e:
            raise self.error(
                f"{at}.kind", f"{stage.kind} stages need a module that is not available ({e})"
            ) from None
        shared = {k: v for k, v in self.defaults.items() if spec.trains and k in known}
        self.used_defaults.update(shared)
        merged = {**shared, **own}
        filled = _filled_keys(spec, stage.kind)
        for key in merged:
            where = f"{at}.args.{key}" if key in own else f"defaults.{key}"
            if key in filled and key in known:
                raise self.error(where, f"set from {filled[key]}; remove it from args")
            if key not in known:
                close = sorted(k for k in known if k.startswith(key[:4]))[:5]
                hint = f"; close: {', '.join(close)}" if close else ""
                raise self.error(
                    where,
                    f"not an argument of {stage.kind} stages{hint} (args take the fields of "
                    f"{', '.join(t.__name__ for t in spec.argument_types())})",
                )
        stage.args = merged

    def eval_benchmark(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        """``eval_benchmark:`` -> the stage's ``eval_benchmark*`` arguments (trl_r1.training.benchmark_eval)."""
        if raw.get("eval_benchmark") is None:
            return
        if stage.kind != "grpo":
            raise self.error(
                f"{at}.eval_benchmark", "only grpo stages evaluate during training (use an eval stage)"
            )
        from trl_r1.eval import EvalSettingError
        from trl_r1.training.benchmark_settings import settings_to_arguments

        try:
            flat = settings_to_arguments(raw["eval_benchmark"])
        except EvalSettingError as e:
            raise self.error(f"{at}.eval_benchmark.{e.key}", e.reason) from None
        both = sorted(set(flat) & set(raw.get("args") or {}))
        if both:
            raise self.error(f"{at}.args.{both[0]}", "set it in eval_benchmark:, not in args")
        stage.args.update(flat)

    def lora(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        lora = raw.get("lora", False)
        if lora in (None, False):
            return
        if not KINDS[stage.kind].trains:
            raise self.error(f"{at}.lora", "only sft and grpo stages train adapters")
        if lora is True:
            lora = {}
        if not isinstance(lora, dict):
            raise self.error(f"{at}.lora", f"expected true/false or a mapping, got {lora!r}")
        self.keys(f"{at}.lora.", lora, (*LORA_KEYS, "merge"))
        if "merge" in lora and not isinstance(lora["merge"], bool):
            raise self.error(f"{at}.lora.merge", f"expected true or false, got {lora['merge']!r}")
        from trl import ModelConfig

        from trl_r1.training.arguments import check_values

        # the values go to ModelConfig's lora_* fields: their types and RANGES (r >= 1, dropout in [0, 1), ...)
        for key in ("target_modules", "modules_to_save"):  # a module name, or a list of them
            value = lora.get(key)
            if (
                value is not None
                and not isinstance(value, str)
                and not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value))
            ):
                raise self.error(
                    f"{at}.lora.{key}", f"a module name or a list of them is required, got {value!r}"
                )
        problems = check_values(
            {
                LORA_KEYS[k]: v
                for k, v in lora.items()
                if k not in ("merge", "target_modules", "modules_to_save")
            },
            (ModelConfig,),
        )
        if problems:
            field_name, _, reason = problems[0].partition(": ")
            key = next(k for k, v in LORA_KEYS.items() if v == field_name)
            raise self.error(f"{at}.lora.{key}", reason)
        stage.lora = dict(lora)

    def launch(self, stage: Stage, raw: dict[str, Any], at: str) -> None:
        n, launcher, cfg = (
            raw.get("num_processes", 1),
            raw.get("launcher", "auto"),
            raw.get("accelerate_config"),
        )
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise self.error(f"{at}.num_processes", f"a positive integer is required, got {n!r}")
        if launcher not in LAUNCHERS:
            raise self.error(f"{at}.launcher", f"must be one of {', '.join(LAUNCHERS)}, got {launcher!r}")
        if cfg is not None:
            stage.accelerate_config = self.accelerate_config(cfg, f"{at}.accelerate_config")
        if (n > 1 or cfg) and not KINDS[stage.kind].distributed:
            raise self.error(
                f"{at}.num_processes",
                f"{stage.kind} stages run in one process (only sft and grpo stages are distributed)",
            )
        if launcher == "inprocess" and (n > 1 or cfg):
            raise self.error(
                f"{at}.launcher",
                f"'inprocess' runs one process; use accelerate or torchrun for "
                f"num_processes={n}" + (" with an accelerate_config" if cfg else ""),
            )
        if launcher == "torchrun" and cfg:
            raise self.error(
                f"{at}.accelerate_config", "torchrun ignores accelerate configs; use launcher: accelerate"
            )
        extra = raw.get("launcher_args") or []
        if not isinstance(extra, list) or not all(isinstance(a, (str, int)) for a in extra):
            raise self.error(f"{at}.launcher_args", "a list of command-line flags is required")
        stage.num_processes, stage.launcher, stage.launcher_args = n, launcher, [str(a) for a in extra]

    def accelerate_config(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(where, f"a file path or one of {', '.join(TRL_ACCELERATE_CONFIGS)}")
        if value in TRL_ACCELERATE_CONFIGS:
            import trl

            return str(Path(trl.__file__).parent / "accelerate_configs" / f"{value}.yaml")
        path = _local(value, self.base)
        if not Path(path).is_file():
            raise self.error(
                where,
                f"{value!r} does not exist; give an accelerate config file or one of TRL's: "
                f"{', '.join(TRL_ACCELERATE_CONFIGS)}",
            )
        return str(Path(path).resolve())


def _filled_keys(spec: Any, kind: str) -> dict[str, str]:
    """Arguments the recipe's own keys fill in (an ``args`` entry for them would conflict)."""
    filled = {spec.model_key: "the stage's model:", spec.output_key: "the stage directory (OUTPUT_DIR/NAME)"}
    if spec.dataset_key:
        filled[spec.dataset_key] = "the stage's dataset:"
    if spec.mixture_key:
        filled[spec.mixture_key] = "the stage's dataset: (a list)"
    if spec.rewards_key:
        filled[spec.rewards_key] = "the stage's rewards:"
    if spec.trains:
        filled.update(
            {
                "use_peft": "the stage's lora:",
                "lora_merge": "lora.merge",
                "reward_weights": "rewards[].weight",
                "resume_from_checkpoint": "the runner (it resumes from the last checkpoint)",
            }
        )
        filled.update({v: f"lora.{k}" for k, v in LORA_KEYS.items()})
    if kind == "sample":
        filled["reward_thresholds"] = "rewards[].threshold"
    return filled
