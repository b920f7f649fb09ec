"""R1 stage 1, cold-start SFT: format, filter, tokenizer surgery, then TRL's ``SFTTrainer``.

DeepSeek-R1 (section 2.3.1) fine-tunes the base model on a few thousand readable long chains of
thought before RL, so that RL starts from a policy whose outputs people can read and that
already follows ``|special_token|<reasoning>|special_token|<summary>``. :func:`train_cold_start`
is the whole stage, callable in-process by the multi-stage runner and from
``recipes/r1_stage1.py``:

1. load the dataset and check its shape *before* any model is loaded
   (:class:`~trl_r1.data.cold_start.ColdStartFormat`);
2. format every row, then apply the readability filters (:mod:`trl_r1.data.filters`); every row that
   fails is counted by reason, logged, and written to ``cold_start_dropped.jsonl``;
3. tokenizer surgery (:mod:`trl_r1.models.tokenizer_surgery`): markers as single non-special tokens,
   embeddings resized and mean-initialised, chat template checked, EOS = end of the assistant turn;
4. drop (and count) rows longer than ``max_length``: truncated targets lose their EOS and teach
   the model not to stop;
5. ``SFTTrainer`` (full or LoRA, :mod:`trl_r1.models.lora`), then save model + tokenizer to
   ``output_dir`` so stage 2 loads one path; ``cold_start_report.json`` records every count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trl import ModelConfig, ScriptArguments, SFTConfig

from trl_r1._runtime import write_atomic
from trl_r1.data.cold_start import ColdStartFormat, FormatReport
from trl_r1.data.filters import FilterResult, apply_filters, readability_filters
from trl_r1.text.completion import THINK_END, THINK_START

logger = logging.getLogger(__name__)

REPORT_FILE = "cold_start_report.json"
DROPPED_FILE = "cold_start_dropped.jsonl"
_PASSTHROUGH = ("language", "domain", "finished")  # read by filters, not trained on


@dataclass
class ColdStartArguments(ScriptArguments):
    """Stage-1 options that are not ``SFTConfig`` / ``ModelConfig`` ones (TrlParser reads all three); the
    dataset fields are TRL's ``ScriptArguments`` (``dataset_name``, ``dataset_train_split``, ...)."""

    dataset_name: str | None = field(
        default=None,
        metadata={
            "help": "Dataset: a local .jsonl/.json/.parquet/.csv file, a save_to_disk directory, "
            "'synthetic://arithmetic?split=sft&layout=r1&n=512' or a hub id."
        },
    )
    max_samples: int | None = field(default=None, metadata={"help": "Use only the first N rows (None: all)."})
    problem_field: str | None = field(
        default=None,
        metadata={"help": "Column with the problem (default: first of problem, prompt, question)."},
    )
    reasoning_field: str | None = field(
        default=None,
        metadata={"help": "Column with the reasoning (default: reasoning, reasoning_content, thinking)."},
    )
    summary_field: str | None = field(
        default=None, metadata={"help": "Column with the summary (default: summary)."}
    )
    trace_field: str | None = field(
        default=None,
        metadata={
            "help": "Column with '<think>…</think> summary' traces "
            "(default: completion, response, generation, output)."
        },
    )
    messages_field: str | None = field(
        default=None,
        metadata={
            "help": "Column with chat messages whose assistant turn has reasoning_content "
            "(default: messages)."
        },
    )
    system_prompt: str | None = field(
        default=None, metadata={"help": "System message put before each problem."}
    )
    think_start: str = field(
        default=THINK_START,
        metadata={"help": "Marker opening the reasoning (added as one non-special token)."},
    )
    think_end: str = field(default=THINK_END, metadata={"help": "Marker closing the reasoning."})
    trace_think_start: str = field(
        default=THINK_START, metadata={"help": "Opening marker of incoming traces."}
    )
    trace_think_end: str = field(default=THINK_END, metadata={"help": "Closing marker of incoming traces."})
    readability_filters: bool = field(default=True, metadata={"help": "Apply R1's readability filters."})
    language: str | None = field(
        default=None,
        metadata={
            "help": "Language the reasoning must be in (e.g. 'en', 'zh') when rows have no "
            "'language' column; None and no column: no language check."
        },
    )
    check_language: bool = field(default=True, metadata={"help": "Include the mixed-language filter."})
    min_language_consistency: float = field(
        default=0.95, metadata={"help": "Minimum share of the reasoning in the target language."}
    )
    max_paragraph_chars: int = field(
        default=2000, metadata={"help": "Longest paragraph allowed in the reasoning."}
    )
    max_repetition: float = field(
        default=0.3, metadata={"help": "Largest share of repeated 6-grams allowed in a completion."}
    )
    allow_code: bool = field(
        default=False, metadata={"help": "Keep code blocks in the reasoning of any task."}
    )
    lora_merge: bool = field(
        default=True,
        metadata={
            "help": "With use_peft: save merged weights (True) or the adapter + its resized "
            "base (False). Both load with from_pretrained(output_dir)."
        },
    )

    def cold_start_format(self) -> ColdStartFormat:
        return ColdStartFormat(
            think_start=self.think_start,
            think_end=self.think_end,
            trace_markers=(self.trace_think_start, self.trace_think_end),
            problem_field=self.problem_field,
            reasoning_field=self.reasoning_field,
            summary_field=self.summary_field,
            trace_field=self.trace_field,
            messages_field=self.messages_field,
            system_prompt=self.system_prompt,
        )

    def filters(self) -> list:
        return readability_filters(
            language=self.language,
            check_language=self.check_language,
            min_consistency=self.min_language_consistency,
            max_paragraph_chars=self.max_paragraph_chars,
            max_repetition=self.max_repetition,
            allow_code=self.allow_code,
            markers=self.cold_start_format().markers,
            prefilled=False,
        )


