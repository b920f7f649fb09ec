"""Bad input is caught before any work, as one line naming the stage/option and the fix, exit code 2
(issue 17: `trl-r1 run`, `--dry-run`, the stage scripts and the subcommands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from trl_r1.cli import main

TINY = "trl-r1/tiny?hidden_size=64"
SFT_DATA = "synthetic://arithmetic?split=sft&layout=r1_zero&prompt=plain&n=16"
RL_DATA = "synthetic://arithmetic?split=rl&layout=r1_zero&prompt=plain&n=16"
CPU = {"use_cpu": True, "bf16": False, "report_to": "none", "gradient_checkpointing": False}


def recipe(tmp_path: Path, sft_args=None, grpo_args=None, **grpo_keys) -> Path:
    """A two-stage tiny recipe (sft -> grpo) with the given args, written to a file."""
    data = {
        "name": "bad",
        "model": TINY,
        "defaults": CPU,
        "stages": [
            {
                "name": "cold_start",
                "kind": "sft",
                "dataset": SFT_DATA,
                "args": {"cold_start_format": False, "max_steps": 2, **(sft_args or {})},
            },
            {
                "name": "reasoning_rl",
                "kind": "grpo",
                "dataset": RL_DATA,
                "rewards": ["accuracy"],
                "args": {
                    "max_steps": 2,
                    "per_device_train_batch_size": 8,
                    "num_generations": 4,
                    "max_completion_length": 8,
                    **(grpo_args or {}),
                },
                **grpo_keys,
            },
        ],
    }
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def errors(capsys) -> list[str]:
    """The command's error lines (``PROG: error: ...``; a log handler left by an earlier test may add other lines)."""
    return [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]


