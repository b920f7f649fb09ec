"""``benchmarks/gpu_run.py --tiny`` runs on CPU: every phase of the GPU script (LoRA cold start, GRPO
with trl_r1's rewards, GRPO with TRL's only, eval on MATH-500) at test size, and prints its table."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_gpu_run_script_runs_every_phase_on_cpu_with_tiny(tmp_path, benchmarks_dir):
    out = tmp_path / "rows.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRL_R1_CACHE": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "gpu_run.py"),
            "--tiny",
            "--json",
            str(out),
            "--data-dir",
            str(benchmarks_dir),
            "--work-dir",
            str(tmp_path / "work"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=850,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {r["phase"]: r for r in json.loads(out.read_text())["rows"]}
    assert set(rows) == {"sft_lora", "grpo_trl_r1", "grpo_trl_only", "eval_math500"}
    for phase in ("sft_lora", "grpo_trl_r1", "grpo_trl_only"):
        assert (
            rows[phase]["steps"] == 2 and rows[phase]["step_time_s"] > 0 and rows[phase]["tokens_per_s"] > 0
        )
    assert rows["eval_math500"]["steps"] == 2 and rows["eval_math500"]["tokens_per_s"] > 0
    assert "| (b) GRPO, trl_r1 rewards + monitor | 2 |" in done.stdout and "x (" in done.stdout
