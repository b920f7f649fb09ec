"""The private TRL names trl_r1 relies on, checked against the installed TRL (pyproject pins the minors
tested: trl>=1.16,<1.17). A TRL release that renames or reshapes one fails here, by name, instead of
deep inside a training run. Each check says which trl_r1 code needs it."""

import inspect
import re

import pytest
from trl.generation import vllm_generation
from trl.generation.vllm_generation import VLLMGeneration
from trl.trainer import grpo_trainer
from trl.trainer.grpo_trainer import GRPOTrainer

TRAINER_SOURCE = inspect.getsource(grpo_trainer)
GENERATION_SOURCE = inspect.getsource(vllm_generation)


def test_calculate_rewards_is_the_one_place_rewards_run():
    """trl_r1.training.doctor.RunDoctor wraps it (timing, rows no reward scored)."""
    params = list(inspect.signature(GRPOTrainer._calculate_rewards).parameters)
    assert params == ["self", "inputs", "prompts", "completions", "completion_ids_list"], params
    assert "rewards_per_func = torch.zeros(len(prompts), len(self.reward_funcs)" in TRAINER_SOURCE
    assert re.search(r"\n\s+return rewards_per_func\n", inspect.getsource(GRPOTrainer._calculate_rewards))


def test_last_loaded_step_gates_the_vllm_weight_sync():
    """trl_r1.training.benchmark_eval syncs weights itself and sets it, so TRL does not sync the same step twice."""
    assert "self._last_loaded_step = -1" in TRAINER_SOURCE
    assert re.search(
        r"if self\.state\.global_step != self\._last_loaded_step:\s+with profiling_context\(self, "
        r"\"sync_weights\"\):\s+self\.vllm_generation\.sync_weights\(\)\s+"
        r"self\._last_loaded_step = self\.state\.global_step",
        TRAINER_SOURCE,
    )


def test_the_trainer_holds_its_vllm_engine_as_vllm_generation():
    """benchmark_eval samples from it; grpo.sync_weights_by_layerwise_reload replaces its sync_weights."""
    assert "self.vllm_generation = VLLMGeneration(" in TRAINER_SOURCE
    assert "self.use_vllm = args.use_vllm" in TRAINER_SOURCE


@pytest.mark.parametrize("attribute", ["mode", "enable_sleep_mode", "tensor_parallel_size"])
def test_vllm_generation_keeps_its_settings(attribute):
    """benchmark_eval reads them to pick a sampler (server, colocate, tensor-parallel fallback)."""
    assert f"self.{attribute} = {attribute}" in inspect.getsource(VLLMGeneration.__init__)


def test_vllm_generation_engine_handles_and_sleep_flag():
    """benchmark_eval uses llm (colocate) and vllm_client (server) and puts the engine back to sleep, setting
    _llm_weights_sleeping as TRL's own generate() does (TRL then re-pushes the weights)."""
    init = inspect.getsource(VLLMGeneration._init_vllm)
    assert "self.llm = LLM(" in init and "self.vllm_client = VLLMClient(" in init
    assert "self._llm_weights_sleeping = self.enable_sleep_mode" in init
    generate = inspect.getsource(VLLMGeneration.generate)
    assert "self.enable_sleep_mode and self._llm_weights_sleeping" in generate
    assert "self.llm.sleep(level=2)\n                self._llm_weights_sleeping = True" in generate


def test_iter_named_params_walks_the_weights_to_sync():
    """grpo.sync_weights_by_layerwise_reload feeds it to vLLM's reload_weights: (name, tensor) pairs, PEFT
    merged and ZeRO-3/FSDP gathered, as TRL's own sync reads them."""
    assert inspect.isgeneratorfunction(VLLMGeneration._iter_named_params)
    assert list(inspect.signature(VLLMGeneration._iter_named_params).parameters) == ["self"]
    sync = inspect.getsource(VLLMGeneration.sync_weights)
    assert "for name, param in self._iter_named_params():" in sync
    assert "self.llm.reset_prefix_cache()" in sync


def test_the_unscored_rows_warning_is_the_message_trl_r1_filters():
    """grpo._UnscoredRowsNote matches this text on the logger trl.trainer.grpo_trainer."""
    assert grpo_trainer.__name__ == "trl.trainer.grpo_trainer"
    assert 'f"All reward functions returned None for the following kwargs:' in TRAINER_SOURCE
    assert "logger.warning(" in TRAINER_SOURCE


def test_the_vllm_client_generate_takes_what_trl_r1_sends():
    """generation.VLLMServerBackend and benchmark_eval's server path call it with these keywords."""
    from trl.generation.vllm_client import VLLMClient

    params = inspect.signature(VLLMClient.generate).parameters
    for name in ("prompts", "n", "temperature", "top_p", "max_tokens", "logprobs", "generation_kwargs"):
        assert name in params, name