def dry_run(path: Path, tmp_path: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    code = main(["run", str(path), "--dry-run", "--output-dir", str(tmp_path / "out"), *extra])
    captured = capsys.readouterr()
    return code, [line for line in captured.err.splitlines() if "error:" in line], captured.out


@pytest.mark.parametrize(
    ("stage", "args", "key", "words"),
    [
        ("sft", {"max_steps": "ten"}, "args.max_steps", "expected an integer, got 'ten'"),
        ("sft", {"learning_rate": [1, 2]}, "args.learning_rate", "expected a number"),
        ("grpo", {"max_steps": -5}, "args.max_steps", "or -1"),
        ("grpo", {"per_device_train_batch_size": 0}, "args.per_device_train_batch_size", "must be >= 1"),
        ("grpo", {"num_generations": 3}, "args.num_generations", "does not divide the generation batch of 8"),
        ("grpo", {"temperature": 0}, "args.temperature", "must be > 0 for GRPO (rollouts are sampled)"),
        ("grpo", {"lr_scheduler_type": "cosinee"}, "args", "not a valid SchedulerType"),
    ],
)
def test_dry_run_rejects_a_bad_argument_value_naming_stage_and_key(tmp_path, capsys, stage, args, key, words):
    path = recipe(
        tmp_path, sft_args=args if stage == "sft" else None, grpo_args=args if stage == "grpo" else None
    )
    code, errors, out = dry_run(path, tmp_path, capsys)
    assert code == 2
    assert len(errors) == 1, errors
    name = "stages[0] cold_start" if stage == "sft" else "stages[1] reasoning_rl"
    assert f"{name}: {key}:" in errors[0] and words in errors[0]
    assert "invalid (1 problem)" in out  # the dry run does not say this stage "runs"
    assert not (tmp_path / "out" / "cold_start").exists()  # nothing was started


def test_a_bad_value_in_a_late_stage_stops_the_run_before_the_first_stage(tmp_path, capsys):
    path = recipe(tmp_path, grpo_args={"max_steps": "ten"})
    code = main(["run", str(path), "--output-dir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "stages[1] reasoning_rl: args.max_steps: expected an integer" in err
    assert not (tmp_path / "out" / "cold_start").exists()


def test_a_valid_tiny_recipe_passes_the_dry_run(tmp_path, capsys):
    code, errors, out = dry_run(recipe(tmp_path), tmp_path, capsys)
    assert (code, errors) == (0, [])
    assert out.count(" runs ") == 2


def test_grpo_num_generations_is_checked_against_the_stages_own_process_count(tmp_path, capsys):
    # 4 prompts x 2 processes = 8 completions per batch: 8 generations fit, 3 do not
    ok = recipe(
        tmp_path,
        grpo_args={"per_device_train_batch_size": 4, "num_generations": 8},
        num_processes=2,
        launcher="torchrun",
    )
    assert dry_run(ok, tmp_path, capsys)[:2] == (0, [])
    bad = recipe(
        tmp_path,
        grpo_args={"per_device_train_batch_size": 4, "num_generations": 3},
        num_processes=2,
        launcher="torchrun",
    )
    code, errors, _ = dry_run(bad, tmp_path, capsys)
    assert code == 2 and "4 x 2 process(es)" in errors[0]


def test_unknown_synthetic_option_and_missing_dataset_file_are_reported(tmp_path, capsys):
    data = yaml.safe_load(recipe(tmp_path).read_text())
    data["stages"][0]["dataset"] = "synthetic://arithmetic?split=sft&colour=red"
    data["stages"][1]["dataset"] = "data/missing.jsonl"
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    code, errors, _ = dry_run(path, tmp_path, capsys)
    assert code == 2 and len(errors) == 2
    assert "stages[0] cold_start: dataset:" in errors[0] and "unknown option(s) ['colour']" in errors[0]
    assert (
        "stages[1] reasoning_rl: dataset:" in errors[1] and "'data/missing.jsonl' does not exist" in errors[1]
    )


def test_missing_extras_are_reported_with_the_install_command(tmp_path, capsys, monkeypatch):
    import trl_r1.training.arguments as checks

    monkeypatch.setattr(checks, "importable", lambda module: module not in ("deepspeed", "wandb", "vllm"))
    path = recipe(
        tmp_path,
        sft_args={"report_to": "wandb"},
        grpo_args={"use_vllm": True},
        accelerate_config="zero2",
        num_processes=2,
    )
    code, errors, _ = dry_run(path, tmp_path, capsys)
    assert code == 2
    text = "\n".join(errors)
    assert "stages[0] cold_start: report_to: wandb is not installed; pip install 'trl-r1[wandb]'" in text
    assert "stages[1] reasoning_rl: accelerate_config: runs DeepSpeed" in text and "trl-r1[deepspeed]" in text
    assert "stages[1] reasoning_rl: use_vllm: vLLM is not installed; pip install 'trl-r1[vllm]'" in text


def test_dry_run_reports_a_stage_only_would_refuse_and_the_run_refuses_it_the_same_way(tmp_path, capsys):
    path = recipe(tmp_path)
    code, errors, out = dry_run(path, tmp_path, capsys, "--only", "reasoning_rl")
    assert code == 2
    assert "refused" in out and " runs " not in out
    assert "reads stage 'cold_start', which is not complete" in errors[0]
    real = main(["run", str(path), "--output-dir", str(tmp_path / "out"), "--only", "reasoning_rl"])
    assert real == 2 and errors[0] in capsys.readouterr().err


def test_the_r1_recipe_dry_run_agrees_with_only_reasoning_rl(tmp_path, capsys):
    root = Path(__file__).resolve().parents[2]
    code, errors, out = dry_run(
        root / "recipes" / "pipelines" / "r1.yaml", tmp_path, capsys, "--only", "reasoning_rl"
    )
    assert code == 2 and "refused" in out
    assert any("reads stage 'cold_start', which is not complete" in e for e in errors)


def test_a_non_utf8_recipe_is_one_line(tmp_path, capsys):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\nstages: []\n".encode("latin-1"))
    assert main(["run", str(path), "--dry-run"]) == 2
    err = errors(capsys)
    assert len(err) == 1 and "not UTF-8" in err[0] and "Traceback" not in err[0]


# --- dataset rows, type-checked before a model is loaded -----------------------------------------


@pytest.mark.parametrize(
    ("lines", "where", "words"),
    [
        (
            ['{"prompt": "1+1=", "solution": "2"}', '{"prompt": "2+2=", "solution": 4}'],
            ":2:",
            "column 'solution' is a number here but a string",
        ),
        (['{"prompt": "1+1=", "solution": "2"}', '["a", "list"]'], ":2:", "expected a JSON object"),
        (['{"prompt": 0}'], ":1:", "'prompt' must be a string or a list of {role, content} messages"),
    ],
)
def test_bad_dataset_rows_name_the_first_bad_line(tmp_path, lines, where, words):
    from trl_r1.data.loading import load_dataset_spec

    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError) as info:
        load_dataset_spec(str(path))
    assert f"{path}{where}" in str(info.value) and words in str(info.value)


def test_sample_rejects_bad_rows_before_loading_a_model(tmp_path, capsys, monkeypatch):
    import trl_r1.rejection.runner as runner

    monkeypatch.setattr(runner, "_make_backend", lambda *a, **k: pytest.fail("a model was loaded"))
    data = tmp_path / "p.jsonl"
    data.write_text('{"prompt": "1+1=", "solution": "2"}\n{"prompt": 0, "solution": "3"}\n')
    code = main(
        ["sample", "--model", "trl-r1/tiny", "--dataset", str(data), "--output-dir", str(tmp_path / "o")]
    )
    err = errors(capsys)
    assert code == 2 and len(err) == 1 and f"{data}:2:" in err[0]


def test_recipe_dry_run_checks_local_dataset_rows(tmp_path, capsys):
    data = tmp_path / "mixed.jsonl"
    data.write_text('{"prompt": "1+1=", "solution": "2"}\n{"prompt": "2+2=", "solution": 4}\n')
    raw = yaml.safe_load(recipe(tmp_path).read_text())
    raw["stages"][1]["dataset"] = str(data)
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(raw))
    code, errors, _ = dry_run(path, tmp_path, capsys)
    assert code == 2 and f"{data}:2:" in errors[0]


# --- subcommand options ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [("--temperature", "-1", "temperature must be >= 0"), ("--top-p", "5", "top_p must be in (0, 1]")],
)
def test_sample_rejects_bad_sampling_values_before_loading(tmp_path, capsys, monkeypatch, flag, value, words):
    import trl_r1.rejection.runner as runner

    monkeypatch.setattr(runner, "rejection_sample", lambda *a, **k: pytest.fail("sampling started"))
    code = main(
        [
            "sample",
            "--model",
            "trl-r1/tiny",
            "--dataset",
            "synthetic://arithmetic?n=4",
            "--output-dir",
            str(tmp_path / "o"),
            flag,
            value,
        ]
    )
    err = errors(capsys)
    assert code == 2 and len(err) == 1 and words in err[0]


