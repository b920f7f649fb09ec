r"""Pairs decided without math-verify: exact values, or ``None`` (defer).

The rule (issue 21, "exact or defer"): this module says *equal* only when exact arithmetic says equal,
and *different* only when exact arithmetic (or the structure of the two answers) says different. It never
compares floats with a tolerance. What it cannot evaluate exactly it leaves (``None``) to math-verify
in the worker pool.

* :func:`exact_value` - the exact value of numeric LaTeX: integers, decimals, repeating decimals
  (``4.\overline{6}``), fractions, ``\sqrt``/``\sqrt[n]`` of rationals, ``\pi``, ``+ - \cdot \times \div /``
  and integer powers, as an element of :math:`\mathbb{Q}(\sqrt{r_1}, \sqrt{r_2}, \dots, \pi)` in a
  canonical form (coefficients of :math:`\pi^p\sqrt{r}` with square-free ``r``), so equality is identity.
  Numbers written in a base (``52_8``, ``2516_{9}``) are read in that base.
* The **decimal rule**: a decimal answer with ``d`` places against an exact gold is equal when the
  gold's value is that decimal (``0.5`` = ``\frac12``), or, for a gold with no terminating decimal
  (``\frac13``, ``\sqrt2``, ``\pi``), when the answer carries at least :data:`MIN_DECIMAL_PLACES` places
  and as many significant digits (math-verify's precision; ``.0000672`` has 3) and the gold rounds to it at the answer's own precision. A gold written
  as a decimal is taken at its word: only its exact value is equal (``\frac{21}{312499}`` is not ``.0000672``).
* :func:`final_pair` - one final answer, read whole: the pair to compare, or :data:`NOT_FINAL` when the
  answer is not a final answer for this gold (a relation, a disjunction, ``\pm``, or an unevaluated
  operator of the question against a numeric gold), or a verdict for multiple-choice letters.
* :func:`decide_without_math_verify` - the verdict on a pair, or ``None``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Any

from trl_r1.rewards.answer_reader import (
    CACHED_CHARS,
    MATH_WORDS,
    NOT_FINAL,
    balanced,
    carries_unit,
    is_bare,
    normalised,
    unescaped_chars,
)

MIN_DECIMAL_PLACES = 6  # math-verify's float rounding: fewer places never match a non-terminating value
MAX_BITS = 300_000  # larger intermediate values (about 90,000 digits) are not evaluated here
MAX_CHARS = 20_000  # longer strings are not evaluated here


class Undecidable(Exception):
    """The string is not numeric LaTeX this evaluator decides exactly."""


# --------------------------------------------------------------------------------------------
# Exact values: a canonical element of Q(sqrt r..., pi)
# --------------------------------------------------------------------------------------------

# ((square-free radicand, power of pi), coefficient), sorted; a negative radicand -r stands for i sqrt(r)
Exact = tuple[tuple[tuple[int, int], Fraction], ...]
_ONE = (1, 0)


def _make(terms: dict[tuple[int, int], Fraction]) -> Exact:
    return tuple(sorted((k, v) for k, v in terms.items() if v))


def _rational(q: Fraction) -> Exact:
    return _make({_ONE: q})


def _as_rational(x: Exact) -> Fraction | None:
    if not x:
        return Fraction(0)
    if len(x) == 1 and x[0][0] == _ONE:
        return x[0][1]
    return None


def _check_size(q: Fraction) -> Fraction:
    if q.numerator.bit_length() > MAX_BITS or q.denominator.bit_length() > MAX_BITS:
        raise Undecidable("too large")
    return q


def _add(a: Exact, b: Exact, sign: int = 1) -> Exact:
    terms = dict(a)
    for k, v in b:
        terms[k] = terms.get(k, Fraction(0)) + sign * v
    return _make(terms)


def _mul(a: Exact, b: Exact) -> Exact:
    terms: dict[tuple[int, int], Fraction] = {}
    for (r1, p1), v1 in a:
        for (r2, p2), v2 in b:
            # sqrt(r1) sqrt(r2) with signed square-free radicands (r < 0: i sqrt(-r)): i^2 = -1
            g = math.gcd(r1, r2)
            rad = abs(r1) // g * (abs(r2) // g)
            sign = -1 if r1 < 0 and r2 < 0 else 1
            key = (-rad if (r1 < 0) != (r2 < 0) else rad, p1 + p2)
            terms[key] = terms.get(key, Fraction(0)) + _check_size(sign * v1 * v2 * g)
    return _make(terms)


def _inverse(x: Exact) -> Exact:
    if not x:
        raise ZeroDivisionError
    if len(x) == 1:
        (r, p), v = x[0]
        return _make({(r, -p): _check_size(1 / (v * r))})  # 1/(v sqrt(r) pi^p) = sqrt(r) / (v r pi^p)
    radicands = {r for (r, _), _ in x if r != 1}
    if len(radicands) == 1 and all(p == 0 for (_, p), _ in x):  # a + b sqrt(r): times the conjugate
        (r,) = radicands
        a = dict(x).get(_ONE, Fraction(0))
        b = dict(x)[(r, 0)]
        norm = a * a - b * b * r
        return _make({_ONE: _check_size(a / norm), (r, 0): _check_size(-b / norm)})
    raise Undecidable("denominator with several surds")


def _pow(base: Exact, n: int) -> Exact:
    if abs(n) > MAX_BITS:
        raise Undecidable("exponent too large")
    if n < 0:
        return _pow(_inverse(base), -n)
    q = _as_rational(base)
    if q is not None:
        bits = max(q.numerator.bit_length(), q.denominator.bit_length())
        if bits * n > MAX_BITS:
            raise Undecidable("power too large")
        return _rational(q**n)
    out, sq = _rational(Fraction(1)), base
    while n:
        if n & 1:
            out = _mul(out, sq)
        n >>= 1
        if n:
            sq = _mul(sq, sq)
    return out


_SMALL_PRIMES = [p for p in range(2, 10_000) if all(p % d for d in range(2, math.isqrt(p) + 1))]


@lru_cache(maxsize=1 << 14)
def _square_part(m: int) -> tuple[int, int]:
    """``(s, r)`` with ``m = s^2 r`` and ``r`` square-free, or :class:`Undecidable` when ``m`` cannot be
    factored far enough to be sure (a square factor above 10^4 hidden in a number above 10^12)."""
    s, r = 1, 1
    for p in _SMALL_PRIMES:
        if p * p > m:
            break
        while m % (p * p) == 0:
            m //= p * p
            s *= p
        if m % p == 0:
            m //= p
            r *= p
    root = math.isqrt(m)
    if root * root == m:
        return s * root, r
    if m >= 10**12 and m > _SMALL_PRIMES[-1] ** 2:
        raise Undecidable("cannot factor the radicand")
    return s, r * m  # m < 10^12 with no prime factor below 10^4: at most two distinct primes


def _sqrt(x: Exact) -> Exact:
    q = _as_rational(x)
    if q is None:
        raise Undecidable("square root of a surd")
    s, r = _square_part(abs(q.numerator) * q.denominator)
    return _make({(-r if q < 0 else r, 0): Fraction(s, q.denominator)})  # sqrt(-4) = 2i: radicand -1


def _root(x: Exact, n: int) -> Exact:
    if n == 2:
        return _sqrt(x)
    q = _as_rational(x)
    if q is None or n < 2 or n > 64 or (q < 0 and n % 2 == 0):
        raise Undecidable("root")
    sign = -1 if q < 0 else 1
    out = []
    for k in (abs(q.numerator), q.denominator):
        r = round(k ** (1.0 / n)) if k.bit_length() < 1000 else None
        if r is None:
            raise Undecidable("root")
        r = next((c for c in (r - 1, r, r + 1) if c >= 0 and c**n == k), None)
        if r is None:
            raise Undecidable("irrational root")
        out.append(r)
    return _rational(sign * Fraction(out[0], out[1]))


class _ExactOps:
    """Exact arithmetic on canonical elements of Q(sqrt r..., pi) for :class:`_Evaluator`."""

    add = staticmethod(_add)
    mul = staticmethod(_mul)
    inv = staticmethod(_inverse)
    root = staticmethod(_root)
    const = staticmethod(_rational)

    @staticmethod
    def pi() -> Exact:
        return _make({(1, 1): Fraction(1)})

    @staticmethod
    def imaginary() -> Exact:
        return _make({(-1, 0): Fraction(1)})

    @staticmethod
    def index(x: Exact) -> int:
        n = _as_rational(x)
        if n is None or n.denominator != 1:
            raise Undecidable("root index")
        return n.numerator

    @staticmethod
    def power(base: Exact, exponent: Exact) -> Exact:
        e = _as_rational(exponent)
        if e is None:
            raise Undecidable("irrational exponent")
        if e.denominator == 1:
            return _pow(base, e.numerator)
        return _pow(_root(base, e.denominator), e.numerator)


class _IntervalOps:
    """Interval arithmetic (mpmath's ``iv`` at 60 digits) for :class:`_Evaluator`: it can only prove two
    values *different* (disjoint intervals), never equal. Used where exact arithmetic gives up (a radicand
    too large to factor, an irrational exponent)."""

    def __init__(self) -> None:
        from mpmath import iv

        iv.dps = 60
        self.iv = iv

    def add(self, a, b, sign: int = 1):
        return a + b if sign == 1 else a - b

    def mul(self, a, b):
        return a * b

    def inv(self, a):
        if 0 in a:
            raise Undecidable("division by an interval holding 0")
        return 1 / a

    def const(self, q: Fraction):
        return self.iv.mpf(q.numerator) / q.denominator

    def pi(self):
        return self.iv.pi

    def imaginary(self):
        raise Undecidable("complex values have no interval")

    def index(self, x) -> int:
        if x.a != x.b or int(x.a) != x.a:
            raise Undecidable("root index")
        return int(x.a)

    def root(self, x, n: int):
        if n < 2 or x.a < 0:
            raise Undecidable("root")
        return self.iv.sqrt(x) if n == 2 else x ** (self.iv.mpf(1) / n)

    def power(self, base, exponent):
        if exponent.a == exponent.b and int(exponent.a) == exponent.a:
            n = int(exponent.a)
            if abs(n) * max(1, int(abs(base.b)).bit_length()) > MAX_BITS:
                raise Undecidable("power too large")
            return base**n
        if base.a <= 0 or abs(exponent.b) > 10_000:
            raise Undecidable("power")
        return self.iv.exp(exponent * self.iv.log(base))


_EXACT = _ExactOps()


class _MonomialOps:
    """Exact arithmetic on signed products of prime powers with exponents of any size (``(2^{10^{6}})^{2}`` is
    ``{2: 2000000}``), for integer powers too large to compute; a sum is taken only of values small enough
    to multiply out. Equality is identity, by unique factorisation."""

    SMALL = 10**12

    @staticmethod
    def _factor(n: int) -> dict[int, int]:
        if n <= 0 or n > _MonomialOps.SMALL:
            raise Undecidable("cannot factor")
        out: dict[int, int] = {}
        for p in _SMALL_PRIMES:
            if p * p > n:
                break
            while n % p == 0:
                out[p] = out.get(p, 0) + 1
                n //= p
        if n > 1:
            out[n] = out.get(n, 0) + 1
        return out

    def const(self, q: Fraction):
        if q == 0:
            raise Undecidable("zero")
        f = self._factor(abs(q.numerator))
        for p, e in self._factor(q.denominator).items():
            f[p] = f.get(p, 0) - e
        return (1 if q > 0 else -1, tuple(sorted((p, e) for p, e in f.items() if e)))

    def _small(self, x) -> Fraction:
        sign, f = x
        if sum(abs(e) * p.bit_length() for p, e in f) > 4000:
            raise Undecidable("too large to add")
        v = Fraction(sign)
        for p, e in f:
            v *= Fraction(p) ** e
        return v

    def add(self, a, b, sign: int = 1):
        return self.const(self._small(a) + sign * self._small(b))

    def mul(self, a, b):
        f = dict(a[1])
        for p, e in b[1]:
            f[p] = f.get(p, 0) + e
        return (a[0] * b[0], tuple(sorted((p, e) for p, e in f.items() if e)))

    def inv(self, a):
        return (a[0], tuple((p, -e) for p, e in a[1]))

    def power(self, base, exponent):
        n = self._small(exponent)
        if n.denominator != 1:
            raise Undecidable("fractional exponent")
        n = int(n)
        return (base[0] ** (n % 2) if base[0] < 0 else 1, tuple((p, e * n) for p, e in base[1]))

    def root(self, x, n: int):
        if x[0] < 0 or any(e % n for _, e in x[1]):
            raise Undecidable("irrational root")
        return (1, tuple((p, e // n) for p, e in x[1]))

    def index(self, x) -> int:
        return int(self._small(x))

    def pi(self):
        raise Undecidable("pi")

    def imaginary(self):
        raise Undecidable("i")


def same_monomial(a: str, b: str) -> bool | None:
    """Whether two products of huge integer powers are equal (``4^{10^{6}}`` and ``2^{10^{6}}\\cdot 2^{10^{6}}``),
    by unique factorisation; ``None`` when either is not such a product."""
    try:
        return _Evaluator(a, _MonomialOps()).parse() == _Evaluator(b, _MonomialOps()).parse()
    except (Undecidable, ZeroDivisionError, RecursionError, ValueError, OverflowError):
        return None


class _Evaluator:
    r"""Recursive descent over numeric LaTeX with exact arithmetic; anything else raises :class:`Undecidable`.

    Implicit products (``2\sqrt{3}``, ``3\pi``, ``2(1+\sqrt2)``) are read as TeX readers read them, except
    where readers differ: after a slash (``1/2\pi``), between two numbers (``2 3``), a number before
    ``\frac`` (a mixed number inside a larger expression) and an unbraced exponent of several digits.
    """

    _TOKEN = re.compile(
        r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:\\overline\{\d+\})?)"
        r"|(?P<cmd>\\frac|\\sqrt|\\pi|\\cdot|\\times|\\div)(?![a-zA-Z])|(?P<imag>(?<![a-zA-Z\\])i(?![a-zA-Z]))"
        r"|(?P<space>\\[,;:! ]|\\quad|\\qquad|~|\s+)"
        r"|(?P<op>[-+*/^(){}\[\]])"
    )

    def __init__(self, s: str, ops: Any = None):
        self.ops = _EXACT if ops is None else ops
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        for m in self._TOKEN.finditer(s):
            if m.start() != pos:
                raise Undecidable(s[pos : m.start()])
            pos = m.end()
            if m.lastgroup != "space":
                self.tokens.append((m.lastgroup, m.group()))
        if pos != len(s) or not self.tokens:
            raise Undecidable(s[pos:])
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise Undecidable(f"expected {expected}")
        self.i += 1
        return tok

    def parse(self) -> Exact:
        value = self.expr()
        if self.peek() is not None:
            raise Undecidable("trailing tokens")
        return value

    def expr(self) -> Exact:
        value = self.unary()
        while self.peek() in ("+", "-"):
            sign = 1 if self.take() == "+" else -1
            value = self.ops.add(value, self.unary(), sign)
        return value

    def unary(self) -> Exact:
        if self.peek() in ("+", "-"):
            sign = self.take()
            value = self.unary()
            return value if sign == "+" else self.ops.mul(self.ops.const(Fraction(-1)), value)
        return self.term()

    def term(self) -> Exact:
        value = self.power()
        divided = False
        while (tok := self.peek()) is not None and tok not in ("+", "-", ")", "}", "]"):
            if tok in ("*", "\\cdot", "\\times"):
                self.take()
                value = self.ops.mul(value, self.power())
            elif tok in ("/", "\\div"):
                self.take()
                value = self.ops.mul(value, self.ops.inv(self.power()))
                divided = True
            elif divided:
                raise Undecidable("juxtaposition after a slash")
            else:
                prev_kind = self.tokens[self.i - 1][0]
                if prev_kind == "num" and (self.tokens[self.i][0] == "num" or tok == "\\frac"):
                    raise Undecidable("juxtaposed numbers")
                value = self.ops.mul(value, self.power())
        return value

    def power(self) -> Exact:
        base = self.atom()
        if self.peek() != "^":
            return base
        self.take()
        if self.peek() == "{":
            exponent = self.group("{", "}")
        elif self.peek() == "(":
            exponent = self.group("(", ")")
        else:
            kind, tok = self.tokens[self.i] if self.i < len(self.tokens) else ("", "")
            if kind != "num" or len(tok) != 1:
                raise Undecidable("unbraced exponent")
            self.take()
            exponent = self.ops.const(Fraction(int(tok)))
        if self.peek() == "^":
            raise Undecidable("tower of powers")
        return self.ops.power(base, exponent)

    def group(self, open_: str, close: str) -> Exact:
        self.take(open_)
        value = self.expr()
        self.take(close)
        return value

    def atom(self) -> Exact:
        tok = self.peek()
        if tok is None:
            raise Undecidable("missing operand")
        kind = self.tokens[self.i][0]
        if tok in ("(", "{"):
            return self.group(tok, ")" if tok == "(" else "}")
        self.take()
        if kind == "num":
            return self.ops.const(_number(tok))
        if tok == "\\pi":
            return self.ops.pi()
        if tok == "i":
            return self.ops.imaginary()
        if tok == "\\frac":
            num = self.group("{", "}")
            return self.ops.mul(num, self.ops.inv(self.group("{", "}")))
        if tok == "\\sqrt":
            index = 2
            if self.peek() == "[":
                index = self.ops.index(self.group("[", "]"))
            return self.ops.root(self.group("{", "}"), index)
        raise Undecidable(tok)


def _number(tok: str) -> Fraction:
    r"""A decimal literal, possibly repeating (``4.\overline{6}`` = 14/3), exactly."""
    if "\\overline" not in tok:
        whole, _, frac = tok.rstrip(".").partition(".")
        if len(whole) + len(frac) > 4000:  # past Python's int-string limit: read in chunks
            value = 0
            for k in range(0, len(whole + frac), 1000):
                chunk = (whole + frac)[k : k + 1000]
                value = value * 10 ** len(chunk) + int(chunk)
            return Fraction(value, 10 ** len(frac))
        return Fraction(tok.rstrip(".") or "0")
    head, rep = tok.split("\\overline{")
    rep = rep.rstrip("}")
    whole, _, fixed = head.partition(".")
    if not _:
        raise Undecidable("repeating digits without a decimal point")
    base = Fraction(int(whole or "0")) + (Fraction(int(fixed), 10 ** len(fixed)) if fixed else 0)
    return base + Fraction(int(rep), (10 ** len(rep) - 1) * 10 ** len(fixed))


_BASE_NUMBER = re.compile(r"\(?([0-9A-Za-z]+)\)?_\{?\(?(\d+)\)?\}?")


def base_number(s: str) -> tuple[str, int, int] | None:
    """``(digits, base, value)`` of a number written in a base (``52_8``, ``1011_{2}``, ``(2516)_9``), else ``None``;
    digits that do not exist in the base (``58_7``) have no value (``-1``)."""
    m = _BASE_NUMBER.fullmatch(s.replace(" ", ""))
    if m is None:
        return None
    digits, base = m.group(1), int(m.group(2))
    if not 2 <= base <= 36 or (base <= 10 and not digits.isdigit()):
        return None
    try:
        return digits, base, int(digits, base)
    except ValueError:
        return digits, base, -1


_IMAGINARY = re.compile(r"(?<![a-zA-Z\\])i(?![a-zA-Z])")


def _exact_uncached(s: str) -> Exact | None:
    if not any(c.isdigit() for c in s) and "\\pi" not in s and _IMAGINARY.search(s) is None:
        return None
    try:
        return _Evaluator(s).parse()
    except (Undecidable, ZeroDivisionError, RecursionError, ValueError, OverflowError):
        return None


_exact_cached = lru_cache(maxsize=1 << 16)(_exact_uncached)


def exact_value(s: str) -> Exact | None:
    r"""The exact value of numeric LaTeX in canonical form, else ``None`` (remembered).

    >>> exact_value(r"\sqrt{117}") == exact_value(r"3\sqrt{13}"), exact_value("2^{40}-1") == exact_value("2^{40}")
    (True, False)
    >>> exact_value(r"4.\overline{6}") == exact_value(r"\frac{14}{3}"), exact_value("x+1")
    (True, None)
    """
    if len(s) > MAX_CHARS:
        return None
    return _exact_cached(s) if len(s) <= CACHED_CHARS else _exact_uncached(s)


_INTERVAL: _IntervalOps | None = None


def provably_different(a: str, b: str) -> bool:
    r"""Whether interval arithmetic proves two numeric LaTeX strings different (``\sqrt{2+10^{-20}}`` and
    ``\sqrt{2}``); ``False`` when it cannot (it never proves equality). For where :func:`exact_value` gives up.

    >>> provably_different(r"\sqrt{2+10^{-20}}", r"\sqrt{2}"), provably_different(r"2^{\sqrt{2}}", r"2^{\sqrt{2}}")
    (True, False)
    """
    global _INTERVAL
    if len(a) > 2000 or len(b) > 2000 or not (any(c.isdigit() for c in a) and any(c.isdigit() for c in b)):
        return False
    # Enough digits to separate values that differ far below their magnitude (sqrt(10^100 + 1) and 10^50).
    sizes = [int(x) for x in re.findall(r"\d+", a + " " + b) if len(x) < 6] + [
        len(x) for x in re.findall(r"\d+", a + b)
    ]
    digits = min(5000, 60 + 2 * max(sizes, default=0))
    try:
        if _INTERVAL is None:
            _INTERVAL = _IntervalOps()
        _INTERVAL.iv.dps = digits
        x = _Evaluator(a, _INTERVAL).parse()
        y = _Evaluator(b, _INTERVAL).parse()
        return bool(x.b < y.a or y.b < x.a)
    except Exception:  # a proof attempt only: any failure proves nothing
        return False


def approximate(x: Exact, digits: int = 60) -> Decimal:
    """``x`` as a decimal with ``digits`` significant digits (for the decimal rule only)."""
    pi = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863")
    with localcontext() as ctx:
        ctx.prec = digits + 10
        total = Decimal(0)
        for (r, p), v in x:
            total += Decimal(v.numerator) / Decimal(v.denominator) * Decimal(r).sqrt() * pi**p
        return +total


_DECIMAL_LITERAL = re.compile(r"[+-]?(\d*)\.(\d+)")


def _decimal_places(s: str) -> int | None:
    """Decimal places of a plain decimal literal (``3.14`` -> 2), else ``None``."""
    m = _DECIMAL_LITERAL.fullmatch(s)
    return len(m.group(2)) if m else None


def _terminates(q: Fraction) -> bool:
    d = q.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def same_value(exact: Exact, exact_text: str, other: Exact, other_text: str) -> bool:
    """Whether two exact values are one answer, under the decimal rule (see the module docstring):
    ``exact_text`` is the gold's side (or either side when comparing two answers)."""
    if exact == other:
        return True
    places = _decimal_places(other_text)
    if places is None or _decimal_places(exact_text) is not None or any(r < 0 for (r, _), _ in exact):
        return False  # no decimal answer, a decimal gold, or a complex gold: exact values only
    q = _as_rational(exact)
    if q is not None and _terminates(q):
        return False  # the gold has an exact decimal expansion, and the answer is not it
    digits = "".join(_DECIMAL_LITERAL.fullmatch(other_text).groups()).lstrip("0")
    if places < MIN_DECIMAL_PLACES or len(digits) < MIN_DECIMAL_PLACES:
        return False  # leading zeros are not precision: ".0000672" carries 3 significant digits, not 7
    a = _as_rational(other)
    with localcontext() as ctx:
        ctx.prec = 80
        diff = abs(approximate(exact) - Decimal(a.numerator) / Decimal(a.denominator))
        return diff <= Decimal(5) * Decimal(10) ** (-(places + 1))


# --------------------------------------------------------------------------------------------
# Collections: lists, sets, tuples and intervals, compared item by item when every item is exact
# --------------------------------------------------------------------------------------------

_OPEN, _CLOSE = "([{", ")]}"
_INFINITY = re.compile(r"([+-]?)\\infty")


def split_top_level(s: str, sep: str = ",") -> list[str]:
    r"""``s`` split at ``sep`` outside brackets and braces (``\max(5,6)`` stays one item).

    >>> split_top_level(r"\max(5,6), (1,2), 3")
    ['\\max(5,6)', ' (1,2)', ' 3']
    """
    depth, start, items = 0, 0, []
    for i, c in unescaped_chars(s):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif depth == 0 and s.startswith(sep, i):
            items.append(s[start:i])
            start = i + len(sep)
    items.append(s[start:])
    return items


@dataclass(frozen=True)
class _Collection:
    kind: str  # "set" (unordered: a bare list or \{...\}) | "ordered" (a tuple or an interval)
    brackets: str  # "" for a set, else the opening and closing bracket ("()", "[)", ...)
    items: tuple[str, ...]


def _collection(s: str) -> _Collection | None:
    """The collection ``s`` writes, or ``None`` (a single value, or prose)."""
    s = s.strip()
    if "$" in s or not is_bare(s):
        return None
    if s.startswith("\\{") and s.endswith("\\}"):
        return _Collection("set", "", tuple(x.strip() for x in split_top_level(s[2:-2])))
    if len(s) >= 2 and s[0] in "([" and s[-1] in ")]" and balanced(s):
        inner = s[1:-1]
        depth = 0  # the first bracket must close at the end: "(1)(2)" is a product, not a tuple
        for c in inner:
            depth += c in _OPEN
            depth -= c in _CLOSE
            if depth < 0:
                return None
        items = split_top_level(inner)
        if len(items) > 1:
            return _Collection("ordered", s[0] + s[-1], tuple(x.strip() for x in items))
        return None
    items = split_top_level(s)
    if len(items) > 1:
        return _Collection("set", "", tuple(x.strip() for x in items))
    return None


def _item_key(s: str) -> tuple | None:
    """An exact, hashable reading of one collection item (a value or a signed infinity), else ``None``."""
    m = _INFINITY.fullmatch(s.replace(" ", ""))
    if m is not None:
        return ("inf", -1 if m.group(1) == "-" else 1)
    if _decimal_places(s) is not None and len(s.split(".")[1]) >= MIN_DECIMAL_PLACES:
        return None  # a long decimal inside a collection may be a rounded value: math-verify decides
    v = exact_value(s)
    return None if v is None else ("value", v)


def _compare_collections(g: _Collection, a: _Collection) -> bool | None:
    if g.kind == a.kind == "set" and (
        len(set(map(normalised, g.items))) != len(g.items)
        or len(set(map(normalised, a.items))) != len(a.items)
    ):
        return None  # a repeated value: a set would merge it, a list would not
    if len(g.items) != len(a.items):
        return False
    if g.kind != a.kind:
        return None  # a bare list against a tuple: math-verify's reading (it may match them)
    gk = [_item_key(x) for x in g.items]
    ak = [_item_key(x) for x in a.items]
    if any(k is None for k in gk + ak):
        return None
    if g.kind == "ordered":
        if g.brackets != a.brackets:
            return False
        return gk == ak
    if len(set(gk)) != len(gk) or len(set(ak)) != len(ak):
        return None  # a repeated value: a set would merge it, a list would not
    return set(gk) == set(ak)


# --------------------------------------------------------------------------------------------
# One final answer, read whole
# --------------------------------------------------------------------------------------------

_RELATION = re.compile(
    r"\\(?:leq?|geq?|neq?|leqslant|geqslant|approx|equiv|sim|simeq|cong|lt|gt|ne)(?![a-zA-Z])|<|>|(?<!\\)="
)
_RELATION_OR_BRACKET = re.compile(
    r"\\[{}]|[{}()\[\]]|\\(?:leq?|geq?|neq?|leqslant|geqslant|approx|equiv|sim|simeq|cong|lt|gt|ne)(?![a-zA-Z])"
    r"|<|>|(?<!\\)="
)
_NAME = re.compile(
    r"(?:m\s*)?(?:\\angle\s*)?(?:[a-zA-Z]{1,3}|\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|theta|vartheta|lambda|mu"
    r"|nu|xi|rho|sigma|tau|phi|varphi|chi|psi|omega|Delta|Gamma|Theta|Lambda|Sigma|Phi|Psi|Omega)|\\text\{[^{}]*\}"
    r"|\\mathrm\{[^{}]*\}|\\overline\{[A-Z]+\})\s*(?:_\{?[\w,]+\}?)?'*(?:\^\{?\d\}?)?\s*(?:\([^()]*\))?"
)
# Operators a question poses and an answer must evaluate: against a numeric gold they are not an answer.
_UNEVALUATED = re.compile(
    r"\\(?:binom|dbinom|tbinom|choose|sum|prod|log|ln|lg|int|iint|iiint|oint|lim|bmod|pmod|mod)(?![a-zA-Z])"
    r"|\\operatorname\s*\{\s*(?:mod|log|lcm|gcd)\s*\}|(?<=[\d)}])\s*!"
)
_PLUS_MINUS = re.compile(r"\\(?:pm|mp)(?![a-zA-Z])")
_CHOICE = re.compile(
    r"(?:\\(?:text(?:bf|rm|it)?|mathrm|mathbf)\s*\{\s*\(?\s*([A-E])\s*\)?\s*\}|\(\s*([A-E])\s*\)|([A-E]))"
    r"(?:\s|\\[ ,;:]|~|\\quad|\\qquad)*(.*)",
    re.S,
)
_CHOICE_MARK = re.compile(r"\\(?:text(?:bf|rm|it)?|mathrm|mathbf)\s*\{\s*\(\s*[A-E]\s*\)|\(\s*[A-E]\s*\)")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT_TAIL = re.compile(
    r"(?P<num>.*?\S)(?P<unit>(?:\s*(?:\\(?:text[a-z]*|mbox|mathrm)\s*\{[^{}\d]*\}(?:\^\{?[23]\}?)?|\^\s*\{?\\circ\}?"
    rf"|[{_CJK}]+)|(?:\s|\\[ ,;])+[a-zA-Z\u00C0-\u024F\u0400-\u04FF]{{2,}}(?:/[a-zA-Z]+)*(?:\^\{{?[23]\}}?)?)+)\s*"
)
_HEDGE_WORDS = frozenset("or and ou oder und et y e и или".split())
# Words that make a tail a clause, not a unit ("5 if we count from zero", "5 when n is odd").
_NOT_UNIT_WORDS = frozenset(
    "if when unless except otherwise provided assuming we is are was be the of from to than not no but so then "
    "because since as which where only about approximately at least most more less maybe perhaps".split()
)
_TEXT_WRAPPER = re.compile(r"\\(?:text[a-z]*|mbox|mathrm)\s*\{([^{}]*)\}")
_UNIT_INSIDE = re.compile(
    r"\\(?:text[a-z]*|mbox|mathrm)\s*\{\s*[a-zA-Z]{2,}[^{}]*\}\s*(?:[-+*/^]|\\(?:times|cdot|div))"
)
# Words after a number that change its value: a scale, a fraction's denominator, a power.
_VALUE_WORDS = {
    "hundred": "\\cdot 100",
    "thousand": "\\cdot 1000",
    "million": "\\cdot 10^{6}",
    "billion": "\\cdot 10^{9}",
    "trillion": "\\cdot 10^{12}",
    "dozen": "\\cdot 12",
    "score": "\\cdot 20",
    "万": "\\cdot 10^{4}",
    "亿": "\\cdot 10^{8}",
    "千": "\\cdot 1000",
    "百": "\\cdot 100",
    "halves": "/2",
    "half": "/2",
    "thirds": "/3",
    "third": "/3",
    "quarters": "/4",
    "quarter": "/4",
    "fourths": "/4",
    "fourth": "/4",
    "fifths": "/5",
    "fifth": "/5",
    "sixths": "/6",
    "sevenths": "/7",
    "eighths": "/8",
    "ninths": "/9",
    "tenths": "/10",
    "tenth": "/10",
    "hundredths": "/100",
    "hundredth": "/100",
    "thousandths": "/1000",
    "thousandth": "/1000",
    "millionths": "/1000000",
    "squared": "^{2}",
    "cubed": "^{3}",
    "twice": "\\cdot 2",
}


@dataclass(frozen=True)
class FinalAnswer:
    """The reading of one final answer string.

    Attributes:
        core: the value to compare (``5`` for ``x = 5``, ``18`` for ``18\\text{ eggs}``).
        not_final: why this is not a final answer on its own (``"relation"``, ``"disjunction"``), or ``""``.
        plus_minus: the answer holds ``\\pm``; operator: it holds an operator a question poses (``\\binom``).
        unit: the unit words after a number (normalised), or ``""``; letter: a choice letter (``B``), or ``""``.
    """

    core: str
    not_final: str = ""
    plus_minus: bool = False
    operator: bool = False
    unit: str = ""
    letter: str = ""
    percent: bool = False
    names: tuple[str, ...] = ()


_LEADING_SPACE = re.compile(r"^(?:\\q?quad|\\[,;:! ]|~|\s)+")


def _is_name(s: str) -> bool:
    """A name a final answer may be given to (``x``, ``a_{37}``, ``f(3)``, ``\\angle ABC``, ``(x, y)``)."""
    s = _LEADING_SPACE.sub("", s.strip())
    if s.startswith("(") and s.endswith(")") and len(split_top_level(s[1:-1])) > 1:
        return all(_is_name(x) for x in split_top_level(s[1:-1]))
    return s == "" or (_NAME.fullmatch(s) is not None and s.lower() not in MATH_WORDS)


def _top_level_relations(s: str) -> list[tuple[int, int, str]]:
    """``(start, end, relation)`` of each relation outside braces and brackets (not ``\\sum_{k=0}``)."""
    out = []
    depth = 0
    for m in _RELATION_OR_BRACKET.finditer(s):
        tok = m.group()
        if tok in _OPEN or tok == "\\{":
            depth += 1
        elif tok in _CLOSE or tok == "\\}":
            depth -= 1
        elif depth == 0:
            out.append((m.start(), m.end(), "=" if tok == "=" else tok))
    return out


def _name_of(item: str) -> str | None:
    """The name an item ``name = value`` gives its value (spacing dropped), else ``None``."""
    rel = _top_level_relations(item)
    if len(rel) != 1 or rel[0][2] != "=":
        return None
    name = _LEADING_SPACE.sub("", item[: rel[0][0]].strip())
    return normalised(name) if name and _is_name(name) else None


def _unit_key(unit: str) -> str:
    words = re.sub(r"\\(?:text[a-z]*|mbox|mathrm)\s*\{([^{}]*)\}", r" \1 ", unit)
    words = (
        words.replace("\\%", " percent ")
        .replace("\\circ", " degree ")
        .replace("\\,", " ")
        .replace("\\ ", " ")
    )
    words = re.sub(r"\^\s*\{?\s*\}?", " ", words).replace("{", " ").replace("}", " ")
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words.lower().split())