@dataclass
class PreparedData:
    """Rows ready for SFT and the account of every row that is not."""

    rows: list[dict[str, Any]]
    format_report: FormatReport
    filter_result: FilterResult | None
    dropped: list[dict[str, Any]]

    def counts(self) -> dict[str, Any]:
        return {
            "format": self.format_report.to_dict(),
            "filters": self.filter_result.to_dict() if self.filter_result else None,
            "train_rows": len(self.rows),
        }


def prepare_cold_start_data(script_args: ColdStartArguments, dataset: Any = None) -> PreparedData:
    """Load (unless ``dataset`` is given), check the shape, format and filter; no model is touched.

    Raises ``DatasetShapeError`` naming the missing field before any row is processed, and
    ``ValueError`` when no row survives.
    """
    if dataset is None:
        if not script_args.dataset_name:
            raise ValueError(
                "no dataset: set dataset_name (a file, a saved dataset dir, synthetic://… or a hub id)"
            )
        from trl_r1.data.loading import load_dataset_spec

        dataset = load_dataset_spec(script_args.dataset_name, split=script_args.dataset_train_split)
    fmt = script_args.cold_start_format()
    columns = list(dataset.column_names)
    fmt.resolve_shape(columns)  # fail fast, before iterating
    if script_args.max_samples is not None:
        dataset = dataset.select(range(min(script_args.max_samples, len(dataset))))
    rows, report = fmt.format_rows(dataset, columns, keep_columns=_PASSTHROUGH)
    dropped = [{"reason": r["reason"], "row": r["row"]} for r in report.failed_rows]
    result = None
    if script_args.readability_filters:
        result = apply_filters(rows, script_args.filters(), progress=len(rows) > 1000)
        rows = result.kept
        dropped += [
            {"reason": reason, "row": row} for reason, rs in result.dropped_rows.items() for row in rs
        ]
    rows = [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]
    if not rows:
        raise ValueError(
            f"no rows left for cold-start SFT: format failures {report.failed}, filter drops "
            f"{result.dropped if result else {}}; relax the filters (e.g. readability_filters=false) or fix the data"
        )
    logger.info(
        "cold-start data: %d rows in, %d formatted, %d kept for SFT",
        report.total,
        report.formatted,
        len(rows),
    )
    return PreparedData(rows=rows, format_report=report, filter_result=result, dropped=dropped)


def _sequence_length(tokenizer: Any, row: dict[str, Any]) -> int:
    ids = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=True, return_dict=False)
    return len(ids["input_ids"] if isinstance(ids, dict) else ids)


@dataclass
class SFTResult:
    """What :func:`run_sft` trained: the trainer (alive until :func:`finish_distributed`), the surgery
    report, and whether LoRA was used."""

    trainer: Any
    surgery: Any
    lora: bool


