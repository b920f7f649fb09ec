"""One function per stage kind; each takes the stage's flat arguments and returns its metrics.

The flat arguments are exactly what the matching stage script reads with ``TrlParser`` (script
arguments + TRL config + ``ModelConfig`` in one namespace), so a stage written by the runner to
``<stage dir>/stage_config.yaml`` can be rerun alone, e.g.
``accelerate launch recipes/r1_stage2.py --config runs/r1/reasoning_rl/stage_config.yaml``.

=======  =========================================  ==========================================
kind     library call                               R1 stage
=======  =========================================  ==========================================
sft      :func:`trl_r1.training.sft.train_cold_start`  1 (cold start), 3 (SFT on sampled data),
                                                    distillation
grpo     :func:`trl_r1.training.grpo.train_grpo`              R1-Zero, 2 (reasoning RL), 4 (all scenarios)
sample   :func:`trl_r1.rejection.rejection_sample`   3 (rejection sampling)
eval     :func:`trl_r1.eval.evaluate`                pass@1 of a stage's model
=======  =========================================  ==========================================
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageKind:
    """How the runner maps a recipe stage onto a library call.

    Attributes:
        name: ``sft``, ``grpo``, ``sample`` or ``eval``.
        run: the stage function (flat arguments -> metrics).
        argument_types: dotted paths of the dataclasses (or one function) whose fields are the
            stage's arguments; used to validate ``args:`` keys in a recipe.
        model_key / dataset_key / output_key: the argument names the recipe's ``model``,
            ``dataset`` and the stage directory fill in.
        mixture_key: argument holding several datasets, if the kind accepts a mixture.
        trains: produces a model the next stage can start from.
        distributed: may run under ``accelerate launch`` / ``torchrun`` with several processes.
    """

    name: str
    run: Callable[[dict[str, Any]], dict[str, float]]
    argument_types: tuple[str, ...]
    model_key: str
    dataset_key: str | None
    output_key: str
    mixture_key: str | None = None
    eval_dataset_key: str | None = None
    rewards_key: str | None = None
    trains: bool = False
    distributed: bool = False

    def argument_names(self) -> set[str]:
        """Every argument this kind accepts (imports the library modules)."""
        names: set[str] = set()
        for path in self.argument_types:
            module_name, _, attr = path.rpartition(".")
            obj = getattr(__import__(module_name, fromlist=[attr]), attr)
            if dataclasses.is_dataclass(obj):
                names |= {f.name for f in dataclasses.fields(obj) if f.init}
            else:
                names |= {p for p in inspect.signature(obj).parameters if p not in ("self", "kwargs")}
        return names


def trainer_metrics(output_dir: str | Path) -> dict[str, float]:
    """Final training metrics from a Trainer's output: the last logged value of every number
    (``loss``, ``reward``, ``rewards/<name>/mean``, ``train_runtime``...) and ``global_step``."""
    from transformers.trainer_utils import get_last_checkpoint

    out = Path(output_dir)
    state_path = out / "trainer_state.json"
    if not state_path.exists():
        last = get_last_checkpoint(str(out)) if out.is_dir() else None
        state_path = Path(last) / "trainer_state.json" if last else state_path
    metrics: dict[str, float] = {}
    if state_path.exists():
        state = json.loads(state_path.read_text())
        for entry in state.get("log_history", []):
            if any(k.startswith("eval_") for k in entry):
                continue
            metrics.update({k: float(v) for k, v in entry.items() if _is_number(v) and k != "step"})
        metrics["global_step"] = float(state.get("global_step", 0))
    results = out / "all_results.json"
    if results.exists():
        metrics.update({k: float(v) for k, v in json.loads(results.read_text()).items() if _is_number(v)})
    return metrics


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse(types: tuple[type, ...], args: dict[str, Any]) -> tuple[Any, ...]:
    from trl import TrlParser

    return TrlParser(types).parse_dict(args)


@dataclass
class SFTStageOptions:
    """What an ``sft`` stage trains on, besides :class:`trl_r1.training.sft.ColdStartArguments`."""

    cold_start_format: bool = dataclasses.field(
        default=True,
        metadata={
            "help": "True: format and filter the data as R1 cold-start data (train_cold_start). False: "
            "the data is already prompt/completion (a sample stage's output: reasoning rows mixed with "
            "non-reasoning rows, or distillation traces) and is trained on as is."
        },
    )


def run_sft_stage(args: dict[str, Any]) -> dict[str, float]:
    """SFT via :func:`trl_r1.training.sft.train_cold_start` (stage 1, distillation), or on ready
    prompt/completion rows with ``cold_start_format: false`` (stage 3, whose data mixes
    non-reasoning rows that have no reasoning block)."""
    from trl import ModelConfig, SFTConfig

    from trl_r1.training.sft import ColdStartArguments, train_cold_start, train_sft_on_ready_data

    script_args, training_args, model_args, options = _parse(
        (ColdStartArguments, SFTConfig, ModelConfig, SFTStageOptions), args
    )
    train = train_cold_start if options.cold_start_format else train_sft_on_ready_data
    output_dir = train(script_args, training_args, model_args)
    return trainer_metrics(output_dir)


def run_grpo_stage(args: dict[str, Any]) -> dict[str, float]:
    """GRPO (R1-Zero, stage 2, stage 4) via :func:`trl_r1.training.grpo.train_grpo`."""
    from trl import GRPOConfig, ModelConfig

    from trl_r1.training.grpo import GRPOStageArguments, train_grpo

    script_args, training_args, model_args = _parse((GRPOStageArguments, GRPOConfig, ModelConfig), args)
    output_dir = train_grpo(script_args, training_args, model_args)
    return trainer_metrics(output_dir)


def run_sample_stage(args: dict[str, Any]) -> dict[str, float]:
    """Rejection sampling via :func:`trl_r1.rejection.rejection_sample`; the kept rows are the stage's dataset."""
    from trl_r1.rejection import RejectionSamplingConfig, rejection_sample

    report = rejection_sample(RejectionSamplingConfig(**args))
    if not report.get("rows"):
        raise ValueError(
            f"rejection sampling kept no rows (see {Path(args['samples_dir']) / 'report.json'}): the model produced no "
            "sample passing the rewards and filters; train the previous stage longer, sample more (num_samples), "
            "or relax reward thresholds / filters"
        )
    return {k: float(v) for k, v in _flatten(report).items() if _is_number(v)}


