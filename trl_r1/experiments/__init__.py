"""Controlled experiments on the tiny offline model: ``generalization`` (issue 13) asks whether answer-only RL
trains a skill that the cold-start SFT data does not contain, against equal-compute and spurious-reward controls."""

from trl_r1.experiments.generalization import GeneralizationConfig, main, run_experiment

__all__ = ["GeneralizationConfig", "main", "run_experiment"]