def run_sft(
    script_args: Any, training_args: Any, model_args: Any, make_dataset: Callable[[Any], Any]
) -> SFTResult:
    """The one SFT core of the R1 stages (cold start, stage 3, distillation): load the model
    (:func:`~trl_r1.training.stage.load_policy`), tokenizer surgery (EOS = end of the assistant turn),
    ``make_dataset(tokenizer)``, TRL's ``SFTTrainer`` (full or LoRA), resume
    (:func:`~trl_r1.training.stage.resolve_checkpoint`), save for the next stage. The caller writes
    its report, then calls :func:`~trl_r1.training.stage.finish_distributed` on ``result.trainer``."""
    from trl import SFTTrainer

    from trl_r1.models.lora import cold_start_lora_config
    from trl_r1.models.tokenizer_surgery import add_reasoning_tokens
    from trl_r1.training.stage import load_policy, resolve_checkpoint, save_trained_model

    if not model_args.model_name_or_path:
        raise ValueError("no model: set model_name_or_path (a path, a hub id or trl-r1/tiny-base)")
    model, tokenizer = load_policy(model_args, training_args)
    surgery = add_reasoning_tokens(model, tokenizer, markers=(script_args.think_start, script_args.think_end))
    if training_args.eos_token not in (None, surgery.eos_token):
        logger.warning(
            "SFTConfig.eos_token=%r differs from the chat template's end of turn %r: the model will be "
            "trained to stop on the template's token but generation stops on yours",
            training_args.eos_token,
            surgery.eos_token,
        )
    else:
        training_args.eos_token = surgery.eos_token
    dataset = make_dataset(tokenizer)
    peft_config = cold_start_lora_config(model, model_args) if model_args.use_peft else None
    trainer = SFTTrainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    # an interrupted stage continues from its last complete checkpoint (None starts fresh)
    result = trainer.train(resume_from_checkpoint=resolve_checkpoint(training_args))
    save_trained_model(trainer, result, training_args.output_dir, merge=script_args.lora_merge)
    return SFTResult(trainer=trainer, surgery=surgery, lora=peft_config is not None)


def train_cold_start(script_args: ColdStartArguments, training_args: Any, model_args: Any) -> str:
    """Run R1 stage 1 and return ``training_args.output_dir`` (model + tokenizer, loadable by path).

    Args:
        script_args: data, format, filter and LoRA-saving options.
        training_args: a ``trl.SFTConfig`` (``eos_token`` is set here from the chat template).
        model_args: a ``trl.ModelConfig`` (model path or ``trl-r1/tiny-base``, dtype, LoRA fields).

    Example (the tiny offline model on CPU, about 15 s):
        >>> from trl import ModelConfig, SFTConfig
        >>> out = train_cold_start(  # doctest: +SKIP
        ...     ColdStartArguments(dataset_name="synthetic://arithmetic?split=sft&layout=r1&n=512"),
        ...     SFTConfig(output_dir="runs/stage1", max_steps=300, learning_rate=3e-3, use_cpu=True, bf16=False,
        ...               gradient_checkpointing=False, report_to="none"),
        ...     ModelConfig(model_name_or_path="trl-r1/tiny-base"))
    """
    from datasets import Dataset

    from trl_r1.training.stage import finish_distributed

    if not model_args.model_name_or_path:
        raise ValueError("no model: set model_name_or_path (a path, a hub id or trl-r1/tiny-base)")
    data = prepare_cold_start_data(script_args)
    kept: dict[str, list] = {"rows": data.rows, "too_long": []}

    def make_dataset(tokenizer: Any) -> Any:
        rows = data.rows
        if training_args.max_length is not None:
            lengths = [_sequence_length(tokenizer, r) for r in rows]
            kept["too_long"] = [r for r, n in zip(rows, lengths) if n > training_args.max_length]
            rows = [r for r, n in zip(rows, lengths) if n <= training_args.max_length]
            if kept["too_long"]:
                logger.warning(
                    "dropped %d rows longer than max_length=%d tokens (truncation would cut off EOS); "
                    "raise max_length to keep them",
                    len(kept["too_long"]),
                    training_args.max_length,
                )
            if not rows:
                raise ValueError(
                    f"every row is longer than max_length={training_args.max_length}; raise max_length"
                )
        kept["rows"] = rows
        return Dataset.from_list(rows)

    sft = run_sft(script_args, training_args, model_args, make_dataset)
    too_long = kept["too_long"]
    data.dropped += [{"reason": "too_long", "row": r} for r in too_long]
    out = Path(training_args.output_dir)
    if sft.trainer.accelerator.is_main_process:
        report = {
            **data.counts(),
            "too_long": len(too_long),
            "train_rows": len(kept["rows"]),
            "surgery": sft.surgery.to_dict(),
            "lora": sft.lora,
            "merged": bool(sft.lora and script_args.lora_merge),
        }
        write_atomic(out / REPORT_FILE, json.dumps(report, indent=2, ensure_ascii=False))
        write_atomic(
            out / DROPPED_FILE,
            "".join(json.dumps(d, ensure_ascii=False, default=str) + "\n" for d in data.dropped),
        )
        logger.info("cold-start SFT done: %s (report: %s)", out, out / REPORT_FILE)
    finish_distributed(sft.trainer)
    return training_args.output_dir


