"""The settings of one rejection-sampling run (R1 stage 3), parsed from YAML or the command line."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trl_r1.data.prompt_length import DEFAULT_MAX_PROMPT_LENGTH
from trl_r1.generation import BACKEND_NAMES, VLLM_SERVER_URL
from trl_r1.text.templates import PROMPT_TEMPLATES

SELECTIONS = ("shortest", "diverse")


class InvalidInput(ValueError):
    """Bad user input found before any sampling starts (a missing column, a missing model...)."""


@dataclass
class RejectionSamplingConfig:
    """Sample ``num_samples`` completions per prompt, keep the correct and readable ones, mix in
    non-reasoning rows: the SFT data of DeepSeek-R1's stage 3 (paper, section 2.3.3).

    Reward functions use TRL's GRPO signature, so ``trl_r1.rewards`` and ``trl.rewards`` both work,
    given as objects or dotted paths. Everything that decides *which samples exist* (model,
    prompts, sampling, rewards, seed, shard size) is fingerprinted: a resumed run must match it.
    Filters and mixing are not: re-running with other thresholds re-selects from the saved shards
    without generating again.

    >>> cfg = RejectionSamplingConfig(sampling_model="trl-r1/tiny", dataset_name="synthetic://arithmetic?n=8",
    ...                               samples_dir="/tmp/rs", num_samples=4, max_per_prompt=2)
    >>> cfg.thresholds()
    [1.0]
    """

    # Four fields carry a "sampling"/"samples" name because TRL's SFTConfig has the short one (output_dir, seed,
    # push_to_hub) and stage 3 parses both with one TrlParser; the CLI keeps the short flags as aliases.
    sampling_model: str = field(
        metadata={
            "aliases": ["--model"],
            "help": "Model to sample from (the RL checkpoint): a local directory, a hub id, or trl-r1/tiny.",
        }
    )
    dataset_name: str = field(
        metadata={
            "aliases": ["--dataset"],
            "help": "Prompts: a .jsonl/.json/.parquet file, a save_to_disk directory, "
            "synthetic://arithmetic?..., or a hub id. Columns: 'prompt' (string or chat "
            "messages), or 'question'/'problem' turned into a prompt by --prompt-template; "
            "gold answers in 'solution' (or 'answer', used when 'solution' is absent).",
        }
    )
    samples_dir: str = field(
        metadata={
            "aliases": ["--output-dir", "--output_dir"],
            "help": "Where shards, dataset/, report.json and dropped.jsonl go. Re-running "
            "with the same directory resumes.",
        }
    )
    dataset_train_split: str = field(
        default="train",
        metadata={"help": "Split, for hub datasets and DatasetDicts (TRL's ScriptArguments name)."},
    )
    prompt_column: str = field(default="prompt", metadata={"help": "Column holding ready prompts."})
    question_column: str | None = field(
        default=None,
        metadata={
            "help": "Column holding bare questions, used when there is no prompt column "
            "(default: the first of 'question', 'problem')."
        },
    )
    solution_column: str | None = field(
        default=None,
        metadata={
            "help": "Column copied to 'solution' (the gold answer TRL and trl_r1 rewards read) "
            "when the dataset has no 'solution' (default: 'answer')."
        },
    )
    prompt_template: Literal[PROMPT_TEMPLATES] = field(  # type: ignore[valid-type]
        default="chat",
        metadata={
            "help": "How a bare question becomes a prompt: 'chat' (one user message), 'r1' "
            "(R1 instruction as system message + user message) or 'r1_zero' (the "
            "paper's R1-Zero string template)."
        },
    )
    max_prompts: int | None = field(default=None, metadata={"help": "Use only the first N prompts."})
    num_samples: int = field(default=4, metadata={"help": "Samples per prompt (k)."})
    temperature: float = field(default=0.6, metadata={"help": "Sampling temperature (R1: 0.6)."})
    top_p: float = field(default=0.95, metadata={"help": "Nucleus sampling top-p (R1: 0.95)."})
    max_prompt_length: int | None = field(
        default=DEFAULT_MAX_PROMPT_LENGTH,
        metadata={
            "help": "Drop (and count) prompts longer than this many tokens, chat template included, before "
            "sampling (a huge prompt would stall generation); null (YAML): no limit."
        },
    )
    max_new_tokens: int = field(
        default=1024,
        metadata={
            "help": "Longest completion in tokens (R1 allowed 32768; longer ones are truncated and dropped)."
        },
    )
    sampling_seed: int = field(
        default=0,
        metadata={
            "aliases": ["--seed"],
            "help": "Seed; shard i samples with a seed derived from (seed, i), so a "
            "resumed or differently sharded run gives the same rows.",
        },
    )
    backend: Literal[BACKEND_NAMES] = field(  # type: ignore[valid-type]
        default="auto",
        metadata={
            "help": "Generation backend: auto (vllm when installed, else transformers), "
            "transformers, vllm or vllm-server."
        },
    )
    batch_size: int = field(
        default=64, metadata={"help": "Sequences per generate call (transformers backend)."}
    )
    vllm_server_url: str = field(
        default=VLLM_SERVER_URL,
        metadata={"help": "URL of a `trl vllm-serve` server (vllm-server backend)."},
    )
    vllm_tensor_parallel_size: int = field(
        default=1, metadata={"help": "GPUs per vLLM engine (vllm backend)."}
    )
    vllm_gpu_memory_utilization: float = field(
        default=0.9, metadata={"help": "Share of GPU memory vLLM may take (vllm backend)."}
    )
    shard_size: int = field(
        default=64,
        metadata={"help": "Prompts per shard: the unit of resume and of work split across processes."},
    )
    reward_funcs: list[str] = field(  # callables too, from Python
        default_factory=lambda: ["accuracy"],
        metadata={
            "help": "GRPO-signature reward functions: trl_r1 short names (accuracy, think_summary_format, "
            "language_consistency...), reward models (helpfulness=PATH), dotted paths, or callables. "
            "The first is the correctness reward: the judge fills it in where it returns None."
        },
    )
    reward_thresholds: list[float] | None = field(
        default=None,
        metadata={
            "help": "Minimum value of each reward, in order (default 1.0 each: only fully "
            "correct samples are kept). -inf records a reward without filtering (on the command line: "
            "--reward-thresholds=-inf)."
        },
    )
    judge: str | None = field(
        default=None,
        metadata={  # a callable too, from Python
            "help": "Optional judge (dotted path or callable, GRPO signature) scoring samples the correctness reward "
            "cannot check."
        },
    )
    readability: bool = field(
        default=True,
        metadata={
            "help": "Apply the readability filters of trl_r1.data.filters "
            "(truncation, missing summary, bad format, repetition, "
            "long paragraphs, code blocks, mixed languages)."
        },
    )
    language: str | None = field(
        default=None,
        metadata={
            "help": "Language the reasoning must be in, for rows "
            "without a 'language' column (e.g. 'en'); default: "
            "the prompt's language."
        },
    )
    allow_code: bool = field(
        default=False, metadata={"help": "Keep code blocks in the reasoning (code datasets)."}
    )
    drop_truncated: bool = field(default=True, metadata={"help": "Drop samples that hit max_new_tokens."})
    min_tokens: int = field(default=1, metadata={"help": "Drop completions shorter than this many tokens."})
    max_tokens: int | None = field(
        default=None, metadata={"help": "Drop completions longer than this many tokens."}
    )
    dedupe: bool = field(
        default=True, metadata={"help": "Drop exact duplicates (same prompt, same normalised completion)."}
    )
    near_duplicate_threshold: float | None = field(
        default=0.9,
        metadata={
            "help": "Drop a completion whose word-trigram Jaccard similarity to a kept "
            "completion of the same prompt is at least this (null in YAML disables)."
        },
    )
    max_per_prompt: int | None = field(
        default=None, metadata={"help": "Keep at most this many samples per prompt."}
    )
    selection: Literal[SELECTIONS] = field(  # type: ignore[valid-type]
        default="shortest",
        metadata={
            "help": "Which samples the per-prompt cap keeps: 'shortest' or 'diverse' "
            "(farthest-first by trigram Jaccard distance)."
        },
    )
    non_reasoning_dataset: str | None = field(
        default=None,
        metadata={
            "help": "Non-reasoning rows to mix in (writing, QA, translation...): a dataset spec "
            "with prompt/completion, question/response or messages columns, e.g. "
            "synthetic://non_reasoning?n=200."
        },
    )
    reasoning_ratio: float = field(
        default=3.0, metadata={"help": "Kept reasoning rows per non-reasoning row (R1: ~600k:200k = 3)."}
    )
    push_samples_to_hub: str | None = field(
        default=None,
        metadata={
            "aliases": ["--push-to-hub", "--push_to_hub"],
            "help": "Also push the dataset to this hub repo id.",
        },
    )
    overwrite: bool = field(
        default=False,
        metadata={
            "help": "Discard shards of an earlier run with other settings instead of refusing to resume."
        },
    )

    def __post_init__(self):
        if isinstance(self.reward_funcs, (str, Callable)):
            self.reward_funcs = [self.reward_funcs]
        checks = [
            (self.num_samples >= 1, f"num_samples must be >= 1, got {self.num_samples}"),
            (self.shard_size >= 1, f"shard_size must be >= 1, got {self.shard_size}"),
            (self.max_new_tokens >= 1, f"max_new_tokens must be >= 1, got {self.max_new_tokens}"),
            (self.temperature >= 0, f"temperature must be >= 0, got {self.temperature}"),
            (0 < self.top_p <= 1, f"top_p must be in (0, 1], got {self.top_p}"),
            (
                self.max_prompt_length is None or self.max_prompt_length >= 1,
                f"max_prompt_length must be >= 1 (or none), got {self.max_prompt_length}",
            ),
            (
                self.prompt_template in PROMPT_TEMPLATES,
                f"prompt_template must be one of {PROMPT_TEMPLATES}, got {self.prompt_template!r}",
            ),
            (self.selection in SELECTIONS, f"selection must be one of {SELECTIONS}, got {self.selection!r}"),
            (len(self.reward_funcs) >= 1, "reward_funcs is empty: at least the correctness reward is needed"),
            (
                self.max_per_prompt is None or self.max_per_prompt >= 1,
                f"max_per_prompt must be >= 1 (or None), got {self.max_per_prompt}",
            ),
            (self.reasoning_ratio > 0, f"reasoning_ratio must be > 0, got {self.reasoning_ratio}"),
            (
                self.near_duplicate_threshold is None or 0 < self.near_duplicate_threshold <= 1,
                f"near_duplicate_threshold must be in (0, 1], got {self.near_duplicate_threshold}",
            ),
            (
                self.max_tokens is None or self.max_tokens >= self.min_tokens,
                f"max_tokens ({self.max_tokens}) is below min_tokens ({self.min_tokens})",
            ),
            (
                self.max_prompts is None or self.max_prompts >= 1,
                f"max_prompts must be >= 1, got {self.max_prompts}",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise InvalidInput(message)
        if self.reward_thresholds is not None and len(self.reward_thresholds) != len(self.reward_funcs):
            raise InvalidInput(
                f"{len(self.reward_thresholds)} reward_thresholds for {len(self.reward_funcs)} "
                "reward_funcs: give one threshold per reward function"
            )

    def thresholds(self) -> list[float]:
        """One minimum per reward function (``-inf`` = record only)."""
        values = self.reward_thresholds or [1.0] * len(self.reward_funcs)
        return [float(v) if not (isinstance(v, float) and math.isnan(v)) else -math.inf for v in values]
