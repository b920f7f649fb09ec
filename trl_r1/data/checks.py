"""Checks of local dataset files and their rows, run before any model loads; the loader reads files through the
same bounded readers (:mod:`trl_r1.data.loading`), so what validation accepts is what training reads.

* :func:`local_path_problem`: the path is a regular file of a known kind, or a ``save_to_disk`` directory,
  never a FIFO (the loader would block), a device (``/dev/zero`` behind a link) or a directory named
  ``x.jsonl``;
* :func:`read_json_rows_bounded`: JSON / JSON Lines rows with a size bound per row and per document and a
  nesting bound, ``NaN`` / ``Infinity`` refused (not JSON; Arrow and the rewards cannot use them), each problem
  one line naming the file and line;
* :func:`first_rows`: the first rows of a ``.csv`` / ``.parquet`` file or a saved dataset, read with the
  loader's own library (pandas, pyarrow, ``datasets``), bounded;
* :func:`check_rows`: row contents typed: a ``prompt`` / ``completion`` is non-empty text or a non-empty list
  of ``{role, content}`` messages with string roles and contents; a ``solution`` (the gold answer) is text or a
  finite number; one type per column;
* :func:`view_problems`: a view's renames and filters name columns the rows have, and ``min``/``max`` read
  numbers.

>>> check_rows([{"prompt": "", "solution": "2"}], ["d.jsonl:1"])
Traceback (most recent call last):
...
ValueError: d.jsonl:1: 'prompt' is empty; give the question text or chat messages
"""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path
from typing import Any

LOCAL_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")
# What validation reads of a local file: the first rows, so a large dataset is checked in a moment.
SAMPLE_ROWS = 256
# One JSON Lines row, and one whole ``.json`` document (parsed in memory at once), at most this many bytes:
# a 10 GB sparse file or a stray binary is refused in one line instead of ending in MemoryError.
MAX_ROW_BYTES = 64 * 2**20
MAX_JSON_DOCUMENT_BYTES = 2 * 2**30
# JSON nested deeper than this is not a dataset row (and ``"[" * 200000`` would end in RecursionError).
MAX_NESTING = 64
SAVED_DATASET_FILES = ("dataset_info.json", "state.json", "dataset_dict.json")
GOLD_COLUMNS = ("solution", "answer")


