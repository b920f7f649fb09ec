"""GPQA Diamond, AIME 2025 and LiveCodeBench load from local copies in their Hub schemas (fixtures in
tests/data/benchmarks/), with GPQA's options shuffled under a recorded seed and LiveCodeBench's private
tests decoded under hard limits, and they are scored by the rewards GRPO trains with."""

import base64
import json
import pickle
import zlib
from pathlib import Path

import pytest

from trl_r1.eval import BenchmarkError, Problem, evaluate, load_problems
from trl_r1.eval.livecodebench import decode_tests
from trl_r1.generation import Sample

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


class ScriptedBackend:
    """Returns, for each prompt, the completions a function of its problem gives (to score end to end)."""

    name = "scripted"

    def __init__(self, completions_for):
        self.completions_for, self.calls = completions_for, []

    def generate(self, prompts, params):
        self.calls.append(params)
        return [[Sample(t, 10, True) for t in self.completions_for(p)[: params.num_samples]] for p in prompts]


def _user_text(prompt):
    return prompt if isinstance(prompt, str) else prompt[-1]["content"]


def test_gpqa_diamond_loads_with_each_problems_options_shuffled_by_a_recorded_seed():
    problems = load_problems("gpqa_diamond", data_dir=FIXTURES)
    assert len(problems) == 4 and all(p.kind == "multiple_choice" for p in problems)
    golds = [p.choices[ord(p.answer) - ord("A")] for p in problems]
    assert golds == ["Coulomb", "Carbon", "46", "-13.6 eV"]  # the gold letter points at the Correct Answer
    assert len({p.answer for p in problems}) > 1  # not always A, as the Hub file's column order would give
    again = load_problems("gpqa_diamond", data_dir=FIXTURES)
    other = load_problems("gpqa_diamond?shuffle_seed=1", data_dir=FIXTURES)
    assert [p.choices for p in again] == [p.choices for p in problems]  # reproducible
    assert [p.choices for p in other] != [p.choices for p in problems]  # another seed, another order
    text = _user_text(problems[0].prompt)
    assert (
        "'Answer: $LETTER'" in text
        and "A) " in text
        and "D) " in text
        and problems[0].prompt[0]["role"] == "user"
    )


def test_gpqa_without_a_local_copy_says_in_one_line_that_the_hub_dataset_is_gated(tmp_path):
    with pytest.raises(BenchmarkError) as e:
        load_problems("gpqa_diamond", data_dir=tmp_path)
    assert "gated" in str(e.value) and "--data-dir" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(BenchmarkError, match="has no option 'shuffle'"):
        load_problems("gpqa_diamond?shuffle=1", data_dir=FIXTURES)


def test_gpqa_is_scored_by_the_letter_of_the_final_answer_and_the_seed_is_recorded(tmp_path):
    problems = load_problems("gpqa_diamond", data_dir=FIXTURES)
    gold_of = {_user_text(p.prompt): p.answer for p in problems}

    def answers(prompt):  # right, right, hedged, wrong-but-unanimous-in-the-reasoning
        gold = gold_of[_user_text(prompt)]
        wrong = "A" if gold != "A" else "B"
        return [
            f"<think>..</think>Answer: {gold}",
            f"<think>..</think>$\\boxed{{{gold}}}$",
            f"<think>..</think>Answer: {gold} or {wrong}",
            f"<think>Answer: {gold}</think>Answer: {wrong}",
        ]

    results = evaluate(
        ScriptedBackend(answers),
        "gpqa_diamond",
        k=4,
        data_dir=str(FIXTURES),
        output_dir=tmp_path,
        progress=False,
    )
    assert (
        results["pass@1"] == pytest.approx(0.5) and results["cons@4"] == 1.0
    )  # 2 votes for the gold, 1 wrong
    assert results["config"]["benchmark_options"] == {"shuffle_seed": "0"}
    row = json.loads((tmp_path / "samples.jsonl").read_text().splitlines()[0])
    assert (
        row["kind"] == "multiple_choice"
        and len(row["choices"]) == 4
        and row["verdicts"] == [1.0, 1.0, 0.0, 0.0]
    )


def test_aime25_loads_beside_aime24():
    problems = load_problems("aime25", data_dir=FIXTURES)
    assert [p.answer for p in problems] == ["5", "24", "24", "27"] and problems[0].kind == "math"


def test_livecodebench_loads_a_release_in_a_date_window_with_public_and_private_tests(tmp_path):
    problems = load_problems(
        "livecodebench", data_dir=FIXTURES
    )  # release v5, 2024-08 .. 2025-01 (R1's window)
    assert [p.id for p in problems] == ["abc370_a", "abc380_b", "3450", "3460"]  # 2023 and 2025-03 left out
    stdin, call = problems[0].tests, problems[2].tests
    assert [c["testtype"] for c in stdin["test_cases"]] == ["stdin"] * 3  # 1 public + 2 private (decoded)
    assert call["fn_name"] == "maxElement" and len(call["test_cases"]) == 3
    assert "class Solution" in _user_text(problems[2].prompt) and "stdin" in _user_text(problems[0].prompt)
    assert [
        p.id for p in load_problems("livecodebench?release=v6&start=2025-03&end=2025-03", data_dir=FIXTURES)
    ] == ["abc395_a"]
    (tmp_path / "livecodebench").mkdir()
    (tmp_path / "livecodebench" / "test.jsonl").write_text("")
    with pytest.raises(BenchmarkError, match="release v4 needs test2.jsonl, test3.jsonl, test4.jsonl in"):
        load_problems("livecodebench?release=v4", data_dir=tmp_path)
    with pytest.raises(BenchmarkError, match="no problem of release v1 between 2024-08 and 2025-01"):
        load_problems("livecodebench?release=v1", data_dir=FIXTURES)


