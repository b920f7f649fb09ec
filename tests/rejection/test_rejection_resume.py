"""Killing rejection sampling with SIGKILL midway and resuming gives exactly the rows of an
uninterrupted run with the same seed; `trl-r1 sample` honours its CLI contract."""

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

from datasets import load_from_disk

from trl_r1.cli import main as cli_main
from trl_r1.rejection import RejectionSamplingConfig, rejection_sample


class ParityReward:
    """Deterministic stand-in for correctness on random tiny-model text (crc32 parity); importable by
    the CLI subprocess as ``test_rejection_resume.parity_reward``."""

    __name__ = "parity_reward"

    def __call__(self, completions, **kwargs):
        return [float(zlib.crc32(json.dumps(c).encode()) % 2) for c in completions]


parity_reward = ParityReward()

DATASET = "synthetic://arithmetic?split=rl&n=24&layout=r1"
SETTINGS = dict(
    num_samples=3,
    max_new_tokens=24,
    shard_size=2,
    sampling_seed=5,
    max_per_prompt=2,
    readability=False,
    drop_truncated=False,
    non_reasoning_dataset="synthetic://non_reasoning?n=50",
)
NUM_SHARDS = 12


def _command(model: str, out: Path) -> list[str]:
    """The CLI contract: --model --dataset --num-samples --output-dir, plus options."""
    return [
        sys.executable,
        "-m",
        "trl_r1.cli",
        "sample",
        "--model",
        model,
        "--dataset",
        DATASET,
        "--num-samples",
        "3",
        "--output-dir",
        str(out),
        "--max-new-tokens",
        "24",
        "--shard-size",
        "2",
        "--seed",
        "5",
        "--max-per-prompt",
        "2",
        "--no-readability",
        "--no-drop-truncated",
        "--non-reasoning-dataset",
        "synthetic://non_reasoning?n=50",
        "--reward-funcs",
        "test_rejection_resume.parity_reward",
    ]


def _shards(out: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted((out / "shards").glob("shard-*.jsonl"))
    }


def test_sigkill_midway_then_resume_equals_an_uninterrupted_run(tmp_path, tiny_model_dir):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",  # 2 shared cores: no thread thrashing
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
        ),
    }
    out = tmp_path / "killed"
    with open(tmp_path / "killed.log", "wb") as log:
        proc = subprocess.Popen(_command(tiny_model_dir, out), env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        while len(_shards(out) if (out / "shards").is_dir() else {}) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no shard written within 120 s"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "killed.log").read_text()[-2000:]
    before = _shards(out)
    assert 2 <= len(before) < NUM_SHARDS, "the run finished before it could be killed midway"
    assert not (out / "report.json").exists()

    assert (
        cli_main(_command(tiny_model_dir, out)[3:]) == 0
    )  # resume in-process: the same CLI, one start-up less
    after = _shards(out)
    assert {name: after[name] for name in before} == before  # finished shards were not regenerated

    report = json.loads((out / "report.json").read_text())
    assert all(type(report[k]) is int for k in ("prompts", "generated", "kept"))
    assert isinstance(report["dropped"], dict) and report["dropped"]["per_prompt_cap"] > 0
    assert report["generated"] == 3 * 24 == report["kept"] + sum(report["dropped"].values())
    assert report["shards"]["resumed"] == len(before)

    clean = tmp_path / "clean"
    expected = rejection_sample(
        RejectionSamplingConfig(
            sampling_model=tiny_model_dir,
            dataset_name=DATASET,
            samples_dir=str(clean),
            reward_funcs=[parity_reward],
            **SETTINGS,
        ),
        progress=False,
    )
    assert [v for _, v in sorted(_shards(clean).items())] != []
    assert {k: v[1] for k, v in _shards(clean).items()} == {k: v[1] for k, v in after.items()}
    assert load_from_disk(str(out / "dataset")).to_list() == load_from_disk(str(clean / "dataset")).to_list()
    for key in ("prompts", "generated", "kept", "dropped", "non_reasoning", "pass_rate_histogram"):
        assert report[key] == expected[key], key
    assert expected["kept"] > 0 and expected["non_reasoning"] == round(expected["kept"] / 3)
