"""The one completion parser: where the reasoning and the final answer are."""

from hypothesis import given
from hypothesis import strategies as st

from trl_r1.text.completion import completion_text, parse_completion


def test_r1_zero_layout_splits_reasoning_and_answer():
    p = parse_completion("<think>7+8=15 c1,4+3+1=8</think><answer>85</answer>")
    assert p.reasoning == "7+8=15 c1,4+3+1=8"
    assert p.answer == "85"
    assert p.final_answer_region == "85"


def test_r1_summary_layout_answer_region_is_text_after_last_think_end():
    p = parse_completion("<think>\nmaybe 3? no, 4\n</think>\n\nSo the answer is $\\boxed{4}$.")
    assert p.reasoning == "maybe 3? no, 4"
    assert p.answer is None
    assert p.final_answer_region == "So the answer is $\\boxed{4}$."


def test_answer_inside_reasoning_is_not_the_final_answer():
    p = parse_completion("<think><answer>4</answer></think>The answer is 5")
    assert p.answer is None
    assert p.final_answer_region == "The answer is 5"


def test_prefilled_think_is_inferred():
    p = parse_completion("2+2=4</think><answer>4</answer>")
    assert p.prefilled and p.reasoning == "2+2=4" and p.answer == "4"


def test_no_tags_means_no_answer_region():
    p = parse_completion("just text 42")
    assert p.reasoning is None and p.summary is None and p.final_answer_region is None


def test_completion_text_accepts_standard_and_conversational():
    assert completion_text("abc") == "abc"
    assert completion_text([{"role": "assistant", "content": "abc"}]) == "abc"
    assert completion_text(None) == ""


@given(st.text())
def test_parser_never_raises(text):
    p = parse_completion(text)
    assert p.text == text
