"""One evaluation seed is not a result: --seeds N reports mean ± std and every seed's value, results.json
records the whole protocol, and --suite r1 prints R1's table with the paper's numbers beside a published model."""

import json
import statistics
from pathlib import Path

import pytest

from trl_r1.cli import main
from trl_r1.eval import Problem, evaluate, evaluate_suite, load_problems, paper_row
from trl_r1.generation import Sample

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


def _user_text(prompt):
    return prompt if isinstance(prompt, str) else prompt[-1]["content"]


class SeededBackend:
    """Right on every sample with seed 0; right on the first half of the samples with any other seed."""

    name = "seeded"

    def generate(self, prompts, params):
        def text(i):
            right = params.seed == 0 or i < params.num_samples // 2
            return "<think>2+2</think>$\\boxed{4}$" if right else "<think>2+2</think>$\\boxed{5}$"

        return [[Sample(text(i), 10, True) for i in range(params.num_samples)] for _ in prompts]


def test_several_seeds_report_mean_std_and_every_seeds_value_and_results_json_records_the_protocol(tmp_path):
    results = evaluate(
        SeededBackend(),
        [Problem("2+2?", "4", "a")],
        k=4,
        seeds=3,
        seed=0,
        output_dir=tmp_path,
        max_new_tokens=64,
        template="deepseek",
        progress=False,
    )
    assert results["per_seed"]["pass@1"] == [1.0, 0.5, 0.5]  # seeds 0, 1, 2
    assert results["pass@1"] == pytest.approx(2 / 3)
    assert results["std"]["pass@1"] == pytest.approx(statistics.stdev([1.0, 0.5, 0.5]), abs=1e-4)
    assert results["per_seed"]["cons@4"] == [1.0, 1.0, 1.0]  # a 2-2 tie goes to the first vote: the right one
    saved = json.loads((tmp_path / "results.json").read_text())
    protocol = saved["config"]
    assert protocol["seeds"] == [0, 1, 2] and protocol["k"] == 4 and protocol["temperature"] == 0.6
    assert (protocol["top_p"], protocol["max_new_tokens"], protocol["template"], protocol["backend"]) == (
        0.95,
        64,
        "deepseek",
        "seeded",
    )
    assert {"trl-r1", "trl", "transformers", "vllm"} <= set(
        protocol["versions"]
    )  # vLLM: None when not installed
    assert protocol["versions"]["trl"] and protocol["versions"]["transformers"]
    assert "± " in (tmp_path / "results.md").read_text()
    samples = [json.loads(line) for line in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert [s["seed"] for s in samples] == [0, 1, 2]


def test_k_64_reports_cons_at_64_as_r1_does_for_aime():
    results = evaluate(
        SeededBackend(), [Problem("2+2?", "4", "a")], k=64, seed=1, max_new_tokens=8, progress=False
    )
    assert results["cons@64"] == 1.0 and results["pass@1"] == pytest.approx(0.5) and "pass@64" in results


def test_the_paper_table_is_package_data_for_the_six_distilled_models():
    assert paper_row("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B") == {
        "aime24/pass@1": 28.9,
        "aime24/cons@64": 52.7,
        "math500/pass@1": 83.9,
        "gpqa_diamond/pass@1": 33.8,
        "livecodebench/pass@1": 16.9,
        "codeforces/rating": 954,
    }
    for name in ("Qwen-7B", "Qwen-14B", "Qwen-32B", "Llama-8B", "Llama-70B"):
        assert paper_row(f"/models/DeepSeek-R1-Distill-{name}/") is not None
    assert paper_row("Qwen/Qwen2.5-7B") is None


class OracleBackend:
    """Answers every suite problem correctly (golds looked up by prompt), to check the table's arithmetic."""

    name = "oracle"
    GOOD = {
        "abc370_a": "print(2 * int(input()))",
        "abc380_b": "print(input()[::-1])",
        "3450": "class Solution:\n    def maxElement(self, nums):\n        return max(nums)",
        "3460": "class Solution:\n    def addTwo(self, a, b):\n        return a + b",
    }

    def __init__(self):
        self.answer = {}
        for bench in ("aime24", "aime25", "math500", "gpqa_diamond", "livecodebench"):
            for p in load_problems(bench, data_dir=FIXTURES):
                text = _user_text(p.prompt) if p.prompt is not None else p.question
                if p.kind == "code":
                    self.answer[text] = f"<think>..</think>\n```python\n{self.GOOD[p.id]}\n```"
                elif p.kind == "multiple_choice":
                    self.answer[text] = f"<think>..</think>Answer: {p.answer}"
                else:
                    self.answer[text] = f"<think>..</think>$\\boxed{{{p.answer}}}$"

    def generate(self, prompts, params):
        def answer(prompt):  # the deepseek template adds its instruction after a math question
            text = _user_text(prompt)
            return next(a for q, a in self.answer.items() if text == q or text.startswith(q + "\n"))

        return [[Sample(answer(p), 10, True)] * params.num_samples for p in prompts]


def test_the_r1_suite_prints_one_table_with_the_papers_numbers_and_the_difference(tmp_path):
    out = evaluate_suite(
        OracleBackend(),
        "r1",
        data_dir=str(FIXTURES),
        limit=1,
        k=64,
        template="deepseek",
        model_name="deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        output_dir=tmp_path,
        progress=False,
    )
    lines = out["table"].splitlines()
    assert lines[0] == (
        "|  | AIME 2024 pass@1 | AIME 2024 cons@64 | AIME 2025 pass@1 | MATH-500 pass@1 | "
        "GPQA Diamond pass@1 | LiveCodeBench pass@1 |"
    )
    assert lines[2] == "| measured | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 |"
    assert (
        lines[3] == "| paper | 55.5 | 83.3 | n/a | 92.8 | 49.1 | 37.6 |"
    )  # no AIME 2025 in the distilled table
    assert lines[4] == "| difference | +44.5 | +16.7 | n/a | +7.2 | +50.9 | +62.4 |"
    summary = json.loads((tmp_path / "suite.json").read_text())
    assert set(summary["results"]) == {"aime24", "aime25", "math500", "gpqa_diamond", "livecodebench"}
    assert (tmp_path / "gpqa_diamond" / "results.json").is_file() and (
        tmp_path / "suite.md"
    ).read_text() == out["table"]


def test_cons_is_compared_with_the_paper_only_at_k_64(tmp_path):
    out = evaluate_suite(
        OracleBackend(),
        "r1",
        data_dir=str(FIXTURES),
        limit=1,
        k=2,
        progress=False,
        model_name="DeepSeek-R1-Distill-Llama-8B",
    )
    assert "| paper | 50.4 | n/a | n/a | 89.1 | 49.0 | 39.6 |" in out["table"]


def test_the_suite_command_runs_offline_on_the_fixtures(tiny_model_dir, tmp_path, capsys):
    code = main(
        [
            "eval",
            "--suite",
            "r1",
            "--model",
            tiny_model_dir,
            "--data-dir",
            str(FIXTURES),
            "--limit",
            "1",
            "--k",
            "1",
            "--max-new-tokens",
            "4",
            "--output-dir",
            str(tmp_path),
            "--threads",
            "1",
        ]
    )
    assert code == 0
    table = capsys.readouterr().out
    assert "| measured |" in table and "LiveCodeBench pass@1" in table
    config = json.loads((tmp_path / "livecodebench" / "results.json").read_text())["config"]
    assert config["command"].startswith("trl-r1 eval --model") and "--suite r1" in config["command"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--suite", "r1", "--benchmark", "math500"], "give one of --benchmark NAME"),
        (["--suite", "r2"], "unknown suite 'r2'"),
        (["--suite", "r1", "--data-dir", "{empty}"], "needs aime24.jsonl"),
        (["--benchmark", "gpqa_diamond", "--data-dir", "{empty}"], "gated"),
        (["--benchmark", "math500", "--seeds", "0"], "--seeds: expected a positive integer"),
        (["--benchmark", "math500", "--k", "2", "--temperature", "0"], "use --k 1 for greedy"),
    ],
)
def test_bad_suite_or_seed_input_is_one_line_exit_2_before_the_model_loads(
    argv, message, tmp_path, capsys, monkeypatch
):
    import trl_r1.generation

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the input was checked")

    monkeypatch.setitem(trl_r1.generation.BACKENDS, "transformers", refuse)
    argv = [a.replace("{empty}", str(tmp_path)) for a in argv]
    if "--data-dir" not in argv:
        argv += ["--data-dir", str(FIXTURES)]
    try:
        code = main(["eval", "--model", "trl-r1/tiny", "--backend", "transformers", *argv])
    except SystemExit as e:
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
