"""Language consistency (R1 section 2.3.2): the share of target-language words in the chain of thought."""

import json
from pathlib import Path

import pytest

from trl_r1.rewards import LanguageConsistencyReward
from trl_r1.text.language import METHODS, detect_language, language_consistency

DATA = Path(__file__).parent / "data" / "language_labelled.jsonl"
ROWS = [json.loads(line) for line in DATA.open(encoding="utf-8")]


def test_labelled_set_covers_english_chinese_mixed_and_other_languages():
    labels = {r["label"] for r in ROWS}
    assert {"en", "zh", "mixed", "code-switch"} <= labels and len(
        labels - {"en", "zh", "mixed", "code-switch"}
    ) >= 3
    assert any(len(r["text"].encode()) > 3500 for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_fast_score_matches_the_hand_labels(row):
    assert language_consistency(row["text"], row["language"]) == pytest.approx(row["truth"], abs=0.02)


def test_fast_score_agrees_with_per_sentence_langdetect_within_0_1():
    # Code-switched sentences are excluded: sentence-level langdetect cannot split them (by design).
    rows = [r for r in ROWS if r["label"] != "code-switch"]
    diffs = {
        r["id"]: abs(
            language_consistency(r["text"], r["language"])
            - language_consistency(r["text"], r["language"], method="langdetect")
        )
        for r in rows
    }
    assert max(diffs.values()) <= 0.1, sorted(diffs.items(), key=lambda kv: -kv[1])[:5]


def test_terse_sentences_are_called_by_the_fast_identifier_never_by_langdetect(monkeypatch):
    """Sentences without stopword evidence go to fastText, or to the text's majority language: the
    slow langdetect is only the reference (its cost is measured in benchmarks/rewards.py)."""
    from trl_r1.text import language as tlang

    monkeypatch.setattr(tlang, "langdetect_language", lambda text: pytest.fail("langdetect called"))
    text = (
        "Compute the discriminant. Check each case. Simplify. Plug in $x=2$. "
        "Substitute back. Expand everything carefully. Hence $x = 3$."
    )
    assert language_consistency(text, "en") == 1.0
    assert language_consistency(text, "fr") == 0.0
    french = "Calculons le discriminant. Vérifions chaque cas. Simplifions chaque terme. Développons tout soigneusement."
    assert language_consistency(french, "fr") == 1.0
    assert language_consistency(text + " " + french, "en") == pytest.approx(
        15 / 27
    )  # 15 English words, 12 French


@pytest.mark.timeout(120)  # a hang guard: the stripping is linear, a quadratic scan would run for minutes
@pytest.mark.parametrize(
    "hostile",
    ["\\[" * 200_000, "\\begin{a}" * 20_000, "$" * 300_000, "```" * 100_000, "\\(" * 100_000 + "word"],
)
def test_unclosed_math_and_code_openers_are_stripped_in_linear_time(hostile):
    assert language_consistency("We add the numbers. " + hostile, "en") == 1.0


def test_a_short_latin_sentence_is_never_given_a_language_of_another_script():
    from trl_r1.text.language_identification import identify

    assert identify("we add", "Latin")[0] not in ("ru", "uk", "zh", "ja", "ar")
    assert detect_language("We add $2+2=4$.") == "en"


def test_an_unclosed_display_math_opener_drops_only_itself():
    assert language_consistency("We add \\[ the two numbers, then 我们", "en") == pytest.approx(6 / 8)


def test_math_code_and_numbers_are_not_words():
    text = "我们计算 $\\frac{a+b}{c}$ 和 ```python\nprint(total)\n``` 以及 12345。"
    assert language_consistency(text, "zh") == 1.0
    assert language_consistency("$x^2 + y^2 = z^2$ 42 \\alpha", "zh") == 1.0  # nothing to count


def test_deterministic_and_language_codes_are_normalised():
    text = ROWS[-1]["text"]
    assert (
        language_consistency(text, "ru")
        == language_consistency(text, "RU")
        == language_consistency(text, "ru")
    )
    assert language_consistency("所以答案是七。", "zh-CN") == 1.0
    with pytest.raises(ValueError, match="unsupported language 'xx'"):
        language_consistency("hello", "xx")


@pytest.mark.parametrize(
    "text,language",
    [
        ("Find all real solutions of $x^2 = 4$.", "en"),
        ("求方程 $x^2=4$ 的所有实数解。", "zh"),
        ("Trouvez toutes les solutions réelles de cette équation.", "fr"),
        ("Finde alle reellen Lösungen der Gleichung.", "de"),
        ("Найдите все действительные решения уравнения.", "ru"),
        ("方程式の実数解をすべて求めなさい。", "ja"),
        ("방정식의 모든 실수 해를 구하시오.", "ko"),
        ("$x^2 = 4$", "und"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_reward_reads_the_reasoning_block_and_the_language_column():
    zh_cot = "<think>我们需要求出这个数。So the answer is seven.</think><answer>7</answer>"
    en_cot = "<think>We need this number, so we add them.</think><answer>7</answer>"
    reward = LanguageConsistencyReward()
    out = reward([zh_cot, [{"role": "assistant", "content": en_cot}]], language=["zh", "en"])
    assert out == [pytest.approx(9 / 14), 1.0]  # 9 Han characters, 5 English words
    assert reward.__name__ == "language_consistency_reward"


def test_target_falls_back_to_default_then_to_the_prompt_language():
    cot = ["<think>我们需要求出这个数。</think><answer>7</answer>"]
    assert LanguageConsistencyReward(default_language="en")(cot) == [0.0]
    prompt = [
        [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "求方程的所有实数解。"},
        ]
    ]
    metrics = {}
    assert LanguageConsistencyReward()(cot, prompts=prompt, log_metric=metrics.__setitem__) == [1.0]
    assert metrics["language_consistency_reward/undetermined_target"] == 0.0
    assert LanguageConsistencyReward()(cot, prompts=["$x^2$"]) == [None]  # no language to detect


def test_missing_target_raises_naming_the_column_and_the_fix():
    with pytest.raises(ValueError, match="'language' dataset column.*default_language"):
        LanguageConsistencyReward()(["<think>a</think>"])
    with pytest.raises(ValueError, match="row 0"):
        LanguageConsistencyReward()(["<think>a</think>"], language=["klingon"])


def test_reference_method_is_the_slow_per_sentence_langdetect():
    pytest.importorskip("langdetect")
    text = "We add the numbers. 我们把两个数相加。"
    assert language_consistency(text, "en", method="langdetect") == pytest.approx(4 / 12)
    assert METHODS == ("fast", "langdetect")


# --- issue 21: the reasoning a reader sees ----------------------------------------------------------

ENGLISH = "Now we compute the total number of apples in the basket and then we add both numbers together."


def test_words_inside_text_commands_count():
    hidden = f"我们来计算。$x = 5 \\text{{ {ENGLISH} }}$ 所以答案是五。"
    assert language_consistency(hidden, "zh") < 0.5
    assert language_consistency(f"我们来计算。$\\mathrm{{{ENGLISH.replace(' ', '~')}}}$", "zh") < 0.5
    # Units and symbols in math fonts are not prose.
    assert (
        language_consistency(
            "我们来计算面积。$S = 5\\,\\mathrm{cm}^2$，$\\operatorname{lcm}(4, 6) = 12$。", "zh"
        )
        == 1.0
    )


def test_sentences_in_code_comments_and_strings_count():
    comments = "我们来计算。\n```python\n# " + ENGLISH + "\nx = 1\n```\n"
    split = "我们来计算。\n```python\n" + "".join(f"# {w}\n" for w in ENGLISH.split()) + "x = 1\n```\n"
    strings = '我们来计算。\n```python\nprint("' + ENGLISH + '")\n```\n'
    code_only = '我们来计算苹果的总数。\n```python\ntotal = apples + pears  # sum\nprint("ok")\n```\n'
    assert language_consistency(comments, "zh") < 0.5
    assert language_consistency(split, "zh") < 0.5  # prose cut into one-word comments is still prose
    assert language_consistency(strings, "zh") < 0.5
    assert language_consistency(code_only, "zh") == 1.0  # identifiers and a label are code, not prose


def test_a_short_think_with_a_long_summary_is_scored_on_both():
    reward = LanguageConsistencyReward(default_language="zh")
    short_think = f"<think>计算。</think>\n{ENGLISH} {ENGLISH}"
    long_think = f"<think>{'我们一步一步地计算苹果的总数，' * 20}</think>\n{ENGLISH}"
    out = reward([short_think, long_think])
    assert out[0] < 0.5  # a one-line think cannot carry an English summary
    assert out[1] == 1.0  # the summary is not the chain of thought when the reasoning is the bulk


@pytest.mark.parametrize(
    "fence",
    [
        "sql\n-- {}\nSELECT 1;",
        "matlab\n% {}\nx = 1;",
        "lisp\n;; {}\n(setq x 1)",
        "haskell\n{{- {} -}}\nx = 1",
        "html\n<!-- {} -->\n<p>1</p>",
    ],
)
def test_comments_of_other_languages_count_too(fence):
    lines = "\n".join(" ".join(ENGLISH.split()[k : k + 3]) for k in range(0, len(ENGLISH.split()), 3))
    body = fence.split("\n", 1)
    comment_line = body[1].split("\n")[0]
    commented = "\n".join(comment_line.format(line) for line in lines.split("\n"))
    text = "我们来计算。\n```" + body[0] + "\n" + commented + "\n" + body[1].split("\n", 1)[1] + "\n```\n"
    assert language_consistency(text, "zh") < 0.5
