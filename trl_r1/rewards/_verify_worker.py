"""The math-verify worker process behind :class:`trl_r1.rewards.math.VerifierPool`.

This file is run as a script (``python -c "runpy.run_path(<this file>)"``), so a worker imports
only the standard library and math-verify - not the trl_r1 package, datasets or torch - and
starts in well under a second. It reads length-prefixed pickles ``(kind, soft_timeout, payload)``
on stdin and answers on a private copy of stdout, one message per item, so the parent can kill
it on a hard timeout knowing exactly which item was in flight.

Keep it free of trl_r1 imports.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import signal
import struct
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

TIMEOUT = "timeout"  # verdict of an item that ran past its time budget

# ---------------------------------------------------------------------------------------------
# The answer reader: one canonical string per gold or answer, shared by the main process (plain
# number fast path, caches) and the workers (math-verify), so both paths read a string the same way.
# Pure standard library and linear in the input: it runs in the trainer process, outside any timeout.
# ---------------------------------------------------------------------------------------------

MAX_CANONICAL_CHARS = 2000  # longer strings are passed through untouched (no answer is that long)

# Invisible formatting characters (Unicode Cf: direction marks, zero-width spaces, soft hyphen, BOM).
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_MATH_SPAN = re.compile(r"\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\]", re.S)
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_SHORTHAND = re.compile(r"\\(?:[dtc]?frac|sqrt)(?![a-zA-Z])")
_TEX_SPACE_IN_NUMBER = re.compile(r"(?<=\d)(?:\\[,!;: ]|~|\{,\})(?=\d)")
_THOUSANDS_SPACE = re.compile(r"[+-]?[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?")
_NEGATIVE_SPACE = re.compile(r"\\!\s*")  # "11,\! 111": TeX's negative thin space, and the space after it
_LEADING_ZERO_COMMA = re.compile(r"-?0,\d+")
_THOUSANDS_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
# Juxtaposed numbers: "1 1/2" (a mixed number, or 11/2?), "2 3", "1 \frac{1}{2}": no one reading is right.
_AMBIGUOUS_NUMBERS = re.compile(r"[+-]?\d+(?:\.\d+)?\s+(?:\d|\\frac)")
# A mixed number, as MATH writes them: "137 \\frac{1}{2}", "2\\frac{1}{2}", "1 1/2" (whole, proper fraction).
_MIXED_NUMBER = re.compile(r"(-?)(\d+)(?:\s*\\frac\{(\d+)\}\{(\d+)\}|\s+(\d+)/(\d+))")
_NUMBERISH = re.compile(r"[\d\s.,+\-/{}\\a-z!~;:]*")
_UNREADABLE_WORDS = frozenset({"nan", "none", "undefined", "?", "??", "???"})


def _tex_argument(s: str, i: int) -> tuple[str, int] | None:
    """One TeX macro argument at ``s[i:]`` (spaces skipped): ``{...}``, ``\\name`` or one character."""
    n = len(s)
    while i < n and s[i] == " ":
        i += 1
    if i >= n:
        return None
    if s[i] == "{":
        depth, j = 0, i
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            depth += c == "{"
            depth -= c == "}"
            if depth == 0:
                return s[i + 1 : j], j + 1
            j += 1
        return None
    if s[i] == "\\":
        j = i + 1
        while j < n and s[j].isalpha():
            j += 1
        return s[i : max(j, i + 2)], max(j, i + 2)
    if s[i] in "}^_":
        return None
    return s[i], i + 1


def expand_tex_shorthand(s: str) -> str:
    r"""Brace the arguments of ``\frac``, ``\dfrac``, ``\tfrac`` and ``\sqrt`` as TeX reads them.

    TeX takes one token per argument when there are no braces: ``\frac12`` is ``\frac{1}{2}``,
    ``\sqrt3`` is ``\sqrt{3}``, ``\frac\pi2`` is ``\frac{\pi}{2}``; ``\dfrac``/``\tfrac`` become ``\frac``.
    """
    if "\\" not in s:
        return s
    out: list[str] = []
    pos = 0
    for m in _SHORTHAND.finditer(s):
        if m.start() < pos:
            continue
        out.append(s[pos : m.start()])
        name = "sqrt" if m.group().endswith("sqrt") else "frac"
        i = m.end()
        parts = []
        if name == "sqrt":
            j = i
            while j < len(s) and s[j] == " ":
                j += 1
            if j < len(s) and s[j] == "[":
                k = s.find("]", j)
                if k < 0:
                    out.append(s[m.start() : i])
                    pos = i
                    continue
                parts.append(s[j : k + 1])
                i = k + 1
        args = []
        for _ in range(1 if name == "sqrt" else 2):
            arg = _tex_argument(s, i)
            if arg is None:
                break
            args.append(arg[0])
            i = arg[1]
        if len(args) != (1 if name == "sqrt" else 2):
            out.append(s[m.start() : m.end()])
            pos = m.end()
            continue
        out.append("\\" + name + "".join(parts) + "".join("{" + expand_tex_shorthand(a) + "}" for a in args))
        pos = i
    out.append(s[pos:])
    return "".join(out)


def _balanced(s: str) -> bool:
    depth = 0
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


def _unwrap(s: str) -> str:
    """``$x$``, ``$$x$$``, ``\\(x\\)``, ``\\[x\\]`` or one ``\\boxed{x}`` around the whole string -> ``x``."""
    for _ in range(3):
        s = s.strip()
        m = _MATH_SPAN.fullmatch(s)
        if m is not None:
            inner = next(g for g in m.groups() if g is not None)
            if "$" not in inner.replace("\\$", "") and "\\(" not in inner and "\\[" not in inner:
                s = inner
                continue
        b = _BOX_OPEN.match(s)
        if b is not None and s.endswith("}") and _balanced(s[b.end() : -1]):
            s = s[b.end() : -1]
            continue
        break
    return s.strip()


def canonical_answer(s: str) -> str | None:
    r"""The string both the plain-number fast path and math-verify read, or ``None`` when unreadable.

    Invisible formatting characters are dropped; one math span or ``\boxed{}`` around the whole
    string is unwrapped; TeX shorthand is braced (``\frac12`` -> ``\frac{1}{2}``); numbers lose
    thousands separators (``1,000``, ``1 000``, ``1\,000``) and a trailing full stop (``5.``); a
    mixed number (``1 1/2``, ``137 \frac{1}{2}``: a whole number, a space, a proper fraction, as
    MATH writes them) becomes its improper fraction. Unreadable: empty, unbalanced braces,
    ``nan``/``???``, or other juxtaposed numbers (``2 3``, ``1 3/2``), which have no single reading.

    >>> canonical_answer(r"$\frac12$"), canonical_answer("1 000"), canonical_answer("5."), canonical_answer("1 1/2")
    ('\\frac{1}{2}', '1000', '5', '\\frac{3}{2}')
    >>> canonical_answer("2 3") is None
    True
    """
    if not isinstance(s, str):
        return None
    s = _INVISIBLE.sub("", s)
    if len(s) > MAX_CANONICAL_CHARS:
        return s.strip() or None
    s = _unwrap(s.replace("\\$", ""))  # an escaped dollar is a currency sign, not math
    if not s or s.lower() in _UNREADABLE_WORDS or not _balanced(s):
        return None
    s = expand_tex_shorthand(s).replace("\\left", "").replace("\\right", "") if "\\" in s else s
    if _NUMBERISH.fullmatch(s):
        s = _NEGATIVE_SPACE.sub("", _TEX_SPACE_IN_NUMBER.sub("", s))
        if s.endswith(".") and s[:-1].rstrip()[-1:].isdigit():
            s = s[:-1].rstrip()
        if _THOUSANDS_SPACE.fullmatch(s) or _THOUSANDS_COMMA.fullmatch(s):
            s = s.replace(" ", "").replace(",", "")
        elif _LEADING_ZERO_COMMA.fullmatch(s):
            s = s.replace(",", ".")  # "0,111": no thousands group starts with 0, a decimal comma
        elif (m := _MIXED_NUMBER.fullmatch(s)) is not None:
            whole, num, den = int(m.group(2)), int(m.group(3) or m.group(5)), int(m.group(4) or m.group(6))
            if not 0 < num < den:
                return None  # "1 3/2": not a mixed number, and no other reading is sure
            s = f"{m.group(1)}\\frac{{{whole * den + num}}}{{{den}}}"
        elif _AMBIGUOUS_NUMBERS.match(s):
            return None
        if s.startswith("+") and s[1:2].isdigit():
            s = s[1:]
    return s or None


_PROSE_WORD = re.compile(r"(?:(?<=\s)|^)[a-zA-Z]{2,}(?=[\s.,;:!?]|$)")
_SHORT_PROSE = frozenset("is of to be so it we an as at if in on by no or am".split())
_TEXT_CMD = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|begin|end)\s*\{[^{}]*\}")
_MATH_WORDS = frozenset(
    "sin cos tan cot sec csc log ln exp sqrt pi inf infty lim max min gcd lcm mod det deg or and".split()
)


def is_bare(s: str) -> bool:
    """A bare answer (``\\frac{1}{2}``, ``2ab+bc``, a matrix, ``10\\text{ cm}``) rather than prose with math in it.

    Bare answers are read whole, as if boxed, or not at all; prose is left to math-verify's own
    extraction ("the answer is $3$"). Prose means two or more whitespace-separated words (not
    letter products such as ``2ab+bc``, not environment names or ``\\text{}`` contents).
    """
    if "$" in s.replace("\\$", "") or "\\(" in s or "\\[" in s:
        return False
    words = [
        w for w in _PROSE_WORD.findall(_TEXT_CMD.sub(" ", s))
        if w.lower() not in _MATH_WORDS and (len(w) > 2 and re.search("[aeiouy]", w, re.I) or w.lower() in _SHORT_PROSE)
    ]
    return len(words) < 2


# Units that switch unit stripping on when a string ends with one (latex2sympy2's own list also holds
# "ab", "bc", "am", "by", "men": letter products and words, which must stay as written).
UNIT_WORDS = frozenset(
    "mm cm dm km kg mg ml lb lbs oz ft feet foot inch inches yard yards mile miles meter meters metre metres "
    "liter liters litre litres gallon gallons hour hours hr hrs minute minutes min mins sec secs second seconds "
    "day days week weeks month months year years degree degrees deg dollar dollars cent cents percent unit units "
    "sq square cubic mph kmh kmph acre acres hectare hectares".split()
)


_UNIT_SUFFIX = re.compile(
    r"(?:\\(?:text[a-z]*|mbox|math(?:rm|bf|it))\s*\{([^{}]*)\}(?:\^\{?\d\}?)?|(?<=[\d}\s])\s*([a-zA-Z]{2,}))\s*$"
)


def carries_unit(s: str) -> bool:
    """Whether ``s`` ends with a unit (``\\text{ cm}``, ``10 meters``): only then is unit normalisation on,
    so unit-like letters (c, d, g, h, s, t) stay variables everywhere else."""
    m = _UNIT_SUFFIX.search(s)
    if m is None:
        return False
    # "\\text{ cm}", "\\mbox{ square units}", "12 inches": every word a unit. "\\text{Evelyn}" or
    # "\\text{ or 16}" is not a unit, and unit stripping would drop it (a hedge would then read as 15).
    words = (m.group(1) if m.group(1) is not None else m.group(2)).lower().split()
    return bool(words) and all(w in UNIT_WORDS for w in words)


WARMUP = [
    ("\\frac{1}{2}", "0.5"), ("2\\sqrt{3}", "\\sqrt{12}"), ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)"),
    ("[-2, 7)", "[-2,7)"), ("x^2 + 2x + 1", "(x+1)^2"), ("\\text{(C)}", "C"), ("30^\\circ", "30"),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"),
]


class _ItemTimeout(BaseException):
    """Raised by the interval timer; a BaseException so math-verify's ``except Exception`` lets it through."""


