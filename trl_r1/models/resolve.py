"""Model names: a local path, a hub id, or a tiny offline alias (built once, cached).

``trl-r1/tiny`` (with the R1 tags), ``trl-r1/tiny-base`` (without) and ``trl-r1/tiny-reward`` (a
sequence-classification reward model) are the tiny random models of :mod:`trl_r1.models.tiny`,
for tests and CPU recipes; ``trl-r1/tiny-deepseek`` is a tiny random model over DeepSeek-V4's
production vocabulary (:mod:`trl_r1.models.tiny_deepseek`); ``trl-r1/tiny?hidden_size=64`` sets their size.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from trl_r1._runtime import cache_dir

logger = logging.getLogger(__name__)


TINY_ALIASES = {
    "trl-r1/tiny": True,
    "trl-r1/tiny-base": False,
    "trl-r1/tiny-deepseek": True,
}  # alias -> R1 tags
TINY_REWARD_MODEL = "trl-r1/tiny-reward"
_TINY_OPTIONS = {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "seed"}
_TINY_REWARD_OPTIONS = {"hidden_size", "seed"}


def is_tiny_alias(name: str) -> bool:
    """Whether ``name`` is a tiny causal-LM alias (``trl-r1/tiny``, ``trl-r1/tiny-base``, with options)."""
    return urlsplit(name).path in TINY_ALIASES and "://" not in name


def _is_tiny_reward_alias(name: str) -> bool:
    return urlsplit(name).path == TINY_REWARD_MODEL and "://" not in name


def resolve_model(name_or_path: str) -> str:
    """A loadable path or hub id for ``name_or_path``: tiny aliases (causal LM or reward model) are
    built once into :func:`~trl_r1._runtime.cache_dir` and that directory is returned; anything else
    is returned as it is."""
    reward = _is_tiny_reward_alias(name_or_path)
    if not reward and not is_tiny_alias(name_or_path):
        return name_or_path
    parts = urlsplit(name_or_path)
    options = dict(parse_qsl(parts.query))
    allowed = _TINY_REWARD_OPTIONS if reward else _TINY_OPTIONS
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(
            f"unknown tiny-model option(s) {sorted(unknown)} in {name_or_path!r}; allowed: {sorted(allowed)}"
        )
    kwargs = {k: int(v) for k, v in options.items()}
    key = parts.path.replace("/", "_") + "".join(f"-{k}{v}" for k, v in sorted(kwargs.items()))
    target = cache_dir() / "models" / key
    if (target / "config.json").exists():
        return str(target)
    from trl_r1.models.tiny import save_tiny_model, save_tiny_reward_model
    from trl_r1.text.completion import R1_TAGS

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{key}-"))
    if reward:
        save_tiny_reward_model(tmp, **kwargs)
    elif parts.path == "trl-r1/tiny-deepseek":  # <think> tags are already in DeepSeek's vocabulary
        from trl_r1.models.tiny_deepseek import save_tiny_deepseek_model

        save_tiny_deepseek_model(tmp, **kwargs)
    else:
        save_tiny_model(tmp, extra_tokens=R1_TAGS if TINY_ALIASES[parts.path] else (), **kwargs)
    try:
        tmp.rename(target)  # atomic: concurrent builders cannot leave a half-written model
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
    logger.info("built tiny model %s at %s", name_or_path, target)
    return str(target)
