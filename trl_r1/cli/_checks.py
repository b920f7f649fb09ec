"""Checks the subcommands run on their options before any model is loaded; each raises
:class:`~trl_r1.cli.UsageError` with one line naming the option and the fix."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def output_dir(value: str, option: str = "--output-dir") -> str:
    """An output directory that is (or can be made) a writable directory, not a file."""
    from trl_r1._runtime import UsageError
    from trl_r1.cli._types import writable_dir

    try:
        return writable_dir(value)
    except argparse.ArgumentTypeError as e:
        raise UsageError(f"{option}: {e}; give a directory path") from None


def loadable_model(model: str, option: str = "--model", chat: bool = False) -> None:
    """A model loadable from its files (:func:`trl_r1.training.model_checks.model_problem`): a ``trl-r1/tiny``
    alias with options in range, a local directory with config.json and tokenizer files (and a chat template when
    ``chat``), or a hub id whose config can be read now (from the cache when offline); anything else fails here
    in one line, not as a raw ``OSError`` or ``JSONDecodeError`` after the data is loaded."""
    from trl_r1._runtime import UsageError
    from trl_r1.training.model_checks import model_problem

    problem = model_problem(model, option, chat=chat)
    if problem:
        raise UsageError(problem)


def check_values(values: dict, types: tuple, prefix: str = "--") -> None:
    """The values a subcommand's options hold, against their types and :data:`trl_r1.training.arguments.RANGES`
    (``--vllm-gpu-memory-utilization 2``, ``--top-p 5``): the first problem as one line."""
    from trl_r1._runtime import UsageError
    from trl_r1.training.arguments import check_values as problems_of

    problems = problems_of(values, types)
    if problems:
        key, _, reason = problems[0].partition(": ")
        raise UsageError(f"{prefix}{key.replace('_', '-')}: {reason}")


def no_file_to_overwrite(paths: list[Path], overwrite: bool, what: str) -> None:
    """Refuse to write over files that exist already (a user's file, or an earlier run's result), unless
    ``overwrite``: one line naming the first and the flag."""
    from trl_r1._runtime import UsageError

    existing = [p for p in paths if os.path.lexists(p)]
    if existing and not overwrite:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise UsageError(
            f"{existing[0]}{more} exists already; pass --overwrite to replace it with {what}, or "
            "choose another output"
        )


def no_model_to_overwrite(directory: str, overwrite: bool) -> None:
    """Refuse to write a model over a directory that already holds one, unless ``overwrite``."""
    from trl_r1._runtime import UsageError

    path = Path(directory)
    held = [name for name in ("config.json", "model.safetensors", "tokenizer.json") if (path / name).exists()]
    if held and not overwrite:
        raise UsageError(
            f"{directory!r} already holds a model ({', '.join(held)}); pass --overwrite to replace it, "
            "or choose another directory"
        )
