"""``trl-r1 sandbox clean``: remove what killed trainers left behind in the code sandbox.

A trainer that was SIGKILLed cannot tear its sandboxes down: their tmpfs roots under ``/tmp``, their
cgroups and processes running under leased sandbox uids stay. Every new :class:`~trl_r1.sandbox.LocalSandbox`
already cleans them at start (:func:`trl_r1.sandbox.cleanup.clean_stale`); this command does the same on demand.
Options are :class:`SandboxArguments`, parsed by TRL's ``TrlParser``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from trl_r1.sandbox.cleanup import DEFAULT_LOCK_DIR
from trl_r1.training.options import CommandParser, parse_options

logger = logging.getLogger(__name__)


@dataclass
class SandboxArguments:
    """The options of ``trl-r1 sandbox`` (the action is also the first bare argument)."""

    action: Literal["clean"] = field(
        metadata={
            "help": "clean: remove stale sandbox roots and cgroups of dead "
            "trainers, kill leftover processes of unleased sandbox uids"
        }
    )
    lock_dir: str = field(
        default=DEFAULT_LOCK_DIR, metadata={"help": "uid lease directory (SandboxConfig.lock_dir)"}
    )


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`SandboxArguments`."""
    return CommandParser(
        positional="action",
        dataclass_types=(SandboxArguments,),
        prog="trl-r1 sandbox",
        description="code-sandbox maintenance",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 sandbox clean [--lock_dir DIR]``."""
    from pathlib import Path

    from trl_r1._runtime import UsageError
    from trl_r1.sandbox.cleanup import clean_stale

    args = parse_options(make_parser(), argv)
    if Path(args.lock_dir).exists() and not Path(args.lock_dir).is_dir():
        raise UsageError(f"--lock-dir: {args.lock_dir!r} is a file, not the sandbox's uid lease directory")
    counts = clean_stale(args.lock_dir)
    logger.info(
        "removed %d stale root(s) and %d cgroup(s); killed leftover processes of %d uid(s)",
        counts["roots"],
        counts["cgroups"],
        counts["uids"],
    )
    return 0
