r"""Accuracy reward: is the final answer mathematically right?

DeepSeek-R1 (paper, section 2.2.2 "accuracy rewards") checks the final answer of a math
problem, given "in a specified format (e.g., within a box)", with rules. Here:

1. :func:`extract_final_answer` takes the answer from where the format puts it - the
   ``<answer>`` block (R1-Zero), else the text after the last ``</think>`` (R1 summary) - using
   the one completion parser :func:`trl_r1.text.completion.parse_completion`; the ``\boxed{}`` answers
   inside that part win (several distinct ones form one collection). An answer written only
   inside the reasoning never counts.
2. Gold and answer go through one reader, :func:`canonical_answer` (TeX shorthand braced,
   thousands separators and mixed numbers resolved, invisible characters dropped; ``None`` for
   what has no single reading), so every path below reads a string the same way.
3. Most pairs are decided here, exactly and without math-verify (:func:`_decide_without_math_verify`:
   plain numbers, numeric LaTeX, numbers against lists or symbolic expressions, prose without math)
   or by spacing-normalised equality with a gold that reads.
4. The rest go to math-verify, in a pool of worker processes (:class:`VerifierPool`) that enforces a
   hard timeout from any thread: math-verify's own timeouts use ``signal.alarm`` and TRL turns them
   off outside the main thread. A bare string is read whole (as if boxed) or not at all. A worker
   that hangs is killed and replaced; the item scores 0.0, is counted in ``<name>/timeouts`` and is
   asked again on a later call (a timeout is never remembered). Each distinct gold is parsed once
   per worker, each distinct (gold, answer) pair verified once and remembered across calls.

Infrastructure failures (the pool cannot start, a worker dies) give ``None``, never 0.0: TRL
then skips the completion instead of training on a wrong label.
"""

from __future__ import annotations

import atexit
import cmath
import dataclasses
import logging
import math
import os
import pickle
import re
import selectors
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, require_column, texts_of
from trl_r1.rewards._verify_worker import TIMEOUT, carries_unit, is_bare
from trl_r1.rewards._verify_worker import canonical_answer as _read
from trl_r1.text.completion import DEFAULT_MARKERS, Markers, parse_completion

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
FAILED = "failed"  # a verdict: the pool could not run the item
GOLD_TIMEOUT = "gold_timeout"  # a verdict: parsing the gold answer timed out
NO_ANSWER_CLUSTER = -1

# --------------------------------------------------------------------------------------------
# Answer extraction (main process, cheap string work)
# --------------------------------------------------------------------------------------------


def extract_final_answer(
    text: str, fallback_to_full_text: bool = False, markers: Markers = DEFAULT_MARKERS
) -> str | None:
    r"""The answer string the accuracy reward verifies, or ``None`` when the completion has none.

    The ``<answer>`` block if there is one after the reasoning, else the text after the last
    ``</think>`` (``markers`` names other tags); a ``oxed{}`` inside that part wins (its content is
    returned). Several distinct boxed answers (``oxed{(2,2)}`` and ``oxed{(6,2)}``) are returned
    as one comma-separated collection, ``(2,2), (6,2)``: against a multi-part gold it is compared as
    a whole, against a single-valued gold it is wrong (a hedge earns nothing). With
    ``fallback_to_full_text=True`` a completion without tags is read whole (its boxes winning), for
    models that do not use the R1 format.

    No answer (``None``), so no reward, for the usual ways to game an answer check: an answer only
    inside the reasoning (including a reasoning block that never closes), an empty reasoning block,
    or several ``<answer>`` blocks.

    >>> extract_final_answer("<think>maybe \\boxed{3}</think><answer>4</answer>")
    '4'
    >>> extract_final_answer("<think>...</think>So the answer is $\\boxed{\\frac{1}{2}}$.")
    '\\frac{1}{2}'
    >>> extract_final_answer("<think>...</think>$\\boxed{(2, 2)}$ and $\\boxed{(6, 2)}$")
    '(2, 2), (6, 2)'
    >>> extract_final_answer("<think>...</think><answer>3</answer><answer>4</answer>") is None
    True
    >>> extract_final_answer("The answer is $\\boxed{4}$", fallback_to_full_text=True)
    '4'
    """
    p = parse_completion(text, markers)
    region = p.final_answer_region
    if p.summary is None and p.think_starts > 0:
        region = None  # the reasoning never closed: everything is reasoning
    elif p.summary is not None and not p.reasoning:
        return None  # an empty reasoning block: an answer with no thinking is not an R1 answer
    elif p.answer is not None and (text if p.summary is None else p.summary).count(markers.answer_start) > 1:
        return None  # several answer blocks: a hedge, not an answer
    if region is None:
        if not fallback_to_full_text:
            return None
        region = text
    boxed = list(dict.fromkeys(b.strip() for b in boxed_contents(region)))
    if not boxed and _BOX_START.search(region):
        return None  # a box that never closes holds no answer
    answer = ", ".join(boxed) if boxed else region.strip()
    return answer or None


