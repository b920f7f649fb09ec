"""The multi-stage runner: the tiny R1 recipe end to end, resume after SIGKILL, two processes,
LoRA through stages, and recipe files that are wrong."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pipeline_support import read_step_log
from testkit import REPO_ROOT

from trl_r1.cli.demo import RECIPE as DEMO_RECIPE
from trl_r1.pipeline import load_recipe, parse_recipe, run_recipe
from trl_r1.pipeline.output_dir import MARKER, SUMMARY

TRL_R1 = str(Path(sys.executable).with_name("trl-r1"))
TINY = "trl-r1/tiny?hidden_size=64"
CPU = {
    "use_cpu": True,
    "bf16": False,
    "gradient_checkpointing": False,
    "report_to": "none",
    "seed": 0,
    "dataloader_num_workers": 0,
    "logging_steps": 1,
    "disable_tqdm": True,
}
SFT_DATA = "synthetic://arithmetic?split=sft&layout=r1&n=64&seed=0"
RL_DATA = "synthetic://arithmetic?split=rl&layout=r1&n=64&seed=0"
GRPO_ARGS = {
    "per_device_train_batch_size": 4,
    "num_generations": 4,
    "max_completion_length": 16,
    "learning_rate": 1e-3,
    "beta": 0.0,
    "reflection_monitor": False,
}


def two_stage_recipe(
    grpo_steps: int = 2, grpo_extra: dict | None = None, lora: bool = False, **grpo_stage
) -> dict:
    """Cold-start SFT then reasoning GRPO on the tiny model, a few steps each."""
    return {
        "name": "two-stage",
        "model": TINY,
        "defaults": CPU,
        "stages": [
            {
                "name": "cold_start",
                "kind": "sft",
                "dataset": SFT_DATA,
                "lora": lora,
                "args": {
                    "max_steps": 2,
                    "per_device_train_batch_size": 4,
                    "learning_rate": 1e-3,
                    "save_strategy": "no",
                    "language": "en",
                    "max_length": 256,
                },
            },
            {
                "name": "reasoning_rl",
                "kind": "grpo",
                "dataset": RL_DATA,
                "lora": lora,
                "rewards": [
                    "accuracy",
                    {"name": "think_summary_format", "weight": 0.5},
                    {"name": "pipeline_support.step_log", "weight": 0.0},
                ],
                "args": {
                    **GRPO_ARGS,
                    "max_steps": grpo_steps,
                    "save_strategy": "steps",
                    "save_steps": 1,
                    **(grpo_extra or {}),
                },
                **grpo_stage,
            },
        ],
    }


@pytest.fixture
def step_log(tmp_path, monkeypatch):
    path = tmp_path / "steps.jsonl"
    monkeypatch.setenv("TRL_R1_TEST_STEP_LOG", str(path))
    tests_dir = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([tests_dir, os.environ.get("PYTHONPATH", "")]))
    return path


def shrink(recipe, steps: int = 1) -> None:
    """Cut a shipped recipe to test size: a few steps, short completions, few samples."""
    for stage in recipe.stages:
        if stage.kind in ("sft", "grpo"):
            stage.args.update(max_steps=steps, save_steps=1, logging_steps=1, disable_tqdm=True)
        if stage.kind == "grpo":
            stage.args.update(max_completion_length=16, per_device_train_batch_size=4, num_generations=4)
        if stage.kind == "sample":
            # an untrained model rarely answers right: keep every sample so the next SFT has data
            stage.args.update(
                max_prompts=2, num_samples=2, max_new_tokens=16, drop_truncated=False, readability=False
            )
            for reward in stage.rewards:
                reward.threshold = -math.inf
        if stage.kind == "eval":
            stage.args.update(limit=2, max_new_tokens=16, k=2)


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_tiny_r1_recipe_runs_every_stage_then_a_rerun_skips_them(tmp_path):
    recipe = load_recipe(DEMO_RECIPE)
    shrink(recipe)
    events = []
    summary = run_recipe(recipe, tmp_path, progress=events.append)

    written = json.loads((tmp_path / SUMMARY).read_text())
    assert written == summary
    assert [row["name"] for row in summary["stages"]] == recipe.names()
    assert {"sft", "grpo", "sample"} <= {row["kind"] for row in summary["stages"]}
    for row in summary["stages"]:
        assert set(row) == {"name", "kind", "seconds", "metrics"} and row["seconds"] > 0
        assert all(isinstance(v, float) for v in row["metrics"].values())
    for entry in summary["eval"].values():
        assert (
            set(entry) == {"pass@1", "k", "n_problems", "stderr"}
            and 0.0 <= entry["pass@1"] <= 1.0
            and entry["stderr"] >= 0
        )
    # every training stage saved a loadable model + tokenizer for the next one
    for stage in recipe.stages:
        if stage.kind in ("sft", "grpo"):
            assert (tmp_path / stage.name / "config.json").is_file()
            assert (tmp_path / stage.name / "tokenizer_config.json").is_file()
    stage4 = recipe.stage("all_scenario_rl")
    assert json.loads((tmp_path / "all_scenario_rl" / "metrics.json").read_text())["global_step"] == 1
    assert stage4.args["reward_routing"] is True

    markers = {s.name: (tmp_path / s.name / MARKER).stat().st_mtime_ns for s in recipe.stages}
    events.clear()
    start = time.time()
    again = run_recipe(recipe, tmp_path, progress=events.append)
    assert time.time() - start < 30
    assert {e["event"] for e in events} == {"skip"}
    assert again == summary
    assert markers == {s.name: (tmp_path / s.name / MARKER).stat().st_mtime_ns for s in recipe.stages}


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(300)  # subprocesses: a hang must fail the test, not the CI job
def test_a_stage_killed_mid_training_resumes_from_its_checkpoint_and_finished_stages_are_not_rerun(
    tmp_path, step_log
):
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(two_stage_recipe(grpo_steps=4)))
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [TRL_R1, "run", str(recipe_path), "--output-dir", str(out)],
        env={**os.environ, "TRL_R1_TEST_STALL_AT": "2"},  # stalls after checkpoint-2
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 240
        while not (out / "reasoning_rl" / "checkpoint-2" / "trainer_state.json").exists():
            assert proc.poll() is None, "the run ended before stage 2 saved a checkpoint"
            assert time.time() < deadline, "no stage-2 checkpoint within 240 s"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert (out / "cold_start" / MARKER).is_file() and not (out / "reasoning_rl" / MARKER).exists()
    cold_start_marker = (out / "cold_start" / MARKER).read_bytes()
    killed_at = max(
        int(p.name.split("-")[1])
        for p in (out / "reasoning_rl").glob("checkpoint-*")
        if (p / "trainer_state.json").exists()
    )
    assert killed_at == 2
    first_run = read_step_log(step_log)
    step_log.unlink()

    summary = run_recipe(recipe_path, out)

    assert (out / "cold_start" / MARKER).read_bytes() == cold_start_marker  # stage 1 not rerun
    rerun_steps = sorted({e["step"] for e in read_step_log(step_log)})
    assert rerun_steps[0] == killed_at >= 2  # the global step continues from the checkpoint...
    assert rerun_steps == list(range(killed_at, 4))  # ...and only the missing steps are trained
    assert {e["step"] for e in first_run} >= set(range(killed_at))
    metrics = summary["stages"][1]["metrics"]
    assert metrics["global_step"] == 4 and metrics["resumed_from_step"] == killed_at


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(300)  # subprocesses: a hang must fail the test, not the CI job
def test_a_grpo_stage_runs_in_two_processes_on_cpu_and_takes_the_expected_steps(tmp_path, step_log):
    data = two_stage_recipe(grpo_steps=2, num_processes=2, launcher="torchrun")
    data["stages"] = data["stages"][1:]  # GRPO straight from the base model
    summary = run_recipe(parse_recipe(data), tmp_path)

    calls = read_step_log(step_log)
    assert {e["rank"] for e in calls} == {0, 1}  # two real processes, not one
    for rank in (0, 1):
        assert sorted(e["step"] for e in calls if e["rank"] == rank) == [0, 1]  # one generation per step
    assert summary["stages"][0]["metrics"]["global_step"] == 2


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_lora_runs_through_stages_and_each_stage_hands_merged_full_weights_to_the_next(tmp_path):
    from safetensors.torch import load_file

    summary = run_recipe(parse_recipe(two_stage_recipe(grpo_steps=1, lora=True)), tmp_path)

    assert [row["kind"] for row in summary["stages"]] == ["sft", "grpo"]
    base = load_file(str(Path(load_recipe_model()) / "model.safetensors"))
    for stage in ("cold_start", "reasoning_rl"):
        d = tmp_path / stage
        assert not (d / "adapter_config.json").exists()  # merged: the next stage loads one path
        weights = load_file(str(d / "model.safetensors"))
        assert not any("lora" in k for k in weights)
        assert set(base) == set(weights)
    stage2 = yaml.safe_load((tmp_path / "reasoning_rl" / "stage_config.yaml").read_text())
    assert stage2["use_peft"] is True and stage2["model_name_or_path"] == str(tmp_path / "cold_start")
    changed = [
        k
        for k, v in load_file(str(tmp_path / "cold_start" / "model.safetensors")).items()
        if not v.equal(base[k])
    ]
    assert any("proj" in k for k in changed)  # the LoRA update was merged into the linear layers


def test_only_needs_finished_inputs_and_a_changed_finished_stage_is_not_silently_reused(tmp_path):
    from trl_r1._runtime import write_atomic
    from trl_r1.pipeline import RecipeError

    recipe = parse_recipe(two_stage_recipe())
    with pytest.raises(RecipeError, match="reads stage 'cold_start', which is not complete"):
        run_recipe(recipe, tmp_path, only=["reasoning_rl"])
    assert not (tmp_path / "reasoning_rl").exists()  # refused before any work

    stage = recipe.stage("cold_start")  # pretend stage 1 finished earlier with these settings
    (tmp_path / "cold_start").mkdir()
    write_atomic(
        tmp_path / "cold_start" / MARKER,
        json.dumps(
            {
                "fingerprint": stage.fingerprint(),
                "spec": stage.fingerprint_data(),
                "seconds": 1.5,
                "metrics": {"train_loss": 0.5},
            }
        ),
    )
    summary = run_recipe(recipe, tmp_path, only=["cold_start"])
    assert summary["stages"] == [
        {"name": "cold_start", "kind": "sft", "seconds": 1.5, "metrics": {"train_loss": 0.5}}
    ]

    with pytest.raises(RecipeError, match="reads stage 'cold_start', which is not complete"):
        run_recipe(recipe, tmp_path, only=["reasoning_rl"], from_stage="cold_start")  # --from would delete it
    assert (tmp_path / "cold_start" / MARKER).is_file()  # ...so nothing was deleted

    stage.args["learning_rate"] = 5e-4
    with pytest.raises(
        RecipeError,
        match=r"completed with other settings \(changed: args.learning_rate\); "
        r"rerun it with --from cold_start",
    ):
        run_recipe(recipe, tmp_path)


def load_recipe_model() -> str:
    from trl_r1.models.resolve import resolve_model

    return resolve_model(TINY)


# ---------------------------------------------------------------------------------------------
# Invalid recipes: one clear line naming the key and what is allowed, before any work
# ---------------------------------------------------------------------------------------------

GOOD_STAGE = {"name": "rl", "kind": "grpo", "dataset": RL_DATA, "rewards": ["accuracy"]}


def recipe_with(**stage) -> dict:
    return {"model": TINY, "stages": [{**GOOD_STAGE, **stage}]}


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        (recipe_with(rewards=["acc"]), r"stages\[0\]\.rewards\[0\]: unknown reward 'acc'; known: accuracy"),
        (recipe_with(kind="ppo"), r"stages\[0\]\.kind: must be one of sft, grpo, sample, eval, got 'ppo'"),
        (recipe_with(model="stage:cold"), r"stages\[0\]\.model: 'stage:cold' must name an earlier stage"),
        (
            recipe_with(args={"learning_rat": 1e-5}),
            r"stages\[0\]\.args\.learning_rat: not an argument of grpo "
            r"stages; close: learning_rate",
        ),
        (
            recipe_with(args={"output_dir": "x"}),
            r"stages\[0\]\.args\.output_dir: set from the stage directory",
        ),
        (
            recipe_with(rewards=[{"name": "helpfulness"}]),
            r"rewards\[0\]: reward 'helpfulness' is a reward model "
            r"and needs a model path",
        ),
        (recipe_with(rewards=[{"name": "accuracy", "wieght": 2}]), r"rewards\[0\]\.wieght: unknown key"),
        (recipe_with(lora={"rank": 8}), r"stages\[0\]\.lora\.rank: unknown key; allowed: r, alpha"),
        (recipe_with(num_processes=0), r"stages\[0\]\.num_processes: a positive integer is required"),
        (
            recipe_with(accelerate_config="zero9"),
            r"accelerate_config: 'zero9' does not exist; .* zero2, zero3",
        ),
        (recipe_with(launcher="inprocess", num_processes=2), r"launcher: 'inprocess' runs one process"),
        (recipe_with(rewards=[]), r"stages\[0\]\.rewards: a non-empty list is required"),
        (recipe_with(datset="x"), r"stages\[0\]\.datset: unknown key \(did you mean 'dataset'\?\)"),
        (
            {"model": TINY, "stages": [GOOD_STAGE, GOOD_STAGE]},
            r"stages\[1\]\.name: duplicate stage name 'rl'",
        ),
        ({"model": TINY, "stages": []}, r"stages: a non-empty list of stages is required"),
        ({"stages": [GOOD_STAGE]}, r"stages\[0\]\.model: no model to start from"),
        (
            {"model": TINY, "defaults": {"num_generation": 4}, "stages": [GOOD_STAGE]},
            r"defaults\.num_generation: not an argument of any sft or grpo stage",
        ),
        (
            {
                "model": TINY,
                "stages": [
                    {"name": "s", "kind": "sample", "dataset": RL_DATA},
                    {**GOOD_STAGE, "model": "stage:s"},
                ],
            },
            r"stages\[1\]\.model: stage 's' is a sample stage and saves no model",
        ),
    ],
)
def test_invalid_recipes_name_the_offending_key_and_what_is_allowed(recipe, message):
    from trl_r1.pipeline import RecipeError

    with pytest.raises(RecipeError, match=message):
        parse_recipe(recipe, source="r.yaml")


def test_trl_r1_run_reports_a_bad_recipe_in_one_line_with_exit_code_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(recipe_with(rewards=["acc"])))
    result = subprocess.run(
        [TRL_R1, "run", str(bad), "--output-dir", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"trl-r1 run: error: {bad}: stages[0].rewards[0]: unknown reward 'acc'; known: "
        + result.stderr.split("known: ")[1].strip()
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o" / "rl").exists()


def test_shipped_recipes_are_valid():
    for path in [DEMO_RECIPE, *sorted((REPO_ROOT / "recipes").rglob("*.yaml"))]:
        data = yaml.safe_load(path.read_text())
        if isinstance(data, dict) and "stages" in data:
            recipe = load_recipe(path)
            assert recipe.stages, path
            # the copy the runner writes to OUTPUT_DIR/recipe.yaml describes the same stages
            again = parse_recipe(yaml.safe_load(yaml.safe_dump(recipe.to_dict())))
            assert [s.fingerprint() for s in again.stages] == [s.fingerprint() for s in recipe.stages], path


def test_each_recipe_folder_holds_one_yaml_dialect():
    """recipes/pipelines/ holds `trl-r1 run` recipes, recipes/experiments/ experiment configs, and
    recipes/<model>/<stage>.yaml the stage scripts' flat configs."""
    for path in sorted((REPO_ROOT / "recipes").rglob("*.yaml")):
        folder = path.relative_to(REPO_ROOT / "recipes").parts[0]
        is_pipeline = "stages" in yaml.safe_load(path.read_text())
        assert is_pipeline == (folder == "pipelines"), path


def test_stage_script_configs_use_only_arguments_the_stage_scripts_accept():
    from trl_r1.pipeline.stages import KINDS

    grpo_keys = KINDS["grpo"].argument_names()
    configs = [
        p
        for p in sorted((REPO_ROOT / "recipes").rglob("*.yaml"))
        if "stages" not in yaml.safe_load(p.read_text())
    ]
    grpo_configs = [p for p in configs if p.name in ("stage2.yaml", "stage4.yaml", "r1_zero.yaml")]
    assert len(grpo_configs) >= 6  # tiny + real, for recipes/r1_stage2.py, r1_stage4.py and r1_zero.py
    for path in grpo_configs:
        unknown = set(yaml.safe_load(path.read_text())) - grpo_keys
        assert not unknown, f"{path}: {sorted(unknown)}"
