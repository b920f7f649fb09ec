"""The README's four tiny stage-script commands, run in order from one directory, chain into R1's pipeline."""

import json
import os
import re
import shlex
import subprocess
import sys
import time

import pytest
from testkit import REPO_ROOT


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

    x, y = (
        torch.cat([t.flatten().float() for t in a.values()]),
        torch.cat([t.flatten().float() for t in b.values()]),
    )
    return float(torch.nn.functional.cosine_similarity(x, y, dim=0))


def test_readme_shows_the_four_tiny_stage_commands_in_order():
    scripts = [c[1] for c in readme_stage_commands()]
    assert scripts == [f"recipes/r1_stage{i}.py" for i in range(1, 5)]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(3600)
def test_the_readme_stage_commands_chain_at_full_length(tmp_path):
    """The four commands exactly as the README shows them, nothing shortened (about 4 minutes on 2 quiet cores)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    seconds = {}
    for command in readme_stage_commands():
        assert command[0] == "python"
        argv = [sys.executable] + [str(REPO_ROOT / a) if a.startswith("recipes/") else a for a in command[1:]]
        start = time.monotonic()
        proc = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
        seconds[command[1]] = round(time.monotonic() - start)
        assert proc.returncode == 0, f"{' '.join(command)}:\n{proc.stderr[-3000:]}"
    print(f"stage seconds: {seconds}")  # a measurement for the README, not an assertion (pytest -s shows it)
    runs = tmp_path / "runs"
    assert sorted(p.name for p in runs.iterdir()) == [
        "tiny-stage1",
        "tiny-stage2",
        "tiny-stage3",
        "tiny-stage4",
    ]
    stage1, stage2, stage3, stage4 = (_weights(runs / f"tiny-stage{i}") for i in range(1, 5))
    # stage 2 continued stage 1's model; stage 4 continued stage 3's
    assert _cosine(stage1, stage2) > 0.99 and _cosine(stage3, stage4) > 0.99
    # stage 2 did not collapse: the run doctor found nothing and stage 3 samples its model mostly correct
    assert json.loads((runs / "tiny-stage2" / "doctor.json").read_text())["causes"] == []
    report = json.loads((runs / "tiny-stage3" / "samples" / "report.json").read_text())
    assert report["source_model"] == "runs/tiny-stage2" and report["generated"] == 4000
    assert report["rewards"]["accuracy_reward"]["mean"] > 0.5 and report["kept"] >= 500
    assert json.loads((runs / "tiny-stage4" / "doctor.json").read_text())["causes"] == []


@pytest.mark.parametrize(
    ("module", "config", "key", "missing"),
    [
        ("grpo", "stage4.yaml", "model_name_or_path", "runs/tiny-stage3"),
        ("stage3", "stage3.yaml", "sampling_model", "runs/tiny-stage2"),
        ("grpo", "stage2.yaml", "model_name_or_path", "runs/tiny-stage1"),
    ],
)
def test_a_stage_run_before_the_one_it_reads_names_the_missing_model_in_one_line(
    module, config, key, missing, tmp_path, monkeypatch, capsys
):
    import importlib

    stage = importlib.import_module(f"trl_r1.training.{module}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()  # the earlier stages' folder exists, the model this stage reads does not
    with pytest.raises(SystemExit) as info:
        stage.main(
            ["--config", str(REPO_ROOT / "recipes" / "tiny" / config), "--output_dir", str(tmp_path / "out")]
        )
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{key}: model directory '{missing}' does not exist" in err[0], err
    assert not (tmp_path / "out").exists()


def test_a_hub_id_that_is_not_cached_offline_is_named_and_a_tiny_alias_or_saved_model_is_not(
    tmp_path, tiny_model_dir
):
    from trl_r1.training.model_checks import model_problem

    assert model_problem("trl-r1/tiny-base?hidden_size=128") is None and model_problem(tiny_model_dir) is None
    assert "not in the local Hugging Face cache and the hub is off (HF_HUB_OFFLINE=1)" in model_problem(
        "nobody-trl-r1/no-such-model"
    )
    assert "no config.json" in model_problem(str(tmp_path))
