"""Checks the subcommands run on their options before any model is loaded; each raises
:class:`~trl_r1.cli.UsageError` with one line naming the option and the fix."""

from __future__ import annotations

import argparse
from pathlib import Path


def output_dir(value: str, option: str = "--output-dir") -> str:
    """An output directory that is (or can be made) a writable directory, not a file."""
    from trl_r1._runtime import UsageError
    from trl_r1.cli._types import writable_dir

    try:
        return writable_dir(value)
    except argparse.ArgumentTypeError as e:
        raise UsageError(f"{option}: {e}; give a directory path") from None


def loadable_model(model: str, option: str = "--model") -> None:
    """A model that is a local directory, a ``trl-r1/tiny`` alias, or a hub id whose config can be read now
    (from the cache when offline): an unreachable hub id fails here in one line, not as a raw ``OSError``
    after the data is loaded."""
    from trl_r1._runtime import UsageError
    from trl_r1.models.resolve import is_tiny_alias

    if is_tiny_alias(model):
        return
    path = Path(model).expanduser()
    if path.exists():
        if path.is_dir() and not (path / "config.json").exists() and not (path / "adapter_config.json").exists():
            raise UsageError(f"{option}: {model!r} has no config.json: it is not a saved model directory")
        return
    if model.startswith((".", "/", "~")) or model.count("/") > 1:
        raise UsageError(f"{option}: model directory {model!r} does not exist")
    from transformers import AutoConfig

    try:
        AutoConfig.from_pretrained(model)
    except (OSError, ValueError) as e:
        import os

        offline = os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes")
        hint = ("the hub is off (HF_HUB_OFFLINE=1) and it is not in the local cache; download it first "
                "(huggingface-cli download " + model + ") or give a local directory") if offline else \
            f"check the id or your network ({str(e).splitlines()[0][:120]})"
        raise UsageError(f"{option}: cannot load model {model!r}: {hint}") from None


def no_model_to_overwrite(directory: str, overwrite: bool) -> None:
    """Refuse to write a model over a directory that already holds one, unless ``overwrite``."""
    from trl_r1._runtime import UsageError

    path = Path(directory)
    held = [name for name in ("config.json", "model.safetensors", "tokenizer.json") if (path / name).exists()]
    if held and not overwrite:
        raise UsageError(f"{directory!r} already holds a model ({', '.join(held)}); pass --overwrite to replace it, "
                         "or choose another directory")
