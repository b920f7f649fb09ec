"""Stage-4 reward models: helpfulness judges the summary only, harmlessness the whole response."""

import pickle

import pytest

from trl_r1.models.resolve import resolve_model
from trl_r1.rewards.reward_models import (
    HarmlessnessReward,
    HelpfulnessReward,
    SequenceClassificationReward,
)

PROMPT = [{"role": "user", "content": "How do I boil an egg?"}]


def msg(text):
    return [{"role": "assistant", "content": text}]


def score(reward, *texts, prompt=PROMPT):
    return reward(prompts=[prompt] * len(texts), completions=[msg(t) for t in texts])


def test_helpfulness_ignores_the_reasoning_and_judges_only_the_summary(tiny_reward_model_dir):
    helpful = HelpfulnessReward(tiny_reward_model_dir)
    a, b, c = score(
        helpful,
        "<think>water, heat</think>Boil it 8 minutes.",
        "<think>a much longer, different plan of reasoning</think>Boil it 8 minutes.",
        "<think>water, heat</think>Fry it.",
    )
    assert a == pytest.approx(b, abs=1e-6)  # same summary, different reasoning: same score
    assert a != pytest.approx(c, abs=1e-6)  # a different summary is judged differently
    # ...and the score is the reward model's score of the prompt with the summary alone as the answer
    plain = SequenceClassificationReward(tiny_reward_model_dir)
    assert a == pytest.approx(score(plain, "Boil it 8 minutes.")[0], abs=1e-5)


def test_harmlessness_judges_the_whole_response_including_the_reasoning(tiny_reward_model_dir):
    harmless = HarmlessnessReward(tiny_reward_model_dir)
    a, b = score(
        harmless,
        "<think>water, heat</think>Boil it 8 minutes.",
        "<think>a much longer, different plan of reasoning</think>Boil it 8 minutes.",
    )
    assert a != pytest.approx(b, abs=1e-6)


def test_helpfulness_of_unfinished_reasoning_is_the_score_of_an_empty_answer(tiny_reward_model_dir):
    helpful = HelpfulnessReward(tiny_reward_model_dir)
    unfinished, empty, direct = score(
        helpful, "<think>still thinking about eggs", "<think>done</think>", "Boil it 8 minutes."
    )
    assert unfinished == pytest.approx(empty, abs=1e-6)
    # a general answer with no reasoning block is judged whole
    assert direct == pytest.approx(score(helpful, "<think>x</think>Boil it 8 minutes.")[0], abs=1e-6)


def test_reward_models_work_with_standard_prompts_and_in_batches(tiny_reward_model_dir):
    one_by_one = HarmlessnessReward(tiny_reward_model_dir, batch_size=1)
    batched = HarmlessnessReward(tiny_reward_model_dir, batch_size=8)
    prompts = ["Q: 1+1? A:", "Q: say hi. A:", "Q: 2+2? A:"]
    completions = [" 2", " hello there, friend", " <think>2+2</think>4"]
    assert one_by_one(prompts=prompts, completions=completions) == pytest.approx(
        batched(prompts=prompts, completions=completions), abs=1e-5
    )  # padding does not change a score


def test_reward_models_are_named_picklable_and_fail_early_on_a_missing_path(tiny_reward_model_dir, tmp_path):
    helpful = HelpfulnessReward(tiny_reward_model_dir)
    first = score(helpful, "<think>a</think>b")  # loads the weights
    clone = pickle.loads(pickle.dumps(helpful))
    assert clone._model is None  # weights are not pickled; a spawned process reloads them
    assert score(clone, "<think>a</think>b") == pytest.approx(first)
    assert (helpful.__name__, HarmlessnessReward(tiny_reward_model_dir).__name__) == (
        "helpfulness_reward",
        "harmlessness_reward",
    )
    assert SequenceClassificationReward(tiny_reward_model_dir, name="rm_v2").__name__ == "rm_v2"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        HelpfulnessReward(str(tmp_path / "no_such_model"))


def test_the_tiny_reward_model_alias_builds_an_offline_model_once(tmp_path, monkeypatch):
    monkeypatch.setenv("TRL_R1_CACHE", str(tmp_path))
    path = resolve_model("trl-r1/tiny-reward")
    assert path.startswith(str(tmp_path)) and resolve_model("trl-r1/tiny-reward") == path
    assert len(score(HelpfulnessReward("trl-r1/tiny-reward"), "<think>a</think>b")) == 1
