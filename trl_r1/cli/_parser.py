"""The one option parser of the ``trl-r1`` subcommands and stage scripts: TRL's ``TrlParser``."""

from __future__ import annotations

from trl import TrlParser


class ArgumentParser(TrlParser):
    """TRL's ``TrlParser`` (dataclasses, ``--config x.yaml`` plus command-line overrides) whose usage errors
    are one line and exit code 2, like every ``trl-r1`` subcommand."""

    def error(self, message: str):  # one line, no usage dump, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")