def local_path_problem(path: Path, spec: str) -> str | None:
    """Why the loader cannot read ``path`` as a dataset (``None``: it can): not a regular file of a known
    kind nor a ``save_to_disk`` directory. Follows links, and never opens the path."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"dataset {spec!r} does not exist; create it or point at an existing file or save_to_disk directory"
    except OSError as e:
        return f"dataset {spec!r} cannot be read ({e.strerror})"
    if stat.S_ISDIR(st.st_mode):
        if any((path / name).is_file() for name in SAVED_DATASET_FILES):
            return None
        return (
            f"dataset {spec!r} is a directory but not a saved dataset (no {' / '.join(SAVED_DATASET_FILES)}); "
            f"give a {'/'.join(LOCAL_SUFFIXES)} file or a datasets.save_to_disk directory"
        )
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        return f"dataset {spec!r} is {kind}, not a regular file; give a {'/'.join(LOCAL_SUFFIXES)} file"
    if path.suffix not in LOCAL_SUFFIXES:
        return f"dataset {spec!r} is not a {'/'.join(LOCAL_SUFFIXES)} file or a saved dataset directory"
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value (write it as a string, or leave the field out)")


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            return level
        if isinstance(item, dict):
            stack += [(v, level + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, level + 1) for v in item]
    return deepest


def _parse(text: str, where: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not valid JSON ({e.msg}, line {e.lineno} column {e.colno})") from None
    except RecursionError:
        raise ValueError(f"{where}: JSON nested too deeply to read (at most {MAX_NESTING} levels)") from None
    except ValueError as e:  # NaN / Infinity
        raise ValueError(f"{where}: {e}") from None
    if _depth(value) > MAX_NESTING:
        raise ValueError(
            f"{where}: JSON nested more than {MAX_NESTING} levels deep; that is not a dataset row"
        )
    return value


def _utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{where}: not UTF-8 text (byte {data[e.start]:#04x} at offset {e.start}); save it as UTF-8"
        ) from None


def read_json_rows_bounded(path: Path, limit: int | None = None) -> tuple[list[Any], list[str]]:
    """The parsed rows of a ``.jsonl`` / ``.json`` file and where each is (``FILE:LINE`` / ``FILE: row I``),
    the first ``limit`` only when given; every bound of the module docstring applies (one ``ValueError`` line)."""
    problem = local_path_problem(path, str(path))
    if problem:
        raise ValueError(problem)
    rows: list[Any] = []
    where: list[str] = []
    if path.suffix == ".jsonl":
        with open(path, "rb") as f:
            number = 0
            while limit is None or len(rows) < limit:
                line = f.readline(MAX_ROW_BYTES + 1)
                if not line:
                    break
                number += 1
                if len(line) > MAX_ROW_BYTES:
                    raise ValueError(
                        f"{path}:{number}: a row longer than {MAX_ROW_BYTES // 2**20} MiB; that is not "
                        "a JSON Lines dataset (a binary or sparse file?)"
                    )
                text = _utf8(line, f"{path}:{number}")
                if text.strip():
                    rows.append(_parse(text, f"{path}:{number}"))
                    where.append(f"{path}:{number}")
        return rows, where
    size = path.stat().st_size
    if size > MAX_JSON_DOCUMENT_BYTES:
        raise ValueError(
            f"{path}: a {size / 2**30:.1f} GiB .json document is parsed in memory at once (at most "
            f"{MAX_JSON_DOCUMENT_BYTES // 2**30} GiB); convert it to .jsonl or .parquet"
        )
    data = _parse(_utf8(path.read_bytes(), str(path)), str(path))
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of objects (or JSON Lines)")
    data = data if limit is None else data[:limit]
    return data, [f"{path}: row {i}" for i in range(len(data))]


def first_rows(path: Path, split: str = "train", limit: int = SAMPLE_ROWS) -> tuple[list[Any], list[str]]:
    """The first ``limit`` rows of a local dataset (any kind :func:`local_path_problem` accepts), read as the
    loader reads them; a file the loader's library cannot parse is one ``ValueError`` line naming it."""
    problem = local_path_problem(path, str(path))
    if problem:
        raise ValueError(problem)
    if path.is_dir():
        from datasets import DatasetDict, load_from_disk

        try:
            data = load_from_disk(str(path))
        except Exception as e:  # a damaged save: whatever datasets raises, as one line
            raise ValueError(f"{path}: not a readable saved dataset ({_first_line(e)})") from None
        if isinstance(data, DatasetDict):
            if split not in data:
                raise ValueError(f"{path}: no split {split!r}; available: {list(data)}")
            data = data[split]
        rows = data.select(range(min(limit, len(data)))).to_list()
    elif path.suffix in (".jsonl", ".json"):
        return read_json_rows_bounded(path, limit)
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            batch = next(pq.ParquetFile(path).iter_batches(batch_size=limit), None)
        except Exception as e:  # ArrowInvalid and friends: not a parquet file
            raise ValueError(f"{path}: not a readable parquet file ({_first_line(e)})") from None
        rows = batch.to_pylist() if batch is not None else []
    else:
        import pandas as pd

        try:
            frame = pd.read_csv(path, nrows=limit)
        except UnicodeDecodeError:
            raise ValueError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
        except Exception as e:  # pandas' ParserError, EmptyDataError: not a CSV the loader can read
            raise ValueError(f"{path}: not a readable CSV file ({_first_line(e)})") from None
        rows = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")
        ]
    return rows, [f"{path}: row {i}" for i in range(len(rows))]


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0][:200]


def kind_of(value: Any) -> str:
    """``a string``, ``a number``, ``a list``... as an error message says it."""
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


