"""Stage-4 hooks: rule rewards for rows with a gold answer, reward models for general rows, the
preference reward only in the last steps, and the reflection monitor, inside a real GRPO run."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from testkit import cpu_training_args

from trl_r1.rewards.reward_models import HelpfulnessReward
from trl_r1.rewards.routing import GENERAL, VERIFIABLE, RoutedReward, route_rewards
from trl_r1.training.grpo import GRPOStageArguments, build_rewards, train_grpo

MATH = [{"role": "user", "content": "47+38"}]
CHAT = [{"role": "user", "content": "Repeat: apple"}]
GOOD = [{"role": "assistant", "content": "<think>7+8=15 c1,4+3+1=8</think>So $\\boxed{85}$."}]


class Recorder:
    """A reward that records which rows it was asked to score."""

    __name__ = "recorder"

    def __init__(self):
        self.seen = []

    def __call__(self, prompts, completions, **kwargs):
        self.seen.append((list(prompts), dict(kwargs)))
        return [1.0] * len(completions)


def test_rule_rewards_score_rows_with_a_gold_answer_and_reward_models_the_general_rows(tiny_reward_model_dir):
    rule = Recorder()
    routed_rule, routed_rm = route_rewards([rule, HelpfulnessReward(tiny_reward_model_dir)])
    assert (routed_rule.owns, routed_rm.owns) == (VERIFIABLE, GENERAL)
    assert routed_rm.__name__ == "helpfulness_reward"
    batch = dict(
        prompts=[MATH, CHAT, MATH, CHAT],
        completions=[GOOD] * 4,
        solution=["85", None, "85", ""],
        trainer_state=SimpleNamespace(global_step=0, max_steps=10),
    )
    rule_scores, rm_scores = routed_rule(**batch), routed_rm(**batch)

    assert rule_scores == [1.0, None, 1.0, None]
    assert [s is None for s in rm_scores] == [True, False, True, False]
    # every row is scored by exactly one family, so the weighted sum never mixes them
    assert all((a is None) != (b is None) for a, b in zip(rule_scores, rm_scores))
    # the wrapped reward saw only its rows, with every column sliced to match
    prompts, kwargs = rule.seen[0]
    assert prompts == [MATH, MATH] and kwargs["solution"] == ["85", "85"]


def test_routing_keeps_completion_table_columns_full_length():
    logged = {}

    def tagging(prompts, completions, log_extra, **kwargs):
        log_extra("tag", ["t"] * len(completions))
        return [0.5] * len(completions)

    routed = RoutedReward(tagging, owns=VERIFIABLE)
    routed(
        prompts=["a", "b", "c"],
        completions=["x", "y", "z"],
        solution=[None, "1", None],
        log_extra=logged.__setitem__,
    )
    assert logged["tag"] == [None, "t", None]


def test_the_preference_reward_counts_only_in_the_last_steps(tiny_reward_model_dir):
    args = GRPOStageArguments(
        reward_funcs=["accuracy", f"helpfulness={tiny_reward_model_dir}"],
        reward_routing=True,
        preference_last_steps=3,
    )
    accuracy, helpfulness = build_rewards(args)
    batch = dict(prompts=[MATH, CHAT], completions=[GOOD, GOOD], solution=["85", None])
    early = helpfulness(**batch, trainer_state=SimpleNamespace(global_step=6, max_steps=10))
    late = helpfulness(**batch, trainer_state=SimpleNamespace(global_step=7, max_steps=10))
    assert early == [None, None] and late[0] is None and isinstance(late[1], float)
    # rule rewards are not windowed
    assert accuracy(**batch, trainer_state=SimpleNamespace(global_step=0, max_steps=10)) == [1.0, None]


def test_bad_reward_settings_fail_before_training(tiny_reward_model_dir):
    with pytest.raises(ValueError, match="unknown reward 'acc'"):
        GRPOStageArguments(reward_funcs=["acc"])
    with pytest.raises(ValueError, match="needs a model path"):
        GRPOStageArguments(reward_funcs=["helpfulness"])
    with pytest.raises(ValueError, match="no reward model"):
        build_rewards(GRPOStageArguments(reward_funcs=["accuracy"], preference_last_steps=2))


def test_a_stage4_grpo_run_routes_mixed_prompts_and_logs_reflection_metrics(
    tmp_path, tiny_model_dir, tiny_reward_model_dir
):
    from trl import GRPOConfig, ModelConfig

    script_args = GRPOStageArguments(
        dataset_mixture=[
            "synthetic://arithmetic?split=rl&layout=r1&n=2&seed=0",
            "synthetic://non_reasoning?n=2",
        ],
        reward_funcs=["accuracy", f"harmlessness={tiny_reward_model_dir}"],
        reward_routing=True,
    )
    # unshuffled, 2 prompts x 4 completions per step: step 1 sees the math prompts, step 2 the general ones
    training_args = GRPOConfig(
        output_dir=str(tmp_path),
        max_steps=2,
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=12,
        logging_steps=1,
        shuffle_dataset=False,
        reward_weights=[1.0, 0.5],
        **cpu_training_args(),
    )
    out = train_grpo(script_args, training_args, ModelConfig(model_name_or_path=tiny_model_dir))

    logs = json.loads((Path(out) / "trainer_state.json").read_text())["log_history"]
    math_step, general_step = [e for e in logs if "loss" in e]
    assert math_step["rewards/accuracy_reward/mean"] is not None
    assert math_step.get("rewards/harmlessness_reward/mean") is None  # the reward model skipped math rows
    assert general_step.get("rewards/accuracy_reward/mean") is None  # the rule reward skipped general rows
    assert general_step["rewards/harmlessness_reward/mean"] is not None
    steps = [math_step, general_step]
    assert all(
        "reasoning/reflective_words_per_1k_tokens" in e and "reasoning/truncation_rate" in e for e in steps
    )
    assert (Path(out) / "model.safetensors").is_file() and (Path(out) / "tokenizer_config.json").is_file()


def test_a_mixture_gets_r1_prompts_for_bare_questions_and_no_gold_answer_on_general_rows(tmp_path):
    from functools import partial

    from trl_r1.training.grpo import add_prompts, load_mixture

    questions = tmp_path / "math.jsonl"
    questions.write_text('{"problem": "2+2", "solution": "4"}\n{"problem": "3+5", "solution": "8"}\n')
    args = GRPOStageArguments(prompt_template="r1", question_column="problem")
    data = load_mixture(
        [str(questions), "synthetic://non_reasoning?n=3"], prepare=partial(add_prompts, script_args=args)
    )
    assert len(data) == 5
    assert [m["role"] for m in data[0]["prompt"]] == ["system", "user"] and data[0]["prompt"][1][
        "content"
    ] == "2+2"
    assert data["solution"] == ["4", "8", None, None, None]  # general rows go to the reward models
    with pytest.raises(ValueError, match="question column 'question'"):
        add_prompts(
            load_mixture([str(questions)]),
            GRPOStageArguments(prompt_template="r1", question_column="question"),
        )
