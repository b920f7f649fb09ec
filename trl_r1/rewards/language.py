r"""Language consistency: how much of the chain of thought is in the target language?

DeepSeek-R1 (paper, section 2.3.2) found that R1-Zero's chains of thought mix languages, and added
a language-consistency reward "calculated as the proportion of target language words in the CoT",
summed with the accuracy reward. :func:`language_consistency` computes that proportion:

1. LaTeX (``$…$``, ``\[…\]``, environments, commands), code (fenced and inline), URLs and numbers
   are removed: they belong to no language.
2. What is left is cut into units: one per Han / kana character (CJK counts per character), one
   per whitespace word in every other script.
3. A unit counts for the target when its script is the target's (Han for ``zh``, Cyrillic for
   ``ru``...). Scripts several languages share are decided sentence by sentence: a small stopword
   model for common Latin and Cyrillic languages (en fr de es it pt nl ru uk bg), with seeded
   ``langdetect`` only for sentences the model cannot call and for other languages.

It is deterministic and takes well under 2 ms for a 4 KB chain of thought (see
``benchmarks/rewards.py``), while per-sentence ``langdetect`` (``method="langdetect"``, the
reference) takes hundreds.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, prompt_text, require_column, texts_of
from trl_r1.text.completion import parse_completion
from trl_r1.text.templates import R1_INSTRUCTION, R1_ZERO_INSTRUCTION

logger = logging.getLogger(__name__)

UNDETERMINED = "und"
METHODS = ("fast", "langdetect")

# ---------------------------------------------------------------------------------------------
# Removing what belongs to no language
# ---------------------------------------------------------------------------------------------

_NON_LANGUAGE = re.compile(
    r"```.*?(?:```|\Z)"  # fenced code (an unclosed fence runs to the end)
    r"|`[^`\n]*`"  # inline code
    r"|\$\$.*?\$\$|\\\[.*?\\\]|\\\(.*?\\\)|\$[^$]*\$"  # display and inline math
    r"|\\begin\{([a-zA-Z*]+)\}.*?\\end\{\1\}"  # LaTeX environments
    r"|\\[a-zA-Z]+\*?"  # stray LaTeX commands
    r"|https?://\S+|www\.\S+"  # URLs
    r"|\d+(?:[.,]\d+)*",  # numbers
    re.S,
)


def strip_non_language(text: str) -> str:
    """``text`` without LaTeX, code, URLs and numbers (each replaced by a space)."""
    return _NON_LANGUAGE.sub(" ", text)


# ---------------------------------------------------------------------------------------------
# Units and scripts
# ---------------------------------------------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana + Han: one unit per character
_UNIT = re.compile(
    rf"(?P<b>[.!?;。！？；\n]+)"  # sentence boundary
    rf"|(?P<c>[{_CJK}])"
    rf"|(?P<w>[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)*)"
)

# First code point of each script block (sorted); anything not listed counts as "Other".
_SCRIPT_BLOCKS = [
    (0x0000, "Latin"), (0x0250, "Other"), (0x0370, "Greek"), (0x0400, "Cyrillic"), (0x0530, "Armenian"),
    (0x0590, "Hebrew"), (0x0600, "Arabic"), (0x0780, "Other"), (0x0900, "Devanagari"), (0x0980, "Bengali"),
    (0x0A00, "Gurmukhi"), (0x0A80, "Gujarati"), (0x0B00, "Other"), (0x0B80, "Tamil"), (0x0C00, "Telugu"),
    (0x0C80, "Kannada"), (0x0D00, "Malayalam"), (0x0D80, "Other"), (0x0E00, "Thai"), (0x0E80, "Other"),
    (0x10A0, "Georgian"), (0x1100, "Hangul"), (0x1200, "Other"), (0x1E00, "Latin"), (0x1F00, "Greek"),
    (0x2000, "Other"), (0x3040, "Kana"), (0x3100, "Other"), (0x3400, "Han"), (0x4DC0, "Other"),
    (0x4E00, "Han"), (0xA000, "Other"), (0xAC00, "Hangul"), (0xD7B0, "Other"), (0xF900, "Han"),
    (0xFB00, "Other"),
]  # fmt: skip
_BLOCK_STARTS = [s for s, _ in _SCRIPT_BLOCKS]


def _script(ch: str) -> str:
    return _SCRIPT_BLOCKS[bisect_right(_BLOCK_STARTS, ord(ch)) - 1][1]


# Languages whose script no other supported language uses: the script alone decides.
_UNIQUE_SCRIPT = {
    "zh": "Han", "ko": "Hangul", "el": "Greek", "he": "Hebrew", "th": "Thai", "bn": "Bengali",
    "pa": "Gurmukhi", "gu": "Gujarati", "ta": "Tamil", "te": "Telugu", "kn": "Kannada", "ml": "Malayalam",
    "ka": "Georgian", "hy": "Armenian",
}  # fmt: skip
# Scripts shared by several languages: decided per sentence.
_SHARED_SCRIPT = {
    "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic", "mk": "Cyrillic",
    "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari",
}  # fmt: skip
_LANGDETECT_LANGS = frozenset(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml mr ne nl no "
    "pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh".split()
)
SUPPORTED_LANGUAGES = frozenset(_LANGDETECT_LANGS | set(_UNIQUE_SCRIPT) | set(_SHARED_SCRIPT))

# A cheap model for Latin and Cyrillic sentences: frequent function words that tell languages apart.
_STOPWORDS = {
    "en": "the and of to is in that we this it for are with so be then have not by as on which can from but "
    "let if there at an our since must now each get find thus therefore what when where how has was were "
    "its these those or also need into because",
    "fr": "le la les des du et est que une un dans pour pas sur avec ce cette qui nous sont donc il elle "
    "on au aux se par plus ou mais comme si alors ainsi soit être",
    "de": "der die das und ist nicht mit den dem ein eine zu von auf für sich wir es im sind dass also "
    "wenn oder auch noch dann nach bei aus wie diese durch",
    "es": "el la los las de y que en un una es por con para no se del al lo como más pero sus este esta "
    "entonces son hay cuando tenemos debe",
    "it": "il la di che è e un una per non con sono del della nel alla gli le si come anche questo quindi "
    "dei delle abbiamo",
    "pt": "o a os as de e que em um uma é por com para não se do da no na dos das ao mais como mas então "
    "são temos isso este esta",
    "nl": "de het een en van is dat in op te niet met voor zijn er die aan als ook dan we wij dus om bij "
    "maar nog naar",
    "ru": "и в не на что это как по но из у за от к же так мы то все его она он они для бы если да или уже "
    "при только когда чтобы значит получаем тогда равно есть",
    "uk": "і в не на що це як по але з у за від до ми та так його вона він вони для би якщо або вже при "
    "тільки коли щоб отже маємо тоді дорівнює є",
    "bg": "и в не на че това как по но от за към да ние е са се той тя те ако или вече при само когато "
    "значи получаваме тогава равно",
}
_STOP = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_STOP_SCRIPT = {lang: "Cyrillic" if lang in ("ru", "uk", "bg") else "Latin" for lang in _STOP}


def normalize_language(code: str) -> str:
    """ISO 639-1 primary subtag, lower case: ``"zh-CN"`` -> ``"zh"``, ``"EN_us"`` -> ``"en"``."""
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]


def _check_language(code: Any, where: str) -> str:
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{where}: expected an ISO 639-1 language code such as 'en' or 'zh', got {code!r}")
    lang = normalize_language(code)
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"{where}: unsupported language {code!r}; use an ISO 639-1 code among {sorted(SUPPORTED_LANGUAGES)}"
        )
    return lang


# ---------------------------------------------------------------------------------------------
# langdetect, seeded (deterministic), for what the fast path cannot decide
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _langdetect(text: str) -> str:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    try:
        return normalize_language(detect(text))
    except LangDetectException:
        return UNDETERMINED


# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------


class _Sentence:
    """One sentence of stripped text: its word units, its CJK characters, and its text."""

    __slots__ = ("words", "chars", "text")

    def __init__(self, words: list[str], chars: str, text: str):
        self.words, self.chars, self.text = words, chars, text

    @property
    def units(self) -> int:
        return len(self.words) + len(self.chars)


def _sentences(text: str) -> list[_Sentence]:
    """Cut stripped ``text`` into sentences of units (single Latin letters are variables: dropped)."""
    out: list[_Sentence] = []
    words: list[str] = []
    chars: list[str] = []
    start = end = -1
    for m in _UNIT.finditer(text):
        kind = m.lastgroup
        if kind == "b":
            if words or chars:
                out.append(_Sentence(words, "".join(chars), text[start:end]))
            words, chars, start = [], [], -1
            continue
        if kind == "c":
            chars.append(m.group())
        else:
            w = m.group()
            if len(w) == 1 and _script(w) == "Latin":
                continue
            words.append(w)
        if start < 0:
            start = m.start()
        end = m.end()
    if words or chars:
        out.append(_Sentence(words, "".join(chars), text[start:end]))
    return out


def _stopword_hits(words: list[str], script: str) -> dict[str, int]:
    lowered = [w.lower() for w in words]
    return {lang: sum(w in stop for w in lowered) for lang, stop in _STOP.items() if _STOP_SCRIPT[lang] == script}


def _sentence_language(words: list[str], target: str, script: str) -> str:
    """Language of a sentence's words in a shared script (Latin, Cyrillic...), for matching ``target``."""
    if _STOP_SCRIPT.get(target) == script:
        hits = _stopword_hits(words, script)
        best = max(hits, key=lambda lang: (hits[lang], lang == target))
        if hits[best] > 0:
            return best if hits[best] > hits[target] else target
        if len(words) < 4:
            return target  # a fragment ("Let", "Case two") with no evidence: do not penalise it
    return _langdetect(" ".join(words))


