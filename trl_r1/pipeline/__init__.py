"""The multi-stage runner: a recipe file (:mod:`.recipe`), one function per stage kind
(:mod:`.stages`) and the resumable runner (:mod:`.runner`) behind ``trl-r1 run``."""

from trl_r1.pipeline.recipe import load_recipe, parse_recipe
from trl_r1.pipeline.runner import StageFailed, build_summary, run_recipe
from trl_r1.pipeline.schema import Recipe, RecipeError, RewardSpec, Stage
from trl_r1.pipeline.stages import KINDS

__all__ = [
    "KINDS",
    "Recipe",
    "RecipeError",
    "RewardSpec",
    "Stage",
    "StageFailed",
    "build_summary",
    "load_recipe",
    "parse_recipe",
    "run_recipe",
]