@lru_cache(maxsize=1 << 16)
def read_final(s: str) -> FinalAnswer:
    r"""One final answer string, read whole (see :func:`final_pair` for the rules against a gold).

    >>> read_final("x = 5").core, read_final("3 = 5").not_final, read_final(r"x=5 \vee x=6").not_final
    ('5', 'relation', 'disjunction')
    >>> read_final(r"18\text{ eggs}").core, read_final(r"\textbf{(B)}\ 27").letter, read_final(r"\binom{10}{3}").operator
    ('18', 'B', True)
    """
    from trl_r1.rewards.answer_reader import _offers_two

    s = s.strip()
    if not is_bare(s):
        return FinalAnswer(s)  # prose: math-verify's own extraction reads it
    if _offers_two(s):
        return FinalAnswer(s, not_final="disjunction")
    plus_minus = _PLUS_MINUS.search(s) is not None
    operator = _UNEVALUATED.search(s) is not None
    if len(_CHOICE_MARK.findall(s)) > 1:
        return FinalAnswer(s, not_final="disjunction")  # "\textbf{(B) }27\qquad\textbf{(C) }28": two choices
    m = _CHOICE.fullmatch(s)
    if m is not None and (m.group(1) or m.group(2) or not m.group(4).strip()):
        letter = m.group(1) or m.group(2) or m.group(3)
        return FinalAnswer(m.group(4).strip(), letter=letter, plus_minus=plus_minus, operator=operator)
    items = split_top_level(s)
    if len(items) > 1 and ";" not in s and any(_top_level_relations(x) for x in items):
        # "a_3 = 2, a_{37} = 19": a list of named values reads as the list of its values
        readings = [read_final(x.strip()) for x in items]
        bad = next((r.not_final for r in readings if r.not_final), "")
        if bad:
            return FinalAnswer(s, not_final=bad)
        names = tuple(_name_of(x) for x in items)
        if any(n is None for n in names) or len(set(names)) != len(names):
            names = ()
        return FinalAnswer(
            ", ".join(r.core for r in readings), plus_minus=plus_minus, operator=operator, names=names
        )
    relations = _top_level_relations(s)
    core = s
    if relations and ";" not in s:
        if any(r not in ("=", "\\approx") for _, _, r in relations):
            return FinalAnswer(s, not_final="relation")
        bounds = [0] + [x for start, end, _ in relations for x in (start, end)] + [len(s)]
        parts = [s[bounds[k] : bounds[k + 1]].strip() for k in range(0, len(bounds), 2)]
        kinds = [r for _, _, r in relations]
        # "v \approx 0.33": an exact value, then its approximation; the approximation is not the answer.
        while len(parts) > 2 and kinds[-1] == "\\approx":
            parts, kinds = parts[:-1], kinds[:-1]
        named = parts[0] != "" and _is_name(parts[0])
        if named or parts[0] == "":
            parts = parts[1:]  # "x = 5+5+1 = 11": a name, then a computation; its last part is the answer
        elif len(parts) == 2 and _is_name(parts[1]) and parts[1] != "":
            parts, named = parts[:1], True  # "5 = x": the value, then its name
        values = [exact_value(p) for p in parts]
        known = [v for v in values if v is not None]
        if not parts or any(not p for p in parts):
            return FinalAnswer(s, not_final="relation")  # "x =", "= ="
        if not named and (len(set(known)) > 1 or (len(parts) > 1 and len(known) < len(parts))):
            return FinalAnswer(s, not_final="relation")  # "3 = 5", "2x = 10": a statement, not a value
        if "\\approx" in kinds and not named:
            return FinalAnswer(s, not_final="relation")
        core = parts[-1]
    if core.endswith("%") and not core.endswith("\\\\%"):
        core = core[:-1].rstrip().removesuffix("\\").rstrip()
        if not core:
            return FinalAnswer(s)
        return FinalAnswer(core, plus_minus=plus_minus, operator=operator, percent=True)
    unit = ""
    m = _UNIT_TAIL.fullmatch(core)
    if m is not None and (
        exact_value(m.group("num").strip()) is not None or base_number(m.group("num").strip())
    ):
        tail = _TEXT_WRAPPER.sub(r" \1 ", m.group("unit"))
        words = [
            w.lower()
            for w in re.findall(rf"[a-zA-Z]+|[{_CJK}]", tail)
            if w.lower() not in ("text", "textrm", "textnormal", "mbox", "mathrm", "circ")
        ]
        if (
            any(w in _VALUE_WORDS for w in words[1:])
            or len(words) > 4
            or "factorial" in words
            or any(w in _HEDGE_WORDS or w in MATH_WORDS or w in _NOT_UNIT_WORDS for w in words)
        ):
            return FinalAnswer(s, plus_minus=plus_minus, operator=True)  # "5 cm squared": not a plain unit
        core, unit = m.group("num").strip(), _unit_key(m.group("unit")) or "unit"
        if words in (["percent"], ["per", "cent"]):  # "12.5 percent" is 12.5\%
            return FinalAnswer(core, plus_minus=plus_minus, operator=operator, percent=True)
        if words and words[0] in _VALUE_WORDS:  # "5 million", "5 halves", "5 squared": the word is arithmetic
            core, unit = f"({core}){_VALUE_WORDS[words[0]]}", _unit_key(" ".join(words[1:]))
    elif _UNIT_INSIDE.search(core):
        operator = True  # "5\text{ cm} + 6\text{ cm}": an expression of quantities, not its value
    return FinalAnswer(core, plus_minus=plus_minus, operator=operator, unit=unit)


