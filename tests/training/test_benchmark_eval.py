"""Benchmark pass@1 during GRPO training: logged through the trainer, from the live model, the same in
one process and two, and every bad setting refused before training starts."""

import json
import logging
from pathlib import Path

import pytest
import yaml
from testkit import cpu_training_args

from trl_r1.training.benchmark_eval import BENCH_LOG, BenchmarkEvalCallback, problem_seed

ARITHMETIC = "synthetic://arithmetic?split=test&layout=r1_zero&prompt=plain&n=16&seed=0"


def _length_reward(completions, **kwargs):
    return [len(c) / 10 for c in completions]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> str:
    """The tiny random model with a strong EOS row: its completions end at varied lengths, so the benchmark's
    mean length and truncation rate tell one set of samples from another (a random tiny model never stops)."""
    import torch
    from transformers import AutoModelForCausalLM

    from trl_r1.models.tiny import save_tiny_model

    path = save_tiny_model(tmp_path_factory.mktemp("eos_prone") / "model", hidden_size=64)
    model = AutoModelForCausalLM.from_pretrained(path)
    eos = model.generation_config.eos_token_id
    eos = eos[0] if isinstance(eos, list) else eos
    with torch.no_grad():
        rows = model.get_input_embeddings().weight
        generator = torch.Generator().manual_seed(1)
        rows[eos] = (
            torch.randn(rows.shape[1], generator=generator)
            * rows.norm(dim=1).mean()
            / rows.shape[1] ** 0.5
            * 12
        )
    model.save_pretrained(path)
    return path


def grpo(model_dir, output_dir, callback=None, steps=3, peft_config=None):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    data = Dataset.from_dict({"prompt": ["1+1=", "2+2=", "3+3=", "4+4="] * 4})
    args = GRPOConfig(
        output_dir=str(output_dir),
        max_steps=steps,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        logging_steps=1,
        learning_rate=1e-2,
        seed=0,
        **cpu_training_args(),
    )
    trainer = GRPOTrainer(
        model=model_dir,
        reward_funcs=[_length_reward],
        args=args,
        train_dataset=data,
        callbacks=[callback] if callback else None,
        peft_config=peft_config,
    )
    if callback is not None:
        callback.bind(trainer)
    trainer.train()
    return trainer


@pytest.fixture(scope="module")
def evaluated_run(model_dir, benchmarks_dir, tmp_path_factory):
    """A 3-step GRPO run evaluated on 3 GSM8K problems every 2 steps, and the same run without the callback."""
    out = tmp_path_factory.mktemp("bench")
    bench = BenchmarkEvalCallback(
        "gsm8k", limit=3, k=2, eval_steps=2, max_new_tokens=8, data_dir=benchmarks_dir, problems_per_batch=2
    )
    with_bench = grpo(model_dir, out / "with", bench)
    without = grpo(model_dir, out / "without")
    return bench, with_bench, without


def bench_entries(history):
    return [e for e in history if any(k.startswith("bench/") for k in e)]


def test_a_grpo_run_logs_benchmark_metrics_every_eval_steps_and_at_the_end(evaluated_run):
    bench, trainer, _ = evaluated_run
    entries = bench_entries(trainer.state.log_history)
    assert [e["step"] for e in entries] == [2, 3]
    for e in entries:
        assert {
            "bench/gsm8k/pass@1",
            "bench/gsm8k/cons@2",
            "bench/gsm8k/format_compliance",
            "bench/gsm8k/mean_length",
            "bench/gsm8k/truncation_rate",
            "bench/gsm8k/seconds",
        } <= set(e)
        assert 0.0 <= e["bench/gsm8k/pass@1"] <= 1.0 and 0 < e["bench/gsm8k/mean_length"] <= 8
        assert e["bench/gsm8k/seconds"] > 0
    rows = [json.loads(line) for line in (Path(trainer.args.output_dir) / BENCH_LOG).read_text().splitlines()]
    assert [r["step"] for r in rows] == [2, 3] and rows[0]["n_problems"] == 3 and rows[0]["k"] == 2
    assert rows[1]["bench/gsm8k/mean_length"] == entries[1]["bench/gsm8k/mean_length"]


