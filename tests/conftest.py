"""Shared fixtures. Nothing here, nor in any test, reaches a model or dataset hub."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_DISABLED", "true")
# Tiny models on a small shared CPU: one thread per process avoids oversubscription (up to 20x faster).
os.environ.setdefault("OMP_NUM_THREADS", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
# Named benchmarks come from the Hub by default; tests read the small copies shipped in the repository, so a
# clone tests green with nothing beside it (tests/test_clone_alone.py). Same file names and row fields as a
# full local benchmark folder (README "Evaluate like R1"): the first 8 rows of AMC 2023, GSM8K test and CMATH, and
# all 500 MATH-500 and 30 AIME 2024 problems with their gold answers (their long `solution` fields left out). From
# the public MATH (MIT), GSM8K (MIT), CMATH and AoPS AIME/AMC problems as the Qwen2.5-Math evaluation data
# distributes them. Set, not defaulted: a user's own $TRL_R1_BENCHMARKS_DIR must not change what tests see.
BENCHMARKS_DIR = REPO_ROOT / "tests" / "data" / "benchmarks"
os.environ["TRL_R1_BENCHMARKS_DIR"] = str(BENCHMARKS_DIR)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> str:
    """The tiny random Qwen2 + byte tokenizer, saved once per test session (reloadable by path)."""
    from trl_r1.models.tiny import save_tiny_model

    return save_tiny_model(tmp_path_factory.mktemp("tiny") / "model", hidden_size=64)


@pytest.fixture(scope="session")
def tiny_reward_model_dir(tmp_path_factory) -> str:
    from trl_r1.models.tiny import save_tiny_reward_model

    return save_tiny_reward_model(tmp_path_factory.mktemp("tiny_rm") / "model")


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    """The repository's benchmark fixture folder (math500.jsonl, aime24.jsonl, ...)."""
    return BENCHMARKS_DIR


def cpu_training_args() -> dict:
    """Keyword arguments every TRL config needs on a CPU-only machine (see NOTES: trap 4)."""
    return dict(use_cpu=True, bf16=False, gradient_checkpointing=False, report_to="none", save_strategy="no",
                disable_tqdm=True, dataloader_num_workers=0)
