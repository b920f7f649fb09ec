"""The tiny offline model, the synthetic task and the prompt templates."""

import pytest
from transformers import AutoModelForCausalLM, AutoTokenizer

from trl_r1.data import make_splits, to_dataset
from trl_r1.generation import SamplingParams, TransformersBackend
from trl_r1.text.completion import R1_TAGS, parse_completion
from trl_r1.text.templates import r1_zero_prompt


def test_tiny_model_reloads_by_path_with_tags_as_single_non_special_tokens(tiny_model_dir):
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    assert model.config._name_or_path == tiny_model_dir  # TRL rebuilds the reference model from this
    for tag in R1_TAGS:
        ids = tok.encode(tag, add_special_tokens=False)
        assert len(ids) == 1, tag
        assert tok.decode(ids, skip_special_tokens=True) == tag  # survives GRPO's decoding
    assert model.get_input_embeddings().weight.shape[0] % 64 == 0
    assert tok.eos_token_id in [model.generation_config.eos_token_id]
    rendered = tok.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert rendered.endswith("<|im_start|>assistant\n")
    assert "{% generation %}" in tok.chat_template


def test_synthetic_splits_are_deterministic_and_disjoint():
    a = make_splits({"sft": 200, "grpo": 500, "test": 100}, seed=3)
    b = make_splits({"sft": 200, "grpo": 500, "test": 100}, seed=3)
    assert [p.question for p in a["test"]] == [p.question for p in b["test"]]
    qs = {name: {p.question for p in split} for name, split in a.items()}
    assert not (qs["sft"] & qs["grpo"] or qs["sft"] & qs["test"] or qs["grpo"] & qs["test"])
    assert all(len(v) == n for v, n in zip(qs.values(), (200, 500, 100)))


def test_worked_solutions_parse_to_the_gold_answer():
    for p in make_splits({"x": 50}, seed=0, digits=3, operands=3)["x"]:
        z = parse_completion(p.r1_zero_solution())
        assert z.answer == str(p.answer) and z.reasoning
        r = parse_completion(p.r1_solution())
        assert f"\\boxed{{{p.answer}}}" in r.summary and r.reasoning
    # the chain of thought really is column addition: last step's total gives the leading digits
    assert make_splits({"x": 1}, seed=0)["x"][0].reasoning().count(",") == 1


def test_r1_zero_template_matches_paper_and_supports_both_formats():
    s = r1_zero_prompt("3+4")
    assert s.startswith("A conversation between User and Assistant.")
    assert "<think> </think> and <answer> </answer>" in s and s.endswith("User: 3+4. Assistant:")
    assert r1_zero_prompt("3+4", prefill_think=True).endswith("Assistant: <think>")
    msgs = r1_zero_prompt("3+4", conversational=True)
    assert [m["role"] for m in msgs] == ["system", "user"]
    ds = to_dataset(make_splits({"x": 4})["x"], prompt_fn=r1_zero_prompt, solution_layout="r1_zero")
    assert set(ds.column_names) == {"question", "solution", "prompt", "completion"}


def test_bad_task_parameters_are_rejected():
    with pytest.raises(ValueError, match="distinct problems"):
        make_splits({"x": 200}, digits=1)


def test_transformers_backend_samples_k_per_prompt_deterministically(tiny_model_dir):
    backend = TransformersBackend(tiny_model_dir, batch_size=8)
    params = SamplingParams(num_samples=3, max_new_tokens=8, seed=1)
    prompts = ["1+1=", [{"role": "user", "content": "2+2"}]]
    first = backend.generate(prompts, params)
    assert [len(g) for g in first] == [3, 3]
    assert all(0 < s.num_tokens <= 8 for g in first for s in g)
    assert backend.generate(prompts, params) == first
