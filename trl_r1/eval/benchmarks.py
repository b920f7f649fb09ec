r"""The benchmarks R1 reports, and any file of question/answer (or problem/tests) rows, as a list of :class:`Problem`.

Named benchmarks load from their Hub datasets (cached as ``datasets`` caches), or from local copies
with the file names below:

=============  ========================================  ======================  ====  ============================
name           Hub dataset (split)                       local file              lang  scored by
=============  ========================================  ======================  ====  ============================
math500        HuggingFaceH4/MATH-500 (test)             ``math500.jsonl``       en    ``answer`` (LaTeX)
aime24         HuggingFaceH4/aime_2024 (train)           ``aime24.jsonl``        en    ``answer`` (integer)
aime25         yentinglin/aime_2025 (train)              ``aime25.jsonl``        en    ``answer`` (integer)
amc23          math-ai/amc23 (test)                      ``amc23.jsonl``         en    ``answer`` (``27.0``: ``27``)
gsm8k          openai/gsm8k, main (test)                 ``gsm8k_test.jsonl``    en    the text after ``####``
cmath          weitianwen/cmath (validation)             ``cmath_zh.jsonl``      zh    ``answer`` (Hub: ``golden``)
gpqa_diamond   Idavidrein/gpqa, gpqa_diamond (train)     ``gpqa_diamond.csv``    en    one letter (Hub: gated)
livecodebench  livecodebench/code_generation_lite        ``livecodebench/``      en    every test passes
=============  ========================================  ======================  ====  ============================

(AIME 2024 and AMC 2023 are the sets lighteval evaluates.) A local directory is used when given: the
``data_dir`` argument (``--data-dir``), else the ``TRL_R1_BENCHMARKS_DIR`` environment variable;
otherwise the Hub dataset is loaded (``HF_DATASETS_OFFLINE=1`` then needs it in the ``datasets`` cache).
A named benchmark takes options after its name: ``gpqa_diamond?shuffle_seed=1`` (the seed of the
per-problem option order, :mod:`trl_r1.eval.gpqa`), ``livecodebench?release=v6&start=2024-08&end=2025-01``
(:mod:`trl_r1.eval.livecodebench`).

Anything else is a dataset spec for :func:`trl_r1.data.loading.load_dataset_spec` (a ``.jsonl`` /
``.json`` / ``.parquet`` / ``.csv`` file, a ``save_to_disk`` directory, ``synthetic://...``) whose
rows hold a question (``question``, ``problem``, ``query``, ``input`` or a ready ``prompt``) and
either a gold answer (``answer``, ``final_answer``, ``gold``, ``target``, ``ground_truth``,
``expected_answer`` or ``solution``; a worked solution ending in ``#### x`` or ``\boxed{x}`` gives
``x``) or test cases in a shape the code reward reads (a ``test_cases``, ``verification_info`` or
``input_output`` column: see :mod:`trl_r1.rewards.code`); rows with ``choices`` (or ``options``) are
multiple-choice. Hub ids are not accepted here, so a typo cannot start a download.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trl_r1.eval import livecodebench
from trl_r1.eval.problem import BenchmarkError, Problem
from trl_r1.rewards.answer_reader import boxed_contents
from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "TRL_R1_BENCHMARKS_DIR"
QUESTION_FIELDS = ("question", "problem", "query", "input")
ANSWER_FIELDS = ("answer", "final_answer", "gold", "target", "ground_truth", "expected_answer", "solution")


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark: its file in the data directory, its fields and its language."""

    name: str
    filename: str
    question_field: str
    answer_field: str = "answer"
    language: str = "en"
    description: str = ""
    hub: tuple[str, str | None, str] = ("", None, "test")
    """``(dataset id, config, split)`` on the Hugging Face Hub."""
    hub_fields: tuple[str, str] | None = None
    """``(question, answer)`` fields of the Hub dataset when they differ from the local file's."""
    kind: str = "math"
    """``math`` (a final answer, verified), ``multiple_choice`` (one letter) or ``code`` (tests run)."""
    options: tuple[tuple[str, str], ...] = ()
    """Settings a spec may give after the name (``livecodebench?release=v6``), with their defaults."""
    note: str = ""
    """What a user must know to load it (said in the error when it cannot be loaded)."""


BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark(
            "math500",
            "math500.jsonl",
            "problem",
            description="MATH-500 (competition math, LaTeX answers)",
            hub=("HuggingFaceH4/MATH-500", None, "test"),
        ),
        Benchmark(
            "aime24",
            "aime24.jsonl",
            "problem",
            description="AIME 2024 I and II (integer answers)",
            hub=("HuggingFaceH4/aime_2024", None, "train"),
        ),
        Benchmark(
            "aime25",
            "aime25.jsonl",
            "problem",
            description="AIME 2025 I and II (integer answers)",
            hub=("yentinglin/aime_2025", None, "train"),
        ),
        Benchmark(
            "amc23", "amc23.jsonl", "question", description="AMC 2023", hub=("math-ai/amc23", None, "test")
        ),
        Benchmark(
            "gsm8k",
            "gsm8k_test.jsonl",
            "question",
            description="GSM8K test split (grade-school math)",
            hub=("openai/gsm8k", "main", "test"),
        ),
        Benchmark(
            "cmath",
            "cmath_zh.jsonl",
            "question",
            language="zh",
            description="CMATH (Chinese grade-school math)",
            hub=("weitianwen/cmath", None, "validation"),
            hub_fields=("question", "golden"),
        ),
        Benchmark(
            "gpqa_diamond",
            "gpqa_diamond.csv",
            "Question",
            "Correct Answer",
            kind="multiple_choice",
            description="GPQA Diamond (198 graduate-level science questions, 4 options shuffled per problem)",
            hub=("Idavidrein/gpqa", "gpqa_diamond", "train"),
            options=(("shuffle_seed", "0"),),
            note="the Hub dataset is gated: accept its terms on the Hub and keep its gpqa_diamond.csv in a "
            "folder passed as --data-dir",
        ),
        Benchmark(
            "livecodebench",
            "livecodebench",
            "question_content",
            kind="code",
            description="LiveCodeBench code generation (R1: problems of 2024-08 to 2025-01)",
            hub=(livecodebench.HUB_REPO, None, "test"),
            options=(
                ("release", livecodebench.DEFAULT_RELEASE),
                ("start", livecodebench.DEFAULT_START),
                ("end", livecodebench.DEFAULT_END),
            ),
            note="a local copy is a folder livecodebench/ holding the Hub's test.jsonl ... testN.jsonl",
        ),
    )
}


HUB_PREFIX = "hf-benchmark://"


