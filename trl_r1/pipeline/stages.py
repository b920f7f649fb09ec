"""The stage kinds of a recipe: for each, where its arguments, their parse and its stage function live.

A stage's flat arguments are exactly what the matching stage script reads with ``TrlParser`` (script
arguments + TRL config + ``ModelConfig`` in one namespace), so a stage written by the runner to
``<stage dir>/stage_config.yaml`` can be rerun alone, e.g.
``accelerate launch recipes/r1_stage2.py --config runs/r1/reasoning_rl/stage_config.yaml``.

=======  ===============================================  ==========================================
kind     stage function (flat arguments -> metrics)        R1 stage
=======  ===============================================  ==========================================
sft      :func:`trl_r1.training.sft.run_sft_stage`          1 (cold start), 3 (SFT on sampled data),
                                                          distillation
grpo     :func:`trl_r1.training.grpo.run_grpo_stage`        R1-Zero, 2 (reasoning RL), 4 (all scenarios)
sample   :func:`run_sample_stage` (``rejection_sample``)    3 (rejection sampling)
eval     :func:`run_eval_stage` (``trl_r1.eval.evaluate``)  pass@1 of a stage's model
=======  ===============================================  ==========================================

The table names the training modules by dotted path: they import TRL and torch, which reading a recipe does not
need until it checks a stage's arguments.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trl_r1.eval import EvalSettings, evaluate
from trl_r1.rejection.config import RejectionSamplingConfig
from trl_r1.training.stage import is_number


@dataclass(frozen=True)
class StageKind:
    """How the runner maps a recipe stage onto a library call.

    Attributes:
        name: ``sft``, ``grpo``, ``sample`` or ``eval``.
        arguments: dotted path of the kind's argument types, a tuple of dataclasses (or a function and its
            settings); their fields are the ``args:`` keys a recipe stage of this kind accepts.
        run: dotted path of the stage function (flat arguments -> metrics), run in the stage's process.
        parse: dotted path of ``parse(values, probe_processes=None)``, the one parse of the kind's flat arguments
            into its argument types (the stage function parses with it too); ``None``: the stage function takes
            them as keyword arguments (eval).
        model_key / dataset_key / output_key: the argument names the recipe's ``model``,
            ``dataset`` and the stage directory fill in.
        mixture_key: argument holding several datasets, if the kind accepts a mixture.
        trains: produces a model the next stage can start from.
        distributed: may run under ``accelerate launch`` / ``torchrun`` with several processes.
    """

    name: str
    arguments: str
    run: str
    parse: str | None
    model_key: str
    dataset_key: str | None
    output_key: str
    mixture_key: str | None = None
    eval_dataset_key: str | None = None
    rewards_key: str | None = None
    trains: bool = False
    distributed: bool = False

    def argument_types(self) -> tuple[Any, ...]:
        """The kind's argument types (imports its library module)."""
        return _named(self.arguments)

    def argument_names(self) -> set[str]:
        """Every argument this kind accepts (imports the library modules)."""
        names: set[str] = set()
        for obj in self.argument_types():
            if dataclasses.is_dataclass(obj):
                names |= {f.name for f in dataclasses.fields(obj) if f.init}
            else:
                names |= {p for p in inspect.signature(obj).parameters if p not in ("self", "kwargs")}
        return names

    def stage_function(self) -> Callable[[Mapping[str, Any]], dict[str, float]]:
        """The stage function (flat arguments -> metrics)."""
        return _named(self.run)

    def parser(self) -> Callable[..., tuple[Any, ...]] | None:
        """``parse(values, probe_processes=None)`` of the kind, or ``None`` (eval: keyword arguments)."""
        return _named(self.parse) if self.parse else None


def _named(path: str) -> Any:
    module_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


SAMPLE_ARGUMENTS = (RejectionSamplingConfig,)
EVAL_ARGUMENTS = (evaluate, EvalSettings)


def parse_sample_arguments(
    values: Mapping[str, Any], probe_processes: int | None = None
) -> tuple[RejectionSamplingConfig]:
    """A ``sample`` stage's flat arguments -> its :class:`~trl_r1.rejection.RejectionSamplingConfig`
    (:func:`trl_r1.training.arguments.parse_stage_arguments`)."""
    from trl_r1.training.arguments import parse_stage_arguments

    return parse_stage_arguments(SAMPLE_ARGUMENTS, values, probe=probe_processes is not None)


def run_sample_stage(values: Mapping[str, Any]) -> dict[str, float]:
    """Rejection sampling via :func:`trl_r1.rejection.rejection_sample`; the kept rows are the stage's dataset."""
    from trl_r1.rejection import rejection_sample

    (config,) = parse_sample_arguments(values)
    report = rejection_sample(config)
    if not report.get("rows"):
        raise ValueError(
            f"rejection sampling kept no rows (see {Path(config.samples_dir) / 'report.json'}): the model produced no "
            "sample passing the rewards and filters; train the previous stage longer, sample more (num_samples), "
            "or relax reward thresholds / filters"
        )
    return {k: float(v) for k, v in _flatten(report).items() if is_number(v)}


def run_eval_stage(values: Mapping[str, Any]) -> dict[str, float]:
    """R1-style evaluation (pass@1 over k samples) via :func:`trl_r1.eval.evaluate`."""
    result = evaluate(**values)
    return {k: float(v) for k, v in _flatten(result).items() if is_number(v) and not k.startswith("config/")}


def _flatten(report: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    items = (
        report.items()
        if isinstance(report, dict)
        else vars(report).items()
        if hasattr(report, "__dict__")
        else []
    )
    for key, value in items:
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


_TRAINING = {
    "model_key": "model_name_or_path",
    "output_key": "output_dir",
    "trains": True,
    "distributed": True,
}

KINDS: dict[str, StageKind] = {
    "sft": StageKind(
        name="sft",
        arguments="trl_r1.training.sft.STAGE_ARGUMENT_TYPES",
        run="trl_r1.training.sft.run_sft_stage",
        parse="trl_r1.training.sft.parse_arguments",
        dataset_key="dataset_name",
        **_TRAINING,
    ),
    "grpo": StageKind(
        name="grpo",
        arguments="trl_r1.training.grpo.STAGE_ARGUMENT_TYPES",
        run="trl_r1.training.grpo.run_grpo_stage",
        parse="trl_r1.training.grpo.parse_arguments",
        dataset_key="dataset_name",
        mixture_key="dataset_mixture",
        eval_dataset_key="eval_dataset_name",
        rewards_key="reward_funcs",
        **_TRAINING,
    ),
    "sample": StageKind(
        name="sample",
        arguments="trl_r1.pipeline.stages.SAMPLE_ARGUMENTS",
        run="trl_r1.pipeline.stages.run_sample_stage",
        parse="trl_r1.pipeline.stages.parse_sample_arguments",
        model_key="sampling_model",
        dataset_key="dataset_name",
        output_key="samples_dir",
        rewards_key="reward_funcs",
    ),
    "eval": StageKind(
        name="eval",
        arguments="trl_r1.pipeline.stages.EVAL_ARGUMENTS",
        run="trl_r1.pipeline.stages.run_eval_stage",
        parse=None,
        model_key="model",
        dataset_key="dataset",
        output_key="output_dir",
    ),
}


def sample_output_dataset(stage_dir: str | Path) -> str:
    """Where a ``sample`` stage leaves the SFT dataset it selected (a ``save_to_disk`` directory)."""
    return str(Path(stage_dir) / "dataset")
