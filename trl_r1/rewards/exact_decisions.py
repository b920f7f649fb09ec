r"""Pairs decided without math-verify: exactly where math-verify's verdict is certain.

Plain numbers compared exactly, numeric LaTeX evaluated (:class:`_Numeric`), numbers against lists or
symbolic expressions, prose without math (:func:`decide_without_math_verify`); every other pair is
left (``None``) to math-verify in the worker pool.
"""

from __future__ import annotations

import cmath
import math
import re
from fractions import Fraction
from functools import lru_cache

from trl_r1.rewards._verify_worker import carries_unit, is_bare
from trl_r1.rewards.answer_reader import CACHED_CHARS, normalised


def plain_number(s: str) -> Fraction | None:
    r"""The exact value of a canonical plain number (``-12``, ``0.5``, ``\frac{1}{2}``, ``3/4``), else ``None``."""
    if len(s) > 40:
        return None
    try:
        if _DECIMAL.fullmatch(s):
            return Fraction(s)
        m = _FRACTION.fullmatch(s)
        if m is None:
            return None
        if m.group(2) is not None:
            value = Fraction(int(m.group(2)), int(m.group(3)))
            return -value if m.group(1) == "-" else value
        return Fraction(int(m.group(4)), int(m.group(5)))
    except (ValueError, ZeroDivisionError):
        return None


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_FRACTION = re.compile(r"([+-]?)\\frac\{([+-]?\d+)\}\{([+-]?\d+)\}|([+-]?\d+)/([+-]?\d+)")


def _compare_plain_numbers(gold: str, answer: str) -> bool | None:
    """math-verify's verdict on two plain numbers without math-verify, or ``None`` when it is a close
    call between non-integers (math-verify rounds: ``1/3`` equals ``0.333333``), or not two plain numbers."""
    g = plain_number(gold)
    if g is None:
        return None
    a = plain_number(answer)
    if a is None:
        return None
    return _compare_plain_numbers_values(g, a)


def _compare_plain_numbers_values(g: Fraction, a: Fraction) -> bool | None:
    if a == g:
        return True
    if a.denominator == 1 and g.denominator == 1:  # two integers: no rounding can make them equal
        return False
    if abs(a - g) > Fraction(1, 1000) * max(1, abs(g)):
        return False
    return None


def no_close_calls(values: list[Fraction]) -> bool:
    """Whether no two distinct values are close enough for math-verify's rounding to matter."""
    distinct = sorted(set(values))
    return all(
        _compare_plain_numbers_values(a, b) is not None for a, b in zip(distinct, distinct[1:])
    )


# --------------------------------------------------------------------------------------------
# Deciding pairs without math-verify: normalised strings, numeric LaTeX, prose without math
# --------------------------------------------------------------------------------------------


class _Numeric:
    r"""A recursive-descent evaluator for numeric LaTeX: numbers, ``\frac``, ``\sqrt`` (``[n]``), ``\pi``,
    ``+ - * / ^``, ``\cdot``, ``\times``, parentheses and braces, implicit products (``2\sqrt{3}``).
    Anything else (a letter, a comma, a relation) makes the whole string non-numeric (``None``)."""

    _TOKEN = re.compile(r"\d+(?:\.\d+)?|\.\d+|\\frac|\\sqrt|\\pi|\\cdot|\\times|[-+*/^(){}\[\]]")

    def __init__(self, s: str):
        self.tokens: list[str] = []
        pos = 0
        for m in self._TOKEN.finditer(s):
            if s[pos : m.start()].strip():
                raise ValueError(s[pos : m.start()])
            self.tokens.append(m.group())
            pos = m.end()
        if s[pos:].strip() or not self.tokens:
            raise ValueError(s[pos:])
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise ValueError(expected)
        self.i += 1
        return tok

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.power()
        divided = False
        while (tok := self.peek()) is not None and tok not in ("+", "-", ")", "}", "]"):
            if tok in ("*", "\\cdot", "\\times"):
                self.take()
                value *= self.power()
            elif tok == "/":
                self.take()
                value /= self.power()
                divided = True
            elif divided:  # "1/2\pi": (1/2)pi or 1/(2pi)? readers differ: leave it to math-verify
                raise ValueError("juxtaposition after a slash")
            else:  # juxtaposition: 2\sqrt{3}, 3\pi, 2(1+x)
                value *= self.power()
        return value

    def power(self) -> float:
        if self.peek() in ("-", "+"):
            sign = -1.0 if self.take() == "-" else 1.0
            return sign * self.power()
        base = self.atom()
        if self.peek() == "^":
            self.take()
            exponent = self.power() if self.peek() != "{" else self.group()
            if abs(exponent) > 64 or abs(base) > 1e12 or isinstance(exponent, complex):
                raise ValueError("too large")
            return base**exponent
        return base

    def group(self) -> float:
        self.take("{")
        value = self.expr()
        self.take("}")
        return value

    def atom(self) -> float:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            self.take(")")
            return value
        if tok == "{":
            value = self.expr()
            self.take("}")
            return value
        if tok == "\\pi":
            return math.pi
        if tok == "\\frac":
            return self.group() / self.group()
        if tok == "\\sqrt":
            index = 2.0
            if self.peek() == "[":
                self.take()
                index = self.expr()
                self.take("]")
            radicand = self.group()
            if isinstance(radicand, complex) or isinstance(index, complex) or radicand < 0:
                raise ValueError("negative or complex radicand")
            return radicand ** (1.0 / index)
        if tok[0].isdigit() or tok[0] == ".":
            return float(tok)
        raise ValueError(tok)


