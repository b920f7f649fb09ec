"""Resolve model names and dataset specs, so one YAML works offline on a CPU and on a cluster.

Models: ``resolve_model("trl-r1/tiny")`` builds the tiny offline model once, caches it under
``$TRL_R1_CACHE`` (default ``~/.cache/trl_r1``) and returns its path; ``trl-r1/tiny-base`` is the
same model *without* the R1 tags (a stand-in for a real base model, so tokenizer surgery has
work to do); ``trl-r1/tiny-deepseek`` is a tiny random model over DeepSeek-V4's production
vocabulary (:mod:`trl_r1.models.tiny_deepseek`). Options go in a query: ``trl-r1/tiny?hidden_size=64&num_hidden_layers=2&seed=1``.
Any other name is returned unchanged (a local path or a hub id).

Datasets (:func:`load_dataset_spec`):

* a local ``.jsonl`` / ``.json`` / ``.parquet`` / ``.csv`` file, or a ``save_to_disk`` directory;
* ``synthetic://arithmetic?split=sft&layout=r1&n=512&seed=0&digits=2&operands=2`` - the
  verifiable task of :mod:`trl_r1.data.synthetic`. ``split``: ``sft``, ``rl`` (alias ``grpo``) or
  ``test``, always disjoint. ``layout``: ``r1`` (conversational prompt; completion: reasoning block
  + summary with ``\\boxed{}``), ``r1_zero`` (the paper's R1-Zero template as a string prompt;
  completion ``<think>…</think><answer>…</answer>``) or ``none`` (``question`` + ``solution`` only).
  ``prompt`` overrides the prompt style: ``chat`` (a user message; completions are assistant
  messages), ``r1_zero`` (the paper's template) or ``plain`` (``"47+38="``, cheapest for tiny models).
  ``completion=1`` adds the worked solution (default: only for ``split=sft``);
* ``synthetic://non_reasoning?n=100&seed=0&prompt=chat`` - simple queries answered without a chain of
  thought (``prompt=plain`` for string prompts, to mix with plain arithmetic prompts);
* anything else goes to ``datasets.load_dataset`` (hub ids; real recipes only).

Any non-synthetic spec may end in ``?config=…&split=…&rename=old:new&require=col&where=col:v1|v2&min=col:x``
(a hub dataset's layout as it is, mapped with keys only: :mod:`trl_r1.data.views`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from datasets import Dataset, DatasetDict, load_from_disk

from trl_r1.data.checks import (
    LOCAL_SUFFIXES,
    SAMPLE_ROWS,
    check_rows,
    first_rows,
    kind_of,
    local_path_problem,
    read_json_rows_bounded,
    view_problems,
)
from trl_r1.data.synthetic import (
    MAX_ROWS,
    SPLIT_ALIASES,
    SPLIT_BUCKETS,
    make_non_reasoning,
    option_problem,
    split_problems,
)
from trl_r1.text.templates import r1_zero_prompt

logger = logging.getLogger(__name__)


def _synthetic(name: str, options: dict[str, str], check_only: bool = False) -> Dataset | None:
    allowed = {
        "arithmetic": {"split", "layout", "prompt", "n", "seed", "digits", "operands", "completion"},
        "non_reasoning": {"n", "seed", "prompt"},
    }
    if name not in allowed:
        raise ValueError(f"unknown synthetic dataset {name!r}; choose from {sorted(allowed)}")
    unknown = set(options) - allowed[name]
    if unknown:
        raise ValueError(
            f"unknown option(s) {sorted(unknown)} for synthetic://{name}; allowed: {sorted(allowed[name])}"
        )
    for key in ("n", "seed", "digits", "operands"):
        if key in options and not options[key].lstrip("-").isdigit():
            raise ValueError(f"option {key}={options[key]!r} of synthetic://{name} must be an integer")
    n, seed = int(options.get("n", 256)), int(options.get("seed", 0))
    if not 1 <= n <= MAX_ROWS:
        raise ValueError(f"option n={n} of synthetic://{name} must be in 1..{MAX_ROWS:,}")
    if name == "non_reasoning":
        style = options.get("prompt", "chat")
        if style not in ("chat", "plain"):
            raise ValueError(f"prompt must be chat or plain for non_reasoning, got {style!r}")
        if check_only:
            return None
        return Dataset.from_list(
            [
                {
                    "question": r["question"],
                    "prompt": [{"role": "user", "content": r["question"]}],
                    "completion": [{"role": "assistant", "content": r["response"]}],
                }
                if style == "chat"
                else {"question": r["question"], "prompt": r["question"] + "=", "completion": r["response"]}
                for r in make_non_reasoning(n, seed=seed)
            ]
        )
    split = options.get("split", "rl")
    layout = options.get("layout", "r1")
    if layout not in ("r1", "r1_zero", "none"):
        raise ValueError(f"layout must be r1, r1_zero or none, got {layout!r}")
    if SPLIT_ALIASES.get(split, split) not in SPLIT_BUCKETS:
        raise ValueError(
            f"unknown split {split!r}; choose from {sorted(SPLIT_BUCKETS) + sorted(SPLIT_ALIASES)}"
        )
    prompt_style = options.get("prompt", {"r1": "chat", "r1_zero": "r1_zero"}.get(layout, "chat"))
    if prompt_style not in ("chat", "r1_zero", "plain"):
        raise ValueError(f"prompt must be chat, r1_zero or plain, got {prompt_style!r}")
    problem = option_problem(split, n, int(options.get("digits", 2)), int(options.get("operands", 2)))
    if problem:
        raise ValueError(f"option {problem}")
    if check_only:
        return None
    with_completion = options.get("completion", "1" if split == "sft" else "0") in ("1", "true", "yes")
    problems = split_problems(
        split, n, seed=seed, digits=int(options.get("digits", 2)), operands=int(options.get("operands", 2))
    )
    rows = []
    for p in problems:
        row: dict = {"question": p.question, "solution": str(p.answer)}
        if layout != "none":
            solution = p.r1_solution() if layout == "r1" else p.r1_zero_solution()
            if prompt_style == "chat":  # conversational: chat messages in, an assistant message out
                row["prompt"] = [{"role": "user", "content": p.question}]
                completion: Any = [{"role": "assistant", "content": solution}]
            else:  # standard: one string in, one string out
                row["prompt"] = r1_zero_prompt(p.question) if prompt_style == "r1_zero" else f"{p.question}="
                completion = solution
            if with_completion:
                row["completion"] = completion
        rows.append(row)
    return Dataset.from_list(rows)


def read_json_rows(path: Path) -> list[dict]:
    """The rows of a ``.jsonl`` / ``.json`` file, each a JSON object (a line that is not fails here, naming
    it), read within the bounds of :func:`trl_r1.data.checks.read_json_rows_bounded`. Column types are not
    checked (benchmarks mix numbers and strings in ``answer``); a dataset built from the rows is
    (:func:`~trl_r1.data.checks.check_rows`, in :func:`load_dataset_spec`)."""
    rows, where = read_json_rows_bounded(path)
    for row, at in zip(rows, where):
        if not isinstance(row, dict):
            raise ValueError(
                f'{at}: expected a JSON object (one row, e.g. {{"prompt": ...}}), got {kind_of(row)}'
            )
    return rows


def read_dataset_rows(path: Path) -> list[dict]:
    """The rows of a JSON/JSONL dataset file, type-checked as a dataset needs them (:func:`check_rows`):
    the first bad row is named by file and line, before any model is loaded."""
    rows, where = read_json_rows_bounded(path)
    check_rows(rows, where or [str(path)])
    return rows


def looks_local(spec: str) -> bool:
    """Whether a dataset spec names a local file or directory (so it must exist), not a hub id."""
    return (
        not spec.startswith("synthetic://")
        and "://" not in spec
        and (
            spec.endswith(LOCAL_SUFFIXES)
            or spec.startswith((".", "/", "~"))
            or os.path.lexists(Path(spec).expanduser())
        )
    )


def split_spec(spec: str) -> tuple[str, str]:
    """``(path or name, view options)`` of a spec: the options follow the first ``?`` that does not belong to
    an existing local path, so a file whose name holds ``?`` can be named (alone or with options)."""
    if "?" not in spec or spec.startswith("synthetic://"):
        return spec, ""
    cut = [i for i, ch in enumerate(spec) if ch == "?"]
    for i in [len(spec), *reversed(cut)]:
        if os.path.lexists(Path(spec[:i]).expanduser()):
            return spec[:i], spec[i + 1 :]
    return spec[: cut[0]], spec[cut[0] + 1 :]


def peek_dataset_spec(spec: str, split: str = "train", limit: int = SAMPLE_ROWS) -> list[dict] | None:
    """The first rows of a local or ``synthetic://`` dataset as the loader reads them, with the spec's column
    renames applied (its row filters are not: a few first rows may all be filtered out); ``None`` for a hub
    dataset (not read here). Raises ``ValueError`` (one line) for a dataset the loader would fail on."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        options = dict(parse_qsl(parts.query))
        options["n"] = str(min(int(options.get("n", 256)), 8))  # the columns and their types, not the data
        return _synthetic(parts.netloc, options).to_list()
    base, query = split_spec(spec)
    if not looks_local(base):
        return None
    view = None
    if query:
        from trl_r1.data.views import parse_view

        _, view = parse_view(f"{base}?{query}", base)
        split = view.split or split
    rows, where = first_rows(Path(base).expanduser(), split, limit)
    check_rows(rows, where or [base])
    if view is not None:
        problems = view_problems(rows, view, spec)
        if problems:
            raise ValueError(problems[0])
        renamed = []
        for row in rows:
            row = dict(row)
            for old, new in view.rename:
                row[new] = row.pop(old)
            renamed.append(row)
        rows = renamed
    return rows


