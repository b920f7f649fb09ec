"""What tests import by name: the repository root, the benchmark fixture folder, the CPU training arguments, the
repository's tracked text files.

A module of its own, not ``conftest``: pytest imports every ``conftest.py`` as the module ``conftest``, so a
folder with its own conftest (``tests/bad_input``, ``tests/with_vllm``) would shadow these names.
"""

import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Named benchmarks come from the Hub by default; tests read the small copies shipped in the repository, so a
# clone tests green with nothing beside it (tests/repo/test_clone_alone.py). Same file names and row fields as a
# full local benchmark folder (README "Evaluate like R1"): the first 8 rows of AMC 2023, GSM8K test and CMATH, and
# all 500 MATH-500 and 30 AIME 2024 problems with their gold answers (their long `solution` fields left out). From
# the public MATH (MIT), GSM8K (MIT), CMATH and AoPS AIME/AMC problems as the Qwen2.5-Math evaluation data
# distributes them. Set, not defaulted: a user's own $TRL_R1_BENCHMARKS_DIR must not change what tests see.
BENCHMARKS_DIR = REPO_ROOT / "tests" / "data" / "benchmarks"


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
