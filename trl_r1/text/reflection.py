"""Reflective words: the vocabulary of DeepSeek-R1's "aha moment" and how often it occurs.

DeepSeek-R1 reports that during RL the reflective words ("wait", "mistake", "however", "but",
"retry", "error", "verify", "wrong", "evaluate", "check") become more frequent. Pure functions;
:class:`trl_r1.rewards.monitor.ReflectionMonitor` logs them during training.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

REFLECTIVE_WORDS_EN = (
    "wait",
    "mistake",
    "however",
    "but",
    "retry",
    "error",
    "verify",
    "wrong",
    "evaluate",
    "check",
)
"""The reflective words whose frequency DeepSeek-R1 tracks during RL (the "aha moment")."""


REFLECTIVE_WORDS_ZH = (
    "等等",
    "等一下",
    "错误",
    "错了",
    "但是",
    "然而",
    "不过",
    "重试",
    "重新",
    "验证",
    "检查",
    "不对",
)
"""Their Chinese counterparts (wait, mistake/wrong, but/however, retry/again, verify, check, not right)."""


REFLECTIVE_WORDS: dict[str, tuple[str, ...]] = {
    "en": REFLECTIVE_WORDS_EN,
    "zh": REFLECTIVE_WORDS_ZH,
    "all": REFLECTIVE_WORDS_EN + REFLECTIVE_WORDS_ZH,
}


class ReflectiveWords:
    """Counts reflective words in text: whole words for alphabetic scripts, substrings for CJK.

    Matching is case-insensitive and non-overlapping, longest entry first, so a list holding both
    "等等" and "等" counts "等等" once. Only the listed forms count ("checking" is not "check").

    Args:
        words: a preset (``"en"``, ``"zh"``, ``"all"``) or the words themselves.

    >>> ReflectiveWords("en").count("Wait, but is that right? Let me check. Checking again: wait.")
    4
    >>> ReflectiveWords("zh").count("等等，这里错了，重新验证一下。")
    4
    """

    def __init__(self, words: str | Sequence[str] = "en"):
        if isinstance(words, str):
            if words not in REFLECTIVE_WORDS:
                raise ValueError(
                    f"unknown reflective-word preset {words!r}; choose from {sorted(REFLECTIVE_WORDS)} "
                    "or pass a list of words"
                )
            words = REFLECTIVE_WORDS[words]
        words = [w.strip() for w in words]
        if not words or not all(words):
            raise ValueError(f"reflective words must be non-empty strings, got {words!r}")
        self.words = tuple(dict.fromkeys(words))
        parts = []
        for w in sorted(self.words, key=len, reverse=True):
            left = r"\b" if re.match(r"\w", w[0]) and not _is_cjk(w[0]) else ""
            right = r"\b" if re.match(r"\w", w[-1]) and not _is_cjk(w[-1]) else ""
            parts.append(f"{left}{re.escape(w.lower())}{right}")
        # Matching lower-cased text is about 2x faster than re.IGNORECASE.
        self._pattern = re.compile("|".join(parts))

    def find(self, text: str) -> list[str]:
        """The matched words, lower-cased, in order."""
        return self._pattern.findall(text.lower())

    def count(self, text: str) -> int:
        """Number of reflective-word occurrences in ``text``."""
        return len(self.find(text))

    def __getstate__(self) -> dict:
        return {"words": self.words}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["words"])


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def reflective_words_per_1k_tokens(
    texts: Sequence[str], num_tokens: Sequence[int], words: ReflectiveWords | str | Sequence[str] = "en"
) -> float:
    """Reflective-word occurrences per 1,000 tokens, pooled: ``1000 * sum(counts) / sum(tokens)``.

    >>> reflective_words_per_1k_tokens(["wait, check", "fine"], [10, 30])
    50.0
    """
    if len(texts) != len(num_tokens):
        raise ValueError(f"{len(texts)} texts but {len(num_tokens)} token counts")
    counter = words if isinstance(words, ReflectiveWords) else ReflectiveWords(words)
    total = sum(num_tokens)
    return 0.0 if total == 0 else 1000.0 * sum(counter.count(t) for t in texts) / total


def chain_of_thought(text: str) -> str:
    """The reasoning of a completion: the closed ``<think>`` block, else what follows an unclosed
    ``<think>`` (a truncated completion is still reasoning), else the whole text.

    >>> chain_of_thought("<think>so 3</think>3"), chain_of_thought("<think>so 3 and"), chain_of_thought("3")
    ('so 3', 'so 3 and', '3')
    """
    from trl_r1.text.completion import THINK_START, parse_completion

    reasoning = parse_completion(text).reasoning
    if reasoning is not None:
        return reasoning
    start = text.rfind(THINK_START)
    return text[start + len(THINK_START) :].strip() if start >= 0 else text
