"""`trl-r1 eval` and `trl_r1.eval.evaluate`: R1's sampling evaluation on the shared benchmarks."""

import json

import pytest

from trl_r1.cli import main
from trl_r1.eval import BenchmarkError, Problem, evaluate, load_problems
from trl_r1.generation import Sample

SHARED = ("math500", "aime24", "amc23", "gsm8k", "cmath")  # the benchmark files of the shared data folder


class ScriptedBackend:
    """A generation backend that returns fixed completions, to check the scoring end to end."""

    name = "scripted"

    def __init__(self, completions, tokenizer=None, context=None):
        self.completions, self.calls = completions, []
        self.tokenizer = tokenizer
        if context is not None:
            self.model = type("M", (), {"config": type("C", (), {"max_position_embeddings": context})()})()

    def generate(self, prompts, params):
        self.calls.append(params)
        return [[Sample(t, n, fin) for t, n, fin in self.completions[: params.num_samples]] for _ in prompts]


def test_named_benchmarks_load_with_their_gold_answers(benchmarks_dir):
    golds = {name: load_problems(name, data_dir=benchmarks_dir, limit=2) for name in SHARED}
    assert all(len(p) == 2 and p[0].question and p[0].answer for p in golds.values())
    assert golds["gsm8k"][0].answer == "18"  # the text after "####", not the worked solution
    assert golds["amc23"][0].answer == "27"  # stored as the JSON number 27.0
    assert golds["aime24"][0].answer == "204"
    assert golds["math500"][0].answer == r"\left( 3, \frac{\pi}{2} \right)"
    assert "芳芳" in golds["cmath"][0].question and golds["cmath"][0].answer == "9"


