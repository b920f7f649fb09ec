"""Aha-moment monitors: reflective words per 1,000 tokens, language mixing, length, truncation."""

import pytest
import torch
from testkit import cpu_training_args

from trl_r1.rewards.monitor import ReflectionMonitor
from trl_r1.text.reflection import REFLECTIVE_WORDS_EN, ReflectiveWords, reflective_words_per_1k_tokens
from trl_r1.training import DashboardCallback, with_monitor


def test_reflective_words_are_counted_as_a_person_would_count_them():
    en = ReflectiveWords("en")
    text = "Wait, wait. But that is WRONG; however, let me check... I am checking again, verify: an error?"
    # wait x2, but, wrong, however, check, verify, error = 8; "checking" is not "check"
    assert en.count(text) == 8
    assert en.find("Butter is not but") == ["but"]  # whole words only
    assert (
        ReflectiveWords("zh").count("等等，这里错了。但是重新验证一下，不对。") == 6
    )  # 等等 错了 但是 重新 验证 不对
    assert ReflectiveWords(["re-evaluate", "hmm"]).count("Hmm, re-evaluate. hmmm") == 2
    assert REFLECTIVE_WORDS_EN == (
        "wait",
        "mistake",
        "however",
        "but",
        "retry",
        "error",
        "verify",
        "wrong",
        "evaluate",
        "check",
    )
    with pytest.raises(ValueError, match="preset"):
        ReflectiveWords("fr")


def test_monitor_reproduces_hand_counted_frequencies_and_returns_no_reward():
    completions = [
        [
            {
                "role": "assistant",
                "content": "<think>7+8=15. Wait, that is wrong? Let me check the sum again: it is 15.</think>15",
            }
        ],
        [{"role": "assistant", "content": "<think>We add 3 and 4, but let us verify: 7.</think>7"}],
        [{"role": "assistant", "content": "<think>我们计算 2+2，等等，验证一下"}],  # truncated
    ]
    eos = 0
    ids = [[1] * 39 + [eos], [1] * 19 + [eos], [1] * 50]  # 40 + 20 + 50 = 110 tokens
    logged = {}
    monitor = ReflectionMonitor(reflective_words="all", language="en", eos_token_ids=[eos])
    rewards = monitor(
        completions=completions,
        completion_ids=ids,
        prompts=[[{"role": "user", "content": "q"}]] * 3,
        log_metric=logged.__setitem__,
        trainer_state=None,
        log_extra=lambda *a: None,
    )
    assert rewards == [None, None, None]
    # wait, wrong, check | but, verify | 等等, 验证: 7 reflective words in 110 tokens
    assert logged["reasoning/reflective_words_per_1k_tokens"] == pytest.approx(1000 * 7 / 110)
    assert logged["reasoning/response_length"] == pytest.approx(110 / 3)
    assert logged["reasoning/truncation_rate"] == pytest.approx(1 / 3)
    assert logged["reasoning/language_consistency"] == pytest.approx(2 / 3)  # English, English, Chinese
    assert logged["reasoning/language_mix_ratio"] == pytest.approx(1 / 3)
    # a per-row language column overrides the default: the Chinese chain of thought is consistent with zh
    logged.clear()
    monitor(
        completions=completions,
        completion_ids=ids,
        language=["en", "en", "zh"],
        log_metric=logged.__setitem__,
    )
    assert logged["reasoning/language_consistency"] == 1.0 and logged["reasoning/language_mix_ratio"] == 0.0


def test_language_target_is_detected_from_the_prompt_when_not_given():
    monitor = ReflectionMonitor()
    metrics = monitor.measure(
        ["<think>我们把两个数相加。</think>答案是七", "<think>We add them.</think>7"],
        [10, 10],
        prompts=["小明有三个苹果，又买了四个，一共有几个？", "What is 3 plus 4?"],
    )
    assert metrics["reasoning/language_consistency"] == 1.0
    arithmetic = monitor.measure(
        ["<think>x</think>7"], [3], prompts=["3+4"]
    )  # no language to be consistent with
    assert "reasoning/language_consistency" not in arithmetic


def test_per_1k_token_rate_pools_tokens_over_the_batch():
    assert reflective_words_per_1k_tokens(["wait", "", ""], [10, 10, 980]) == pytest.approx(1.0)
    assert reflective_words_per_1k_tokens([], []) == 0.0


def test_monitor_needs_token_ids_and_a_supported_language():
    with pytest.raises(ValueError, match="completion_ids"):
        ReflectionMonitor()(completions=["wait"])
    with pytest.raises(ValueError, match="unsupported language"):
        ReflectionMonitor(language="klingon")


def test_monitor_is_picklable_for_trls_spawned_reward_processes():
    import pickle

    monitor = pickle.loads(pickle.dumps(ReflectionMonitor(reflective_words=["hmm"], per_word=True)))
    logged = {}
    monitor(completions=["hmm hmm"], completion_ids=[[1, 2]], log_metric=logged.__setitem__)
    assert logged["reasoning/reflective/hmm"] == 1000.0 and monitor.__name__ == "reflection_monitor"


def _length_reward(completions, **kwargs):
    from trl_r1.text.completion import completion_text

    return [float(len(completion_text(c)) % 5) for c in completions]


def _train(model_dir, output_dir, monitored):
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    funcs, weights = [_length_reward], [1.0]
    eos = AutoTokenizer.from_pretrained(model_dir).eos_token_id
    callbacks = None
    if monitored:
        funcs, weights = with_monitor(funcs, weights, ReflectionMonitor(language="en", eos_token_ids=[eos]))
        callbacks = [DashboardCallback()]
    data = Dataset.from_list([{"prompt": f"Question {i}: wait, check {i}+{i}."} for i in range(8)])
    args = GRPOConfig(
        output_dir=str(output_dir),
        max_steps=1,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        logging_steps=1,
        learning_rate=1e-2,
        seed=0,
        reward_weights=weights,
        **cpu_training_args(),
    )
    trainer = GRPOTrainer(
        model=model_dir, reward_funcs=funcs, args=args, train_dataset=data, callbacks=callbacks
    )
    trainer.train()
    return trainer


def test_monitor_logs_through_trl_and_leaves_grpo_training_unchanged(tiny_model_dir, tmp_path):
    from transformers import AutoModelForCausalLM

    plain = _train(tiny_model_dir, tmp_path / "plain", monitored=False)
    watched = _train(tiny_model_dir, tmp_path / "watched", monitored=True)
    initial = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    assert not all(
        torch.equal(a, b) for a, b in zip(initial.parameters(), plain.model.parameters())
    )  # it trained
    for a, b in zip(plain.model.parameters(), watched.model.parameters(), strict=True):
        assert torch.equal(a, b)  # same samples, same advantages, same update
    logs = [
        entry for entry in watched.state.log_history if "reasoning/reflective_words_per_1k_tokens" in entry
    ]
    assert len(logs) == 1
    assert logs[0]["reasoning/response_length"] > 0 and 0 <= logs[0]["reasoning/truncation_rate"] <= 1
    assert logs[0]["rewards/reflection_monitor/mean"] is None  # the monitor scored nothing
    png = tmp_path / "watched" / "dashboard.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # DashboardCallback drew it when training ended


def test_a_language_column_the_detector_cannot_use_never_stops_training():
    metrics = ReflectionMonitor().measure(
        ["<think>We add them.</think>7", "print(7)"], [5, 3], languages=["en", "python"]
    )
    assert metrics["reasoning/language_consistency"] == 1.0  # the python row is left out, not an exception
