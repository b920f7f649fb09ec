"""The datasets people train R1 on, in their Hub layouts, consumed by recipe keys alone.

Each fixture under tests/data/hub_layouts/ holds a few hand-written rows in the exact column
layout of the dataset card (written by make_fixtures.py there). A test builds the stage from a
recipe dict, loads the fixture through the same spec options a real recipe uses, and runs the
stage's own data path (cold-start formatting, GRPO prompt building and rewards, rejection-sampling
prompt preparation). The last tests load the real-model recipes under recipes/ and run each named
Hub dataset's stage data path on its fixture.
"""

from __future__ import annotations

import dataclasses
from functools import cache, partial
from pathlib import Path

import pytest
import yaml

from trl_r1.data.loading import load_dataset_spec
from trl_r1.pipeline.recipe import load_recipe, parse_recipe
from trl_r1.rejection import RejectionSamplingConfig
from trl_r1.rejection.sampler import prepare_prompts
from trl_r1.training.grpo import GRPOStageArguments, add_prompts, build_rewards, check_dataset, load_mixture
from trl_r1.training.sft import ColdStartArguments, prepare_cold_start_data

REPO = Path(__file__).resolve().parents[2]
LAYOUTS = REPO / "tests" / "data" / "hub_layouts"
HUB_FIXTURES = {
    "open-r1/OpenR1-Math-220k": "openr1_math_220k.jsonl",
    "open-r1/Mixture-of-Thoughts": "mixture_of_thoughts_math.jsonl",
    "AI-MO/NuminaMath-TIR": "numinamath_tir.jsonl",
    "AI-MO/NuminaMath-CoT": "numinamath_cot.jsonl",
    "agentica-org/DeepScaleR-Preview-Dataset": "deepscaler_preview.jsonl",
    "DigitalLearningGmbH/MATH-lighteval": "math_lighteval.jsonl",
    "open-r1/verifiable-coding-problems-python": "verifiable_coding_problems_python.jsonl",
}


def local(spec: str) -> str:
    """A Hub spec with its fixture in place of the Hub id (options kept; ``config`` names a Hub
    configuration, which a local file does not have)."""
    base, sep, query = spec.partition("?")
    options = "&".join(o for o in query.split("&") if o and not o.startswith("config="))
    return str(LAYOUTS / HUB_FIXTURES[base]) + (f"?{options}" if options else "")


def one_stage(stage: dict):
    return parse_recipe({"model": "trl-r1/tiny", "stages": [stage]}).stages[0]


def fields_of(cls, args: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in args.items() if k in names}


def cold_start_rows(dataset: str, args: dict):
    return prepare_cold_start_data(
        ColdStartArguments(dataset_name=dataset, **fields_of(ColdStartArguments, args))
    )


def grpo_data(stage):
    script = GRPOStageArguments(
        dataset_mixture=stage.datasets,
        reward_funcs=[r.spec() for r in stage.rewards],
        **fields_of(GRPOStageArguments, stage.args),
    )
    data = load_mixture(stage.datasets, prepare=partial(add_prompts, script_args=script))
    check_dataset(data, script, "fixture")
    return script, data


def score(reward, data, completions):
    """Call a GRPO reward the way TRL does: completions plus every dataset column but 'prompt'."""
    columns = {c: data[c] for c in data.column_names if c != "prompt"}
    return reward(prompts=data["prompt"], completions=completions, **columns)


def answer(text: str) -> list[dict]:
    return [
        {"role": "assistant", "content": f"<think>\nworking\n</think>\n\nThe answer is $\\boxed{{{text}}}$."}
    ]


# -- cold start / distillation SFT ---------------------------------------------------------------


def test_openr1_math_rows_whose_traces_all_failed_math_verify_never_reach_cold_start():
    stage = one_stage(
        {
            "name": "cold_start",
            "kind": "sft",
            "args": {"language": "en"},
            "dataset": local("open-r1/OpenR1-Math-220k?require=correctness_math_verify"),
        }
    )
    data = cold_start_rows(stage.datasets[0], stage.args)
    assert data.format_report.total == 2  # the third row has no verified generation
    unfiltered = cold_start_rows(local("open-r1/OpenR1-Math-220k"), stage.args)
    assert unfiltered.format_report.total == 3
    problems = [r["prompt"][-1]["content"] for r in data.rows]
    assert all("36" not in p for p in problems)
    completion = data.rows[0]["completion"][0]["content"]
    assert completion.startswith("<think>\n") and "</think>\n\n" in completion and "\\boxed{54}" in completion


