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

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from datasets import Dataset, DatasetDict, load_from_disk

from trl_r1.data.synthetic import SPLIT_ALIASES, SPLIT_BUCKETS, make_non_reasoning, split_problems
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
        raise ValueError(f"unknown option(s) {sorted(unknown)} for synthetic://{name}; allowed: {sorted(allowed[name])}")
    for key in ("n", "seed", "digits", "operands"):
        if key in options and not options[key].lstrip("-").isdigit():
            raise ValueError(f"option {key}={options[key]!r} of synthetic://{name} must be an integer")
    n, seed = int(options.get("n", 256)), int(options.get("seed", 0))
    if n < 1:
        raise ValueError(f"option n={n} of synthetic://{name} must be >= 1")
    if name == "non_reasoning":
        style = options.get("prompt", "chat")
        if style not in ("chat", "plain"):
            raise ValueError(f"prompt must be chat or plain for non_reasoning, got {style!r}")
        if check_only:
            return None
        return Dataset.from_list([
            {"question": r["question"], "prompt": [{"role": "user", "content": r["question"]}],
             "completion": [{"role": "assistant", "content": r["response"]}]}
            if style == "chat" else {"question": r["question"], "prompt": r["question"] + "=", "completion": r["response"]}
            for r in make_non_reasoning(n, seed=seed)
        ])
    split = options.get("split", "rl")
    layout = options.get("layout", "r1")
    if layout not in ("r1", "r1_zero", "none"):
        raise ValueError(f"layout must be r1, r1_zero or none, got {layout!r}")
    if SPLIT_ALIASES.get(split, split) not in SPLIT_BUCKETS:
        raise ValueError(f"unknown split {split!r}; choose from {sorted(SPLIT_BUCKETS) + sorted(SPLIT_ALIASES)}")
    prompt_style = options.get("prompt", {"r1": "chat", "r1_zero": "r1_zero"}.get(layout, "chat"))
    if prompt_style not in ("chat", "r1_zero", "plain"):
        raise ValueError(f"prompt must be chat, r1_zero or plain, got {prompt_style!r}")
    if check_only:
        return None
    with_completion = options.get("completion", "1" if split == "sft" else "0") in ("1", "true", "yes")
    problems = split_problems(split, n, seed=seed, digits=int(options.get("digits", 2)),
                              operands=int(options.get("operands", 2)))
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
    it). Column types are not checked (benchmarks mix numbers and strings in ``answer``); a dataset built
    from the rows is (:func:`check_rows`, in :func:`load_dataset_spec`)."""
    rows, where = _rows_and_lines(path)
    for row, at in zip(rows, where):
        if not isinstance(row, dict):
            raise ValueError(f"{at}: expected a JSON object (one row, e.g. {{\"prompt\": ...}}), got {_kind(row)}")
    return rows


def _rows_and_lines(path: Path) -> tuple[list[Any], list[str]]:
    """The parsed rows of a JSON/JSONL file and where each is (``FILE:LINE`` or ``FILE: row I``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.object[e.start]:#04x} at offset {e.start}); "
                         "save it as UTF-8") from None
    if path.suffix == ".jsonl":
        rows, lines = [], []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{i}: not valid JSON ({e.msg})") from None
                lines.append(f"{path}:{i}")
        return rows, lines
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e.msg}, line {e.lineno})") from None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of objects (or JSON Lines)")
    return data, [f"{path}: row {i}" for i in range(len(data))]


def read_dataset_rows(path: Path) -> list[dict]:
    """The rows of a JSON/JSONL dataset file, type-checked as a dataset needs them (:func:`check_rows`):
    the first bad row is named by file and line, before any model is loaded."""
    rows, where = _rows_and_lines(path)
    check_rows(rows, where)
    return rows


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(m, dict) and "role" in m and "content" in m for m in value)


def check_rows(rows: list[Any], where: list[str]) -> None:
    """Raise ``ValueError`` naming the first row (``where[i]``: file and line) that is not an object, whose
    column has another type than in the rows before it (Arrow would fail with ``ArrowTypeError``), or whose
    ``prompt`` / ``completion`` is neither a string nor a list of ``{role, content}`` messages."""
    first: dict[str, tuple[str, str]] = {}
    for row, at in zip(rows, where):
        if not isinstance(row, dict):
            raise ValueError(f"{at}: expected a JSON object (one row, e.g. {{\"prompt\": ...}}), got {_kind(row)}")
        for column in ("prompt", "completion"):
            value = row.get(column)
            if value is not None and not isinstance(value, str) and not _is_messages(value):
                raise ValueError(f"{at}: {column!r} must be a string or a list of {{role, content}} messages, got "
                                 f"{value!r:.60}")
        for column, value in row.items():
            if value is None:
                continue
            kind = _kind(value)
            seen = first.setdefault(column, (kind, at))
            if seen[0] != kind:
                raise ValueError(f"{at}: column {column!r} is {kind} here but {seen[0]} at {seen[1]}; use one type "
                                 "per column")


_LOCAL_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")


def looks_local(spec: str) -> bool:
    """Whether a dataset spec names a local file or directory (so it must exist), not a hub id."""
    return (not spec.startswith("synthetic://") and "://" not in spec
            and (spec.endswith(_LOCAL_SUFFIXES) or spec.startswith((".", "/", "~")) or Path(spec).expanduser().exists()))


def check_dataset_spec(spec: str) -> str | None:
    """What is wrong with a dataset spec, found without loading it (``None``: nothing found): a local file
    or directory that does not exist, bad rows in a local JSON/JSONL file, an unknown ``synthetic://``
    dataset or option. Hub ids are not checked (they may need the network)."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        try:
            _synthetic(parts.netloc, dict(parse_qsl(parts.query)), check_only=True)
        except ValueError as e:
            return f"{spec}: {e}"
        return None
    if "?" in spec:  # a hub layout's options (trl_r1.data.views): checked as the loader reads them
        from trl_r1.data.views import parse_view

        try:
            spec, _ = parse_view(spec)
        except ValueError as e:
            return str(e)
    if not looks_local(spec):
        return None
    path = Path(spec).expanduser()
    if not path.exists():
        return f"dataset {spec!r} does not exist; create it or point at an existing file or save_to_disk directory"
    if path.is_file() and path.suffix in (".jsonl", ".json"):
        try:
            read_dataset_rows(path)
        except ValueError as e:
            return str(e)
    return None


def load_dataset_spec(spec: str, split: str = "train") -> Dataset:
    """Load a dataset from a spec (see the module docstring); ``split`` applies to dataset dicts."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        return _synthetic(parts.netloc, dict(parse_qsl(parts.query)))
    if "?" in spec:  # a hub layout: config, split, renames, filters (trl_r1.data.views)
        from trl_r1.data.views import load_view

        return load_view(spec, split, lambda name, s: load_dataset_spec(name, split=s))
    path = Path(spec).expanduser()
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
    if path.suffix == ".parquet":
        return Dataset.from_parquet(str(path))
    if path.suffix == ".csv":
        return Dataset.from_csv(str(path))
    if path.exists() or spec.startswith((".", "/", "~")):
        raise FileNotFoundError(f"dataset {spec!r} is not a .jsonl/.json/.parquet/.csv file or a saved dataset dir")
    from datasets import load_dataset

    return load_dataset(spec, split=split)