_CACHED_CHARS = 512  # longer strings (prose answers) are read again rather than kept in memory


def canonical_answer(s: str) -> str | None:
    """:func:`trl_r1.rewards._verify_worker.canonical_answer`, remembered for short strings (a gold
    repeats G times a step)."""
    return _read_cached(s) if len(s) <= _CACHED_CHARS else _read(s)


_read_cached = lru_cache(maxsize=1 << 16)(_read)


_BOX_START = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE_OR_BOX = re.compile(r"\\[{}]|\\(?:boxed|fbox)\s*\{|[{}]")


def boxed_contents(text: str) -> list[str]:
    r"""Contents of the outermost ``\boxed{...}`` / ``\fbox{...}`` in ``text``, in order.

    One left-to-right pass with a brace stack: linear in ``len(text)`` whatever the nesting
    (``"\\boxed{" * 140000`` included), so it cannot stall a training step.

    >>> boxed_contents(r"$\boxed{\frac{1}{2}}$ or \boxed{3")
    ['\\frac{1}{2}']
    """
    if "\\boxed" not in text and "\\fbox" not in text:
        return []
    out: list[str] = []
    stack: list[tuple[int, int]] = []  # (content start, 0 plain brace | 1 nested box | 2 outermost box)
    open_boxes = 0
    for m in _BRACE_OR_BOX.finditer(text):
        tok = m.group()
        if len(tok) == 2 and tok[0] == "\\":
            continue  # an escaped brace
        if tok == "{":
            stack.append((m.end(), 0))
        elif tok != "}":
            stack.append((m.end(), 1 if open_boxes else 2))
            open_boxes += 1
        elif stack:
            start, kind = stack.pop()
            if kind:
                open_boxes -= 1
            if kind == 2:
                out.append(text[start : m.start()])
    return out


def _plain_number(s: str) -> Fraction | None:
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
    g = _plain_number(gold)
    if g is None:
        return None
    a = _plain_number(answer)
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


# --------------------------------------------------------------------------------------------
# Deciding pairs without math-verify: normalised strings, numeric LaTeX, prose without math
# --------------------------------------------------------------------------------------------

_LAYOUT = re.compile(r"\s+|\\[,;:! ]|\\left|\\right|\\displaystyle|\\mathrm(?=\{)|\\!")


def _normalised(s: str) -> str:
    r"""``s`` without spacing and sizing commands, for string equality of two canonical answers."""
    return _LAYOUT.sub("", s)


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


def _numeric_value(s: str) -> float | complex | None:
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
            items.append(_normalised(s[start:i]))
            start = i + 1
    items.append(_normalised(s[start:]))
    if len(items) == 1 and s[:1] in "([":
        return None  # one tuple or interval: math-verify may compare it with a bare list of its values
    return len(items) if len(set(items)) == len(items) and all(items) else None


def _is_list(s: str) -> bool:
    """A bare answer with a comma: a list, a tuple, an interval (never a number once canonical)."""
    return "," in s and is_bare(s)


def _decide_without_math_verify(gold: str, answer: str) -> bool | None:
    """:func:`_decide`, remembered for short pairs."""
    if len(gold) <= _CACHED_CHARS and len(answer) <= _CACHED_CHARS:
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
    g = _numeric_value(gold)
    a = _numeric_value(answer)
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


# --------------------------------------------------------------------------------------------
# The parent side: tasks and the pool
# --------------------------------------------------------------------------------------------


