"""Rejection sampling and SFT data mixing: DeepSeek-R1 stage 3.

"When reasoning-oriented RL converges, we utilize the resulting checkpoint to collect SFT data":
sample several responses per prompt, keep the correct ones (rule rewards, or a judge), drop
unreadable ones, mix in non-reasoning data (3:1), and fine-tune. :func:`rejection_sample` does
the data part; :mod:`trl_r1.training.stage3` (``recipes/r1_stage3.py``) adds the fine-tuning; ``trl-r1 sample`` is the CLI.
"""

from trl_r1.rejection.config import InvalidInput, RejectionSamplingConfig
from trl_r1.rejection.mixing import mix_non_reasoning, sft_pair
from trl_r1.rejection.report import pass_rate_histogram
from trl_r1.rejection.runner import rejection_sample
from trl_r1.rejection.sampler import ShardStore, shard_seed
from trl_r1.rejection.scoring import RewardScorer, required_columns
from trl_r1.rejection.selection import LengthBounds, RewardThreshold, Scorable, Selection, select_samples

__all__ = [
    "InvalidInput",
    "LengthBounds",
    "RejectionSamplingConfig",
    "RewardScorer",
    "RewardThreshold",
    "Scorable",
    "Selection",
    "ShardStore",
    "mix_non_reasoning",
    "pass_rate_histogram",
    "rejection_sample",
    "required_columns",
    "select_samples",
    "sft_pair",
    "shard_seed",
]