def language_consistency(text: str, language: str, method: str = "fast") -> float:
    """Fraction of the language units of ``text`` that are in ``language`` (1.0 when there are none).

    Args:
        text: a chain of thought (any text).
        language: ISO 639-1 code of the target language (``en``, ``zh``, ``fr``...).
        method: ``"fast"`` (script counting + stopword model, langdetect only where needed) or
            ``"langdetect"`` (each sentence labelled by seeded langdetect, the whole sentence counting
            for its label: the slow reference).

    >>> language_consistency("We add the two numbers: $3+4=7$.", "en")
    1.0
    >>> language_consistency("我们把数相加。So we get seven.", "zh")  # 6 Han characters, 4 English words
    0.6
    """
    target = _check_language(language, "language_consistency")
    if method not in METHODS:
        raise ValueError(f"language_consistency: method must be one of {METHODS}, got {method!r}")
    total = matched = 0
    for sentence in _sentences(strip_non_language(text)):
        total += sentence.units
        if method == "langdetect":
            matched += sentence.units if _reference_label(sentence) == target else 0
        else:
            matched += _matched_units(sentence.words, sentence.chars, target)
    return 1.0 if total == 0 else matched / total


def _reference_label(sentence: _Sentence) -> str:
    """Seeded langdetect on one sentence, with one script sanity check: langdetect labels about one
    in ten Han-only sentences Korean (or Japanese); without Hangul (or kana) they are Chinese."""
    lang = _langdetect(sentence.text)
    if lang in ("ko", "ja") and sentence.chars:
        has_hangul = any(_script(w[0]) == "Hangul" for w in sentence.words)
        has_kana = any("\u3040" <= c <= "\u30ff" for c in sentence.chars)
        if not (has_hangul if lang == "ko" else has_kana):
            return "zh"
    return lang


