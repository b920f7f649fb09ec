"""What every bad-input case shares (issue 27): a user's tree hashed before and after, a guard that fails the
test if any model is loaded or any stage starts, and the command run in this process, its error lines read.

Each case asserts exit code 2, one error line naming the problem, that nothing was loaded (the guard, not a
clock), and that every file the user had is still there, byte for byte and mode for mode, with no new file.
There is no conftest.py here: a second ``conftest`` module would shadow ``tests/conftest.py`` for the tests that
import from it, so each test module makes its three fixtures from :func:`guard_model_loads`, :func:`user_tree`
and :func:`refusal_check`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import shutil
import stat
from pathlib import Path

import yaml


class ModelLoaded(BaseException):  # noqa: N818 - BaseException: no `except Exception` in the code under test hides it
    """Raised by the guard: a model, backend or stage was about to load before the bad input was refused."""


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """Every file and link under ``root``: relative path -> (sha256 of its bytes or link target, mode)."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                digest = "link:" + os.readlink(path)
            elif (
                stat.S_ISREG(info.st_mode) and info.st_blocks * 512 >= info.st_size
            ):  # a sparse file: its size
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = f"size:{info.st_size}"
            state[str(path.relative_to(root))] = (digest, info.st_mode)
    return state


@dataclasses.dataclass
class UserTree:
    """A user's working directory: a file beside everything, data files, a tiny model, the recipes they write."""

    root: Path
    model: str
    before: dict[str, tuple[str, int]] | None = None

    def file(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    def recipe(self, data: dict, name: str = "recipe.yaml") -> Path:
        return self.file(name, yaml.safe_dump(data, sort_keys=False))

    def snapshot(self) -> None:
        self.before = tree_state(self.root)

    def assert_unchanged(self) -> None:
        after = tree_state(self.root)
        changed = [p for p, v in self.before.items() if after.get(p) != v]
        added = [p for p in after if p not in self.before]
        assert not changed, f"the user's files changed or vanished: {changed}"
        assert not added, f"files were written: {added}"


RL_ROWS = "".join(f'{{"prompt": "{a}+{a}=", "solution": "{2 * a}"}}\n' for a in range(8))
SFT_ROWS = "".join(f'{{"prompt": "{a}+{a}=", "completion": "{2 * a}"}}\n' for a in range(8))
# a 600-byte "billion laughs": nine levels of nine aliases, 9^9 strings once expanded
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)
CPU = {"use_cpu": True, "bf16": False, "report_to": "none", "gradient_checkpointing": False}


def base_recipe(user: UserTree) -> dict:
    """A valid two-stage recipe (sft -> grpo) on the user's files: every case breaks one thing in it."""
    return {
        "name": "bad",
        "model": user.model,
        "defaults": dict(CPU),
        "stages": [
            {
                "name": "cold_start",
                "kind": "sft",
                "dataset": str(user.root / "sft.jsonl"),
                "args": {"cold_start_format": False, "max_steps": 1},
            },
            {
                "name": "reasoning_rl",
                "kind": "grpo",
                "dataset": str(user.root / "rl.jsonl"),
                "rewards": ["accuracy"],
                "args": {
                    "max_steps": 1,
                    "per_device_train_batch_size": 4,
                    "num_generations": 4,
                    "max_completion_length": 8,
                },
            },
        ],
    }


def run_cli(argv: list[str], capsys) -> tuple[int, list[str], str]:
    """``trl-r1 ARGV`` in this process: exit code, the ``error:`` lines on stderr, and all of stderr."""
    from trl_r1.cli import main

    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:
        code = e.code
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if "error: " in line], err


def assert_refused(code: int, lines: list[str], err: str, *words: str) -> str:
    """Exit 2 and exactly one error line holding every one of ``words``; no traceback. Returns the line."""
    assert code == 2, err
    assert "Traceback" not in err, err
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _refuse(what: str, original=None):
    def refuse(*args, **kwargs):
        raise ModelLoaded(f"{what} was called before the bad input was refused")

    return functools.wraps(original)(refuse) if original is not None else refuse  # keeps the signature


def drop_stale_log_handlers() -> None:
    """A log handler an earlier test bound to its captured (now closed) stderr would print "--- Logging error ---"
    tracebacks into this test's stderr; drop those, so a traceback here is the command's own."""
    import logging

    loggers = [logging.getLogger()] + [
        v for v in logging.Logger.manager.loggerDict.values() if isinstance(v, logging.Logger)
    ]
    for logger in loggers:  # the root's and libraries' own (transformers keeps one on its root logger)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and getattr(handler.stream, "closed", False):
                logger.removeHandler(handler)


def guard_model_loads(monkeypatch) -> None:
    """Every way trl_r1 loads or builds a model, and every stage kind's run, raise :class:`ModelLoaded`."""
    import transformers

    import trl_r1.generation
    import trl_r1.models.tiny
    from trl_r1.pipeline import stages

    for cls in ("AutoModelForCausalLM", "AutoModelForSequenceClassification", "AutoTokenizer"):
        monkeypatch.setattr(getattr(transformers, cls), "from_pretrained", _refuse(f"{cls}.from_pretrained"))
    monkeypatch.setattr(
        trl_r1.models.tiny,
        "build_tiny_model",
        _refuse("build_tiny_model", trl_r1.models.tiny.build_tiny_model),
    )
    for name in list(trl_r1.generation.BACKENDS):
        monkeypatch.setitem(trl_r1.generation.BACKENDS, name, _refuse(f"the {name} generation backend"))
    monkeypatch.setattr(stages.StageKind, "stage_function", lambda kind: _refuse(f"the {kind.name} stage"))


def user_tree(tmp_path, tiny_model_dir) -> UserTree:
    """The tree each case starts from (a tiny model copied in, so it is the user's too)."""
    tree = UserTree(tmp_path / "work", model="")
    tree.file("keep.txt", "the user's notes, beside the run\n")
    tree.file("rl.jsonl", RL_ROWS)
    tree.file("sft.jsonl", SFT_ROWS)
    shutil.copytree(tiny_model_dir, tree.root / "model")
    tree.model = str(tree.root / "model")
    return tree


def refusal_check(user, capsys):
    """``refused(argv, *words)``: snapshot the user's tree, run ``trl-r1 ARGV``, assert it is refused in one line
    naming ``words`` before any model loads (the guard) and that the tree is unchanged."""

    def check(argv: list[str], *words: str) -> str:
        user.snapshot()
        line = assert_refused(*run_cli([str(a) for a in argv], capsys), *words)
        user.assert_unchanged()
        return line

    return check