class _Task:
    """Work for one worker, one message per item; resumable on a new worker after a kill."""

    def request(self, soft: float) -> tuple:
        raise NotImplementedError

    def first_deadline_items(self) -> int:
        """How many item budgets the first message may take (reparsing state on a new worker)."""
        return 1

    def on_message(self, msg: tuple) -> None:
        raise NotImplementedError

    def on_lost_item(self, verdict: str) -> bool:
        """The worker was killed (``TIMEOUT``) or died (``FAILED``) mid-item: record it for the
        item in flight; return True when items remain to run on another worker."""
        raise NotImplementedError

    def on_failure(self) -> None:
        """The pool cannot run this task: every item not done yet is ``FAILED``."""
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        raise NotImplementedError


class _VerifyTask(_Task):
    """One gold answer and its distinct candidate answers: the gold is parsed once per worker."""

    def __init__(self, gold: str, answers: list[str]):
        self.gold, self.answers = gold, answers
        self.gold_status: str | None = None  # "ok" | "unparseable" | TIMEOUT | FAILED
        self.verdicts: list[Any] = []
        self._gold_seen = False

    def request(self, soft: float) -> tuple:
        self._gold_seen = False
        return ("verify", soft, (self.gold, self.answers[len(self.verdicts) :]))

    def on_message(self, msg: tuple) -> None:
        kind, value = msg
        if kind == "gold":
            self._gold_seen = True
            self.gold_status = value
        elif kind == "item":
            self.verdicts.append(value)

    def on_lost_item(self, verdict: str) -> bool:
        if not self._gold_seen:
            if self.gold_status is None:  # the gold itself never parsed
                self.gold_status = verdict
                return False
            # the gold parsed on an earlier worker; this one died reparsing it: retry the rest
        else:
            self.verdicts.append(verdict)
        return not self.finished

    def on_failure(self) -> None:
        if self.gold_status is None:
            self.gold_status = FAILED
        elif self.gold_status == "ok":
            self.verdicts += [FAILED] * (len(self.answers) - len(self.verdicts))

    @property
    def finished(self) -> bool:
        if self.gold_status is None:
            return False
        return self.gold_status != "ok" or len(self.verdicts) == len(self.answers)


class _ClusterTask(_Task):
    """Distinct answers to cluster by equivalence, greedily against one representative per cluster."""

    def __init__(self, items: list[str]):
        self.items = items
        self.reps: list[tuple[str, bool]] = []  # (answer, parseable without timing out)
        self.clusters: list[int] = []
        self.lost = 0  # items that timed out or whose worker failed: their own cluster, counted

    def request(self, soft: float) -> tuple:
        return ("cluster", soft, (list(self.reps), self.items[len(self.clusters) :]))

    def first_deadline_items(self) -> int:
        return 2 + sum(ok for _, ok in self.reps)

    def on_message(self, msg: tuple) -> None:
        kind, value = msg
        if kind == "item":
            cluster, ok = value
            if cluster == len(self.reps):
                self.reps.append((self.items[len(self.clusters)], ok))
            self.clusters.append(cluster)

    def on_lost_item(self, verdict: str) -> bool:
        # The item in flight becomes its own cluster, compared by string from now on.
        self.lost += 1
        self.reps.append((self.items[len(self.clusters)], False))
        self.clusters.append(len(self.reps) - 1)
        return not self.finished

    def on_failure(self) -> None:
        self.lost += len(self.items) - len(self.clusters)
        for s in self.items[len(self.clusters) :]:
            self.reps.append((s, False))
            self.clusters.append(len(self.reps) - 1)

    @property
    def finished(self) -> bool:
        return len(self.clusters) == len(self.items)


_WORKER_SCRIPT = str(Path(__file__).with_name("_verify_worker.py"))


class _Proc:
    """One worker process, its read buffer and the task it runs."""

    def __init__(self, startup_timeout: float):
        self.started = time.monotonic()
        # run_path (not "-m"): the worker imports neither trl_r1 nor the user's __main__ script.
        code = f"import runpy; runpy.run_path({_WORKER_SCRIPT!r}, run_name='__main__')"
        env = dict(os.environ, OMP_NUM_THREADS="1")
        self.popen = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
        )
        os.set_blocking(self.popen.stdout.fileno(), False)
        self.buffer = b""
        self.ready = False
        self.deadline = time.monotonic() + startup_timeout
        self.task: _Task | None = None

    @property
    def fd(self) -> int:
        return self.popen.stdout.fileno()

    def send(self, msg: Any) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        self.popen.stdin.write(struct.pack("<I", len(data)) + data)
        self.popen.stdin.flush()

    def read_messages(self) -> list[Any] | None:
        """Messages available now; ``None`` once the process has exited."""
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return []
        if not chunk:
            return None
        self.buffer += chunk
        msgs = []
        while len(self.buffer) >= 4:
            n = struct.unpack("<I", self.buffer[:4])[0]
            if len(self.buffer) < 4 + n:
                break
            msgs.append(pickle.loads(self.buffer[4 : 4 + n]))
            self.buffer = self.buffer[4 + n :]
        return msgs

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
            logger.warning("math-verify worker %s did not exit after SIGKILL", self.popen.pid)


