"""Models: resolving a model name (tiny offline aliases included), tokenizer surgery, LoRA, the tiny models."""

from trl_r1.models.resolve import TINY_ALIASES, TINY_REWARD_MODEL, is_tiny_alias, resolve_model

__all__ = ["TINY_ALIASES", "TINY_REWARD_MODEL", "is_tiny_alias", "resolve_model"]
