"""``trl-r1 tiny-model DIR``: write the tiny offline model and tokenizer (see :mod:`trl_r1.models.tiny`)."""

from __future__ import annotations

import argparse

from trl_r1.cli._types import writable_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output_dir", type=writable_dir, help="directory to write the model into")
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reward-model", action="store_true", help="write the tiny reward model instead")
    parser.add_argument("--overwrite", action="store_true", help="replace a model already in output_dir")


def run(args: argparse.Namespace) -> int:
    from trl_r1.cli import UsageError, _checks
    from trl_r1.models.tiny import save_tiny_model, save_tiny_reward_model

    _checks.no_model_to_overwrite(args.output_dir, args.overwrite)
    if args.num_layers < 1 or args.hidden_size < 1:
        raise UsageError(f"--num-layers and --hidden-size must be >= 1, got {args.num_layers} and {args.hidden_size}")
    if args.reward_model:
        path = save_tiny_reward_model(args.output_dir, seed=args.seed)
    else:
        path = save_tiny_model(args.output_dir, hidden_size=args.hidden_size,
                               num_hidden_layers=args.num_layers, seed=args.seed)
    print(path)
    return 0
