"""R1 stage 1 end to end on the tiny model: cold-start SFT teaches the format and to stop; LoRA; the recipe."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from testkit import REPO_ROOT, cpu_training_args
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import ModelConfig, SFTConfig

from trl_r1.data.cold_start import ColdStartFormat, DatasetShapeError
from trl_r1.data.loading import load_dataset_spec
from trl_r1.generation import SamplingParams, TransformersBackend
from trl_r1.models.tiny import save_tiny_model
from trl_r1.training.sft import DROPPED_FILE, REPORT_FILE, ColdStartArguments, train_cold_start

MARKERS = ("<think>", "</think>")
SFT_DATA = "synthetic://arithmetic?split=sft&layout=r1&n=512&seed=0"


@pytest.fixture(scope="module")
def tiny_base_dir(tmp_path_factory) -> str:
    """The tiny model WITHOUT the R1 tags, like a real base model: surgery has work to do."""
    return save_tiny_model(tmp_path_factory.mktemp("tiny_base") / "model", hidden_size=64, extra_tokens=())


def sft_args(output_dir, **overrides) -> SFTConfig:
    kwargs = dict(
        output_dir=str(output_dir),
        max_steps=200,
        per_device_train_batch_size=8,
        learning_rate=3e-3,
        lr_scheduler_type="cosine",
        warmup_steps=10,
        max_length=256,
        logging_steps=100,
        seed=0,
        **cpu_training_args(),
    )
    kwargs.update(overrides)
    return SFTConfig(**kwargs)


def assert_markers_are_single_surviving_tokens(path):
    tok = AutoTokenizer.from_pretrained(path)
    for marker in MARKERS:
        ids = tok.encode(marker, add_special_tokens=False)
        assert len(ids) == 1, (marker, ids)
        assert tok.decode(ids, skip_special_tokens=True) == marker


@pytest.fixture(scope="module")
def stage1_dir(tiny_base_dir, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("stage1") / "out"
    script = ColdStartArguments(dataset_name=SFT_DATA, language="en")
    return train_cold_start(
        script, sft_args(out), ModelConfig(model_name_or_path=tiny_base_dir, dtype="float32")
    )


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_after_cold_start_sft_samples_follow_the_format_and_end_with_eos(stage1_dir):
    assert_markers_are_single_surviving_tokens(stage1_dir)
    prompts = load_dataset_spec("synthetic://arithmetic?split=test&layout=r1&n=16&seed=0")["prompt"]
    backend = TransformersBackend(stage1_dir)
    samples = [
        s
        for group in backend.generate(list(prompts), SamplingParams(num_samples=4, max_new_tokens=96))
        for s in group
    ]
    fmt = ColdStartFormat()
    good = [s for s in samples if s.finished and fmt.split(s.text) is not None]
    assert len(good) / len(samples) >= 0.9, [s.text for s in samples[:4]]


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_stage1_reports_every_count_and_keeps_eos_where_generation_stops(stage1_dir):
    report = json.loads((Path(stage1_dir) / REPORT_FILE).read_text())
    assert report["format"] == {"total": 512, "formatted": 512, "failed": {}}
    assert report["filters"]["kept"] == report["train_rows"] == 512
    assert report["surgery"]["added_tokens"] == list(MARKERS)
    assert (Path(stage1_dir) / DROPPED_FILE).read_text() == ""
    tok = AutoTokenizer.from_pretrained(stage1_dir)
    model = AutoModelForCausalLM.from_pretrained(stage1_dir)
    eos = model.generation_config.eos_token_id
    assert tok.convert_tokens_to_ids("<|im_end|>") in (eos if isinstance(eos, list) else [eos])


def test_a_dataset_missing_a_field_fails_before_any_model_is_loaded(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"problem": "2+2?", "reasoning": "2+2=4"}) + "\n")
    script = ColdStartArguments(dataset_name=str(data))
    # The model path does not exist: the dataset error must come first.
    with pytest.raises(DatasetShapeError, match="missing field summary.*accepted shapes"):
        train_cold_start(
            script, sft_args(tmp_path / "out"), ModelConfig(model_name_or_path=str(tmp_path / "nope"))
        )


def test_rows_longer_than_max_length_are_dropped_and_reported_not_truncated(tiny_base_dir, tmp_path):
    rows = [
        {"problem": "2+2?", "reasoning": "2+2=4", "summary": "4"},
        {"problem": "long", "reasoning": "step. " * 100, "summary": "done"},
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows))
    out = train_cold_start(
        ColdStartArguments(dataset_name=str(data), readability_filters=False),
        sft_args(tmp_path / "out", max_steps=1, max_length=64),
        ModelConfig(model_name_or_path=tiny_base_dir, dtype="float32"),
    )
    report = json.loads((Path(out) / REPORT_FILE).read_text())
    assert report["too_long"] == 1 and report["train_rows"] == 1
    dropped = [json.loads(line) for line in (Path(out) / DROPPED_FILE).read_text().splitlines()]
    assert [(d["reason"], d["row"]["prompt"][0]["content"]) for d in dropped] == [("too_long", "long")]


def lora_stage1(tiny_base_dir, out, merge):
    script = ColdStartArguments(
        dataset_name="synthetic://arithmetic?split=sft&layout=r1&n=32&seed=0",
        check_language=False,
        lora_merge=merge,
    )
    model_args = ModelConfig(
        model_name_or_path=tiny_base_dir,
        dtype="float32",
        use_peft=True,
        lora_r=8,
        lora_alpha=16,
        lora_target_modules=["q_proj", "v_proj"],
    )
    return train_cold_start(script, sft_args(out, max_steps=10), model_args)


def marker_rows(path):
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    ids = tok.convert_tokens_to_ids(list(MARKERS))
    weight = model.get_input_embeddings().weight.detach()
    return model, weight[ids], weight[: min(ids)].mean(0)  # the markers were appended after the base vocab


def test_lora_path_trains_the_new_token_rows_saves_merged_and_grpo_loads_it_by_path(tiny_base_dir, tmp_path):
    from trl import GRPOConfig, GRPOTrainer

    out = lora_stage1(tiny_base_dir, tmp_path / "lora", merge=True)
    assert not (Path(out) / "adapter_config.json").exists()
    assert_markers_are_single_surviving_tokens(out)
    _, rows, mean = marker_rows(out)
    assert not torch.allclose(rows, mean.expand_as(rows))  # moved away from the mean init: they were trained

    prompts = load_dataset_spec("synthetic://arithmetic?split=rl&layout=r1&n=4&seed=0")
    grpo_args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"),
        max_steps=1,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=16,
        beta=0.001,
        **cpu_training_args(),
    )
    trainer = GRPOTrainer(
        model=out,
        reward_funcs=lambda completions, **kw: [1.0] * len(completions),
        args=grpo_args,
        train_dataset=prompts,
    )
    assert trainer.train().global_step == 1  # beta > 0: the reference model is reloaded from the same path


def test_lora_adapter_is_saved_with_its_resized_base_and_loads_by_one_path(tiny_base_dir, tmp_path):
    out = lora_stage1(tiny_base_dir, tmp_path / "adapter", merge=False)
    assert (Path(out) / "adapter_config.json").exists()
    model, rows, mean = marker_rows(out)  # transformers + peft: one from_pretrained call
    assert hasattr(model, "peft_config")
    assert not torch.allclose(rows, mean.expand_as(rows))
    assert_markers_are_single_surviving_tokens(out)


@pytest.mark.slow  # trains end to end: `make test-fast` leaves it out
def test_recipe_runs_under_accelerate_launch_on_cpu_and_leaves_a_loadable_model(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "TRL_R1_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    cmd = [
        str(Path(sys.executable).parent / "accelerate"),
        "launch",
        "recipes/r1_stage1.py",
        "--config",
        "recipes/tiny/stage1.yaml",
        "--output_dir",
        str(out),
        "--max_steps",
        "3",
    ]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    AutoModelForCausalLM.from_pretrained(out)
    assert_markers_are_single_surviving_tokens(out)


def test_recipe_configs_parse_with_trl_parser():
    from trl import TrlParser

    for config in sorted((REPO_ROOT / "recipes").glob("*/stage1*.yaml")):
        parser = TrlParser((ColdStartArguments, SFTConfig, ModelConfig))
        # CPU overrides: the real configs ask for bf16 on GPUs.
        script, training, model = parser.parse_args_and_config(
            ["--config", str(config), "--use_cpu", "true", "--bf16", "false"]
        )
        assert script.dataset_name and model.model_name_or_path, config