def test_the_log_line_gives_the_cost_of_one_evaluation(evaluated_run, caplog):
    bench, trainer, _ = evaluated_run
    with caplog.at_level(logging.INFO, logger="trl_r1.training.benchmark_eval"):
        bench.evaluate_and_log(trainer.state.global_step)
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("bench gsm8k")]
    assert "pass@1" in line and "(3 problems x 2 samples, " in line and "s per evaluation)" in line


def test_evaluating_does_not_change_what_the_run_trains_on(evaluated_run):
    _, with_bench, without = evaluated_run
    keep = ("loss", "reward", "reward_std", "completions/mean_length", "entropy", "grad_norm")

    def training(history):
        return [{k: e[k] for k in keep if k in e} for e in history if "loss" in e]

    assert training(with_bench.state.log_history) == training(without.state.log_history)
    assert len(training(without.state.log_history)) == 3


def test_the_live_model_is_evaluated_and_the_same_weights_give_the_same_numbers(evaluated_run):
    bench, trainer, _ = evaluated_run
    last = bench_entries(trainer.state.log_history)[-1]
    again = bench.evaluate()
    assert again["mean_length"] == last["bench/gsm8k/mean_length"]
    assert again["truncation_rate"] == last["bench/gsm8k/truncation_rate"]
    # no reload from disk: a change to the weights in memory shows in the next evaluation
    import torch

    model = trainer.accelerator.unwrap_model(trainer.model)
    eos = model.generation_config.eos_token_id
    eos = eos[0] if isinstance(eos, list) else eos
    rows = model.get_input_embeddings().weight
    saved = rows[eos].clone()
    with torch.no_grad():
        rows[eos] *= -5  # EOS becomes unlikely wherever it was likely
    try:
        assert bench.evaluate()["mean_length"] != again["mean_length"]
    finally:
        with torch.no_grad():
            rows[eos] = saved


def test_a_block_of_problems_draws_the_same_samples_alone_or_with_others_and_other_ones_with_another_seed(
    evaluated_run,
):
    bench, _, _ = evaluated_run  # problems_per_batch=2: blocks {0, 1} and {2}
    everything = bench._sample_transformers([0, 1, 2])
    alone = bench._sample_transformers([2])
    assert [s.token_ids for s in alone[0]] == [
        s.token_ids for s in everything[2]
    ]  # what another process would draw
    bench.seed = 1
    try:
        reseeded = bench._sample_transformers([2])
    finally:
        bench.seed = 0
    assert problem_seed(0, 2) != problem_seed(1, 2)
    assert [s.token_ids for s in reseeded[0]] != [s.token_ids for s in everything[2]]


def test_it_evaluates_a_lora_policy(model_dir, tmp_path):
    from peft import LoraConfig

    bench = BenchmarkEvalCallback(ARITHMETIC, limit=2, k=2, eval_steps=1, max_new_tokens=8)
    trainer = grpo(
        model_dir,
        tmp_path,
        bench,
        steps=1,
        peft_config=LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]),
    )
    assert type(trainer.model).__name__.startswith("Peft")
    (entry,) = bench_entries(trainer.state.log_history)
    assert entry["step"] == 1 and "bench/arithmetic/pass@1" in entry


def test_a_plain_prompt_benchmark_checks_the_r1_zero_layout_when_told():
    from trl_r1.generation import Sample

    r1_zero = [
        Sample("<think>2+0=2,5+7=12</think><answer>122</answer>", 20, True),
        Sample("<think>guess</think><answer>121</answer>", 9, True),
    ]
    auto = BenchmarkEvalCallback(ARITHMETIC, limit=1, k=2)
    told = BenchmarkEvalCallback(ARITHMETIC, limit=1, k=2, layout="r1_zero")
    assert auto.problems[0].answer == "122" and auto.prompts[0] == "50+72="
    assert (
        auto._score(0, r1_zero)["format_compliance"] == 0.0
    )  # a plain prompt: trl-r1 eval expects the R1 layout
    told_scores = told._score(0, r1_zero)
    assert told_scores["format_compliance"] == 1.0 and told_scores["pass@1"] == 0.5


def test_an_unbound_callback_says_how_to_bind_it():
    bench = BenchmarkEvalCallback(ARITHMETIC, limit=2, k=1, temperature=0.0)
    with pytest.raises(RuntimeError, match=r"call callback.bind\(trainer\)"):
        bench.evaluate_and_log(1)


