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


def _as_float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None


def probability(value: str) -> float:
    """A number in (0, 1], such as top-p."""
    x = _as_float(value)
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(f"expected a value in (0, 1], got {x}")
    return x


def non_negative_float(value: str) -> float:
    """A number >= 0, such as a temperature."""
    x = _as_float(value)
    if x < 0:
        raise argparse.ArgumentTypeError(f"expected a value >= 0, got {x}")
    return x