def test_mixture_of_thoughts_traces_become_distillation_sft_rows_and_long_rows_are_dropped_by_num_tokens():
    stage = one_stage(
        {
            "name": "distill",
            "kind": "sft",
            "args": {"language": "en", "allow_code": True},
            "dataset": local("open-r1/Mixture-of-Thoughts?config=math&max=num_tokens:16384"),
        }
    )
    data = cold_start_rows(stage.datasets[0], stage.args)
    assert data.format_report.total == 2 and len(data.rows) == 2
    assert [r["prompt"][0]["role"] for r in data.rows] == ["user", "user"]
    assert "\\boxed{50}" in data.rows[0]["completion"][0]["content"]


# -- GRPO ----------------------------------------------------------------------------------------


def test_deepscaler_short_answers_become_the_gold_with_a_rename_and_score_accuracy():
    stage = one_stage(
        {
            "name": "rl",
            "kind": "grpo",
            "rewards": ["accuracy"],
            "dataset": local("agentica-org/DeepScaleR-Preview-Dataset?rename=answer:solution"),
            "args": {"prompt_template": "r1", "question_column": "problem"},
        }
    )
    script, data = grpo_data(stage)
    assert data["solution"] == ["4", "2", "\\frac{5}{6}", "6"]
    assert data["prompt"][0][-1]["content"].startswith("Let $a$ and $b$")
    accuracy = build_rewards(script)[0]
    assert score(accuracy, data, [answer(a) for a in ("4", "2", "5/6", "6")]) == [1.0] * 4
    assert score(accuracy, data, [answer(a) for a in ("5", "3", "1/6", "7")]) == [0.0] * 4


def test_numinamath_tir_worked_solutions_are_gold_through_their_boxed_answer():
    stage = one_stage(
        {
            "name": "rl",
            "kind": "grpo",
            "rewards": ["accuracy"],
            "dataset": local("AI-MO/NuminaMath-TIR"),
            "args": {"prompt_template": "r1_zero", "question_column": "problem"},
        }
    )
    script, data = grpo_data(stage)
    assert isinstance(data["prompt"][0], str) and "sum of the first 10" in data["prompt"][0]
    accuracy = build_rewards(script)[0]
    assert score(accuracy, data, [answer("100"), answer("21")]) == [1.0, 1.0]
    assert score(accuracy, data, [answer("99"), answer("20")]) == [0.0, 0.0]


def test_math_lighteval_levels_are_chosen_with_where():
    stage = one_stage(
        {
            "name": "rl",
            "kind": "grpo",
            "rewards": ["accuracy"],
            "dataset": local("DigitalLearningGmbH/MATH-lighteval?config=default&where=level:Level 4|Level 5"),
            "args": {"prompt_template": "r1", "question_column": "problem"},
        }
    )
    script, data = grpo_data(stage)
    assert data["level"] == ["Level 4", "Level 5"]
    assert score(build_rewards(script)[0], data, [answer("17"), answer("42")]) == [1.0, 1.0]


def test_verifiable_coding_problems_feed_the_code_reward_from_verification_info():
    stage = one_stage(
        {
            "name": "code",
            "kind": "grpo",
            "rewards": ["trl_r1.rewards.code_reward"],
            "dataset": local("open-r1/verifiable-coding-problems-python"),
            "args": {"prompt_template": "r1", "question_column": "problem_statement"},
        }
    )
    script, data = grpo_data(stage)
    code_reward = build_rewards(script)[0]
    gold = [
        [{"role": "assistant", "content": f"<think>\nplan\n</think>\n\n{s}"}]
        for s in data["gold_standard_solution"]
    ]
    wrong = [[{"role": "assistant", "content": "<think>\nplan\n</think>\n\n```python\nprint(0)\n```"}]] * 2
    assert score(code_reward, data, gold) == [1.0, 1.0]
    assert score(code_reward, data, wrong) == [0.0, 0.0]


# -- rejection sampling --------------------------------------------------------------------------


def test_numinamath_cot_competition_rows_become_rejection_sampling_prompts_with_their_gold(tmp_path):
    stage = one_stage(
        {
            "name": "rs",
            "kind": "sample",
            "rewards": ["accuracy"],
            "dataset": local("AI-MO/NuminaMath-CoT?where=source:olympiads|amc_aime"),
            "args": {"question_column": "problem", "prompt_template": "r1"},
        }
    )
    config = RejectionSamplingConfig(
        sampling_model="trl-r1/tiny",
        dataset_name=stage.datasets[0],
        samples_dir=str(tmp_path),
        reward_funcs=[r.spec() for r in stage.rewards],
        **stage.args,
    )
    rows = prepare_prompts(load_dataset_spec(config.dataset_name).to_list(), config)
    assert [r["source"] for r in rows] == ["olympiads", "amc_aime"]  # the synthetic row is gone
    assert rows[0]["prompt"][-1] == {"role": "user", "content": rows[0]["problem"]}
    from trl_r1.rewards import accuracy_reward

    assert accuracy_reward([answer("42"), answer("10")], solution=[r["solution"] for r in rows]) == [1.0, 1.0]


