"""Rejection sampling (R1 stage 3): sample, verify, filter, mix, and account for every sample."""

import json
import sys
import types
import zlib

import pytest
from datasets import load_from_disk

from trl_r1.cli import main as cli_main
from trl_r1.generation import BACKENDS, Sample, SamplingParams, VLLMBackend, VLLMServerBackend
from trl_r1.rejection import (
    InvalidInput,
    RejectionSamplingConfig,
    RewardScorer,
    ShardStore,
    rejection_sample,
    select_samples,
    sft_pair,
)
from trl_r1.rejection.runner import build_filters
from trl_r1.rejection.sampler import run_shards
from trl_r1.rejection.selection import reward_filters


class HashReward:
    """Deterministic stand-in for a correctness check on random tiny-model text: crc32 parity."""

    __name__ = "hash_reward"

    def __call__(self, completions, solution, **kwargs):
        return [float(zlib.crc32(json.dumps(c).encode()) % 2) for c in completions]


def _solution(question: str, answer: int) -> str:
    return f"<think>\nadd {question} column by column\n</think>\n\n{question}={answer}, so $\\boxed{{{answer}}}$."


class ScriptedBackend:
    """Per arithmetic prompt, k=4 samples: correct, the same up to whitespace, wrong, and correct but truncated."""

    name = "scripted"

    def __init__(self):
        self.calls = 0

    def generate(self, prompts, params):
        self.calls += 1
        out = []
        for p in prompts:
            question = p[-1]["content"]
            answer = sum(int(x) for x in question.split("+"))
            good = _solution(question, answer)
            out.append(
                [
                    Sample(good, 20, True),
                    Sample(good.replace("\n\n", "\n \n "), 21, True),
                    Sample(_solution(question, answer + 1), 20, True),
                    Sample(good, 64, False),
                ][: params.num_samples]
            )
        return out


def _row(i, text, n=10, prompt=0, finished=True, reward=1.0):
    return dict(
        prompt_index=prompt,
        sample_index=i,
        completion=text,
        num_tokens=n,
        finished=finished,
        rewards={"acc": reward},
        prompt=[{"role": "user", "content": "What is 2+2?"}],
    )


LONG = (
    "First we look at the units digit of each number and add them together, writing down the last digit of "
    "that sum and carrying anything above nine into the next column. Then we move to the tens column, where "
    "we add both tens digits along with whatever was carried before. Finally we check the result by "
    "subtracting one of the original numbers from the total, which should give back the other number exactly."
)


def test_each_filter_drops_what_it_must_and_keeps_what_it_must():
    config = RejectionSamplingConfig(
        sampling_model="m",
        dataset_name="d",
        samples_dir="o",
        reward_funcs=[HashReward()],
        min_tokens=5,
        max_tokens=50,
    )
    filters = build_filters(config, ["acc"])
    ok = f"<think>\n{LONG}\n</think>\n\nThe answer is 4."
    rows = [
        _row(0, ok),  # kept
        _row(1, ok, reward=0.0),  # wrong answer
        _row(2, ok, reward=None),  # nobody could check it
        _row(3, ok, finished=False),  # cut off by the token limit
        _row(4, ok, n=3),  # too short
        _row(5, ok, n=51),  # too long
        _row(6, "<think>\n```\nprint(2+2)\n```\n</think>\n\n4"),  # code block in a math CoT
        _row(7, "<think>\nreasoning, no summary\n</think>"),  # no summary
        _row(8, ok.replace(" ", "  ")),  # exact duplicate up to whitespace
        _row(9, ok.replace("Finally", "Lastly")),  # near duplicate
        _row(10, "<think>\nfour is two plus two\n</think>\n\n4", n=8),  # different: kept
    ]
    s = select_samples(rows, filters, near_duplicate_threshold=0.9)
    reasons = {row["sample_index"]: reason for row, reason in s.dropped_rows}
    assert sorted(r["sample_index"] for r in s.kept) == [0, 10], reasons
    assert reasons == {
        1: "reward:acc",
        2: "unscorable:acc",
        3: "truncated",
        4: "length",
        5: "length",
        6: "code_in_reasoning",
        7: "missing_summary",
        8: "duplicate",
        9: "near_duplicate",
    }
    assert len(s.kept) + sum(s.dropped.values()) == len(rows)


