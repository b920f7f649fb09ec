"""Code-execution accuracy reward: run the model's program against the task's test cases.

DeepSeek-R1 (paper, section 2.2.2 "accuracy rewards"): "for LeetCode problems, a compiler can be
used to generate feedback based on predefined test cases". Here the program is the last fenced
code block of the final answer (the ``<answer>`` block, else the text after ``</think>``, found
by the one completion parser :func:`trl_r1.text.completion.parse_completion`); it runs in a
:class:`trl_r1.sandbox.LocalSandbox` (or any :class:`~trl_r1.sandbox.SandboxProvider`), one
fresh process per test case, many programs in parallel. Python runs as is; C++ (a ``cpp`` /
``c++`` block, or a row whose language is C++) is compiled once per program inside the sandbox.

Dataset shapes (one value per row; any of them may also be a JSON string):

* ``test_cases``: a list of cases, each one of
  ``{"input": str, "output": str}`` (stdin -> expected stdout; open-r1's ``"type": "stdin_stdout"``
  and LiveCodeBench's ``"testtype": "stdin"`` included),
  ``{"assert": str}`` (Python test code run after the solution),
  ``{"fn_name": str, "input": [args], "output": value}`` (call-based, as in APPS/TACO), or
  ``{"testtype": "functional", "fn_name": str, "input": "json\\njson", "output": "json"}`` (LiveCodeBench);
  or an APPS/TACO ``input_output`` dict ``{"inputs": [...], "outputs": [...], "fn_name"?: str}``;
* ``verification_info``: ``{"language": "python" | "cpp", "test_cases": <as above>, "fn_name"?: str}``,
  the shape of open-r1's coding datasets;
* ``input_output``: the APPS/TACO column itself.

Grading a policy cannot game (``docs/code-reward-threat-model.md``): the expected values, the verdict
and anything that would prove completion never enter the sandbox. The sandbox only produces outputs:
stdout, or, for call-based and ``assert`` cases, the value of an expression reported as plain builtin
data (an object whose ``__eq__`` the program wrote is refused); the trainer compares. An ``assert`` is
judged only in these forms: ``<expr> OP <literal>`` (``==``, ``!=``, ``<``, ..., ``is``, ``in``, either
side), ``math.isclose(<expr>, <literal>, ...)`` and ``abs(<expr> - <literal>) < <literal>``, where
``<expr>`` holds no comparison, boolean operator, ``not`` or arithmetic; the sandbox evaluates
``<expr>`` and the trainer does the rest. Every other assert (``assert f(x)``, ``assert a and b``,
``assert all(...)``, asserts in a loop, test code that branches or defines functions) could only be
judged inside the sandbox, where the program can forge it: its row scores ``None`` and is counted in
``<name>/untrusted_tests`` unless ``trust_sandbox_asserts=True`` (forgeable). Output past the
sandbox's capture cap (its own, never derived from the expected output) fails; a row whose expected
output is larger than the cap scores ``None`` (``<name>/unscorable``). stdout comparison is
whitespace-tolerant; an expected integer token must be met exactly, an expected float token within
``float_tolerance``; call-based return values compare the same way (tuples as lists). Function-call
cases whose ``input`` is a JSON array string (and ``output`` JSON) are decoded first.

Scores: the fraction of cases passed (:data:`code_reward`) or 1.0 only when all pass
(:data:`binary_code_reward`). Wrong output, a crash, a compile error or a timeout fail that case.
A completion without a final code block in an accepted language scores 0.0: the row's language, or
for a row that names none, a language the sandbox runs that can take the row's tests (Python for
``assert`` and call-based tests; Python or C++ for stdin/stdout). ``None`` (TRL skips the
completion) only when the model is not at fault: the sandbox itself failed or the call's time budget
ran out, the row has no test cases, names a language the sandbox does not run, or names one its
tests cannot take. Each is counted in a metric (``<name>/sandbox_errors``, ``<name>/unscorable``,
``<name>/unsupported_language``). A program stopped for running past its share of ``budget_s``
while others waited (:class:`trl_r1.sandbox.pool.BatchBudget`) scores ``None`` too
(``<name>/budget_cuts``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.rewards.code_tests import (
    PYTHON_TAGS,
    TAG_LANGUAGES,
    TEST_CASE_SHAPES,
    TestCase,
    row_tests,
)
from trl_r1.sandbox import (
    Job,
    JobResult,
    LocalSandbox,
    SandboxConfig,
    SandboxProvider,
)
from trl_r1.text.completion import last_code_block, parse_completion

logger = logging.getLogger(__name__)

__all__ = ["CodeReward", "binary_code_reward", "code_reward", "extract_code", "extract_program"]


def extract_program(text: str, fallback_to_full_text: bool = False) -> tuple[str, str] | None:
    """``(language, code)`` of a completion's program: the last fenced block of its final answer
    (``language``: ``"python"`` for an untagged or Python block, ``"cpp"`` for C++, else the tag).

    >>> extract_program("<think>x</think>```cpp\\nint main(){}\\n```")
    ('cpp', 'int main(){}\\n')
    """
    parsed = parse_completion(text)
    region = parsed.final_answer_region
    if region is None and fallback_to_full_text:
        region = text
    block = last_code_block(region) if region is not None else None
    if block is None:
        return None
    return (
        "python" if block.language in PYTHON_TAGS else TAG_LANGUAGES.get(block.language, block.language)
    ), block.code


def extract_code(text: str, fallback_to_full_text: bool = False) -> str | None:
    """The Python program of a completion: the last fenced block of its final answer, when it is
    Python, else ``None``.

    Code that appears only inside the reasoning never counts; a block tagged with another
    language does not count either.

    >>> extract_code("<think>```python\\nprint(0)\\n```</think>Done:\\n```python\\nprint(1)\\n```")
    'print(1)\\n'
    >>> extract_code("<think>```python\\nprint(0)\\n```</think>no code") is None
    True
    """
    program = extract_program(text, fallback_to_full_text)
    return program[1] if program is not None and program[0] == "python" else None


class CodeReward(RewardFunction):
    """Runs each completion's final code block against its row's test cases in a sandbox.

    Score of a completion: ``passed / len(test_cases)``, or with ``binary=True``
    ``1.0 if passed == len(test_cases) else 0.0``. See the module docstring for the dataset
    shapes, the grading guarantees and when the score is ``None``.

    Args:
        sandbox: a :class:`SandboxConfig` (a :class:`LocalSandbox` is built from it on first
            use, which probes and logs the isolation layers and raises if a required one is
            missing), or any :class:`SandboxProvider`. ``None``: default local sandbox.
        binary: all-or-nothing score.
        fallback_to_full_text: score a completion without R1 tags from its whole text.
        float_tolerance: relative/absolute tolerance where the expected value is a float (stdout tokens and
            call-based return values; expected integers always compare exactly). 0: exact.
        trust_sandbox_asserts: score rows whose asserts can only be judged inside the sandbox (see the module
            docstring). **Forgeable**: the program can write any report, so a wrong program can pass them;
            by default such rows score ``None`` and are counted in ``<name>/untrusted_tests``. Set ``True``
            only for trusted policies or datasets you cannot rewrite.
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
        float_tolerance: float = 1e-6,
        trust_sandbox_asserts: bool = False,
        name: str | None = None,
    ):
        super().__init__(name or ("binary_code_reward" if binary else "code_reward"))
        if float_tolerance < 0:
            raise ValueError(f"CodeReward.float_tolerance must be >= 0, got {float_tolerance}")
        self.binary = binary
        self.fallback_to_full_text = fallback_to_full_text
        self.float_tolerance = float_tolerance
        self.trust_sandbox_asserts = trust_sandbox_asserts
        if isinstance(sandbox, SandboxConfig) or sandbox is None:
            self.config, self._provider = sandbox or SandboxConfig(), None
        else:
            self.config, self._provider = None, sandbox
        self._lock = threading.Lock()
        self._warned_untrusted = False

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
        input_output: Sequence[Any] | None = None,
        log_metric: Any = None,
        **kwargs: Any,
    ) -> list[Reward]:
        columns = {
            "test_cases": test_cases,
            "verification_info": verification_info,
            "input_output": input_output,
        }
        name, column = next(((k, v) for k, v in columns.items() if v is not None), (None, None))
        if column is None:
            raise ValueError(
                f"reward {self.__name__!r} needs a 'test_cases', 'verification_info' or 'input_output' "
                f"dataset column (one value per row). Expected {TEST_CASE_SHAPES}"
            )
        if len(column) != len(completions):
            raise ValueError(
                f"reward {self.__name__!r}: {len(column)} test-case rows for {len(completions)} "
                "completions; pass one value per completion"
            )
        rows = [row_tests(**{name: value}, row=i) for i, value in enumerate(column)]
        provider = self.provider if any(tests for _, tests in rows) else None
        supported = getattr(provider, "languages", frozenset({"python"}))
        rewards: list[Reward] = [None] * len(completions)
        jobs: dict[Job, list[int]] = {}  # identical programs on identical tests run once
        unscorable = no_code = unsupported = 0
        untrusted_rows = {
            i for i, (_, tests) in enumerate(rows) if tests and not all(t.trusted for t in tests)
        }
        cap = getattr(getattr(provider, "config", None), "max_output_bytes", None)
        too_large = {
            i
            for i, (_, tests) in enumerate(rows)
            if cap is not None and any(t.expected_bytes > cap for t in tests)
        }
        if too_large:
            logger.warning(
                "code reward: %d row(s) expect more output than the sandbox captures (%d bytes) and "
                "score None; raise SandboxConfig.max_output_bytes",
                len(too_large),
                cap,
            )
        untrusted = len(untrusted_rows)
        if untrusted and not self._warned_untrusted:
            self._warned_untrusted = True
            logger.warning(
                "code reward: %d row(s) have asserts only the sandbox could judge (e.g. `assert f(x)`, "
                "`assert a and b`, asserts in a loop): a program can forge those verdicts, so they score "
                "%s. Write `assert f(x) == <literal>` or use call-based tests.",
                untrusted,
                "anyway (trust_sandbox_asserts=True)" if self.trust_sandbox_asserts else "None",
            )
        for i, (text, (language, tests)) in enumerate(zip(texts_of(completions), rows)):
            if not tests or i in too_large:
                unscorable += 1
                continue
            if i in untrusted_rows and not self.trust_sandbox_asserts:
                continue  # None: a verdict the program itself could forge is no verdict
            takes_steps = any(
                t.steps is not None for t in tests
            )  # assert and call-based tests are Python code
            if language is not None and language not in supported:
                unsupported += 1  # the row's own language: not the model's fault
                continue
            if language is not None and language != "python" and takes_steps:
                unscorable += 1  # no program in the row's language could take its tests
                continue
            # The row's language, or for a row that names none, any this sandbox runs that can take its
            # tests. Anything else is the model's choice, and a wrong one: 0.0, never None (an unscored
            # completion gets advantage 0 in GRPO, so None would reward switching fences when unsure).
            accepted = {language} if language is not None else ({"python"} if takes_steps else set(supported))
            program = extract_program(text, self.fallback_to_full_text)
            if program is None or program[0] not in accepted:
                rewards[i] = 0.0
                no_code += 1
                continue
            job = Job(
                code=program[1],
                cases=tuple(t.case() for t in tests),
                language=program[0],
                fail_fast=self.binary,
            )
            jobs.setdefault(job, []).append(i)
        budget_s = getattr(self.config or getattr(provider, "config", None), "budget_s", None)
        results = provider.run(list(jobs), budget_s=budget_s) if jobs else []
        sandbox_errors = timeouts = budget_cuts = 0
        for result, indices in zip(results, jobs.values()):
            score = self._score(result, rows[indices[0]][1])
            if score is None and result.extra.get("cut"):
                budget_cuts += len(indices)
            elif score is None:
                sandbox_errors += len(indices)
                logger.warning("code reward: sandbox failure, completion skipped: %s", result.error)
            else:
                timeouts += sum(c.status == "timeout" for c in result.cases) * len(indices)
            for i in indices:
                rewards[i] = score
        if unscorable:
            logger.warning(
                "code reward: %d completion(s) without tests their program can take scored None", unscorable
            )
        if unsupported:
            logger.warning(
                "code reward: %d completion(s) in a language the sandbox does not run (it runs %s) "
                "scored None",
                unsupported,
                sorted(supported),
            )
        if budget_cuts:
            logger.warning(
                "code reward: %d completion(s) ran past their share of budget_s while others waited and "
                "were stopped unscored; raise SandboxConfig.budget_s or max_workers",
                budget_cuts,
            )
        self.log_metrics(
            log_metric,
            sandbox_errors=sandbox_errors,
            unscorable=unscorable,
            no_code=no_code,
            timeouts=timeouts,
            unsupported_language=unsupported,
            untrusted_tests=untrusted,
            budget_cuts=budget_cuts,
        )
        return rewards

    def _score(self, result: JobResult, tests: list[TestCase]) -> float | None:
        if not result.ok or len(result.cases) != len(tests):
            return None
        passed = sum(t.passed(c, self.float_tolerance) for t, c in zip(tests, result.cases))
        if result.extra.get("cut"):  # stopped for the batch's sake before it could finish: no verdict
            return None
        if self.binary:
            return float(passed == len(tests))
        return passed / len(tests)


#: Fraction of test cases passed, default local sandbox (started on first call).
code_reward = CodeReward()
#: 1.0 only when every test case passes.
binary_code_reward = CodeReward(binary=True)