_POOLS: weakref.WeakSet[VerifierPool] = weakref.WeakSet()


@atexit.register
def _close_all_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


class VerifierPool:
    """A lazily started pool of math-verify worker processes with a hard per-item timeout.

    Workers are plain ``python -c`` subprocesses (not ``multiprocessing``): they do not re-import
    the user's ``__main__`` script, are safe to start from any thread (TRL's async reward loop
    included) and exit on their own when the parent goes away. Each worker runs one item at a time
    under a soft timer on its own CPU time (``0.8 * timeout``, so a busy machine does not time out a
    normal item); an item still running at ``timeout`` wall-clock seconds (stuck in C code, e.g. a
    huge integer power) gets its worker killed and replaced. Start-up has its own clock
    (``startup_timeout``) and is never charged to an item; :meth:`start` begins it in the background.

    Args:
        num_workers: worker processes (default: ``min(4, os.cpu_count())``).
        timeout: seconds allowed for one item (parsing + verifying one answer).
        startup_timeout: seconds a worker may take to start (imports sympy and math-verify).
    """

    def __init__(self, num_workers: int | None = None, timeout: float = DEFAULT_TIMEOUT, startup_timeout: float = 600.0):
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        self.num_workers = max(1, num_workers or min(4, os.cpu_count() or 1))
        self.timeout = float(timeout)
        self.startup_timeout = startup_timeout
        self._procs: list[_Proc | None] = [None] * self.num_workers
        self._lock = threading.Lock()
        self.timeouts = 0  # items that hit the hard timeout (their worker was killed) since creation
        _POOLS.add(self)

    def close(self) -> None:
        """Stop every worker (also done at interpreter exit)."""
        for i, proc in enumerate(self._procs):
            if proc is not None:
                proc.kill()
                self._procs[i] = None

    def __del__(self) -> None:  # pragma: no cover - depends on GC timing
        try:
            self.close()
        except Exception:
            pass

    def __getstate__(self) -> dict:
        return {"num_workers": self.num_workers, "timeout": self.timeout, "startup_timeout": self.startup_timeout}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def start(self) -> VerifierPool:
        """Start every missing worker now, without waiting for it (they import math-verify meanwhile).

        Called when a reward or an evaluation is created, so the first step does not wait for
        start-up; start-up time is never charged to an item's timeout either way.
        """
        if self._lock.acquire(blocking=False):
            try:
                for i in range(self.num_workers):
                    if self._procs[i] is None:
                        self._start(i)
            finally:
                self._lock.release()
        return self

    def run(self, tasks: Sequence[_Task], timeout: float | None = None) -> None:
        """Run ``tasks`` to completion (results are recorded on the task objects)."""
        with self._lock:
            self._run(list(tasks), self.timeout if timeout is None else float(timeout))

    def _start(self, i: int) -> bool:
        try:
            self._procs[i] = _Proc(self.startup_timeout)
            return True
        except OSError as e:
            logger.error("cannot start a math-verify worker process: %s", e)
            self._procs[i] = None
            return False

    def _retire(self, i: int) -> None:
        proc = self._procs[i]
        if proc is not None:
            proc.kill()
        self._procs[i] = None

    def _run(self, tasks: list[_Task], hard: float) -> None:
        soft = 0.8 * hard
        queue = deque(t for t in tasks if not t.finished)
        max_failures = 2 * self.num_workers  # worker deaths/start failures tolerated in one call
        failures = 0

        def lose(i: int, verdict: str) -> None:
            # The worker is gone: charge the item in flight, rerun the rest of its task elsewhere.
            p = self._procs[i]
            if p is not None and p.task is not None and p.task.on_lost_item(verdict):
                queue.appendleft(p.task)
            self._retire(i)
            self._start(i)  # warm the replacement now, so the next call does not pay for it

        with selectors.DefaultSelector() as sel:
            while True:
                if failures > max_failures:
                    self._fail_all(queue)
                    return
                now = time.monotonic()
                for i in range(self.num_workers):
                    if self._procs[i] is None and queue and not self._start(i):
                        failures += 1
                        continue
                    p = self._procs[i]
                    if p is not None and p.ready and p.task is None and queue:
                        task = queue.popleft()
                        try:
                            p.send(task.request(soft))
                        except OSError:  # the worker died while idle: retry the task on a new one
                            queue.appendleft(task)
                            failures += 1
                            self._retire(i)
                            continue
                        p.task, p.deadline = task, now + hard * task.first_deadline_items()
                busy = [p for p in self._procs if p is not None and p.task is not None]
                if not busy and not queue:
                    return  # replacements still starting are not waited for: they warm up meanwhile
                live = busy + ([p for p in self._procs if p is not None and not p.ready] if queue else [])
                if not live:
                    continue
                for p in live:
                    sel.register(p.fd, selectors.EVENT_READ, p)
                events = sel.select(max(0.0, min(p.deadline for p in live) - time.monotonic()))
                for p in live:
                    sel.unregister(p.fd)
                for key, _ in events:
                    p = key.data
                    msgs = p.read_messages()
                    if msgs is None:
                        logger.error("math-verify worker %s exited unexpectedly", p.popen.pid)
                        failures += 1
                        lose(self._procs.index(p), FAILED)
                        continue
                    for msg in msgs:
                        if msg[0] == "ready":
                            p.ready = True
                        elif msg[0] == "done":
                            p.task = None
                        elif p.task is not None:
                            p.task.on_message(msg)
                            p.deadline = time.monotonic() + hard
                now = time.monotonic()
                for i, p in enumerate(self._procs):
                    if p is None or now < p.deadline or (p.ready and p.task is None):
                        continue
                    if not p.ready:  # start-up has its own clock, never an item's: replace it and go on
                        logger.error("a math-verify worker did not start within %.0f s; replacing it",
                                     self.startup_timeout)
                        failures += 1
                        self._retire(i)
                        self._start(i)
                    else:
                        logger.warning("a math-verify item ran past %.1f s: killing and replacing its worker", hard)
                        self.timeouts += 1
                        lose(i, TIMEOUT)

    def _fail_all(self, queue: deque) -> None:
        logger.error("the math-verify worker pool failed; affected completions are scored None")
        for task in queue:
            task.on_failure()
        queue.clear()
        for i, p in enumerate(self._procs):
            if p is not None and p.task is not None:
                p.task.on_failure()
            self._retire(i)