def test_per_prompt_cap_keeps_the_shortest_or_the_most_diverse():
    texts = {
        0: "alpha beta gamma delta epsilon zeta",
        1: "alpha beta gamma delta epsilon eta theta",
        2: "one two three four five six seven",
        3: "alpha beta gamma delta epsilon zeta eta iota kappa",
    }
    lengths = {0: 30, 1: 10, 2: 40, 3: 20}
    rows = [_row(i, t, n=lengths[i]) for i, t in texts.items()]
    shortest = select_samples(rows, near_duplicate_threshold=None, max_per_prompt=2, selection="shortest")
    assert [r["sample_index"] for r in shortest.kept] == [1, 3]
    assert shortest.dropped["per_prompt_cap"] == 2
    diverse = select_samples(rows, near_duplicate_threshold=None, max_per_prompt=2, selection="diverse")
    # starts from the shortest (1), then takes the one sharing no trigram with it (2)
    assert [r["sample_index"] for r in diverse.kept] == [1, 2]
    # the cap is per prompt: another prompt's samples are untouched
    other = [_row(i, t, n=lengths[i], prompt=1) for i, t in texts.items()]
    assert len(select_samples(rows + other, near_duplicate_threshold=None, max_per_prompt=2).kept) == 4


def test_judge_decides_only_where_the_rule_cannot():
    def rule(completions, solution, **kw):
        return [None if s is None else float(c == s) for c, s in zip(completions, solution)]

    asked = []

    def judge(prompts, completions, **kw):
        asked.extend(completions)
        return [1.0 if "four" in c else 0.0 for c in completions]

    scores = RewardScorer([rule], judge=judge).score(
        ["q1", "q2", "q3"], ["4", "four", "five"], [None] * 3, {"solution": ["4", None, None]}
    )
    assert asked == ["four", "five"]
    assert scores == [({"rule": 1.0}, False), ({"rule": 1.0}, True), ({"rule": 0.0}, True)]


def test_sft_rows_move_a_prefilled_think_into_the_completion():
    prompt, completion = sft_pair(
        [{"role": "user", "content": "1+1"}, {"role": "assistant", "content": "<think>"}],
        "\n1+1=2\n</think>\n\n2",
    )
    assert prompt == [{"role": "user", "content": "1+1"}]
    assert completion[0]["content"].startswith("<think>\n1+1=2")