def run_eval_stage(args: dict[str, Any]) -> dict[str, float]:
    """R1-style evaluation (pass@1 over k samples) via :func:`trl_r1.eval.evaluate`."""
    from trl_r1.eval import evaluate

    result = evaluate(**args)
    return {k: float(v) for k, v in _flatten(result).items() if _is_number(v) and not k.startswith("config/")}


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


KINDS: dict[str, StageKind] = {
    "sft": StageKind(
        name="sft",
        run=run_sft_stage,
        argument_types=(
            "trl_r1.training.sft.ColdStartArguments",
            "trl.SFTConfig",
            "trl.ModelConfig",
            "trl_r1.pipeline.stages.SFTStageOptions",
        ),
        model_key="model_name_or_path",
        dataset_key="dataset_name",
        output_key="output_dir",
        trains=True,
        distributed=True,
    ),
    "grpo": StageKind(
        name="grpo",
        run=run_grpo_stage,
        argument_types=("trl_r1.training.grpo.GRPOStageArguments", "trl.GRPOConfig", "trl.ModelConfig"),
        model_key="model_name_or_path",
        dataset_key="dataset_name",
        mixture_key="dataset_mixture",
        eval_dataset_key="eval_dataset_name",
        output_key="output_dir",
        rewards_key="reward_funcs",
        trains=True,
        distributed=True,
    ),
    "sample": StageKind(
        name="sample",
        run=run_sample_stage,
        argument_types=("trl_r1.rejection.RejectionSamplingConfig",),
        model_key="sampling_model",
        dataset_key="dataset_name",
        output_key="samples_dir",
        rewards_key="reward_funcs",
    ),
    "eval": StageKind(
        name="eval",
        run=run_eval_stage,
        argument_types=("trl_r1.eval.evaluate", "trl_r1.eval.EvalSettings"),
        model_key="model",
        dataset_key="dataset",
        output_key="output_dir",
    ),
}


def sample_output_dataset(stage_dir: str | Path) -> str:
    """Where a ``sample`` stage leaves the SFT dataset it selected (a ``save_to_disk`` directory)."""
    return str(Path(stage_dir) / "dataset")
