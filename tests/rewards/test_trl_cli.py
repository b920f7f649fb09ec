"""Our rewards are drop-in for TRL's own CLI: `trl grpo --reward_funcs trl_r1.rewards.<name>`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trl_r1.text.templates import r1_zero_prompt


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_trl_grpo_cli_trains_to_completion_with_our_rewards_by_dotted_path(tiny_model_dir, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with (data / "train.jsonl").open("w") as f:
        # LaTeX golds (not plain numbers), so the verifier worker pool runs inside TRL's process.
        for a, b in [(1, 2), (3, 4), (5, 6), (7, 8)]:
            f.write(
                json.dumps({"prompt": r1_zero_prompt(f"{a}/{b}"), "solution": f"\\sqrt{{{a}/{b}}}"}) + "\n"
            )
    trl = Path(sys.executable).with_name("trl")
    cmd = [
        str(trl), "grpo",
        "--model_name_or_path", tiny_model_dir,
        "--dataset_name", str(data),
        "--reward_funcs", "trl_r1.rewards.accuracy_reward", "trl_r1.rewards.r1_zero_format_reward",
        "--output_dir", str(tmp_path / "out"),
        "--max_steps", "2", "--per_device_train_batch_size", "4", "--num_generations", "4",
        "--max_completion_length", "8", "--logging_steps", "1",
        "--use_cpu", "--bf16", "false", "--gradient_checkpointing", "false",
        "--report_to", "none", "--save_strategy", "no", "--disable_tqdm", "true",
    ]  # fmt: skip
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    assert "Training completed" in log
    assert "rewards/accuracy_reward/mean" in log and "rewards/r1_zero_format_reward/mean" in log
    assert "'accuracy_reward/failures': '0'" in log  # log_metric reached TRL's logs; the pool ran fine
