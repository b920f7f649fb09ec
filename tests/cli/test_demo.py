"""`trl-r1 demo`: end to end (shortened), the summary.json contract, and one-line CLI errors."""

import json
import os
import re
import subprocess
import sys

import pytest

from trl_r1.cli.demo import demo_recipe
from trl_r1.pipeline.recipe import parse_recipe


def _cli(*args, cwd=None, timeout=600, raw=False):
    """Run ``trl-r1 ARGS``; ``raw``: keep carriage returns (text mode turns a bar's redraws into lines)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "trl_r1.cli", *args], capture_output=True, timeout=timeout, cwd=cwd, env=env
    )
    decode = (
        (lambda b: b.decode("utf-8", "replace"))
        if raw
        else (lambda b: b.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n"))
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, decode(proc.stdout), decode(proc.stderr))


def test_demo_recipe_is_valid_and_runs_r1s_stages_with_eval_after_training():
    recipe = parse_recipe(demo_recipe(seed=3))
    kinds = [s.kind for s in recipe.stages]
    assert kinds == ["sft", "eval", "grpo", "eval", "sample", "sft", "eval", "grpo", "eval"]
    grpo = [s for s in recipe.stages if s.kind == "grpo"][0]
    assert {r.name for r in grpo.rewards} >= {"accuracy", "r1_zero_format"}  # rule rewards, as in R1
    # held-out evaluation data is the same split everywhere, and it is never trained on
    evals = {d for s in recipe.stages if s.kind == "eval" for d in s.datasets}
    assert len(evals) == 1 and "split=test" in evals.pop()
    assert all("split=test" not in d for s in recipe.stages if s.kind != "eval" for d in s.datasets)


def test_print_recipe_shows_the_demo_recipe_which_trl_r1_run_takes_as_a_file(tmp_path):
    import yaml

    from trl_r1.pipeline.recipe import load_recipe

    done = _cli("demo", "--print-recipe", "--output-dir", str(tmp_path / "never"), timeout=120)
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout) == demo_recipe(seed=0)
    assert not (tmp_path / "never").exists()  # printing runs nothing and creates nothing
    saved = tmp_path / "r1_tiny.yaml"
    saved.write_text(done.stdout)
    assert [s.name for s in load_recipe(saved).stages] == [
        s.name for s in parse_recipe(demo_recipe(seed=0)).stages
    ]


def _screen_lines(stdout: str) -> list[str]:
    """The lines a terminal keeps: each line's text after its last carriage return (progress-bar redraws)."""
    return [
        line.rpartition("\r")[2].rstrip() for line in stdout.split("\n") if line.rpartition("\r")[2].strip()
    ]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_shortened_demo_writes_the_summary_and_a_rerun_skips_finished_stages(tmp_path):
    out = tmp_path / "demo"
    proc = _cli("demo", "--quick", "--output-dir", str(out), "--seed", "1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert [r["kind"] for r in summary["stages"]] == [
        "sft",
        "eval",
        "grpo",
        "eval",
        "sample",
        "sft",
        "eval",
        "grpo",
        "eval",
    ]
    for row in summary["stages"]:
        assert isinstance(row["name"], str) and isinstance(row["seconds"], float)
        assert all(isinstance(v, float) for v in row["metrics"].values())
    assert set(summary["eval"]) == {"cold_start", "reasoning_rl", "sft_on_samples", "all_scenario_rl"}
    for ev in summary["eval"].values():
        assert 0.0 <= ev["pass@1"] <= 1.0 and ev["k"] == 2 and ev["n_problems"] == 8
    assert "| reasoning_rl | grpo |" in proc.stdout and "held-out pass@1" in proc.stdout
    assert "plumbing only" in proc.stdout and "MISSES" not in proc.stdout and "meets" not in proc.stdout
    again = _cli("demo", "--quick", "--output-dir", str(out), "--seed", "1")
    assert again.returncode == 0
    assert again.stdout.count("already complete, skipped") == 9


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_the_demo_screen_is_one_line_per_stage_and_the_noise_goes_to_each_stages_log(tmp_path):
    out = tmp_path / "demo"
    proc = _cli("demo", "--quick", "--output-dir", str(out), raw=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    screen = _screen_lines(proc.stdout) + _screen_lines(proc.stderr)
    assert len(screen) <= 40, "\n".join(screen)
    names = [s.name for s in parse_recipe(demo_recipe()).stages]
    for i, name in enumerate(names):  # announced once, finished with its work and time
        done = [line for line in screen if line.startswith(f"[{i + 1}/9] {name} (")]
        assert len(done) == 1 and " in " in done[0] and "elapsed" in done[0], screen
    assert "4 steps, 32 samples" in proc.stdout and "8 problems x 2 samples" in proc.stdout
    assert not re.search(r"\de[+-]\d", "\n".join(screen)), "numbers are written for people, never 6e+03"
    assert "{'loss'" not in proc.stdout + proc.stderr and "Warning" not in proc.stdout + proc.stderr
    log = (out / "reasoning_rl" / "stage.log").read_text()
    assert (
        "{'train_runtime'" in log and "Warning" in log
    )  # TRL's dicts and library warnings: in the stage's log
    assert (out / "pass_at_1.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "all_scenario_rl" / "dashboard.png").is_file()


def test_eval_scores_the_format_the_recipe_trains():
    from trl_r1.eval import evaluate
    from trl_r1.pipeline.runner import stage_args, trained_layout

    recipe = parse_recipe(demo_recipe())
    assert trained_layout(recipe) == "r1_zero"  # its GRPO stages use r1_zero_format, on plain prompts
    eval_stage = recipe.stage("eval_cold_start")
    assert stage_args(recipe, eval_stage, "runs/x")["layout"] == "r1_zero"
    with pytest.raises(ValueError, match="unknown layout 'zero'"):
        evaluate("trl-r1/tiny", "synthetic://arithmetic?n=2", layout="zero")


def test_eval_layout_r1_zero_scores_answer_tags_on_plain_prompts():
    from trl_r1.eval.evaluate import prompt_layout
    from trl_r1.rewards.format import r1_zero_format_score

    assert prompt_layout("47+38=") == "r1"  # what the prompt alone suggests, hence the recipe's choice
    assert r1_zero_format_score("<think>7+8=15 c1,4+3+1=8</think><answer>85</answer>") == 1.0


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
        (["demo", "--seed", "abc"], "invalid int value: 'abc'"),
        (["demo", "--output-dir", "/proc/trl_r1_cannot_write_here"], "not writable"),
        (["nope"], "unknown command 'nope'"),
    ],
)
def test_bad_cli_input_is_one_line_exit_2_no_traceback(args, message, tmp_path):
    proc = _cli(*args, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_output_dir_that_is_a_file_is_rejected_before_any_work(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    proc = _cli("demo", "--output-dir", str(f), timeout=120)
    assert proc.returncode == 2 and "is a file" in proc.stderr and "Traceback" not in proc.stderr


def test_numbers_are_written_for_people_and_the_work_done_does_not_depend_on_the_machine():
    from trl_r1.pipeline.progress import human, work_done

    assert [human(v) for v in (6000.0, 1360.0, 0.40234, 12.5, 1234.6)] == [
        "6,000",
        "1,360",
        "0.402",
        "12.5",
        "1,235",
    ]
    assert work_done("sample", {"generated": 6000.0, "kept": 1360.0}, {}) == "6,000 generated, 1,360 kept"
    assert (
        work_done("grpo", {"global_step": 250.0}, {"per_device_train_batch_size": 128})
        == "250 steps, 32,000 completions"
    )


def test_the_time_left_is_rescaled_by_how_fast_the_finished_stages_ran():
    import io

    from trl_r1.pipeline.progress import StageConsole

    console = StageConsole(io.StringIO(), bars=False)
    stages = [("a", "sft", {"max_steps": 100}), ("b", "sft", {"max_steps": 100})]
    console.plan(stages)
    prior = console.remaining(None, None) / 2  # each stage's prior estimate
    event = {"stage": "a", "kind": "sft", "index": 0, "total": 2}
    console({**event, "event": "start"})
    console({**event, "event": "done", "seconds": 3 * prior, "metrics": {"global_step": 100.0}})
    assert abs(console.remaining(None, None) - 3 * prior) < 1e-6  # this machine runs 3x slower than the prior
    assert "100 steps, 800 samples" in console.stream.getvalue()
