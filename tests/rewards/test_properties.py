"""Property tests: no completion text makes a reward raise or leave its range."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trl_r1.rewards import (
    LanguageConsistencyReward,
    accuracy_reward,
    extract_final_answer,
    r1_zero_format_reward,
    tag_count_reward,
    think_summary_format_reward,
)

# Text biased toward what breaks parsers: R1 tags, LaTeX, braces, CJK, digits.
PIECES = st.sampled_from(
    ["<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "\\frac{", "}", "{", "$", "\\", "^", "答案", " ", "\n"]
)
TEXT = st.lists(st.one_of(PIECES, st.text(string.printable, max_size=5), st.text(max_size=3)), max_size=30).map("".join)
FORMATS = st.sampled_from(["standard", "conversational"])


def as_completion(text, fmt):
    return text if fmt == "standard" else [{"role": "assistant", "content": text}]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, fmt=FORMATS)
def test_format_and_language_rewards_never_raise_and_stay_in_0_1(text, fmt):
    c = [as_completion(text, fmt)]
    for reward in (r1_zero_format_reward, think_summary_format_reward, tag_count_reward):
        (value,) = reward(c, prompts=["Q"])
        assert 0.0 <= value <= 1.0
    (value,) = LanguageConsistencyReward(default_language="en")(c)
    assert 0.0 <= value <= 1.0
    extract_final_answer(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(TEXT, min_size=1, max_size=4), gold=st.sampled_from(["7", "\\frac{1}{2}", "x^2", "(1,2)"]))
def test_accuracy_reward_never_raises_and_scores_0_or_1(texts, gold):
    out = accuracy_reward(texts, solution=[gold] * len(texts))
    assert len(out) == len(texts) and all(v in (0.0, 1.0) for v in out)