def test_end_to_end_keeps_verified_samples_mixes_3_to_1_and_the_report_adds_up(tmp_path):
    n = 12
    config = RejectionSamplingConfig(
        sampling_model="scripted",
        dataset_name=f"synthetic://arithmetic?split=rl&n={n}&layout=r1",
        samples_dir=str(tmp_path),
        num_samples=4,
        shard_size=5,
        reward_funcs=["trl.rewards.accuracy_reward"],
        non_reasoning_dataset="synthetic://non_reasoning?n=100",
    )
    report = rejection_sample(config, backend=ScriptedBackend(), progress=False)

    assert report == json.loads((tmp_path / "report.json").read_text())
    assert all(isinstance(report[k], int) for k in ("prompts", "generated", "kept"))
    assert (report["prompts"], report["generated"], report["kept"]) == (n, 4 * n, n)
    assert report["generated"] == report["kept"] + sum(report["dropped"].values())
    assert {k: v for k, v in report["dropped"].items() if v} == {
        "reward:accuracy_reward": n,
        "truncated": n,
        "duplicate": n,
    }
    assert report["pass_rate_histogram"] == {"0/4": 0, "1/4": 0, "2/4": 0, "3/4": n, "4/4": 0}
    assert report["non_reasoning"] == round(n / 3)

    ds = load_from_disk(str(tmp_path / "dataset"))
    assert len(ds) == report["rows"] == n + round(n / 3)
    reasoning = ds.filter(lambda r: r["kind"] == "reasoning")
    assert all(
        r["sample_index"] == 0 and r["source"] == "scripted" and r["rewards"]["accuracy_reward"] == 1.0
        for r in reasoning
    )
    assert all("<think>" in r["completion"][0]["content"] for r in reasoning)
    mixed = ds.filter(lambda r: r["kind"] == "non_reasoning")
    assert all("<think>" not in r["completion"][0]["content"] and r["rewards"] is None for r in mixed)
    dropped = [json.loads(line) for line in (tmp_path / "dropped.jsonl").read_text().splitlines()]
    assert len(dropped) == sum(report["dropped"].values())

    # re-selecting with other filters reuses the shards: nothing is generated again
    backend = ScriptedBackend()
    config.drop_truncated, config.dedupe, config.near_duplicate_threshold = False, False, None
    again = rejection_sample(config, backend=backend, progress=False)
    assert backend.calls == 0 and again["shards"]["resumed"] == again["shards"]["total"]
    assert again["kept"] == 3 * n and again["generated"] == again["kept"] + sum(again["dropped"].values())


def test_resuming_with_other_sampling_settings_is_refused(tmp_path):
    base = dict(
        sampling_model="scripted",
        dataset_name="synthetic://arithmetic?split=rl&n=4&layout=r1",
        samples_dir=str(tmp_path),
        num_samples=2,
        reward_funcs=["trl.rewards.accuracy_reward"],
    )
    rejection_sample(RejectionSamplingConfig(**base), backend=ScriptedBackend(), progress=False)
    with pytest.raises(InvalidInput, match="num_samples"):
        rejection_sample(RejectionSamplingConfig(**{**base, "num_samples": 3}), backend=ScriptedBackend())


