"""Sampling k completions per prompt, behind one interface.

R1 evaluates and rejection-samples by *sampling* (temperature 0.6, top-p 0.95), never greedily.
:class:`TransformersBackend` runs anywhere (CPU included); faster backends (vLLM offline engine,
TRL's ``trl vllm-serve`` client) implement the same :class:`GenerationBackend` protocol.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Prompt = str | list[dict[str, str]]


@dataclass(frozen=True)
class SamplingParams:
    """How to sample. Defaults are the DeepSeek-R1 paper's evaluation settings."""

    num_samples: int = 1
    temperature: float = 0.6
    top_p: float = 0.95
    max_new_tokens: int = 256
    seed: int = 0

    def __post_init__(self):
        if self.num_samples < 1:
            raise ValueError(f"num_samples must be >= 1, got {self.num_samples}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {self.max_new_tokens}")


@dataclass(frozen=True)
class Sample:
    """One sampled completion: decoded text (special tokens skipped, as TRL's GRPO decodes),
    the number of generated tokens, and whether it stopped on EOS (``False`` = truncated)."""

    text: str
    num_tokens: int
    finished: bool


class GenerationBackend(Protocol):
    """Anything that samples ``params.num_samples`` completions for each prompt."""

    name: str

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]: ...


def render_prompt(tokenizer: Any, prompt: Prompt) -> str:
    """The text a model is conditioned on, rendered the way TRL's GRPOTrainer renders it.

    Conversational prompts use the chat template; a final assistant message (for example a
    prefilled ``<think>``) is continued rather than closed.
    """
    if isinstance(prompt, str):
        return prompt
    if prompt and prompt[-1].get("role") == "assistant":
        return tokenizer.apply_chat_template(prompt, tokenize=False, continue_final_message=True)
    return tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)


class TransformersBackend:
    """Batched ``model.generate`` sampling; works on CPU and GPU.

    Args:
        model: a causal LM or a path/hub id to load one from.
        tokenizer: its tokenizer (loaded from ``model`` when it is a path).
        batch_size: sequences (prompts x samples) per ``generate`` call.
        device / dtype: where and how to load a model given by path.
    """

    name = "transformers"

    def __init__(self, model: Any, tokenizer: Any = None, batch_size: int = 64, device: str | None = None,
                 dtype: Any = None):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if isinstance(model, str):
            tokenizer = tokenizer or AutoTokenizer.from_pretrained(model)
            model = AutoModelForCausalLM.from_pretrained(model, dtype=dtype or "auto")
            if device:
                model = model.to(device)
        if tokenizer is None:
            raise ValueError("a tokenizer is required when the model is passed as an object")
        self.model, self.tokenizer, self.batch_size = model, tokenizer, max(1, batch_size)
        if tokenizer.pad_token_id is None:
            raise ValueError("the tokenizer has no pad token; set tokenizer.pad_token before sampling")

    def _eos_ids(self) -> set[int]:
        eos = self.model.generation_config.eos_token_id
        ids = set(eos if isinstance(eos, (list, tuple)) else [eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        return ids

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]:
        import torch

        tok = self.tokenizer
        texts = [render_prompt(tok, p) for p in prompts]
        eos_ids = self._eos_ids()
        per_call = max(1, self.batch_size // params.num_samples)
        was_training = self.model.training
        self.model.eval()
        old_side, tok.padding_side = tok.padding_side, "left"
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(params.seed)
        out: list[list[Sample]] = []
        try:
            for start in range(0, len(texts), per_call):
                chunk = texts[start : start + per_call]
                enc = tok(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(self.model.device)
                with torch.no_grad():
                    gen = self.model.generate(
                        **enc,
                        do_sample=params.temperature > 0,
                        temperature=params.temperature if params.temperature > 0 else None,
                        top_p=params.top_p if params.temperature > 0 else None,
                        top_k=None,
                        max_new_tokens=params.max_new_tokens,
                        num_return_sequences=params.num_samples,
                        pad_token_id=tok.pad_token_id,
                        eos_token_id=sorted(eos_ids),
                    )
                completions = gen[:, enc["input_ids"].shape[1] :].tolist()
                for i in range(len(chunk)):
                    group = []
                    for ids in completions[i * params.num_samples : (i + 1) * params.num_samples]:
                        stop = next((j for j, t in enumerate(ids) if t in eos_ids), None)
                        kept = ids if stop is None else ids[: stop + 1]
                        group.append(Sample(tok.decode(kept, skip_special_tokens=True), len(kept), stop is not None))
                    out.append(group)
        finally:
            tok.padding_side = old_side
            torch.random.set_rng_state(generator_state)
            self.model.train(was_training)
        return out


def vllm_available() -> bool:
    """Whether the optional ``vllm`` extra is importable."""
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def make_backend(model: str, backend: str = "auto", **kwargs: Any) -> GenerationBackend:
    """Pick a generation backend for a model path.

    ``backend``: ``"auto"`` (vLLM when installed, else Transformers), ``"transformers"``,
    ``"vllm"`` or ``"vllm-server"``. Extra keyword arguments go to the backend's constructor.
    """
    from pathlib import Path

    if backend not in BACKENDS and backend != "auto":
        raise ValueError(f"unknown generation backend {backend!r}; choose from auto, {', '.join(BACKENDS)}")
    if backend != "vllm-server" and "/" in model and not Path(model).exists() and model.startswith((".", "/")):
        raise FileNotFoundError(f"model path {model!r} does not exist")
    if backend == "auto":
        backend = "vllm" if vllm_available() else "transformers"
    logger.info("sampling with the %s backend", backend)
    return BACKENDS[backend](model, **kwargs)


# name -> constructor taking (model, **kwargs); the vLLM backends register themselves here.
BACKENDS: dict[str, Any] = {"transformers": TransformersBackend}