def check_dataset_spec(spec: str) -> str | None:
    """What is wrong with a dataset spec, found without loading it (``None``: nothing found): a local path
    that does not exist or is not a dataset file or directory, bad rows among its first rows
    (:mod:`trl_r1.data.checks`), view options naming columns it lacks, an unknown ``synthetic://`` dataset or
    an option out of range. Hub ids are not checked (they may need the network)."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        try:
            _synthetic(parts.netloc, dict(parse_qsl(parts.query)), check_only=True)
        except ValueError as e:
            return f"{spec}: {e}"
        return None
    base, query = split_spec(spec)
    if query:  # a hub layout's options (trl_r1.data.views): checked as the loader reads them
        from trl_r1.data.views import parse_view

        try:
            parse_view(f"{base}?{query}", base)
        except ValueError as e:
            return str(e)
    if not looks_local(base):
        return None
    try:
        peek_dataset_spec(spec)
    except ValueError as e:
        return str(e)
    return None


def load_dataset_spec(spec: str, split: str = "train") -> Dataset:
    """Load a dataset from a spec (see the module docstring); ``split`` applies to dataset dicts."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        return _synthetic(parts.netloc, dict(parse_qsl(parts.query)))
    base, query = split_spec(spec)
    if query:  # a hub layout: config, split, renames, filters (trl_r1.data.views)
        from trl_r1.data.views import load_view

        return load_view(
            f"{base}?{query}", split, lambda name, s: load_dataset_spec(name, split=s), base=base
        )
    path = Path(spec).expanduser()
    if looks_local(spec) and (problem := local_path_problem(path, spec)):  # never open a FIFO or a device
        raise (ValueError if os.path.exists(path) else FileNotFoundError)(problem)
    if path.is_dir():
        data = load_from_disk(str(path))
        if isinstance(data, DatasetDict):
            if split not in data:
                raise ValueError(f"{spec}: no split {split!r}; available: {list(data)}")
            data = data[split]
        return data
    if path.suffix in (".jsonl", ".json"):
        if not path.exists():
            raise FileNotFoundError(f"dataset file {spec!r} does not exist")
        return Dataset.from_list(read_dataset_rows(path))
    if path.suffix in (".parquet", ".csv"):
        first_rows(path, split)  # a file pandas/pyarrow cannot read: one line naming it, not a traceback
        return Dataset.from_parquet(str(path)) if path.suffix == ".parquet" else Dataset.from_csv(str(path))
    if path.exists() or spec.startswith((".", "/", "~")):
        raise FileNotFoundError(
            f"dataset {spec!r} is not a .jsonl/.json/.parquet/.csv file or a saved dataset dir"
        )
    from datasets import load_dataset

    return load_dataset(spec, split=split)
