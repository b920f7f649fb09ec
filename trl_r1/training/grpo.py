"""A GRPO stage of the R1 recipe, as a library call: R1-Zero, R1 stage 2 and R1 stage 4.

:func:`train_grpo` is TRL's GRPO script with the R1 parts added: rewards chosen by name (or
dotted path) with weights (``GRPOConfig.reward_weights``, same order), the stage-4 routing of rule
rewards to verifiable rows and reward models to general rows, a window that turns the preference
rewards on only for the last steps, the reflection monitor (the "aha moment" metrics), dataset mixtures, resume from the last
checkpoint, and a saved model (LoRA adapters merged) that the next stage can start from.

The stage scripts (``recipes/r1_zero.py``, ``recipes/r1_stage2.py``, ``recipes/r1_stage4.py``) and
``trl-r1 run`` both call it::

    parser = TrlParser(STAGE_ARGUMENT_TYPES)  # (GRPOStageArguments, GRPOConfig, ModelConfig)
    script_args, training_args, model_args = parser.parse_args_and_config()
    train_grpo(script_args, training_args, model_args)

A ``grpo`` stage of ``trl-r1 run`` gives its flat arguments (its ``stage_config.yaml``) to :func:`run_grpo_stage`,
which parses them with :func:`parse_arguments`, the parse the pipeline also runs before any work.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from trl import GRPOConfig, ModelConfig, ScriptArguments

from trl_r1.data.prompt_length import DEFAULT_MAX_PROMPT_LENGTH, drop_long_prompts_for_model
from trl_r1.rewards.registry import (
    REWARD_MODEL_NAMES,
    RULE_REWARDS,
    _canonical,
    build_reward,
    check_reward_name,
    parse_reward_spec,
)
from trl_r1.training.benchmark_settings import BenchmarkEvalArguments
from trl_r1.training.doctor import DoctorArguments
from trl_r1.training.stage import eos_token_ids, resolve_checkpoint, save_trained_model

logger = logging.getLogger(__name__)


@dataclass
class GRPOStageArguments(ScriptArguments, BenchmarkEvalArguments, DoctorArguments):
    """Script arguments of a GRPO stage (the rest is TRL's ``GRPOConfig`` and ``ModelConfig``); the dataset
    fields extend TRL's ``ScriptArguments``, the ``eval_benchmark*`` and ``*doctor*`` fields come from
    :mod:`trl_r1.training.benchmark_eval` and :mod:`trl_r1.training.doctor`."""

    dataset_name: str | None = field(
        default=None,
        metadata={
            "help": "Training data: a .jsonl/.json/.parquet file, a save_to_disk directory, a "
            "synthetic://arithmetic?... spec or a hub id (see trl_r1.data.loading)."
        },
    )
    dataset_mixture: list[str] | None = field(
        default=None,
        metadata={
            "help": "Several dataset specs, concatenated (e.g. reasoning + general prompts for R1 "
            "stage 4). Columns missing from one dataset are filled with None."
        },
    )
    prompt_template: str | None = field(
        default=None,
        metadata={
            "help": "Build the 'prompt' column from question_column when the data has none: 'chat' (one "
            "user message), 'r1' (R1 instruction as system message) or 'r1_zero' (the paper's template)."
        },
    )
    question_column: str = field(
        default="problem", metadata={"help": "Column holding the bare question, for prompt_template."}
    )
    eval_dataset_name: str | None = field(
        default=None, metadata={"help": "Optional evaluation dataset spec (used when eval_strategy != 'no')."}
    )
    reward_funcs: list[str] = field(
        default_factory=lambda: ["accuracy", "r1_zero_format"],
        metadata={
            "help": "Rewards, in the order of GRPOConfig.reward_weights: names ("
            + ", ".join(RULE_REWARDS)
            + "), dotted import paths, or reward models as NAME=PATH with NAME in "
            + ", ".join(REWARD_MODEL_NAMES)
            + "."
        },
    )
    reward_routing: bool = field(
        default=False,
        metadata={
            "help": "R1 stage 4: rule rewards score only rows with a verifiable answer "
            "(verifiable_column), reward models only the other (general) rows."
        },
    )
    verifiable_column: str = field(
        default="solution",
        metadata={"help": "Column holding the gold answer; empty/None marks a general row."},
    )
    preference_last_steps: int | None = field(
        default=None,
        metadata={
            "help": "Apply the reward models only in the last N optimizer steps (R1 stage 4 adds the "
            "preference reward in the final steps). None: always."
        },
    )
    reflection_monitor: bool = field(
        default=True,
        metadata={
            "help": "Log R1's reflection metrics (reasoning/reflective_words_per_1k_tokens, response "
            "length, truncation, language mixing) with trl_r1.rewards.monitor.ReflectionMonitor, a reward "
            "that scores nothing (weight 0)."
        },
    )
    callbacks: list[str] | None = field(
        default=None,
        metadata={
            "help": "Trainer callbacks: class names in trl_r1.rewards.monitor (e.g. DashboardCallback) or "
            "dotted paths."
        },
    )
    lora_merge: bool = field(
        default=True,
        metadata={
            "help": "With use_peft, save the merged full model (the next stage starts from full "
            "weights); False saves the adapter only."
        },
    )
    max_prompt_length: int | None = field(
        default=DEFAULT_MAX_PROMPT_LENGTH,
        metadata={
            "help": "Drop (and count) training prompts longer than this many tokens, chat template "
            "included (TRL never truncates prompts; one huge prompt stalls generation). null: no limit."
        },
    )

    def __post_init__(self):
        BenchmarkEvalArguments.__post_init__(self)
        DoctorArguments.__post_init__(self)
        if not self.reward_funcs:
            raise ValueError("reward_funcs is empty: GRPO needs at least one reward")
        for spec in self.reward_funcs:
            problem = check_reward_name(*parse_reward_spec(spec))
            if problem:
                raise ValueError(problem)
        if self.preference_last_steps is not None and self.preference_last_steps < 1:
            raise ValueError(f"preference_last_steps must be >= 1, got {self.preference_last_steps}")


STAGE_ARGUMENT_TYPES = (GRPOStageArguments, GRPOConfig, ModelConfig)


def generation_batch(values: Mapping[str, Any], num_processes: int) -> int:
    """GRPO's generation batch for ``num_processes`` processes, computed as ``GRPOConfig`` does."""
    if values.get("generation_batch_size"):
        return int(values["generation_batch_size"])
    steps = values.get("steps_per_generation") or values.get("gradient_accumulation_steps", 1)
    return int(values.get("per_device_train_batch_size", 8)) * num_processes * int(steps)


def num_generations_problem(values: Mapping[str, Any], num_processes: int) -> str | None:
    """Why ``num_generations`` does not divide the generation batch of ``num_processes`` processes, or ``None``."""
    n = values.get("num_generations", 8)
    batch = generation_batch(values, num_processes)
    if not isinstance(n, int) or n < 2 or batch % n == 0:
        return None
    divisors = [d for d in range(2, batch + 1) if batch % d == 0][:6]
    return (
        f"args.num_generations: {n} does not divide the generation batch of {batch} (per_device_train_batch_size "
        f"{values.get('per_device_train_batch_size', 8)} x {num_processes} process(es) x "
        f"{values.get('steps_per_generation') or values.get('gradient_accumulation_steps', 1)} steps_per_generation); "
        f"use one of {', '.join(map(str, divisors)) or 'a divisor'} or change the batch"
    )


def parse_arguments(
    values: Mapping[str, Any], probe_processes: int | None = None
) -> tuple[GRPOStageArguments, GRPOConfig, ModelConfig]:
    """A GRPO stage's flat arguments -> its three configs, with
    :func:`trl_r1.training.arguments.parse_stage_arguments`.

    ``probe_processes``: parse as the check before any work, for a stage that will run on that many processes
    (the generation batch, which ``GRPOConfig`` checks against ``num_generations``, is computed for them, not for
    this machine); ``None``: in the stage's own process."""
    from trl_r1.training.arguments import StageArgumentsError, parse_stage_arguments

    if probe_processes is None:
        return parse_stage_arguments(STAGE_ARGUMENT_TYPES, values)
    problem = num_generations_problem(values, probe_processes)
    if problem:
        raise StageArgumentsError([problem])
    probe = {k: v for k, v in values.items() if k != "steps_per_generation"}
    probe["generation_batch_size"] = generation_batch(values, probe_processes)
    return parse_stage_arguments(STAGE_ARGUMENT_TYPES, probe, probe=True)


def run_grpo_stage(values: Mapping[str, Any]) -> dict[str, float]:
    """A ``grpo`` stage of ``trl-r1 run`` (R1-Zero, stage 2, stage 4): its flat arguments parsed
    (:func:`parse_arguments`), :func:`train_grpo`, the trainer's final metrics."""
    from trl_r1.training.stage import trainer_metrics

    return trainer_metrics(train_grpo(*parse_arguments(values)))


def build_rewards(script_args: GRPOStageArguments) -> list[Any]:
    """The stage's reward functions, in ``reward_funcs`` order, windowed and routed as configured."""
    from trl_r1.rewards.routing import is_reward_model, route_rewards, windowed

    rewards = [build_reward(*parse_reward_spec(spec)) for spec in script_args.reward_funcs]
    if script_args.preference_last_steps is not None:
        if not any(is_reward_model(r) for r in rewards):
            raise ValueError("preference_last_steps is set but reward_funcs has no reward model")
        rewards = [
            windowed(r, script_args.preference_last_steps) if is_reward_model(r) else r for r in rewards
        ]
    if script_args.reward_routing:
        rewards = route_rewards(rewards, column=script_args.verifiable_column)
    return rewards


def load_mixture(specs: Sequence[str], split: str = "train", prepare: Any = None) -> Any:
    """Load dataset specs (each passed through ``prepare`` if given) and concatenate them; a column
    missing from one dataset becomes ``None`` in its rows (e.g. ``solution`` for general prompts)."""
    from datasets import concatenate_datasets

    from trl_r1.data.loading import load_dataset_spec

    parts = [load_dataset_spec(s, split=split) for s in specs]
    if prepare is not None:
        parts = [prepare(p) for p in parts]
    if len(parts) == 1:
        return parts[0]
    columns: dict[str, tuple[str, Any]] = {}
    for spec, part in zip(specs, parts):
        for name, feature in part.features.items():
            first, known = columns.setdefault(name, (spec, feature))
            if known != feature:
                raise ValueError(
                    f"column {name!r} has different types in {first} ({known}) and {spec} ({feature}); "
                    "use one format per column (e.g. chat messages for every prompt)"
                )
    aligned = []
    for spec, part in zip(specs, parts):
        logger.info("dataset %s: %d rows", spec, len(part))
        for name, (_, feature) in columns.items():
            if name not in part.column_names:
                part = part.add_column(name, [None] * len(part), feature=feature)
        aligned.append(part.select_columns(list(columns)))
    return concatenate_datasets(aligned)


def add_prompts(dataset: Any, script_args: GRPOStageArguments) -> Any:
    """Add a ``prompt`` column built with ``prompt_template`` when the data has only questions."""
    if script_args.prompt_template is None or "prompt" in dataset.column_names:
        return dataset
    from trl_r1.text.templates import build_prompt

    column = script_args.question_column
    if column not in dataset.column_names:
        raise ValueError(
            f"prompt_template needs the question column {column!r}, which is missing (columns: "
            f"{dataset.column_names}); set question_column"
        )
    build_prompt("", script_args.prompt_template)  # an unknown template fails here, not per row
    return dataset.map(lambda row: {"prompt": build_prompt(row[column], script_args.prompt_template)})


def check_dataset(dataset: Any, script_args: GRPOStageArguments, where: str) -> None:
    """Fail before training when the data cannot feed the rewards."""
    if "prompt" not in dataset.column_names:
        raise ValueError(f"{where}: GRPO needs a 'prompt' column; found {dataset.column_names}")
    needs_answer = any(
        _canonical(parse_reward_spec(s)[0]) in ("accuracy", "trl_accuracy", "reasoning_accuracy")
        for s in script_args.reward_funcs
    )
    if (
        needs_answer or script_args.reward_routing
    ) and script_args.verifiable_column not in dataset.column_names:
        raise ValueError(
            f"{where}: the accuracy reward and routing read the {script_args.verifiable_column!r} "
            f"column, which is missing (columns: {dataset.column_names}); set verifiable_column"
        )
    if len(dataset) == 0:
        raise ValueError(f"{where}: the training dataset is empty")


def train_grpo(script_args: GRPOStageArguments, training_args: GRPOConfig, model_args: ModelConfig) -> str:
    """Run one GRPO stage and return the directory holding the trained model and its tokenizer.

    Args:
        script_args: data, rewards, routing, windows, monitors (:class:`GRPOStageArguments`).
        training_args: TRL's ``GRPOConfig`` (``reward_weights`` follows ``reward_funcs``'s order;
            ``resume_from_checkpoint`` may be ``"auto"`` to continue from the last checkpoint).
        model_args: TRL's ``ModelConfig`` (``model_name_or_path``, ``use_peft`` and the LoRA fields);
            ``trl-r1/tiny`` names the tiny offline model.
    """
    from trl import GRPOTrainer, get_peft_config

    from trl_r1.models.resolve import resolve_model
    from trl_r1.training.callbacks import make_callbacks

    if not model_args.model_name_or_path:
        raise ValueError("model_name_or_path is required")
    from trl_r1.training.arguments import vllm_cpu_problems

    problems = vllm_cpu_problems(vars(training_args))
    if problems:
        raise ValueError(problems[0])
    specs = list(script_args.dataset_mixture or []) or (
        [script_args.dataset_name] if script_args.dataset_name else []
    )
    if not specs:
        raise ValueError("no training data: set dataset_name or dataset_mixture")
    weights = training_args.reward_weights
    if weights is not None and len(weights) != len(script_args.reward_funcs):
        raise ValueError(
            f"reward_weights has {len(weights)} entries but reward_funcs has "
            f"{len(script_args.reward_funcs)}; give one weight per reward, in the same order"
        )
    with_prompts = partial(add_prompts, script_args=script_args)
    train_dataset = load_mixture(specs, split=script_args.dataset_train_split, prepare=with_prompts)
    check_dataset(train_dataset, script_args, "dataset " + ", ".join(specs))
    eval_dataset = None
    if script_args.eval_dataset_name and training_args.eval_strategy != "no":
        eval_dataset = load_mixture([script_args.eval_dataset_name], prepare=with_prompts)
    rewards = build_rewards(script_args)
    from trl_r1.training.benchmark_eval import callback_from_arguments

    watchers = [w for w in (script_args.make_doctor(), callback_from_arguments(script_args)) if w is not None]
    model_path = resolve_model(model_args.model_name_or_path)
    if training_args.use_vllm and training_args.vllm_mode == "colocate":
        from trl_r1.generation import vllm_cpu_problem, vllm_on_cpu

        problem = vllm_cpu_problem(model_path, fix="set use_vllm: false") if vllm_on_cpu() else None
        if problem:  # otherwise the first rollout fails, after the engine has started
            raise ValueError(problem)
    train_dataset, _ = drop_long_prompts_for_model(
        train_dataset, model_path, script_args.max_prompt_length, "dataset"
    )
    if script_args.reflection_monitor:
        from trl_r1.rewards.monitor import ReflectionMonitor
        from trl_r1.training.callbacks import with_monitor

        monitor = ReflectionMonitor(eos_token_ids=eos_token_ids(model_path))
        rewards, training_args.reward_weights = with_monitor(rewards, training_args.reward_weights, monitor)
    resume = resolve_checkpoint(training_args)

    trainer = GRPOTrainer(
        model=model_path,
        reward_funcs=rewards,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        peft_config=get_peft_config(model_args),
        callbacks=make_callbacks(script_args.callbacks) + watchers
        or None,  # the doctor first: it times steps
    )
    sync_weights_by_layerwise_reload(trainer)
    for watcher in watchers:
        watcher.bind(trainer)  # they log through the trainer and read its model and rewards
    if resume:
        logger.info("resuming from %s", resume)
    quiet = _UnscoredRowsNote() if script_args.reward_routing and script_args.preference_last_steps else None
    trl_logger = logging.getLogger("trl.trainer.grpo_trainer")
    if quiet:
        trl_logger.addFilter(quiet)
    try:
        result = trainer.train(resume_from_checkpoint=resume)
    finally:
        if quiet:
            trl_logger.removeFilter(quiet)
    save_trained_model(trainer, result, training_args.output_dir, merge=script_args.lora_merge)
    from trl_r1.training.stage import finish_distributed

    finish_distributed(trainer)
    _shutdown_colocated_vllm(trainer)
    trainer.accelerator.end_training()  # what Trainer.end() does (transformers >= 5.18 only)
    return training_args.output_dir


def sync_weights_by_layerwise_reload(trainer: Any) -> bool:
    """Route the trainer's colocated vLLM weight sync through vLLM's layer-wise ``reload_weights`` where the
    vLLM backend needs it (CPU); returns whether it did.

    Why: vLLM's CPU backend repacks each linear weight for its GEMM kernel and drops the original tensor, so
    TRL's per-tensor ``model.load_weights`` fails (``'Parameter' object has no attribute 'weight_loader'``);
    ``reload_weights(is_checkpoint_format=True)`` reloads layer by layer and repacks again. Only this trainer's
    ``vllm_generation.sync_weights`` is replaced, and it still reads TRL's own parameter walk
    (``_iter_named_params``: PEFT merge, ZeRO-3/FSDP gathers), so what is synced is what TRL would sync.
    """
    engine = getattr(trainer, "vllm_generation", None)
    if (
        not getattr(trainer, "use_vllm", False)
        or engine is None
        or getattr(engine, "mode", None) != "colocate"
    ):
        return False
    from trl_r1.generation import vllm_on_cpu

    if not vllm_on_cpu():
        return False  # GPU backends keep the weights load_weights writes into: TRL's own sync is right there

    def sync_weights() -> None:
        runner = engine.llm.llm_engine.model_executor.driver_worker.model_runner
        runner.reload_weights(weights_iterator=engine._iter_named_params(), is_checkpoint_format=True)
        _repack_tied_lm_head(runner.get_model())
        engine.llm.reset_prefix_cache()

    engine.sync_weights = sync_weights
    logger.info("vLLM runs on CPU: weight syncs go through vLLM's layer-wise reload_weights")
    return True


def _shutdown_colocated_vllm(trainer: Any) -> None:
    """Stop a colocated vLLM engine while the process group it shares with training still exists: ending
    training destroys that group, and vLLM's own clean-up at exit then fails (``ValueError: Invalid process
    group specified``, exit status 1)."""
    engine = getattr(trainer, "vllm_generation", None)
    llm = getattr(engine, "llm", None) if getattr(engine, "mode", None) == "colocate" else None
    if llm is not None:
        llm.llm_engine.engine_core.shutdown()


def _repack_tied_lm_head(model: Any) -> None:
    """A tied LM head is no layer of its own in the checkpoint, so the layer-wise reload skips it (vLLM logs
    ``ParallelLMHead: Failed to load weights``) and its CPU GEMM keeps a packed copy of the *old* embedding
    matrix; packing it again from the (shared, reloaded) embedding makes the sampled logits current."""
    head, embed = (
        getattr(model, "lm_head", None),
        getattr(getattr(model, "model", None), "embed_tokens", None),
    )
    weight = getattr(head, "weight", None)
    if weight is None or embed is None or weight.data_ptr() != embed.weight.data_ptr():
        return
    head.quant_method.process_weights_after_loading(head)


class _UnscoredRowsNote(logging.Filter):
    """TRL warns, with the whole row, on every batch holding a row no reward scored. Before the
    preference window opens that is expected for general rows (R1 adds them only in the final
    steps; their advantage is 0): say so once instead."""

    def __init__(self):
        super().__init__()
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "All reward functions returned None" not in str(record.msg):
            return True
        if not self.said:
            self.said = True
            logger.info(
                "general rows get no reward (advantage 0) until the preference window opens "
                "(preference_last_steps); TRL's per-batch warning about them is silenced"
            )
        return False


def make_parser() -> Any:
    """``TrlParser`` over :data:`STAGE_ARGUMENT_TYPES` (:class:`GRPOStageArguments`, ``GRPOConfig``,
    ``ModelConfig``): ``--config x.yaml`` plus command-line overrides, as TRL's own scripts."""
    from trl import TrlParser

    return TrlParser(STAGE_ARGUMENT_TYPES)


def main(argv: list[str] | None = None) -> str:
    """The GRPO stage scripts' entry (``recipes/r1_zero.py``, ``r1_stage2.py``, ``r1_stage4.py``)."""
    from trl_r1.training.stage import run_stage_script

    return run_stage_script(make_parser(), train_grpo, argv)
