"""The one option parser of the ``trl-r1`` subcommands and stage scripts: TRL's ``TrlParser``."""

from __future__ import annotations

from typing import Any

from trl import TrlParser


class ArgumentParser(TrlParser):
    """TRL's ``TrlParser`` (dataclasses, ``--config x.yaml`` plus command-line overrides) whose usage errors
    are one line and exit code 2, like every ``trl-r1`` subcommand."""

    def error(self, message: str):  # one line, no usage dump, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_options(parser: TrlParser, argv: list[str] | None, positional: str | None = None) -> Any:
    """The one config dataclass of a ``trl-r1`` subcommand, from ``--config x.yaml`` and ``argv``; a value a
    dataclass refuses (``ValueError``) is a usage error: one line, exit code 2.

    ``positional`` names the field a leading bare argument fills (``trl-r1 run RECIPE.yaml`` is
    ``trl-r1 run --recipe RECIPE.yaml``), so the short form of a path-taking command keeps working.
    """
    from trl_r1.cli import UsageError
    from trl_r1.training.stage import config_file_problem

    argv = list(argv or [])
    if positional and argv and not argv[0].startswith("-"):
        argv = [f"--{positional}", argv[0], *argv[1:]]
    problem = config_file_problem(argv)  # missing, not a mapping, or aliases expanding without bound
    if problem:
        raise UsageError(problem)
    try:
        options, unknown = parser.parse_args_and_config(args=argv, return_remaining_strings=True)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return options
