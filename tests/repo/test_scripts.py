"""Every script in benchmarks/ and examples/ imports without running, and answers --help."""

import importlib.util
import subprocess
import sys

import pytest
from testkit import REPO_ROOT

SCRIPTS = sorted([*(REPO_ROOT / "benchmarks").glob("*.py"), *(REPO_ROOT / "examples").glob("*.py")])


def test_the_scripts_are_found():
    assert {p.parent.name for p in SCRIPTS} == {"benchmarks", "examples"} and len(SCRIPTS) >= 7


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_script_imports_without_running_and_its_help_exits_0(script):
    spec = importlib.util.spec_from_file_location(f"script_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # runs nothing: the work sits behind `if __name__ == "__main__"`
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage:"), done.stdout[:500]
