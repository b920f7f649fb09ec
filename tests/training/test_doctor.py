"""The run doctor names each known GRPO failure from its metric signature, once, with the fix."""

import json
import logging
import math

import pytest
from transformers import TrainerControl, TrainerState

from trl_r1.training import RunDoctor
from trl_r1.training.doctor_report import CAUSES, DOCTOR_FILE, FIXES, doctor_verdict, read_doctor

HEALTHY = {
    "loss": 0.01,
    "grad_norm": 0.5,
    "reward": 0.6,
    "reward_std": 0.3,
    "frac_reward_zero_std": 0.2,
    "completions/clipped_ratio": 0.05,
    "rewards/accuracy_reward/mean": 0.5,
    "rewards/r1_zero_format_reward/mean": 0.8,
    "entropy": 0.9,
    "kl": 0.01,
    "clip_ratio/region_mean": 0.01,
}


def feed(doctor, stream, start=10, every=10):
    """Feed the doctor one log entry per logging step, as the Trainer does."""
    state, control = TrainerState(), TrainerControl()
    state.is_world_process_zero = True
    for i, entry in enumerate(stream):
        state.global_step = start + i * every
        doctor.on_log(None, state, control, logs=dict(entry))
    return control


def stream_of(n, **changes):
    return [{**HEALTHY, **changes} for _ in range(n)]


def warnings_of(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "run doctor [" in r.getMessage()
    ]


# cause id -> a synthetic stream that shows it (3 logging steps; patience 3), and a text the message must hold
SIGNATURES = {
    "no_signal": (stream_of(3, frac_reward_zero_std=0.97, reward=0.0), "frac_reward_zero_std is 0.97"),
    "truncation": (stream_of(3, **{"completions/clipped_ratio": 0.6}), "completions/clipped_ratio is 0.60"),
    "format_zero": (
        stream_of(3, **{"rewards/r1_zero_format_reward/mean": 0.0, "rewards/accuracy_reward/mean": 0.4}),
        "r1_zero_format_reward is 0 while accuracy_reward is 0.4",
    ),
    "rewards_none": (stream_of(3, **{"doctor/unscored_rows": 0.8}), "80% of the rows got None"),
    "entropy_collapse": ([{**HEALTHY, "entropy": 0.9}] + stream_of(3, entropy=0.01), "entropy is 0.01"),
    "divergence": (stream_of(3, kl=7.5), "kl is 7.5"),
    "nan": ([{**HEALTHY, "loss": float("nan")}], "loss is nan"),
    "slow_reward": (stream_of(3, **{"doctor/reward_time_share": 0.8}), "80% of the step time"),
    "reward_hacking": (
        [
            {**HEALTHY, "rewards/r1_zero_format_reward/mean": f, "rewards/accuracy_reward/mean": a}
            for f, a in [(0.3, 0.6), (0.4, 0.55), (0.5, 0.5), (0.6, 0.45), (0.7, 0.4)]
        ],
        "r1_zero_format_reward rose by +0.2 while accuracy_reward fell by -0.1",
    ),
}


def test_every_cause_has_a_signature_test_and_a_fix():
    assert set(SIGNATURES) == set(CAUSES) == set(FIXES)


@pytest.mark.parametrize("cause", sorted(SIGNATURES))
def test_a_signature_held_for_patience_steps_raises_its_cause_once_with_the_fix(cause, tmp_path, caplog):
    stream, text = SIGNATURES[cause]
    doctor = RunDoctor(patience=3, output_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="trl_r1.training.doctor"):
        feed(doctor, stream + stream[-1:] * 3)  # the signature keeps holding: still one warning
    said = warnings_of(caplog)
    assert [c.id for c in doctor.causes] == [cause]
    assert len(said) == 1 and f"[{cause}]" in said[0] and text in said[0]
    assert f"Fix: {FIXES[cause]}" in said[0]
    report = json.loads((tmp_path / DOCTOR_FILE).read_text())
    assert set(report) == {"causes", "checked_steps"}
    (entry,) = report["causes"]
    assert (
        set(entry) == {"id", "step", "message", "fix"}
        and entry["id"] == cause
        and entry["fix"] == FIXES[cause]
    )
    assert isinstance(entry["step"], int) and text in entry["message"]


def test_a_signature_shorter_than_patience_is_not_reported(tmp_path):
    doctor = RunDoctor(patience=3, output_dir=tmp_path)
    # two truncated logging steps, a healthy one, two more: never three in a row
    feed(
        doctor,
        stream_of(2, **{"completions/clipped_ratio": 0.6})
        + stream_of(1)
        + stream_of(2, **{"completions/clipped_ratio": 0.6}),
    )
    assert doctor.causes == []


def test_a_healthy_run_reports_no_problems_and_counts_its_checked_steps(tmp_path):
    doctor = RunDoctor(output_dir=tmp_path)
    feed(doctor, stream_of(20))
    doctor.on_train_end(None, TrainerState(), TrainerControl())
    assert read_doctor(tmp_path) == {"causes": [], "checked_steps": 20}
    assert doctor_verdict(read_doctor(tmp_path)) == "no problems found"


def test_the_cause_is_recorded_at_the_step_where_it_was_raised(tmp_path):
    doctor = RunDoctor(patience=2, output_dir=tmp_path)
    feed(doctor, stream_of(3) + stream_of(2, **{"completions/clipped_ratio": 0.5}), start=10, every=10)
    assert [(c.id, c.step) for c in doctor.causes] == [("truncation", 50)]
    assert "since step 40" in doctor.causes[0].message


