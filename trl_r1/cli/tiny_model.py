"""``trl-r1 tiny-model DIR``: write the tiny offline model and tokenizer (see :mod:`trl_r1.models.tiny`).

    trl-r1 tiny-model runs/tiny                      # the tiny policy (Qwen2, byte-level tokenizer)
    trl-r1 tiny-model runs/tiny-rm --reward-model    # the tiny reward model

Options are :class:`TinyModelArguments`, parsed by TRL's ``TrlParser`` (``DIR`` is ``--output_dir``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from trl_r1.training.options import CommandParser, parse_options


@dataclass
class TinyModelArguments:
    """The options of ``trl-r1 tiny-model`` (``--config x.yaml`` holds any of them)."""

    output_dir: str = field(
        metadata={"help": "directory to write the model into (also the first bare argument)"}
    )
    hidden_size: int = field(default=128, metadata={"help": "hidden size of the tiny policy"})
    num_layers: int = field(default=2, metadata={"help": "decoder layers of the tiny policy"})
    seed: int = field(default=0, metadata={"help": "seed of the random weights"})
    reward_model: bool = field(default=False, metadata={"help": "write the tiny reward model instead"})
    overwrite: bool = field(default=False, metadata={"help": "replace a model already in output_dir"})

    def __post_init__(self) -> None:
        from trl_r1.cli._types import positive_int, writable_dir
        from trl_r1.training.model_checks import TINY_LIMITS

        for name, check in (("hidden_size", positive_int), ("num_layers", positive_int)):
            try:
                setattr(self, name, check(str(getattr(self, name))))
            except argparse.ArgumentTypeError as e:
                raise ValueError(f"--{name.replace('_', '-')}: {e}") from None
        # a tiny model stays tiny: --hidden-size 1000000 would try to allocate terabytes
        for name, limit in (
            ("hidden_size", "hidden_size"),
            ("num_layers", "num_hidden_layers"),
            ("seed", "seed"),
        ):
            low, high = TINY_LIMITS[limit]
            if not low <= getattr(self, name) <= high:
                raise ValueError(
                    f"--{name.replace('_', '-')}: must be in {low}..{high}, got {getattr(self, name)}"
                )
        if self.hidden_size % 4:
            raise ValueError(
                f"--hidden-size: must be a multiple of the 4 attention heads, got {self.hidden_size}"
            )
        try:  # last: nothing is created for options that are refused
            self.output_dir = writable_dir(str(self.output_dir))
        except argparse.ArgumentTypeError as e:
            raise ValueError(f"--output-dir: {e}") from None


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`TinyModelArguments`."""
    return CommandParser(
        positional="output_dir",
        dataclass_types=(TinyModelArguments,),
        prog="trl-r1 tiny-model",
        description="write the tiny offline model (and tokenizer) to a directory",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 tiny-model DIR [options]``: parse, build, save, print the path."""
    return run(parse_options(make_parser(), argv))


def run(args: TinyModelArguments) -> int:
    from trl_r1.cli import _checks
    from trl_r1.models.tiny import save_tiny_model, save_tiny_reward_model

    _checks.no_model_to_overwrite(args.output_dir, args.overwrite)
    if args.reward_model:
        path = save_tiny_reward_model(args.output_dir, seed=args.seed)
    else:
        path = save_tiny_model(
            args.output_dir, hidden_size=args.hidden_size, num_hidden_layers=args.num_layers, seed=args.seed
        )
    print(path)
    return 0