class Verifier:
    """math-verify with the answer conventions of the accuracy reward; parses are cached (LRU)."""

    def __init__(self, cache_size: int = 4096) -> None:
        from latex2sympy2_extended import NormalizationConfig
        from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

        self._parse, self._verify = parse, verify
        # math-verify's own defaults (TeX shorthand fixed, leading "." read as "0."), unit stripping
        # only for strings that carry a unit: otherwise the letters c, d, g, h, s, t would be dropped.
        configs = {}
        for units in (False, True):
            norm = NormalizationConfig(basic_latex=True, units=units, malformed_operators=True, nits=True, boxed="all")
            configs[units] = LatexExtractionConfig(normalization_config=norm, boxed_match_priority=0)
        self._latex = configs
        self._expr = ExprExtractionConfig()
        self._parsed: OrderedDict[str, list] = OrderedDict()
        self._cache_size = cache_size
        # Timeouts are ours (interval timer + hard kill); silence "timeout is disabled" warnings.
        for name in ("math_verify", "math_verify.parser", "math_verify.grader", "latex2sympy2_extended"):
            logging.getLogger(name).setLevel(logging.CRITICAL)

    def parse(self, s: str) -> list:
        """math-verify's reading of a canonical answer string: a bare expression whole (as if boxed)
        or nothing; prose through math-verify's extraction. Never a string fallback (``[]`` = unreadable)."""
        if s in self._parsed:
            self._parsed.move_to_end(s)
            return self._parsed[s]
        latex = self._latex[carries_unit(s)]
        if is_bare(s):
            out = self._parse(f"\\boxed{{{s}}}", [latex], fallback_mode="no_fallback", extraction_mode="first_match",
                              parsing_timeout=None)
        else:
            out = self._parse(s, [latex, self._expr], fallback_mode="no_fallback", extraction_mode="first_match",
                              parsing_timeout=None)
        out = [x for x in out if not isinstance(x, str)]
        self._parsed[s] = out
        if len(self._parsed) > self._cache_size:
            self._parsed.popitem(last=False)
        return out

    def equal(self, gold: list, answer: list) -> bool:
        return bool(gold) and bool(answer) and bool(self._verify(gold, answer, timeout_seconds=None))

    def equivalent(self, a: list, b: list) -> bool:
        return self.equal(a, b) or self.equal(b, a)


