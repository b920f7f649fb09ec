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
from testkit import BENCHMARKS_DIR  # noqa: E402

# Not a doctest module: collecting it would meet another folder's conftest.py (tests/bad_input) already imported
# under the module name `conftest`.
collect_ignore = ["conftest.py"]

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