def _matched_units(words: list[str], chars: str, target: str) -> int:
    has_kana = any("\u3040" <= c <= "\u30ff" for c in chars)
    if target == "zh":
        matched = 0 if has_kana else len(chars)
        return matched + sum(_script(w[0]) == "Han" for w in words)
    if target == "ja":
        return len(chars) if has_kana else 0
    script = _UNIQUE_SCRIPT.get(target)
    if script is not None:
        return sum(_script(w[0]) == script for w in words)
    script = _SHARED_SCRIPT.get(target, "Latin")
    same = [w for w in words if _script(w[0]) == script]
    if not same:
        return 0
    return len(same) if _sentence_language(same, target, script) == target else 0


def detect_language(text: str) -> str:
    """ISO 639-1 code of the main language of ``text`` (math and code ignored), or ``"und"``.

    The dominant script decides when one language owns it (Han -> ``zh``, kana -> ``ja``, Hangul
    -> ``ko``...); Latin text goes through the stopword model, then seeded langdetect when the
    stopwords are not conclusive.

    >>> detect_language("求方程 $x^2=4$ 的所有实数解。")
    'zh'
    >>> detect_language("Find all real solutions of $x^2=4$.")
    'en'
    """
    counts: dict[str, int] = {}
    words: list[str] = []
    for sentence in _sentences(strip_non_language(text)):
        ws, chars = sentence.words, sentence.chars
        for c in chars:
            s = "Kana" if "\u3040" <= c <= "\u30ff" else "Han"
            counts[s] = counts.get(s, 0) + 1
        for w in ws:
            s = _script(w[0])
            counts[s] = counts.get(s, 0) + 1
        words += ws
    if not counts:
        return UNDETERMINED
    if counts.get("Kana"):
        counts["Kana"] += counts.pop("Han", 0)
    script = max(counts, key=counts.__getitem__)
    if script == "Kana":
        return "ja"
    for lang, s in _UNIQUE_SCRIPT.items():
        if s == script:
            return lang
    same = [w for w in words if _script(w[0]) == script]
    if script in _STOP_SCRIPT.values():
        hits = _stopword_hits(same, script)
        ranked = sorted(hits.values(), reverse=True)
        if ranked[0] >= 3 and ranked[0] >= 2 * ranked[1]:
            return max(hits, key=hits.__getitem__)
    return _langdetect(" ".join(same))


