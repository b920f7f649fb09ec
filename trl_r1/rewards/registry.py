"""Reward names: the rule rewards and reward models a recipe or stage script can ask for by name.

``accuracy`` (or ``accuracy_reward``), ``helpfulness=PATH``, or any dotted import path. Used by the
GRPO stages, rejection sampling and the recipe validator alike.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

# Rule rewards by short name -> dotted path. The full function names are accepted too.
RULE_REWARDS: dict[str, str] = {
    "accuracy": "trl_r1.rewards.accuracy_reward",
    "r1_zero_format": "trl_r1.rewards.r1_zero_format_reward",
    "think_summary_format": "trl_r1.rewards.think_summary_format_reward",
    "tag_count": "trl_r1.rewards.tag_count_reward",
    "language_consistency": "trl_r1.rewards.language_consistency_reward",
    "multiple_choice": "trl_r1.rewards.multiple_choice_reward",
    "trl_accuracy": "trl.rewards.accuracy_reward",
    "reasoning_accuracy": "trl.rewards.reasoning_accuracy_reward",
    "think_format": "trl.rewards.think_format_reward",
}


# Reward models by name; they need a model path: ``helpfulness=PATH`` (script) or ``model: PATH`` (recipe).
REWARD_MODEL_NAMES = ("reward_model", "helpfulness", "harmlessness")


def known_reward_names() -> list[str]:
    """Every reward name :func:`build_reward` accepts (besides dotted import paths)."""
    return sorted(RULE_REWARDS) + list(REWARD_MODEL_NAMES)


def _canonical(name: str) -> str:
    if name.endswith("_reward") and name[: -len("_reward")] in RULE_REWARDS:
        return name[: -len("_reward")]
    return name


def reward_import_path(name: str) -> str:
    """The dotted import path of a rule reward name; a dotted path is returned as it is.

    >>> reward_import_path("accuracy")
    'trl_r1.rewards.accuracy_reward'
    """
    return RULE_REWARDS.get(_canonical(name), name)


def check_reward_name(name: str, model: str | None = None) -> str | None:
    """``None`` if ``name`` (with ``model`` for reward models) can be built, else why not."""
    name = _canonical(name)
    if name in REWARD_MODEL_NAMES:
        return None if model else f"reward {name!r} is a reward model and needs a model path (model: PATH)"
    if model is not None:
        return f"reward {name!r} takes no model; only {', '.join(REWARD_MODEL_NAMES)} do"
    if name in RULE_REWARDS:
        return None
    if "." not in name:
        return f"unknown reward {name!r}; known: {', '.join(known_reward_names())}, or a dotted import path"
    module_name, _, attr = name.rpartition(".")
    try:
        sys.path.insert(0, os.getcwd())
        module = importlib.import_module(module_name)
    except ImportError as e:
        return f"cannot import {module_name!r} for reward {name!r} ({e})"
    finally:
        sys.path.pop(0)
    if not hasattr(module, attr):
        return f"{module_name!r} has no attribute {attr!r} (reward {name!r})"
    return None


def build_reward(name: str, model: str | None = None) -> Any:
    """A GRPO reward function from a name, a dotted import path, or a reward-model name + path.

    >>> build_reward("accuracy").__name__
    'accuracy_reward'
    """
    problem = check_reward_name(name, model)
    if problem:
        raise ValueError(problem)
    name = _canonical(name)
    if name in REWARD_MODEL_NAMES:
        from trl_r1.rewards.reward_models import REWARD_MODELS

        return REWARD_MODELS[name](model)
    module_name, _, attr = reward_import_path(name).rpartition(".")
    sys.path.insert(0, os.getcwd())  # like TRL's script: rewards in the working directory import
    try:
        return getattr(importlib.import_module(module_name), attr)
    finally:
        sys.path.pop(0)


def parse_reward_spec(spec: str) -> tuple[str, str | None]:
    """``"accuracy"`` -> ``("accuracy", None)``; ``"helpfulness=/models/rm"`` -> ``("helpfulness", "/models/rm")``."""
    name, sep, model = spec.partition("=")
    return name.strip(), (model.strip() or None) if sep else None