@pytest.fixture
def bad_golds(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"question": f"q{i}", "answer": a}) for i, a in enumerate(["3", "hello world", "5"])
        )
        + "\n"
    )
    return str(path)


BAD = [
    ({"benchmark": "math5000"}, "benchmark", "unknown benchmark 'math5000'"),
    ({"benchmark": "aime24", "limit": 31}, "limit", "31 is more than the 30 problems of 'aime24'"),
    ({"benchmark": "aime24", "eval_steps": 0}, "eval_steps", "must be an integer >= 1"),
    (
        {"benchmark": "BAD_GOLDS"},
        "benchmark",
        "1 of 3 gold answers of .* cannot be parsed by the verifier \\(1: 'hello world'\\)",
    ),
]


@pytest.mark.parametrize("settings,key,message", BAD)
def test_bad_settings_fail_when_the_callback_is_built_naming_the_key(
    settings, key, message, benchmarks_dir, bad_golds
):
    settings = {**settings, "benchmark": settings["benchmark"].replace("BAD_GOLDS", bad_golds)}
    with pytest.raises(ValueError, match=f"^BenchmarkEvalCallback: {key}: {message}"):
        BenchmarkEvalCallback(**settings, data_dir=benchmarks_dir)


@pytest.mark.parametrize("settings,key,message", BAD)
def test_bad_settings_fail_in_the_stage_arguments_naming_the_argument(
    settings, key, message, benchmarks_dir, bad_golds
):
    from trl_r1.training.benchmark_settings import SETTINGS
    from trl_r1.training.grpo import GRPOStageArguments

    args = {
        SETTINGS[k][0]: v.replace("BAD_GOLDS", bad_golds) if k == "benchmark" else v
        for k, v in settings.items()
    }
    with pytest.raises(ValueError, match=f"^{SETTINGS[key][0]}: {message}"):
        GRPOStageArguments(**args, eval_benchmark_data_dir=str(benchmarks_dir))


@pytest.mark.parametrize(
    "settings,key,message", BAD + [({"benchmark": "aime24", "limt": 3}, "limt", "unknown key")]
)
def test_bad_settings_fail_when_the_recipe_loads_naming_the_key(
    settings, key, message, benchmarks_dir, bad_golds
):
    from trl_r1.pipeline import parse_recipe
    from trl_r1.pipeline.recipe import RecipeError

    settings = {
        **settings,
        "benchmark": settings["benchmark"].replace("BAD_GOLDS", bad_golds),
        "data_dir": str(benchmarks_dir),
    }
    recipe = {
        "model": "trl-r1/tiny",
        "stages": [
            {
                "name": "rl",
                "kind": "grpo",
                "dataset": ARITHMETIC,
                "rewards": ["accuracy"],
                "eval_benchmark": settings,
            }
        ],
    }
    with pytest.raises(RecipeError, match=f"stages\\[0\\].eval_benchmark.{key}: {message}"):
        parse_recipe(recipe)


def test_a_recipe_stage_turns_eval_benchmark_into_its_arguments():
    from trl_r1.pipeline import parse_recipe

    recipe = parse_recipe(
        {
            "model": "trl-r1/tiny",
            "stages": [
                {
                    "name": "rl",
                    "kind": "grpo",
                    "dataset": ARITHMETIC,
                    "rewards": ["accuracy"],
                    "eval_benchmark": {"benchmark": ARITHMETIC, "limit": 8, "eval_steps": 5},
                }
            ],
        }
    )
    assert recipe.stages[0].args == {
        "eval_benchmark": ARITHMETIC,
        "eval_benchmark_limit": 8,
        "eval_benchmark_steps": 5,
    }
    assert parse_recipe(recipe.to_dict()).stages[0].args == recipe.stages[0].args


