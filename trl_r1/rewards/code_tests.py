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
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from trl_r1.sandbox import Case, CaseResult, Step

PYTHON_TAGS = frozenset({"", "python", "python3", "py", "py3"})
CPP_TAGS = frozenset({"cpp", "c++", "cc", "cxx", "cplusplus"})
TAG_LANGUAGES = {**{t: "python" for t in PYTHON_TAGS if t}, **{t: "cpp" for t in CPP_TAGS}}
TEST_CASE_SHAPES = (
    'test_cases: [{"input": str, "output": str} | {"assert": str} | {"fn_name": str, "input": [args], '
    '"output": value}, ...] or {"inputs": [...], "outputs": [...], "fn_name"?: str}, or verification_info: '
    '{"language": "python" | "cpp", "test_cases": [...]}'
)
_OPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_FLIPPED = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
    "is": "is",
    "is not": "is not",
    "in": "contains",
    "not in": "not contains",
}
_SINGLETONS = (None, True, False, Ellipsis)


def _is(value: Any, expected: Any) -> bool:
    """``value is expected`` as the sandbox would see it: identity for singletons; for other literals
    (small ints, interned strings) the same type and value, since a reported value is a copy."""
    if any(expected is s for s in _SINGLETONS):
        return value is expected
    return type(value) is type(expected) and value == expected


_APPLY = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
    "is": _is,
    "is not": lambda a, b: not _is(a, b),
    "contains": lambda a, b: b in a,
    "not contains": lambda a, b: b not in a,
}


def _real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Check:
    """How one step's reported value is judged, here and never in the sandbox: ``op`` applied to
    ``(value, expected)``. Ops: the comparisons of an ``assert`` (``"=="``, ``"in"``, ``"contains"``
    for ``literal in value``, ...); ``"isclose"`` (``expected``: ``(target, rel_tol, abs_tol)``);
    ``"abs_diff"`` (``expected``: ``(target, "<" | "<=", bound)``); ``"call"``: call-based equality
    (:func:`call_outputs_equal`); ``"ran"``: the step did not raise; ``"truthy"``: the value of an
    assert the trainer cannot split, judged only with ``trust_sandbox_asserts``."""

    op: str
    expected: Any = None
    #: False when the verdict would be reached inside the sandbox, or is known to the program in
    #: advance (a bare ``assert f(x)``, a block of test code that compares or branches): the program
    #: can forge it. Rows with such checks score ``None`` unless ``trust_sandbox_asserts``.
    trusted: bool = True

    def holds(self, value: Any, float_tolerance: float = 1e-6) -> bool:
        try:
            if self.op == "ran":
                return True
            if self.op == "truthy":
                return bool(value)
            if self.op == "call":
                return call_outputs_equal(value, self.expected, float_tolerance)
            if self.op == "isclose":
                target, rel_tol, abs_tol = self.expected
                return _real(value) and math.isclose(value, target, rel_tol=rel_tol, abs_tol=abs_tol)
            if self.op == "abs_diff":
                target, op, bound = self.expected
                return _real(value) and bool(_APPLY[op](abs(value - target), bound))
            return bool(_APPLY[self.op](value, self.expected))
        except (TypeError, ValueError, RecursionError, OverflowError):  # e.g. '<' between str and int: fails
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
        """The sandbox's view: the input and the test code, nothing of the expected values (not even
        their size: the capture cap is the sandbox's own)."""
        return Case(stdin=self.stdin, steps=self.steps)

    @property
    def trusted(self) -> bool:
        """Every verdict is reached here, on reported values, against values the program never saw
        (see :attr:`Check.trusted`); a case that compares nothing is never trusted."""
        if self.steps is None:
            return True
        return all(check.trusted for check in self.checks) and any(check.op != "ran" for check in self.checks)

    @property
    def expected_bytes(self) -> int:
        """Size of the expected stdout (0 for test-code cases): larger than the capture cap, the case
        could never pass."""
        return len(self.expected.encode("utf-8", "surrogateescape")) if self.expected is not None else 0

    def passed(self, result: CaseResult, float_tolerance: float = 1e-6) -> bool:
        """Whether ``result`` passes: exit 0, and the output (not truncated) or every step's value
        as expected (a step never reported, or a report out of order, fails the case)."""
        if result.status != "ok":
            return False
        if self.steps is None:
            return not result.truncated and (
                self.expected is None or outputs_match(result.stdout, self.expected, float_tolerance)
            )
        if not result.complete or result.steps is None or len(result.steps) != len(self.checks):
            return False
        return all(
            step is not None and step.ok and check.holds(step.value, float_tolerance)
            for step, check in zip(result.steps, self.checks)
        )


