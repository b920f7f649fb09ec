"""Code-execution accuracy reward: run the model's program against the task's test cases.

DeepSeek-R1 (paper, section 2.2.2 "accuracy rewards"): "for LeetCode problems, a compiler can be
used to generate feedback based on predefined test cases". Here the program is the last fenced
code block of the final answer (the ``<answer>`` block, else the text after ``</think>``, found
by the one completion parser :func:`trl_r1.data.format.parse_completion`); it runs in a
:class:`trl_r1.sandbox.LocalSandbox` (or any :class:`~trl_r1.sandbox.SandboxProvider`), one
fresh process per test case, many programs in parallel.

Dataset shapes (one value per row):

* ``test_cases``: a list of ``{"input": str, "output": str}`` (stdin -> expected stdout, compared
  after stripping trailing whitespace of each line and trailing blank lines) or ``{"assert": str}``
  (Python run after the solution; passes when it exits 0);
* ``verification_info``: ``{"language": "python", "test_cases": [...]}``, the shape of open-r1's
  coding datasets (their ``{"type": "stdin_stdout", "input", "output"}`` cases included).

Either column may also hold the same value as a JSON string.

Scores: the fraction of cases passed (:data:`code_reward`) or 1.0 only when all pass
(:data:`binary_code_reward`). Wrong output, a crash or a timeout fail that case (0 for it); a
completion without a final code block scores 0.0. ``None`` (TRL skips the completion) when the
sandbox itself failed or the call's time budget ran out, when the row has no test cases, or when
its language is not Python: none of those is the model's fault. Each is counted in a metric
(``<name>/sandbox_errors``, ``<name>/unscorable``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.sandbox import Case, Job, JobResult, LocalSandbox, SandboxConfig, SandboxProvider
from trl_r1.text.completion import last_code_block, parse_completion

logger = logging.getLogger(__name__)

PYTHON_TAGS = frozenset({"", "python", "python3", "py", "py3"})
_SHAPES = ('test_cases: [{"input": str, "output": str} | {"assert": str}, ...] or '
           'verification_info: {"language": "python", "test_cases": [...]}')


@dataclass(frozen=True)
class TestCase:
    """One check of a program: run it on ``stdin`` and compare with ``expected``, or run ``assert_code``
    after it."""

    __test__ = False  # not a pytest class

    stdin: str = ""
    expected: str | None = None
    assert_code: str = ""

    def passed(self, status: str, stdout: str) -> bool:
        if status != "ok":
            return False
        return self.expected is None or normalize_output(stdout) == normalize_output(self.expected)


def normalize_output(text: str) -> str:
    """Output as compared: trailing whitespace of each line and trailing blank lines removed.

    >>> normalize_output("3 \\n4\\t\\n\\n") == normalize_output("3\\n4")
    True
    """
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def parse_test_cases(value: Any, row: int = 0) -> list[TestCase]:
    """Test cases from a ``test_cases`` value (list of dicts, or its JSON string).

    Raises:
        ValueError: a case has neither ``input``/``output`` nor ``assert`` (names the row).

    >>> parse_test_cases([{"input": "2\\n", "output": "4\\n"}, {"assert": "assert f(2) == 4"}])[1].assert_code
    'assert f(2) == 4'
    """
    cases = _loads(value)
    if not isinstance(cases, (list, tuple)):
        raise ValueError(f"code reward, row {row}: test cases must be a list, got {type(cases).__name__}. "
                         f"Expected {_SHAPES}")
    parsed = []
    for i, case in enumerate(cases):
        if isinstance(case, dict) and isinstance(case.get("assert"), str):
            parsed.append(TestCase(assert_code=case["assert"]))
        elif isinstance(case, dict) and isinstance(case.get("output"), str):
            stdin = case.get("input", "")
            if not isinstance(stdin, str):
                raise ValueError(f"code reward, row {row}, case {i}: 'input' must be a string")
            parsed.append(TestCase(stdin=stdin, expected=case["output"]))
        else:
            keys = sorted(case) if isinstance(case, dict) else type(case).__name__
            raise ValueError(f"code reward, row {row}, case {i}: unrecognised test case ({keys}). Expected {_SHAPES}")
    return parsed


def row_tests(test_cases: Any = None, verification_info: Any = None, row: int = 0) -> tuple[str, list[TestCase]]:
    """The language and the test cases of one dataset row, from whichever column it has."""
    if test_cases is not None:
        return "python", parse_test_cases(test_cases, row)
    info = _loads(verification_info)
    if not isinstance(info, dict) or "test_cases" not in info:
        raise ValueError(f"code reward, row {row}: verification_info must be a dict with 'test_cases'. "
                         f"Expected {_SHAPES}")
    return str(info.get("language") or "python").lower(), parse_test_cases(info["test_cases"], row)


def extract_code(text: str, fallback_to_full_text: bool = False) -> str | None:
    """The program of a completion: the last fenced Python block of its final answer, or ``None``.

    Code that appears only inside the reasoning never counts; a block tagged with another
    language does not count either.

    >>> extract_code("<think>```python\\nprint(0)\\n```</think>Done:\\n```python\\nprint(1)\\n```")
    'print(1)\\n'
    >>> extract_code("<think>```python\\nprint(0)\\n```</think>no code") is None
    True
    """
    parsed = parse_completion(text)
    region = parsed.final_answer_region
    if region is None and fallback_to_full_text:
        region = text
    block = last_code_block(region) if region is not None else None
    if block is None or block.language not in PYTHON_TAGS:
        return None
    return block.code


class CodeReward(RewardFunction):
    """Runs each completion's final code block against its row's test cases in a sandbox.

    Score of a completion: ``passed / len(test_cases)``, or with ``binary=True``
    ``1.0 if passed == len(test_cases) else 0.0``. See the module docstring for the dataset
    shapes and for when the score is ``None``.

    Args:
        sandbox: a :class:`SandboxConfig` (a :class:`LocalSandbox` is built from it on first
            use, which probes and logs the isolation layers and raises if a required one is
            missing), or any :class:`SandboxProvider`. ``None``: default local sandbox.
        binary: all-or-nothing score.
        fallback_to_full_text: score a completion without R1 tags from its whole text.
        name: the metric name TRL logs under.

    >>> reward = CodeReward()                                         # doctest: +SKIP
    >>> reward(completions=["<think>double it</think>\\n```python\\nprint(2 * int(input()))\\n```"],
    ...        test_cases=[[{"input": "2", "output": "4"}, {"input": "5", "output": "10"}]])  # doctest: +SKIP
    [1.0]
    """

    def __init__(
        self,
        sandbox: SandboxConfig | SandboxProvider | None = None,
        *,
        binary: bool = False,
        fallback_to_full_text: bool = False,
        name: str | None = None,
    ):
        super().__init__(name or ("binary_code_reward" if binary else "code_reward"))
        self.binary = binary
        self.fallback_to_full_text = fallback_to_full_text
        if isinstance(sandbox, SandboxConfig) or sandbox is None:
            self.config, self._provider = sandbox or SandboxConfig(), None
        else:
            self.config, self._provider = None, sandbox
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:  # picklable for TRL's spawned rewards: the sandbox is rebuilt there
        state = self.__dict__.copy()
        state["_lock"] = None
        if self.config is not None:
            state["_provider"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def provider(self) -> SandboxProvider:
        """The sandbox, started (probed, logged, smoke-tested) on first access."""
        with self._lock:
            if self._provider is None:
                self._provider = LocalSandbox(self.config)
            return self._provider

    def __call__(
        self,
        completions: Sequence[Any],
        test_cases: Sequence[Any] | None = None,
        verification_info: Sequence[Any] | None = None,
        log_metric: Any = None,
        **kwargs: Any,
    ) -> list[Reward]:
        column = test_cases if test_cases is not None else verification_info
        if column is None:
            raise ValueError(f"reward {self.__name__!r} needs a 'test_cases' or 'verification_info' dataset column "
                             f"(one value per row). Expected {_SHAPES}")
        if len(column) != len(completions):
            raise ValueError(f"reward {self.__name__!r}: {len(column)} test-case rows for {len(completions)} "
                             "completions; pass one value per completion")
        rows = [row_tests(test_cases=value, row=i) if test_cases is not None
                else row_tests(verification_info=value, row=i) for i, value in enumerate(column)]
        rewards: list[Reward] = [None] * len(completions)
        jobs: dict[Job, list[int]] = {}  # identical programs on identical tests run once
        unscorable = no_code = 0
        for i, (text, (language, tests)) in enumerate(zip(texts_of(completions), rows)):
            if language not in PYTHON_TAGS or not tests:
                unscorable += 1
                continue
            code = extract_code(text, self.fallback_to_full_text)
            if code is None:
                rewards[i] = 0.0
                no_code += 1
                continue
            job = Job(code=code, cases=tuple(Case(stdin=t.stdin, append=t.assert_code) for t in tests),
                      fail_fast=self.binary)
            jobs.setdefault(job, []).append(i)
        results = self.provider.run(list(jobs), budget_s=getattr(self.config, "budget_s", None)) if jobs else []
        sandbox_errors = timeouts = 0
        for result, indices in zip(results, jobs.values()):
            score = self._score(result, rows[indices[0]][1])
            if score is None:
                sandbox_errors += len(indices)
                logger.warning("code reward: sandbox failure, completion skipped: %s", result.error)
            else:
                timeouts += sum(c.status == "timeout" for c in result.cases) * len(indices)
            for i in indices:
                rewards[i] = score
        if unscorable:
            logger.warning("code reward: %d completion(s) without Python test cases scored None", unscorable)
        self.log_metrics(log_metric, sandbox_errors=sandbox_errors, unscorable=unscorable, no_code=no_code,
                         timeouts=timeouts)
        return rewards

    def _score(self, result: JobResult, tests: list[TestCase]) -> float | None:
        if not result.ok or len(result.cases) != len(tests):
            return None
        passed = sum(t.passed(c.status, c.stdout) for t, c in zip(tests, result.cases))
        if self.binary:
            return float(passed == len(tests))
        return passed / len(tests)


#: Fraction of test cases passed, default local sandbox (started on first call).
code_reward = CodeReward()
#: 1.0 only when every test case passes.
binary_code_reward = CodeReward(binary=True)
