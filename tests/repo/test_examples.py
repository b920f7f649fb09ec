"""The shipped examples run as documented, offline, on a CPU."""

import subprocess
import sys

import pytest
from testkit import REPO_ROOT


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_grpo_example_trains_with_trl_r1_rewards(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "examples" / "grpo_with_trl_r1_rewards.py"),
            "--max-steps",
            "2",
            "--output-dir",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "TRL_R1_CACHE": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # every trl_r1 reward was logged by TRL under its own name
    for name in ("accuracy_reward", "r1_zero_format_reward", "language_consistency_reward"):
        assert f"rewards/{name}/mean" in proc.stdout
