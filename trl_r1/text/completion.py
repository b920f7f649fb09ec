"""The one parser of R1 completions.

Every reward, filter and evaluation that needs "the reasoning" or "the final answer" of a
completion calls :func:`parse_completion`, so they can never disagree about where the answer is.

Two layouts are recognised:

* R1-Zero: ``<think> reasoning </think> <answer> answer </answer>``
* R1 (cold-start / summary): ``<think> reasoning </think> summary``

A ``<think>`` opened by the prompt (prefilled) is accepted: the completion then starts inside the
reasoning block and only the closing tag appears.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import Any

THINK_START = "<think>"
THINK_END = "</think>"
ANSWER_START = "<answer>"
ANSWER_END = "</answer>"
R1_TAGS = (THINK_START, THINK_END, ANSWER_START, ANSWER_END)


# Invisible formatting characters (Unicode Cf: direction marks, zero-width spaces and joiners, soft
# hyphen, BOM). They render as nothing, so no reward may count them as content.
# Also the blank fillers that render as nothing (Hangul fillers, the braille blank, the combining grapheme
# joiner, variation selectors, tag characters, musical and shorthand format controls).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def strip_invisible(text: str) -> str:
    """``text`` without invisible formatting characters (a zero-width space is not content).

    >>> strip_invisible("4\u200b2\u200e")
    '42'
    """
    return INVISIBLE.sub("", text) if not text.isascii() else text


@dataclass(frozen=True)
class Markers:
    """The two tags around the reasoning block, and the optional answer tags."""

    think_start: str = THINK_START
    think_end: str = THINK_END
    answer_start: str = ANSWER_START
    answer_end: str = ANSWER_END


DEFAULT_MARKERS = Markers()


@dataclass(frozen=True)
class ParsedCompletion:
    """A completion split into its R1 parts.

    Attributes:
        text: the completion text as given.
        reasoning: text inside the reasoning block, stripped (whitespace and invisible characters, see
            :func:`strip_invisible`); ``None`` when there is no block.
        summary: text after the last reasoning-end tag, stripped (the R1 summary, which in
            R1-Zero layout holds the answer block); ``None`` when there is no end tag.
        answer: text inside the last ``<answer>…</answer>`` after the reasoning, stripped;
            ``None`` when there is none.
        think_starts / think_ends / answer_starts / answer_ends: tag counts, for format checks.
        prefilled: whether the completion was parsed as starting inside a prefilled ``<think>``.
    """

    text: str
    reasoning: str | None
    summary: str | None
    answer: str | None
    think_starts: int
    think_ends: int
    answer_starts: int
    answer_ends: int
    prefilled: bool

    @property
    def final_answer_region(self) -> str | None:
        """Where the format puts the final answer: the answer block, else the summary."""
        if self.answer is not None:
            return self.answer
        return self.summary


def completion_text(completion: Any) -> str:
    """Text of a TRL completion, standard (``str``) or conversational (list of messages).

    For conversational completions the assistant contents are joined; anything else becomes
    ``""`` rather than raising, because rewards must never crash on model output.
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        content = completion.get("content", "")
        return content if isinstance(content, str) else ""
    if isinstance(completion, (list, tuple)):
        return "".join(completion_text(m) for m in completion)
    return ""


def parse_completion(
    text: str, markers: Markers = DEFAULT_MARKERS, prefilled: bool | None = None
) -> ParsedCompletion:
    """Split ``text`` into reasoning, summary and answer.

    Args:
        text: the completion (only what the model generated).
        markers: the tags; the defaults are R1's.
        prefilled: ``True`` when the prompt already opened the reasoning block; ``None`` infers it
            (a completion with an end tag but no start tag is taken as prefilled).

    >>> p = parse_completion("<think>2+2 is 4</think><answer>4</answer>")
    >>> p.reasoning, p.answer
    ('2+2 is 4', '4')
    >>> parse_completion("<think>so x=3</think>\\n\\nThe answer is $\\\\boxed{3}$.").summary
    'The answer is $\\\\boxed{3}$.'
    """
    m = markers
    n_ts, n_te = text.count(m.think_start), text.count(m.think_end)
    n_as, n_ae = text.count(m.answer_start), text.count(m.answer_end)
    if prefilled is None:
        prefilled = n_ts == 0 and n_te > 0
    reasoning = summary = None
    end = text.rfind(m.think_end)
    if end >= 0:
        summary = strip_invisible(text[end + len(m.think_end) :]).strip()
        head = text[:end]
        start = head.rfind(m.think_start)
        if start >= 0:
            reasoning = strip_invisible(head[start + len(m.think_start) :]).strip()
        elif prefilled:
            reasoning = strip_invisible(head).strip()
    answer = None
    region = summary if summary is not None else text
    a_end = region.rfind(m.answer_end)
    if a_end >= 0:
        a_start = region.rfind(m.answer_start, 0, a_end)
        if a_start >= 0:
            answer = strip_invisible(region[a_start + len(m.answer_start) : a_end]).strip()
    return ParsedCompletion(
        text=text,
        reasoning=reasoning,
        summary=summary,
        answer=answer,
        think_starts=n_ts,
        think_ends=n_te,
        answer_starts=n_as,
        answer_ends=n_ae,
        prefilled=prefilled,
    )


_FENCE = re.compile(
    r"^[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL
)
_OPENER = re.compile(r"[ \t]*(```+|~~~+)[ \t]*([\w+#.-]*)")  # a line that opens a block (as _FENCE's head)
_FENCE_LINE = re.compile(r"[ \t]*(```+|~~~+)[ \t]*\n?\Z")  # a line that can close one


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block: its info-string language (lower-cased, ``""`` when none) and its code."""

    language: str
    code: str


def last_code_block(text: str) -> CodeBlock | None:
    """The last closed fenced code block (```` ``` ```` or ``~~~``) in ``text``, or ``None``.

    A fence left open (a truncated completion) does not count.

    >>> last_code_block("draft:\\n```python\\nprint(1)\\n```\\nfinal:\\n```py\\nprint(2)\\n```")
    CodeBlock(language='py', code='print(2)\\n')
    >>> last_code_block("```python\\nprint(1)") is None
    True
    """
    # Line by line, each opener paired with the next line holding exactly its fence, as _FENCE pairs
    # them (a longer run of backticks may open with a shorter fence, as _FENCE backtracks): matching
    # _FENCE itself costs quadratic time on many unclosed openers (a policy's degenerate output), and
    # this runs in the trainer.
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        m = _FENCE_LINE.match(line)
        if m:
            closers.setdefault(m.group(1), []).append(i)
    block, i = None, 0
    while i < len(lines):
        m = _OPENER.match(lines[i])
        j = None
        if m and lines[i].endswith("\n"):
            run = m.group(1)
            for size in range(len(run), 2, -1):
                where = closers.get(run[:size], [])
                k = bisect.bisect_right(where, i)
                if k < len(where):
                    j = where[k]
                    language = m.group(2) if size == len(run) else ""
                    break
        if j is None:
            i += 1
            continue
        block = CodeBlock(language=language.lower(), code=text[starts[i + 1] : starts[j]])
        i = j + 1
    return block
