"""The multiple-choice reward reads one letter from the final answer, and a hedge, two letters or a letter
hidden in the reasoning earn nothing (GPQA Diamond's scoring, usable as a GRPO reward)."""

import pickle

import pytest

from trl_r1.rewards import MultipleChoiceReward, multiple_choice_reward
from trl_r1.rewards.multiple_choice import gold_letter, read_choice
from trl_r1.rewards.registry import build_reward

OPTIONS = ["Ampere", "Coulomb", "Volt", "Ohm"]  # gold: B (Coulomb)

READ = [
    (r"<think>It is not A.</think>The unit is $\boxed{B}$.", "B"),
    (r"<think>...</think>$\boxed{\text{B}}$", "B"),
    (r"<think>...</think>\boxed{(B)}", "B"),
    ("<think>...</think>Charge is counted in coulombs.\nAnswer: B", "B"),
    ("<think>...</think>**Answer:** (B)", "B"),
    ("<think>...</think>The answer is B.", "B"),
    ("<think>...</think>(B) Coulomb", "B"),
    ("<think>...</think>B", "B"),
    ("<think>...</think>So the SI unit is the Coulomb.", "B"),  # the option's text, without its letter
    ("<think>...</think><answer>B</answer>", "B"),
]


@pytest.mark.parametrize(("text", "letter"), READ)
def test_one_letter_is_read_from_the_final_answer_in_each_form(text, letter):
    assert read_choice(text, OPTIONS) == letter
    assert multiple_choice_reward([text], solution=["B"], choices=[OPTIONS]) == [1.0]


HOSTILE = [
    ("<think>...</think>Answer: B or C", "two letters"),
    ("<think>...</think>Answer: B\nAnswer: C", "two answers"),
    (r"<think>...</think>$\boxed{B}$ $\boxed{C}$", "two boxes"),
    ("<think>...</think>$\\boxed{B}$\nAnswer: C", "a box and an Answer line naming different letters"),
    ("<think>...</think>Answer: probably B", "a hedge"),
    ("<think>...</think>Answer: B, but I am not sure", "a hedge after the letter"),
    ("<think>The answer is B.</think>I cannot decide.", "the letter only inside the reasoning"),
    ("<think>Answer: B", "a reasoning that never closes"),
    ("<think></think>Answer: B", "an empty reasoning block"),
    ("<think>...</think><answer>B</answer><answer>C</answer>", "two answer blocks"),
    ("<think>...</think>Either Coulomb or Volt.", "two options' texts"),
    ("<think>...</think>Answer: E", "a letter outside the options"),
    ("<think>...</think>I do not know.", "nothing readable"),
    ("Answer: B", "no R1 tags (R1's rule: the final part only)"),
]


@pytest.mark.parametrize(("text", "why"), HOSTILE)
def test_a_hedge_two_letters_or_an_answer_hidden_in_the_reasoning_scores_zero(text, why):
    assert multiple_choice_reward([text], solution=["B"], choices=[OPTIONS]) == [0.0], why


def test_words_inside_an_option_are_not_a_hedge():
    options = ["It is likely endothermic", "Exothermic", "Neither", "Both"]
    assert read_choice("<think>...</think>Answer: A) It is likely endothermic", options) == "A"
    assert read_choice("<think>...</think>Answer: A, probably", options) is None


def test_a_gold_outside_the_options_is_not_the_models_fault():
    texts = ["<think>...</think>Answer: B"] * 3
    log = {}
    scores = multiple_choice_reward(
        texts,
        solution=["E", "Farad", "Coulomb"],
        choices=[OPTIONS] * 3,
        log_metric=lambda k, v: log.__setitem__(k, v),
    )
    assert scores == [
        None,
        None,
        1.0,
    ]  # a letter beyond D, a text that is no option; the option's text is fine
    assert log["multiple_choice_reward/gold_outside_options"] == 2
    assert gold_letter("b", OPTIONS) == "B" and gold_letter("E") is None  # without options: A-D


def test_it_works_as_a_grpo_reward_in_both_trl_formats_and_pickles():
    conversational = [[{"role": "assistant", "content": "<think>...</think>Answer: C"}]]
    assert multiple_choice_reward(
        completions=conversational,
        answer=["C"],
        options=['["1", "2", "3", "4"]'],
        prompts=["q"],
        completion_ids=[[1]],
        trainer_state=None,
    ) == [1.0]
    clone = pickle.loads(pickle.dumps(multiple_choice_reward))
    assert clone.__name__ == "multiple_choice_reward" and clone(["<think>x</think>(A)"], solution=["A"]) == [
        1.0
    ]
    assert build_reward("multiple_choice") is multiple_choice_reward
    fallback = MultipleChoiceReward(fallback_to_full_text=True)
    assert fallback(["Answer: B"], solution=["B"]) == [1.0]  # for models that do not use R1 tags


def test_a_missing_gold_column_is_a_clear_error():
    with pytest.raises(ValueError, match="'solution' or 'answer' dataset column"):
        multiple_choice_reward(["<think>x</think>A"])


def test_an_integer_gold_is_the_options_0_based_index_as_mmlu_stores_it():
    log = {}
    texts = ["<think>...</think>Answer: C", "<think>...</think>Answer: C", "<think>...</think>Answer: C"]
    scores = multiple_choice_reward(
        texts, answer=[2, 1, 4], choices=[OPTIONS] * 3, log_metric=lambda k, v: log.__setitem__(k, v)
    )
    assert scores == [1.0, 0.0, None]  # index 2 is C; index 1 is B; index 4 is past D: counted, not silent
    assert log["multiple_choice_reward/gold_outside_options"] == 1
    with pytest.raises(ValueError, match="integer .* needs the options"):
        multiple_choice_reward(texts[:1], answer=[2])
    with pytest.raises(ValueError, match="integer .* needs the options"):
        gold_letter(3)


EXPLAINED = [
    "<think>...</think>Answer: B\n\nCharge is measured in coulombs; a volt or an ohm measures something else.",
    "<think>...</think>Answer: B\nA coulomb is one ampere-second.",
    "<think>...</think>Answer: B\nI checked the SI table.",
    "<think>...</think>Answer: B\n\n(A) is wrong: the ampere is a current. (C) and (D) are wrong too.",
    "<think>...</think>Answer: B, not C",
    "<think>...</think>The answer is found from Q = It.\n(A) would measure the current.\nAnswer: B",
]


@pytest.mark.parametrize("text", EXPLAINED)
def test_an_explanation_after_the_answer_keeps_the_answer(text):
    """The whole final part counts, so what follows the answer is read too: prose that names no other option
    (the article "A", the pronoun "I", "or" about units) or that rejects one keeps the answer."""
    assert read_choice(text, OPTIONS) == "B"


SECOND_ANSWERS = [
    "<think>...</think>Answer: B\nA is also correct.",
    "<think>...</think>Answer: B\n\nBut (C) could work too.",
    "<think>...</think>Answer: B\nProbably.",
    "<think>...</think>(B)\nOr maybe C.",
    "<think>...</think>Answer: B\n\\boxed{C}",
    "<think>...</think>It is not Coulomb.",
    "<think>...</think>Answer: b/c",
]


@pytest.mark.parametrize("text", SECOND_ANSWERS)
def test_a_second_answer_or_a_doubt_after_the_answer_scores_zero(text):
    assert multiple_choice_reward([text], solution=["B"], choices=[OPTIONS]) == [0.0]
