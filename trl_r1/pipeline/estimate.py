"""An estimate of the GPU memory each recipe stage needs, per GPU, from the model's config (``--dry-run``).

It is arithmetic, not a measurement: weights, gradients and AdamW state (fp32 moments; LoRA adapters in
fp32), activations at the configured lengths and batch, and the share vLLM reserves when colocated. What
it leaves out (CUDA context ~0.5-1 GB, allocator fragmentation, temporary buffers) is why a real run needs
headroom; treat a number near your GPU's size as "does not fit".

>>> qwen15 = dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
...               num_attention_heads=12, num_key_value_heads=2, tie_word_embeddings=True)
>>> num_parameters(qwen15)
1543714304
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

GB = 1024**3
ADAM_BYTES = 8  # two fp32 moments per trainable parameter


@dataclass
class MemoryEstimate:
    """Bytes per GPU, by what holds them (``vllm_share``: the fraction of the GPU vLLM reserves, 0 if none)."""

    weights: float
    gradients: float
    optimizer: float
    activations: float
    reference: float = 0.0
    kv_cache: float = 0.0
    vllm_share: float = 0.0

    @property
    def total(self) -> float:
        return (
            self.weights + self.gradients + self.optimizer + self.activations + self.reference + self.kv_cache
        )

    def describe(self) -> str:
        parts = [
            ("weights", self.weights),
            ("grads", self.gradients),
            ("optimizer", self.optimizer),
            ("activations", self.activations),
            ("reference", self.reference),
            ("kv cache", self.kv_cache),
        ]
        shown = " + ".join(f"{name} {_size(value)}" for name, value in parts if value)
        text = f"~{_size(self.total)} per GPU (estimate, not measured: {shown})"
        if self.vllm_share:
            text += f", plus vLLM's {self.vllm_share:.0%} of the GPU"
        return text


def _size(n: float) -> str:
    return f"{n / GB:.1f} GB" if n >= 0.1 * GB else f"{n / 2**20:.0f} MB"


def _dims(config: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    h, layers = int(config["hidden_size"]), int(config["num_hidden_layers"])
    heads = int(config.get("num_attention_heads", 1))
    head_dim = int(config.get("head_dim") or h // heads)
    kv = int(config.get("num_key_value_heads") or heads) * head_dim
    return (
        h,
        int(config.get("intermediate_size", 4 * h)),
        layers,
        heads * head_dim,
        kv,
        int(config["vocab_size"]),
    )


def _linear_shapes(config: dict[str, Any]) -> dict[str, tuple[int, int]]:
    h, inter, _, q, kv, _ = _dims(config)
    return {
        "q": (h, q),
        "k": (h, kv),
        "v": (h, kv),
        "o": (q, h),
        "gate": (h, inter),
        "up": (h, inter),
        "down": (inter, h),
    }


def num_parameters(config: dict[str, Any]) -> int:
    """Parameters of a Llama/Qwen-style decoder (attention with q/k/v bias when ``attention_bias`` or Qwen2,
    gated MLP, RMSNorm), from its config values."""
    h, _, layers, q, kv, vocab = _dims(config)
    bias = (q + 2 * kv) if config.get("attention_bias", config.get("model_type", "qwen2") == "qwen2") else 0
    per_layer = sum(i * o for i, o in _linear_shapes(config).values()) + bias + 2 * h
    embeddings = vocab * h * (1 if config.get("tie_word_embeddings", False) else 2)
    return embeddings + layers * per_layer + h


def lora_parameters(
    config: dict[str, Any],
    r: int,
    target_modules: Any = "all-linear",
    modules_to_save: list[str] | None = None,
) -> int:
    """Trainable parameters of LoRA rank ``r`` on the decoder's linear layers (``all-linear`` or names such as
    ``q_proj``), plus full copies of ``modules_to_save`` (``embed_tokens``, ``lm_head``; one for tied ones)."""
    shapes = _linear_shapes(config)
    if target_modules in (None, "all-linear"):
        chosen = list(shapes)
    else:
        names = [target_modules] if isinstance(target_modules, str) else list(target_modules)
        chosen = [k for k in shapes if any(n.startswith(k + "_") or n == k for n in names)]
    params = _dims(config)[2] * sum(r * (shapes[k][0] + shapes[k][1]) for k in chosen)
    saved = set(modules_to_save or [])
    if saved:
        h, vocab = _dims(config)[0], _dims(config)[5]
        copies = 1 if config.get("tie_word_embeddings", False) else len(saved & {"embed_tokens", "lm_head"})
        params += copies * vocab * h
    return params


def _dtype_bytes(args: dict[str, Any]) -> int:
    dtype = str(args.get("dtype") or args.get("torch_dtype") or "bfloat16")
    return 4 if dtype in ("float32", "fp32") else 2


def _activation_bytes(config: dict[str, Any], tokens: int, checkpointing: bool, dtype_bytes: int) -> float:
    """Training activations for ``tokens`` tokens per micro-batch: with gradient checkpointing, each layer's
    input plus one layer's recomputed intermediates; without, every layer's; plus fp32 logits."""
    h, inter, layers, _, _, vocab = _dims(config)
    per_layer = (
        tokens * (10 * h + 3 * inter) * dtype_bytes
    )  # attention and MLP intermediates kept for backward
    kept = tokens * h * dtype_bytes * layers + per_layer if checkpointing else per_layer * layers
    return kept + tokens * vocab * 4 * 2  # logits and their log-softmax in fp32


def estimate_memory(
    config: dict[str, Any],
    kind: str,
    args: dict[str, Any],
    lora: dict[str, Any] | None = None,
    num_processes: int = 1,
    zero_stage: int = 0,
) -> MemoryEstimate:
    """Per-GPU bytes of one stage (``kind``: sft, grpo, sample, eval) with its flat ``args``.

    Args:
        config: the model's ``config.json`` values.
        lora: the stage's LoRA settings (``r``, ``target_modules``, ``modules_to_save``), or ``None`` for
            full fine-tuning.
        num_processes: GPUs the stage runs on; ZeRO (``zero_stage`` 1-3, or FSDP as 3) shards over them.
    """
    wbytes = _dtype_bytes(args)
    params = num_parameters(config)
    weights = float(params * wbytes)
    h, _, layers, _, kv, _ = _dims(config)
    if kind in ("sample", "eval"):
        backend = args.get("backend", "auto")
        share = float(args.get("vllm_gpu_memory_utilization", 0.9)) if backend == "vllm" else 0.0
        if share:
            return MemoryEstimate(0.0, 0.0, 0.0, 0.0, vllm_share=share)
        batch = int(args.get("batch_size", 64))
        length = int(args.get("max_new_tokens") or 1024) + int(args.get("max_prompt_length") or 512)
        return MemoryEstimate(
            weights, 0.0, 0.0, 0.0, kv_cache=float(batch * length * layers * 2 * kv * wbytes)
        )
    if lora is not None:
        trainable = lora_parameters(
            config,
            int(lora.get("r", 16)),
            lora.get("target_modules", "all-linear"),
            lora.get("modules_to_save"),
        )
        grads, optimizer = trainable * 4.0, trainable * (4.0 + ADAM_BYTES)  # fp32 adapters: copy + moments
        reference = 0.0  # the reference is the policy with adapters disabled
    else:
        grads, optimizer = params * float(wbytes), params * float(ADAM_BYTES)
        reference = weights if kind == "grpo" and float(args.get("beta", 0.0) or 0.0) > 0 else 0.0
    n = max(1, num_processes)
    if zero_stage >= 1:
        optimizer /= n
    if zero_stage >= 2:
        grads /= n
    if zero_stage >= 3:
        weights, reference = weights / n, reference / n
    batch = int(args.get("per_device_train_batch_size", 8))
    if kind == "grpo":
        length = int(args.get("max_prompt_length") or 512) + int(args.get("max_completion_length") or 256)
    else:
        length = int(args.get("max_length") or 1024)
    activations = _activation_bytes(
        config, batch * length, bool(args.get("gradient_checkpointing", True)), wbytes
    )
    share = 0.0
    if kind == "grpo" and args.get("use_vllm") and args.get("vllm_mode", "colocate") == "colocate":
        share = float(args.get("vllm_gpu_memory_utilization", 0.3))
    return MemoryEstimate(weights, grads, optimizer, activations, reference=reference, vllm_share=share)


@functools.lru_cache(maxsize=32)
def model_config(model: str) -> dict[str, Any] | None:
    """``config.json`` of a local model directory, a tiny alias or a cached hub model; ``None`` if unavailable
    (offline and not cached): the estimate is then skipped."""
    from trl_r1.models.resolve import resolve_model

    try:
        path = Path(resolve_model(model)).expanduser()
        if (path / "config.json").is_file():
            return json.loads((path / "config.json").read_text())
        from transformers import AutoConfig

        quiet = logging.getLogger("transformers")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # "Offline mode: forcing local_files_only=True", once per stage
        try:
            return AutoConfig.from_pretrained(model).to_dict()
        finally:
            quiet.setLevel(level)
    except Exception as e:  # offline, not cached, or not a causal LM: no estimate
        logger.debug("no config for %s: %s", model, e)
        return None


def zero_stage(accelerate_config: str | None) -> int:
    """The ZeRO stage of an accelerate config (FSDP counts as 3; none: 0)."""
    if not accelerate_config:
        return 0
    import yaml

    try:
        data = yaml.safe_load(Path(accelerate_config).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return 0
    if str(data.get("distributed_type", "")).upper() == "FSDP":
        return 3
    return int((data.get("deepspeed_config") or {}).get("zero_stage", 0) or 0)


def stage_estimate(recipe: Any, stage: Any, config: dict[str, Any] | None = None) -> MemoryEstimate | None:
    """The estimate for a recipe stage, from its model's config (``config``, else read: an earlier stage's
    model has the base model's architecture); ``None`` when the config is not available here."""
    from trl_r1.pipeline.recipe import STAGE_REF

    model = recipe.model if (stage.model or "").startswith(STAGE_REF) else stage.model
    if config is None and model:
        config = model_config(model)
    if config is None or "hidden_size" not in config:
        return None
    lora = dict(stage.lora) if stage.lora is not None else None
    if lora is not None and stage.kind == "sft" and stage.args.get("cold_start_format", True):
        lora.setdefault(
            "modules_to_save", ["embed_tokens", "lm_head"]
        )  # the new R1 tag rows (trl_r1.models.lora)
    return estimate_memory(
        config, stage.kind, stage.args, lora, stage.num_processes, zero_stage(stage.accelerate_config)
    )
