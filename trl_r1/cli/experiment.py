"""``trl-r1 experiment generalization [--output-dir DIR] [--seeds N]``: controlled experiments on the tiny model.

``generalization`` asks whether GRPO on answers alone learns a skill that no worked solution shows, against
equal-compute SFT and spurious-reward controls (:mod:`trl_r1.experiments.generalization`; its options are
that module's ``GeneralizationConfig``, parsed by TRL's ``TrlParser``: ``--config recipes/experiments/generalization.yaml``
plus overrides). ``distillation`` asks whether distilling a stronger RL-trained teacher beats GRPO on the small
model itself (:mod:`trl_r1.experiments.distillation`, ``--config recipes/experiments/distillation.yaml``).
"""

from __future__ import annotations

import sys

# name -> (module with main(argv), one line for --help)
EXPERIMENTS = {
    "generalization": (
        "trl_r1.experiments.generalization",
        "does answer-only GRPO learn a skill that no SFT example shows?",
    ),
    "distillation": (
        "trl_r1.experiments.distillation",
        "does distilling a stronger RL-trained teacher beat GRPO on the small model itself?",
    ),
}
# experiment -> its options' dataclass, checked here (types, ranges, --config, --output-dir) before it trains
OPTIONS = {"generalization": "GeneralizationConfig", "distillation": "DistillationConfig"}


def check_options(name: str, argv: list[str]) -> None:
    """The experiment's options as ``trl-r1 run`` checks a stage's: the ``--config`` file (present, a mapping,
    aliases bounded), each value against its type and :data:`~trl_r1.training.arguments.RANGES`
    (``--top-p 5``, ``--temperature -1``), a writable ``--output-dir``; the first problem raises
    :class:`~trl_r1._runtime.UsageError` (one line, exit code 2) before any training."""
    import dataclasses
    import importlib

    from trl_r1.cli import _checks
    from trl_r1.training.options import CommandParser, parse_options

    options_class = getattr(importlib.import_module(EXPERIMENTS[name][0]), OPTIONS[name])
    options = parse_options(CommandParser((options_class,), prog=f"trl-r1 experiment {name}"), argv)
    defaults = {
        f.name: f.default for f in dataclasses.fields(options_class) if f.default is not dataclasses.MISSING
    }
    _checks.check_values(
        {k: v for k, v in vars(options).items() if k not in defaults or defaults[k] != v}, (options_class,)
    )
    if hasattr(options, "output_dir"):
        _checks.output_dir(options.output_dir)


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``trl-r1 experiment NAME [options]`` to the experiment's own ``main``."""
    import importlib

    argv = list(sys.argv[2:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(
            "usage: trl-r1 experiment NAME [--config YAML] [options]\n\nexperiments:\n"
            + "\n".join(f"  {name:<15} {summary}" for name, (_, summary) in EXPERIMENTS.items())
            + "\n\n`trl-r1 experiment NAME --help` lists the options of one."
        )
        return 0
    if not argv or argv[0] not in EXPERIMENTS:
        given = repr(argv[0]) if argv else "none"
        print(
            f"trl-r1 experiment: error: name an experiment ({', '.join(EXPERIMENTS)}), got {given}",
            file=sys.stderr,
        )
        return 2
    check_options(argv[0], argv[1:])
    return int(importlib.import_module(EXPERIMENTS[argv[0]][0]).main(argv[1:]) or 0)