def timed(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()`` under a soft timer on this process's CPU time (``ITIMER_PROF``), so a busy machine does
    not make a normal item time out; ``TIMEOUT`` if it fires. The parent's hard wall-clock kill stays."""

    def _alarm(signum, frame):
        raise _ItemTimeout

    old = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return fn()
    except _ItemTimeout:
        return TIMEOUT
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def run_verify(v: Verifier, soft: float, gold: str, answers: list[str], send: Callable[[Any], None]) -> None:
    """Messages: ``("gold", "ok" | "unparseable" | TIMEOUT)``, then ``("item", True | False | TIMEOUT)`` per answer."""
    g = timed(soft, lambda: v.parse(gold))
    if g == TIMEOUT or not g:
        send(("gold", TIMEOUT if g == TIMEOUT else "unparseable"))
        return
    send(("gold", "ok"))
    for a in answers:  # the very string of a gold that reads is right even where sympy has no equality (12:00)
        send(("item", True if a == gold else timed(soft, lambda a=a: v.equal(g, v.parse(a)))))


def run_cluster(
    v: Verifier, soft: float, reps: list[tuple[str, bool]], items: list[str], send: Callable[[Any], None]
) -> None:
    """Greedy clustering. ``reps``: (answer, parse it?) of clusters found so far (an answer that once
    timed out is compared by string only). Messages: ``("item", (cluster, parsed_ok))`` per item."""
    reps = list(reps)
    parsed: list[list] = []
    for s, ok in reps:
        p = timed(soft, lambda s=s: v.parse(s)) if ok else []
        parsed.append([] if p == TIMEOUT else p)
    send(("reps", None))
    for s in items:

        def assign(s: str = s) -> int:
            p = v.parse(s)
            for i, (q, (r, _)) in enumerate(zip(parsed, reps)):
                if r == s or v.equivalent(q, p):
                    return i
            parsed.append(p)
            reps.append((s, True))
            return len(reps) - 1

        c = timed(soft, assign)
        if c == TIMEOUT:
            if len(parsed) > len(reps):  # timed out after parsing, before appending the rep
                parsed.pop()
            parsed.append([])
            reps.append((s, False))
            send(("item", (len(reps) - 1, False)))
        else:
            send(("item", (c, reps[c][1])))


def main() -> None:
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer

    def send(msg: Any) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(struct.pack("<I", len(data)) + data)

    v = Verifier()
    # math-verify imports lazily and its LaTeX parser (ANTLR) builds its tables on first use, which
    # makes the first parses of each kind ~10x slower: pay for that before declaring "ready".
    for a, b in WARMUP:
        v.equal(v.parse(a), v.parse(b))
    v._parsed.clear()
    send(("ready", os.getpid()))
    while True:
        head = inp.read(4)
        if len(head) < 4:
            return  # the parent closed the pipe or died: exit, leaving no orphan
        kind, soft, payload = pickle.loads(inp.read(struct.unpack("<I", head)[0]))
        if kind == "verify":
            run_verify(v, soft, *payload, send)
        elif kind == "cluster":
            run_cluster(v, soft, *payload, send)
        elif kind == "hang":  # tests: an item burning CPU beyond the soft timer (like C code that ignores it)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGPROF})
            end = time.process_time() + payload
            while time.process_time() < end:
                pass
        send(("done", None))


if __name__ == "__main__":
    main()
