"""What a new user meets in the first hour: a dry run that leaves no trace, `trl-r1 run --data-dir`, the model
name `trl-r1 eval` records, the demo's closing line, and `trl-r1 plot` on a run that logged too little."""

import json

from testkit import BENCHMARKS_DIR, REPO_ROOT

from trl_r1.cli import main


def test_a_dry_run_creates_no_directory(tmp_path, capsys):
    out = tmp_path / "not" / "yet"
    assert (
        main(
            [
                "run",
                str(REPO_ROOT / "trl_r1" / "cli" / "demo_recipe.yaml"),
                "--dry-run",
                "--output-dir",
                str(out),
            ]
        )
        == 0
    )
    assert "reasoning_rl" in capsys.readouterr().out and not (tmp_path / "not").exists()


def test_a_dry_run_still_refuses_an_output_dir_that_cannot_be_made(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(
        [
            "run",
            str(REPO_ROOT / "trl_r1" / "cli" / "demo_recipe.yaml"),
            "--dry-run",
            "--output-dir",
            str(blocker / "out"),
        ]
    )
    assert code == 2 and "cannot be created" in capsys.readouterr().err


def test_run_data_dir_finds_the_recipes_benchmark_files_where_the_environment_has_none(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("TRL_R1_BENCHMARKS_DIR", str(tmp_path / "nowhere"))
    recipe = str(REPO_ROOT / "recipes" / "pipelines" / "r1.yaml")
    out = str(tmp_path / "out")
    assert main(["run", recipe, "--dry-run", "--output-dir", out]) == 2
    assert "math500.jsonl, not found" in capsys.readouterr().err  # the recipe's eval_benchmark: math500
    main(["run", recipe, "--dry-run", "--output-dir", out, "--data-dir", str(BENCHMARKS_DIR)])
    captured = capsys.readouterr()
    assert "math500" not in captured.err  # what is left is data the user brings and GPU extras
    assert "reasoning_rl" in captured.out and "all_scenario_rl" in captured.out  # the table is printed
    assert main(["run", recipe, "--dry-run", "--data-dir", str(tmp_path / "missing")]) == 2
    assert "--data-dir" in capsys.readouterr().err


def test_eval_records_the_model_name_the_user_gave_not_its_cache_path(tmp_path, capsys):
    out = tmp_path / "out"
    model = "trl-r1/tiny?hidden_size=32"
    code = main(
        [
            "eval",
            "--model",
            model,
            "--benchmark",
            "synthetic://arithmetic?split=test&n=2",
            "--k",
            "1",
            "--temperature",
            "0",
            "--max-new-tokens",
            "4",
            "--output-dir",
            str(out),
        ]
    )
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    assert results["model"] == model and results["config"]["model"] == model
    assert f"| {model} |" in capsys.readouterr().out


def test_the_quick_demo_gives_no_verdict_on_the_target_and_the_full_demo_does():
    from trl_r1.cli.demo import gain_line

    quick = gain_line(0.0, 0.0, quick=True)
    assert "plumbing only" in quick and "MISSES" not in quick and "meets" not in quick
    assert "MISSES the 0.15 target" in gain_line(0.40, 0.50)
    assert "meets the 0.15 target" in gain_line(0.40, 0.60)


def _state(run, history, global_step=2, logging_steps=10):
    run.mkdir(parents=True)
    (run / "trainer_state.json").write_text(
        json.dumps({"log_history": history, "global_step": global_step, "logging_steps": logging_steps})
    )


def test_plot_of_a_run_that_stopped_before_its_first_log_says_how_to_log_more(tmp_path, capsys):
    run = tmp_path / "trl-grpo" / "checkpoint-2"  # what `trl grpo --max_steps 2` leaves (logging_steps 10)
    _state(run, [])
    assert main(["plot", str(tmp_path / "trl-grpo")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "stopped at step 2" in err and "--logging_steps 1" in err


def test_plot_draws_a_two_step_run_logged_every_step(tmp_path, capsys):
    rows = [
        {
            "step": s,
            "loss": 0.0,
            "reward": 0.1 * s,
            "rewards/accuracy_reward/mean": 0.1 * s,
            "completions/mean_length": 24.0 + s,
        }
        for s in (1, 2)
    ]
    _state(tmp_path / "run", rows, logging_steps=1)
    assert main(["plot", str(tmp_path / "run")]) == 0
    assert (tmp_path / "run" / "dashboard.png").read_bytes()[:4] == b"\x89PNG"