def _numeric(s: str) -> bool:
    return exact_value(s) is not None or _decimal_places(s) is not None or base_number(s) is not None


def final_pair(gold: str, answer: str) -> tuple[str, str] | bool | str:
    r"""How ``answer`` is compared with ``gold``: the pair of strings to compare, a verdict, or :data:`NOT_FINAL`.

    The rules (issue 21, each held by a test in ``tests/rewards/test_final_answer.py``):

    * a final answer that states a relation (``3 = 5``, ``2x = 10``, ``x < 3``) or a disjunction
      (``5 or 6``, ``x=5 \vee x=6``) is not a final answer, unless the gold is one too; ``x = 5`` (a name,
      then the value) and a true chain (``x = \frac{10}{2} = 5``) read as their last part;
    * ``\pm`` in the answer but not in the gold is two answers: not final;
    * an operator the question poses (``\binom``, ``\sum``, ``\log``, ``\int``, ``\lim``, ``\bmod``, ``n!``)
      left unevaluated against a numeric gold is not an answer: the policy must compute it;
    * a number followed by unit words (``18\text{ eggs}``, ``40\text{ km/h}``, ``9\text{页}``,
      ``30^\circ``) reads as the number against a numeric gold; when both sides carry a unit the
      units must be written alike;
    * a choice letter (``\textbf{(B)}\ 27``) matches a gold's letter, and its value a gold's value.

    >>> final_pair("5", "x = 5"), final_pair("5", "3 = 5") == NOT_FINAL, final_pair("120", r"\binom{10}{3}") == NOT_FINAL
    (('5', '5'), True, True)
    """
    if answer == NOT_FINAL:
        return NOT_FINAL
    g, a = read_final(gold), read_final(answer)
    if (
        a.not_final == "disjunction"
        and not g.not_final
        and (listed := _alternatives(answer, g.core)) is not None
    ):
        return g.core, listed  # "x = 1 or x = 2" against the gold list "1, 2": both solutions, a list
    if a.not_final:
        return (gold, answer) if g.not_final else NOT_FINAL
    if g.not_final:
        return gold, answer  # a relation or a disjunction for a gold: math-verify compares them whole
    if a.plus_minus and not g.plus_minus:
        return NOT_FINAL
    if a.operator and not g.operator and _numeric(g.core):
        return NOT_FINAL
    if g.letter or a.letter:
        if g.letter and a.letter:
            if g.letter != a.letter:
                return False
            return (g.core, a.core) if g.core and a.core else True
        if a.letter:  # a letter against a gold without one: its value must be the gold
            return (g.core, a.core) if a.core else False
        return (g.core, a.core) if g.core else False  # a value against a gold letter with a value
    if g.percent != a.percent:
        return gold, answer  # a percentage against a plain number: math-verify's reading (50\% = 0.5)
    if g.names or a.names:
        return _named_pair(g, a, gold, answer)
    if "degree" in (a.unit + " " + g.unit).split() and "\\pi" in g.core + a.core:
        return False  # pi/6 degrees is not pi/6 radians
    gcore, acore = g.core, a.core
    if g.unit and a.unit:
        if g.unit != a.unit:
            return False  # units written differently (cm against m): not compared as numbers
    elif a.unit and not _numeric(g.core):
        acore = answer  # a unit against a symbolic gold: math-verify reads the whole answer
    elif g.unit and not _numeric(a.core):
        gcore = gold
    return gcore, acore