def default_data_dir() -> Path | None:
    """The local benchmark directory of ``$TRL_R1_BENCHMARKS_DIR``; ``None``: load from the Hub."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).expanduser() if env else None


def gold_answer(value: Any) -> str:
    r"""The gold final answer of a row's answer field, as text.

    JSON numbers that are whole become integers (``27.0`` -> ``"27"``), a GSM8K worked solution
    gives the text after its last ``####``, and a worked solution with a ``\boxed{}`` gives the
    boxed content; anything else is returned stripped.

    >>> gold_answer(27.0), gold_answer("He pays 3 * 6 = 18.\n#### 18"), gold_answer(r"so $\boxed{\frac12}$")
    ('27', '18', '\\frac12')
    """
    if isinstance(value, bool):
        raise BenchmarkError(f"gold answer must be text or a number, got the boolean {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        raise BenchmarkError(f"gold answer must be text or a number, got {type(value).__name__}")
    if "####" in value:
        return value.rpartition("####")[2].strip().replace(",", "")  # GSM8K writes 1,000 in its solutions
    boxed = boxed_contents(value)  # the rewards' box reader: gold and completions are read alike
    return (boxed[-1] if boxed else value).strip()


def _row_id(row: Mapping[str, Any], index: int) -> str:
    for key in ("id", "unique_id", "idx", "problem_id"):
        if row.get(key) is not None:
            return str(row[key])
    return str(index)


def _pick(
    columns: Iterable[str], explicit: str | None, candidates: Sequence[str], what: str, source: str
) -> str:
    columns = list(columns)
    if explicit is not None:
        if explicit not in columns:
            raise BenchmarkError(f"{source}: no {what} field {explicit!r}; its fields are {sorted(columns)}")
        return explicit
    for name in candidates:
        if name in columns:
            return name
    flag = "--question-field" if what == "question" else "--answer-field"
    raise BenchmarkError(
        f"{source}: no {what} field found (looked for {', '.join(candidates)}; its fields are {sorted(columns)}); "
        f"rename the column or pass {flag} NAME"
    )


TEST_COLUMNS = ("verification_info", "test_cases", "input_output")
CHOICE_COLUMNS = ("choices", "options")


def _json_value(value: Any) -> Any:
    import json

    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _row_tests(row: Mapping[str, Any], column: str, index: int, source: str) -> dict[str, Any]:
    """A row's test cases as the code reward's ``verification_info`` (its shapes are checked when scoring)."""
    value = _json_value(row.get(column))
    if value in (None, "", [], {}):
        raise BenchmarkError(f"{source}: row {index} has an empty {column!r} (test cases)")
    if column == "verification_info":
        if not isinstance(value, Mapping):
            raise BenchmarkError(
                f"{source}: row {index}: verification_info must be an object with test_cases"
            )
        return dict(value)
    return {"test_cases": value}


def problems_from_rows(
    rows: Sequence[Mapping[str, Any]],
    question_field: str | None = None,
    answer_field: str | None = None,
    source: str = "dataset",
) -> list[Problem]:
    """Rows (dicts, or a ``datasets.Dataset``) -> problems, with the fields found or given.

    A ``prompt`` column (string or chat messages) is used as the prompt; the question then
    defaults to the question field when there is one, else to the prompt's last user message.
    Rows with test cases (``verification_info``, ``test_cases`` or ``input_output``) and no answer
    field become code problems; rows with ``choices`` / ``options`` become multiple-choice problems.
    Raises :class:`BenchmarkError` for missing fields or empty values, naming the row.
    """
    if len(rows) == 0:
        raise BenchmarkError(f"{source}: no rows")
    columns = rows.column_names if hasattr(rows, "column_names") else list(rows[0])
    has_prompt = "prompt" in columns and question_field is None
    if has_prompt and not any(c in columns for c in QUESTION_FIELDS):
        q_field = "prompt"
    else:
        q_field = _pick(columns, question_field, QUESTION_FIELDS, "question", source)
    test_column = next((c for c in TEST_COLUMNS if c in columns), None)
    choice_column = next((c for c in CHOICE_COLUMNS if c in columns), None)
    has_answer = answer_field is not None or any(c in columns for c in ANSWER_FIELDS)
    a_field = (
        None
        if test_column and not has_answer
        else _pick(columns, answer_field, ANSWER_FIELDS, "answer", source)
    )
    problems = []
    for i, row in enumerate(rows):
        prompt = row.get("prompt") if has_prompt else None
        question = row.get(q_field)
        if q_field == "prompt":
            question = prompt_text(prompt) if prompt is not None else None
        if not isinstance(question, str) or not question.strip():
            raise BenchmarkError(f"{source}: row {i} has no {q_field!r} text (got {question!r})")
        if a_field is None:
            problems.append(
                Problem(
                    question=question,
                    answer="",
                    id=_row_id(row, i),
                    prompt=prompt,
                    tests=_row_tests(row, test_column, i, source),
                )
            )
            continue
        raw = row.get(a_field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise BenchmarkError(f"{source}: row {i} has an empty {a_field!r} (gold answer)")
        try:
            answer = gold_answer(raw)
        except BenchmarkError as e:
            raise BenchmarkError(f"{source}: row {i}, field {a_field!r}: {e}") from None
        choices = _json_value(row.get(choice_column)) if choice_column else None
        if choices is not None and (
            not isinstance(choices, list) or not all(isinstance(c, str) for c in choices)
        ):
            raise BenchmarkError(f"{source}: row {i}: {choice_column!r} must be a list of option texts")
        problems.append(
            Problem(
                question=question,
                answer=answer,
                id=_row_id(row, i),
                prompt=prompt,
                choices=tuple(choices) if choices is not None else None,
            )
        )
    return problems


def split_spec(name_or_spec: str) -> tuple[str, dict[str, str]]:
    """``(name, options)`` of a named benchmark spec, with the benchmark's defaults filled in;
    ``(spec, {})`` for anything that is not a named benchmark.

    >>> split_spec("livecodebench?release=v6")
    ('livecodebench', {'release': 'v6', 'start': '2024-08', 'end': '2025-01'})
    >>> split_spec("math500"), split_spec("data/my.jsonl")
    (('math500', {}), ('data/my.jsonl', {}))
    """
    from urllib.parse import parse_qsl

    name, _, query = name_or_spec.partition("?")
    bench = BENCHMARKS.get(name)
    if bench is None:
        return name_or_spec, {}
    options = dict(bench.options)
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in options:
            allowed = ", ".join(options) or "none"
            raise BenchmarkError(f"benchmark {name!r} has no option {key!r} (its options: {allowed})")
        options[key] = value
    return name, options


def benchmark_language(name_or_spec: str) -> str | None:
    """The language of a named benchmark (``None`` for files: it is then detected per prompt)."""
    bench = BENCHMARKS.get(name_or_spec.partition("?")[0])
    return bench.language if bench else None


def resolve_benchmark(name_or_spec: str, data_dir: str | os.PathLike | None = None) -> tuple[str, str]:
    """``(display name, path or spec to load)`` for a benchmark name, file or dataset spec.

    Checks existence only (cheap), so a CLI can fail before loading a model. A named benchmark with
    no local directory resolves to ``hf-benchmark://NAME`` (its Hub dataset, loaded by :func:`load_problems`).
    """
    name, _ = split_spec(name_or_spec)
    if name in BENCHMARKS:
        bench = BENCHMARKS[name]
        where = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        if where is None:
            return bench.name, HUB_PREFIX + bench.name
        path = where / bench.filename
        if not path.exists():
            origin = "--data-dir" if data_dir is not None else f"${DATA_DIR_ENV}"
            note = f" ({bench.note})" if bench.note else ""
            raise BenchmarkError(
                f"benchmark {bench.name!r} needs {bench.filename}, not found in {where} ({origin}); "
                f"pass --data-dir DIR (or set {DATA_DIR_ENV}) to the folder holding the benchmark files{note}"
            )
        return bench.name, str(path)
    if "://" in name_or_spec:
        return name_or_spec, name_or_spec
    path = Path(name_or_spec).expanduser()
    if path.exists():
        return path.stem if path.is_file() else path.name, str(path)
    looks_like_file = path.suffix in (".jsonl", ".json", ".parquet", ".csv") or name_or_spec.startswith(
        (".", "/", "~")
    )
    if looks_like_file:
        raise BenchmarkError(f"benchmark file {name_or_spec!r} does not exist")
    raise BenchmarkError(
        f"unknown benchmark {name_or_spec!r}: choose from {', '.join(BENCHMARKS)}, "
        "or pass a .jsonl/.json/.parquet file with question and answer (or test case) fields"
    )


def load_problems(
    name_or_spec: str,
    data_dir: str | os.PathLike | None = None,
    limit: int | None = None,
    question_field: str | None = None,
    answer_field: str | None = None,
) -> list[Problem]:
    """Problems of a named benchmark, a file or a dataset spec; the first ``limit`` when given.

    >>> problems = load_problems("gsm8k", limit=2)  # doctest: +SKIP
    >>> problems[0].answer  # doctest: +SKIP
    '18'
    """
    from trl_r1.data.loading import load_dataset_spec, read_json_rows

    if limit is not None and limit < 1:
        raise BenchmarkError(f"limit must be >= 1, got {limit}")
    name, spec = resolve_benchmark(name_or_spec, data_dir)
    key, options = split_spec(name_or_spec)
    bench = BENCHMARKS.get(key)
    if bench is not None and bench.kind != "math":
        problems = _special_problems(bench, spec, options)
        return problems[:limit] if limit is not None else problems
    if bench is not None:
        own_question, own_answer = (
            bench.hub_fields
            if spec.startswith(HUB_PREFIX) and bench.hub_fields
            else (bench.question_field, bench.answer_field)
        )
        question_field, answer_field = question_field or own_question, answer_field or own_answer
    try:
        if spec.startswith(HUB_PREFIX):
            rows = _hub_rows(bench)
        elif Path(spec).suffix in (".jsonl", ".json") and Path(spec).is_file():
            rows = read_json_rows(
                Path(spec)
            )  # plain dicts: answers may mix numbers and text (no Arrow schema)
        else:
            rows = load_dataset_spec(spec)
    except BenchmarkError:
        raise
    except (ValueError, FileNotFoundError) as e:
        raise BenchmarkError(f"cannot read benchmark {name_or_spec!r}: {e}") from None
    if limit is not None and limit < len(rows):
        rows = rows[:limit] if isinstance(rows, list) else rows.select(range(limit))
    return problems_from_rows(rows, question_field, answer_field, source=name)


def _special_problems(bench: Benchmark, spec: str, options: Mapping[str, str]) -> list[Problem]:
    """GPQA Diamond and LiveCodeBench: their own schemas, prompts and scoring."""
    from trl_r1.data.loading import read_json_rows

    if bench.kind == "multiple_choice":
        from trl_r1.eval.gpqa import gpqa_problems

        try:
            seed = int(options["shuffle_seed"])
        except ValueError:
            raise BenchmarkError(
                f"{bench.name}: shuffle_seed must be an integer, got {options['shuffle_seed']!r}"
            ) from None
        rows = _hub_rows(bench) if spec.startswith(HUB_PREFIX) else _csv_rows(Path(spec))
        return gpqa_problems(rows, shuffle_seed=seed, source=bench.name)
    from trl_r1.eval.livecodebench import livecodebench_problems, release_files

    files = release_files(options["release"])
    if spec.startswith(HUB_PREFIX):
        rows = _hub_code_rows(bench, files)
    else:
        folder = Path(spec)
        missing = [f for f in files if not (folder / f).is_file()]
        if missing:
            raise BenchmarkError(
                f"{bench.name}: release {options['release']} needs {', '.join(missing)} in {folder} "
                f"(the Hub's files of that release); copy them there or pass another release="
            )
        rows = [row for f in files for row in read_json_rows(folder / f)]
    problems = livecodebench_problems(rows, options["start"], options["end"], source=bench.name)
    if not problems:
        raise BenchmarkError(
            f"{bench.name}: no problem of release {options['release']} between {options['start']} "
            f"and {options['end']}; widen start=/end= or use a later release="
        )
    return problems


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    try:
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BenchmarkError(f"cannot read {path}: {e}") from None


def _hub_error(bench: Benchmark, error: Exception) -> BenchmarkError:
    text = str(error).splitlines()[0] if str(error) else ""
    note = f"; {bench.note}" if bench.note else ""
    return BenchmarkError(
        f"cannot load benchmark {bench.name!r} from the Hub dataset {bench.hub[0]} ({type(error).__name__}: {text}); "
        f"pass --data-dir DIR (or set {DATA_DIR_ENV}) to a folder holding {bench.filename}{note}"
    )


def _hub_rows(bench: Benchmark) -> Any:
    """The rows of a named benchmark's Hub dataset (``datasets`` caches it)."""
    from datasets import load_dataset

    repo, config, split = bench.hub
    try:
        return load_dataset(repo, config, split=split)
    except Exception as e:  # offline without a cached copy, no network, a gated or renamed dataset...
        raise _hub_error(bench, e) from None


def _hub_code_rows(bench: Benchmark, files: list[str]) -> list[dict[str, Any]]:
    """LiveCodeBench's release files from the Hub (``huggingface_hub`` caches them)."""
    from huggingface_hub import hf_hub_download

    from trl_r1.data.loading import read_json_rows

    try:
        paths = [hf_hub_download(bench.hub[0], f, repo_type="dataset") for f in files]
    except Exception as e:  # offline, no network, a renamed file...
        raise _hub_error(bench, e) from None
    return [row for path in paths for row in read_json_rows(Path(path))]
