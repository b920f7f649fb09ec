"""Property tests: no completion text makes a reward raise or leave its range."""

import string

import pytest
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
    [
        "<think>",
        "</think>",
        "<answer>",
        "</answer>",
        "\\boxed{",
        "\\frac{",
        "}",
        "{",
        "$",
        "\\",
        "^",
        "答案",
        " ",
        "\n",
    ]
)
TEXT = st.lists(
    st.one_of(PIECES, st.text(string.printable, max_size=5), st.text(max_size=3)), max_size=30
).map("".join)
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
@given(
    texts=st.lists(TEXT, min_size=1, max_size=4), gold=st.sampled_from(["7", "\\frac{1}{2}", "x^2", "(1,2)"])
)
def test_accuracy_reward_never_raises_and_scores_0_or_1(texts, gold):
    out = accuracy_reward(texts, solution=[gold] * len(texts))
    assert len(out) == len(texts) and all(v in (0.0, 1.0) for v in out)


# Hostile text: one opener or fragment repeated until the completion is hundreds of KB.
HOSTILE_PIECE = st.sampled_from(
    [
        "\\boxed{",
        "\\boxed{1}",
        "{",
        "}",
        "\\[",
        "\\(",
        "$",
        "$$",
        "```",
        "`",
        "\\begin{a}",
        "\\frac{",
        "<think>",
        "</think>",
        "<answer>",
        "1 ",
        "x",
    ]
)
HOSTILE = st.tuples(st.lists(HOSTILE_PIECE, min_size=1, max_size=3), st.integers(20_000, 60_000)).map(
    lambda p: "".join(p[0]) * p[1]
)


@pytest.mark.timeout(300)  # a hang guard for the whole property: every scan outside the workers is linear
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(text=HOSTILE)
def test_hostile_completions_of_hundreds_of_kb_are_scored_without_hanging(text):
    extract_final_answer(text)
    extract_final_answer("<think>r</think>" + text)
    (value,) = LanguageConsistencyReward(default_language="en")(["<think>" + text + "</think>"])
    assert 0.0 <= value <= 1.0
    for reward in (r1_zero_format_reward, think_summary_format_reward, tag_count_reward):
        (value,) = reward([text])
        assert 0.0 <= value <= 1.0