_SHARED_POOLS: dict[int | None, VerifierPool] = {}
_SHARED_POOLS_LOCK = threading.Lock()


def shared_pool(num_workers: int | None = None) -> VerifierPool:
    """The process-wide pool with ``num_workers`` workers, shared by every reward and helper that asks.

    The timeout is per call (``VerifierPool.run(..., timeout=)``), so rewards with different
    timeouts still share workers; calls from several threads take turns.
    """
    with _SHARED_POOLS_LOCK:
        if num_workers not in _SHARED_POOLS:
            _SHARED_POOLS[num_workers] = VerifierPool(num_workers)
        return _SHARED_POOLS[num_workers]


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def group_equivalent(
    answers: Sequence[str | None], timeout: float = DEFAULT_TIMEOUT, pool: VerifierPool | None = None
) -> list[int]:
    r"""Cluster final answers by mathematical equivalence: one cluster id per answer.

    Ids are numbered by first appearance; ``None`` or empty answers get ``-1`` (no answer), so a
    majority vote (cons@k) can ignore them. Identical strings are grouped without math-verify;
    each distinct answer is parsed once and compared with one representative per cluster, in one
    worker, under the hard per-item ``timeout`` (an answer that times out is its own cluster).

    >>> group_equivalent([r"\frac{1}{2}", "0.5", "3", None, "1/2"])
    [0, 0, 1, -1, 0]
    """
    if answers is None or isinstance(answers, (str, bytes)):
        raise TypeError(f"group_equivalent: answers must be a list of answer strings (None for no answer), "
                        f"got {type(answers).__name__}")
    keys = []
    for a in answers:
        if not isinstance(a, str) or not a.strip():
            keys.append(None)
        else:  # the reward's reader; an unreadable answer is only equal to the same string
            c = canonical_answer(a)
            keys.append(c if c is not None else "\x00" + a.strip())
    distinct = list(dict.fromkeys(k for k in keys if k is not None))
    if not distinct:
        return [NO_ANSWER_CLUSTER] * len(keys)
    task = _ClusterTask([k for k in distinct if not k.startswith("\x00")])
    values = [_plain_number(k) for k in task.items]
    if len(task.items) > 1 and all(v is not None for v in values) and _no_close_calls(values):
        ids: dict[Fraction, int] = {}  # plain numbers only: exact values decide, as math-verify would
        task.clusters = [ids.setdefault(v, len(ids)) for v in values]
    elif len(task.items) > 1:
        (pool or shared_pool()).run([task], timeout=timeout)
        if task.lost:
            logger.warning("group_equivalent: %d answers could not be compared (timeout or verifier failure); "
                           "each is its own cluster", task.lost)
    else:
        task.clusters = [0] * len(task.items)
    for k in distinct:
        if k.startswith("\x00"):
            task.items.append(k)
            task.clusters.append(max(task.clusters, default=-1) + 1)
    cluster_of = dict(zip(task.items, task.clusters))
    # Renumber by first appearance so ids are 0..k-1 whatever the worker returned.
    order: dict[int, int] = {}
    out = []
    for k in keys:
        if k is None:
            out.append(NO_ANSWER_CLUSTER)
        else:
            out.append(order.setdefault(cluster_of[k], len(order)))
    return out


