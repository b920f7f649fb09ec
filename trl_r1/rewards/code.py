"""Code-execution accuracy reward: run the model's program against the task's test cases.

DeepSeek-R1 (paper, section 2.2.2 "accuracy rewards"): "for LeetCode problems, a compiler can be
used to generate feedback based on predefined test cases". Here the program is the last fenced
code block of the final answer (the ``<answer>`` block, else the text after ``</think>``, found
by the one completion parser :func:`trl_r1.data.format.parse_completion`); it runs in a
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

Grading a policy cannot game: expected values never enter the sandbox. stdout is compared here;
an ``assert`` is split into the expression the sandbox evaluates and the literal it is compared
with, and a call-based case reports the function's return value; the sandbox reports values as
builtin data only (a result whose ``__eq__`` the program wrote is refused), and ``==`` runs here,
on builtin values. A case with steps passes only when the harness reported every step and then
this run's nonce, so ``sys.exit``, ``os._exit``, exit hooks and kills before the tests fail it.
Truncated output fails; the capture cap is raised to 4x the expected output. stdout comparison
is whitespace-tolerant, and float-tolerant (``float_tolerance``) on tokens that are not integers,
as APPS and LiveCodeBench compare. An ``assert`` whose both sides are computed (no literal side)
is evaluated in the sandbox after the program and is only as trustworthy as the interpreter state
the program left; datasets should compare with literals.

Scores: the fraction of cases passed (:data:`code_reward`) or 1.0 only when all pass
(:data:`binary_code_reward`). Wrong output, a crash, a compile error or a timeout fail that case;
a completion without a final code block in the row's language scores 0.0. ``None`` (TRL skips
the completion) when the sandbox itself failed or the call's time budget ran out, when the row
has no test cases or tests the program's language cannot take (a C++ program with call-based
tests), or when the language is not supported: none of those is the model's fault. Each is counted
in a metric (``<name>/sandbox_errors``, ``<name>/unscorable``, ``<name>/unsupported_language``).
"""

from __future__ import annotations

import ast
import json
import logging
import math
import operator
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.sandbox import (
    Case,
    CaseResult,
    Job,
    JobResult,
    LocalSandbox,
    SandboxConfig,
    SandboxProvider,
    Step,
)
from trl_r1.text.completion import last_code_block, parse_completion

logger = logging.getLogger(__name__)

PYTHON_TAGS = frozenset({"", "python", "python3", "py", "py3"})
CPP_TAGS = frozenset({"cpp", "c++", "cc", "cxx", "cplusplus"})
_LANGUAGES = {**{t: "python" for t in PYTHON_TAGS if t}, **{t: "cpp" for t in CPP_TAGS}}
_SHAPES = ('test_cases: [{"input": str, "output": str} | {"assert": str} | {"fn_name": str, "input": [args], '
           '"output": value}, ...] or {"inputs": [...], "outputs": [...], "fn_name"?: str}, or verification_info: '
           '{"language": "python" | "cpp", "test_cases": [...]}')
_MAX_CAPTURE = 16 << 20
_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
        ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=", "is": "is", "is not": "is not"}
_APPLY = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
          ">=": operator.ge, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
          "is": operator.is_, "is not": operator.is_not, "contains": lambda a, b: b in a}


@dataclass(frozen=True)
class Check:
    """How one step's reported value is judged, here and never in the sandbox: ``op`` applied to
    ``(value, expected)`` (``"truthy"``/``"falsy"``: its truth value; ``"ran"``: the step did not
    raise; ``"call"``: call-based equality as APPS compares)."""

    op: str
    expected: Any = None
    #: False when the verdict is reached inside the sandbox (a statement block with asserts in it, or an
    #: assert with no literal side): a program that tampers with the interpreter can forge it.
    trusted: bool = True

    def holds(self, value: Any) -> bool:
        try:
            if self.op == "ran":
                return True
            if self.op == "truthy":
                return bool(value)
            if self.op == "falsy":
                return not value
            if self.op == "call":
                return call_outputs_equal(value, self.expected)
            return bool(_APPLY[self.op](value, self.expected))
        except (TypeError, ValueError, RecursionError):  # e.g. '<' between str and int: the check fails
            return False


