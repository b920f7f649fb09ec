"""The settings of an R1-style evaluation, written once: :class:`EvalSettings`.

DeepSeek-R1 (paper, section 3 "evaluation setup") samples k answers per problem at temperature 0.6
and top-p 0.95 with up to 32,768 new tokens and reports pass@1 over the k samples. Every place that
evaluates reads these settings from this one dataclass: :func:`trl_r1.eval.evaluate` (keyword
arguments are its fields), ``trl-r1 eval`` (parsed by TRL's ``TrlParser`` from the fields' help
texts, as TRL's scripts parse their configs) and the in-training benchmark callback (its
``eval_benchmark_*`` arguments are an adapter over the same fields). The checks run in
``__post_init__``, so a bad value is one line naming the field before any model is loaded.

>>> EvalSettings(k=8).k
8
>>> EvalSettings(k=0)
Traceback (most recent call last):
...
trl_r1.eval.settings.EvalSettingError: k: expected a positive integer, got 0
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from trl_r1.generation import BACKEND_NAMES
from trl_r1.text.templates import PROMPT_TEMPLATES

TEMPLATES = ("auto", *PROMPT_TEMPLATES)
"""Prompt templates: ``auto`` (the data's own prompt, else ``r1``) and those of :func:`trl_r1.text.templates.build_prompt`."""
LAYOUTS = ("auto", "r1_zero", "r1")
"""Completion layouts format compliance scores: ``r1_zero`` (``<think>`` + ``<answer>``), ``r1`` (``<think>`` +
summary), ``auto`` (``r1_zero`` when the prompt asks for ``<answer>``, else ``r1``)."""
R1_MAX_NEW_TOKENS = 32768  # DeepSeek-R1's maximum generation length in its evaluations

__all__ = ["LAYOUTS", "R1_MAX_NEW_TOKENS", "TEMPLATES", "EvalSettingError", "EvalSettings"]


class EvalSettingError(ValueError):
    """A bad evaluation setting; ``key`` is the field (``k``, ``top_p``...), ``reason`` what is wrong and the fix."""

    def __init__(self, key: str, reason: str):
        super().__init__(f"{key}: {reason}")
        self.key, self.reason = key, reason

    def message(self, spell: Callable[[str], str]) -> str:
        """The error with every setting name spelled the caller's way: a reason writes other settings as
        ``name=value``; ``spell(name)`` gives the key and the ``name=`` prefix their spelling
        (``--k `` on the command line, ``eval_benchmark_k=`` in a stage script).

        >>> EvalSettingError("pass_k", "4 is larger than k=2").message(lambda n: "--" + n.replace("_", "-") + " ")
        '--pass-k: 4 is larger than --k 2'
        """
        reason = re.sub(
            r"\b([a-z_]+)=",
            lambda m: spell(m.group(1)) if m.group(1) in _FIELD_NAMES else m.group(0),
            self.reason,
        )
        return f"{spell(self.key).rstrip(' =')}: {reason}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class EvalSettings:
    """How to evaluate: sampling, prompt, scoring and data settings (R1's defaults)."""

    k: int = field(
        default=4, metadata={"help": "samples per problem (R1: 64, pass@1 their mean; cons@64 for AIME)"}
    )
    pass_k: list[int] | None = field(
        default=None,
        metadata={"help": "k values for unbiased pass@k (default: powers of two up to k, and k)"},
    )
    limit: int | None = field(default=None, metadata={"help": "evaluate only the first N problems"})
    temperature: float = field(default=0.6, metadata={"help": "sampling temperature (R1: 0.6)"})
    top_p: float = field(default=0.95, metadata={"help": "nucleus sampling (R1: 0.95)"})
    max_new_tokens: int | None = field(
        default=None,
        metadata={
            "help": "completion budget (default: R1's 32768 capped so the longest prompt plus completion fits "
            "the model's context; during training: the trainer's max_completion_length)"
        },
    )
    seed: int = field(default=0, metadata={"help": "sampling seed (the first seed with --seeds N)"})
    seeds: int = field(
        default=1,
        metadata={
            "help": "evaluation seeds: N runs with seeds seed, seed+1, ...; every metric is reported as mean "
            "± standard deviation over seeds, with the per-seed values"
        },
    )
    template: Literal[TEMPLATES] = field(  # type: ignore[valid-type]
        default="auto",
        metadata={
            "help": "prompt: auto (the data's or the benchmark's own prompt, else r1), r1 (R1 system "
            "instruction), r1_zero (R1-Zero string template), chat (bare question), deepseek (question + "
            "'Please reason step by step...\\boxed{}', for released R1/distill models; multiple-choice "
            "and code benchmarks keep their own prompts)"
        },
    )
    prefill_think: bool = field(default=False, metadata={"help": "end every prompt with an opened <think>"})
    layout: Literal[LAYOUTS] = field(  # type: ignore[valid-type]
        default="auto",
        metadata={
            "help": "the completion layout format compliance scores: r1_zero (<think> + <answer>), r1 (<think> "
            "+ summary), auto (r1_zero when the prompt asks for <answer>, else r1)"
        },
    )
    language: str | None = field(
        default=None,
        metadata={
            "help": "target language for language consistency (default: the benchmark's; detected for files)"
        },
    )
    answer_fallback: bool = field(
        default=False,
        metadata={
            "help": "read completions without R1 tags whole (last \\boxed{}); off by default (R1's rule)"
        },
    )
    backend: Literal[BACKEND_NAMES] = field(  # type: ignore[valid-type]
        default="auto", metadata={"help": "auto: vLLM when installed, else Transformers"}
    )
    batch_size: int = field(
        default=64, metadata={"help": "sequences per generate call (Transformers backend)"}
    )
    data_dir: str | None = field(
        default=None,
        metadata={
            "help": "folder holding local copies of the named benchmarks (math500.jsonl, gpqa_diamond.csv, "
            "livecodebench/, ...); default: $TRL_R1_BENCHMARKS_DIR, else their Hub datasets"
        },
    )
    question_field: str | None = field(default=None, metadata={"help": "question field of a benchmark file"})
    answer_field: str | None = field(default=None, metadata={"help": "gold answer field of a benchmark file"})

    def __post_init__(self) -> None:
        if isinstance(self.data_dir, os.PathLike):
            self.data_dir = os.fspath(self.data_dir)  # recorded in results.json: plain text
        for key in ("k", "seeds", "batch_size"):
            self._positive(key, getattr(self, key))
        for key in ("limit", "max_new_tokens"):
            if getattr(self, key) is not None:
                self._positive(key, getattr(self, key))
        if not _is_int(self.seed):
            raise EvalSettingError("seed", f"must be an integer, got {self.seed!r}")
        if not _is_number(self.temperature) or self.temperature < 0:
            raise EvalSettingError("temperature", f"must be a number >= 0, got {self.temperature!r}")
        if self.temperature == 0 and self.k > 1:
            raise EvalSettingError(
                "temperature",
                "0 (greedy) gives k identical samples; R1 samples at 0.6 (or use k=1 for greedy)",
            )
        if not _is_number(self.top_p) or not 0 < self.top_p <= 1:
            raise EvalSettingError("top_p", f"must be in (0, 1], got {self.top_p!r}")
        if self.pass_k is not None:
            if isinstance(self.pass_k, int):
                self.pass_k = [self.pass_k]
            for value in self.pass_k:
                self._positive("pass_k", value)
            if max(self.pass_k, default=1) > self.k:
                raise EvalSettingError(
                    "pass_k",
                    f"{max(self.pass_k)} is larger than k={self.k} (pass@k needs k <= "
                    "samples); raise k or lower pass_k",
                )
        for key, allowed in (("template", TEMPLATES), ("layout", LAYOUTS), ("backend", BACKEND_NAMES)):
            if getattr(self, key) not in allowed:
                raise EvalSettingError(
                    key, f"unknown {key} {getattr(self, key)!r}; choose from {', '.join(allowed)}"
                )

    @staticmethod
    def _positive(key: str, value: Any) -> None:
        if not _is_int(value):
            raise EvalSettingError(key, f"expected an integer, got {value!r}")
        if value < 1:
            raise EvalSettingError(key, f"expected a positive integer, got {value}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The field names (what :func:`trl_r1.eval.evaluate` accepts as keyword settings)."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def help(cls, name: str) -> str:
        """The help text of a field (what ``trl-r1 eval --help`` and the stage scripts print)."""
        return next(f.metadata["help"] for f in dataclasses.fields(cls) if f.name == name)

    @classmethod
    def default(cls, name: str) -> Any:
        """The default of a field."""
        return next(f.default for f in dataclasses.fields(cls) if f.name == name)

    def replace(self, **changes: Any) -> EvalSettings:
        """A copy with ``changes`` (checked again); an unknown name is a ``TypeError`` naming the fields."""
        unknown = sorted(set(changes) - set(self.names()))
        if unknown:
            raise TypeError(
                f"unknown evaluation setting(s) {', '.join(unknown)}; the settings are the fields of "
                f"EvalSettings: {', '.join(self.names())}"
            )
        return dataclasses.replace(self, **changes)

    def protocol(self) -> dict[str, Any]:
        """The settings as a plain dict (recorded in ``results.json``)."""
        return dataclasses.asdict(self)


_FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(EvalSettings))