def _text_or_messages_problem(value: Any, column: str) -> str | None:
    if isinstance(value, str):
        return f"{column!r} is empty; give the question text or chat messages" if not value.strip() else None
    if not isinstance(value, list):
        return f"{column!r} must be a string or a list of {{role, content}} messages, got {value!r:.60}"
    if not value:
        return f"{column!r} is an empty list of messages"
    for i, message in enumerate(value):
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            return f"{column!r} message {i} must be a {{role, content}} object, got {message!r:.60}"
        if not isinstance(message["role"], str) or not message["role"]:
            return (
                f"{column!r} message {i}: role must be a string such as 'user', got {message['role']!r:.40}"
            )
        if not isinstance(message["content"], str):
            return f"{column!r} message {i}: content must be a string, got {message['content']!r:.40}"
    return None


def _gold_problem(value: Any, column: str) -> str | None:
    if value is None or isinstance(value, str):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{column!r} (the gold answer the accuracy reward reads) must be text or a number, got {kind_of(value)}"
    if not math.isfinite(value):
        return f"{column!r} (the gold answer) must be a finite number, got {value!r}"
    return None


def check_rows(rows: list[Any], where: list[str]) -> None:
    """Raise ``ValueError`` naming the first row (``where[i]``: file and line) that is not an object, whose
    ``prompt`` / ``completion`` is not non-empty text or well-formed messages, whose gold (``solution`` /
    ``answer``) the reward cannot read, or whose column has another type than in the rows before it (Arrow
    would fail with ``ArrowTypeError``); a file with no rows fails too."""
    if not rows:
        raise ValueError(
            f"{where[0] if where else 'the dataset'}: no rows (an empty file, or only blank lines)"
        )
    first: dict[str, tuple[str, str]] = {}
    for row, at in zip(rows, where):
        if not isinstance(row, dict):
            raise ValueError(
                f'{at}: expected a JSON object (one row, e.g. {{"prompt": ...}}), got {kind_of(row)}'
            )
        for column in ("prompt", "completion"):
            if row.get(column) is not None and (problem := _text_or_messages_problem(row[column], column)):
                raise ValueError(f"{at}: {problem}")
        for column in GOLD_COLUMNS:
            if problem := _gold_problem(row.get(column), column):
                raise ValueError(f"{at}: {problem}")
        for column, value in row.items():
            if value is None:
                continue
            kind = kind_of(value)
            seen = first.setdefault(column, (kind, at))
            if seen[0] != kind:
                raise ValueError(
                    f"{at}: column {column!r} is {kind} here but {seen[0]} at {seen[1]}; use one type "
                    "per column"
                )


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def view_problems(rows: list[dict], view: Any, spec: str) -> list[str]:
    """What the view of ``spec`` (:class:`trl_r1.data.views.DatasetView`) asks of columns the first ``rows``
    lack: a rename, ``require``, ``where``, ``min`` or ``max`` naming a missing column, or ``min``/``max`` on a
    column holding no numbers."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    renamed = list(columns)
    problems = []
    for old, new in view.rename:
        if old not in renamed:
            problems.append(f"{spec}: rename names column {old!r}, which is missing; columns: {renamed}")
            continue
        renamed = [c for c in renamed if c != new or c == old]
        renamed = [new if c == old else c for c in renamed]
    mapping = dict(view.rename)
    filters = (
        [(c, "require") for c in view.require]
        + [(c, "where") for c, _ in view.where]
        + [(c, "min") for c, _ in view.minimum]
        + [(c, "max") for c, _ in view.maximum]
    )
    for column, option in filters:
        if column not in renamed:
            problems.append(
                f"{spec}: {option}= names column {column!r}, which is missing; columns: {renamed}"
            )
        elif option in ("min", "max"):
            source = next((old for old, new in mapping.items() if new == column), column)
            values = [row.get(source) for row in rows if row.get(source) is not None]
            if values and all(_as_number(v) is None for v in values):
                problems.append(
                    f"{spec}: {option}= compares numbers, but column {column!r} holds {kind_of(values[0])} "
                    f"such as {values[0]!r:.40}; use where=COLUMN:VALUE"
                )
    return problems
