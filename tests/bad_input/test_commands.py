"""The stage scripts and every subcommand go through the same checks as `trl-r1 run`: one line, exit 2, before any
model loads, nothing of the user's overwritten (issue 27); a full disk is named; results keep the user's umask."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest
import yaml
from bad_input_support import (
    CPU,
    LAUGHS,
    assert_refused,
    base_recipe,
    drop_stale_log_handlers,
    guard_model_loads,
    refusal_check,
    user_tree,
)


@pytest.fixture(autouse=True)
def _guard(monkeypatch):
    drop_stale_log_handlers()
    guard_model_loads(monkeypatch)


@pytest.fixture
def user(tmp_path, tiny_model_dir):
    return user_tree(tmp_path, tiny_model_dir)


@pytest.fixture
def refused(user, capsys):
    return refusal_check(user, capsys)


# -- stage scripts (trl_r1.training.stage.run_stage_script) --------------------------------------------------------


def _grpo_config(user, **changes) -> dict:
    stage = base_recipe(user)["stages"][1]
    return {
        "model_name_or_path": user.model,
        "dataset_name": stage["dataset"],
        "reward_funcs": stage["rewards"],
        "output_dir": str(user.root / "grpo_out"),
        **CPU,
        **stage["args"],
        **changes,
    }


def _script(user, capsys, module: str, argv: list[str], *words: str) -> None:
    import importlib

    main = importlib.import_module(f"trl_r1.training.{module}").main
    user.snapshot()
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert_refused(info.value.code, [line for line in err.splitlines() if "error: " in line], err, *words)
    user.assert_unchanged()


def test_a_valid_stage_config_passes_the_script_checks_and_reaches_training(user, capsys):
    from bad_input_support import ModelLoaded

    path = user.file("grpo.yaml", json.dumps(_grpo_config(user)))
    with pytest.raises(ModelLoaded):  # the guard: a valid config does reach the model
        import trl_r1.training.grpo as grpo

        grpo.main(["--config", str(path)])


SCRIPT_CASES = {
    "missing config": (lambda u: ["--config", u.root / "nope.yaml"], ["--config", "does not exist"]),
    "config is a list": (lambda u: ["--config", u.file("l.yaml", "- a\n- b\n")], ["must hold a mapping"]),
    "config is a directory": (lambda u: ["--config", u.root], ["is not a regular file"]),
    "billion laughs run_name": (
        lambda u: ["--config", u.file("l.yaml", LAUGHS + "run_name: *i\n")],
        ["YAML aliases expand past"],
    ),
    "reward_weights of the wrong length": (
        lambda u: ["--config", u.file("g.yaml", json.dumps(_grpo_config(u, reward_weights=[1.0, 2.0])))],
        ["reward_weights", "2 weight(s) for 1 reward_funcs"],
    ),
    "NaN reward weight": (
        lambda u: [
            "--config",
            u.file("g.yaml", yaml.safe_dump(_grpo_config(u, reward_weights=[float("nan")]))),
        ],
        ["reward_weights", "finite"],
    ),
    "unknown reward": (
        lambda u: ["--config", u.file("g.yaml", json.dumps(_grpo_config(u, reward_funcs=["acc"])))],
        ["unknown reward 'acc'"],
    ),
    "missing gold column": (
        lambda u: [
            "--config",
            u.file(
                "g.yaml",
                json.dumps(_grpo_config(u, dataset_name=str(u.file("p.jsonl", '{"prompt": "1+1="}\n')))),
            ),
        ],
        ["'solution'", "missing"],
    ),
    "file as model": (
        lambda u: [
            "--config",
            u.file("g.yaml", json.dumps(_grpo_config(u, model_name_or_path=str(u.root / "keep.txt")))),
        ],
        ["keep.txt", "is a file, not a model directory"],
    ),
    "missing input model": (
        lambda u: [
            "--config",
            u.file("g.yaml", json.dumps(_grpo_config(u, model_name_or_path=str(u.root / "runs" / "stage3")))),
        ],
        ["runs/stage3", "does not exist"],
    ),
    "completion beyond the context": (
        lambda u: ["--config", u.file("g.yaml", json.dumps(_grpo_config(u, max_completion_length=3000)))],
        ["max_completion_length", "2048"],
    ),
}


@pytest.mark.parametrize("case", list(SCRIPT_CASES))
def test_a_bad_grpo_stage_config_is_one_line_exit_2(case, user, capsys):
    make, words = SCRIPT_CASES[case]
    _script(user, capsys, "grpo", make(user), *words)


def test_a_bad_sft_stage_config_is_one_line_exit_2(user, capsys):
    config = {
        "model_name_or_path": user.model,
        "dataset_name": str(user.root / "sft.jsonl"),
        **CPU,
        "output_dir": str(user.root / "sft_out"),
        "max_length": 9000,
    }
    _script(user, capsys, "sft", ["--config", user.file("s.yaml", json.dumps(config))], "max_length", "2048")


# -- subcommands ---------------------------------------------------------------------------------------------------

BENCH = ["--benchmark", "synthetic://arithmetic?split=test&layout=none&n=4"]


def _plain_model(user) -> str:
    import shutil

    shutil.copytree(user.model, user.root / "plain_model")
    (user.root / "plain_model" / "chat_template.jinja").unlink()
    config = json.loads((user.root / "plain_model" / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (user.root / "plain_model" / "tokenizer_config.json").write_text(json.dumps(config))
    return str(user.root / "plain_model")


COMMAND_CASES = {
    # nothing written over what the user (or an earlier run) made
    "plot over a user's file": (
        lambda u: [
            "plot",
            u.file("run/trainer_state.json", '{"log_history": []}').parent,
            "--output",
            u.file("bench.jsonl", '{"a": 1}\n'),
        ],
        ["bench.jsonl exists already", "--overwrite"],
    ),
    "eval over earlier results": (
        lambda u: [
            "eval",
            "--model",
            u.model,
            *BENCH,
            "--output-dir",
            u.file("ev/results.json", "{}").parent,
        ],
        ["results.json", "exists already", "--overwrite"],
    ),
    "sample into the data's folder": (
        lambda u: ["sample", "--model", u.model, "--dataset", u.root / "rl.jsonl", "--output-dir", u.root],
        ["holds files trl-r1 sample did not write"],
    ),
    "sample into a model folder": (
        lambda u: ["sample", "--model", u.model, "--dataset", u.root / "rl.jsonl", "--output-dir", u.model],
        ["holds files trl-r1 sample did not write"],
    ),
    # models checked from their files
    "eval a file as model": (
        lambda u: ["eval", "--model", u.root / "keep.txt", *BENCH],
        ["keep.txt", "is a file, not a model directory"],
    ),
    "eval without a chat template": (
        lambda u: ["eval", "--model", _plain_model(u), *BENCH, "--template", "r1"],
        ["no chat template"],
    ),
    "eval max_new_tokens beyond the context": (
        lambda u: ["eval", "--model", u.model, *BENCH, "--max-new-tokens", "32768"],
        ["--max-new-tokens", "2048"],
    ),
    "eval tiny hidden_size=-1": (
        lambda u: ["eval", "--model", "trl-r1/tiny?hidden_size=-1", *BENCH],
        ["hidden_size='-1'"],
    ),
    "eval limit 0": (lambda u: ["eval", "--model", u.model, *BENCH, "--limit", "0"], ["--limit"]),
    # values in range, before any work
    "tiny-model hidden size 10^6": (
        lambda u: ["tiny-model", u.root / "tm", "--hidden-size", "1000000"],
        ["--hidden-size", "4096"],
    ),
    "tiny-model over a model": (lambda u: ["tiny-model", u.model], ["already holds a model", "--overwrite"]),
    "demo threads -1": (
        lambda u: ["demo", "--threads", "-1", "--output-dir", u.root / "demo"],
        ["--threads"],
    ),
    "sandbox lock dir a file": (
        lambda u: ["sandbox", "clean", "--lock-dir", u.root / "keep.txt"],
        ["--lock-dir", "is a file"],
    ),
    "sample gpu memory 2": (
        lambda u: [
            "sample",
            "--model",
            u.model,
            "--dataset",
            u.root / "rl.jsonl",
            "--output-dir",
            u.root / "s",
            "--vllm-gpu-memory-utilization",
            "2",
        ],
        ["--vllm-gpu-memory-utilization", "(0, 1]"],
    ),
    "sample bad rows": (
        lambda u: [
            "sample",
            "--model",
            u.model,
            "--dataset",
            u.file("bad.jsonl", '{"prompt": "", "solution": "2"}\n'),
            "--output-dir",
            u.root / "s",
        ],
        ["bad.jsonl:1", "'prompt' is empty"],
    ),
    "experiment config missing": (
        lambda u: ["experiment", "generalization", "--config", u.root / "nope.yaml"],
        ["--config", "does not exist"],
    ),
    "experiment output dir a file": (
        lambda u: ["experiment", "generalization", "--output_dir", u.root / "keep.txt"],
        ["--output-dir", "is a file"],
    ),
    "experiment top-p 5": (lambda u: ["experiment", "generalization", "--top_p", "5"], ["--top-p", "(0, 1]"]),
    "eval config billion laughs": (
        lambda u: ["eval", "--config", u.file("e.yaml", LAUGHS + "model: *i\n")],
        ["--config", "YAML aliases expand past"],
    ),
    "sample config not a mapping": (
        lambda u: ["sample", "--config", u.file("s.yaml", "just text\n")],
        ["--config", "must hold a mapping"],
    ),
    "experiment temperature -1": (
        lambda u: ["experiment", "generalization", "--temperature", "-1"],
        ["--temperature", ">= 0"],
    ),
}


@pytest.mark.parametrize("case", list(COMMAND_CASES))
def test_a_bad_subcommand_input_is_one_line_exit_2(case, user, refused):
    make, words = COMMAND_CASES[case]
    refused(make(user), *words)


def test_the_cache_as_a_file_is_one_line(user, refused, monkeypatch):
    monkeypatch.setenv("TRL_R1_CACHE", str(user.root / "keep.txt"))
    refused(["eval", "--model", "trl-r1/tiny", *BENCH], "TRL_R1_CACHE", "is a file")


# -- write_atomic: the user's umask, a full disk named --------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_results_are_written_with_the_users_umask(tmp_path, umask, mode):
    from trl_r1._runtime import write_atomic

    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "results.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "results.json").stat().st_mode) == mode


def test_a_full_disk_is_named_and_the_old_file_kept(tmp_path, monkeypatch):
    from trl_r1._runtime import DiskFullError, write_atomic

    (tmp_path / "summary.json").write_text("old")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(DiskFullError, match="disk full: no space left on the device holding .*summary.json"):
        write_atomic(tmp_path / "summary.json", "new")
    assert (tmp_path / "summary.json").read_text() == "old" and os.listdir(tmp_path) == ["summary.json"]


def test_a_full_disk_while_a_stage_script_saves_is_one_line(user, capsys, monkeypatch):
    from trl_r1.training.stage import run_stage_script

    def train(*parsed):
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as e:  # torch wraps the errno in its own message
            raise RuntimeError(
                "[enforce fail at inline_container.cc:664] PytorchStreamWriter failed writing file "
                "data/0: file write failed"
            ) from e

    import trl_r1.training.grpo as grpo

    path = user.file("g.yaml", json.dumps(_grpo_config(user)))
    with pytest.raises(SystemExit) as info:
        run_stage_script(grpo.make_parser(), train, ["--config", str(path)])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "error: " in line]
    assert info.value.code == 1 and len(lines) == 1 and "disk full" in lines[0] and "grpo_out" in lines[0]