def normalize_output(text: str) -> str:
    """Output as compared first: trailing whitespace of each line and trailing blank lines removed.

    >>> normalize_output("3 \\n4\\t\\n\\n") == normalize_output("3\\n4")
    True
    """
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _token_matches(got: str, want: str, float_tolerance: float) -> bool:
    """One output token against the expected one. An integer expected token is matched only by the
    same number, exactly (``1e9`` never passes ``1000000007``); a float expected token by any number
    within ``float_tolerance`` (relative or absolute); anything else only by the same text."""
    if got == want:
        return True
    if not _NUMBER.fullmatch(got) or not _NUMBER.fullmatch(want):
        return False
    if _INTEGER.fullmatch(want):
        try:
            return Decimal(got) == Decimal(want)
        except (InvalidOperation, ValueError):
            return False
    if float_tolerance <= 0:
        return Decimal(got) == Decimal(want)
    try:
        return math.isclose(float(got), float(want), rel_tol=float_tolerance, abs_tol=float_tolerance)
    except OverflowError:
        return False


def outputs_match(actual: str, expected: str, float_tolerance: float = 1e-6) -> bool:
    """stdout against the expected output, as APPS and LiveCodeBench compare: equal after
    :func:`normalize_output`, else the same whitespace-separated tokens, where an expected integer
    must be met exactly and an expected float within ``float_tolerance`` (relative or absolute).

    >>> outputs_match("1 2\\n3\\n", "1  2 3"), outputs_match("0.3333333", "0.33333333333"), outputs_match("10", "11")
    (True, True, False)
    >>> outputs_match("1e9", "1000000007"), outputs_match("123456700.0", "123456789"), outputs_match("3", "3.0")
    (False, False, True)
    """
    if normalize_output(actual) == normalize_output(expected):
        return True
    got, want = actual.split(), expected.split()
    if len(got) != len(want):
        return False
    return all(_token_matches(a, b, float_tolerance) for a, b in zip(got, want))


def _listify(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_listify(v) for v in value]
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    return value