@dataclass(frozen=True)
class TestCase:
    """One check of a program: run it on ``stdin`` and compare its stdout with ``expected``, or run
    ``steps`` after it and judge each reported value with the matching ``checks`` entry."""

    __test__ = False  # not a pytest class

    stdin: str = ""
    expected: str | None = None
    steps: tuple[Step, ...] | None = None
    checks: tuple[Check, ...] = ()

    def case(self) -> Case:
        """The sandbox's view: no expected value in it, only how much output to keep."""
        if self.steps is None:
            size = len(self.expected.encode("utf-8", "surrogateescape")) if self.expected is not None else 0
        else:
            size = sum(len(repr(c.expected)) for c in self.checks)
        return Case(stdin=self.stdin, steps=self.steps, output_bytes=min(4 * size + 4096, _MAX_CAPTURE))

    @property
    def trusted(self) -> bool:
        """Every verdict is reached here, on reported values (see :attr:`Check.trusted`)."""
        return all(check.trusted for check in self.checks)

    def passed(self, result: CaseResult, float_tolerance: float = 1e-6) -> bool:
        """Whether ``result`` passes: exit 0, and the output (not truncated) or every step's value
        as expected (a step never reported, or a missing nonce, fails the case)."""
        if result.status != "ok":
            return False
        if self.steps is None:
            return not result.truncated and (self.expected is None
                                             or outputs_match(result.stdout, self.expected, float_tolerance))
        if not result.complete or result.steps is None or len(result.steps) != len(self.checks):
            return False
        return all(step is not None and step.ok and check.holds(step.value)
                   for step, check in zip(result.steps, self.checks))


def normalize_output(text: str) -> str:
    """Output as compared first: trailing whitespace of each line and trailing blank lines removed.

    >>> normalize_output("3 \\n4\\t\\n\\n") == normalize_output("3\\n4")
    True
    """
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def _is_integer_token(token: str) -> bool:
    return token.lstrip("+-").isdigit()


def outputs_match(actual: str, expected: str, float_tolerance: float = 1e-6) -> bool:
    """stdout against the expected output, as APPS and LiveCodeBench compare: equal after
    :func:`normalize_output`, else the same whitespace-separated tokens, where two tokens that
    are numbers and not both integers may differ by ``float_tolerance`` (relative or absolute).

    >>> outputs_match("1 2\\n3\\n", "1  2 3"), outputs_match("0.3333333", "0.33333333333"), outputs_match("10", "11")
    (True, True, False)
    """
    if normalize_output(actual) == normalize_output(expected):
        return True
    got, want = actual.split(), expected.split()
    if len(got) != len(want):
        return False
    for a, b in zip(got, want):
        if a == b:
            continue
        if float_tolerance <= 0 or (_is_integer_token(a) and _is_integer_token(b)):
            return False
        try:
            x, y = float(a), float(b)
        except ValueError:
            return False
        if not math.isclose(x, y, rel_tol=float_tolerance, abs_tol=float_tolerance):
            return False
    return True


def _listify(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value


def call_outputs_equal(value: Any, expected: Any) -> bool:
    """A function's return value against a call-based case's expected output, as APPS compares:
    tuples count as lists (JSON has none), and an expected ``[x]`` also accepts ``x`` (APPS wraps
    outputs in a list).

    >>> call_outputs_equal((1, 2), [1, 2]), call_outputs_equal(5, [5]), call_outputs_equal(1, [1, 2])
    (True, True, False)
    """
    value = _listify(value)
    if value == expected:
        return True
    return isinstance(expected, list) and len(expected) == 1 and value == expected[0]


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _assert_step(test: ast.expr) -> tuple[Step, Check]:
    """``assert A == 5`` -> evaluate ``A`` in the sandbox, compare with 5 here."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _OPS:
        op = _OPS[type(test.ops[0])]
        left, right = test.left, test.comparators[0]
        is_lit, value = _literal(right)
        if is_lit:
            return Step("eval", ast.unparse(left)), Check(op, value)
        is_lit, value = _literal(left)
        if is_lit and op in _FLIPPED:
            return Step("eval", ast.unparse(right)), Check(_FLIPPED[op], value)
        if is_lit and op == "in":
            return Step("eval", ast.unparse(right)), Check("contains", value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return Step("eval", ast.unparse(test.operand)), Check("falsy", trusted=not isinstance(test.operand, ast.Compare))
    return Step("eval", ast.unparse(test)), Check("truthy", trusted=not isinstance(test, ast.Compare))


def _exec_step(body: list[ast.stmt]) -> tuple[Step, Check]:
    nested_asserts = any(isinstance(node, ast.Assert) for stmt in body for node in ast.walk(stmt))
    return Step("exec", ast.unparse(ast.Module(body=body, type_ignores=[]))), Check("ran", trusted=not nested_asserts)


def assert_test(source: str, row: int = 0) -> TestCase:
    """A Python ``assert`` test as steps: each top-level ``assert`` becomes an expression the
    sandbox evaluates plus a :class:`Check` applied here; other statements run in order.

    Raises:
        ValueError: the test code is not valid Python (names the row).

    >>> case = assert_test("x = 2\\nassert add(x, 2) == 4")
    >>> [s.source for s in case.steps], case.checks[1].op, case.checks[1].expected
    (['x = 2', 'add(x, 2)'], '==', 4)
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"code reward, row {row}: assert test is not valid Python ({exc.msg}, line {exc.lineno})") \
            from exc
    steps: list[Step] = []
    checks: list[Check] = []
    pending: list[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assert):
            if pending:
                step, check = _exec_step(pending)
                steps.append(step)
                checks.append(check)
                pending = []
            step, check = _assert_step(stmt.test)
            steps.append(step)
            checks.append(check)
        else:
            pending.append(stmt)
    if pending:
        step, check = _exec_step(pending)
        steps.append(step)
        checks.append(check)
    return TestCase(steps=tuple(steps), checks=tuple(checks))


