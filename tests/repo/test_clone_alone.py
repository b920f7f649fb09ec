"""A clone of the repository tests green with nothing beside it: no ``../shared`` data folder, no
``$TRL_R1_BENCHMARKS_DIR``. What the tests need ships under ``tests/data/``."""

import os
import shutil
import subprocess
import sys

from testkit import BENCHMARKS_DIR, REPO_ROOT

from trl_r1.eval.benchmarks import BENCHMARKS, load_problems

# What a clone does not have: build outputs, caches, a virtualenv, runs (as in .gitignore).
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "runs",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".grimp_cache",
    "build",
    "dist",
)


def test_the_benchmark_fixtures_are_inside_the_repository_and_load_for_every_named_benchmark():
    assert BENCHMARKS_DIR.is_relative_to(REPO_ROOT)
    for name, bench in BENCHMARKS.items():
        assert (BENCHMARKS_DIR / bench.filename).exists(), (
            f"tests/data/benchmarks/{bench.filename} is missing"
        )
        problems = load_problems(name, data_dir=BENCHMARKS_DIR)
        assert problems and all(p.question and (p.answer or p.tests) for p in problems), (
            name
        )  # code: test cases


def test_the_whole_suite_collects_in_a_copy_with_no_shared_folder_and_no_benchmarks_dir(tmp_path):
    clone = tmp_path / "alone" / "trl_r1_repo"  # its parent holds no `shared/`
    shutil.copytree(REPO_ROOT, clone, ignore=NOT_IN_A_CLONE)
    assert not (clone.parent.parent / "shared").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    env.update(PYTHONPATH=str(clone), TRL_R1_BENCHMARKS_DIR=str(tmp_path / "nowhere"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = (proc.stdout + proc.stderr)[-3000:]
    assert proc.returncode == 0, tail
    assert " error" not in proc.stdout.splitlines()[-1], tail
    assert "tests/eval/test_eval.py::test_named_benchmarks_load_with_their_gold_answers" in proc.stdout