GOOD = {
    "abc370_a": "print(2 * int(input()))",
    "abc380_b": "print(input()[::-1])",
    "3450": "class Solution:\n    def maxElement(self, nums):\n        return max(nums)",
    "3460": "class Solution:\n    def addTwo(self, a, b):\n        return a + b",
}
WRONG = {
    "abc370_a": "print(6)",
    "abc380_b": "print(input())",  # the first passes the public test only
    "3450": "class Solution:\n    def maxElement(self, nums):\n        return nums[0]",
    "3460": "class Solution:\n    def addTwo(self, a, b):\n        return a - b",
}


def test_livecodebench_scores_a_right_and_a_wrong_program_per_test_shape_in_the_sandbox(tmp_path):
    problems = load_problems("livecodebench", data_dir=FIXTURES)
    id_of = {_user_text(p.prompt): p.id for p in problems}

    def programs(prompt):
        pid = id_of[_user_text(prompt)]
        return [
            f"<think>..</think>\n```python\n{GOOD[pid]}\n```",
            f"<think>..</think>\n```python\n{WRONG[pid]}\n```",
        ]

    results = evaluate(
        ScriptedBackend(programs),
        "livecodebench",
        k=2,
        data_dir=str(FIXTURES),
        output_dir=tmp_path,
        progress=False,
    )
    rows = [json.loads(line) for line in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert {r["id"]: r["verdicts"] for r in rows} == {
        pid: [1.0, 0.0] for pid in GOOD
    }  # stdin and call-based alike
    assert results["pass@1"] == 0.5 and results["cons@2"] is None  # no majority vote over programs
    assert results["config"]["benchmark_options"] == {"release": "v5", "start": "2024-08", "end": "2025-01"}


def test_any_dataset_of_problems_with_test_cases_is_a_code_benchmark(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(
        json.dumps(
            {
                "problem": "Double the number on stdin.",
                "test_cases": [{"input": "2\n", "output": "4\n"}, {"input": "5\n", "output": "10\n"}],
            }
        )
        + "\n"
    )
    (problem,) = load_problems(str(path))
    assert problem.kind == "code"
    backend = ScriptedBackend(lambda p: ["<think>..</think>```python\nprint(2 * int(input()))\n```"])
    assert evaluate(backend, str(path), k=1, progress=False)["pass@1"] == 1.0


def _packed(payload: bytes) -> str:
    return base64.b64encode(zlib.compress(payload)).decode()


class Boom:
    def __reduce__(self):
        return (print, ("pickle ran code",))


def test_private_tests_are_decoded_without_running_pickled_code_and_under_a_size_limit(capsys):
    cases = [{"input": "1", "output": "2", "testtype": "stdin"}]
    assert decode_tests(_packed(pickle.dumps(json.dumps(cases)))) == cases
    assert decode_tests(json.dumps(cases)) == cases  # plain JSON, as the public tests are stored
    with pytest.raises(pickle.UnpicklingError, match="only plain text"):
        decode_tests(_packed(pickle.dumps(Boom())))
    assert "pickle ran code" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="larger than 1000 bytes"):
        decode_tests(_packed(pickle.dumps("[" + " " * 5000 + "]")), max_bytes=1000)


def test_a_row_with_unreadable_private_tests_names_the_row(tmp_path):
    folder = tmp_path / "livecodebench"
    folder.mkdir()
    row = json.loads((FIXTURES / "livecodebench" / "test4.jsonl").read_text().splitlines()[0])
    row["private_test_cases"] = _packed(pickle.dumps(Boom()))
    for name in ("test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl"):
        (folder / name).write_text(json.dumps(row) + "\n" if name == "test4.jsonl" else "")
    with pytest.raises(BenchmarkError, match=r"row 0 \(abc370_a\): unreadable tests"):
        load_problems("livecodebench", data_dir=tmp_path)


def test_problem_kinds():
    assert Problem("q", "", "0", tests={"test_cases": []}).kind == "code"


def test_the_in_training_benchmark_callback_accepts_gpqa_and_livecodebench():
    from trl_r1.training.benchmark_eval import BenchmarkEvalCallback
    from trl_r1.training.benchmark_settings import settings_to_arguments

    gpqa = BenchmarkEvalCallback("gpqa_diamond", data_dir=str(FIXTURES), limit=2, k=2)
    gold = gpqa.problems[0].answer
    wrong = "A" if gold != "A" else "B"
    scores = gpqa._score(
        0,
        [
            Sample(f"<think>..</think>Answer: {gold}", 5, True),
            Sample(f"<think>..</think>Answer: {wrong}", 5, True),
        ],
    )
    assert scores["pass@1"] == 0.5
    code = BenchmarkEvalCallback("livecodebench", data_dir=str(FIXTURES), limit=1, k=1)
    program = f"<think>..</think>\n```python\n{GOOD['abc370_a']}\n```"
    assert code._score(0, [Sample(program, 5, True)])["pass@1"] == 1.0
    args = settings_to_arguments(
        {"benchmark": "livecodebench?release=v6", "data_dir": str(FIXTURES), "limit": 2}
    )
    assert args["eval_benchmark"] == "livecodebench?release=v6" and args["eval_benchmark_limit"] == 2
