"""The test cases of the code reward: their shapes, parsing each dataset layout into :class:`TestCase`
objects, and judging what the sandbox reported (stdout comparison, call-based equality, assert steps).

The dataset shapes and the grading guarantees are described in :mod:`trl_r1.rewards.code`, which runs
the cases and re-exports these names.
"""

from __future__ import annotations

import ast
import json
import math
import operator
from dataclasses import dataclass
from typing import Any

from trl_r1.sandbox import Case, CaseResult, Step

PYTHON_TAGS = frozenset({"", "python", "python3", "py", "py3"})
CPP_TAGS = frozenset({"cpp", "c++", "cc", "cxx", "cplusplus"})
TAG_LANGUAGES = {**{t: "python" for t in PYTHON_TAGS if t}, **{t: "cpp" for t in CPP_TAGS}}
TEST_CASE_SHAPES = (
    'test_cases: [{"input": str, "output": str} | {"assert": str} | {"fn_name": str, "input": [args], '
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
                         f"Expected {TEST_CASE_SHAPES}")
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
                         f"Expected {TEST_CASE_SHAPES}")
    parsed = []
    for i, case in enumerate(cases):
        if not isinstance(case, dict):
            raise ValueError(f"code reward, row {row}, case {i}: unrecognised test case ({type(case).__name__}). "
                             f"Expected {TEST_CASE_SHAPES}")
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
                             f"Expected {TEST_CASE_SHAPES}")
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
                         f"Expected {TEST_CASE_SHAPES}")
    language = str(info.get("language") or "python").lower()
    return TAG_LANGUAGES.get(language, language), parse_test_cases(info["test_cases"], row, info.get("fn_name"))
