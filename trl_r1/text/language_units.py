r"""The language units of a text: what belongs to no language removed, scripts, words and stopwords.

:func:`strip_non_language` removes LaTeX, code, URLs and numbers in one linear pass; :func:`script_of`
names a character's script; :func:`tokenize` cuts a stripped text into sentences of words (single Latin
letters dropped) and CJK characters (one unit each), with each sentence's stopword hits
(the stopword lexicon: en fr de es it pt nl ru uk bg function words).
"""

from __future__ import annotations

import re
from bisect import bisect_right

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


# Words a reader sees inside math: \text{...} and its siblings always; the arguments of math-font commands,
# \operatorname and \tag when they are sentences (\mathrm{cm} and \operatorname{lcm} are symbols, not prose).
_TEXT_IN_MATH = re.compile(r"\\(?:text[a-z]*|[mh]box)\s*\{([^{}]*)\}")
_SENTENCE_IN_MATH = re.compile(r"\\(?:math[a-z]+|operatorname\*?|tag\*?)\s*\{([^{}]*)\}")
_TEX_SPACE = re.compile(r"\\[ ,;:!]|~")
# Comments and string literals of the common languages (#, //, /* */, "...", '...', docstrings).
_PROSE_IN_CODE = re.compile(
    r'"""(.*?)"""|\'\'\'(.*?)\'\'\'|/\*(.*?)\*/|\{-(.*?)-\}|\(\*(.*?)\*\)|<!--(.*?)-->|^=begin(.*?)^=end'  # blocks
    r"|(?:#|//)([^\n]*)|(?:^|(?<=\s))--([^\n]*)"  # C, Python, shell; Lua, SQL, Haskell
    r"|^[ \t]*(?:%+|;+|!|'|REM\b)([^\n]*)"  # whole-line comments: MATLAB/TeX, Lisp/asm, Fortran, VB, batch
    r'|"([^"\n]*)"|\'([^\'\n]*)\'',  # string literals
    re.S | re.M,
)
_CODE_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MIN_SENTENCE_WORDS = 4  # a comment or string with this many words (2+ letters) is a sentence, not a label
MIN_SENTENCE_CJK = 8  # ... or this many CJK characters


def _is_sentence(piece: str) -> bool:
    return (
        len(_CODE_WORD.findall(piece)) >= MIN_SENTENCE_WORDS
        or len(_CJK_RUN.findall(piece)) >= MIN_SENTENCE_CJK
    )


def _text_in_math(span: str) -> str:
    """The words a reader sees in a math span: ``\\text{}`` (and siblings) always, and math-font,
    ``\\operatorname`` and ``\\tag`` arguments that are sentences: math is not a hiding place for prose."""
    if "{" not in span or (
        "\\text" not in span
        and "box" not in span
        and "\\math" not in span
        and "\\operatorname" not in span
        and "\\tag" not in span
    ):
        return " "
    pieces = _TEXT_IN_MATH.findall(span) + [
        p for p in (_TEX_SPACE.sub(" ", x) for x in _SENTENCE_IN_MATH.findall(span)) if _is_sentence(p)
    ]
    return " " + "\n".join(_TEX_SPACE.sub(" ", p) for p in pieces) + " " if pieces else " "


def _prose_in_code(code: str) -> str:
    """The comments and string literals of a code block, when together they are a sentence (see
    :data:`MIN_SENTENCE_WORDS`; prose cut into one-line comments is still prose): a code fence is not a
    hiding place for prose, but a block whose comments and strings are a label or two is code."""
    pieces = [next((g for g in m.groups() if g is not None), "") for m in _PROSE_IN_CODE.finditer(code)]
    joined = " ".join(pieces)
    return " " + joined + "\n" if _is_sentence(joined) else " "


def strip_non_language(text: str) -> str:
    """``text`` without LaTeX, code, URLs and numbers (each replaced by a space), keeping what a reader
    reads as prose inside them: the words of ``\\text{}`` inside math, and comments or strings that are
    sentences inside code fences (:func:`_prose_in_code`).

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
        kind = m.lastgroup
        end = m.end()
        kept = " "
        if kind == "code" and _is_sentence(m.group()[1:-1]):
            kept = " " + m.group()[1:-1] + "\n"  # an inline code span holding a sentence is prose
        elif kind in _CLOSER:
            closer = _CLOSER[kind]
            j = -1 if kind in missing else text.find(closer, end)
            if j >= 0:
                inner = text[end:j]
                end = j + len(closer)
                kept = _prose_in_code(inner) if kind == "fence" else _text_in_math(inner)
            elif kind == "fence":
                kept = _prose_in_code(text[end:])
                end = n
            else:
                missing.add(kind)
        elif kind == "env":
            closer = f"\\end{{{m.group('env')}}}"
            key = "env:" + closer
            j = -1 if key in missing else text.find(closer, end)
            if j >= 0:
                kept = _text_in_math(text[end:j])
                end = j + len(closer)
            else:
                missing.add(key)
        out.append(kept)
        pos = end
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Units and scripts
# ---------------------------------------------------------------------------------------------

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana + Han: one unit per character
CJK_CHAR = re.compile(f"[{_CJK}]")
KANA = re.compile("[\u3040-\u30ff]")
# A letter, as one character class (fast): anything but space, digits, punctuation, symbols and CJK,
# so combining marks (Indic vowel signs, Arabic and Hebrew points) stay inside their word.
_NON_LETTER = (
    "\\s\\d_!-/:-@\\[-`{-~\u00a0-\u00bf\u00d7\u00f7\u060c\u061b\u061f\u066a-\u066d\u06d4\u0964\u0965"
    "\u2000-\u2bff\u3000-\u303f\ufe30-\ufe4f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
_LETTER = f"[^{_NON_LETTER}{_CJK}]"
_WORD = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)*")
SENTENCE_END = re.compile(r"[.!?;。！？；।॥؟۔\n]+")

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


# ---------------------------------------------------------------------------------------------
# Words, CJK characters and stopword hits, sentence by sentence
# ---------------------------------------------------------------------------------------------


def words_of(sentence: str) -> list[str]:
    """The words of ``sentence``, lower-cased (one dictionary lookup each for the stopword model).
    Single Latin letters are variable names ("let x be"), not words of any language."""
    return [w for w in _WORD.findall(sentence.lower()) if len(w) > 1 or w >= "\u0250"]


def stopword_hits(words: list[str]) -> dict[str, int]:
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


def tokenize(stripped: str) -> tuple[list[list[str]], list[list[str]], list[dict[str, int]]]:
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
                if CJK_CHAR.match(c):
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
