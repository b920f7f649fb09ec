"""Format rewards: reasoning inside the tags, then the answer; anything else scores 0."""

import pytest

from trl_r1.rewards import (
    TagCountReward,
    r1_zero_format_reward,
    tag_count_reward,
    think_summary_format_reward,
)
from trl_r1.text.templates import r1_zero_prompt

BAD_LAYOUTS = {
    "two-think-blocks": "<think>a</think><think>b</think><answer>1</answer>",
    "two-answer-blocks": "<think>a</think><answer>1</answer><answer>2</answer>",
    "nested-answer-in-think": "<think>a<answer>1</answer></think><answer>1</answer>",
    "nested-think": "<think>a<think>b</think></think><answer>1</answer>",
    "answer-before-think": "<answer>1</answer><think>a</think>",
    "empty-reasoning": "<think> </think><answer>1</answer>",
    "empty-answer": "<think>a</think><answer>  </answer>",
    "text-before-think": "Sure! <think>a</think><answer>1</answer>",
    "text-after-answer": "<think>a</think><answer>1</answer> hope this helps",
    "unclosed-think": "<think>a <answer>1</answer>",
    "no-tags": "the answer is 1",
}


def test_r1_zero_layout_scores_one_in_standard_and_conversational_form():
    good = "<think>7+8=15</think>\n<answer>15</answer>\n"
    assert r1_zero_format_reward([good, [{"role": "assistant", "content": good}]]) == [1.0, 1.0]


@pytest.mark.parametrize("name", list(BAD_LAYOUTS))
def test_multiple_nested_misordered_or_empty_blocks_score_zero(name):
    assert r1_zero_format_reward([BAD_LAYOUTS[name]]) == [0.0]


def test_think_prefilled_by_the_prompt_is_accepted_and_must_not_be_repeated():
    for conversational in (False, True):
        prompt = r1_zero_prompt("7+8", conversational=conversational, prefill_think=True)
        completions = ["7+8=15</think><answer>15</answer>", "<think>7+8=15</think><answer>15</answer>"]
        assert r1_zero_format_reward(completions, prompts=[prompt, prompt]) == [1.0, 0.0]
        plain = r1_zero_prompt("7+8", conversational=conversational)
        assert r1_zero_format_reward(completions, prompts=[plain, plain]) == [0.0, 1.0]


def test_think_summary_format_wants_one_reasoning_block_then_a_non_empty_summary():
    good = "<think>\nx=3\n</think>\n\nSo $x = \\boxed{3}$."
    bad = [
        "<think>x=3</think>",  # no summary
        "<think></think>So 3.",  # empty reasoning
        "<think>a</think><think>b</think>So 3.",  # two blocks
        "<think>x=3</think><answer>3</answer>",  # R1-Zero tags in the R1 layout
        "So 3. <think>x=3</think>",  # misordered
    ]
    assert think_summary_format_reward([good] + bad) == [1.0] + [0.0] * len(bad)
    assert think_summary_format_reward(["x=3</think>So 3."], prompts=["Q <think>"]) == [1.0]


def test_tag_count_gives_partial_credit_and_full_credit_only_for_exactly_one_of_each_tag():
    out = tag_count_reward(
        [
            "<think>a</think><answer>1</answer>",
            "<think>a</think>",
            "<think>a",
            "x",
            "<think><think></think></think>",
        ]
    )
    assert out == [1.0, 0.5, 0.25, 0.0, 0.0]
    assert TagCountReward(layout="r1")(["<think>a</think>So 1."]) == [1.0]
    with pytest.raises(ValueError, match="layout"):
        TagCountReward(layout="json")


def test_format_rewards_log_under_their_names():
    assert r1_zero_format_reward.__name__ == "r1_zero_format_reward"
    assert think_summary_format_reward.__name__ == "think_summary_format_reward"
    assert tag_count_reward.__name__ == "tag_count_reward"


@pytest.mark.parametrize(
    "blank",
    [
        "\u200b",
        "\u200b\u200e\ufeff",
        "\u2060",
        "\u3164",
        "\u2800",
        "\u034f",
        "\U000e0020",
        "\u115f",
        "\uffa0",
        "\U0001d173",
    ],
)
def test_zero_width_content_is_empty_for_every_format_reward(blank):
    """Issue 21: a reasoning, answer or summary of invisible characters is empty (it renders as nothing)."""
    assert r1_zero_format_reward(
        [f"<think>{blank}</think><answer>5</answer>", f"<think>r</think><answer>{blank}</answer>"]
    ) == [0.0, 0.0]
    assert think_summary_format_reward([f"<think>{blank}</think>So 5.", f"<think>r</think>{blank}"]) == [
        0.0,
        0.0,
    ]
    assert r1_zero_format_reward([f"<think>r{blank}</think><answer>5</answer>"]) == [
        1.0
    ]  # visible content stays
