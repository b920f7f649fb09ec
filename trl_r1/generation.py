"""Sampling k completions per prompt, behind one interface.

R1 evaluates and rejection-samples by *sampling* (temperature 0.6, top-p 0.95), never greedily.
:class:`TransformersBackend` runs anywhere (CPU included); faster backends (vLLM offline engine,
TRL's ``trl vllm-serve`` client) implement the same :class:`GenerationBackend` protocol.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
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
    the number of generated tokens, and whether it stopped on EOS (``False`` = truncated).
    ``token_ids`` (when the backend has them) are what TRL passes rewards as ``completion_ids``."""

    text: str
    num_tokens: int
    finished: bool
    token_ids: tuple[int, ...] | None = field(default=None, compare=False, repr=False)


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
                        group.append(Sample(tok.decode(kept, skip_special_tokens=True), len(kept), stop is not None,
                                            tuple(kept)))
                    out.append(group)
        finally:
            tok.padding_side = old_side
            torch.random.set_rng_state(generator_state)
            self.model.train(was_training)
        return out


_VLLM_MISSING = (
    "the {backend!r} generation backend needs vLLM, which is not installed: "
    "pip install 'trl-r1[vllm]' (on a GPU machine), or use --backend transformers"
)


def _eos_ids_of(tokenizer: Any, generation_config: Any = None) -> set[int]:
    eos = getattr(generation_config, "eos_token_id", None)
    ids = set(eos if isinstance(eos, (list, tuple)) else [eos] if eos is not None else [])
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return ids


def _prompt_token_ids(tokenizer: Any, prompts: list[Prompt]) -> list[list[int]]:
    # Token ids, not text: the engine would otherwise add a BOS the chat template already holds.
    return [tokenizer(render_prompt(tokenizer, p), add_special_tokens=False)["input_ids"] for p in prompts]


class VLLMBackend:
    """vLLM's offline engine (the ``vllm`` extra), for sampling at scale on GPUs.

    Every prompt gets its own vLLM seed (``params.seed + index``), so a batch is reproducible and
    two identical prompts still get different samples.

    Args:
        model: path or hub id.
        tokenizer: optional tokenizer path (defaults to the model's).
        **llm_kwargs: passed to ``vllm.LLM`` (``tensor_parallel_size``, ``gpu_memory_utilization``,
            ``max_model_len``, ``dtype``...).
    """

    name = "vllm"

    def __init__(self, model: str, tokenizer: str | None = None, **llm_kwargs: Any):
        if not vllm_available():
            raise ImportError(_VLLM_MISSING.format(backend=self.name))
        import vllm

        self._sampling_params_cls = vllm.SamplingParams
        self.llm = vllm.LLM(model=model, tokenizer=tokenizer, **llm_kwargs)
        self.tokenizer = self.llm.get_tokenizer()

    def sampling_params(self, params: SamplingParams, index: int = 0) -> Any:
        """The vLLM ``SamplingParams`` for prompt number ``index`` of a batch."""
        return self._sampling_params_cls(
            n=params.num_samples, temperature=params.temperature, top_p=params.top_p,
            max_tokens=params.max_new_tokens, seed=params.seed + index,
        )

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]:
        inputs = [{"prompt_token_ids": ids} for ids in _prompt_token_ids(self.tokenizer, prompts)]
        sampling = [self.sampling_params(params, i) for i in range(len(inputs))]
        outputs = self.llm.generate(inputs, sampling, use_tqdm=False)
        return [
            [Sample(o.text, len(o.token_ids), o.finish_reason == "stop", tuple(o.token_ids)) for o in out.outputs]
            for out in outputs
        ]


class VLLMServerBackend:
    """A running ``trl vllm-serve`` (or ``vllm serve``) server, through TRL's ``VLLMClient``.

    Prompts are rendered and tokenized here with the model's tokenizer, exactly as for the other
    backends; the server only samples. Completions come back prompt-major (the ``n`` samples of
    a prompt are consecutive).

    Args:
        model: path or hub id of the served model (for its tokenizer and EOS ids).
        base_url: the server, e.g. ``http://localhost:8000``.
        connection_timeout: seconds to wait for the server to come up.
        client: an object with TRL's ``VLLMClient.generate`` signature (tests pass a fake).
    """

    name = "vllm-server"

    def __init__(self, model: str, base_url: str = "http://localhost:8000", connection_timeout: float = 240.0,
                 tokenizer: Any = None, client: Any = None):
        from transformers import AutoTokenizer, GenerationConfig

        if client is None:
            if not vllm_available():  # TRL's client refuses to start without vLLM installed
                raise ImportError(_VLLM_MISSING.format(backend=self.name))
            from trl.generation.vllm_client import VLLMClient

            client = VLLMClient(base_url=base_url, connection_timeout=connection_timeout)
        self.client = client
        self.tokenizer = tokenizer if tokenizer is not None else AutoTokenizer.from_pretrained(model)
        try:
            generation_config = GenerationConfig.from_pretrained(model)
        except (OSError, ValueError):
            generation_config = None
        self.eos_ids = _eos_ids_of(self.tokenizer, generation_config)

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]:
        out = self.client.generate(
            prompts=_prompt_token_ids(self.tokenizer, prompts), n=params.num_samples,
            temperature=params.temperature, top_p=params.top_p, max_tokens=params.max_new_tokens,
            logprobs=None, generation_kwargs={"seed": params.seed},
        )
        completion_ids, k = out["completion_ids"], params.num_samples
        if len(completion_ids) != len(prompts) * k:
            raise RuntimeError(f"the vLLM server returned {len(completion_ids)} completions for "
                               f"{len(prompts)} prompts x {k} samples")
        groups = []
        for i in range(len(prompts)):
            group = []
            for ids in completion_ids[i * k : (i + 1) * k]:
                stop = next((j for j, t in enumerate(ids) if t in self.eos_ids), None)
                kept = list(ids if stop is None else ids[: stop + 1])
                text = self.tokenizer.decode(kept, skip_special_tokens=True)
                group.append(Sample(text, len(kept), stop is not None, tuple(kept)))
            groups.append(group)
        return groups


def vllm_available() -> bool:
    """Whether the optional ``vllm`` extra is importable."""
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def backend_name(requested: str = "auto") -> str:
    """The backend ``requested`` names: ``"auto"`` is vLLM when installed, else Transformers.

    >>> backend_name("transformers")
    'transformers'
    """
    if requested == "auto":
        return "vllm" if vllm_available() else "transformers"
    if requested not in BACKENDS:
        raise ValueError(f"unknown generation backend {requested!r}; choose from auto, {', '.join(BACKENDS)}")
    return requested


def make_backend(model: str, backend: str = "auto", **kwargs: Any) -> GenerationBackend:
    """The one backend factory (evaluation and rejection sampling): a backend for a model path.

    ``backend``: ``"auto"`` (vLLM when installed, else Transformers), ``"transformers"``,
    ``"vllm"`` or ``"vllm-server"``. Extra keyword arguments go to the backend's constructor.
    """
    from pathlib import Path

    backend = backend_name(backend)
    if backend != "vllm-server" and "/" in model and not Path(model).exists() and model.startswith((".", "/")):
        raise FileNotFoundError(f"model path {model!r} does not exist")
    logger.info("sampling from %s with the %s backend", model, backend)
    return BACKENDS[backend](model, **kwargs)


# name -> constructor taking (model, **kwargs).
BACKENDS: dict[str, Any] = {
    "transformers": TransformersBackend,
    "vllm": VLLMBackend,
    "vllm-server": VLLMServerBackend,
}