TWO_PROCESS_STAGE = {
    "name": "rl",
    "kind": "grpo",
    "dataset": "synthetic://arithmetic?split=rl&layout=r1_zero&prompt=plain&n=32&seed=0",
    "rewards": ["accuracy"],
    # lr 0: both runs keep the same weights whatever their batches, so their benchmark numbers must agree exactly
    "args": {
        "max_steps": 2,
        "per_device_train_batch_size": 4,
        "num_generations": 4,
        "max_completion_length": 8,
        "learning_rate": 0.0,
        "beta": 0.0,
        "reflection_monitor": False,
        "save_strategy": "no",
    },
    # blocks {0, 1} {2, 3} {4}: rank 0 samples two of them, rank 1 one
    "eval_benchmark": {
        "benchmark": ARITHMETIC,
        "limit": 5,
        "k": 3,
        "eval_steps": 1,
        "max_new_tokens": 12,
        "problems_per_batch": 2,
    },
}


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
@pytest.mark.timeout(300)  # subprocesses: a hang must fail the test, not the CI job
def test_two_processes_log_the_same_benchmark_numbers_as_one(model_dir, tmp_path):
    from trl_r1.eval.plots import load_log_history
    from trl_r1.pipeline import parse_recipe, run_recipe

    base = {
        "model": model_dir,
        "defaults": {
            "use_cpu": True,
            "bf16": False,
            "gradient_checkpointing": False,
            "report_to": "none",
            "seed": 0,
            "dataloader_num_workers": 0,
            "logging_steps": 1,
            "disable_tqdm": True,
        },
    }
    one = {**base, "stages": [dict(TWO_PROCESS_STAGE)]}
    two = {**base, "stages": [{**TWO_PROCESS_STAGE, "num_processes": 2, "launcher": "torchrun"}]}
    summary = run_recipe(parse_recipe(one), tmp_path / "one")
    run_recipe(parse_recipe(two), tmp_path / "two")
    # the stage's summary entry, metrics.json and doctor.json carry the benchmark and the doctor's verdict
    assert summary["bench"]["rl"]["arithmetic"]["steps"] == [1, 2]
    assert summary["doctor"]["rl"] == json.loads((tmp_path / "one" / "rl" / "doctor.json").read_text())
    assert summary["doctor"]["rl"]["checked_steps"] == 2
    metrics = json.loads((tmp_path / "one" / "rl" / "metrics.json").read_text())
    assert metrics["bench/arithmetic/pass@1"] == summary["bench"]["rl"]["arithmetic"]["pass@1"][-1]

    def bench(run):
        return [
            {k: v for k, v in e.items() if k.startswith("bench/") and not k.endswith("/seconds")}
            | {"step": e["step"]}
            for e in bench_entries(load_log_history(run / "rl"))
        ]

    one_process, two_processes = bench(tmp_path / "one"), bench(tmp_path / "two")
    assert [e["step"] for e in one_process] == [1, 2]
    assert two_processes == one_process
    assert (
        0 < one_process[0]["bench/arithmetic/truncation_rate"] < 1
    )  # varied samples: the comparison can fail
    config = yaml.safe_load((tmp_path / "two" / "rl" / "stage_config.yaml").read_text())
    assert config["eval_benchmark_limit"] == 5


def test_the_dashboard_draws_the_benchmark_beside_the_rewards_and_marks_the_doctors_causes(
    evaluated_run, tmp_path
):
    from trl_r1.cli import main
    from trl_r1.eval.plots import dashboard_panels, plot_dashboard

    _, trainer, _ = evaluated_run
    history = trainer.state.log_history
    titles = [p.title for p in dashboard_panels(history)]
    assert titles[:2] == ["reward: _length_reward", "benchmark: gsm8k"]
    (bench,) = [p for p in dashboard_panels(history) if p.title == "benchmark: gsm8k"]
    assert bench.keys == ("bench/gsm8k/pass@1", "bench/gsm8k/cons@2")
    plain = plot_dashboard(history, tmp_path / "plain.png", title="run").read_bytes()
    marked = plot_dashboard(
        history, tmp_path / "marked.png", title="run", marks=[(2.0, "truncation")]
    ).read_bytes()
    assert plain != marked

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "trainer_state.json").write_text(json.dumps({"log_history": history}))
    (run_dir / "doctor.json").write_text(
        json.dumps(
            {"causes": [{"id": "truncation", "step": 2, "message": "m", "fix": "f"}], "checked_steps": 3}
        )
    )
    assert main(["plot", str(run_dir)]) == 0
    assert (run_dir / "dashboard.png").read_bytes() == marked  # `trl-r1 plot` read doctor.json's marks
