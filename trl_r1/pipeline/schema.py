"""What a validated recipe is: :class:`Recipe`, its :class:`Stage` entries and their keys
(parsed and checked from YAML by :mod:`trl_r1.pipeline.recipe`)."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

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
