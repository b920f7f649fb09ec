"""`make install` is quiet unless it fails: pip's output goes to a log, printed when a step fails."""

import os
import shutil
import subprocess

import pytest
from testkit import REPO_ROOT

# Stands in for the virtualenv's python: as chatty as pip, and failing when FAKE_PIP_FAILS is set.
FAKE_PYTHON = """#!/bin/sh
for i in $(seq 1 300); do echo "Collecting package-$i (from trl-r1)"; done
if [ -n "$FAKE_PIP_FAILS" ]; then echo "ERROR: No matching distribution found for package-300"; exit 1; fi
exit 0
"""


def _make_install(tmp_path, **env):
    venv = tmp_path / "venv"
    venv.mkdir(exist_ok=True)
    python = venv / "fake-python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "install", f"VENV={venv}", f"PY={python}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_install_prints_one_line_when_it_succeeds_and_the_whole_log_when_it_fails(tmp_path):
    ok = _make_install(tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert len((ok.stdout + ok.stderr).strip().splitlines()) == 1 and "install.log" in ok.stdout
    assert (tmp_path / "venv" / ".trl_r1-installed").exists()
    (tmp_path / "venv" / ".trl_r1-installed").unlink()
    failed = _make_install(tmp_path, FAKE_PIP_FAILS="1")
    assert failed.returncode != 0
    assert (
        "No matching distribution found for package-300" in failed.stdout
        and "make install failed" in failed.stderr
    )
    assert not (tmp_path / "venv" / ".trl_r1-installed").exists()
