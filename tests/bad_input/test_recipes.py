"""`trl-r1 run` refuses a bad recipe in one line, exit 2, before any model loads, and leaves the user's files as they
were (issue 27: stage names, datasets, rows, rewards, weights, models, LoRA, YAML aliases; issue 23: context fit)."""

from __future__ import annotations

import os
import shutil

import pytest
from bad_input_support import (
    LAUGHS,
    ModelLoaded,
    base_recipe,
    drop_stale_log_handlers,
    guard_model_loads,
    refusal_check,
    run_cli,
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


# -- the guard itself: a valid recipe does reach a stage, so a case that passes was refused before one ----------


def test_a_valid_recipe_passes_every_check_and_reaches_the_first_stage(user, capfd):
    path = user.recipe(base_recipe(user))
    with pytest.raises(
        ModelLoaded, match="the sft stage"
    ):  # capfd: the stage console writes to a copy of fd 1
        run_cli(["run", path, "--output-dir", user.root / "out", "--verbose"], capfd)


# -- one broken thing per case: (what to change in the base recipe, words the one error line must hold) ----------


def _stage(index: int, **changes):
    def change(data, user):
        data["stages"][index].update(changes)

    return change


def _args(index: int, **changes):
    def change(data, user):
        data["stages"][index]["args"].update(changes)

    return change


def _rl_rows(text: str):
    def change(data, user):
        user.file("rows.jsonl", text)
        data["stages"][1]["dataset"] = str(user.root / "rows.jsonl")

    return change


def _rl_dataset(make):
    def change(data, user):
        data["stages"][1]["dataset"] = make(user)

    return change


def _garbage(name: str, content: bytes):
    return _rl_dataset(lambda user: str(user.file(name, content)))


def _fifo(user):
    os.mkfifo(user.root / "pipe.jsonl")
    return str(user.root / "pipe.jsonl")


def _dev_zero(user):
    os.symlink("/dev/zero", user.root / "zero.jsonl")
    return str(user.root / "zero.jsonl")


def _dir_named_jsonl(user):
    (user.root / "x.jsonl").mkdir()
    user.file("x.jsonl/part.txt", "not a dataset")
    return str(user.root / "x.jsonl")


def _sparse(user):
    path = user.root / "huge.jsonl"
    with open(path, "wb") as f:
        f.truncate(10 * 2**30)  # 10 GiB of holes: no disk used, no newline in the first 64 MiB
    return str(path)


def _model(make):
    def change(data, user):
        data["model"] = make(user)

    return change


def _no_chat_template(user):
    import json

    shutil.copytree(user.model, user.root / "plain_model")
    (user.root / "plain_model" / "chat_template.jinja").unlink()
    config = json.loads((user.root / "plain_model" / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (user.root / "plain_model" / "tokenizer_config.json").write_text(json.dumps(config))
    user.file(
        "chat.jsonl",
        "".join(
            f'{{"prompt": [{{"role": "user", "content": "{a}+{a}"}}], "solution": "{2 * a}"}}\n'
            for a in range(4)
        ),
    )
    return str(user.root / "plain_model")


def _chat_data_for(data, user):
    data["stages"][1]["dataset"] = str(user.root / "chat.jsonl")


def _both(*changes):
    def change(data, user):
        for c in changes:
            c(data, user)

    return change


def _rewards(rewards):
    return _stage(1, rewards=rewards)


def _eval_stage(**args):
    def change(data, user):
        data["stages"].append(
            {
                "name": "evaluate",
                "kind": "eval",
                "dataset": "synthetic://arithmetic?split=test&n=4",
                "args": {"k": 1, **args},
            }
        )

    return change


CASES = {
    # stage names are directory names: never a path, a dot, the runner's own file, or too long
    "name ..": (_stage(0, name=".."), ["stages[0].name", "no dots or slashes"]),
    "name .": (_stage(0, name="."), ["stages[0].name"]),
    "name recipe.yaml": (_stage(0, name="recipe.yaml"), ["stages[0].name", "'recipe.yaml'"]),
    "name summary.json": (_stage(1, name="summary.json"), ["stages[1].name"]),
    "name 300 characters": (_stage(0, name="s" * 300), ["stages[0].name", "at most 64 characters"]),
    "name with a slash": (_stage(0, name="a/b"), ["stages[0].name"]),
    # dataset views read the file's columns
    "where on a missing column": (
        _rl_dataset(lambda u: str(u.root / "rl.jsonl") + "?where=level:5"),
        ["dataset", "where= names column 'level', which is missing"],
    ),
    "min on a text column": (
        _rl_rows('{"prompt": "1+1=", "solution": "2", "level": "Level 5"}\n'),
        ["ignored"],
    ),  # replaced below: needs the ?min= view
    "rename of a missing column": (
        _rl_dataset(lambda u: str(u.root / "rl.jsonl") + "?rename=answer:solution"),
        ["rename names column 'answer', which is missing"],
    ),
    # row contents typed
    "empty prompt": (_rl_rows('{"prompt": "", "solution": "2"}\n'), ["rows.jsonl:1", "'prompt' is empty"]),
    "empty message list": (
        _rl_rows('{"prompt": [], "solution": "2"}\n'),
        ["rows.jsonl:1", "empty list of messages"],
    ),
    "non-string role": (
        _rl_rows('{"prompt": [{"role": 5, "content": null}], "solution": "2"}\n'),
        ["rows.jsonl:1", "role must be a string"],
    ),
    "null content": (
        _rl_rows('{"prompt": [{"role": "user", "content": null}], "solution": "2"}\n'),
        ["rows.jsonl:1", "content must be a string"],
    ),
    "list solution": (_rl_rows('{"prompt": "1+1=", "solution": ["2"]}\n'), ["'solution'", "got a list"]),
    "mapping solution": (
        _rl_rows('{"prompt": "1+1=", "solution": {"a": 2}}\n'),
        ["'solution'", "got an object"],
    ),
    "infinite solution": (
        _rl_rows('{"prompt": "1+1=", "solution": Infinity}\n'),
        ["Infinity is not a JSON value"],
    ),
    "no solution column": (_rl_rows('{"prompt": "1+1="}\n'), ["'solution'", "missing"]),
    "only blank lines": (_rl_rows("\n\n   \n"), ["no rows"]),
    # local datasets that are not regular files, or not what their name says
    "FIFO": (_rl_dataset(_fifo), ["pipe.jsonl", "is a FIFO"]),
    "link to /dev/zero": (_rl_dataset(_dev_zero), ["zero.jsonl", "is a device"]),
    "directory named x.jsonl": (_rl_dataset(_dir_named_jsonl), ["x.jsonl", "not a saved dataset"]),
    "garbage parquet": (
        _garbage("g.parquet", b"PAR1 this is not parquet"),
        ["g.parquet", "not a readable parquet"],
    ),
    "garbage csv": (_garbage("g.csv", bytes(range(256)) * 4), ["g.csv", "not a readable CSV file"]),
    "10 GiB sparse file": (_rl_dataset(_sparse), ["huge.jsonl:1", "longer than 64 MiB"]),
    "deep nesting": (_garbage("deep.jsonl", b"[" * 200_000), ["deep.jsonl:1", "nested"]),
    "deep nesting in .json": (_garbage("deep.json", b"[" * 200_000), ["deep.json", "nested"]),
    # synthetic:// values in range
    "synthetic digits=0": (
        _rl_dataset(lambda u: "synthetic://arithmetic?digits=0&n=8"),
        ["digits=0 must be in 1..9"],
    ),
    "synthetic operands=0": (_rl_dataset(lambda u: "synthetic://arithmetic?operands=0&n=8"), ["operands=0"]),
    "synthetic n=1e11": (_rl_dataset(lambda u: "synthetic://arithmetic?n=100000000000"), ["n=100000000000"]),
    # rewards: callable with TRL's keywords; weights finite; a reward model is a model
    "reward os.sep": (_rewards(["os.sep"]), ["'os.sep' is str, not a function"]),
    "reward a module": (_rewards(["os.path"]), ["'os.path' is module, not a function"]),
    "reward os.getcwd": (_rewards(["os.getcwd"]), ["'os.getcwd' takes ()", "**kwargs"]),
    "reward a class": (_rewards(["collections.OrderedDict"]), ["is a class"]),
    "data file as reward model": (
        _rewards(["accuracy", {"name": "helpfulness", "model": "{root}/rl.jsonl"}]),
        ["rewards[1].model", "is a file, not a model directory"],
    ),
    "NaN weight": (_rewards([{"name": "accuracy", "weight": float("nan")}]), ["rewards[0].weight", "finite"]),
    "infinite weight": (
        _rewards([{"name": "accuracy", "weight": float("inf")}]),
        ["rewards[0].weight", "finite"],
    ),
    # models loadable from their files
    "model is a file": (
        _model(lambda u: str(u.root / "keep.txt")),
        ["keep.txt", "is a file, not a model directory"],
    ),
    "model dir without config.json": (_model(lambda u: str(u.root)), ["has no config.json"]),
    "uncached hub id offline": (
        _model(lambda u: "no-such-org/no-such-model"),
        ["cannot load model 'no-such-org/no-such-model'", "not available here", "HF_HUB_OFFLINE"],
    ),
    "no chat template for chat data": (
        _both(_model(_no_chat_template), _chat_data_for, _stage(1, model="base")),
        ["stages[1] reasoning_rl", "plain_model", "no chat template"],
    ),
    "tiny hidden_size=-1": (_model(lambda u: "trl-r1/tiny?hidden_size=-1"), ["hidden_size='-1'", "8..4096"]),
    "tiny colour=red": (_model(lambda u: "trl-r1/tiny?colour=red"), ["unknown tiny-model option 'colour'"]),
    # LoRA values typed and ranged; an eval stage's limit
    "lora r=-1": (_stage(0, lora={"r": -1}), ["stages[0].lora.r", "must be >= 1"]),
    "lora r=big": (_stage(0, lora={"r": "big"}), ["stages[0].lora.r", "expected an integer"]),
    "lora dropout=2": (_stage(0, lora={"dropout": 2}), ["stages[0].lora.dropout", "[0, 1)"]),
    "lora target_modules=5": (_stage(0, lora={"target_modules": 5}), ["stages[0].lora.target_modules"]),
    "eval limit 0": (_eval_stage(limit=0), ["args.limit", "must be >= 1"]),
    # issue 23: the budget fits the model's context (the tiny model has 2,048 positions)
    "completion beyond the context": (
        _args(1, max_completion_length=4096),
        ["reasoning_rl", "args.max_completion_length", "2048"],
    ),
    "prompt plus completion beyond": (
        _args(1, max_completion_length=1500, max_prompt_length=1000),
        ["args.max_completion_length", "plus 1000 prompt token(s)", "at most 1048"],
    ),
    "sft max_length beyond": (_args(0, max_length=4096), ["cold_start", "args.max_length", "2048"]),
    "eval max_new_tokens beyond": (
        _eval_stage(max_new_tokens=32768),
        ["evaluate", "args.max_new_tokens", "2048"],
    ),
}
CASES["min on a text column"] = (
    _rl_dataset(
        lambda u: (
            str(u.file("levels.jsonl", '{"prompt": "1+1=", "solution": "2", "level": "Level 5"}\n'))
            + "?min=level:3"
        )
    ),
    ["min= compares numbers", "'level'"],
)


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_recipe_is_refused_in_one_line_before_any_model_loads(case, user, refused):
    change, words = CASES[case]
    data = base_recipe(user)
    change(data, user)
    for stage in data["stages"]:  # {root} in a case: the user's folder
        for reward in stage.get("rewards", []):
            if isinstance(reward, dict) and "model" in reward:
                reward["model"] = reward["model"].format(root=user.root)
    path = user.recipe(data)
    refused(["run", path, "--output-dir", user.root / "out"], *words)


def test_a_cache_that_is_a_file_is_one_line_before_the_tiny_model_is_built(user, refused, monkeypatch):
    monkeypatch.setenv("TRL_R1_CACHE", str(user.root / "keep.txt"))
    data = base_recipe(user)
    data["model"] = "trl-r1/tiny"
    refused(["run", user.recipe(data), "--output-dir", user.root / "out"], "TRL_R1_CACHE", "is a file")


def test_chat_data_after_an_sft_stage_needs_no_template_in_the_base_model(user, capfd):
    data = base_recipe(
        user
    )  # SFT installs ChatML where the tokenizer has none (trl_r1.models.tokenizer_surgery)
    _both(_model(_no_chat_template), _chat_data_for)(data, user)
    with pytest.raises(ModelLoaded, match="the sft stage"):
        run_cli(["run", user.recipe(data), "--output-dir", user.root / "out", "--verbose"], capfd)


# -- YAML aliases are bounded: a "billion laughs" is refused at once, not expanded ----------------------------------


@pytest.mark.parametrize("where", ["description", "args"])
def test_a_billion_laughs_recipe_is_refused_not_expanded(where, user, refused):
    import yaml

    data = base_recipe(user)
    if where == "description":
        data["description"] = "LAUGHS"
    else:
        data["stages"][0]["args"]["run_name"] = "LAUGHS"
    text = LAUGHS + yaml.safe_dump(data, sort_keys=False).replace("LAUGHS", "*i")  # 600 bytes, 10^9 strings
    path = user.file("laughs.yaml", text)
    refused(
        ["run", path, "--dry-run", "--output-dir", user.root / "out"],
        "YAML aliases expand past 100,000 nodes",
    )


# -- nothing the user made is deleted or overwritten -------------------------------------------------------------


def test_from_never_deletes_a_directory_the_runner_did_not_create(user, refused):
    user.file("out/cold_start/my_notes.txt", "a folder of the user's that happens to share a stage's name\n")
    path = user.recipe(base_recipe(user))
    refused(
        ["run", path, "--output-dir", user.root / "out", "--from", "cold_start"],
        "cold_start was not created by trl-r1 run",
        "will not delete",
    )


def test_a_run_never_writes_into_a_stage_directory_it_did_not_create(user, refused):
    user.file("out/reasoning_rl/config.json", "{}\n")  # the user's own folder under the stage's name
    path = user.recipe(base_recipe(user))
    refused(
        ["run", path, "--output-dir", user.root / "out"],
        "reasoning_rl was not created by trl-r1 run",
        "write into",
    )


def test_a_run_never_replaces_the_users_recipe_in_the_output_directory(user, refused):
    path = user.recipe(base_recipe(user))  # work/recipe.yaml: the runner's copy would go to the same name
    refused(["run", path, "--output-dir", user.root], "recipe.yaml", "that trl-r1 run did not write")


def test_a_stage_directory_that_is_a_link_is_neither_deleted_nor_followed(user, refused):
    (user.root / "out").mkdir()
    os.symlink(user.root, user.root / "out" / "cold_start")
    path = user.recipe(base_recipe(user))
    refused(["run", path, "--output-dir", user.root / "out", "--from", "cold_start"], "is a link")


def test_from_deletes_only_the_runners_own_stage_directories(user, capfd):
    from trl_r1.pipeline.output_dir import RUN_OWNER, STAGE_OWNER

    out = user.root / "out"
    for stage in ("cold_start", "reasoning_rl"):  # as an earlier run left them, marked
        user.file(f"out/{stage}/{STAGE_OWNER}", "")
        user.file(f"out/{stage}/checkpoint-1/trainer_state.json", "{}")
    user.file(f"out/{RUN_OWNER}", "")
    user.file("out/my_analysis/notes.txt", "the user's, inside the run directory\n")
    path = user.recipe(base_recipe(user))
    with pytest.raises(ModelLoaded, match="the sft stage"):  # both stages deleted, then the first one starts
        run_cli(["run", path, "--output-dir", out, "--from", "cold_start", "--verbose"], capfd)
    assert not (out / "cold_start" / "checkpoint-1").exists() and not (out / "reasoning_rl").exists()
    assert (out / "my_analysis" / "notes.txt").read_text() == "the user's, inside the run directory\n"
    assert (user.root / "keep.txt").is_file() and (user.root / "model" / "config.json").is_file()
