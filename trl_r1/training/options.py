"""The one option parser of trl_r1's commands: ``trl-r1 SUBCOMMAND``, ``trl-r1 experiment NAME`` and the
pipeline's stage process (``python -m trl_r1.pipeline.runner``). It is TRL's ``TrlParser`` (dataclasses with
``metadata={"help": ...}``, ``--config x.yaml`` plus command-line overrides), with what a command line needs on
top: one-line usage errors with exit code 2, ``--config`` and a positional argument shown in ``--help``, and each
default printed once.

It sits in ``training/`` (not ``cli/``) so that every layer that parses a command line can import it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from trl import TrlParser


class _DefaultsOnce(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """``(default: X)`` after a help text, unless the text already says its default or there is none; the
    description and epilog as written (examples keep their lines)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "default" in text.lower()
            or action.default in (None, argparse.SUPPRESS)
            or not action.option_strings
            or isinstance(action, argparse._StoreFalseAction)
        ):
            return text
        return super()._get_help_string(action)


class CommandParser(TrlParser):
    """TRL's ``TrlParser`` for one command line.

    Args:
        dataclass_types: the option dataclasses, as for ``TrlParser``.
        positional: a field also given as the first bare argument (``trl-r1 run RECIPE.yaml``); ``--help`` shows
            it as a positional argument, and its ``--option`` form keeps working.
        **kwargs: ``prog``, ``description``, ``epilog``... of ``argparse.ArgumentParser``.
    """

    def __init__(self, dataclass_types: Any, positional: str | None = None, **kwargs: Any):
        kwargs.setdefault("formatter_class", _DefaultsOnce)
        super().__init__(dataclass_types, **kwargs)
        self.add_argument(
            "--config",
            metavar="YAML",
            default=argparse.SUPPRESS,
            help="read any of these options from a YAML file; options given here override it",
        )
        for action in self._actions:  # TRL gives --no_X the help of --X; say what it does
            if isinstance(action, argparse._StoreFalseAction) and action.option_strings[0].startswith(
                "--no_"
            ):
                action.help = f"turn off --{action.dest} (on by default)"
        self.positional = positional
        if positional:
            option = next(a for a in self._actions if a.dest == positional)
            self._required_positional = option.required
            option.required, help_text, option.help = False, option.help, argparse.SUPPRESS
            self.add_argument(
                positional,
                nargs="?",
                default=argparse.SUPPRESS,
                metavar=positional.upper(),
                type=option.type,
                choices=option.choices,
                help=help_text,
            )

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, rest = super().parse_known_args(args, namespace)
        if self.positional and self._required_positional and getattr(parsed, self.positional, None) is None:
            self.error(f"the following arguments are required: {self.positional.upper()}")
        return parsed, rest

    def error(self, message: str):  # one line, no usage dump, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")

    def set_defaults_with_config(self, **kwargs: Any) -> list[str]:
        """TRL's YAML defaults, where a key may also be a field's alias (``output-dir``, ``model``)."""
        by_option = {s.lstrip("-"): a.dest for a in self._actions for s in a.option_strings}
        return super().set_defaults_with_config(**{by_option.get(k, k): v for k, v in kwargs.items()})


def parse_options(parser: CommandParser, argv: Iterable[str] | None) -> Any:
    """The one options dataclass of ``parser`` (a tuple when it has several), from ``--config x.yaml`` and
    ``argv``. A value a dataclass refuses (``ValueError``) is a :class:`~trl_r1._runtime.UsageError`; an unknown
    option exits here (both: one line, exit code 2)."""
    from trl_r1._runtime import UsageError

    argv = list(argv or [])
    problem = config_file_problem(argv)  # missing, not a mapping, or aliases expanding without bound
    if problem:
        raise UsageError(problem)
    try:
        *options, unknown = parser.parse_args_and_config(args=argv, return_remaining_strings=True)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return options[0] if len(options) == 1 else tuple(options)


def config_file_problem(argv: list[str]) -> str | None:
    """What is wrong with the ``--config`` file a stage script is given, read as TrlParser would read it but with
    alias expansion bounded (:func:`trl_r1._runtime.load_yaml`): missing, not a file, not a mapping."""
    from trl_r1._runtime import YAMLTooLarge, load_yaml

    path = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--config"), None)
    path = path or next((a.partition("=")[2] for a in argv if a.startswith("--config=")), None)
    if path is None:
        return None
    config = Path(path)
    if not config.is_file():
        return f"--config: {path!r} {'is not a regular file' if config.exists() else 'does not exist'}"
    if config.stat().st_size > 1 << 20:
        return f"--config: {path!r} is {config.stat().st_size:,} bytes, not a stage config"
    import yaml

    try:
        data = load_yaml(config.read_text(encoding="utf-8"), source=path)
    except UnicodeDecodeError:
        return f"--config: {path!r} is not UTF-8 text"
    except YAMLTooLarge as e:
        return f"--config: {e}"
    except yaml.YAMLError as e:
        return f"--config: {path!r} is not valid YAML ({str(e).splitlines()[0]})"
    if not isinstance(data, dict):
        return f"--config: {path!r} must hold a mapping of arguments (key: value), got {type(data).__name__}"
    return None
