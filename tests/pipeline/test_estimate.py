"""The --dry-run GPU memory estimate: its arithmetic, and that the one-GPU LoRA recipe fits by it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trl_r1.pipeline.estimate import GB, estimate_memory, lora_parameters, num_parameters, stage_estimate

# Qwen/Qwen2.5-1.5B's config.json values (public); its safetensors hold 1,543,714,304 parameters.
QWEN_1_5B = dict(
    model_type="qwen2",
    vocab_size=151936,
    hidden_size=1536,
    intermediate_size=8960,
    num_hidden_layers=28,
    num_attention_heads=12,
    num_key_value_heads=2,
    tie_word_embeddings=True,
)
ROOT = Path(__file__).resolve().parents[2]


def test_parameter_count_matches_the_published_qwen2_5_1_5b_size():
    assert num_parameters(QWEN_1_5B) == 1_543_714_304


def test_lora_parameters_are_rank_times_in_plus_out_of_each_targeted_linear():
    # per layer: q 1536+1536, k 1536+256, v 1536+256, o 1536+1536, gate/up 1536+8960, down 8960+1536
    per_layer = 16 * (3072 + 1792 + 1792 + 3072 + 3 * 10496)
    assert lora_parameters(QWEN_1_5B, r=16) == 28 * per_layer
    assert lora_parameters(QWEN_1_5B, r=16, target_modules=["q_proj", "v_proj"]) == 28 * 16 * (3072 + 1792)
    # tied embeddings: modules_to_save adds one shared vocab x hidden copy
    assert (
        lora_parameters(QWEN_1_5B, 16, modules_to_save=["embed_tokens", "lm_head"])
        == 28 * per_layer + 151936 * 1536
    )


def test_full_fine_tuning_keeps_weights_grads_and_adam_state_lora_only_adapters():
    args = {"dtype": "bfloat16", "per_device_train_batch_size": 1, "max_length": 1024}
    full = estimate_memory(QWEN_1_5B, "sft", args)
    params = num_parameters(QWEN_1_5B)
    assert (full.weights, full.gradients, full.optimizer) == (2 * params, 2 * params, 8 * params)
    lora = estimate_memory(QWEN_1_5B, "sft", args, lora={"r": 16})
    trainable = lora_parameters(QWEN_1_5B, 16)
    assert (
        lora.weights == full.weights and lora.optimizer == trainable * 12 and lora.gradients == trainable * 4
    )
    assert lora.activations == full.activations  # same tokens, same model


def test_activations_grow_with_the_configured_lengths_and_shrink_with_checkpointing():
    base = {"per_device_train_batch_size": 2, "max_length": 2048}
    short = estimate_memory(QWEN_1_5B, "sft", base).activations
    long = estimate_memory(QWEN_1_5B, "sft", {**base, "max_length": 4096}).activations
    assert long == pytest.approx(2 * short)
    assert (
        estimate_memory(QWEN_1_5B, "sft", {**base, "gradient_checkpointing": False}).activations > 2 * short
    )
    grpo = {"per_device_train_batch_size": 8, "max_prompt_length": 512, "max_completion_length": 512}
    assert estimate_memory(QWEN_1_5B, "grpo", grpo).activations == pytest.approx(2 * short)  # 8 x 1024 tokens


def test_zero3_shards_everything_over_the_processes_and_beta_adds_a_reference_copy():
    args = {"beta": 0.001, "per_device_train_batch_size": 1, "max_completion_length": 64}
    one = estimate_memory(QWEN_1_5B, "grpo", args)
    eight = estimate_memory(QWEN_1_5B, "grpo", args, num_processes=8, zero_stage=3)
    assert one.reference == one.weights
    assert eight.weights == one.weights / 8 and eight.optimizer == one.optimizer / 8
    assert estimate_memory(QWEN_1_5B, "grpo", args, lora={"r": 8}).reference == 0


def test_colocated_vllm_is_reported_as_its_share_of_the_gpu():
    args = {"use_vllm": True, "vllm_gpu_memory_utilization": 0.3}
    estimate = estimate_memory(QWEN_1_5B, "grpo", args, lora={"r": 8})
    assert estimate.vllm_share == 0.3 and "vLLM's 30% of the GPU" in estimate.describe()
    assert "estimate, not measured" in estimate.describe()


def test_the_one_gpu_lora_recipe_fits_24_gb_by_the_estimate():
    from trl_r1.pipeline.recipe import load_recipe

    recipe = load_recipe(ROOT / "recipes" / "pipelines" / "r1_lora.yaml")
    assert [s.kind for s in recipe.stages if s.kind in ("sft", "grpo")] == ["sft", "grpo", "sft", "grpo"]
    for stage in recipe.stages:
        estimate = stage_estimate(recipe, stage, config=QWEN_1_5B)
        usable = 24 * GB * (1 - estimate.vllm_share)
        assert estimate.total < usable, f"{stage.name}: {estimate.describe()}"
        if stage.kind in ("sft", "grpo"):
            assert stage.lora is not None and stage.num_processes == 1
