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

_PROSE_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}")
_TEXT_CMD = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{[^{}]*\}")
_MATH_WORDS = frozenset(
    "sin cos tan cot sec csc log ln exp sqrt pi inf infty lim max min gcd lcm mod det deg or and".split()
)


def is_bare(s: str) -> bool:
    """A bare answer (``\\frac{1}{2}``, ``x=3``, ``10\\text{ cm}``) rather than prose with math in it.

    Bare answers are parsed as if boxed (math-verify then reads them as LaTeX); prose is left to
    math-verify's own extraction ("the answer is $3$").
    """
    if "$" in s.replace("\\$", "") or "\\(" in s or "\\[" in s:
        return False
    words = [w for w in _PROSE_WORD.findall(_TEXT_CMD.sub(" ", s)) if w.lower() not in _MATH_WORDS]
    return len(words) < 2


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
        self._config = [
            LatexExtractionConfig(normalization_config=NormalizationConfig(units=True), boxed_match_priority=0),
            ExprExtractionConfig(),
        ]
        self._parsed: OrderedDict[str, list] = OrderedDict()
        self._cache_size = cache_size
        # Timeouts are ours (interval timer + hard kill); silence "timeout is disabled" warnings.
        for name in ("math_verify", "math_verify.parser", "math_verify.grader", "latex2sympy2_extended"):
            logging.getLogger(name).setLevel(logging.CRITICAL)

    def parse(self, s: str) -> list:
        if s in self._parsed:
            self._parsed.move_to_end(s)
            return self._parsed[s]
        text = f"\\boxed{{{s}}}" if is_bare(s) else s
        out = self._parse(text, self._config, extraction_mode="first_match", parsing_timeout=None)
        self._parsed[s] = out
        if len(self._parsed) > self._cache_size:
            self._parsed.popitem(last=False)
        return out

    def equal(self, gold: list, answer: list) -> bool:
        return bool(gold) and bool(answer) and bool(self._verify(gold, answer, timeout_seconds=None))

    def equivalent(self, a: list, b: list) -> bool:
        return self.equal(a, b) or self.equal(b, a)


def timed(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()`` under a soft interval timer (works in a process's main thread); ``TIMEOUT`` if it fires."""

    def _alarm(signum, frame):
        raise _ItemTimeout

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _ItemTimeout:
        return TIMEOUT
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_verify(v: Verifier, soft: float, gold: str, answers: list[str], send: Callable[[Any], None]) -> None:
    """Messages: ``("gold", "ok" | "unparseable" | TIMEOUT)``, then ``("item", True | False | TIMEOUT)`` per answer."""
    g = timed(soft, lambda: v.parse(gold))
    if g == TIMEOUT or not g:
        send(("gold", TIMEOUT if g == TIMEOUT else "unparseable"))
        return
    send(("gold", "ok"))
    for a in answers:
        send(("item", timed(soft, lambda a=a: v.equal(g, v.parse(a)))))


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
        elif kind == "hang":  # tests: an item stuck beyond the soft timer (like C code that ignores it)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(payload)
        send(("done", None))


if __name__ == "__main__":
    main()
