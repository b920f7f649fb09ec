"""The cold-start format of DeepSeek-R1 stage 1: ``|special_token|<reasoning>|special_token|<summary>``.

R1's cold-start data (paper, section 2.3.1) is a few thousand long chains of thought written so
that people can read them: a reasoning block between two markers, then a summary of the result.
:class:`ColdStartFormat` turns the record shapes found in public reasoning datasets into TRL
*conversational prompt/completion* rows in that format, ready for ``SFTTrainer``:

* ``fields``: a problem column plus separate reasoning and summary columns;
* ``trace``: a problem column plus one R1-style trace ``<think>…</think> summary``
  (a string or an assistant message);
* ``messages``: chat rows whose last assistant turn carries the reasoning in its own field
  (``reasoning_content`` or ``reasoning``) and the summary in ``content``.

The inverse, splitting a completion back into reasoning and summary, is
:func:`trl_r1.text.completion.parse_completion`, the parser every reward and filter uses.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trl_r1.text.completion import THINK_END, THINK_START, Markers, completion_text, parse_completion

logger = logging.getLogger(__name__)

PROBLEM_FIELDS = ("problem", "prompt", "question")
REASONING_FIELDS = ("reasoning", "reasoning_content", "thinking")
SUMMARY_FIELDS = ("summary",)
TRACE_FIELDS = ("completion", "response", "generation", "output")
MESSAGE_REASONING_KEYS = ("reasoning_content", "reasoning", "thinking")

ACCEPTED_SHAPES = (
    "accepted shapes: (1) 'fields': a problem column (problem|prompt|question) + a reasoning column "
    "(reasoning|reasoning_content|thinking) + a 'summary' column; (2) 'trace': a problem column + a trace "
    "column (completion|response|generation|output) holding '<think>…</think> summary'; (3) 'messages': a "
    "'messages' column whose last assistant turn has 'reasoning_content' or 'reasoning' next to 'content'. "
    "Columns with other names: set problem_field / reasoning_field / summary_field / trace_field."
)


class DatasetShapeError(ValueError):
    """The dataset has none of the shapes cold-start SFT accepts (raised before any training)."""


class RowFormatError(ValueError):
    """One record cannot be put in the cold-start format; ``reason`` is a short counter key."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ResolvedShape:
    """Which shape a dataset has and which columns hold each part."""

    shape: str
    problem: str | None = None
    reasoning: str | None = None
    summary: str | None = None
    trace: str | None = None
    messages: str | None = None


@dataclass(frozen=True)
class FormatReport:
    """Rows put in the format, and rows that could not be, counted by reason."""

    total: int
    formatted: int
    failed: dict[str, int]
    failed_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)  # {"reason", "row"}

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "formatted": self.formatted, "failed": dict(self.failed)}


