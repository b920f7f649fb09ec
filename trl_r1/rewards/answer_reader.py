r"""The answer reader: one reading of a gold or final answer string, shared by every path of the accuracy reward.

:func:`canonical_answer` (TeX shorthand braced, thousands separators and mixed numbers resolved,
invisible characters dropped; ``None`` for what has no single reading), :func:`boxed_contents` (the
outermost ``\boxed{}`` contents) and :func:`normalised` (spacing and sizing commands dropped, for
string equality of two canonical answers).
"""

from __future__ import annotations

import re
from functools import lru_cache

from trl_r1.rewards._verify_worker import canonical_answer as _read

CACHED_CHARS = 512  # longer strings (prose answers) are read again rather than kept in memory


def canonical_answer(s: str) -> str | None:
    """:func:`trl_r1.rewards._verify_worker.canonical_answer`, remembered for short strings (a gold
    repeats G times a step)."""
    return _read_cached(s) if len(s) <= CACHED_CHARS else _read(s)


_read_cached = lru_cache(maxsize=1 << 16)(_read)

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

_LAYOUT = re.compile(r"\s+|\\[,;:! ]|\\left|\\right|\\displaystyle|\\mathrm(?=\{)|\\!")


def normalised(s: str) -> str:
    r"""``s`` without spacing and sizing commands, for string equality of two canonical answers."""
    return _LAYOUT.sub("", s)