def test_sample_rejects_an_output_dir_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("x")
    code = main(
        [
            "sample",
            "--model",
            "trl-r1/tiny",
            "--dataset",
            "synthetic://arithmetic?n=4",
            "--output-dir",
            str(target),
        ]
    )
    err = errors(capsys)
    assert code == 2 and len(err) == 1 and "is a file, not a directory" in err[0]


def test_eval_with_an_unreachable_hub_model_is_one_line(tmp_path, capsys, benchmarks_dir):
    code = main(
        [
            "eval",
            "--model",
            "nobody-trl-r1/no-such-model",
            "--benchmark",
            "gsm8k",
            "--limit",
            "2",
            "--output-dir",
            str(tmp_path / "e"),
        ]
    )
    err = errors(capsys)
    assert code == 2 and len(err) == 1
    assert "cannot load model 'nobody-trl-r1/no-such-model'" in err[0] and "OSError" not in err[0]


def test_tiny_model_refuses_to_overwrite_a_model_unless_asked(tmp_path, capsys):
    from transformers import AutoConfig

    target = tmp_path / "tiny"
    assert main(["tiny-model", str(target), "--hidden-size", "64"]) == 0
    assert main(["tiny-model", str(target), "--hidden-size", "64", "--num-layers", "1"]) == 2
    assert "pass --overwrite" in capsys.readouterr().err
    assert AutoConfig.from_pretrained(target).num_hidden_layers == 2  # the good model is untouched
    assert main(["tiny-model", str(target), "--hidden-size", "64", "--num-layers", "1", "--overwrite"]) == 0
    assert AutoConfig.from_pretrained(target).num_hidden_layers == 1
    assert main(["tiny-model", str(tmp_path / "zero"), "--num-layers", "0"]) == 2


# --- stage scripts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ({"learning_rate": [1, 2]}, "learning_rate: expected a number"),
        ({"max_steps": -5}, "max_steps: must be a positive number"),
        ({"dataset_name": "nowhere.jsonl"}, "does not exist"),
    ],
)
def test_a_stage_script_rejects_bad_yaml_values_before_loading_a_model(
    tmp_path, capsys, monkeypatch, override, words
):
    from trl_r1.training import grpo

    monkeypatch.setattr(grpo, "train_grpo", lambda *a: pytest.fail("training started"))
    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "recipes/tiny/stage2.yaml").read_text())
    config.update(
        output_dir=str(tmp_path / "out"), model_name_or_path="trl-r1/tiny", **override
    )  # one bad value
    path = tmp_path / "stage2.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(SystemExit) as info:
        grpo.main(["--config", str(path)])
    assert info.value.code == 2
    err = errors(capsys)
    assert len(err) == 1 and words in err[0]


