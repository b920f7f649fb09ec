"""recipes/r1_stage3.py: sampling then SFT, read from the tiny YAML with command-line overrides."""

import json
from pathlib import Path

import pytest
from transformers import AutoTokenizer

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_stage3_recipe_samples_then_fine_tunes_the_base_model(tmp_path, tiny_model_dir):
    from trl import ModelConfig, SFTConfig, TrlParser

    from trl_r1.training.stage3 import Stage3Arguments, train_stage3

    parser = TrlParser((Stage3Arguments, SFTConfig, ModelConfig))
    stage, training, model = parser.parse_args_and_config(
        args=[
            "--config",
            str(REPO / "recipes" / "tiny" / "stage3.yaml"),
            "--output_dir",
            str(tmp_path / "stage3"),
            # a random model answers nothing correctly: keep every sample, this checks the plumbing
            "--sampling_model",
            tiny_model_dir,
            "--reward_thresholds=-inf",
            "--no_readability",
            "--no_drop_truncated",
            "--dataset_name",
            "synthetic://arithmetic?split=rl&layout=r1&n=8&seed=1",
            "--max_new_tokens",
            "8",
            "--max_steps",
            "2",
            "--logging_steps",
            "1",
        ]
    )
    assert stage.sampling_model == tiny_model_dir and stage.max_per_prompt == 2 and stage.sft_from == "base"
    assert model.model_name_or_path == "trl-r1/tiny-base?hidden_size=128"

    out = Path(train_stage3(stage, training, model))
    report = json.loads((out / "samples" / "report.json").read_text())
    assert (report["kept"], report["non_reasoning"]) == (8 * 2, round(16 / 3))  # 8 prompts x cap 2, mixed 3:1
    tokenizer = AutoTokenizer.from_pretrained(out)  # the base model got the reasoning tokens before SFT
    assert len(tokenizer.encode("<think>", add_special_tokens=False)) == 1
    assert (out / "model.safetensors").exists()


def test_stage3_refuses_to_fine_tune_on_nothing(tmp_path, tiny_model_dir):
    from trl import ModelConfig, SFTConfig

    from trl_r1.training.stage3 import Stage3Arguments, train_stage3

    stage = Stage3Arguments(
        sampling_model=tiny_model_dir,
        dataset_name="synthetic://arithmetic?split=rl&n=2",
        reward_funcs=["trl.rewards.accuracy_reward"],
        max_new_tokens=4,
        num_samples=2,
        sft_from="sampling_model",
    )
    training = SFTConfig(output_dir=str(tmp_path), use_cpu=True, bf16=False, report_to="none")
    with pytest.raises(ValueError, match="kept no rows"):
        train_stage3(stage, training, ModelConfig())
