"""LoRA for cold-start SFT on one node, and saving a stage's result so the next stage loads one path.

Cold-start SFT adds the reasoning markers to the vocabulary, so their embedding rows (and output
rows) start untrained: a LoRA run must train them too. PEFT's ``trainable_token_indices`` would
train only those rows, but it crashes in TRL 1.16's fused LM head (``'TrainableTokensWrapper'
object has no attribute 'bias'``), so :func:`cold_start_lora_config` puts the input embeddings and
the LM head in ``modules_to_save`` (a full trainable copy; for a tied model one shared copy).

:func:`~trl_r1.training.stage.save_for_next_stage` writes either merged weights (default: any TRL trainer, vLLM and
``from_pretrained`` load them) or the adapter plus everything needed to load it by the same path.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def _module_name(model: Any, module: Any) -> str | None:
    for name, m in model.named_modules():
        if m is module:
            return name.rsplit(".", 1)[-1]
    return None


def embedding_module_names(model: Any) -> list[str]:
    """Short names of the input-embedding and LM-head modules (``["embed_tokens", "lm_head"]`` for most LMs)."""
    names = [_module_name(model, model.get_input_embeddings())]
    out = model.get_output_embeddings()
    if out is not None:
        names.append(_module_name(model, out))
    return [n for n in names if n]


def ties_embeddings(model: Any) -> bool:
    """Whether the LM head shares its weight with the input embeddings."""
    out = model.get_output_embeddings()
    return out is not None and out.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()


def cold_start_lora_config(
    model: Any, model_args: Any = None, train_new_tokens: bool = True, **overrides: Any
):
    """A ``peft.LoraConfig`` for cold-start SFT that also trains the new marker rows.

    Starts from TRL's ``get_peft_config(model_args)`` when ``model_args`` (a ``trl.ModelConfig``)
    is given, else from PEFT defaults with ``target_modules="all-linear"``; ``overrides`` are
    ``LoraConfig`` fields. With ``train_new_tokens`` the embedding and LM-head modules go to
    ``modules_to_save``; for a tied model ``ensure_weight_tying`` keeps them one matrix.

    >>> from trl_r1.models.tiny import build_tiny_model
    >>> model, _ = build_tiny_model()
    >>> sorted(cold_start_lora_config(model).modules_to_save)
    ['embed_tokens', 'lm_head']
    """
    from peft import LoraConfig

    if model_args is not None:
        from trl import get_peft_config

        config = get_peft_config(model_args)
        if config is None:
            raise ValueError("model_args.use_peft is False: there is no LoRA config to build")
        for key, value in overrides.items():
            setattr(config, key, value)
    else:
        overrides.setdefault("target_modules", "all-linear")
        overrides.setdefault("task_type", "CAUSAL_LM")
        config = LoraConfig(**overrides)
    if getattr(config, "trainable_token_indices", None):
        raise ValueError(
            "trainable_token_indices crashes in TRL 1.16 ('TrainableTokensWrapper' object has no attribute 'bias'); "
            "leave it unset: cold_start_lora_config trains the new rows through modules_to_save instead"
        )
    if train_new_tokens:
        modules = list(config.modules_to_save or [])
        modules += [n for n in embedding_module_names(model) if n not in modules]
        config.modules_to_save = modules
        if ties_embeddings(model):
            # One shared trainable copy; otherwise merging unties the head from the embeddings.
            config.ensure_weight_tying = True
    return config