def test_the_monitors_truncation_rate_is_read_when_trl_logs_no_clipped_ratio():
    doctor = RunDoctor(patience=2, output_dir=None)
    entry = {k: v for k, v in HEALTHY.items() if k != "completions/clipped_ratio"}
    feed(doctor, [{**entry, "reasoning/truncation_rate": 0.9}] * 2)
    assert [c.id for c in doctor.causes] == ["truncation"]


def test_format_reward_zero_with_accuracy_zero_too_is_not_a_format_problem():
    doctor = RunDoctor(patience=2, output_dir=None)
    feed(
        doctor,
        stream_of(4, **{"rewards/r1_zero_format_reward/mean": 0.0, "rewards/accuracy_reward/mean": 0.0}),
    )
    assert "format_zero" not in [c.id for c in doctor.causes]


def test_every_reward_mean_missing_means_no_row_was_scored():
    doctor = RunDoctor(patience=2, output_dir=None)
    # GRPOTrainer logs None for a metric whose every value was NaN (all rows None)
    feed(
        doctor,
        stream_of(2, **{"rewards/accuracy_reward/mean": None, "rewards/r1_zero_format_reward/mean": None}),
    )
    assert [c.id for c in doctor.causes] == ["rewards_none"]


def test_inf_grad_norm_is_a_nan_cause_at_the_first_step():
    doctor = RunDoctor(patience=5, output_dir=None)
    feed(doctor, [{**HEALTHY, "grad_norm": math.inf}])
    assert [c.id for c in doctor.causes] == ["nan"] and "grad_norm is inf" in doctor.causes[0].message


def test_clip_ratio_exploding_is_divergence():
    doctor = RunDoctor(patience=2, output_dir=None)
    feed(doctor, stream_of(2, **{"clip_ratio/region_mean": 0.6}))
    assert [c.id for c in doctor.causes] == ["divergence"] and "clip_ratio/region_mean" in doctor.causes[
        0
    ].message


def test_benchmark_pass1_falling_while_reward_rises_is_reward_hacking(caplog):
    doctor = RunDoctor(patience=3, output_dir=None)
    stream = []
    for reward, pass1 in [(0.3, 0.40), (0.5, 0.35), (0.7, 0.30), (0.9, 0.22)]:
        stream += [
            {**HEALTHY, "reward": reward},
            {"bench/math500/pass@1": pass1, "bench/math500/cons@4": pass1},
        ]
    with caplog.at_level(logging.WARNING, logger="trl_r1.training.doctor"):
        feed(doctor, stream)
    assert [c.id for c in doctor.causes] == ["reward_hacking"]
    assert "bench/math500/pass@1 fell 0.400 -> 0.300" in doctor.causes[0].message
    assert FIXES["reward_hacking"] in warnings_of(caplog)[0]
    assert doctor.checked_steps == 4  # benchmark entries are not training steps


def test_benchmark_falling_while_reward_also_falls_is_not_reward_hacking():
    doctor = RunDoctor(patience=3, output_dir=None)
    stream = []
    for reward, pass1 in [(0.9, 0.40), (0.7, 0.35), (0.5, 0.30)]:
        stream += [{**HEALTHY, "reward": reward}, {"bench/math500/pass@1": pass1}]
    feed(doctor, stream)
    assert doctor.causes == []


@pytest.mark.parametrize("cause", ["nan", "no_signal"])
def test_strict_mode_stops_training_on_nan_and_no_signal(cause):
    stream, _ = SIGNATURES[cause]
    control = feed(RunDoctor(patience=3, strict=True, output_dir=None), stream)
    assert control.should_training_stop


def test_strict_mode_does_not_stop_on_other_causes():
    stream, _ = SIGNATURES["truncation"]
    control = feed(RunDoctor(patience=3, strict=True, output_dir=None), stream)
    assert not control.should_training_stop


def test_bad_settings_are_refused_with_the_setting_named():
    with pytest.raises(ValueError, match="patience must be an integer >= 1"):
        RunDoctor(patience=0)
    with pytest.raises(ValueError, match="unknown threshold 'max_truncaton'"):
        RunDoctor(max_truncaton=0.3)


def test_a_threshold_can_be_raised():
    doctor = RunDoctor(patience=2, output_dir=None, max_truncation=0.7)
    feed(doctor, stream_of(3, **{"completions/clipped_ratio": 0.6}))
    assert doctor.causes == []


def _none_most_rows(completions, **kwargs):
    import time

    time.sleep(0.3)  # a reward slower than a tiny GRPO step
    return [1.0] + [None] * (len(completions) - 1)


def test_bound_to_a_grpo_trainer_it_times_the_rewards_and_counts_unscored_rows(tiny_model_dir, tmp_path):
    """Neither signature is in TRL's logged metrics (the reward mean is 1.0): the doctor measures them."""
    from datasets import Dataset
    from testkit import cpu_training_args
    from trl import GRPOConfig, GRPOTrainer

    data = Dataset.from_dict({"prompt": ["1+1=", "2+2=", "3+3=", "4+4="]})
    args = GRPOConfig(
        output_dir=str(tmp_path),
        max_steps=2,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=4,
        logging_steps=1,
        seed=0,
        **cpu_training_args(),
    )
    doctor = RunDoctor(patience=2)
    trainer = GRPOTrainer(
        model=tiny_model_dir,
        reward_funcs=[_none_most_rows],
        args=args,
        train_dataset=data,
        callbacks=[doctor],
    )
    doctor.bind(trainer)
    logging.getLogger("trl.trainer.grpo_trainer").setLevel(logging.ERROR)  # TRL warns about each all-None row
    trainer.train()
    report = read_doctor(tmp_path)
    assert report["checked_steps"] == 2
    # 4-token completions never reach an EOS: truncation is right too
    assert {c["id"] for c in report["causes"]} == {"rewards_none", "slow_reward", "truncation"}
    assert all(c["step"] == 2 for c in report["causes"])
