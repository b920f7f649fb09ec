"""``benchmarks/gpu_run.py --phases eval_published`` (a published model on MATH-500 and GPQA Diamond, beside
the paper) runs offline on CPU with ``--tiny``: the tiny model stands in, the test fixtures are the data."""

import pytest
from testkit import run_gpu_script


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_published_model_phase_prints_measured_against_paper_on_cpu(tmp_path):
    done, rows = run_gpu_script(tmp_path, "--phases", "eval_published", timeout=550)
    assert done.returncode == 0, done.stderr[-3000:]
    (row,) = rows
    assert row["phase"] == "eval_published" and row["steps"] == 4 and row["tokens_per_s"] > 0
    assert [(c["benchmark"], c["n"], c["paper"]) for c in row["comparison"]] == [
        ("math500", 2, 83.9),
        ("gpqa_diamond", 2, 33.8),
    ]
    assert (
        "| benchmark | problems | k | measured pass@1 | paper pass@1 | difference | truncated |"
        in done.stdout
    )
    assert "| gpqa_diamond | 2 | 1 | 0.0 | 33.8 | -33.8 |" in done.stdout  # a random stand-in solves nothing
