"""Two "nodes" on one machine: ``torchrun --nnodes 2 --nproc_per_node 1`` started twice with a
loopback rendezvous (127.0.0.1, static master address/port, gloo on CPU), exactly as a recipe's
``launcher: torchrun`` + ``launcher_args: [--nnodes, 2]`` launches a stage on each node of a
cluster, with the node rank and master address in torchrun's ``PET_*`` environment variables.

A GRPO stage must take the same optimizer steps on the same prompts as one process with the same
global batch, and a rejection-sampling stage must keep exactly the rows one process keeps.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from trl_r1.pipeline.recipe import parse_recipe
from trl_r1.pipeline.runner import launch_command, stage_args

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CPU = {
    "use_cpu": True,
    "bf16": False,
    "gradient_checkpointing": False,
    "report_to": "none",
    "seed": 0,
    "dataloader_num_workers": 0,
    "logging_steps": 1,
    "disable_tqdm": True,
    "save_strategy": "no",
}
PROMPTS = "synthetic://arithmetic?split=rl&layout=r1&n=32&seed=0"


try:  # the runner calls torchrun as `python -m torch.distributed.run`
    import torch.distributed.run  # noqa: F401
except ImportError:  # pragma: no cover
    pytest.skip("torch.distributed.run (torchrun) is not available", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(prompt_log: Path, **extra: str) -> dict:
    path = os.pathsep.join([str(HERE), str(REPO), os.environ.get("PYTHONPATH", "")])
    return {
        **os.environ,
        "PYTHONPATH": path,
        "TRL_R1_TEST_PROMPT_LOG": str(prompt_log),
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        **extra,
    }


def recipe(model: str, nodes: int) -> dict:
    """A GRPO stage and a rejection-sampling stage; on two nodes each is one torchrun process per node."""
    launch = {"launcher": "torchrun", "launcher_args": ["--nnodes", "2"]} if nodes == 2 else {}
    return {
        "model": model,
        "stages": [
            {
                "name": "reasoning_rl",
                "kind": "grpo",
                "dataset": PROMPTS,
                "rewards": ["accuracy", {"name": "two_node_support.prompt_log", "weight": 0.0}],
                **launch,
                "args": {
                    **CPU,
                    "max_steps": 2,
                    "per_device_train_batch_size": 8 // nodes,
                    "num_generations": 4,
                    "max_completion_length": 8,
                    "learning_rate": 1e-3,
                    "beta": 0.0,
                    "reflection_monitor": False,
                },
            },
            {
                "name": "rejection_sampling",
                "kind": "sample",
                "model": "base",
                "dataset": PROMPTS,
                "rewards": [{"name": "accuracy", "threshold": float("-inf")}],
                **launch,
                "args": {
                    "max_prompts": 6,
                    "num_samples": 2,
                    "max_new_tokens": 8,
                    "shard_size": 2,
                    "backend": "transformers",
                    "readability": False,
                    "drop_truncated": False,
                    "near_duplicate_threshold": None,
                    "dedupe": False,
                },
            },
        ],
    }


def run_stage(stage, parsed, out: Path, nodes: int, prompt_log: Path) -> None:
    config = out / f"{stage.name}.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(stage_args(parsed, stage, out)))
    if nodes == 1:
        cmd = [sys.executable, "-m", "trl_r1.pipeline.runner", "--kind", stage.kind, str(config)]
        subprocess.run(cmd, check=True, env=env(prompt_log), cwd=out, capture_output=True, timeout=500)
        return
    cmd = launch_command(stage, config)
    assert cmd[1:3] == ["-m", "torch.distributed.run"] and "--nnodes" in cmd and "--standalone" not in cmd
    port = str(free_port())
    procs = [
        subprocess.Popen(
            cmd,
            env=env(prompt_log, PET_NODE_RANK=str(rank), PET_MASTER_ADDR="127.0.0.1", PET_MASTER_PORT=port),
            cwd=out,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for rank in (0, 1)
    ]
    try:
        logs = [p.communicate(timeout=500)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, log in zip(procs, logs):
        assert p.returncode == 0, log[-3000:]


def prompts_by_step(path: Path) -> tuple[dict[int, list[str]], set[int]]:
    steps: dict[int, list[str]] = defaultdict(list)
    ranks = set()
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        steps[entry["step"]].extend(entry["prompts"])
        ranks.add(entry["rank"])
    return {s: sorted(p) for s, p in steps.items()}, ranks


def test_two_nodes_take_the_same_grpo_steps_and_sample_the_same_rows_as_one_process(tmp_path, tiny_model_dir):
    results = {}
    for nodes in (1, 2):
        out, log = tmp_path / f"nodes{nodes}", tmp_path / f"prompts{nodes}.jsonl"
        parsed = parse_recipe(recipe(tiny_model_dir, nodes))
        for stage in parsed.stages:
            run_stage(stage, parsed, out, nodes, log)
        steps, ranks = prompts_by_step(log)
        metrics = json.loads((out / "reasoning_rl" / "metrics.json").read_text())
        rows = json.loads((out / "rejection_sampling" / "report.json").read_text())
        from datasets import load_from_disk

        kept = load_from_disk(str(out / "rejection_sampling" / "dataset")).to_list()
        results[nodes] = {
            "steps": steps,
            "ranks": ranks,
            "global_step": metrics["global_step"],
            "kept": kept,
            "generated": rows["generated"],
        }

    one, two = results[1], results[2]
    assert two["ranks"] == {0, 1} and one["ranks"] == {0}  # two real processes on two "nodes"
    assert one["global_step"] == two["global_step"] == 2
    assert sorted(one["steps"]) == sorted(two["steps"]) == [0, 1]
    assert one["steps"] == two["steps"]  # each step trains on the same prompts, split over the nodes
    assert one["generated"] == two["generated"] == 12
    assert one["kept"] == two["kept"] and len(one["kept"]) == 12  # the same sampled rows, in the same order