def call_test(fn_name: str, args: Any, expected: Any, row: int = 0) -> TestCase:
    """A call-based case: ``fn_name(*args)`` (a function, or a method of a LeetCode-style
    ``Solution`` class) must return ``expected``."""
    if not isinstance(fn_name, str) or not fn_name.isidentifier():
        raise ValueError(f"code reward, row {row}: fn_name must be a Python identifier, got {fn_name!r}")
    if not isinstance(args, list):
        args = [args]
    return TestCase(steps=(Step.call(fn_name, args),), checks=(Check("call", expected),))


def _text(value: Any) -> str:
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


def _apps_cases(value: dict, row: int, fn_name: str | None) -> list[TestCase]:
    inputs, outputs = value.get("inputs"), value.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        raise ValueError(f"code reward, row {row}: 'inputs' and 'outputs' must be lists of the same length. "
                         f"Expected {_SHAPES}")
    fn_name = value.get("fn_name") or fn_name
    if fn_name:
        return [call_test(fn_name, i, o, row) for i, o in zip(inputs, outputs)]
    return [TestCase(stdin=_text(i), expected=_text(o)) for i, o in zip(inputs, outputs)]


def parse_test_cases(value: Any, row: int = 0, fn_name: str | None = None) -> list[TestCase]:
    """Test cases from a ``test_cases`` value (see the module docstring for the shapes).

    Raises:
        ValueError: a case has none of the known shapes (names the row, the case and the shapes).

    >>> parse_test_cases([{"input": "2\\n", "output": "4\\n"}, {"assert": "assert f(2) == 4"}])[1].checks
    (Check(op='==', expected=4, trusted=True),)
    """
    cases = _loads(value)
    if isinstance(cases, dict) and "inputs" in cases:
        return _apps_cases(cases, row, fn_name)
    if not isinstance(cases, (list, tuple)):
        raise ValueError(f"code reward, row {row}: test cases must be a list, got {type(cases).__name__}. "
                         f"Expected {_SHAPES}")
    parsed = []
    for i, case in enumerate(cases):
        if not isinstance(case, dict):
            raise ValueError(f"code reward, row {row}, case {i}: unrecognised test case ({type(case).__name__}). "
                             f"Expected {_SHAPES}")
        name = case.get("fn_name") or (fn_name if case.get("testtype") == "functional" else None)
        if isinstance(case.get("assert"), str):
            parsed.append(assert_test(case["assert"], row))
        elif name and "input" in case and "output" in case:
            args, expected = case["input"], case["output"]
            if case.get("testtype") == "functional":  # LiveCodeBench: one JSON value per line
                try:
                    args = [json.loads(line) for line in str(args).splitlines() if line.strip()]
                    expected = json.loads(expected) if isinstance(expected, str) else expected
                except ValueError as exc:
                    raise ValueError(f"code reward, row {row}, case {i}: functional input/output must be JSON "
                                     f"({exc})") from exc
            parsed.append(call_test(name, args, expected, row))
        elif case.get("testtype") == "functional":
            raise ValueError(f"code reward, row {row}, case {i}: a functional case needs 'fn_name' (in the case "
                             "or in verification_info)")
        elif isinstance(case.get("output"), (str, list)):
            stdin = case.get("input", "")
            if not isinstance(stdin, (str, list)):
                raise ValueError(f"code reward, row {row}, case {i}: 'input' must be a string")
            parsed.append(TestCase(stdin=_text(stdin), expected=_text(case["output"])))
        else:
            raise ValueError(f"code reward, row {row}, case {i}: unrecognised test case ({sorted(case)}). "
                             f"Expected {_SHAPES}")
    return parsed