def _values_equal(value: Any, expected: Any, float_tolerance: float) -> bool:
    if isinstance(expected, float) and float_tolerance > 0:
        return _real(value) and math.isclose(
            value, expected, rel_tol=float_tolerance, abs_tol=float_tolerance
        )
    if _real(expected):  # an integer, or a float compared exactly: the same number, of a numeric type
        return _real(value) and value == expected
    if isinstance(expected, list):
        return (
            isinstance(value, list)
            and len(value) == len(expected)
            and all(_values_equal(v, e, float_tolerance) for v, e in zip(value, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(value, dict)
            and value.keys() == expected.keys()
            and all(_values_equal(value[k], e, float_tolerance) for k, e in expected.items())
        )
    return type(value) is type(expected) and value == expected


def call_outputs_equal(value: Any, expected: Any, float_tolerance: float = 1e-6) -> bool:
    """A function's return value against a call-based case's expected output, as APPS compares:
    tuples count as lists (JSON has none), and an expected ``[x]`` also accepts ``x`` (APPS wraps
    outputs in a list). Numbers: an expected integer exactly, an expected float within
    ``float_tolerance``; a ``bool`` is not a number here.

    >>> call_outputs_equal((1, 2), [1, 2]), call_outputs_equal(5, [5]), call_outputs_equal(1, [1, 2])
    (True, True, False)
    >>> call_outputs_equal(0.1 + 0.2, 0.3), call_outputs_equal(1e9, 1000000007), call_outputs_equal(True, 1)
    (True, False, False)
    """
    value = _listify(value)
    if _values_equal(value, expected, float_tolerance):
        return True
    return (
        isinstance(expected, list)
        and len(expected) == 1
        and _values_equal(value, expected[0], float_tolerance)
    )


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


# ----------------------------------------------------------------------------------------------- asserts
_CONSTANT_CALLS = {
    "set": set,
    "frozenset": frozenset,
    "tuple": tuple,
    "list": list,
    "sorted": sorted,
    "float": float,
    "int": int,
    "str": str,
    "dict": dict,
    "abs": abs,
    "bool": bool,
    "complex": complex,
}
_CONSTANT_NAMES = {
    ("math", "pi"): math.pi,
    ("math", "e"): math.e,
    ("math", "tau"): math.tau,
    ("math", "inf"): math.inf,
}
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


class _NotConstant(Exception):
    pass


def _constant_value(node: ast.AST) -> Any:
    """The value of a constant expression, computed here with the real builtins (never the program's):
    literals, containers of them, ``-x``, number arithmetic without ``**``, ``set((1, 2))``,
    ``float('inf')``, ``sorted([...])``, ``math.pi``."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            raise _NotConstant
        items = [_constant_value(e) for e in node.elts]
        return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise _NotConstant
        return {_constant_value(k): _constant_value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant_value(node.operand)
        if not isinstance(value, (int, float, complex)):
            raise _NotConstant
        return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = _constant_value(node.left), _constant_value(node.right)
        if not all(isinstance(v, (int, float, complex)) and not isinstance(v, bool) for v in (left, right)):
            raise _NotConstant  # no 'x' * 10**9
        return _ARITHMETIC[type(node.op)](left, right)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id, node.attr) in _CONSTANT_NAMES
    ):
        return _CONSTANT_NAMES[node.value.id, node.attr]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CONSTANT_CALLS
        and not node.keywords
        and len(node.args) <= 1
    ):
        return _CONSTANT_CALLS[node.func.id](*[_constant_value(a) for a in node.args])
    raise _NotConstant


def _constant(node: ast.AST) -> tuple[bool, Any]:
    """``(True, value)`` when ``node`` is a constant expression the trainer evaluates itself."""
    try:
        return True, _constant_value(node)
    except (
        _NotConstant,
        ValueError,
        TypeError,
        ZeroDivisionError,
        OverflowError,
        MemoryError,
        RecursionError,
    ):
        return False, None


_PLAIN_NODES = (
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Call,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Starred,
    ast.keyword,
    ast.Load,
    ast.Store,
    ast.comprehension,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.DictComp,
    ast.USub,
    ast.UAdd,
)


def _plain_expr(node: ast.AST) -> bool:
    """Whether the sandbox may evaluate ``node`` and report its value for the trainer to compare:
    names, attributes, subscripts, calls, literals and comprehensions without ``if``. No comparison,
    boolean operator, ``not``, arithmetic, conditional or lambda: those could fold the verdict (or a
    guessable stand-in for it) into the reported value, computed by the program's own objects."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.UnaryOp):
            if not (isinstance(sub.op, (ast.USub, ast.UAdd)) and isinstance(sub.operand, ast.Constant)):
                return False
        elif isinstance(sub, ast.comprehension):
            if sub.ifs or sub.is_async:
                return False
        elif not isinstance(sub, _PLAIN_NODES):
            return False
    return True


def _is_callee(func: ast.AST, module: str, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute)
        and func.attr == name
        and isinstance(func.value, ast.Name)
        and func.value.id == module
    )


def _isclose_step(test: ast.expr) -> tuple[Step, Check] | None:
    """``math.isclose(<expr>, <literal>[, rel_tol=<literal>][, abs_tol=<literal>])`` (either order)."""
    if not (isinstance(test, ast.Call) and _is_callee(test.func, "math", "isclose") and len(test.args) == 2):
        return None
    options = {"rel_tol": 1e-09, "abs_tol": 0.0}
    for keyword in test.keywords:
        ok, value = _constant(keyword.value)
        if keyword.arg not in options or not ok or not _real(value):
            return None
        options[keyword.arg] = value
    for expr, literal in (test.args, test.args[::-1]):
        ok, target = _constant(literal)
        if ok and _real(target) and _plain_expr(expr) and not _constant(expr)[0]:
            return Step("eval", ast.unparse(expr)), Check(
                "isclose", (target, options["rel_tol"], options["abs_tol"])
            )
    return None


def _abs_diff_step(test: ast.Compare) -> tuple[Step, Check] | None:
    """``abs(<expr> - <literal>) < <literal>`` (or ``<=``, either order inside ``abs``)."""
    if len(test.ops) != 1 or type(test.ops[0]) not in (ast.Lt, ast.LtE):
        return None
    call = test.left
    ok, bound = _constant(test.comparators[0])
    if not (
        ok
        and _real(bound)
        and isinstance(call, ast.Call)
        and _is_callee(call.func, "", "abs")
        and len(call.args) == 1
        and not call.keywords
        and isinstance(call.args[0], ast.BinOp)
        and isinstance(call.args[0].op, ast.Sub)
    ):
        return None
    diff = call.args[0]
    for expr, literal in ((diff.left, diff.right), (diff.right, diff.left)):
        ok, target = _constant(literal)
        if ok and _real(target) and _plain_expr(expr) and not _constant(expr)[0]:
            return Step("eval", ast.unparse(expr)), Check(
                "abs_diff", (target, _OPS[type(test.ops[0])], bound)
            )
    return None


def _assert_step(test: ast.expr) -> tuple[Step, Check]:
    """``assert A == 5`` -> evaluate ``A`` in the sandbox, compare with 5 here. An assert of no form
    the trainer can judge becomes one untrusted step: the sandbox's own truth value of the test."""
    split = _isclose_step(test)
    if split is None and isinstance(test, ast.Compare):
        split = _abs_diff_step(test)
        if split is None and len(test.ops) == 1 and type(test.ops[0]) in _OPS:
            op = _OPS[type(test.ops[0])]
            left, right = test.left, test.comparators[0]
            (left_lit, left_value), (right_lit, right_value) = _constant(left), _constant(right)
            if right_lit and not left_lit and _plain_expr(left):
                split = Step("eval", ast.unparse(left)), Check(op, right_value)
            elif left_lit and not right_lit and _plain_expr(right):
                split = Step("eval", ast.unparse(right)), Check(_FLIPPED[op], left_value)
    return split or (Step("eval", ast.unparse(test)), Check("truthy", trusted=False))


_PLAIN_STATEMENTS = (ast.Import, ast.ImportFrom, ast.Pass, ast.Assign, ast.AnnAssign, ast.Expr)


def _plain_statement(stmt: ast.stmt) -> bool:
    """Test code the sandbox may run between asserts without deciding anything: imports and
    assignments or calls of plain expressions (see :func:`_plain_expr`). Control flow, definitions,
    ``raise``, ``assert`` and comparisons could hold a verdict the program would then forge."""
    if not isinstance(stmt, _PLAIN_STATEMENTS):
        return False
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
        return True
    if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
        return True
    targets = (
        stmt.targets
        if isinstance(stmt, ast.Assign)
        else [stmt.target]
        if isinstance(stmt, ast.AnnAssign)
        else []
    )
    return all(_plain_expr(t) for t in targets) and _plain_expr(stmt.value)


def _exec_step(body: list[ast.stmt]) -> tuple[Step, Check]:
    trusted = all(_plain_statement(stmt) for stmt in body)
    return Step("exec", ast.unparse(ast.Module(body=body, type_ignores=[]))), Check("ran", trusted=trusted)


def _expected_values(check: Check) -> list[Any]:
    if check.op in ("ran", "truthy", "call"):
        return []
    return [check.expected[0]] if check.op in ("isclose", "abs_diff") else [check.expected]


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - any comparison failure means "not the same"
        return False


def _holds_an_expected_value(body: list[ast.stmt], expected: list[Any]) -> bool:
    """Whether test code run in the sandbox binds a value an assert expects (``cases = [(1, 2)]`` before
    ``assert f(cases[0][0]) == 2``): the program could read it from its namespace and return it."""
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict)):
            ok, value = _constant(node)
            if ok and any(_same(value, e) for e in expected):
                return True
    return False