def numeric_value(s: str) -> float | complex | None:
    r"""The value of a numeric LaTeX string (``2\sqrt{3}``, ``\frac{\pi}{6}``), else ``None`` (remembered)."""
    return None if len(s) > 200 else _numeric_value_cached(s)


@lru_cache(maxsize=1 << 16)
def _numeric_value_cached(s: str) -> float | complex | None:
    if not any(c.isdigit() for c in s):
        return None
    try:
        parser = _Numeric(s)
        value = parser.expr()
        if parser.peek() is not None:
            return None
    except (ValueError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        return None
    if isinstance(value, complex):
        if not cmath.isfinite(value):
            return None
        return value.real if value.imag == 0 else value
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


_RELATION_OR_UNKNOWN = re.compile(r"[=<>_%|!]|\\(?:[lgn]eq?|in|ni|approx|pm|mp|to|infty|circ|sim|cong|equiv|%)(?![a-zA-Z])")
_COMMAND = re.compile(r"\\[a-zA-Z]+")
_FREE_LETTER = re.compile(r"[a-df-hj-zA-Z]")  # e and i excepted: they may be Euler's number and the imaginary unit


def _is_symbolic(s: str) -> bool:
    """A bare answer with a variable or a word in it (``x^2+1``, ``\\cot x``, ``\\text{Evelyn}``) and no
    relation, equation, subscript or factorial, whose value cannot be a plain number."""
    if _RELATION_OR_UNKNOWN.search(s) or not is_bare(s) or carries_unit(s):
        return False
    return _FREE_LETTER.search(_COMMAND.sub(" ", s)) is not None


def _is_prose_without_math(s: str) -> bool:
    """Two or more words and nothing math-verify could read as math (no digit, ``$``, ``\\``, ``=``)."""
    return len(s.split()) >= 2 and not any(c.isdigit() or c in "$\\=" for c in s) and not is_bare(s)


_SEVERAL = re.compile(r"[,;]|\\(?:text|mbox|boxed|fbox|cup|cap|pm|mp)(?![a-zA-Z])|\band\b|\bor\b")


def _is_single_expression(s: str) -> bool:
    """One symbolic expression (``p - q``, ``x^2+1``): no list, relation, ``\\pm``, union, box or words."""
    return _is_symbolic(s) and not _SEVERAL.search(s)


_MANY_IN_ONE = re.compile(r";|\\(?:pm|mp|cup|cap|text|mbox|boxed|fbox)(?![a-zA-Z])|\band\b|\bor\b")
_OPEN, _CLOSE = "([{", ")]}"


def _item_count(s: str) -> int | None:
    """How many comma-separated values a bare answer lists at top level (an interval or a tuple is one);
    ``None`` when the string may hold several values in another notation (``\\pm``, ``;``, words) or
    repeats one (a set would merge the copies)."""
    if len(s) > 400 or _MANY_IN_ONE.search(s) or not is_bare(s):
        return None
    if s.startswith("\\{") and s.endswith("\\}"):
        s = s[2:-2]  # a set: its elements are the values
    elif s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    depth, start, items = 0, 0, []
    for i, c in enumerate(s):
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
        elif c == "," and depth == 0:
            items.append(normalised(s[start:i]))
            start = i + 1
    items.append(normalised(s[start:]))
    if len(items) == 1 and s[:1] in "([":
        return None  # one tuple or interval: math-verify may compare it with a bare list of its values
    return len(items) if len(set(items)) == len(items) and all(items) else None


def _is_list(s: str) -> bool:
    """A bare answer with a comma: a list, a tuple, an interval (never a number once canonical)."""
    return "," in s and is_bare(s)


def decide_without_math_verify(gold: str, answer: str) -> bool | None:
    """:func:`_decide`, remembered for short pairs."""
    if len(gold) <= CACHED_CHARS and len(answer) <= CACHED_CHARS:
        return _decide_cached(gold, answer)
    return _decide(gold, answer)


def _decide(gold: str, answer: str) -> bool | None:
    r"""math-verify's verdict where it is certain without it, else ``None``:

    * two plain numbers: exact comparison (close calls between non-integers excepted);
    * two numeric LaTeX expressions: equal when their values agree to 1e-9, different when they
      differ by more than 1e-3 (relative), which no rounding in math-verify can bridge;
    * a number against a list (a comma), or against a symbolic expression or a word: different (an
      expression that simplifies to a number, such as ``\frac{x}{x}``, is taken as symbolic: a rare
      false negative, never a false positive);
    * several values (a comma) against a single-valued bare gold: wrong (hedging is never rewarded);
    * an answer that is prose without any math (no digit, ``$``, ``\`` or ``=``) against a numeric
      gold or one with an operator: wrong.
    """
    same = _compare_plain_numbers(gold, answer)
    if same is not None:
        return same
    if _is_list(answer) and _is_single_expression(gold):
        return False
    if (n_gold := _item_count(gold)) is not None and (n_answer := _item_count(answer)) is not None and n_gold != n_answer:
        return False  # (2, 2), (6, 2) against (2, 2): a different number of values
    if _is_prose_without_math(answer) and any(c.isdigit() or c in "+-*/^" for c in gold) and is_bare(gold):
        return False
    g = numeric_value(gold)
    a = numeric_value(answer)
    if g is None and a is None:
        return None
    if g is None:  # a number against a list or a symbolic gold
        return False if _is_list(gold) or _is_symbolic(gold) else None
    if a is None:
        if _is_list(answer) or _is_symbolic(answer):
            return False
        return None
    scale = max(1.0, abs(g))
    if abs(a - g) <= 1e-9 * scale:
        return True
    if abs(a - g) > 1e-3 * scale:
        return False
    return None


_decide_cached = lru_cache(maxsize=1 << 16)(_decide)