def train_sft_on_ready_data(script_args: Any, training_args: Any, model_args: Any) -> str:
    """:func:`run_sft` on prompt/completion (or messages) rows as they are (stage 3's mixture, whose
    non-reasoning rows have no reasoning block; distillation traces). Returns ``output_dir``."""
    from trl_r1.data.loading import load_dataset_spec
    from trl_r1.training.stage import finish_distributed

    dataset = load_dataset_spec(script_args.dataset_name, split=script_args.dataset_train_split)
    if not ({"prompt", "completion"} <= set(dataset.column_names) or "messages" in dataset.column_names):
        raise ValueError(
            f"{script_args.dataset_name}: SFT on ready data needs prompt + completion (or messages) "
            f"columns, found {dataset.column_names}; set cold_start_format: true to format raw data"
        )
    if len(dataset) == 0:
        raise ValueError(f"{script_args.dataset_name}: the dataset is empty")
    if script_args.max_samples is not None:
        dataset = dataset.select(range(min(script_args.max_samples, len(dataset))))
    keep = ["messages"] if "messages" in dataset.column_names else ["prompt", "completion"]
    dataset = dataset.select_columns(keep)
    sft = run_sft(script_args, training_args, model_args, lambda tokenizer: dataset)
    finish_distributed(sft.trainer)
    return training_args.output_dir


@dataclass
class SFTStageOptions:
    """What an ``sft`` stage of ``trl-r1 run`` trains on, besides :class:`ColdStartArguments`."""

    cold_start_format: bool = field(
        default=True,
        metadata={
            "help": "True: format and filter the data as R1 cold-start data (train_cold_start). False: "
            "the data is already prompt/completion (a sample stage's output: reasoning rows mixed with "
            "non-reasoning rows, or distillation traces) and is trained on as is."
        },
    )


SCRIPT_ARGUMENT_TYPES = (ColdStartArguments, SFTConfig, ModelConfig)
STAGE_ARGUMENT_TYPES = (*SCRIPT_ARGUMENT_TYPES, SFTStageOptions)


def parse_arguments(
    values: Mapping[str, Any], probe_processes: int | None = None
) -> tuple[ColdStartArguments, SFTConfig, ModelConfig, SFTStageOptions]:
    """An ``sft`` stage's flat arguments -> its configs (:func:`trl_r1.training.arguments.parse_stage_arguments`;
    ``probe_processes`` set: the check before any work)."""
    from trl_r1.training.arguments import parse_stage_arguments

    return parse_stage_arguments(STAGE_ARGUMENT_TYPES, values, probe=probe_processes is not None)


def run_sft_stage(values: Mapping[str, Any]) -> dict[str, float]:
    """An ``sft`` stage of ``trl-r1 run``: :func:`train_cold_start` (stage 1, distillation), or
    :func:`train_sft_on_ready_data` with ``cold_start_format: false`` (stage 3, whose data mixes non-reasoning rows
    that have no reasoning block); returns the trainer's final metrics."""
    from trl_r1.training.stage import trainer_metrics

    script_args, training_args, model_args, options = parse_arguments(values)
    train = train_cold_start if options.cold_start_format else train_sft_on_ready_data
    return trainer_metrics(train(script_args, training_args, model_args))


def make_parser() -> Any:
    """``TrlParser`` over :data:`SCRIPT_ARGUMENT_TYPES` (:class:`ColdStartArguments`, ``SFTConfig``, ``ModelConfig``)."""
    from trl import TrlParser

    return TrlParser(SCRIPT_ARGUMENT_TYPES)


def main(argv: list[str] | None = None) -> str:
    """Stage 1's script entry (``recipes/r1_stage1.py``): parse, set up logging, :func:`train_cold_start`."""
    from trl_r1.training.stage import run_stage_script

    return run_stage_script(make_parser(), train_cold_start, argv)
