"""Argument types shared by the ``trl-r1`` subcommands: they fail fast with one clear line."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def writable_dir(value: str) -> str:
    """An output directory that exists and is writable, or can be created (it is created here,
    with a probe file written and removed, so a bad path fails before any expensive work)."""
    path = Path(value).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".trl_r1-probe-"):
            pass
    except FileExistsError:
        raise argparse.ArgumentTypeError(f"output directory {value!r} is a file, not a directory") from None
    except OSError as e:
        raise argparse.ArgumentTypeError(
            f"output directory {value!r} is not writable ({e.strerror})"
        ) from None
    return str(path)


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {number}")
    return number