_OR = re.compile(r"\\text\s*\{\s*(?:or|and)\s*\}|\\(?:vee|lor)(?![a-zA-Z])|(?<![a-zA-Z])or(?![a-zA-Z])|,")


def _alternatives(answer: str, gold_core: str) -> str | None:
    """The values of a disjunction of solutions (``x = 1 \\vee x = 2``) as a list, when the gold is a list of as
    many values; else ``None`` (a disjunction against a single value is a hedge)."""
    items = split_top_level(gold_core)
    if len(items) < 2:
        return None
    parts = [p.strip() for p in _OR.split(answer) if p.strip()]
    if len(parts) != len(items):
        return None
    readings = [read_final(p) for p in parts]
    if any(r.not_final or r.letter for r in readings):
        return None
    return ", ".join(r.core for r in readings)


def _indexed_roots(names: tuple[str, ...]) -> bool:
    """Names of one letter with different subscripts (``x_1, x_2``): the numbering of roots is arbitrary."""
    stems = {re.sub(r"_\{?\w+\}?$", "", n) for n in names}
    return len(stems) == 1 and all("_" in n for n in names)


def _named_pair(g: FinalAnswer, a: FinalAnswer, gold: str, answer: str) -> tuple[str, str]:
    """Values given names (``x=1, y=2``) are compared name by name: against other named values or a tuple, in
    the order of their names (``y = 2, x = 1`` is the point ``(1, 2)``); against a bare list, in the order
    written. Either way as an ordered tuple, so that swapped values are different."""
    gc, ac = _collection(g.core), _collection(a.core)
    gv = list(gc.items) if gc is not None else [g.core]
    av = list(ac.items) if ac is not None else [a.core]
    if len(gv) != len(av) or (g.names and a.names and sorted(g.names) != sorted(a.names)):
        return gold, answer
    tuple_side = (gc is not None and gc.kind == "ordered") or (ac is not None and ac.kind == "ordered")
    names = g.names or a.names
    if not tuple_side and not (g.names and a.names) and _indexed_roots(names):
        return ", ".join(x.strip() for x in gv), ", ".join(x.strip() for x in av)  # x_1, x_2: a set of roots
    if g.names and (a.names or tuple_side):
        gv = [gv[k] for k in sorted(range(len(gv)), key=lambda k: g.names[k])]
    if a.names and (g.names or tuple_side):
        av = [av[k] for k in sorted(range(len(av)), key=lambda k: a.names[k])]
    return "(" + ", ".join(x.strip() for x in gv) + ")", "(" + ", ".join(x.strip() for x in av) + ")"