def row_tests(test_cases: Any = None, verification_info: Any = None, row: int = 0,
              input_output: Any = None) -> tuple[str | None, list[TestCase]]:
    """The language (``None``: whichever the program is in) and the test cases of one row."""
    if test_cases is not None:
        return None, parse_test_cases(test_cases, row)
    if input_output is not None:
        return "python", parse_test_cases(input_output, row)
    info = _loads(verification_info)
    if not isinstance(info, dict) or "test_cases" not in info:
        raise ValueError(f"code reward, row {row}: verification_info must be a dict with 'test_cases'. "
                         f"Expected {_SHAPES}")
    language = str(info.get("language") or "python").lower()
    return _LANGUAGES.get(language, language), parse_test_cases(info["test_cases"], row, info.get("fn_name"))


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
    return ("python" if block.language in PYTHON_TAGS else _LANGUAGES.get(block.language, block.language)), block.code


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
        float_tolerance: relative/absolute tolerance for non-integer numbers in stdout (0: exact).
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
        name: str | None = None,
    ):
        super().__init__(name or ("binary_code_reward" if binary else "code_reward"))
        if float_tolerance < 0:
            raise ValueError(f"CodeReward.float_tolerance must be >= 0, got {float_tolerance}")
        self.binary = binary
        self.fallback_to_full_text = fallback_to_full_text
        self.float_tolerance = float_tolerance
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
        columns = {"test_cases": test_cases, "verification_info": verification_info, "input_output": input_output}
        name, column = next(((k, v) for k, v in columns.items() if v is not None), (None, None))
        if column is None:
            raise ValueError(f"reward {self.__name__!r} needs a 'test_cases', 'verification_info' or 'input_output' "
                             f"dataset column (one value per row). Expected {_SHAPES}")
        if len(column) != len(completions):
            raise ValueError(f"reward {self.__name__!r}: {len(column)} test-case rows for {len(completions)} "
                             "completions; pass one value per completion")
        rows = [row_tests(**{name: value}, row=i) for i, value in enumerate(column)]
        provider = self.provider if any(tests for _, tests in rows) else None
        supported = getattr(provider, "languages", frozenset({"python"}))
        rewards: list[Reward] = [None] * len(completions)
        jobs: dict[Job, list[int]] = {}  # identical programs on identical tests run once
        unscorable = no_code = unsupported = 0
        untrusted = sum(bool(tests) and not all(t.trusted for t in tests) for _, tests in rows)
        if untrusted and not self._warned_untrusted:
            self._warned_untrusted = True
            logger.warning("code reward: %d row(s) have asserts judged inside the sandbox (asserts in a block, "
                           "or with no literal side): a program that tampers with the interpreter can pass them. "
                           "Compare with literal expected values, or use call-based tests.", untrusted)
        for i, (text, (language, tests)) in enumerate(zip(texts_of(completions), rows)):
            if not tests:
                unscorable += 1
                continue
            if language is not None and language not in supported:
                unsupported += 1
                continue
            program = extract_program(text, self.fallback_to_full_text)
            if program is None or (language is not None and program[0] != language):
                rewards[i] = 0.0  # no program in the row's language: the model's fault
                no_code += 1
                continue
            if program[0] not in supported:
                unsupported += 1
                continue
            if program[0] != "python" and any(t.steps is not None for t in tests):
                unscorable += 1  # assert and call-based tests are Python code
                continue
            job = Job(code=program[1], cases=tuple(t.case() for t in tests), language=program[0],
                      fail_fast=self.binary)
            jobs.setdefault(job, []).append(i)
        results = provider.run(list(jobs), budget_s=getattr(self.config, "budget_s", None)) if jobs else []
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
            logger.warning("code reward: %d completion(s) without tests their program can take scored None", unscorable)
        if unsupported:
            logger.warning("code reward: %d completion(s) in a language the sandbox does not run (it runs %s) "
                           "scored None", unsupported, sorted(supported))
        self.log_metrics(log_metric, sandbox_errors=sandbox_errors, unscorable=unscorable, no_code=no_code,
                         timeouts=timeouts, unsupported_language=unsupported, untrusted_tests=untrusted)
        return rewards

    def _score(self, result: JobResult, tests: list[TestCase]) -> float | None:
        if not result.ok or len(result.cases) != len(tests):
            return None
        passed = sum(t.passed(c, self.float_tolerance) for t, c in zip(tests, result.cases))
        if self.binary:
            return float(passed == len(tests))
        return passed / len(tests)


#: Fraction of test cases passed, default local sandbox (started on first call).
code_reward = CodeReward()
#: 1.0 only when every test case passes.
binary_code_reward = CodeReward(binary=True)
