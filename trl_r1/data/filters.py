"""Readability filters for cold-start data and rejection sampling (DeepSeek-R1, sections 2.3.1 and 2.3.3).

R1 kept only chains of thought people can read: it "filtered out chain-of-thought with mixed
languages, long paragraphs, and code blocks", required "a summary at the end of each response",
and dropped unreadable, repetitive or unfinished outputs. Each rule here is a small named,
picklable object: ``filter(row) -> bool`` (``True`` = keep). :func:`apply_filters` runs a list of
them and counts every dropped row under the first filter that rejected it, so nothing is lost
silently.

A row is a dict with at least ``completion`` (a string, or conversational assistant messages);
optional keys: ``finished`` (``False`` = stopped by the length limit, not by EOS), ``prompt``,
``language`` (the language the reasoning should be in, e.g. ``"en"``), ``domain``.

Completions are split with :func:`trl_r1.text.completion.parse_completion`, the one parser of R1
completions, so filters and rewards agree on what "the reasoning" and "the summary" are.

>>> rows = [{"completion": "<think>\\n2+2 is 4.\\n</think>\\n\\nThe answer is 4.", "finished": True},
...         {"completion": "<think>\\n2+2 is", "finished": False}]
>>> result = apply_filters(rows, readability_filters(check_language=False))
>>> len(result.kept), result.dropped["truncated"]
(1, 1)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from trl_r1.text.completion import (
    DEFAULT_MARKERS,
    Markers,
    ParsedCompletion,
    completion_text,
    parse_completion,
)
from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)


class RowFilter(Protocol):
    """A readability rule: ``name`` (the counter key) and ``__call__(row) -> bool`` (True = keep)."""

    name: str

    def __call__(self, row: dict[str, Any]) -> bool: ...


@dataclass(frozen=True)
class _CompletionFilter:
    """Shared by the filters that look inside a completion."""

    markers: Markers = DEFAULT_MARKERS
    prefilled: bool | None = None  # True when prompts open the reasoning block themselves

    def parse(self, row: dict[str, Any]) -> ParsedCompletion:
        return parse_completion(completion_text(row.get("completion")), self.markers, self.prefilled)


@dataclass(frozen=True)
class TruncationFilter:
    """Drop completions that did not end with EOS (``row["finished"] is False``): cut off by the length limit.

    Rows without a ``finished`` key are kept: a dataset's written traces are complete by construction.

    >>> TruncationFilter()({"completion": "<think>\\nso", "finished": False})
    False
    """

    name: str = "truncated"

    def __call__(self, row: dict[str, Any]) -> bool:
        return row.get("finished", True) is not False


@dataclass(frozen=True)
class SummaryFilter(_CompletionFilter):
    """Drop completions with no summary after the reasoning block (no end marker, or nothing after it).

    R1: "we design a readable pattern that includes a summary at the end of each response".

    >>> SummaryFilter()({"completion": "<think>\\nwork\\n</think>\\n\\n"})
    False
    """

    min_chars: int = 1
    name: str = "missing_summary"

    def __call__(self, row: dict[str, Any]) -> bool:
        summary = self.parse(row).summary
        return summary is not None and len(summary) >= self.min_chars


@dataclass(frozen=True)
class FormatFilter(_CompletionFilter):
    """Drop completions that are not exactly one non-empty reasoning block followed by the summary.

    >>> FormatFilter()({"completion": "<think>a</think><think>b</think> done"})
    False
    """

    name: str = "bad_format"

    def __call__(self, row: dict[str, Any]) -> bool:
        p = self.parse(row)
        starts_ok = p.think_starts == (0 if p.prefilled else 1)
        return starts_ok and p.think_ends == 1 and bool(p.reasoning)


@dataclass(frozen=True)
class LanguageMixingFilter(_CompletionFilter):
    """Drop reasoning that mixes languages: R1's language consistency (the share of the reasoning's
    words in the target language, :func:`trl_r1.text.language.language_consistency`) below
    ``min_consistency``.

    The target language is ``row["language"]``, else ``language``, else the language of the
    prompt's user message (:func:`~trl_r1.rewards.language.prompt_language`), else the reasoning's own dominant language (then the filter measures
    pure mixing). Math, code and numbers count for no language.

    >>> LanguageMixingFilter(language="en")({"completion": "<think>\\nWe add them. 我们把两个数相加。\\n</think>\\n\\n4"})
    False
    >>> LanguageMixingFilter()({"prompt": "2+2?", "completion": "<think>\\nWe add $2+2=4$.\\n</think>\\n\\n4"})
    True
    """

    language: str | None = None
    min_consistency: float = 0.95
    name: str = "mixed_language"

    def __call__(self, row: dict[str, Any]) -> bool:
        from trl_r1.rewards.language import prompt_language
        from trl_r1.text.language import detect_language, language_consistency
        from trl_r1.text.language_identification import UNDETERMINED

        reasoning = self.parse(row).reasoning
        if not reasoning:
            return True
        target = row.get("language") or self.language
        if not target:
            target = prompt_language(prompt_text(row.get("prompt") or ""))  # the one target-language rule
            if target == UNDETERMINED:
                target = detect_language(reasoning)
        if target == UNDETERMINED:
            return True  # no words in any language: nothing can be mixed
        return language_consistency(reasoning, target) >= self.min_consistency


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class ParagraphLengthFilter(_CompletionFilter):
    """Drop reasoning with a paragraph (text between blank lines) longer than ``max_chars`` characters.

    Counted in characters so that Chinese (no spaces) and English get the same rule.

    >>> ParagraphLengthFilter(max_chars=10)({"completion": "<think>\\n" + "x" * 11 + "\\n</think>\\n\\nok"})
    False
    """

    max_chars: int = 2000
    name: str = "long_paragraph"

    def __call__(self, row: dict[str, Any]) -> bool:
        reasoning = self.parse(row).reasoning or ""
        return all(len(par.strip()) <= self.max_chars for par in _PARAGRAPH_BREAK.split(reasoning))


_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)
_CODE_TASK = re.compile(
    r"```|\b(code|python|program|programming|function|implement|script|algorithm)\b", re.I
)
CODE_DOMAINS = frozenset({"code", "coding", "programming"})


@dataclass(frozen=True)
class CodeBlockFilter(_CompletionFilter):
    """Drop fenced code blocks (```` ``` ```` / ``~~~``) in the reasoning of a task that is not about code.

    A task counts as code when ``row["domain"]`` is one of ``code``/``coding``/``programming``, or
    the prompt contains a code fence or a word such as "code", "python", "function", "implement".

    >>> row = {"prompt": "What is 2+2?", "completion": "<think>\\n```\\nprint(2+2)\\n```\\n</think>\\n\\n4"}
    >>> CodeBlockFilter()(row)
    False
    """

    name: str = "code_in_reasoning"

    def __call__(self, row: dict[str, Any]) -> bool:
        reasoning = self.parse(row).reasoning or ""
        if not _FENCE.search(reasoning):
            return True
        if str(row.get("domain", "")).lower() in CODE_DOMAINS:
            return True
        return bool(_CODE_TASK.search(completion_text(row.get("prompt"))))


# A CJK character is a token by itself; elsewhere a token is a run of word characters.
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|\w+")


def duplicate_ngram_fraction(text: str, n: int = 6) -> float:
    """Share of the word n-grams of ``text`` that repeat an earlier one (0 = none repeat, ->1 = a loop).

    >>> duplicate_ngram_fraction("a b c d e f g h", n=3)
    0.0
    >>> round(duplicate_ngram_fraction("wait let me check " * 10, n=3), 2)
    0.89
    """
    tokens = _TOKEN.findall(text.lower())
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    if not grams:
        return 0.0
    return 1.0 - len(set(grams)) / len(grams)


@dataclass(frozen=True)
class RepetitionFilter(_CompletionFilter):
    """Drop heavily repetitive completions: more than ``max_fraction`` of the ``ngram``-grams repeat.

    Degenerate loops ("Wait, let me check again. ... Wait, let me check again.") push the fraction
    towards 1; ordinary reasoning stays far below 0.3 at n=6.
    """

    ngram: int = 6
    max_fraction: float = 0.3
    name: str = "repetition"

    def __call__(self, row: dict[str, Any]) -> bool:
        return (
            duplicate_ngram_fraction(completion_text(row.get("completion")), self.ngram) <= self.max_fraction
        )


def readability_filters(
    *,
    language: str | None = None,
    check_language: bool = True,
    min_consistency: float = 0.95,
    max_paragraph_chars: int = 2000,
    repetition_ngram: int = 6,
    max_repetition: float = 0.3,
    min_summary_chars: int = 1,
    allow_code: bool = False,
    markers: Markers = DEFAULT_MARKERS,
    prefilled: bool | None = None,
) -> list[RowFilter]:
    """R1's readability filters, cheapest first (the language check runs last: it is the slow one).

    Args:
        language: target language of the reasoning when rows carry no ``language`` column.
        check_language: include the mixed-language filter.
        allow_code: skip the code-block filter (for datasets of code tasks).
        markers / prefilled: how completions are parsed (see ``parse_completion``).
        The others are thresholds of the individual filters.
    """
    if max_paragraph_chars < 1 or repetition_ngram < 1 or not 0 <= max_repetition <= 1:
        raise ValueError("max_paragraph_chars and repetition_ngram must be >= 1, max_repetition in [0, 1]")
    common = dict(markers=markers, prefilled=prefilled)
    filters: list[RowFilter] = [
        TruncationFilter(),
        SummaryFilter(min_chars=min_summary_chars, **common),
        FormatFilter(**common),
        RepetitionFilter(ngram=repetition_ngram, max_fraction=max_repetition, **common),
        ParagraphLengthFilter(max_chars=max_paragraph_chars, **common),
    ]
    if not allow_code:
        filters.append(CodeBlockFilter(**common))
    if check_language:
        filters.append(LanguageMixingFilter(language=language, min_consistency=min_consistency, **common))
    return filters


@dataclass
class FilterResult:
    """Rows kept, and rows dropped, counted and collected by the first filter that rejected them."""

    kept: list[dict[str, Any]]
    dropped: dict[str, int]
    dropped_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.kept) + sum(self.dropped.values())

    def to_dict(self) -> dict[str, Any]:
        """Counts only (for a report file)."""
        return {"total": self.total, "kept": len(self.kept), "dropped": dict(self.dropped)}


def apply_filters(
    rows: Iterable[dict[str, Any]], filters: Sequence[RowFilter], progress: bool = False
) -> FilterResult:
    """Keep the rows every filter accepts; count each other row under its first failing filter.

    ``dropped`` lists every filter, with 0 when it dropped nothing, so reports show what ran.
    """
    names = [f.name for f in filters]
    if len(set(names)) != len(names):
        raise ValueError(f"filter names must be unique (they are the drop-count keys), got {names}")
    kept: list[dict[str, Any]] = []
    dropped_rows: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    iterator: Iterable[dict[str, Any]] = rows
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(rows, desc="readability filters")
    for row in iterator:
        reason = next((f.name for f in filters if not f(row)), None)
        if reason is None:
            kept.append(row)
        else:
            dropped_rows[reason].append(row)
    result = FilterResult(
        kept=kept, dropped={n: len(r) for n, r in dropped_rows.items()}, dropped_rows=dropped_rows
    )
    if any(result.dropped.values()):
        logger.info(
            "readability filters kept %d of %d rows; dropped %s",
            len(kept),
            result.total,
            {k: v for k, v in result.dropped.items() if v},
        )
    return result