def test_any_jsonl_with_a_question_and_an_answer_is_a_benchmark(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text('{"problem": "1+1?", "answer": 2}\n{"problem": "2+2?", "answer": "4"}\n')
    problems = load_problems(str(path))
    assert [(p.question, p.answer) for p in problems] == [("1+1?", "2"), ("2+2?", "4")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "1+1?", "label": 2}\n')
    with pytest.raises(BenchmarkError, match="no question field found.*--question-field"):
        load_problems(str(bad))
    assert load_problems(str(bad), question_field="text", answer_field="label")[0].answer == "2"


def test_equivalent_majority_answer_wins_cons_and_every_sample_counts_for_pass1(tmp_path):
    think = "<think>Half of one. Wait, let me check: yes.</think>\n"
    backend = ScriptedBackend(
        [
            (think + r"So $\boxed{3}$.", 40, True),
            (think + r"So $\boxed{\frac{1}{2}}$.", 30, True),
            (think + r"So $\boxed{0.5}$.", 20, True),
            (think + r"So $\boxed{3}$.", 10, True),
            (think + r"So $\boxed{1/2}$.", 20, True),
            ("<think>1/2 and then it ran out of tok", 80, False),
        ]
    )
    problems = [Problem("What is half of one?", r"\frac{1}{2}", "q0")]
    results = evaluate(backend, problems, k=6, pass_k=[1, 2], output_dir=tmp_path, progress=False)
    assert results["pass@1"] == pytest.approx(3 / 6)
    assert results["pass@2"] == pytest.approx(1 - 3 / 15)  # 1 - C(3,2)/C(6,2)
    assert (
        results["cons@6"] == 1.0
    )  # "3" is the most frequent string, but 1/2 = 0.5 = \frac{1}{2} has 3 votes
    assert results["format_compliance"] == pytest.approx(5 / 6)  # the truncated one has no summary
    assert results["truncation_rate"] == pytest.approx(1 / 6)
    assert results["mean_response_tokens"] == pytest.approx(200 / 6)
    assert results["reflective_words_per_1k_tokens"] == pytest.approx(
        1000 * 10 / 200
    )  # wait + check, 5 times
    assert results["language_consistency"] == 1.0  # an English question, English chains of thought
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["pass@1"] == results["pass@1"] and saved["k"] == 6 and saved["n_problems"] == 1
    assert {"model", "benchmark", "temperature", "top_p", "max_new_tokens", "seed", "k"} <= set(
        saved["config"]
    )
    assert "| pass@1 |" in (tmp_path / "results.md").read_text()
    row = json.loads((tmp_path / "samples.jsonl").read_text().splitlines()[0])
    assert row["answers"] == ["3", r"\frac{1}{2}", "0.5", "3", "1/2", None]
    assert row["verdicts"] == [0.0, 1.0, 1.0, 0.0, 1.0, 0.0] and row["majority_correct"] is True


def test_sampling_uses_r1_settings_and_by_default_fills_the_context_up_to_32768(tiny_model_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    backend = ScriptedBackend([("<think>x</think>4", 5, True)] * 2, tokenizer=tok, context=2048)
    results = evaluate(
        backend, [Problem("2+2", "4", "a"), Problem("20+20", "40", "b")], k=2, template="chat", progress=False
    )
    params = backend.calls[0]
    assert (params.temperature, params.top_p, params.num_samples) == (0.6, 0.95, 2)
    longest = len(
        tok.apply_chat_template(
            [{"role": "user", "content": "20+20"}],
            add_generation_prompt=True,
            tokenize=True,
            return_dict=True,
        )["input_ids"]
    )
    assert params.max_new_tokens == results["config"]["max_new_tokens"] == 2048 - longest
    big = ScriptedBackend([("<think>x</think>4", 5, True)], tokenizer=tok, context=131072)
    evaluate(big, [Problem("2+2", "4", "a")], k=1, progress=False)
    assert big.calls[0].max_new_tokens == 32768


@pytest.fixture(scope="module")
def tiny_backend(tiny_model_dir):
    from trl_r1.generation import TransformersBackend

    return TransformersBackend(tiny_model_dir)  # loaded once for the five benchmarks


@pytest.mark.parametrize("benchmark", sorted(SHARED))
def test_tiny_model_evaluates_a_5_problem_slice_of_each_shared_benchmark_on_cpu(
    benchmark, tiny_backend, benchmarks_dir
):
    results = evaluate(
        tiny_backend, benchmark, k=2, limit=5, max_new_tokens=8, data_dir=benchmarks_dir, progress=False
    )
    assert results["n_problems"] == 5 and results["k"] == 2
    for key in ("pass@1", "pass@2", "cons@2", "format_compliance", "truncation_rate"):
        assert 0.0 <= results[key] <= 1.0, key
    assert 0 < results["mean_response_tokens"] <= 8
    assert results["config"]["language"] == ("zh" if benchmark == "cmath" else "en")


def test_contract_command_writes_results_json(tiny_model_dir, benchmarks_dir, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "eval",
            "--model",
            tiny_model_dir,
            "--benchmark",
            "math500",
            "--k",
            "4",
            "--limit",
            "5",
            "--output-dir",
            str(out),
            "--data-dir",
            str(benchmarks_dir),
            "--max-new-tokens",
            "16",
        ]
    )
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    assert results["k"] == 4 and results["n_problems"] == 5
    assert isinstance(results["pass@1"], float) and 0 <= results["pass@1"] <= 1
    assert isinstance(results["cons@4"], float) and 0 <= results["cons@4"] <= 1
    assert results["n_timeouts"] == 0  # verifier timeouts are reported, never silently scored as wrong
    command = results["config"]["command"]
    assert command.startswith("trl-r1 eval --model") and "--temperature 0.6 --top-p 0.95" in command
    assert "| pass@1 |" in capsys.readouterr().out


def test_synthetic_task_and_an_in_memory_model_evaluate_with_the_datas_own_prompts():
    from trl_r1.models.tiny import build_tiny_model

    model, tok = build_tiny_model(hidden_size=32)
    results = evaluate(
        (model, tok),
        "synthetic://arithmetic?split=test&layout=r1_zero&n=3",
        k=2,
        max_new_tokens=4,
        progress=False,
    )
    assert results["n_problems"] == 3 and results["benchmark"].startswith("synthetic://")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--benchmark", "math5000"], "unknown benchmark 'math5000'"),
        (["--benchmark", "missing.jsonl"], "does not exist"),
        (["--benchmark", "math500", "--k", "0"], "expected a positive integer"),
        (["--benchmark", "math500", "--k", "2", "--pass-k", "4"], "larger than --k"),
        (["--benchmark", "{bad}"], "no question field found"),
        (["--benchmark", "math500", "--data-dir", "{empty}"], "--data-dir"),
    ],
)
def test_bad_input_is_one_line_exit_2_before_the_model_loads(
    argv, message, tmp_path, monkeypatch, capsys, benchmarks_dir
):
    import trl_r1.generation

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the input was checked")

    monkeypatch.setitem(trl_r1.generation.BACKENDS, "transformers", refuse)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "1+1?", "label": 2}\n')
    argv = [a.replace("{bad}", str(bad)).replace("{empty}", str(tmp_path)) for a in argv]
    if "--data-dir" not in argv:
        argv += ["--data-dir", str(benchmarks_dir)]
    try:
        code = main(["eval", "--model", str(tmp_path), "--backend", "transformers", *argv])
    except SystemExit as e:  # argparse's own type errors
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
