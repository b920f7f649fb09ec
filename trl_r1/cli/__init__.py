"""``trl-r1``: one command with a subcommand per R1 tool.

Each subcommand lives in its own module of :mod:`trl_r1.cli`, exposing ``make_parser()`` (TRL's
``TrlParser`` over its config dataclass: ``--config x.yaml`` plus command-line overrides) and
``main(argv) -> int`` (``experiment`` only dispatches to the named experiment's own ``main``); only the chosen
one is imported, so ``trl-r1 --help`` stays fast. Usage errors print one line and
exit with code 2, without a traceback.
"""

from __future__ import annotations

import importlib
import sys

from trl_r1._runtime import UsageError

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("trl_r1.cli.demo", "tiny R1 pipeline on CPU: cold-start SFT, then GRPO, with pass@1 after each"),
    "tiny-model": ("trl_r1.cli.tiny_model", "write the tiny offline model (and tokenizer) to a directory"),
    "eval": ("trl_r1.cli.eval", "R1-style evaluation: pass@1 over k samples, cons@k"),
    "plot": ("trl_r1.cli.plot", "PNG dashboard of a training run's rewards and monitors"),
    "sample": ("trl_r1.cli.sample", "rejection sampling: sample, verify, filter, mix (R1 stage 3)"),
    "run": ("trl_r1.cli.run", "run a multi-stage recipe file (R1, R1-Zero, distillation)"),
    "experiment": (
        "trl_r1.cli.experiment",
        "controlled experiments on the tiny model: `trl-r1 experiment generalization`",
    ),
    "sandbox": (
        "trl_r1.cli.sandbox",
        "code-sandbox maintenance: `trl-r1 sandbox clean` removes what killed trainers left",
    ),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        lines = ["usage: trl-r1 <command> [options]", "", "commands:"]
        lines += [f"  {name:<11} {help_text}" for name, (_, help_text) in SUBCOMMANDS.items()]
        print("\n".join(lines))
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        from trl_r1 import __version__

        print(__version__)
        return 0
    name = argv[0]
    if name not in SUBCOMMANDS:
        print(
            f"trl-r1: error: unknown command {name!r} (choose from {', '.join(SUBCOMMANDS)})", file=sys.stderr
        )
        return 2
    module = importlib.import_module(SUBCOMMANDS[name][0])
    from trl_r1._runtime import setup_logging

    setup_logging()
    try:
        return int(module.main(argv[1:]) or 0)
    except UsageError as e:
        print(f"trl-r1 {name}: error: {e}", file=sys.stderr)
        return 2
