"""A real vLLM engine behind trl_r1's generation interface, `trl-r1 eval` and `trl-r1 sample`: same result
shapes as the Transformers backend on the same problems and seeds, every sampling setting honoured."""

import json
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("vllm", reason="the vLLM tier runs in its own virtualenv: make test-vllm")

from trl_r1.generation import SamplingParams, TransformersBackend, VLLMBackend, backend_name, cut_at_stop

PROMPTS = ["What is 2+2?", [{"role": "user", "content": "Compute 17*3."}]]
BENCHMARK = "synthetic://arithmetic?split=test&n=4&seed=0"


@pytest.fixture(scope="module")
def hf_backend(vllm_model_dir):
    return TransformersBackend(vllm_model_dir)


def check_shape(groups, params):
    """What every backend must return: n samples per prompt, each consistent with its own token ids."""
    assert len(groups) == len(PROMPTS)
    for group in groups:
        assert len(group) == params.num_samples
        for s in group:
            assert isinstance(s.text, str) and s.token_ids is not None
            assert len(s.token_ids) == s.num_tokens <= params.max_new_tokens
            if not s.finished:  # only the budget ends an unfinished completion
                assert s.num_tokens == params.max_new_tokens


@pytest.mark.parametrize("n", [1, 3])
def test_vllm_returns_the_transformers_shape_for_n_samples_and_the_token_budget(vllm_engine, hf_backend, n):
    params = SamplingParams(num_samples=n, temperature=1.0, top_p=1.0, max_new_tokens=12, seed=3)
    for backend in (vllm_engine, hf_backend):
        groups = backend.generate(PROMPTS, params)
        check_shape(groups, params)
    # a random model rarely stops within 12 tokens: the budget is what ends most samples, on both backends
    assert any(not s.finished for g in vllm_engine.generate(PROMPTS, params) for s in g)


def test_vllm_seeds_make_samples_reproducible_and_distinct(vllm_engine):
    params = SamplingParams(num_samples=4, temperature=1.0, top_p=1.0, max_new_tokens=16, seed=7)
    first, again = vllm_engine.generate(PROMPTS, params), vllm_engine.generate(PROMPTS, params)
    assert [[s.token_ids for s in g] for g in first] == [[s.token_ids for s in g] for g in again]
    other = vllm_engine.generate(PROMPTS, SamplingParams(**{**params.__dict__, "seed": 8}))
    assert [[s.token_ids for s in g] for g in first] != [[s.token_ids for s in g] for g in other]
    assert len({s.token_ids for s in first[0]}) > 1  # the n samples of one prompt are not copies
    # identical prompts in one batch still get different samples (each prompt its own seed)
    twin = vllm_engine.generate([PROMPTS[0], PROMPTS[0]], params)
    assert [s.token_ids for s in twin[0]] != [s.token_ids for s in twin[1]]


def test_vllm_honours_temperature_and_top_p(vllm_engine):
    greedy = vllm_engine.generate(
        PROMPTS, SamplingParams(num_samples=3, temperature=0.0, max_new_tokens=16, seed=1)
    )
    for group in greedy:
        assert len({s.token_ids for s in group}) == 1  # temperature 0: every sample is the argmax path
    # a vanishing nucleus keeps only the most likely token: the greedy path again, whatever the seed
    nucleus = vllm_engine.generate(
        PROMPTS, SamplingParams(num_samples=3, temperature=1.0, top_p=1e-6, max_new_tokens=16, seed=5)
    )
    assert [{s.token_ids for s in g} for g in nucleus] == [{s.token_ids for s in g} for g in greedy]
    hot = vllm_engine.generate(
        PROMPTS, SamplingParams(num_samples=3, temperature=1.0, top_p=1.0, max_new_tokens=16, seed=5)
    )
    assert any(len({s.token_ids for s in g}) > 1 for g in hot)


@pytest.mark.parametrize("backend", ["vllm", "transformers"])
def test_a_stop_string_ends_the_completion_right_after_it(vllm_engine, hf_backend, backend):
    engine = vllm_engine if backend == "vllm" else hf_backend
    params = SamplingParams(num_samples=4, temperature=1.0, top_p=1.0, max_new_tokens=32, seed=11)
    free = engine.generate(PROMPTS, params)
    # a letter or digit that one sample produced after its first tokens: with the same seed, the sample
    # stopped on it is the free sample cut right after its first occurrence
    found = [
        (i, j, ch)
        for i, g in enumerate(free)
        for j, s in enumerate(g)
        for ch in s.text[2:]
        if ch in string.ascii_letters + string.digits
    ]
    assert found, "no sample produced a letter or digit to stop on"
    i, j, ch = found[0]
    stopped = engine.generate(PROMPTS, SamplingParams(**{**params.__dict__, "stop": (ch,)}))[i][j]
    assert stopped.text == cut_at_stop(free[i][j].text, (ch,))
    assert stopped.finished and stopped.num_tokens <= free[i][j].num_tokens
    assert stopped.token_ids == free[i][j].token_ids[: stopped.num_tokens]


