"""R1 stage 3 as one call: rejection sampling, then SFT on the selected data (``recipes/r1_stage3.py``).

The paper fine-tunes DeepSeek-V3-Base, not the RL checkpoint, on the ~800k selected samples for
two epochs (section 2.3.3): ``sft_from: base`` (the default) trains ``model_name_or_path``;
``sft_from: sampling_model`` continues from the checkpoint that was sampled.

:class:`Stage3Arguments` is :class:`~trl_r1.rejection.config.RejectionSamplingConfig` (whose field names do not
clash with ``SFTConfig``'s: ``sampling_model``, ``samples_dir``, ``sampling_seed``, ``push_samples_to_hub``) plus
``sft_from``, so one ``TrlParser`` reads the whole stage from one YAML. Two defaults differ from ``trl-r1 sample``:
the samples go to ``<output_dir>/samples`` and the sampling seed is ``SFTConfig.seed`` unless given.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trl_r1.rejection.config import RejectionSamplingConfig

logger = logging.getLogger(__name__)

SFT_FROM = ("base", "sampling_model")


@dataclass
class Stage3Arguments(RejectionSamplingConfig):
    """Rejection-sampling options of R1 stage 3 (every field of :class:`RejectionSamplingConfig`) plus
    ``sft_from``; ``samples_dir``, ``sampling_seed`` and ``push_samples_to_hub`` are written again here without
    the short aliases of ``trl-r1 sample`` (``--output-dir``, ``--seed``, ``--push-to-hub`` are SFTConfig's)."""

    samples_dir: str | None = field(
        default=None,
        metadata={
            "help": "Where rejection sampling writes shards, dataset/ and report.json (default: <output_dir>/samples)."
        },
    )
    sampling_seed: int | None = field(
        default=None,
        metadata={
            "help": "Seed of the sampling (shard i samples with a seed derived from (seed, i)); default: --seed."
        },
    )
    push_samples_to_hub: str | None = field(
        default=None, metadata={"help": "Also push the selected dataset to this hub repo id."}
    )
    sft_from: Literal["base", "sampling_model"] = field(
        default="base",
        metadata={
            "help": "What SFT starts from: 'base' (model_name_or_path, as the paper did) or 'sampling_model' "
            "(continue from the sampled checkpoint)."
        },
    )


def sampling_config(stage_args: Stage3Arguments, training_args: Any) -> RejectionSamplingConfig:
    """The :class:`RejectionSamplingConfig` of a stage-3 run (its defaults taken from ``training_args``)."""
    kwargs = {f.name: getattr(stage_args, f.name) for f in dataclasses.fields(RejectionSamplingConfig)}
    kwargs["samples_dir"] = kwargs["samples_dir"] or str(Path(training_args.output_dir) / "samples")
    if kwargs["sampling_seed"] is None:
        kwargs["sampling_seed"] = training_args.seed
    return RejectionSamplingConfig(**kwargs)


def train_stage3(stage_args: Stage3Arguments, training_args: Any, model_args: Any) -> str:
    """Sample, verify, filter and mix (:func:`~trl_r1.rejection.rejection_sample`), then SFT with TRL's
    ``SFTTrainer`` on the selected rows as they are (non-reasoning rows have no reasoning block, so
    they are not re-formatted as cold-start data). Returns ``training_args.output_dir``.
    """
    from trl_r1.rejection.runner import rejection_sample
    from trl_r1.training.sft import ColdStartArguments, train_sft_on_ready_data

    if stage_args.sft_from not in SFT_FROM:  # a Python caller may pass anything
        raise ValueError(f"sft_from must be one of {SFT_FROM}, got {stage_args.sft_from!r}")
    if stage_args.sft_from == "sampling_model":
        model_args.model_name_or_path = stage_args.sampling_model
    elif not model_args.model_name_or_path:
        raise ValueError("sft_from=base needs model_name_or_path (the base model the paper fine-tunes again)")
    report = rejection_sample(sampling_config(stage_args, training_args))
    if not report["rows"]:
        raise ValueError(
            f"rejection sampling kept no rows (see {report['dataset_path']}/../report.json): sample more "
            "(num_samples), train the sampled checkpoint longer, or relax thresholds and filters"
        )
    logger.info(
        "stage 3: SFT of %s on %d rows (%d reasoning, %d non-reasoning)",
        model_args.model_name_or_path,
        report["rows"],
        report["kept"],
        report["non_reasoning"],
    )
    script_args = ColdStartArguments(dataset_name=report["dataset_path"], readability_filters=False)
    return train_sft_on_ready_data(script_args, training_args, model_args)


def make_parser() -> Any:
    """``TrlParser`` over (:class:`Stage3Arguments`, ``SFTConfig``, ``ModelConfig``)."""
    from trl import ModelConfig, SFTConfig, TrlParser

    return TrlParser((Stage3Arguments, SFTConfig, ModelConfig))


def main(argv: list[str] | None = None) -> str:
    """Stage 3's script entry (``recipes/r1_stage3.py``): parse, set up logging, :func:`train_stage3`."""
    from trl_r1.training.stage import run_stage_script

    return run_stage_script(make_parser(), train_stage3, argv)
