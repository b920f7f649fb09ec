"""GRPO with `use_vllm: true` (colocate) training for real on CPU: the weight sync reaches vLLM's engine after
every optimizer step, the logged rewards have the Transformers path's shape, and the in-training benchmark
callback samples from the colocated engine."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("vllm", reason="the vLLM tier runs in its own virtualenv: make test-vllm")

HERE = Path(__file__).parent
LOGPROB_TOLERANCE = 0.02  # vLLM's CPU kernels vs PyTorch on the same fp32 weights: ~0.004 seen


@pytest.fixture(scope="module")
def runs(vllm_model_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("grpo")
    proc = subprocess.run(
        [sys.executable, str(HERE / "grpo_run.py"), vllm_model_dir, str(out)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]  # nothing failed at exit either
    return json.loads((out / "result.json").read_text())


def max_diff(a, b):
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def test_the_vllm_engine_gets_the_new_weights_after_every_optimizer_step(runs):
    syncs = runs["vllm"]["syncs"]
    # one sync before the first rollout, then one after each of the 3 optimizer steps
    # (TRL's before the next rollout, the benchmark callback's at the end)
    assert [s["step"] for s in syncs] == [0, 1, 2, 3]
    for s in syncs:  # after each sync vLLM scores the probe as the trained model does
        assert max_diff(s["vllm"], s["trainer"]) < LOGPROB_TOLERANCE, s["step"]
    for before, after in zip(syncs, syncs[1:]):  # ... and the step changed what it scores
        assert max_diff(before["vllm"], after["vllm"]) > 5 * LOGPROB_TOLERANCE, after["step"]
    # every rollout was sampled from the weights the trainer scored it with (TRL's own check of the sync)
    steps = [e for e in runs["vllm"]["log_history"] if "sampling/sampling_logp_difference/max" in e]
    assert len(steps) == 3
    assert all(e["sampling/sampling_logp_difference/max"] < 0.05 for e in steps)
    rollouts = runs["vllm"]["rollouts"]
    assert [r["step"] for r in rollouts] == [0, 1, 2]
    assert all(len(r["completion_ids"]) == 8 for r in rollouts)


def test_the_vllm_run_logs_the_rewards_of_the_transformers_run(runs):
    def reward_steps(run):
        return [
            {k: v for k, v in e.items() if k.startswith("rewards/") or k in ("reward", "reward_std")}
            for e in run["log_history"]
            if "reward" in e
        ]

    vllm, hf = reward_steps(runs["vllm"]), reward_steps(runs["transformers"])
    assert len(vllm) == len(hf) == 3
    for v, h in zip(vllm, hf):
        assert v.keys() == h.keys()
        assert {"rewards/accuracy_reward/mean", "rewards/byte_diversity/mean"} <= v.keys()
        for value in (x for x in (*v.values(), *h.values()) if x is not None):
            assert math.isfinite(value)
        assert 0 < v["rewards/byte_diversity/mean"] <= 1 and 0 < h["rewards/byte_diversity/mean"] <= 1
    assert all(e["grad_norm"] > 0 for e in runs["vllm"]["log_history"] if "grad_norm" in e)


def test_the_benchmark_callback_samples_from_the_colocated_engine(runs):
    assert runs["vllm"]["bench_sampler"] == "vllm" and runs["transformers"]["bench_sampler"] == "transformers"
    vllm, hf = runs["vllm"]["bench_history"], runs["transformers"]["bench_history"]
    assert [row["step"] for row in vllm] == [row["step"] for row in hf] == [2, 3]
    for v, h in zip(vllm, hf):
        assert v.keys() == h.keys() and "bench/arithmetic/pass@1" in v
        assert 0 <= v["bench/arithmetic/pass@1"] <= 1 and v["bench/arithmetic/mean_length"] <= 8
    logged = [e for e in runs["vllm"]["log_history"] if "bench/arithmetic/pass@1" in e]
    assert len(logged) == 2


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"vllm_mode": "server"}, "vllm_mode: server cannot train without a CUDA GPU"),
        ({"vllm_enable_sleep_mode": True}, "vllm_enable_sleep_mode: vLLM has no sleep mode on CPU"),
    ],
)
def test_what_vllm_cannot_do_on_cpu_is_refused_in_one_line_before_any_work(setting, message, tmp_path):
    from trl import GRPOConfig, ModelConfig

    from trl_r1.training.arguments import missing_extras
    from trl_r1.training.grpo import GRPOStageArguments, train_grpo

    assert [
        p for p in missing_extras({"use_vllm": True, **setting}) if message in p
    ]  # dry runs and stage scripts
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"), use_vllm=True, use_cpu=True, bf16=False, report_to="none", **setting
    )
    with pytest.raises(ValueError, match=message):  # before the data, the model or the engine is loaded
        train_grpo(
            GRPOStageArguments(dataset_name="does-not-exist.jsonl"),
            args,
            ModelConfig(model_name_or_path="does-not-exist"),
        )
    assert not os.path.exists(tmp_path / "out" / "trainer_state.json")


def test_a_model_the_cpu_kernels_cannot_run_is_refused_before_the_engine_starts(tmp_path):
    from trl import GRPOConfig, ModelConfig

    from trl_r1.models.tiny import save_tiny_model
    from trl_r1.training.grpo import GRPOStageArguments, train_grpo

    narrow = save_tiny_model(tmp_path / "narrow", hidden_size=64)  # 4 heads of 16: no CPU attention kernel
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"), use_vllm=True, use_cpu=True, bf16=False, report_to="none"
    )
    with pytest.raises(ValueError, match=r"attention head size 16 .*set use_vllm: false"):
        train_grpo(
            GRPOStageArguments(dataset_name="synthetic://arithmetic?split=rl&layout=r1&n=4&seed=0"),
            args,
            ModelConfig(model_name_or_path=narrow),
        )