@dataclass(frozen=True)
class ColdStartFormat:
    """Records -> TRL conversational prompt/completion rows ``<think>\\n{reasoning}\\n</think>\\n\\n{summary}``.

    Args:
        think_start / think_end: the two markers around the reasoning (R1's ``|special_token|``).
            Tokenizer surgery later makes each of them one non-special token.
        trace_markers: the markers of incoming ``trace`` records (public datasets use ``<think>``),
            which may differ from the markers written out.
        problem_field / reasoning_field / summary_field / trace_field / messages_field: column names;
            ``None`` picks the first present of the usual names (see ``ACCEPTED_SHAPES``).
        system_prompt: optional system message put before the problem.

    >>> fmt = ColdStartFormat()
    >>> row = fmt({"problem": "2+2?", "reasoning": "2+2 is 4.", "summary": "The answer is 4."})
    >>> row["completion"][0]["content"]
    '<think>\\n2+2 is 4.\\n</think>\\n\\nThe answer is 4.'
    >>> fmt.split(row["completion"])
    ('2+2 is 4.', 'The answer is 4.')
    """

    think_start: str = THINK_START
    think_end: str = THINK_END
    trace_markers: tuple[str, str] = (THINK_START, THINK_END)
    problem_field: str | None = None
    reasoning_field: str | None = None
    summary_field: str | None = None
    trace_field: str | None = None
    messages_field: str | None = None
    system_prompt: str | None = None
    _layout: str = field(default="{start}\n{reasoning}\n{end}\n\n{summary}", repr=False)

    def __post_init__(self):
        for name in ("think_start", "think_end"):
            value = getattr(self, name)
            if not value or value != value.strip():
                raise ValueError(
                    f"{name} must be a non-empty marker without surrounding whitespace, got {value!r}"
                )
        if (
            self.think_start == self.think_end
            or self.think_start in self.think_end
            or self.think_end in self.think_start
        ):
            raise ValueError(
                f"the markers must differ and not contain each other, got {self.think_start!r} and {self.think_end!r}"
            )

    @property
    def markers(self) -> Markers:
        """The markers as :class:`~trl_r1.text.completion.Markers`, for ``parse_completion``."""
        return Markers(think_start=self.think_start, think_end=self.think_end)

    # -- one completion ------------------------------------------------------------------------
    def render(self, reasoning: str, summary: str) -> str:
        """The completion text for one (reasoning, summary) pair; raises :class:`RowFormatError`."""
        reasoning, summary = (reasoning or "").strip(), (summary or "").strip()
        if not reasoning:
            raise RowFormatError("empty_reasoning", "the reasoning is empty")
        if not summary:
            raise RowFormatError("empty_summary", "the summary is empty")
        for part, text in (("reasoning", reasoning), ("summary", summary)):
            if self.think_start in text or self.think_end in text:
                # A marker inside a part would make the split ambiguous: the round trip must be exact.
                raise RowFormatError("marker_in_text", f"the {part} contains a reasoning marker")
        return self._layout.format(
            start=self.think_start, end=self.think_end, reasoning=reasoning, summary=summary
        )

    def split(self, completion: Any) -> tuple[str, str] | None:
        """Inverse of :meth:`render`: ``(reasoning, summary)``, or ``None`` when not in the format.

        Uses :func:`~trl_r1.text.completion.parse_completion`, so it agrees with every reward and filter.
        """
        parsed = parse_completion(completion_text(completion), self.markers, prefilled=False)
        if parsed.reasoning is None or parsed.summary is None:
            return None
        return parsed.reasoning, parsed.summary

    # -- dataset shapes ------------------------------------------------------------------------
    def resolve_shape(self, columns: Sequence[str]) -> ResolvedShape:
        """Find the shape of a dataset from its column names, or raise :class:`DatasetShapeError`
        naming the missing field(s) and the accepted shapes."""
        cols = set(columns)

        def pick(explicit: str | None, candidates: tuple[str, ...]) -> str | None:
            if explicit is not None:
                return explicit if explicit in cols else None
            return next((c for c in candidates if c in cols), None)

        messages = self.messages_field or "messages"
        if messages in cols:
            return ResolvedShape("messages", messages=messages)
        problem = pick(self.problem_field, PROBLEM_FIELDS)
        reasoning = pick(self.reasoning_field, REASONING_FIELDS)
        summary = pick(self.summary_field, SUMMARY_FIELDS)
        trace = pick(self.trace_field, TRACE_FIELDS)
        if problem and reasoning and summary:
            return ResolvedShape("fields", problem=problem, reasoning=reasoning, summary=summary)
        if problem and trace:
            return ResolvedShape("trace", problem=problem, trace=trace)
        missing = self._missing(problem, reasoning, summary, trace)
        raise DatasetShapeError(
            f"the dataset cannot be used for cold-start SFT: missing field {missing} "
            f"(columns: {sorted(cols)}). {ACCEPTED_SHAPES}"
        )

    def _missing(self, problem, reasoning, summary, trace) -> str:
        def name(explicit, candidates):
            return repr(explicit) if explicit else "|".join(candidates)

        problem_name = name(self.problem_field, PROBLEM_FIELDS)
        if reasoning or summary:  # closest to the 'fields' shape
            need = [
                (problem, problem_name),
                (reasoning, name(self.reasoning_field, REASONING_FIELDS)),
                (summary, name(self.summary_field, SUMMARY_FIELDS)),
            ]
        else:
            need = [(problem, problem_name), (trace, name(self.trace_field, TRACE_FIELDS))]
        return " and ".join(n for found, n in need if not found) or problem_name

    # -- one record ----------------------------------------------------------------------------
    def __call__(self, record: dict[str, Any], shape: ResolvedShape | None = None) -> dict[str, Any]:
        """One record -> ``{"prompt": [messages], "completion": [assistant message]}``.

        Raises :class:`RowFormatError` (with a ``reason``) when the record cannot be formatted.
        """
        shape = shape or self.resolve_shape(list(record))
        if shape.shape == "messages":
            prompt, reasoning, summary = self._from_messages(record[shape.messages])
        else:
            prompt = self._prompt(record[shape.problem])
            if shape.shape == "fields":
                reasoning, summary = record[shape.reasoning], record[shape.summary]
                if not isinstance(reasoning, str) or not isinstance(summary, str):
                    raise RowFormatError("not_text", "reasoning and summary must be strings")
            else:
                reasoning, summary = self._from_trace(record[shape.trace])
        return {
            "prompt": prompt,
            "completion": [{"role": "assistant", "content": self.render(reasoning, summary)}],
        }

    def _prompt(self, problem: Any) -> list[dict[str, str]]:
        if isinstance(problem, list):  # already conversational
            if not problem or not all(
                isinstance(m, dict) and "role" in m and "content" in m for m in problem
            ):
                raise RowFormatError(
                    "bad_prompt", "a conversational prompt must be a non-empty list of messages"
                )
            messages = [{"role": m["role"], "content": m["content"]} for m in problem]
        elif isinstance(problem, str) and problem.strip():
            messages = [{"role": "user", "content": problem.strip()}]
        else:
            raise RowFormatError("empty_problem", "the problem is empty or not text")
        if self.system_prompt and messages[0]["role"] != "system":
            messages.insert(0, {"role": "system", "content": self.system_prompt})
        return messages

    def _from_trace(self, trace: Any) -> tuple[str, str]:
        text = completion_text(trace)
        start, end = self.trace_markers
        parsed = parse_completion(text, Markers(think_start=start, think_end=end), prefilled=None)
        if parsed.think_ends != 1 or parsed.think_starts > 1:
            raise RowFormatError("no_reasoning_block", f"the trace needs exactly one {start}…{end} block")
        return parsed.reasoning or "", parsed.summary or ""

    def _from_messages(self, messages: Any) -> tuple[list[dict[str, str]], str, str]:
        if not isinstance(messages, list) or not messages:
            raise RowFormatError("bad_messages", "messages must be a non-empty list")
        last = messages[-1]
        if not isinstance(last, dict) or last.get("role") != "assistant":
            raise RowFormatError("no_assistant_turn", "the last message must be the assistant's")
        if not messages[:-1]:
            raise RowFormatError("no_user_turn", "there is no message before the assistant turn")
        prompt = self._prompt(messages[:-1])
        reasoning = next((last[k] for k in MESSAGE_REASONING_KEYS if isinstance(last.get(k), str)), None)
        if reasoning is None:  # no separate field: the content may itself be a trace
            return (prompt, *self._from_trace(last.get("content", "")))
        return prompt, reasoning, last.get("content") or ""

    # -- many records --------------------------------------------------------------------------
    def format_rows(
        self, rows: Iterable[dict[str, Any]], columns: Sequence[str], keep_columns: Sequence[str] = ()
    ) -> tuple[list[dict[str, Any]], FormatReport]:
        """Format every row; rows that fail are counted by reason (logged), never silently dropped.

        ``keep_columns`` are copied through (for example ``solution`` or ``language``).
        Raises :class:`DatasetShapeError` first when ``columns`` fit no accepted shape.
        """
        shape = self.resolve_shape(columns)
        out, failed, failed_rows, total = [], Counter(), [], 0
        for row in rows:
            total += 1
            try:
                formatted = self(row, shape)
            except RowFormatError as e:
                failed[e.reason] += 1
                failed_rows.append({"reason": e.reason, "row": row})
                continue
            formatted.update({c: row[c] for c in keep_columns if c in row and c not in formatted})
            out.append(formatted)
        report = FormatReport(total=total, formatted=len(out), failed=dict(failed), failed_rows=failed_rows)
        if failed:
            logger.warning(
                "cold-start format: %d of %d rows could not be formatted: %s",
                total - len(out),
                total,
                dict(failed),
            )
        return out, report
