"""R1's readability filters: each has rows it must drop and rows it must keep; nothing is lost silently."""

import pickle

import pytest

from trl_r1.data.filters import (
    CodeBlockFilter,
    FormatFilter,
    LanguageMixingFilter,
    ParagraphLengthFilter,
    RepetitionFilter,
    SummaryFilter,
    TruncationFilter,
    apply_filters,
    readability_filters,
)

READABLE_EN = (
    "We need the sum of 17 and 25.\n\nAdding the units gives 12, so we write 2 and carry 1.\n\n"
    "Adding the tens with the carry gives 4, so the total is 42."
)
READABLE_ZH = (
    "我们需要计算十七加二十五。\n\n个位相加得十二，写二进一。\n\n十位相加再加进位得四，所以结果是四十二。"
)


def r1(reasoning, summary="The answer is $\\boxed{42}$.", **extra):
    return {"completion": f"<think>\n{reasoning}\n</think>\n\n{summary}", **extra}


def conversational(row):
    return {**row, "completion": [{"role": "assistant", "content": row["completion"]}]}


# Each filter: (filter, rows it must drop, rows it must keep).
CASES = {
    "truncated": (
        TruncationFilter(),
        [r1(READABLE_EN, finished=False)],
        [r1(READABLE_EN, finished=True), r1(READABLE_EN)],  # written datasets have no `finished`: complete
    ),
    "missing_summary": (
        SummaryFilter(),
        [r1(READABLE_EN, summary=""), {"completion": f"<think>\n{READABLE_EN}"}, {"completion": "42"}],
        [r1(READABLE_EN), r1(READABLE_ZH, summary="答案是 42。")],
    ),
    "bad_format": (
        FormatFilter(),
        [
            {"completion": "<think>a</think><think>b</think>42"},
            {"completion": "<think>\n\n</think>\n\n42"},
            {"completion": "<think><think>a</think>42"},
        ],
        [r1(READABLE_EN), {"completion": "reasoning inside a prefilled think</think>\n\n42"}],
    ),
    "long_paragraph": (
        ParagraphLengthFilter(max_chars=200),
        [r1("short start.\n\n" + "word " * 60), r1("长" * 201)],
        [r1(READABLE_EN), r1(READABLE_ZH), r1("\n\n".join(["word " * 30] * 10))],  # many short paragraphs
    ),
    "code_in_reasoning": (
        CodeBlockFilter(),
        [
            r1("Let me compute it.\n```python\nprint(17 + 25)\n```\nSo 42.", prompt="What is 17+25?"),
            r1("~~~\n17+25\n~~~", prompt=[{"role": "user", "content": "Add 17 and 25."}]),
        ],
        [
            r1(READABLE_EN, prompt="What is 17+25?"),
            r1("```python\ndef f(): pass\n```", prompt="Write a Python function f."),
            r1("```\nx = 1\n```", prompt="Fix this.", domain="code"),
            r1("the `sum` of them is 42", prompt="What is 17+25?"),
        ],  # inline code is not a block
    ),
    "repetition": (
        RepetitionFilter(),
        [
            r1("Wait, let me check the carry again. " * 12),
            r1(READABLE_EN + " " + "so the total is forty two and " * 20),
        ],
        [
            r1(READABLE_EN),
            r1(READABLE_ZH),
            r1(
                " ".join(
                    f"Case {i}: x = {i} gives {i * i}, which is {'even' if i % 2 == 0 else 'odd'}."
                    for i in range(30)
                )
            ),
        ],
    ),
    "mixed_language": (
        LanguageMixingFilter(),
        [
            r1("We need the sum. 我们需要计算十七加二十五，个位相加得十二。", prompt="What is 17+25?"),
            r1(READABLE_EN, language="zh"),
            r1("我们需要计算十七加二十五。Then we add the tens and get four.", prompt="计算十七加二十五。"),
        ],
        [
            r1(READABLE_EN, prompt="What is 17+25?"),
            r1(READABLE_ZH, prompt="计算十七加二十五。"),
            r1(READABLE_ZH, language="zh"),
            r1("$17+25=42$", prompt="$17+25$"),
            r1("我们计算 $\\frac{17}{25}$ 的值，用 `python` 验证。", language="zh"),
        ],  # math and code count for no language
    ),
}


@pytest.mark.parametrize("reason", list(CASES))
def test_each_filter_drops_what_it_must_and_keeps_readable_rows(reason):
    filt, must_drop, must_keep = CASES[reason]
    assert filt.name == reason
    for row in must_drop:
        assert filt(row) is False, row
        assert filt(conversational(row)) is False, row  # TRL's conversational completions too
    for row in must_keep:
        assert filt(row) is True, row
        assert filt(conversational(row)) is True, row


def test_every_drop_is_counted_under_the_first_failing_filter_and_no_row_is_lost():
    rows = [r1(READABLE_EN, prompt="What is 17+25?"), r1(READABLE_ZH, prompt="计算十七加二十五。")]
    expected = {}
    for reason, (_, must_drop, _) in CASES.items():
        if reason in ("long_paragraph",):  # the default threshold (2000 chars) is above these examples
            continue
        rows += must_drop[:1]
        expected[reason] = 1
    result = apply_filters(rows, readability_filters())
    assert len(result.kept) == 2
    assert {k: v for k, v in result.dropped.items() if v} == expected
    assert result.total == len(rows)
    assert sum(len(v) for v in result.dropped_rows.values()) + len(result.kept) == len(rows)
    assert set(result.dropped) == {f.name for f in readability_filters()}  # zero counts are reported too


def test_filter_options_disable_the_code_and_language_checks():
    names = {f.name for f in readability_filters(allow_code=True, check_language=False)}
    assert "code_in_reasoning" not in names and "mixed_language" not in names
    with pytest.raises(ValueError, match="max_repetition"):
        readability_filters(max_repetition=2.0)
    with pytest.raises(ValueError, match="unique"):
        apply_filters([], [TruncationFilter(), TruncationFilter()])


def test_filters_are_named_picklable_objects_for_worker_processes():
    for f in readability_filters(language="en"):
        clone = pickle.loads(pickle.dumps(f))
        assert clone.name == f.name and clone(r1(READABLE_EN)) is True