# --------------------------------------------------------------------------------------------
# The verdict without math-verify
# --------------------------------------------------------------------------------------------

_COMMAND = re.compile(r"\\[a-zA-Z]+")
_FREE_LETTER = re.compile(
    r"[a-df-hj-zA-Z]"
)  # e and i excepted: they may be Euler's number and the imaginary unit
_RELATION_OR_UNKNOWN = re.compile(
    r"[=<>_%|!]|\\(?:[lgn]eq?|in|ni|approx|pm|mp|to|infty|circ|sim|cong|equiv|%)(?![a-zA-Z])"
)


def _is_symbolic(s: str) -> bool:
    """A bare answer with a variable or a word in it (``x^2+1``, ``\\cot x``, ``\\text{Evelyn}``) and no
    relation, equation, subscript or factorial, whose value cannot be a plain number."""
    if _RELATION_OR_UNKNOWN.search(s) or not is_bare(s) or carries_unit(s):
        return False
    return _FREE_LETTER.search(_COMMAND.sub(" ", s)) is not None


def _is_prose_without_math(s: str) -> bool:
    """Two or more words and nothing math-verify could read as math (no digit, ``$``, ``\\``, ``=``)."""
    return len(s.split()) >= 2 and not any(c.isdigit() or c in "$\\=" for c in s) and not is_bare(s)


