r"""LiveCodeBench code generation as R1 evaluates it: problems of a release in a date window, pass@1 by tests.

R1 reports LiveCodeBench pass@1 on problems published from 2024-08 to 2025-01 (paper, section 3.1),
with chain-of-thought generation. The Hub dataset ``livecodebench/code_generation_lite`` ships one
JSON-lines file per release increment (``test.jsonl`` for release_v1, ``test2.jsonl`` added by
release_v2, ... ``test6.jsonl``); release ``vN`` is the first N files. A local copy is a folder
``livecodebench/`` holding those files (``--data-dir``). Each row holds ``question_content``,
``starter_code``, ``contest_date``, ``public_test_cases`` (a JSON list of ``{"input", "output",
"testtype"}``), ``private_test_cases`` (the same list, stored as base64 of zlib of a pickled JSON
string) and ``metadata`` (JSON, ``func_name`` for LeetCode's call-based tests).

The private tests are decoded under hard limits: the decompressed size is capped, and the pickle
layer is read by an unpickler that refuses every global (it can rebuild text only, never call
anything), since a pickle from a file is code. Tests go to the code reward as its
``verification_info`` (LiveCodeBench's ``stdin`` and ``functional`` shapes), so a program is run in
the same sandbox with the same grading rules as in GRPO; a problem counts as solved when every test
passes.

>>> in_window("2024-09-14T00:00:00", "2024-08", "2025-01"), in_window("2025-02-01", "2024-08", "2025-01")
(True, False)
"""

from __future__ import annotations

import base64
import calendar
import io
import json
import pickle
import zlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from trl_r1.eval.problem import BenchmarkError, Problem

HUB_REPO = "livecodebench/code_generation_lite"
RELEASES = {f"v{i}": i for i in range(1, 7)}
DEFAULT_RELEASE, DEFAULT_START, DEFAULT_END = "v5", "2024-08", "2025-01"  # R1's window
MAX_TEST_BYTES = 256 << 20  # decompressed private tests of one problem; the largest real ones are far smaller

SYSTEM_INSTRUCTION = (
    "You will be given a question (problem specification) and will generate a correct Python program that matches "
    "the specification and passes all tests."
)
STDIN_FORMAT = (
    "Read the inputs from stdin, solve the problem and write the answer to stdout (do not directly test on the "
    "sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it "
    "reads the inputs, runs the algorithm and writes output to STDOUT.\n```python\n# YOUR CODE HERE\n```"
)
STARTER_FORMAT = (
    "You will use the following starter code to write the solution to the problem and enclose your "
    "code within delimiters.\n```python\n{starter_code}\n```"
)


def release_files(release: str) -> list[str]:
    """The Hub files of a release (cumulative).

    >>> release_files("v3")
    ['test.jsonl', 'test2.jsonl', 'test3.jsonl']
    """
    release = release.removeprefix("release_")
    if release not in RELEASES:
        raise BenchmarkError(f"livecodebench: unknown release {release!r}; choose from {', '.join(RELEASES)}")
    return ["test.jsonl" if i == 1 else f"test{i}.jsonl" for i in range(1, RELEASES[release] + 1)]


def _month(value: str, end: bool) -> date:
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 2:
            day = calendar.monthrange(parts[0], parts[1])[1] if end else 1
            return date(parts[0], parts[1], day)
        return date(*parts)
    except (ValueError, TypeError):
        raise BenchmarkError(f"livecodebench: dates are YYYY-MM or YYYY-MM-DD, got {value!r}") from None


def in_window(contest_date: Any, start: str, end: str) -> bool:
    """Whether a problem's ``contest_date`` falls in ``[start, end]`` (months include their last day)."""
    if isinstance(contest_date, datetime):
        day = contest_date.date()
    elif isinstance(contest_date, date):
        day = contest_date
    else:
        day = datetime.fromisoformat(str(contest_date).replace("Z", "")).date()
    return _month(start, end=False) <= day <= _month(end, end=True)


class _TextOnlyUnpickler(pickle.Unpickler):
    """Rebuilds strings, numbers and containers only: every global is refused, so nothing can be called."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the test data asks for {module}.{name}; only plain text is accepted")


def decode_tests(value: Any, max_bytes: int = MAX_TEST_BYTES) -> list[dict[str, Any]]:
    """LiveCodeBench test cases as stored: a JSON list, or base64(zlib(pickle(JSON string))).

    >>> import base64, pickle, zlib
    >>> packed = base64.b64encode(zlib.compress(pickle.dumps('[{"input": "1", "output": "2", "testtype": "stdin"}]')))
    >>> decode_tests(packed.decode())[0]["output"]
    '2'
    """
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValueError(f"test cases must be text, got {type(value).__name__}")
    text = value.strip()
    if not text.startswith("["):
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.b64decode(text, validate=True), max_bytes)
        if inflate.unconsumed_tail:
            raise ValueError(f"test cases larger than {max_bytes} bytes once decompressed")
        text = _TextOnlyUnpickler(io.BytesIO(raw)).load()
        if not isinstance(text, str):
            raise ValueError(f"the pickled test cases hold {type(text).__name__}, not JSON text")
    cases = json.loads(text)
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise ValueError("test cases must be a JSON list of objects")
    return cases


def code_prompt(question: str, starter_code: str | None) -> str:
    """The R1 evaluation prompt of a LiveCodeBench problem (LiveCodeBench's own generation prompt)."""
    fmt = STARTER_FORMAT.format(starter_code=starter_code) if starter_code else STDIN_FORMAT
    return f"{SYSTEM_INSTRUCTION}\n\nQuestion: {question.strip()}\n\n{fmt}\n\nAnswer: (use the provided format with backticks)"


def livecodebench_problems(
    rows: Sequence[Mapping[str, Any]],
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    source: str = "livecodebench",
) -> list[Problem]:
    """Rows of the Hub's schema -> code problems published in ``[start, end]``, with public and private tests."""
    problems = []
    for i, row in enumerate(rows):
        for column in ("question_content", "contest_date", "public_test_cases"):
            if row.get(column) in (None, ""):
                raise BenchmarkError(
                    f"{source}: row {i} has no {column!r} (is this LiveCodeBench's "
                    "code_generation_lite schema?)"
                )
        try:
            if not in_window(row["contest_date"], start, end):
                continue
            cases = decode_tests(row["public_test_cases"]) + decode_tests(
                row.get("private_test_cases") or "[]"
            )
            metadata = row.get("metadata") or "{}"
            metadata = json.loads(metadata) if isinstance(metadata, str) else dict(metadata)
        except (ValueError, pickle.UnpicklingError, zlib.error, EOFError) as e:
            raise BenchmarkError(
                f"{source}: row {i} ({row.get('question_id')}): unreadable tests or metadata "
                f"({type(e).__name__}: {e})"
            ) from None
        tests: dict[str, Any] = {"language": "python", "test_cases": cases}
        if metadata.get("func_name"):
            tests["fn_name"] = metadata["func_name"]
        text = code_prompt(row["question_content"], row.get("starter_code"))
        problems.append(
            Problem(
                question=text,
                answer="",
                id=str(row.get("question_id") or i),
                prompt=[{"role": "user", "content": text}],
                tests=tests,
            )
        )
    return problems
