"""Format rewards: is the completion laid out the way R1 asks?

* :data:`r1_zero_format_reward` - R1-Zero (paper, Table 1): ``<think> reasoning </think>
  <answer> answer </answer>`` and nothing else.
* :data:`think_summary_format_reward` - R1 (cold-start format): ``<think> reasoning </think>``
  then a non-empty readable summary.
* :data:`tag_count_reward` - partial credit per well-counted tag, a denser signal for models that
  have not found the format yet.

All of them read the completion through :func:`trl_r1.text.completion.parse_completion`, accept a
``<think>`` prefilled by the prompt, and score 0 for multiple blocks, nested or misordered tags,
empty reasoning or an empty answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.text.completion import (
    DEFAULT_MARKERS,
    Markers,
    ParsedCompletion,
    completion_text,
    parse_completion,
)

LAYOUTS = ("r1_zero", "r1")


def _prompt_prefills_think(prompt: Any, markers: Markers) -> bool:
    """Whether the prompt ends with an opened reasoning block (the completion continues inside it)."""
    if isinstance(prompt, (list, tuple)):
        if not prompt or not isinstance(prompt[-1], dict) or prompt[-1].get("role") != "assistant":
            return False
        prompt = prompt[-1]
    return completion_text(prompt).rstrip().endswith(markers.think_start)


def _prefill_flags(prompts: Sequence[Any] | None, n: int, markers: Markers) -> list[bool | None]:
    # Without prompts (a direct call) either form is accepted: None means "infer from the completion".
    if prompts is None or len(prompts) != n:
        return [None] * n
    return [_prompt_prefills_think(p, markers) for p in prompts]


def _reasoning_block_ok(text: str, p: ParsedCompletion, prefilled: bool | None, markers: Markers) -> bool:
    """Exactly one reasoning block, opening the completion (or opened by the prompt), non-empty."""
    if p.think_ends != 1 or not p.reasoning:
        return False
    if prefilled is None:
        prefilled = p.think_starts == 0
    if prefilled:
        return p.think_starts == 0
    return p.think_starts == 1 and text.lstrip().startswith(markers.think_start)


def r1_zero_format_score(
    text: str, prefilled: bool | None = None, markers: Markers = DEFAULT_MARKERS
) -> float:
    """1.0 when ``text`` is exactly ``<think>…</think><answer>…</answer>`` (whitespace between allowed)."""
    p = parse_completion(text, markers, prefilled=prefilled)
    if not _reasoning_block_ok(text, p, prefilled, markers):
        return 0.0
    if p.answer_starts != 1 or p.answer_ends != 1 or not p.answer:
        return 0.0
    summary = p.summary or ""
    ok = summary.startswith(markers.answer_start) and summary.endswith(markers.answer_end)
    return 1.0 if ok else 0.0


def think_summary_format_score(
    text: str, prefilled: bool | None = None, markers: Markers = DEFAULT_MARKERS
) -> float:
    """1.0 when ``text`` is one non-empty reasoning block followed by a non-empty summary.

    Answer tags are R1-Zero's layout; mixed into the R1 layout they are a format error.
    """
    p = parse_completion(text, markers, prefilled=prefilled)
    if not _reasoning_block_ok(text, p, prefilled, markers):
        return 0.0
    if p.answer_starts or p.answer_ends or not p.summary:
        return 0.0
    return 1.0


def tag_count_score(
    text: str, layout: str = "r1_zero", prefilled: bool | None = None, markers: Markers = DEFAULT_MARKERS
) -> float:
    """Equal partial credit for each R1 tag that appears exactly once (a prefilled ``<think>`` counts)."""
    p = parse_completion(text, markers, prefilled=prefilled)
    prefilled = p.prefilled if prefilled is None else prefilled
    checks = [p.think_starts == (0 if prefilled else 1), p.think_ends == 1]
    if layout == "r1_zero":
        checks += [p.answer_starts == 1, p.answer_ends == 1]
    return sum(checks) / len(checks)


class _LayoutFormatReward(RewardFunction):
    """A format reward scoring each completion alone (by default with ``score(text, prefilled, markers)``);
    whether the prompt opened ``<think>`` is read from ``prompts``."""

    score: Callable[[str, bool | None, Markers], float]

    def __init__(self, markers: Markers = DEFAULT_MARKERS, name: str | None = None):
        super().__init__(name)
        self.markers = markers

    def __call__(
        self, completions: Sequence[Any], prompts: Sequence[Any] | None = None, **kwargs: Any
    ) -> list[Reward]:
        texts = texts_of(completions, self.__name__)
        flags = _prefill_flags(prompts, len(texts), self.markers)
        return [self._score_one(t, f) for t, f in zip(texts, flags)]

    def _score_one(self, text: str, prefilled: bool | None) -> float:
        return self.score(text, prefilled, self.markers)


class R1ZeroFormatReward(_LayoutFormatReward):
    """R1-Zero format reward: 1.0 for ``<think> reasoning </think> <answer> answer </answer>``, else 0.0.

    Rule (DeepSeek-R1 paper, section 2.2.2 "format rewards" with the Table 1 template): exactly
    one reasoning block, then exactly one answer block, nothing outside them but whitespace; the
    reasoning and the answer are non-empty. When the prompt ends with ``<think>`` (prefilled), the
    completion must not open another one.

    Example:
        >>> from trl_r1.rewards import r1_zero_format_reward
        >>> r1_zero_format_reward(["<think>2+2=4</think> <answer>4</answer>", "<answer>4</answer>"])
        [1.0, 0.0]
        >>> r1_zero_format_reward(["2+2=4</think><answer>4</answer>"], prompts=["... Assistant: <think>"])
        [1.0]
    """

    __name__ = "r1_zero_format_reward"
    score = staticmethod(r1_zero_format_score)


class ThinkSummaryFormatReward(_LayoutFormatReward):
    """R1 format reward: 1.0 for one non-empty ``<think>`` block followed by a non-empty summary.

    Rule (DeepSeek-R1 paper, section 2.3.1 "cold start": ``|special_token|<reasoning_process>
    |special_token|<summary>``, with R1's ``<think>`` tags): exactly one reasoning block that opens
    the completion (or is opened by the prompt), non-empty, then a non-empty summary; no answer tags.

    Example:
        >>> from trl_r1.rewards import think_summary_format_reward
        >>> think_summary_format_reward(["<think>x=3</think>\\nSo $\\\\boxed{3}$.", "<think>x=3</think>"])
        [1.0, 0.0]
    """

    __name__ = "think_summary_format_reward"
    score = staticmethod(think_summary_format_score)


class TagCountReward(_LayoutFormatReward):
    """Partial-credit format reward: ``(number of R1 tags appearing exactly once) / (number of tags)``.

    With ``layout="r1_zero"`` the four tags ``<think> </think> <answer> </answer>`` are worth 0.25
    each; with ``layout="r1"`` the two reasoning tags are worth 0.5 each. A ``<think>`` prefilled by
    the prompt counts as present (and must not be repeated). This is the dense shaping signal
    open-r1 uses next to the strict format reward; it cannot reach 1.0 with duplicated tags.

    Example:
        >>> from trl_r1.rewards import tag_count_reward
        >>> tag_count_reward(["<think>a</think><answer>1</answer>", "<think>a</think>", "<think><think>"])
        [1.0, 0.5, 0.0]
    """

    __name__ = "tag_count_reward"

    def __init__(self, layout: str = "r1_zero", markers: Markers = DEFAULT_MARKERS, name: str | None = None):
        if layout not in LAYOUTS:
            raise ValueError(f"TagCountReward: layout must be one of {LAYOUTS}, got {layout!r}")
        super().__init__(markers, name)
        self.layout = layout

    def _score_one(self, text: str, prefilled: bool | None) -> float:
        return tag_count_score(text, self.layout, prefilled, self.markers)


r1_zero_format_reward = R1ZeroFormatReward()
think_summary_format_reward = ThinkSummaryFormatReward()
tag_count_reward = TagCountReward()
