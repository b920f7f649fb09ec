"""The math-verify worker process behind :class:`trl_r1.rewards.verifier_pool.VerifierPool`.

This file is run as a script (``python -c "runpy.run_path(<this file>)"``), so a worker imports
the standard library, math-verify and the answer reader - loaded by path from
``trl_r1/rewards/answer_reader.py`` (its one home), never through ``trl_r1.rewards``, whose package
imports would pull in every reward - and starts in well under a second. It reads length-prefixed
pickles ``(kind, soft_timeout, payload)`` on stdin and answers on a private copy of stdout, one
message per item, so the parent can kill it on a hard timeout knowing exactly which item was in flight.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import signal
import struct
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT = "timeout"  # verdict of an item that ran past its time budget
ANSWER_READER = Path(__file__).with_name("answer_reader.py")


def load_answer_reader() -> Any:
    """The answer reader module, loaded by path (``trl_r1.text`` below it is plain standard library)."""
    if "trl_r1.rewards.answer_reader" in sys.modules:
        return sys.modules["trl_r1.rewards.answer_reader"]
    root = str(ANSWER_READER.parents[2])  # the tree this worker belongs to, so both sides run one reader
    if root not in sys.path:
        sys.path.insert(0, root)
    spec = importlib.util.spec_from_file_location("_trl_r1_answer_reader", ANSWER_READER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WARMUP = [
    ("\\frac{1}{2}", "0.5"),
    ("2\\sqrt{3}", "\\sqrt{12}"),
    ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)"),
    ("[-2, 7)", "[-2,7)"),
    ("x^2 + 2x + 1", "(x+1)^2"),
    ("\\text{(C)}", "C"),
    ("30^\\circ", "30"),
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
        self._reader = load_answer_reader()
        # math-verify's own defaults (TeX shorthand fixed, leading "." read as "0."), unit stripping
        # only for strings that carry a unit: otherwise the letters c, d, g, h, s, t would be dropped.
        configs = {}
        for units in (False, True):
            norm = NormalizationConfig(
                basic_latex=True, units=units, malformed_operators=True, nits=True, boxed="all"
            )
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
        latex = self._latex[self._reader.carries_unit(s)]
        if self._reader.is_bare(s):
            out = self._parse(
                f"\\boxed{{{s}}}",
                [latex],
                fallback_mode="no_fallback",
                extraction_mode="first_match",
                parsing_timeout=None,
            )
        else:
            out = self._parse(
                s,
                [latex, self._expr],
                fallback_mode="no_fallback",
                extraction_mode="first_match",
                parsing_timeout=None,
            )
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
    for (
        a
    ) in answers:  # the very string of a gold that reads is right even where sympy has no equality (12:00)
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
    # math-verify imports lazily and its LaTeX parser (ANTLR) builds its tables on first use, which makes the
    # first parse ~10x slower: pay for one before declaring "ready" (the rest of the warm-up costs an item
    # a fraction of its timeout, and waiting for it would make the first training step wait).
    for a, b in WARMUP[:2]:
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