def _no_close_calls(values: list[Fraction]) -> bool:
    """Whether no two distinct values are close enough for math-verify's rounding to matter."""
    distinct = sorted(set(values))
    return all(
        _compare_plain_numbers_values(a, b) is not None for a, b in zip(distinct, distinct[1:])
    )


def answers_equivalent(a: str, b: str, timeout: float = DEFAULT_TIMEOUT, pool: VerifierPool | None = None) -> bool:
    r"""Whether two final answers are the same mathematical answer (math-verify, either direction).

    Runs under the same hard timeout as the accuracy reward (a timeout means "not equivalent").

    >>> answers_equivalent(r"\frac{1}{2}", "0.5")
    True
    >>> answers_equivalent("3", "4")
    False
    """
    c = group_equivalent([a, b], timeout=timeout, pool=pool)
    return c[0] == c[1] != NO_ANSWER_CLUSTER


class AccuracyReward(RewardFunction):
    r"""R1 accuracy reward: 1.0 when the final answer equals the gold answer, else 0.0.

    .. math:: r_{acc}(y) = \mathbb{1}[\mathrm{verify}(\mathrm{parse}(gold), \mathrm{parse}(\mathrm{final\_answer}(y)))]

    Rule-based, as in DeepSeek-R1 (section 2.2.2 "accuracy rewards"): the final answer is taken
    from the ``<answer>`` block or the summary after ``</think>`` (see
    :func:`extract_final_answer`) and checked with math-verify against the gold in the
    ``gold_column`` dataset column (``solution`` by default, as in TRL). Both go through one reader
    (:func:`~trl_r1.rewards._verify_worker.canonical_answer`): a bare gold or answer is read whole
    or not at all, TeX shorthand (``\frac12``) reads as TeX reads it, plain numbers are compared
    exactly without math-verify, and unit stripping applies only to a string that ends with a unit.

    Returns ``None`` (TRL skips the row) when the gold cannot be read as a math object or its
    parse timed out (retried on the next call), or when the verifier pool fails; 0.0 when the
    completion has no readable final answer or its verification times out (counted).

    Called like TRL's and open-r1's ``accuracy_reward``: ``reward(completions, solution, **kwargs)``,
    positionally or by keyword. Logged through TRL's ``log_metric`` per call:
    ``<name>/timeouts`` (items that hit the timeout), ``<name>/failures`` (items scored ``None``
    because the pool failed), ``<name>/unparseable_gold`` and ``<name>/no_answer`` (fractions of
    completions). Through ``log_extra`` the completions table gets a ``<name>/final_answer`` column.

    Args:
        timeout: hard limit in seconds for parsing and verifying one answer (or parsing a gold).
        fallback_to_full_text: read completions without R1 tags whole (not R1's rule: off by default).
        num_workers: worker processes (default ``min(4, cpu_count)``).
        gold_column: dataset column holding the gold answer.
        cache_size: (gold, answer) verdicts remembered across calls.
        markers: the reasoning/answer tags (default R1's ``<think>``/``<answer>``).
        reasoning_delimiters: TRL's name for other reasoning-end tags (``["</REASONING_END>"]``);
            the first one replaces ``markers.think_end``.
        start_pool: start the verifier workers now, in the background (the module-level
            ``accuracy_reward`` starts them on its first call instead).
        name: the name TRL logs under.

    Example:
        >>> from trl_r1.rewards import accuracy_reward
        >>> completions = [
        ...     [{"role": "assistant", "content": "<think>1/2</think><answer>0.5</answer>"}],
        ...     "<think>maybe \\boxed{1/2}</think>The answer is $\\boxed{1/3}$.",
        ... ]
        >>> accuracy_reward(completions, [r"\frac12", r"\frac{1}{2}"])
        [1.0, 0.0]
    """

    __name__ = "accuracy_reward"

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        fallback_to_full_text: bool = False,
        num_workers: int | None = None,
        gold_column: str = "solution",
        cache_size: int = 100_000,
        markers: Markers = DEFAULT_MARKERS,
        reasoning_delimiters: Sequence[str] | None = None,
        start_pool: bool = True,
        name: str | None = None,
    ):
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"AccuracyReward: timeout must be > 0 seconds, got {timeout!r}")
        if num_workers is not None and num_workers < 1:
            raise ValueError(f"AccuracyReward: num_workers must be >= 1, got {num_workers}")
        if not isinstance(markers, Markers):
            raise TypeError(f"AccuracyReward: markers must be a trl_r1 Markers(...), got {type(markers).__name__}")
        super().__init__(name)
        self.timeout = float(timeout)
        self.fallback_to_full_text = fallback_to_full_text
        self.num_workers = num_workers
        self.gold_column = gold_column
        self.cache_size = cache_size
        self.markers = _with_delimiters(markers, reasoning_delimiters, "AccuracyReward")
        self._init_runtime()
        if start_pool:
            self.pool.start()

    def _init_runtime(self) -> None:
        self._pool: VerifierPool | None = None
        self._verdicts: OrderedDict[tuple[str, str], Any] = OrderedDict()  # (gold, answer) -> verdict
        self._gold_status: OrderedDict[str, str] = OrderedDict()  # gold -> "ok" | "unparseable"
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        # The pool, its pipes and the caches stay behind; a copy starts its own pool lazily.
        return {k: v for k, v in self.__dict__.items() if k not in ("_pool", "_verdicts", "_gold_status", "_lock")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    @property
    def pool(self) -> VerifierPool:
        """The worker pool (shared process-wide by rewards asking for the same ``num_workers``)."""
        if self._pool is None:
            self._pool = shared_pool(self.num_workers)
        return self._pool

    def _remember(self, cache: OrderedDict, key: Any, value: Any) -> None:
        cache[key] = value
        if len(cache) > self.cache_size:
            cache.popitem(last=False)

    def __call__(
        self,
        completions: Sequence[Any],
        solution: Sequence[Any] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        log_extra: Callable[[str, list], None] | None = None,
        reasoning_delimiters: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> list[Reward]:
        texts = texts_of(completions, self.__name__)
        n = len(texts)
        column = kwargs.get(self.gold_column) if self.gold_column != "solution" else None
        golds = require_column(
            column if column is not None else solution,
            self.gold_column,
            n,
            self.__name__,
            f"Add a {self.gold_column!r} column with the gold final answer of each problem (e.g. "
            f"dataset.rename_column('answer', {self.gold_column!r})), or pass "
            f"AccuracyReward(gold_column=<your column>).",
        )
        markers = self.markers if reasoning_delimiters is None else _with_delimiters(
            self.markers, reasoning_delimiters, self.__name__)
        gold_keys = [None if g is None else canonical_answer(str(g)) for g in golds]
        extracted = [extract_final_answer(t, self.fallback_to_full_text, markers) for t in texts]
        answers = [None if a is None else canonical_answer(a) for a in extracted]
        if self._pool is None:
            self.pool.start()
        with self._lock:
            verdicts = self._judge(gold_keys, answers)
        rewards: list[Reward] = []
        timeouts = failures = unparseable = 0
        for v in verdicts:
            if v == TIMEOUT:
                timeouts += 1
                rewards.append(0.0)
            elif v == GOLD_TIMEOUT:
                timeouts += 1
                rewards.append(None)
            elif v == FAILED:
                failures += 1
                rewards.append(None)
            elif v is None:
                unparseable += 1
                rewards.append(None)
            else:
                rewards.append(float(v))
        if failures:
            logger.error("%s: %d of %d completions not scored (verifier pool failure)", self.__name__, failures, n)
        if timeouts:
            logger.warning("%s: %d of %d items hit the %.1f s timeout", self.__name__, timeouts, n, self.timeout)
        self.log_metrics(
            log_metric,
            timeouts=timeouts,
            failures=failures,
            unparseable_gold=unparseable / max(n, 1),
            no_answer=sum(a is None for a in extracted) / max(n, 1),
        )
        if log_extra is not None:
            log_extra(f"{self.__name__}/final_answer", extracted)
        return rewards

    def _judge(self, golds: list[str | None], answers: list[str | None]) -> list[Any]:
        """Verdict per completion: True / False / TIMEOUT / FAILED, or None when the gold is unusable
        (no math object), or GOLD_TIMEOUT when its parse timed out (not remembered: retried next call)."""
        out: list[Any] = [None] * len(golds)
        todo: dict[str, dict[str, list[int]]] = {}  # gold -> distinct answer -> completion indices
        same_as_gold: list[int] = []  # completions whose answer is the gold string, gold not read yet
        for i, (g, a) in enumerate(zip(golds, answers)):
            status = "ok" if g is not None and _numeric_value(g) is not None else self._gold_status.get(g)
            if g is None or status == "unparseable":
                out[i] = None
            elif a is None:
                out[i] = False  # no readable final answer where the format puts it
                if status is None:
                    todo.setdefault(g, {})  # still learn whether the gold parses (else: None)
            elif (same := _decide_without_math_verify(g, a)) is not None:
                out[i] = same  # plain numbers, numeric LaTeX, prose: math-verify's verdict without it
            elif (g, a) in self._verdicts:
                self._verdicts.move_to_end((g, a))
                out[i] = self._verdicts[(g, a)]
            elif _normalised(g) == _normalised(a):
                if status == "ok":
                    out[i] = True  # the same answer, up to spacing, as a gold that reads
                else:
                    todo.setdefault(g, {})  # true once the gold is known to read
                    same_as_gold.append(i)
            else:
                todo.setdefault(g, {}).setdefault(a, []).append(i)
        tasks = [_VerifyTask(g, list(by_answer)) for g, by_answer in todo.items()]
        if tasks:
            self.pool.run(tasks, timeout=self.timeout)
        for task in tasks:
            g, status = task.gold, task.gold_status
            if status in ("ok", "unparseable"):
                self._remember(self._gold_status, g, status)
            if status != "ok":
                verdict = {"unparseable": None, TIMEOUT: GOLD_TIMEOUT}.get(status, FAILED)
                for i, gi in enumerate(golds):
                    if gi == g:
                        out[i] = verdict
                continue
            for a, v in zip(task.answers, task.verdicts):
                if v not in (FAILED, TIMEOUT):
                    self._remember(self._verdicts, (g, a), v)
                for i in todo[g][a]:
                    out[i] = v
        for i in same_as_gold:
            status = self._gold_status.get(golds[i])
            if status == "ok":
                out[i] = True
            elif status is None and out[i] is None:  # the gold's parse failed or timed out: already set
                out[i] = FAILED
        return out


def _with_delimiters(markers: Markers, reasoning_delimiters: Sequence[str] | None, where: str) -> Markers:
    if reasoning_delimiters is None:
        return markers
    if isinstance(reasoning_delimiters, str) or not reasoning_delimiters or not all(
        isinstance(d, str) and d for d in reasoning_delimiters
    ):
        raise TypeError(f"{where}: reasoning_delimiters must be a non-empty list of tag strings such as "
                        f"['</think>'], got {reasoning_delimiters!r}")
    return dataclasses.replace(markers, think_end=reasoning_delimiters[0])


accuracy_reward = AccuracyReward(start_pool=False)  # no worker processes at import time
