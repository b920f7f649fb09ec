"""What every bad-input case shares (issue 27): a user's tree hashed before and after, a guard that fails the
test if any model is loaded or any stage starts, and the command run in this process, its error lines read.

Each case asserts exit code 2, one error line naming the problem, that nothing was loaded (the guard, not a
clock), and that every file the user had is still there, byte for byte and mode for mode, with no new file.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil

import pytest
from bad_input_support import RL_ROWS, SFT_ROWS, ModelLoaded, UserTree, assert_refused, run_cli


def _refuse(what: str, original=None):
    def refuse(*args, **kwargs):
        raise ModelLoaded(f"{what} was called before the bad input was refused")

    return functools.wraps(original)(refuse) if original is not None else refuse  # keeps the signature


@pytest.fixture(autouse=True)
def no_stale_log_handlers():
    """A log handler an earlier test bound to its captured (now closed) stderr would print "--- Logging error ---"
    tracebacks into this test's stderr; drop those, so a traceback here is the command's own."""
    import logging

    loggers = [logging.getLogger()] + [v for v in logging.Logger.manager.loggerDict.values()
                                       if isinstance(v, logging.Logger)]
    for logger in loggers:  # the root's and libraries' own (transformers keeps one on its root logger)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and getattr(handler.stream, "closed", False):
                logger.removeHandler(handler)


@pytest.fixture(autouse=True)
def no_model_loads(monkeypatch):
    """Every way trl_r1 loads or builds a model, and every stage kind's run, raise :class:`ModelLoaded`."""
    import transformers

    import trl_r1.generation
    import trl_r1.models.tiny
    from trl_r1.pipeline import stages

    for cls in ("AutoModelForCausalLM", "AutoModelForSequenceClassification", "AutoTokenizer"):
        monkeypatch.setattr(getattr(transformers, cls), "from_pretrained", _refuse(f"{cls}.from_pretrained"))
    monkeypatch.setattr(trl_r1.models.tiny, "build_tiny_model",
                        _refuse("build_tiny_model", trl_r1.models.tiny.build_tiny_model))
    for name in list(trl_r1.generation.BACKENDS):
        monkeypatch.setitem(trl_r1.generation.BACKENDS, name, _refuse(f"the {name} generation backend"))
    for kind, spec in list(stages.KINDS.items()):
        monkeypatch.setitem(stages.KINDS, kind, dataclasses.replace(spec, run=_refuse(f"the {kind} stage")))


@pytest.fixture
def user(tmp_path, tiny_model_dir) -> UserTree:
    """The tree each case starts from (a tiny model copied in, so it is the user's too)."""
    tree = UserTree(tmp_path / "work", model="")
    tree.file("keep.txt", "the user's notes, beside the run\n")
    tree.file("rl.jsonl", RL_ROWS)
    tree.file("sft.jsonl", SFT_ROWS)
    shutil.copytree(tiny_model_dir, tree.root / "model")
    tree.model = str(tree.root / "model")
    return tree


@pytest.fixture
def refused(user, capsys):
    """``refused(argv, *words)``: snapshot the user's tree, run ``trl-r1 ARGV``, assert it is refused in one line
    naming ``words`` before any model loads (the autouse guard) and that the tree is unchanged."""

    def check(argv: list[str], *words: str) -> str:
        user.snapshot()
        line = assert_refused(*run_cli([str(a) for a in argv], capsys), *words)
        user.assert_unchanged()
        return line

    return check
