"""R1 rule-based rewards, drop-in for any TRL GRPO script.

``trl grpo --reward_funcs trl_r1.rewards.accuracy_reward trl_r1.rewards.r1_zero_format_reward``
works from TRL's own CLI; in Python, pass the same objects to ``GRPOTrainer(reward_funcs=...)``.
Every reward accepts TRL's standard and conversational formats, is a picklable callable with a
``__name__`` (logged as ``rewards/<name>/mean``) and returns ``None``, not 0.0, when it cannot
score a completion for reasons that are not the model's fault.
"""

from trl_r1.rewards._base import RewardFunction
from trl_r1.rewards.code import CodeReward, binary_code_reward, code_reward, extract_code
from trl_r1.rewards.code_tests import parse_test_cases
from trl_r1.rewards.format import (
    R1ZeroFormatReward,
    TagCountReward,
    ThinkSummaryFormatReward,
    r1_zero_format_reward,
    tag_count_reward,
    think_summary_format_reward,
)
from trl_r1.rewards.language import LanguageConsistencyReward, language_consistency_reward
from trl_r1.rewards.math import (
    AccuracyReward,
    accuracy_reward,
    answers_equivalent,
    extract_final_answer,
    group_equivalent,
)
from trl_r1.rewards.multiple_choice import MultipleChoiceReward, multiple_choice_reward
from trl_r1.rewards.verifier_pool import VerifierPool
from trl_r1.rewards.window import RewardWindow

__all__ = [
    "AccuracyReward",
    "CodeReward",
    "LanguageConsistencyReward",
    "MultipleChoiceReward",
    "R1ZeroFormatReward",
    "RewardFunction",
    "RewardWindow",
    "TagCountReward",
    "ThinkSummaryFormatReward",
    "VerifierPool",
    "accuracy_reward",
    "answers_equivalent",
    "binary_code_reward",
    "code_reward",
    "extract_code",
    "extract_final_answer",
    "group_equivalent",
    "language_consistency_reward",
    "multiple_choice_reward",
    "parse_test_cases",
    "r1_zero_format_reward",
    "tag_count_reward",
    "think_summary_format_reward",
]
