"""``benchmarks/gpu_run.py --tiny`` runs on CPU: every phase of the GPU script (LoRA cold start, GRPO
with trl_r1's rewards, GRPO with TRL's only, eval on MATH-500) at test size, and prints its table."""

import pytest
from testkit import run_gpu_script


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_gpu_run_script_runs_every_phase_on_cpu_with_tiny(tmp_path, benchmarks_dir):
    done, rows = run_gpu_script(tmp_path, "--data-dir", str(benchmarks_dir), timeout=850)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {r["phase"]: r for r in rows}
    assert set(rows) == {"sft_lora", "grpo_trl_r1", "grpo_trl_only", "eval_math500"}
    for phase in ("sft_lora", "grpo_trl_r1", "grpo_trl_only"):
        assert (
            rows[phase]["steps"] == 2 and rows[phase]["step_time_s"] > 0 and rows[phase]["tokens_per_s"] > 0
        )
    assert rows["eval_math500"]["steps"] == 2 and rows["eval_math500"]["tokens_per_s"] > 0
    assert "| (b) GRPO, trl_r1 rewards + monitor | 2 |" in done.stdout and "x (" in done.stdout
