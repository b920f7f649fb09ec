"""The multi-stage runner behind ``trl-r1 run``: a recipe file (:mod:`.recipe`), the stage kinds (:mod:`.stages`),
the checks before any work (:mod:`.validate`), the resumable runner (:mod:`.runner`) and the records it keeps in
the output directory (:mod:`.output_dir`).

The names below load their module on first use, so that ``python -m trl_r1.pipeline.runner`` (a stage's own
process) runs the runner module once, as ``__main__``, rather than a second copy beside the one this package
imported.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "KINDS": "stages",
    "Recipe": "recipe",
    "RecipeError": "recipe",
    "RewardSpec": "recipe",
    "Stage": "recipe",
    "load_recipe": "recipe",
    "parse_recipe": "recipe",
    "StageFailed": "runner",
    "build_summary": "output_dir",
    "run_recipe": "runner",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
