"""``trl-r1 experiment generalization [--output-dir DIR] [--seeds N]``: controlled experiments on the tiny model.

``generalization`` asks whether GRPO on answers alone learns a skill that no worked solution shows, against
equal-compute SFT and spurious-reward controls (:mod:`trl_r1.experiments.generalization`; its options are
that module's ``GeneralizationConfig``, parsed by TRL's ``TrlParser``: ``--config recipes/tiny/generalization.yaml``
plus overrides). ``distillation`` asks whether distilling a stronger RL-trained teacher beats GRPO on the small
model itself (:mod:`trl_r1.experiments.distillation`, ``--config recipes/experiments/distillation.yaml``).
"""

from __future__ import annotations

import sys

EXPERIMENTS = {"generalization": "trl_r1.experiments.generalization",
               "distillation": "trl_r1.experiments.distillation"}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``trl-r1 experiment NAME [options]`` to the experiment's own ``main``."""
    import importlib

    argv = list(sys.argv[2:] if argv is None else argv)
    if not argv or argv[0] not in EXPERIMENTS:
        given = repr(argv[0]) if argv else "none"
        print(f"trl-r1 experiment: error: name an experiment ({', '.join(EXPERIMENTS)}), got {given}",
              file=sys.stderr)
        return 2
    return int(importlib.import_module(EXPERIMENTS[argv[0]]).main(argv[1:]) or 0)