_SEVERAL = re.compile(r"\\(?:text|mbox|boxed|fbox|cup|cap|pm|mp)(?![a-zA-Z])|\band\b|\bor\b")


def _is_list(s: str) -> bool:
    """A bare answer with a comma at top level: a list, a tuple, an interval (never a number once canonical)."""
    return "," in s and is_bare(s) and (len(split_top_level(s)) > 1 or _collection(s) is not None)


def _is_single_expression(s: str) -> bool:
    """One symbolic expression (``p - q``, ``x^2+1``): no list, relation, ``\\pm``, union, box or words."""
    return (
        _is_symbolic(s)
        and len(split_top_level(s)) == 1
        and _collection(s) is None
        and not _SEVERAL.search(s)
        and ";" not in s
    )


def decide_without_math_verify(gold: str, answer: str) -> bool | None:
    """:func:`decide`, remembered for short pairs."""
    if len(gold) <= CACHED_CHARS and len(answer) <= CACHED_CHARS:
        return _decide_cached(gold, answer)
    return decide(gold, answer)


def decide(gold: str, answer: str) -> bool | None:
    r"""The verdict on two compared strings (after :func:`final_pair`) where it is exact, else ``None``:

    * both evaluate exactly (:func:`exact_value`): equal or different by value, under the decimal rule;
    * numbers written in a base: compared in their bases (``52_7`` is not ``52_8``; ``52`` written without
      the gold's base is read in it);
    * two collections whose items all evaluate exactly: sets as sets, tuples and intervals item by item
      with their brackets; a different number of items is different;
    * a number against a list, or against a symbolic expression or a word: different;
    * an answer that is prose without any math against a numeric gold or one with an operator: different.

    >>> decide("2^{40}", "2^{40}-1"), decide(r"\frac{14}{3}", r"4.\overline{6}"), decide("52_8", "52_7")
    (False, True, False)
    >>> decide(r"\frac{1}{3}", "0.333333"), decide(r"\frac{1}{3}", "0.33"), decide(".0000672", r"\frac{21}{312499}")
    (True, False, False)
    """
    gb, ab = base_number(gold), base_number(answer)
    if gb is not None or ab is not None:
        if gb is not None and ab is not None:
            return gb[2] == ab[2] and gb[2] >= 0
        if gb is not None and re.fullmatch(r"\d+", answer):
            return answer.lstrip("0") == gb[0].lstrip("0")  # the digits, written without the gold's base
        if ab is not None and re.fullmatch(r"\d+", gold):
            return ab[2] == int(gold)
    if (gp := _power_form(gold)) is not None and (ap := _power_form(answer)) is not None:
        return gp == ap  # "10^{1000000}" and "10^{10^{6}}": one power, never computed
    if _greek_case_differs(gold, answer):
        return False  # \Pi is not \pi, \Delta is not \delta (math-verify reads them alike)
    g = exact_value(gold)
    a = exact_value(answer)
    if g is not None and a is not None:
        return same_value(g, gold, a, answer)
    if (
        (g is None or a is None)
        and "^" in gold + answer
        and (same := same_monomial(gold, answer)) is not None
    ):
        return same  # products of powers too large to compute: compared by unique factorisation
    if (g is None or a is None) and provably_different(gold, answer):
        return False  # exact arithmetic gave up, interval arithmetic proves the values apart
    gc, ac = _collection(gold), _collection(answer)
    if gc is not None and ac is not None:
        verdict = _compare_collections(gc, ac)
        if verdict is not None:
            return verdict
    if _is_list(answer) and _is_single_expression(gold):
        return False
    if _is_prose_without_math(answer) and any(c.isdigit() or c in "+-*/^" for c in gold) and is_bare(gold):
        return False
    if g is None and a is None:
        return None
    if g is None:  # a number against a list or a symbolic gold
        return False if _is_list(gold) or _is_symbolic(gold) else None
    if a is None:
        if _is_list(answer) or _is_symbolic(answer):
            return False
        return None
    return None