# ---------------------------------------------------------------------------------------------
# The reward
# ---------------------------------------------------------------------------------------------

_TEMPLATE_INSTRUCTIONS = (R1_ZERO_INSTRUCTION, R1_INSTRUCTION)


def prompt_language(text: str) -> str:
    for instruction in _TEMPLATE_INSTRUCTIONS:  # our templates' English instructions are not the user's language
        text = text.replace(instruction, " ")
    return detect_language(text)


class LanguageConsistencyReward(RewardFunction):
    r"""R1 language-consistency reward: the proportion of target-language words in the chain of thought.

    .. math:: r_{lang}(y) = \frac{|\{\text{units of } \mathrm{CoT}(y) \text{ in the target language}\}|}{|\{\text{units of } \mathrm{CoT}(y)\}|}

    From DeepSeek-R1, section 2.3.2 (summed with the accuracy reward). The chain of thought is the
    reasoning block (the whole completion when there is none); units are CJK characters and other
    words once math, code and numbers are removed (see :func:`language_consistency`). The target
    comes from the ``language`` dataset column (ISO 639-1 codes such as ``en``, ``zh``), else
    ``default_language``, else is detected from the prompt's user text. Returns ``None`` when no
    target can be determined (an empty prompt), logging ``<name>/undetermined_target``.

    Args:
        default_language: target when the dataset has no language column.
        language_column: dataset column naming each row's target language.
        method: ``"fast"`` or ``"langdetect"`` (the slow per-sentence reference).
        name: the name TRL logs under.

    Example:
        >>> from trl_r1.rewards import LanguageConsistencyReward
        >>> reward = LanguageConsistencyReward(default_language="en")
        >>> reward(["<think>We need $x$ such that $2x=6$, so x is three.</think><answer>3</answer>",
        ...         "<think>我们需要 $2x=6$，所以 x 等于三。</think><answer>3</answer>"])
        [1.0, 0.0]
    """

    __name__ = "language_consistency_reward"

    def __init__(
        self,
        default_language: str | None = None,
        language_column: str = "language",
        method: str = "fast",
        name: str | None = None,
    ):
        super().__init__(name)
        self.default_language = (
            None if default_language is None else _check_language(default_language, "LanguageConsistencyReward")
        )
        if method not in METHODS:
            raise ValueError(f"LanguageConsistencyReward: method must be one of {METHODS}, got {method!r}")
        self.language_column = language_column
        self.method = method

    def __call__(
        self,
        completions: Sequence[Any],
        prompts: Sequence[Any] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        **kwargs: Any,
    ) -> list[Reward]:
        n = len(completions)
        column = kwargs.get(self.language_column)
        if column is not None:
            column = require_column(column, self.language_column, n, self.__name__, "")
        if column is None and self.default_language is None and prompts is None:
            raise ValueError(
                f"reward {self.__name__!r} needs a target language: add a {self.language_column!r} dataset "
                "column (ISO 639-1 codes such as 'en', 'zh'), pass LanguageConsistencyReward("
                "default_language='en'), or call it with prompts= to detect the language from them"
            )
        detected: dict[str, str] = {}  # prompt text -> language (the G completions of a group share it)
        rewards: list[Reward] = []
        undetermined = 0
        for i, text in enumerate(texts_of(completions)):
            code = column[i] if column is not None else None
            if isinstance(code, str) and code.strip():
                target = _check_language(code, f"{self.__name__} ({self.language_column!r} column, row {i})")
            elif self.default_language is not None:
                target = self.default_language
            elif prompts is not None:
                key = prompt_text(prompts[i])
                if key not in detected:
                    detected[key] = prompt_language(key)
                target = detected[key]
            else:
                target = UNDETERMINED
            if target == UNDETERMINED:
                undetermined += 1
                rewards.append(None)
                continue
            reasoning = parse_completion(text).reasoning
            rewards.append(language_consistency(text if reasoning is None else reasoning, target, self.method))
        if undetermined:
            logger.warning("%s: no target language for %d of %d completions", self.__name__, undetermined, n)
        self.log_metrics(log_metric, undetermined_target=undetermined / max(n, 1))
        return rewards


language_consistency_reward = LanguageConsistencyReward()