def test_the_tiny_stage_configs_pass_the_stage_script_checks(tmp_path, monkeypatch, tiny_model_dir):
    import shutil

    from trl_r1.training import grpo, sft, stage3
    from trl_r1.training.arguments import script_problems

    root = Path(__file__).resolve().parents[2] / "recipes" / "tiny"
    monkeypatch.chdir(tmp_path)  # the models stages 1 and 3 leave, where stages 2 and 4 read them
    for name in ("tiny-stage1", "tiny-stage2", "tiny-stage3"):
        shutil.copytree(tiny_model_dir, tmp_path / "runs" / name)
    for module, name in (
        (sft, "stage1.yaml"),
        (grpo, "stage2.yaml"),
        (stage3, "stage3.yaml"),
        (grpo, "stage4.yaml"),
    ):
        parsed = module.make_parser().parse_args_and_config(args=["--config", str(root / name)])
        assert script_problems(parsed) == [], name


# --- max_prompt_length -------------------------------------------------------------------------------


class _CountingTokenizer:
    """Wraps a tokenizer and records the length of every text it is asked to tokenize."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []
        self.chat_template = None

    def get_vocab(self):
        return self.inner.get_vocab()

    def __call__(self, text, **kwargs):
        self.seen.append(len(text))
        return self.inner(text, **kwargs)


def test_prompts_over_max_prompt_length_are_dropped_and_counted_without_tokenizing_a_huge_one(tiny_model_dir):
    from transformers import AutoTokenizer

    from trl_r1.data.prompt_length import drop_long_prompts

    tokenizer = _CountingTokenizer(AutoTokenizer.from_pretrained(tiny_model_dir))
    huge = "7" * 50_000_000  # a 50 MB prompt line
    rows = [{"prompt": "1+1="}, {"prompt": huge}, {"prompt": "x" * 300}, {"prompt": "2+2="}]
    kept, dropped = drop_long_prompts(rows, tokenizer, max_prompt_length=256)
    assert dropped == 2 and [r["prompt"] for r in kept] == ["1+1=", "2+2="]
    assert max(tokenizer.seen) < 1000  # the 50 MB line was measured, never tokenized
    assert drop_long_prompts(rows, tokenizer, max_prompt_length=None) == (rows, 0)


def test_sampling_drops_a_huge_prompt_and_reports_it(tmp_path, capsys):
    data = tmp_path / "p.jsonl"
    rows = [
        {"prompt": "1+1=", "solution": "2"},
        {"prompt": "9" * 5_000_000, "solution": "1"},
        {"prompt": "2+2=", "solution": "4"},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "o"
    code = main(
        [
            "sample",
            "--model",
            TINY,
            "--dataset",
            str(data),
            "--output-dir",
            str(out),
            "--num-samples",
            "1",
            "--max-new-tokens",
            "4",
            "--backend",
            "transformers",
            "--max-prompt-length",
            "64",
            "--reward-thresholds=-inf",
            "--readability",
            "false",
        ]
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads((out / "report.json").read_text())
    assert report["prompts"] == 2 and report["prompts_too_long"] == 1


def test_shipped_recipes_have_no_problem_but_missing_extras_and_data_you_bring(tmp_path):
    from trl_r1.pipeline.recipe import load_recipe
    from trl_r1.pipeline.validate import recipe_problems

    root = Path(__file__).resolve().parents[2] / "recipes"
    from trl_r1.cli.demo import RECIPE as DEMO_RECIPE

    paths = [p for p in sorted(root.rglob("*.yaml")) if "stages" in (yaml.safe_load(p.read_text()) or {})]
    assert len(paths) >= 5
    for path in [*paths, DEMO_RECIPE]:
        problems, _ = recipe_problems(load_recipe(path), tmp_path / path.stem)
        unexpected = [p for p in problems if "is not installed" not in p and "does not exist" not in p]
        assert unexpected == [], path
        if "tiny" in path.parts or path == DEMO_RECIPE:
            assert problems == [], path  # the offline recipes run here as they are


# --- issue 23: the budgets fit the model's context -----------------------------------------------------------------

# max_position_embeddings of the real models the shipped recipes name (their config.json on the Hub)
CONTEXTS = {
    "Qwen/Qwen2.5-Math-7B": 4096,
    "Qwen/Qwen2.5-Math-1.5B": 4096,
    "Qwen/Qwen2.5-7B": 131072,
    "Qwen/Qwen2.5-1.5B": 131072,
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B": 131072,
}


def _fake_model(root: Path, name: str) -> str:
    """A directory holding only ``name``'s context length: what the fit check reads of a model."""
    path = root / name.replace("/", "--")
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(
        json.dumps({"model_type": "qwen2", "max_position_embeddings": CONTEXTS[name]})
    )
    return str(path)