def test_bad_input_fails_before_sampling_and_names_the_problem(tmp_path, tiny_model_dir, capsys):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(json.dumps({"question": "1+1"}) + "\n")
    out = tmp_path / "out"
    code = cli_main(
        [
            "sample",
            "--model",
            tiny_model_dir,
            "--dataset",
            str(prompts),
            "--num-samples",
            "2",
            "--output-dir",
            str(out),
            "--reward-funcs",
            "trl.rewards.accuracy_reward",
        ]
    )
    assert code == 2 and "'solution'" in capsys.readouterr().err
    assert not (out / "shards").exists()  # nothing was sampled
    prompts.write_text(json.dumps({"question": "1+1", "answer": "2"}) + "\n")  # 'answer' is taken as the gold
    code = cli_main(
        [
            "sample",
            "--model",
            str(tmp_path / "no-such-model"),
            "--dataset",
            str(prompts),
            "--num-samples",
            "2",
            "--output-dir",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no-such-model" in err and "does not exist" in err
    with pytest.raises(InvalidInput, match="no prompt column"):
        prompts.write_text(json.dumps({"text": "1+1"}) + "\n")
        rejection_sample(
            RejectionSamplingConfig(
                sampling_model=tiny_model_dir, dataset_name=str(prompts), samples_dir=str(out)
            )
        )


def test_shards_are_split_across_processes_without_changing_a_row(tmp_path, tiny_model_dir):
    from trl_r1.generation import TransformersBackend
    from trl_r1.rejection.sampler import prepare_prompts

    config = RejectionSamplingConfig(
        sampling_model=tiny_model_dir,
        dataset_name="synthetic://arithmetic?split=rl&n=6&layout=r1",
        samples_dir="unused",
        num_samples=2,
        max_new_tokens=6,
        shard_size=2,
        reward_funcs=[HashReward()],
    )
    from trl_r1.data.loading import load_dataset_spec

    prompts = prepare_prompts(load_dataset_spec(config.dataset_name).to_list(), config)
    backend = TransformersBackend(tiny_model_dir, batch_size=4)
    scorer = RewardScorer(config.reward_funcs)
    single, split = ShardStore(tmp_path / "one"), ShardStore(tmp_path / "two")
    for store in (single, split):
        store.dir.mkdir(parents=True)
    run_shards(lambda: backend, scorer, prompts, config, single, progress=False)
    for rank in (1, 0):  # rank 1 first: order of completion must not matter
        stats = run_shards(
            lambda: backend, scorer, prompts, config, split, rank=rank, world=2, progress=False
        )
        assert stats["shards_sampled"] == (2 if rank == 0 else 1)
    assert [single.read(i) for i in range(3)] == [split.read(i) for i in range(3)]


def test_vllm_backends_fail_clearly_without_the_extra_and_map_r1_sampling(monkeypatch, tiny_model_dir):
    assert {"transformers", "vllm", "vllm-server"} <= set(BACKENDS)
    if "vllm" not in sys.modules:
        with pytest.raises(ImportError, match=r"trl-r1\[vllm\]"):
            VLLMBackend(tiny_model_dir)
        with pytest.raises(ImportError, match=r"trl-r1\[vllm\]"):
            VLLMServerBackend(tiny_model_dir)
    params = SamplingParams(
        num_samples=2, max_new_tokens=5, seed=7
    )  # R1 defaults: temperature 0.6, top-p 0.95

    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    eos, a, b = tok.eos_token_id, *tok.encode("ab", add_special_tokens=False)
    sent = {}

    class FakeClient:
        def generate(self, **kwargs):
            sent.update(kwargs)
            return {"completion_ids": [[a, eos], [a, b, a, b, a], [b, eos], [a, a, a, a, a]]}

    server = VLLMServerBackend(tiny_model_dir, client=FakeClient())
    groups = server.generate(["1+1=", [{"role": "user", "content": "2+2"}]], params)
    assert {k: sent[k] for k in ("n", "temperature", "top_p", "max_tokens")} == {
        "n": 2,
        "temperature": 0.6,
        "top_p": 0.95,
        "max_tokens": 5,
    }
    assert sent["generation_kwargs"] == {"seed": 7} and isinstance(sent["prompts"][1][0], int)
    assert [[(s.text, s.finished) for s in g] for g in groups] == [
        [("a", True), ("ababa", False)],
        [("b", True), ("aaaaa", False)],
    ]

    class FakeLLM:
        def __init__(self, model, tokenizer=None, **kwargs):
            self.kwargs = kwargs

        def get_tokenizer(self):
            return tok

        def generate(self, inputs, sampling, use_tqdm=False):
            self.sampling = sampling
            out = types.SimpleNamespace(text="ok", token_ids=[a, eos], finish_reason="stop")
            return [types.SimpleNamespace(outputs=[out] * s.n) for s in sampling]

    fake_vllm = types.SimpleNamespace(LLM=FakeLLM, SamplingParams=lambda **kw: types.SimpleNamespace(**kw))
    monkeypatch.setitem(sys.modules, "vllm", fake_vllm)
    monkeypatch.setattr("trl_r1.generation.vllm_available", lambda: True)
    engine = VLLMBackend(tiny_model_dir, gpu_memory_utilization=0.5)
    groups = engine.generate(["x", "y"], params)
    assert engine.llm.kwargs == {"gpu_memory_utilization": 0.5}
    assert [vars(s) for s in engine.llm.sampling] == [
        dict(n=2, temperature=0.6, top_p=0.95, max_tokens=5, seed=7 + i) for i in range(2)
    ]
    assert [len(g) for g in groups] == [2, 2] and groups[0][0] == Sample("ok", 2, True)


def test_reward_filters_skip_rewards_recorded_without_a_threshold():
    filters = reward_filters(["acc", "fmt"], [1.0, float("-inf")])
    assert [f.name for f in filters] == ["unscorable:acc", "reward:acc"]