def test_auto_picks_vllm_where_it_is_installed():
    assert backend_name("auto") == "vllm"


def test_a_model_the_cpu_kernels_cannot_run_is_refused_before_the_engine_starts(tmp_path):
    from trl_r1.models.tiny import save_tiny_model

    narrow = save_tiny_model(tmp_path / "narrow", hidden_size=64)  # 4 heads of 16: no CPU attention kernel
    with pytest.raises(ValueError, match=r"attention head size 16 .*--backend transformers"):
        VLLMBackend(narrow)


def run_cli(*argv: str) -> int:
    from trl_r1.cli import main

    return main(list(argv))


def test_trl_r1_eval_with_vllm_gives_the_transformers_results_shape(shared_engine, vllm_model_dir, tmp_path):
    common = [
        "--model",
        vllm_model_dir,
        "--benchmark",
        BENCHMARK,
        "--k",
        "3",
        "--max-new-tokens",
        "16",
        "--seed",
        "4",
    ]
    assert run_cli("eval", *common, "--backend", "vllm", "--output-dir", str(tmp_path / "vllm")) == 0
    assert shared_engine, "trl-r1 eval did not ask for the vllm backend"
    assert run_cli("eval", *common, "--backend", "transformers", "--output-dir", str(tmp_path / "hf")) == 0
    results = {name: json.loads((tmp_path / name / "results.json").read_text()) for name in ("vllm", "hf")}
    assert results["vllm"].keys() == results["hf"].keys()
    assert (
        results["vllm"]["config"]["backend"] == "vllm"
        and results["hf"]["config"]["backend"] == "transformers"
    )
    for key in ("k", "n_problems", "n_scored"):
        assert results["vllm"][key] == results["hf"][key]
    rows = {
        name: [json.loads(line) for line in (tmp_path / name / "samples.jsonl").read_text().splitlines()]
        for name in ("vllm", "hf")
    }
    assert [r["question"] for r in rows["vllm"]] == [r["question"] for r in rows["hf"]]
    for v, h in zip(rows["vllm"], rows["hf"]):
        assert v.keys() == h.keys() and len(v["samples"]) == len(h["samples"]) == 3
        assert all(s.keys() == t.keys() and s["num_tokens"] <= 16 for s, t in zip(v["samples"], h["samples"]))


def test_trl_r1_sample_with_vllm_gives_the_transformers_report_shape(shared_engine, vllm_model_dir, tmp_path):
    common = [
        "--model",
        vllm_model_dir,
        "--dataset",
        "synthetic://arithmetic?split=rl&n=3&seed=0",
        "--num-samples",
        "2",
        "--max-new-tokens",
        "12",
        "--reward-thresholds=-inf",
        "--seed",
        "2",
    ]
    assert run_cli("sample", *common, "--backend", "vllm", "--output-dir", str(tmp_path / "vllm")) == 0
    assert shared_engine, "trl-r1 sample did not ask for the vllm backend"
    assert run_cli("sample", *common, "--backend", "transformers", "--output-dir", str(tmp_path / "hf")) == 0
    reports = {name: json.loads((tmp_path / name / "report.json").read_text()) for name in ("vllm", "hf")}
    assert reports["vllm"].keys() == reports["hf"].keys()
    assert reports["vllm"]["prompts"] == reports["hf"]["prompts"] == 3
    assert reports["vllm"]["generated"] == reports["hf"]["generated"] == 6


def test_trl_r1_eval_picks_vllm_by_default_and_exits_without_leaking_shared_memory(vllm_model_dir, tmp_path):
    """A real `trl-r1 eval` process with no --backend, its engine in spawned processes (vLLM's default on GPUs,
    where the leak was seen): it must pick vLLM, exit 0, and leave no shared memory behind."""
    shm = Path("/dev/shm")
    before = set(os.listdir(shm)) if shm.is_dir() else set()
    env = {**os.environ, "VLLM_ENABLE_V1_MULTIPROCESSING": "1"}
    out = tmp_path / "auto"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "trl_r1.cli",
            "eval",
            "--model",
            vllm_model_dir,
            "--benchmark",
            BENCHMARK,
            "--k",
            "2",
            "--limit",
            "2",
            "--max-new-tokens",
            "8",
            "--output-dir",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads((out / "results.json").read_text())["config"]["backend"] == "vllm"
    assert "leaked shared_memory" not in proc.stderr, proc.stderr[-3000:]
    after = set(os.listdir(shm)) if shm.is_dir() else set()
    assert not {name for name in after - before if name.startswith(("psm_", "sem.mp-"))}