def test_a_filter_on_a_missing_column_names_it():
    with pytest.raises(ValueError, match="'difficulty', which is missing"):
        load_dataset_spec(local("agentica-org/DeepScaleR-Preview-Dataset?where=difficulty:hard"))
    with pytest.raises(ValueError, match="unknown dataset option 'colums'"):
        load_dataset_spec(local("agentica-org/DeepScaleR-Preview-Dataset?colums=a"))


# -- the real-model recipes name these datasets with keys that work ----------------------------


def _hub_stages():
    """(recipe, stage name) of each stage naming a Hub dataset, read from the YAML text: collection must not
    depend on what validating a recipe needs (its eval benchmark files), or one missing file stops the suite."""
    for path in (
        "recipes/pipelines/r1_open_data.yaml",
        "recipes/pipelines/distill_mixture_of_thoughts.yaml",
        "recipes/pipelines/r1.yaml",
        "recipes/pipelines/r1_zero.yaml",
        "recipes/pipelines/distill.yaml",
    ):
        for raw in yaml.safe_load((REPO / path).read_text(encoding="utf-8"))["stages"]:
            datasets = raw.get("dataset") or []
            datasets = [datasets] if isinstance(datasets, str) else datasets
            if any(isinstance(d, str) and d.partition("?")[0] in HUB_FIXTURES for d in datasets):
                yield pytest.param(path, raw["name"], id=f"{Path(path).name}:{raw['name']}")


@cache
def _recipe(path: str):
    return load_recipe(REPO / path)


@pytest.mark.parametrize(("path", "name"), list(_hub_stages()))
def test_real_recipe_stage_consumes_its_hub_dataset(path, name, tmp_path):
    stage = next(s for s in _recipe(path).stages if s.name == name)  # validated as `trl-r1 run` would
    # the Hub datasets only: a mixture's other parts are the user's own files (data/general_prompts.jsonl)
    specs = [local(d) for d in stage.datasets if d.partition("?")[0] in HUB_FIXTURES]
    stage = dataclasses.replace(stage, datasets=specs)
    if stage.kind == "sft":
        assert cold_start_rows(specs[0], stage.args).rows
    elif stage.kind == "grpo":
        script, data = grpo_data(stage)
        assert len(data) > 0 and "prompt" in data.column_names
    else:
        config = RejectionSamplingConfig(
            sampling_model="m",
            dataset_name=specs[0],
            samples_dir=str(tmp_path),
            reward_funcs=[r.spec() for r in stage.rewards],
            **fields_of(RejectionSamplingConfig, stage.args),
        )
        rows = prepare_prompts(load_dataset_spec(specs[0]).to_list(), config)
        assert rows and all(r["prompt"] and r.get("solution") for r in rows)


@pytest.mark.parametrize(
    "path",
    [
        "recipes/qwen2.5-1.5b/stage1.yaml",
        "recipes/qwen2.5-1.5b/stage1_lora.yaml",
        "recipes/qwen2.5-7b/stage1.yaml",
    ],
)
def test_stage_script_configs_filter_openr1_math_to_verified_traces(path):
    config = yaml.safe_load((REPO / path).read_text())
    dataset = local(config.pop("dataset_name"))
    data = cold_start_rows(dataset, config)
    assert data.format_report.total == 2 and data.rows


def test_a_fixture_next_to_the_recipe_keeps_its_dataset_options(tmp_path):
    import shutil

    shutil.copy(LAYOUTS / "deepscaler_preview.jsonl", tmp_path / "deepscaler.jsonl")
    (tmp_path / "r.yaml").write_text(
        yaml.safe_dump(
            {
                "model": "trl-r1/tiny",
                "stages": [
                    {
                        "name": "rl",
                        "kind": "grpo",
                        "rewards": ["accuracy"],
                        "dataset": "deepscaler.jsonl?rename=answer:solution",
                        "args": {"prompt_template": "r1", "question_column": "problem"},
                    }
                ],
            }
        )
    )
    spec = load_recipe(tmp_path / "r.yaml").stages[0].datasets[0]
    assert spec == f"{tmp_path / 'deepscaler.jsonl'}?rename=answer:solution"
    assert load_dataset_spec(spec)["solution"][0] == "4"


def test_validation_before_work_reads_a_layout_spec_as_the_loader_does():
    from trl_r1.data.loading import check_dataset_spec

    local = f"{LAYOUTS / 'openr1_math_220k.jsonl'}?require=correctness_math_verify"
    assert check_dataset_spec(local) is None  # the file exists; its options are the view's
    assert len(load_dataset_spec(local)) >= 1
    problem = check_dataset_spec(f"{LAYOUTS / 'openr1_math_220k.jsonl'}?colour=red")
    assert problem is not None and "unknown dataset option 'colour'" in problem
    assert "does not exist" in check_dataset_spec(f"{LAYOUTS / 'no_such.jsonl'}?require=x")
