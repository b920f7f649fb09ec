"""``benchmarks/gpu_run.py --phases eval_published`` (a published model on MATH-500 and GPQA Diamond, beside
the paper) runs offline on CPU with ``--tiny``: the tiny model stands in, the test fixtures are the data."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_published_model_phase_prints_measured_against_paper_on_cpu(tmp_path):
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
            "--phases",
            "eval_published",
            "--json",
            str(out),
            "--work-dir",
            str(tmp_path / "work"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=550,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (row,) = json.loads(out.read_text())["rows"]
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