@pytest.mark.parametrize(
    "name", ["r1_zero.yaml", "distill.yaml", "r1.yaml", "r1_open_data.yaml", "r1_lora.yaml"]
)
def test_the_shipped_recipes_fit_their_models_context(name, tmp_path):
    from trl_r1.pipeline.recipe import load_recipe
    from trl_r1.pipeline.validate import base_model
    from trl_r1.training.model_checks import context_fit_problems

    recipe = load_recipe(Path(__file__).resolve().parents[2] / "recipes" / "pipelines" / name)
    for stage in recipe.stages:
        model = base_model(recipe, stage)
        assert context_fit_problems(stage.kind, stage.args, _fake_model(tmp_path, model)) == [], stage.name


def test_the_qwen_math_stage_config_fits_and_the_papers_8192_would_not(tmp_path):
    from trl_r1.training.model_checks import context_fit_problems

    config = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "recipes" / "qwen2.5-math-7b" / "r1_zero.yaml").read_text()
    )
    model = _fake_model(tmp_path, config["model_name_or_path"])
    assert context_fit_problems("grpo", config, model) == []
    refused = context_fit_problems("grpo", {**config, "max_completion_length": 8192}, model)
    assert refused == [
        f"max_completion_length: 8192 tokens plus 512 prompt token(s) exceed the context of {model} "
        "(max_position_embeddings 4096); use at most 3584"
    ]


def test_an_explicit_eval_budget_does_not_skip_the_cap_and_vllm_max_model_length_is_the_limit(tmp_path):
    from trl_r1.training.model_checks import context_fit_problems

    model = _fake_model(tmp_path, "Qwen/Qwen2.5-Math-1.5B")
    assert context_fit_problems("eval", {"max_new_tokens": 32768}, model)[0].startswith(
        "max_new_tokens: 32768"
    )
    assert (
        context_fit_problems("eval", {"max_new_tokens": None}, model) == []
    )  # the evaluator caps its default
    vllm = {"use_vllm": True, "vllm_max_model_length": 2048, "max_completion_length": 3000}
    assert "vLLM's engine (vllm_max_model_length 2048)" in context_fit_problems("grpo", vllm, model)[0]
    assert (
        "beyond the context"
        in context_fit_problems("grpo", {**vllm, "vllm_max_model_length": 8192}, model)[0]
    )


def test_without_the_models_config_the_dry_run_says_so_and_a_run_refuses(tmp_path, capsys):
    path = tmp_path / "r.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "model": "no-such-org/no-such-model",
                "stages": [
                    {
                        "name": "rl",
                        "kind": "grpo",
                        "dataset": RL_DATA,
                        "rewards": ["accuracy"],
                        "args": {**CPU, "max_steps": 1},
                    }
                ],
            }
        )
    )
    code, errs, out = dry_run(path, tmp_path, capsys)
    assert code == 0 and errs == [] and "note: " in out and "not available here" in out
    assert main(["run", str(path), "--output-dir", str(tmp_path / "out")]) == 2
    err = errors(capsys)
    assert len(err) == 1 and "no-such-org/no-such-model" in err[0] and "HF_HUB_OFFLINE" in err[0]


def test_a_dataset_file_whose_name_holds_a_question_mark_can_be_named(tmp_path):
    from trl_r1.data.loading import check_dataset_spec, load_dataset_spec

    path = tmp_path / "what?.jsonl"
    path.write_text(
        '{"prompt": "1+1=", "solution": "2", "level": 3}\n{"prompt": "2+2=", "solution": "4", "level": 5}\n'
    )
    assert check_dataset_spec(str(path)) is None and len(load_dataset_spec(str(path))) == 2
    assert check_dataset_spec(f"{path}?min=level:4") is None
    assert load_dataset_spec(f"{path}?min=level:4")["solution"] == ["4"]