_decide_cached = lru_cache(maxsize=1 << 16)(decide)

_POWER = re.compile(r"\(?(\d{1,30})\)?\s*\^\s*\{(.+)\}")


def _power_form(s: str) -> tuple[int, Exact] | None:
    """``(b, e)`` for an integer power ``b^{e}`` too large to evaluate, with ``b`` its smallest root
    (``100^{k}`` is ``(10, 2k)``), so that two such powers compare by unique factorisation; else ``None``."""
    m = _POWER.fullmatch(s.strip())
    if m is None or exact_value(s) is not None:
        return None
    base, exponent = int(m.group(1)), exact_value(m.group(2))
    e = _as_rational(exponent) if exponent is not None else None
    if base < 2 or e is None or e.denominator != 1 or e <= 0:
        return None
    for k in range(base.bit_length(), 1, -1):  # the largest k with base = r^k
        r = round(base ** (1 / k))
        for c in (r - 1, r, r + 1):
            if c > 1 and c**k == base:
                return c, _rational(e * k)
    return base, _rational(e)


_GREEK = re.compile(
    r"\\(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon|phi"
    r"|chi|psi|omega)(?![a-zA-Z])",
    re.IGNORECASE,
)


def _greek_case_differs(gold: str, answer: str) -> bool:
    """Whether the answer writes a Greek letter in the other case than the gold (``\\Pi`` for ``\\pi``)."""
    if "\\" not in gold or "\\" not in answer:
        return False
    g = {m.group(1) for m in _GREEK.finditer(gold)}
    a = {m.group(1) for m in _GREEK.finditer(answer)}
    g_lower, a_lower = {x.lower() for x in g}, {x.lower() for x in a}
    return any(x not in g and x.lower() in g_lower for x in a) or any(
        x not in a and x.lower() in a_lower for x in g
    )


def equivalent_exactly(a: str, b: str) -> bool | None:
    """Whether two answers (no gold) are one answer, exactly, else ``None``: the decimal rule applies
    with the non-decimal side as the exact one."""
    if _decimal_places(a) is not None and _decimal_places(b) is None:
        a, b = b, a
    return decide_without_math_verify(a, b)


__all__ = [
    "MIN_DECIMAL_PLACES",
    "FinalAnswer",
    "base_number",
    "decide",
    "decide_without_math_verify",
    "equivalent_exactly",
    "exact_value",
    "final_pair",
    "read_final",
    "same_value",
    "split_top_level",
]
