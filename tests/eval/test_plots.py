"""The PNG dashboard: each reward, response length, reflective words, language consistency over steps."""

import json

import numpy as np
import pytest

from trl_r1.cli import main
from trl_r1.eval.plots import dashboard_panels, load_log_history, plot_dashboard


def _history(steps=6):
    history = []
    for step in range(1, steps + 1):
        history.append(
            {
                "step": step,
                "loss": 0.1 / step,
                "reward": 0.2 * step,
                "rewards/accuracy_reward/mean": 0.1 * step,
                "rewards/think_summary_format_reward/mean": 0.15 * step,
                "rewards/reflection_monitor/mean": None,  # the monitor scores nothing
                "completions/mean_length": 100.0 + 20 * step,
                "completions/clipped_ratio": 0.5 / step,
                "reasoning/reflective_words_per_1k_tokens": 2.0 * step,
                "reasoning/response_length": 100.0 + 20 * step,
                "reasoning/language_consistency": 0.8 + 0.02 * step,
                "reasoning/language_mix_ratio": 0.3 - 0.04 * step,
            }
        )
        if step % 3 == 0:
            history.append({"step": step, "eval_rewards/accuracy_reward/mean": 0.05 * step})
    history.append({"step": steps, "train_runtime": 12.0, "train_loss": 0.05})
    return history


def _image(path):
    import matplotlib.image

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(path)


def test_dashboard_has_a_panel_per_reward_and_for_each_aha_moment_curve(tmp_path):
    titles = [p.title for p in dashboard_panels(_history())]
    assert titles == [
        "reward: accuracy_reward",
        "reward: think_summary_format_reward",
        "total reward (weighted)",
        "response length",
        "truncation rate",
        "reflective words",
        "language",
        "loss",
    ]
    image = _image(plot_dashboard(_history(), tmp_path / "d.png", title="run"))
    assert image.shape[0] > 300 and image.shape[1] > 300
    assert (np.asarray(image)[..., :3] < 0.5).mean() > 0.005  # curves and text were drawn, not a blank canvas


def test_sft_runs_get_a_loss_only_dashboard_and_empty_logs_are_an_error(tmp_path):
    assert [p.title for p in dashboard_panels([{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.5}])] == [
        "loss"
    ]
    with pytest.raises(ValueError, match="nothing|no rewards"):
        plot_dashboard([{"step": 1, "train_runtime": 3.0}], tmp_path / "x.png")


def test_plot_command_reads_the_newest_checkpoint_and_every_stage_of_a_pipeline_run(tmp_path, capsys):
    run = tmp_path / "grpo"
    for step, n in ((2, 2), (6, 6)):
        (run / f"checkpoint-{step}").mkdir(parents=True)
        (run / f"checkpoint-{step}" / "trainer_state.json").write_text(
            json.dumps({"log_history": _history(n)})
        )
    assert len(load_log_history(run)) == len(_history(6))  # the newest checkpoint
    assert main(["plot", str(run)]) == 0
    _image(run / "dashboard.png")
    sft = tmp_path / "sft"
    sft.mkdir()
    (sft / "trainer_state.json").write_text(json.dumps({"log_history": [{"step": 1, "loss": 1.0}]}))
    (tmp_path / "rejection_sampling").mkdir()  # a stage without a trainer state is skipped
    (run / "dashboard.png").unlink()
    assert main(["plot", str(tmp_path), "--smooth", "3"]) == 0
    assert (run / "dashboard.png").is_file() and (sft / "dashboard.png").is_file()
    assert str(run / "dashboard.png") in capsys.readouterr().out


def test_plot_command_without_a_trainer_state_is_a_one_line_error(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no trainer_state.json" in err and len(err.strip().splitlines()) == 1


def test_a_reward_window_opening_is_marked_where_the_preference_rewards_switch_on(tmp_path):
    from trl_r1.eval.plots import reward_switches

    history = [
        {
            "step": s,
            "reward": 1.0 if s <= 6 else 0.6,
            "rewards/accuracy_reward/mean": 0.9,
            "rewards/helpfulness/mean": float("nan") if s <= 6 else 0.1,
        }
        for s in range(1, 11)
    ]
    assert reward_switches(history) == [(7.0, "helpfulness on")]
    assert reward_switches(_history()) == []  # rewards logged from the first step: nothing switches
    assert _image(plot_dashboard(history, tmp_path / "d.png")).shape[0] > 100


def test_pass_at_1_plot_has_one_point_per_stage_and_refuses_no_evaluations(tmp_path):
    from trl_r1.eval.plots import plot_pass_at_1

    png = plot_pass_at_1(
        [("cold_start", 0.2, 0.03), ("reasoning_rl", 0.5, 0.04), ("sft", 0.45, None)], tmp_path / "p.png"
    )
    assert _image(png).shape[1] > 300
    with pytest.raises(ValueError, match="no evaluated stage"):
        plot_pass_at_1([], tmp_path / "q.png")


def test_plot_command_takes_the_run_dir_as_an_option_too_and_bad_smooth_is_one_line(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "trainer_state.json").write_text(json.dumps({"log_history": _history()}))
    assert main(["plot", "--run_dir", str(run), "--output", str(tmp_path / "x.png")]) == 0
    assert (tmp_path / "x.png").is_file()
    assert main(["plot", str(run), "--smooth", "0"]) == 2
    assert "--smooth must be a positive integer" in capsys.readouterr().err
