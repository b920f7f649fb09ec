"""Red team for GPQA Diamond's option shuffling (issue 24 item 1), from the public contract only.

GPQA's rows hold the correct answer first ('Correct Answer', then 'Incorrect Answer 1..3'): an unshuffled or
badly shuffled benchmark pays a model that always answers A, and a gold letter that does not follow the
shuffle scores right answers 0. Synthetic rows in the Hub's column names; nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from trl_r1.eval.gpqa import gpqa_problems, shuffled_options
from trl_r1.rewards import multiple_choice_reward

N = 198  # the Diamond split's size


def rows(n: int = N, record_id: bool = True) -> list[dict]:
    out = []
    for i in range(n):
        row = {
            "Question": f"Question {i}: which one?",
            "Correct Answer": f"right {i}",
            "Incorrect Answer 1": f"wrong one {i}",
            "Incorrect Answer 2": f"wrong two {i}",
            "Incorrect Answer 3": f"wrong three {i}",
        }
        if record_id:
            row["Record ID"] = f"rec{i:04d}"
        out.append(row)
    return out


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_gold_letter_points_at_the_correct_text(seed):
    for i, p in enumerate(gpqa_problems(rows(), shuffle_seed=seed)):
        assert p.answer in "ABCD"
        assert p.choices[ord(p.answer) - ord("A")] == f"right {i}"
        assert sorted(p.choices) == sorted(
            [f"right {i}", f"wrong one {i}", f"wrong two {i}", f"wrong three {i}"]
        )


def test_always_A_is_not_paid():
    """The correct answer comes first in the data; after shuffling every letter holds it about a quarter of the
    time (deterministic: seeded), so a policy answering A every time scores about 25%, not 100%."""
    letters = Counter(p.answer for p in gpqa_problems(rows(), shuffle_seed=0))
    assert set(letters) == set("ABCD")
    assert min(letters.values()) >= 25, letters  # 49.5 expected each; 25 is four standard deviations below
    problems = gpqa_problems(rows(), shuffle_seed=0)
    always_a = multiple_choice_reward(
        ["<think>x</think>\nAnswer: A"] * N,
        solution=[p.answer for p in problems],
        choices=[list(p.choices) for p in problems],
    )
    assert sum(always_a) == letters["A"] < N / 2


def test_a_new_seed_is_a_new_order():
    a, b = gpqa_problems(rows(), shuffle_seed=0), gpqa_problems(rows(), shuffle_seed=1)
    assert sum(x.choices != y.choices for x, y in zip(a, b)) >= N * 0.8  # 23/24 of orders change at random


def test_order_follows_the_record_not_its_position():
    """A problem keeps its order whatever else is loaded or limited (shuffled_options' docstring)."""
    full = {p.id: p.choices for p in gpqa_problems(rows(), shuffle_seed=3)}
    reordered = {p.id: p.choices for p in gpqa_problems(rows()[::-1], shuffle_seed=3)}
    some = {p.id: p.choices for p in gpqa_problems(rows()[50:60], shuffle_seed=3)}
    assert reordered == full
    assert all(full[k] == v for k, v in some.items())


def test_order_follows_the_question_without_a_record_id():
    """Copies of GPQA without a 'Record ID' column exist; the order should then follow the question, not its
    row position, or re-sorting the CSV changes every problem's order (and its gold letter)."""
    full = [p.choices for p in gpqa_problems(rows(20, record_id=False), shuffle_seed=0)]
    reordered = [p.choices for p in gpqa_problems(rows(20, record_id=False)[::-1], shuffle_seed=0)][::-1]
    assert reordered == full


def test_order_does_not_depend_on_the_python_hash_seed():
    """The seed recorded in the results must reproduce the order in another process (str hash is salted)."""
    code = (
        "import json; from trl_r1.eval.gpqa import shuffled_options; "
        "print(json.dumps([shuffled_options('r', ['w1', 'w2', 'w3'], 0, f'rec{i}') for i in range(40)]))"
    )
    outs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert outs[0] == outs[1]


def test_shuffled_options_is_deterministic_and_keyed():
    assert shuffled_options("r", ["w1", "w2", "w3"], 5, "k") == shuffled_options(
        "r", ["w1", "w2", "w3"], 5, "k"
    )
    orders = {tuple(shuffled_options("r", ["w1", "w2", "w3"], 5, f"k{i}")[0]) for i in range(60)}
    assert len(orders) >= 12  # 24 orders exist; keys must not collapse onto one


def test_prompt_shows_the_shuffled_order_with_letters():
    for p in gpqa_problems(rows(12), shuffle_seed=0):
        text = p.question
        assert "Answer: $LETTER" in text
        listed = [line for line in text.splitlines() if line[:3] in ("A) ", "B) ", "C) ", "D) ")]
        assert listed == [f"{letter}) {choice}" for letter, choice in zip("ABCD", p.choices)]


def test_reward_reads_shuffled_letters_and_texts():
    """The reward judges with the shuffled options: the shuffled gold letter and the correct text pay 1.0; the
    data's original position (A) pays only where the shuffle left the correct answer there."""
    problems = gpqa_problems(rows(40), shuffle_seed=0)
    gold = [p.answer for p in problems]
    choices = [p.choices for p in problems]  # a tuple, as the benchmark holds it
    by_letter = multiple_choice_reward(
        [f"<think>x</think>\nAnswer: {g}" for g in gold], solution=gold, choices=choices
    )
    by_text = multiple_choice_reward(
        [f"<think>x</think>\nThe answer is right {i}." for i in range(40)], solution=gold, choices=choices
    )
    wrong = multiple_choice_reward(
        [f"<think>x</think>\nAnswer: {'B' if g == 'A' else 'A'}" for g in gold],
        solution=gold,
        choices=choices,
    )
    assert by_letter == [1.0] * 40
    assert by_text == [1.0] * 40
    assert wrong == [0.0] * 40


def test_whitespace_in_the_csv_does_not_break_the_gold():
    row = {
        "Question": " Q\n",
        "Correct Answer": " 4\n",
        "Incorrect Answer 1": "3 ",
        "Incorrect Answer 2": "5",
        "Incorrect Answer 3": "14",
        "Record ID": "ws",
    }
    p = gpqa_problems([row], shuffle_seed=0)[0]
    assert p.choices[ord(p.answer) - ord("A")].strip() == "4"
    assert multiple_choice_reward(
        ["<think>x</think>\nThe answer is 4."], solution=[p.answer], choices=[p.choices]
    ) == [1.0]
