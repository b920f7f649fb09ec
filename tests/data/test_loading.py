"""Model aliases and dataset specs: a tiny recipe runs offline on a clean clone."""

import json

import pytest
from transformers import AutoTokenizer

from trl_r1.data.loading import load_dataset_spec
from trl_r1.models.resolve import resolve_model


def test_tiny_aliases_build_once_with_and_without_r1_tags(tmp_path, monkeypatch):
    monkeypatch.setenv("TRL_R1_CACHE", str(tmp_path))
    with_tags = resolve_model("trl-r1/tiny?hidden_size=32")
    assert resolve_model("trl-r1/tiny?hidden_size=32") == with_tags  # cached
    base = resolve_model("trl-r1/tiny-base?hidden_size=32")
    assert len(AutoTokenizer.from_pretrained(with_tags).encode("<think>")) == 1
    assert len(AutoTokenizer.from_pretrained(base).encode("<think>")) == len(
        "<think>"
    )  # bytes: surgery needed
    assert resolve_model("Qwen/Qwen2.5-1.5B") == "Qwen/Qwen2.5-1.5B"
    with pytest.raises(ValueError, match="unknown tiny-model option"):
        resolve_model("trl-r1/tiny?hidden=3")


def test_synthetic_specs_are_disjoint_across_splits_and_carry_layouts():
    sft = load_dataset_spec("synthetic://arithmetic?split=sft&layout=r1&n=300")
    rl = load_dataset_spec("synthetic://arithmetic?split=grpo&layout=r1_zero&n=2000")
    test = load_dataset_spec("synthetic://arithmetic?split=test&layout=none&n=200")
    assert not set(sft["question"]) & set(rl["question"]) | set(sft["question"]) & set(test["question"])
    assert not set(rl["question"]) & set(test["question"])
    assert sft[0]["completion"][0]["role"] == "assistant" and "\\boxed{" in sft[0]["completion"][0]["content"]
    assert "completion" not in rl.column_names and rl[0]["prompt"].endswith("Assistant:")
    assert test.column_names == ["question", "solution"]
    # held-out problems stay held out whatever seed a later stage samples its prompts with
    other_seeds = set(
        load_dataset_spec("synthetic://arithmetic?split=rl&layout=none&n=3000&seed=7")["question"]
    )
    other_seeds |= set(
        load_dataset_spec("synthetic://arithmetic?split=sft&layout=none&n=1000&seed=3")["question"]
    )
    assert not other_seeds & set(
        load_dataset_spec("synthetic://arithmetic?split=test&layout=none&n=500")["question"]
    )
    with pytest.raises(ValueError, match="only"):
        load_dataset_spec("synthetic://arithmetic?split=test&n=100000")
    with pytest.raises(ValueError, match="unknown option"):
        load_dataset_spec("synthetic://arithmetic?nn=3")


def test_local_files_load_and_missing_files_are_named(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(json.dumps({"question": f"q{i}", "solution": str(i)}) for i in range(3)))
    assert load_dataset_spec(str(f))["solution"] == ["0", "1", "2"]
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        load_dataset_spec(str(tmp_path / "nope.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{oops\n')
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        load_dataset_spec(str(bad))
