"""The recipe file: the stages of a training pipeline, validated on load.

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
    "name": "unique name, also the stage directory (letters, digits, _ . -)",
    "kind": "sft | grpo | sample | eval",
    "model": "where the stage starts: a path/hub id/alias, 'base', or stage:NAME",
    "dataset": "a dataset spec, stage:NAME of a sample stage, or a list (a mixture, grpo only)",
    "eval_dataset": "evaluation dataset spec during training (grpo)",
    "rewards": "grpo/sample rewards: names or dotted paths, or {name, weight, model, threshold}",
    "args": "script + TRL config + ModelConfig arguments of the kind",
    "lora": "false, true, or {r, alpha, dropout, target_modules, modules_to_save, use_rslora, use_dora, merge}",
    "accelerate_config": "accelerate config file, or one of TRL's: " + "single_gpu, multi_gpu, zero1, zero2, zero3, "
    "fsdp1, fsdp2",
    "num_processes": "processes for this stage (GPUs); > 1 launches a subprocess",
    "launcher": "auto | inprocess | python | accelerate | torchrun (auto: in-process unless distributed)",
    "launcher_args": "extra command-line flags for accelerate launch / torchrun (e.g. multi-node rendezvous)",
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
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


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

    def fingerprint_data(self) -> dict[str, Any]:
        """What decides this stage's result (launch settings excluded: they do not change it)."""
        return {
            "kind": self.kind, "model": self.model, "datasets": self.datasets, "eval_dataset": self.eval_dataset,
            "rewards": [vars(r) for r in self.rewards], "args": self.args, "lora": self.lora,
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
                entry["rewards"] = [{k: v for k, v in vars(r).items() if v is not None} for r in s.rewards]
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


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe YAML file (relative paths in it resolve against the working
    directory first, then the file's own directory)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"recipe file {str(path)!r} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise RecipeError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    return parse_recipe(data, source=str(path), base_dir=path.parent)


def _keys(where: str, data: dict[str, Any], allowed: dict[str, str], source: str) -> None:
    for key in data:
        if key not in allowed:
            close = [k for k in allowed if k.startswith(str(key)[:3])]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RecipeError(f"{source}: {where}{key}: unknown key{hint}; allowed: {', '.join(allowed)}")


def _local(value: str, base_dir: Path | None) -> str:
    """A relative path that exists next to the recipe (and not in the working directory) is made absolute."""
    if "://" in value or value.startswith(STAGE_REF) or Path(value).is_absolute() or Path(value).exists():
        return value
    if base_dir is not None and (base_dir / value).exists():
        return str((base_dir / value).resolve())
    return value


def parse_recipe(data: Any, source: str = "<recipe>", base_dir: str | Path | None = None) -> Recipe:
    """Validate a recipe given as a dict (the parsed YAML); see the module docstring."""
    from trl_r1.grpo import check_reward_name

    base = Path(base_dir) if base_dir is not None else None
    if not isinstance(data, dict):
        raise RecipeError(f"{source}: a recipe is a mapping with a 'stages' list, got {type(data).__name__}")
    _keys("", data, TOP_KEYS, source)
    stages_data = data.get("stages")
    if not isinstance(stages_data, list) or not stages_data:
        raise RecipeError(f"{source}: stages: a non-empty list of stages is required")
    base_model = data.get("model")
    if base_model is not None and (not isinstance(base_model, str) or base_model.startswith(STAGE_REF)):
        raise RecipeError(f"{source}: model: the base model must be a path, hub id or alias, got {base_model!r}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise RecipeError(f"{source}: defaults: a mapping of arguments is required, got {type(defaults).__name__}")

    stages: list[Stage] = []
    used_defaults: dict[str, Any] = {}
    seen: dict[str, Stage] = {}
    last_trained: str | None = None
    for i, raw in enumerate(stages_data):
        at = f"stages[{i}]"
        if not isinstance(raw, dict):
            raise RecipeError(f"{source}: {at}: a stage is a mapping with name and kind, got {raw!r}")
        _keys(f"{at}.", raw, STAGE_KEYS, source)
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise RecipeError(f"{source}: {at}.name: required, letters/digits/_ . - only (it names a directory), "
                              f"got {name!r}")
        if name in seen:
            raise RecipeError(f"{source}: {at}.name: duplicate stage name {name!r}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise RecipeError(f"{source}: {at}.kind: must be one of {', '.join(KINDS)}, got {kind!r}")
        spec = KINDS[kind]
        stage = Stage(name=name, kind=kind, index=i)

        # model
        model = raw.get("model")
        if model is None:
            model = f"{STAGE_REF}{last_trained}" if last_trained else base_model
        elif model == "base":
            model = base_model
        if model is None:
            raise RecipeError(f"{source}: {at}.model: no model to start from; set the recipe's top-level "
                              "'model' (the base) or this stage's model")
        if not isinstance(model, str):
            raise RecipeError(f"{source}: {at}.model: expected a string, got {model!r}")
        stage.model = _ref_or_local(model, f"{at}.model", seen, source, base, want_model=True)

        # datasets
        ds = raw.get("dataset")
        if ds is None:
            raise RecipeError(f"{source}: {at}.dataset: required (a dataset spec, or stage:NAME of a sample stage)")
        ds_list = ds if isinstance(ds, list) else [ds]
        if not ds_list or not all(isinstance(d, str) and d for d in ds_list):
            raise RecipeError(f"{source}: {at}.dataset: expected a dataset spec or a list of them, got {ds!r}")
        if len(ds_list) > 1 and spec.mixture_key is None:
            raise RecipeError(f"{source}: {at}.dataset: {kind} stages take one dataset, got {len(ds_list)}; "
                              "mixtures are for grpo stages (or prepare one file)")
        stage.datasets = [_ref_or_local(d, f"{at}.dataset", seen, source, base, want_model=False) for d in ds_list]
        if raw.get("eval_dataset") is not None:
            if spec.eval_dataset_key is None:
                raise RecipeError(f"{source}: {at}.eval_dataset: only grpo stages take one")
            stage.eval_dataset = _ref_or_local(str(raw["eval_dataset"]), f"{at}.eval_dataset", seen, source, base,
                                               want_model=False)

        # rewards
        rewards = raw.get("rewards")
        if rewards is not None:
            if spec.rewards_key is None:
                raise RecipeError(f"{source}: {at}.rewards: {kind} stages take no rewards (grpo and sample do)")
            if not isinstance(rewards, list) or not rewards:
                raise RecipeError(f"{source}: {at}.rewards: a non-empty list is required, got {rewards!r}")
            for j, r in enumerate(rewards):
                stage.rewards.append(_reward(r, f"{at}.rewards[{j}]", kind, source, base, check_reward_name))
        elif kind == "grpo":
            raise RecipeError(f"{source}: {at}.rewards: a grpo stage needs rewards, e.g. [accuracy, r1_zero_format]")

        # args
        args = raw.get("args") or {}
        if not isinstance(args, dict):
            raise RecipeError(f"{source}: {at}.args: a mapping of arguments is required, got {type(args).__name__}")
        known = _known_args(spec, stage, at, source)
        shared = {k: v for k, v in defaults.items() if spec.trains and k in known}
        used_defaults.update(shared)
        merged = {**shared, **args}
        _check_args(merged, args, stage, spec, known, at, source)
        stage.args = merged

        # lora
        lora = raw.get("lora", False)
        if lora not in (None, False):
            if not spec.trains:
                raise RecipeError(f"{source}: {at}.lora: only sft and grpo stages train adapters")
            if lora is True:
                lora = {}
            if not isinstance(lora, dict):
                raise RecipeError(f"{source}: {at}.lora: expected true/false or a mapping, got {lora!r}")
            for key in lora:
                if key not in LORA_KEYS and key != "merge":
                    raise RecipeError(f"{source}: {at}.lora.{key}: unknown key; allowed: "
                                      f"{', '.join(list(LORA_KEYS) + ['merge'])}")
            stage.lora = dict(lora)

        # launching
        n = raw.get("num_processes", 1)
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise RecipeError(f"{source}: {at}.num_processes: a positive integer is required, got {n!r}")
        stage.num_processes = n
        launcher = raw.get("launcher", "auto")
        if launcher not in LAUNCHERS:
            raise RecipeError(f"{source}: {at}.launcher: must be one of {', '.join(LAUNCHERS)}, got {launcher!r}")
        stage.launcher = launcher
        cfg = raw.get("accelerate_config")
        if cfg is not None:
            stage.accelerate_config = _accelerate_config(cfg, f"{at}.accelerate_config", source, base)
        if (n > 1 or cfg) and not spec.distributed:
            raise RecipeError(f"{source}: {at}.num_processes: {kind} stages run in one process (only sft and grpo "
                              "stages are distributed)")
        if launcher == "inprocess" and (n > 1 or cfg):
            raise RecipeError(f"{source}: {at}.launcher: 'inprocess' runs one process; use accelerate or torchrun "
                              f"for num_processes={n}" + (" with an accelerate_config" if cfg else ""))
        if launcher == "torchrun" and cfg:
            raise RecipeError(f"{source}: {at}.accelerate_config: torchrun ignores accelerate configs; "
                              "use launcher: accelerate")
        largs = raw.get("launcher_args") or []
        if not isinstance(largs, list) or not all(isinstance(a, (str, int)) for a in largs):
            raise RecipeError(f"{source}: {at}.launcher_args: a list of command-line flags is required")
        stage.launcher_args = [str(a) for a in largs]

        stages.append(stage)
        seen[name] = stage
        if spec.trains:
            last_trained = name
    unused = [k for k in defaults if k not in used_defaults]
    if unused:
        raise RecipeError(f"{source}: defaults.{unused[0]}: not an argument of any sft or grpo stage in this recipe "
                          "(defaults apply to the training stages that accept them)")
    return Recipe(stages=stages, model=base_model, name=str(data.get("name") or Path(source).stem),
                  description=str(data.get("description") or ""), source=source)


def _ref_or_local(value: str, where: str, seen: dict[str, Stage], source: str, base: Path | None,
                  want_model: bool) -> str:
    if not value.startswith(STAGE_REF):
        return _local(value, base)
    ref = value[len(STAGE_REF) :]
    if ref not in seen:
        earlier = ", ".join(seen) or "none"
        raise RecipeError(f"{source}: {where}: {value!r} must name an earlier stage (earlier stages: {earlier})")
    kind = seen[ref].kind
    if want_model and not KINDS[kind].trains:
        raise RecipeError(f"{source}: {where}: stage {ref!r} is a {kind} stage and saves no model; "
                          "point at an sft or grpo stage")
    if not want_model and kind != "sample":
        raise RecipeError(f"{source}: {where}: stage {ref!r} is a {kind} stage; only sample stages produce "
                          "datasets")
    return value


def _reward(raw: Any, where: str, kind: str, source: str, base: Path | None, check) -> RewardSpec:
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        raise RecipeError(f"{source}: {where}: a reward name or {{name, weight, model, threshold}}, got {raw!r}")
    allowed = {"name": "", "weight": "", "model": "", "threshold": ""}
    _keys(f"{where}.", raw, allowed, source)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise RecipeError(f"{source}: {where}.name: required (a reward name or dotted path)")
    model = raw.get("model")
    if model is not None:
        model = _local(str(model), base)
    problem = check(name, model)
    if problem:
        raise RecipeError(f"{source}: {where}: {problem}")
    weight = raw.get("weight", 1.0)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool):
        raise RecipeError(f"{source}: {where}.weight: a number is required, got {weight!r}")
    if "weight" in raw and kind != "grpo":
        raise RecipeError(f"{source}: {where}.weight: weights apply to grpo rewards; sample stages use threshold")
    threshold = raw.get("threshold")
    if threshold is not None and kind != "sample":
        raise RecipeError(f"{source}: {where}.threshold: thresholds apply to sample stages; grpo uses weight")
    if threshold is not None and (not isinstance(threshold, (int, float)) or isinstance(threshold, bool)):
        raise RecipeError(f"{source}: {where}.threshold: a number is required, got {threshold!r}")
    if model is not None and kind != "grpo":
        raise RecipeError(f"{source}: {where}.model: reward models apply to grpo stages")
    return RewardSpec(name=name, weight=float(weight), model=model,
                      threshold=float(threshold) if threshold is not None else None)


def _known_args(spec: Any, stage: Stage, at: str, source: str) -> set[str]:
    try:
        return spec.argument_names()
    except ImportError as e:
        raise RecipeError(f"{source}: {at}.kind: {stage.kind} stages need a module that is not available ({e})") from None


def _check_args(merged: dict[str, Any], own: dict[str, Any], stage: Stage, spec: Any, known: set[str], at: str,
                source: str) -> None:
    filled = {spec.model_key: "model", spec.output_key: "the stage directory (--output-dir/NAME)"}
    if spec.dataset_key:
        filled[spec.dataset_key] = "dataset"
    if spec.mixture_key:
        filled[spec.mixture_key] = "dataset (a list)"
    if spec.rewards_key:
        filled[spec.rewards_key] = "rewards"
    if spec.trains:
        filled.update({"use_peft": "lora", "reward_weights": "rewards[].weight", "resume_from_checkpoint":
                       "the runner (it resumes from the last checkpoint)"})
        filled.update({v: f"lora.{k}" for k, v in LORA_KEYS.items()})
    if stage.kind == "sample":
        filled["reward_thresholds"] = "rewards[].threshold"
    for key in merged:
        where = f"{at}.args.{key}" if key in own else f"defaults.{key}"
        if key in filled and key in known:
            raise RecipeError(f"{source}: {where}: set by the recipe's {filled[key]}; remove it from args")
        if key not in known:
            close = sorted(k for k in known if k.startswith(key[:4]))[:5]
            hint = f"; close: {', '.join(close)}" if close else ""
            raise RecipeError(f"{source}: {where}: not an argument of {stage.kind} stages{hint} (args take the "
                              f"fields of {', '.join(t.rpartition('.')[2] for t in spec.argument_types)})")


def _accelerate_config(value: Any, where: str, source: str, base: Path | None) -> str:
    if not isinstance(value, str) or not value:
        raise RecipeError(f"{source}: {where}: a file path or one of {', '.join(TRL_ACCELERATE_CONFIGS)}")
    if value in TRL_ACCELERATE_CONFIGS:
        import trl

        return str(Path(trl.__file__).parent / "accelerate_configs" / f"{value}.yaml")
    path = _local(value, base)
    if not Path(path).is_file():
        raise RecipeError(f"{source}: {where}: {value!r} does not exist; give an accelerate config file or one "
                          f"of TRL's: {', '.join(TRL_ACCELERATE_CONFIGS)}")
    return str(Path(path).resolve())