def assert_test(source: str, row: int = 0) -> TestCase:
    """A Python ``assert`` test as steps: each top-level ``assert`` of a form the trainer can judge
    (``<expr> OP <literal>``, ``math.isclose(<expr>, <literal>)``, ``abs(<expr> - <literal>) < <literal>``)
    becomes the expression the sandbox evaluates plus a :class:`Check` applied here; other statements
    run in order. Anything else gives an untrusted check (see :attr:`TestCase.trusted`).

    Raises:
        ValueError: the test code is not valid Python (names the row).

    >>> case = assert_test("x = 2\\nassert add(x, 2) == 4")
    >>> [s.source for s in case.steps], case.checks[1].op, case.checks[1].expected
    (['x = 2', 'add(x, 2)'], '==', 4)
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(
            f"code reward, row {row}: assert test is not valid Python ({exc.msg}, line {exc.lineno})"
        ) from exc
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
    expected = [value for check in checks for value in _expected_values(check)]
    if expected:
        blocks = [stmt for stmt in tree.body if not isinstance(stmt, ast.Assert)]
        if _holds_an_expected_value(blocks, expected):
            checks = [Check(c.op, c.expected, trusted=False) if c.op == "ran" else c for c in checks]
    return TestCase(steps=tuple(steps), checks=tuple(checks))


def call_test(fn_name: str, args: Any, expected: Any, row: int = 0) -> TestCase:
    """A call-based case: ``fn_name(*args)`` (a function, or a method of a LeetCode-style
    ``Solution`` class) must return ``expected``."""
    if not isinstance(fn_name, str) or not fn_name.isidentifier():
        raise ValueError(f"code reward, row {row}: fn_name must be a Python identifier, got {fn_name!r}")
    if not isinstance(args, list):
        args = [args]
    return TestCase(steps=(Step.call(fn_name, args),), checks=(Check("call", expected),))


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _text(value: Any) -> str:
    return "\n".join(map(str, value)) if isinstance(value, list) else str(value)


def _apps_cases(value: dict, row: int, fn_name: str | None) -> list[TestCase]:
    inputs, outputs = value.get("inputs"), value.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        raise ValueError(
            f"code reward, row {row}: 'inputs' and 'outputs' must be lists of the same length. "
            f"Expected {TEST_CASE_SHAPES}"
        )
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
        raise ValueError(
            f"code reward, row {row}: test cases must be a list, got {type(cases).__name__}. "
            f"Expected {TEST_CASE_SHAPES}"
        )
    parsed = []
    for i, case in enumerate(cases):
        if not isinstance(case, dict):
            raise ValueError(
                f"code reward, row {row}, case {i}: unrecognised test case ({type(case).__name__}). "
                f"Expected {TEST_CASE_SHAPES}"
            )
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
                    raise ValueError(
                        f"code reward, row {row}, case {i}: functional input/output must be JSON ({exc})"
                    ) from exc
            elif isinstance(args, str) and isinstance(_json_or_none(args), list):
                # JSON-encoded arguments (open-r1's verifiable-coding-problems-python): the output is JSON too
                args = json.loads(args)
                if isinstance(expected, str) and _json_or_none(expected) is not None:
                    expected = json.loads(expected)
            parsed.append(call_test(name, args, expected, row))
        elif case.get("testtype") == "functional":
            raise ValueError(
                f"code reward, row {row}, case {i}: a functional case needs 'fn_name' (in the case "
                "or in verification_info)"
            )
        elif isinstance(case.get("output"), (str, list)):
            stdin = case.get("input", "")
            if not isinstance(stdin, (str, list)):
                raise ValueError(f"code reward, row {row}, case {i}: 'input' must be a string")
            parsed.append(TestCase(stdin=_text(stdin), expected=_text(case["output"])))
        else:
            raise ValueError(
                f"code reward, row {row}, case {i}: unrecognised test case ({sorted(case)}). "
                f"Expected {TEST_CASE_SHAPES}"
            )
    return parsed


def row_tests(
    test_cases: Any = None, verification_info: Any = None, row: int = 0, input_output: Any = None
) -> tuple[str | None, list[TestCase]]:
    """The language (``None``: whichever the program is in) and the test cases of one row."""
    if test_cases is not None:
        return None, parse_test_cases(test_cases, row)
    if input_output is not None:
        return "python", parse_test_cases(input_output, row)
    info = _loads(verification_info)
    if not isinstance(info, dict) or "test_cases" not in info:
        raise ValueError(
            f"code reward, row {row}: verification_info must be a dict with 'test_cases'. "
            f"Expected {TEST_CASE_SHAPES}"
        )
    language = str(info.get("language") or "python").lower()
    return TAG_LANGUAGES.get(language, language), parse_test_cases(
        info["test_cases"], row, info.get("fn_name")
    )
