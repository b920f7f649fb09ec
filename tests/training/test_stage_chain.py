"""The README's four tiny stage-script commands, run in order from one directory, chain into R1's pipeline."""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest
from conftest import REPO_ROOT

# Shortened runs of the same commands: fewer steps; a few-step model answers nothing correctly, so stage 3
# keeps every sample (the full-length chain keeps only correct ones).
SHORTER = {
    "r1_stage1.py": ["--max_steps", "20"],
    "r1_stage2.py": ["--max_steps", "2", "--save_steps", "2"],
    "r1_stage3.py": ["--num_samples", "2", "--max_new_tokens", "32", "--max_steps", "2",
                     "--reward_thresholds=-inf", "--no_readability", "--no_drop_truncated"],
    "r1_stage4.py": ["--max_steps", "2", "--save_steps", "2", "--preference_last_steps", "1"],
}


def readme_stage_commands() -> list[list[str]]:
    """The commands of the README's code block that runs the tiny stage 4 (the chained-stages block)."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```bash\n(.*?)```", readme, re.S) if "recipes/tiny/stage4.yaml" in b)
    return [shlex.split(line.partition("#")[0]) for line in block.splitlines() if line.strip()]


def _weights(path):
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


def _cosine(a, b) -> float:
    import torch

    x, y = torch.cat([t.flatten().float() for t in a.values()]), torch.cat([t.flatten().float() for t in b.values()])
    return float(torch.nn.functional.cosine_similarity(x, y, dim=0))


def test_readme_shows_the_four_tiny_stage_commands_in_order():
    scripts = [c[1] for c in readme_stage_commands()]
    assert scripts == [f"recipes/r1_stage{i}.py" for i in range(1, 5)]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(1500)
def test_the_readme_stage_commands_chain_each_stage_reads_the_previous_output(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    for command in readme_stage_commands():
        assert command[0] == "python"
        argv = [sys.executable] + [str(REPO_ROOT / a) if a.startswith("recipes/") else a for a in command[1:]]
        argv += SHORTER[os.path.basename(command[1])]
        proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"{' '.join(command)}:\n{proc.stderr[-3000:]}"
    runs = tmp_path / "runs"
    assert sorted(p.name for p in runs.iterdir()) == ["tiny-stage1", "tiny-stage2", "tiny-stage3", "tiny-stage4"]
    stage1, stage2, stage3, stage4 = (_weights(runs / f"tiny-stage{i}") for i in range(1, 5))
    # stage 2 continued stage 1's model (2 GRPO steps move it a little); stage 4 continued stage 3's
    assert _cosine(stage1, stage2) > 0.99 and _cosine(stage3, stage4) > 0.99
    report = json.loads((runs / "tiny-stage3" / "samples" / "report.json").read_text())
    assert report["source_model"] == "runs/tiny-stage2" and report["kept"] > 0
