"""What tests import by name: the repository root, the benchmark fixture folder, the CPU training arguments, the
repository's tracked text files, a test-size run of ``benchmarks/gpu_run.py``, the options that shorten an
experiment to a few steps.

A module of its own, not ``conftest``: pytest imports every ``conftest.py`` as the module ``conftest``, so a
folder with its own conftest (``tests/bad_input``, ``tests/with_vllm``) would shadow these names.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Named benchmarks come from the Hub by default; tests read the small copies shipped in the repository, so a
# clone tests green with nothing beside it (tests/repo/test_clone_alone.py). Same file names and row fields as a
# full local benchmark folder (README "Evaluate like R1"): the first 8 rows of AMC 2023, GSM8K test and CMATH, and
# all 500 MATH-500 and 30 AIME 2024 problems with their gold answers (their long `solution` fields left out). From
# the public MATH (MIT), GSM8K (MIT), CMATH and AoPS AIME/AMC problems as the Qwen2.5-Math evaluation data
# distributes them. Set, not defaulted: a user's own $TRL_R1_BENCHMARKS_DIR must not change what tests see.
BENCHMARKS_DIR = REPO_ROOT / "tests" / "data" / "benchmarks"

# `trl-r1 experiment ...` shortened to a few steps of everything on a 32-wide student (plumbing, not results).
SHORT_EXPERIMENT_ARGS = [
    "--model",
    "trl-r1/tiny?hidden_size=32",
    "--cold_start_steps",
    "3",
    "--rl_steps",
    "2",
    "--prompts_per_step",
    "2",
    "--num_generations",
    "2",
    "--max_completion_length",
    "8",
    "--n_test",
    "4",
    "--k",
    "2",
    "--curve_points",
    "2",
    "--bootstrap_samples",
    "50",
]


def cpu_training_args() -> dict:
    """Keyword arguments every TRL config needs on a CPU-only machine (see NOTES: trap 4)."""
    return dict(
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        report_to="none",
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


def mentioning_files(*patterns: str, leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The tracked files matching ``patterns`` (git pathspecs) that may mention a repository name, relative to
    :data:`REPO_ROOT`: CHANGELOG.md (history), ``leave_out`` and files deleted in the working tree are left out."""
    listed = subprocess.run(
        ["git", "ls-files", *patterns], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        name
        for name in listed
        if name != "CHANGELOG.md" and name not in leave_out and (REPO_ROOT / name).is_file()
    ]


def run_gpu_script(work: Path, *args: str, timeout: int) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """``benchmarks/gpu_run.py --tiny ARGS`` offline on CPU with its files under ``work``: the finished process
    (stdout is the printed table) and the JSON rows it wrote (``[]`` when it wrote none)."""
    out = work / "rows.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRL_R1_CACHE": str(work / "cache"),
    }
    command = [sys.executable, str(REPO_ROOT / "benchmarks" / "gpu_run.py"), "--tiny", *args]
    command += ["--json", str(out), "--work-dir", str(work / "work")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    return done, json.loads(out.read_text())["rows"] if out.exists() else []
