r"""The answer reader: one reading of a gold or final answer string, shared by every path of the accuracy reward.

This is the only home of the reader. The trainer process imports it as usual; each math-verify worker
loads this very file by path (it imports nothing from trl_r1 but :mod:`trl_r1.text.completion`, which is
pure standard library), so the fast path, the caches and math-verify read a string the same way.

* :func:`canonical_answer` - the string every path compares: Unicode normalised (NFKC plus a small symbol
  map, ``½ √ ° ² ∞ π ×``), invisible characters dropped, one math span or ``\boxed{}`` unwrapped, TeX
  shorthand braced, thousands separators and mixed numbers resolved; ``None`` for what has no single reading.
* :func:`boxed_contents` - the outermost ``\boxed{}`` contents of a text, in one linear pass.
* :func:`prose_answer` - the answer a prose final part states after an answer marker in any script
  (``The answer is``, ``####``, ``答案是``, ``réponse``...), or :data:`NOT_FINAL` for a hedge.
* :func:`is_bare`, :func:`carries_unit` - how math-verify is asked to read a string (in the workers).
* :func:`normalised` - spacing and sizing commands dropped, for string equality of two canonical answers.

Pure standard library and linear in the input: it runs in the trainer process, outside any timeout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from trl_r1.text.completion import strip_invisible

MAX_CANONICAL_CHARS = 2000  # longer strings are passed through untouched (no answer is that long)
CACHED_CHARS = 512  # longer strings (prose answers) are read again rather than kept in memory
NOT_FINAL = "\x00not-final"  # the reading of a final part that states no single answer (a hedge)

# ---------------------------------------------------------------------------------------------
# Unicode: NFKC folds full-width digits and compatibility forms; these symbols NFKC would lose or
# leave as something no TeX reader knows are mapped first (``x²`` would become ``x2`` under NFKC).
# ---------------------------------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
           "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
           "⅞": (7, 8)}  # fmt: skip
_SYMBOLS = {"∞": "\\infty ", "π": "\\pi ", "×": "\\times ", "÷": "\\div ", "·": "\\cdot ", "⋅": "\\cdot ",
            "−": "-", "–": "-", "°": "^\\circ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "±": "\\pm ",
            "∓": "\\mp ", "≈": "\\approx ", "∪": "\\cup ", "∩": "\\cap ", "∨": "\\vee ", "∧": "\\wedge ",
            "\u2044": "/", "\u066b": ".", "\u066c": ",", "€": "", "£": "", "¥": "", "￥": "", "₹": "", "₩": "",
            "¢": ""}  # fmt: skip
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_SQRT_SIGN = re.compile(r"√\s*(\d+(?:\.\d+)?|[a-zA-Z]|\([^()]*\)|\{[^{}]*\})")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def unicode_math_to_tex(s: str) -> str:
    r"""``s`` with Unicode math written as TeX, then NFKC-normalised.

    >>> unicode_math_to_tex("3½"), unicode_math_to_tex("√2"), unicode_math_to_tex("x²"), unicode_math_to_tex("30°")
    ('3\\frac{1}{2}', '\\sqrt{2}', 'x^{2}', '30^\\circ')
    >>> unicode_math_to_tex("１２"), unicode_math_to_tex("2π"), unicode_math_to_tex("∞")
    ('12', '2\\pi', '\\infty')
    """
    if _NON_ASCII.search(s) is None:
        return s
    s = _SUPERSCRIPT_RUN.sub(lambda m: "^{" + m.group().translate(_SUPERSCRIPTS) + "}", s)
    s = "".join(f"\\frac{{{_VULGAR[c][0]}}}{{{_VULGAR[c][1]}}}" if c in _VULGAR else c for c in s)
    s = _SQRT_SIGN.sub(lambda m: "\\sqrt{" + m.group(1).strip("(){}") + "}", s)
    s = "".join(_SYMBOLS.get(c, c) if c in _SYMBOLS else _ascii_digit(c) for c in s)
    return unicodedata.normalize("NFKC", s).strip()


def _ascii_digit(c: str) -> str:
    """A decimal digit of any script as its ASCII digit (``٣`` -> ``3``); any other character unchanged."""
    if c.isascii():
        return c
    d = unicodedata.decimal(c, None)
    return c if d is None else str(d)


# ---------------------------------------------------------------------------------------------
# TeX shorthand, math spans and boxes
# ---------------------------------------------------------------------------------------------

_MATH_SPAN = re.compile(r"\$\$(.*)\$\$|\$(.*)\$|\\\((.*)\\\)|\\\[(.*)\\\]", re.S)
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_SHORTHAND = re.compile(r"\\(?:[dtc]?frac|sqrt)(?![a-zA-Z])")
# \left( and \right) are sizing; \leftarrow, \rightarrow, \leftrightarrow are arrows and stay as written.
_SIZING = re.compile(r"\\(?:left|right|[bB]igg?[lrm]?)(?![a-zA-Z])")


def unescaped_chars(s: str, i: int = 0) -> Iterator[tuple[int, str]]:
    r"""``(index, character)`` of each character of ``s[i:]`` that no backslash escapes: a backslash and the
    character after it (``\{``, ``\\``, the first letter of a command) are passed over together.

    >>> [c for _, c in unescaped_chars(r"a\{b}")]
    ['a', 'b', '}']
    """
    n = len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
            continue
        yield i, s[i]
        i += 1


def group_end(s: str, i: int) -> int | None:
    """The index of the ``}`` that closes the brace group opening at ``s[i]``, or ``None`` when it never closes."""
    depth = 0
    for j, c in unescaped_chars(s, i):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0:
            return j
    return None


def _tex_argument(s: str, i: int) -> tuple[str, int] | None:
    """One TeX macro argument at ``s[i:]`` (spaces skipped): ``{...}``, ``\\name`` or one character."""
    n = len(s)
    while i < n and s[i].isspace():
        i += 1
    if i >= n:
        return None
    if s[i] == "{":
        j = group_end(s, i)
        return None if j is None else (s[i + 1 : j], j + 1)
    if s[i] == "\\":
        j = i + 1
        while j < n and s[j].isalpha():
            j += 1
        return s[i : max(j, i + 2)], max(j, i + 2)
    if s[i] in "}^_":
        return None
    return s[i], i + 1


def expand_tex_shorthand(s: str) -> str:
    r"""Brace the arguments of ``\frac``, ``\dfrac``, ``\tfrac`` and ``\sqrt`` as TeX reads them.

    TeX takes one token per argument when there are no braces: ``\frac12`` is ``\frac{1}{2}``,
    ``\sqrt3`` is ``\sqrt{3}``, ``\frac\pi2`` is ``\frac{\pi}{2}``; ``\dfrac``/``\tfrac`` become ``\frac``.

    >>> expand_tex_shorthand(r"\dfrac12 + \sqrt3")
    '\\frac{1}{2} + \\sqrt{3}'
    """
    if "\\" not in s:
        return s
    out: list[str] = []
    pos = 0
    for m in _SHORTHAND.finditer(s):
        if m.start() < pos:
            continue
        out.append(s[pos : m.start()])
        name = "sqrt" if m.group().endswith("sqrt") else "frac"
        i = m.end()
        parts = []
        if name == "sqrt":
            j = i
            while j < len(s) and s[j].isspace():
                j += 1
            if j < len(s) and s[j] == "[":
                k = s.find("]", j)
                if k < 0:
                    out.append(s[m.start() : i])
                    pos = i
                    continue
                parts.append(s[j : k + 1])
                i = k + 1
        args = []
        for _ in range(1 if name == "sqrt" else 2):
            arg = _tex_argument(s, i)
            if arg is None:
                break
            args.append(arg[0])
            i = arg[1]
        if len(args) != (1 if name == "sqrt" else 2):
            out.append(s[m.start() : m.end()])
            pos = m.end()
            continue
        out.append("\\" + name + "".join(parts) + "".join("{" + expand_tex_shorthand(a) + "}" for a in args))
        pos = i
    out.append(s[pos:])
    return "".join(out)


def balanced(s: str) -> bool:
    """Whether the unescaped braces of ``s`` balance."""
    depth = 0
    for _, c in unescaped_chars(s):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _unwrap(s: str) -> str:
    """``$x$``, ``$$x$$``, ``\\(x\\)``, ``\\[x\\]``, one ``\\boxed{x}`` or one extra brace group around the
    whole string -> ``x``."""
    for _ in range(4):
        s = s.strip()
        if s[-1:] in ".," and _MATH_SPAN.fullmatch(s[:-1].rstrip()):
            s = s[:-1].rstrip()  # "$x$." : the sentence's full stop after the math
        m = _MATH_SPAN.fullmatch(s)
        if m is not None:
            inner = next(g for g in m.groups() if g is not None)
            if "$" not in inner.replace("\\$", "") and "\\(" not in inner and "\\[" not in inner:
                s = inner
                continue
        b = _BOX_OPEN.match(s)
        if b is not None and s.endswith("}") and balanced(s[b.end() : -1]):
            s = s[b.end() : -1]
            continue
        if s.startswith("{") and s.endswith("}") and balanced(s[1:-1]):
            s = s[1:-1]  # "{12}": a brace group is grouping, not a set (a set is written \{...\})
            continue
        break
    return s.strip()


# ---------------------------------------------------------------------------------------------
# canonical_answer
# ---------------------------------------------------------------------------------------------

_TEX_SPACE_IN_NUMBER = re.compile(r"(?<=\d)(?:\\[,!;: ]|~|\{,\})(?=\d)")
_THOUSANDS_SPACE = re.compile(r"[+-]?[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?")
_NEGATIVE_SPACE = re.compile(r"\\!\s*")  # "11,\! 111": TeX's negative thin space, and the space after it
_THOUSANDS_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
# Juxtaposed numbers: "1 1/2" (a mixed number, or 11/2?), "2 3", "1 \frac{1}{2}": no one reading is right.
_AMBIGUOUS_NUMBERS = re.compile(r"[+-]?\d+(?:\.\d+)?\s+(?:\d|\\frac)")
# A mixed number, as MATH writes them: "137 \\frac{1}{2}", "2\\frac{1}{2}", "1 1/2" (whole, proper fraction).
_MIXED_NUMBER = re.compile(r"(-?)(\d+)(?:\s*\\frac\{(\d+)\}\{(\d+)\}|\s+(\d+)/(\d+))")
_NUMBERISH = re.compile(r"[\d\s.,+\-/{}\\a-z!~;:]*")
_UNREADABLE_WORDS = frozenset({"nan", "none", "undefined", "?", "??", "???"})


# Presentation that carries no value: colour, size, style, spacing and invisible boxes; an underline.
_PRESENTATION_ARG = re.compile(
    r"\\(?:color\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}|(?:kern|mkern|hskip|mskip|hspace\*?|vspace\*?)\s*\{?\s*-?[\d.]+\s*"
    r"(?:em|ex|pt|mu|cm|mm|in|pc|bp|sp)\}?|(?:mathstrut|strut|enspace|enskip|thinspace|negthinspace|quad|qquad)"
    r"(?![a-zA-Z])|[>]|(?:large|Large|LARGE|huge|Huge|small|footnotesize|scriptsize|tiny|normalsize|displaystyle"
    r"|textstyle|scriptstyle|scriptscriptstyle|bf|boldmath|rm|normalfont|it|sf|tt)(?![a-zA-Z]))"
)
# Commands whose last argument is the content: unwrapped (optional [...] arguments and leading arguments dropped).
_PRESENTATION_WRAP = re.compile(
    r"\\(?:textcolor|colorbox|fcolorbox|bbox|style|class|emph|pmb|mathsf|mathtt|mathbf|mathnormal|boldsymbol|bm"
    r"|textsf|textsc|textup|textsl|texttt|hbox"
    r"|underline|smash|raisebox|textstyle|displaystyle|cancel|bcancel|xcancel|mathrlap|mathllap|rlap|llap"
    r"|hphantom|vphantom|phantom|rule"
    r"|mathord|mathbin|mathrel|mathop|mathopen|mathclose|mathpunct|mathinner)(?![a-zA-Z])"  # spacing class only
)
# A text or font command around letter-free content (a number, a sign): the content, whatever the font and
# however deep the nesting (innermost first: "\text{\textbf{5}}" -> "\text{5}" -> "5"). Letters stay wrapped:
# "\text{ cm}" is a unit and "\text{or}" a word, never a product of variables.
_FONT_AROUND_NUMBER = re.compile(
    r"\\(?:text(?:bf|it|rm|sf|tt|up|sl|sc|md|normal)?|math(?:rm|it|bf|sf|tt|normal)|mbox|hbox|emph|boldsymbol"
    r"|bm|pmb)\s*\{([^{}\\a-zA-Z]*)\}"
)
_WRAP_ARGS = {
    "textcolor": 2,
    "colorbox": 2,
    "fcolorbox": 3,
    "style": 2,
    "class": 2,
    "raisebox": 2,
    "rule": 2,
    "hphantom": 1,
    "vphantom": 1,
    "phantom": 1,
}
_DROPPED = frozenset({"hphantom", "vphantom", "phantom", "rule"})
_ORDINAL = re.compile(r"(?<=\d)\s*\^\s*\{?\s*\\(?:text|textrm|mathrm)\s*\{\s*(?:st|nd|rd|th)\s*\}\s*\}?")
_SYNONYMS = (
    (re.compile(r"\\text\s*\{\s*\\%\s*\}"), r"\\%"),
    (re.compile(r"\\varnothing(?![a-zA-Z])"), r"\\emptyset"),
    (re.compile(r"\\langle(?![a-zA-Z])"), "("),
    (re.compile(r"\\rangle(?![a-zA-Z])"), ")"),
)
# A control word TeX does not know, made of a known command and more letters: "\pir" is not "\pi r",
# "\nablaf" is not "\nabla f" (TeX stops with "undefined control sequence"; readers guess at a split).
_RUN_ON_COMMAND = re.compile(
    r"\\(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon|phi"
    r"|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega|sin|cos|tan|cot|sec|csc|log|ln|lg|exp"
    r"|sqrt|frac|dfrac|tfrac|infty|inf|sum|prod|int|lim|max|min|gcd|det|arc|nabla|partial|hbar|ell|cdot|times"
    r"|div|pm|mp|angle|circ|forall|exists)[a-zA-Z]+"
)
# Control words that start like a function or letter above and are real TeX commands.
_KNOWN_GREEK_PREFIXED = frozenset(
    "\\" + w
    for w in "pitchfork multicolumn multirow numberwithin sinh cosh tanh coth sech csch arcsin arccos arctan "
    "arccot arcsec arccsc lnot lneq lneqq lnapprox lnsim infty intercal intop integral iint iiint oint limits "
    "liminf limsup nolimits maxima infinity_ sumlimits prodlimits expandafter gcdsum detail cdots cdotp pmod pmb "
    "divideontimes circeq circledS circledast circledcirc circleddash circlearrowleft circlearrowright".split()
)


def _unwrap_command(s: str, pattern: re.Pattern) -> str:
    """``\\cmd[opt]{a}{X}`` -> ``X`` (``""`` for phantoms and rules) for every match of ``pattern``."""
    for _ in range(16):
        m = pattern.search(s)
        if m is None:
            return s
        name = m.group()[1:]
        i = m.end()
        while True:  # optional [...] arguments
            j = i
            while j < len(s) and s[j].isspace():
                j += 1
            if j < len(s) and s[j] == "[" and (k := s.find("]", j)) > 0:
                i = k + 1
            else:
                break
        args = []
        for _ in range(_WRAP_ARGS.get(name, 1)):
            arg = _tex_argument(s, i)
            if arg is None:
                return s
            args.append(arg[0])
            i = arg[1]
        s = s[: m.start()] + ("" if name in _DROPPED else args[-1]) + s[i:]
    return s


def strip_presentation(s: str) -> str:
    r"""``s`` without presentation that carries no value (colour, size, style, spacing, phantoms, underline,
    bold), ordinal suffixes (``5^{\text{th}}``) and with synonyms written one way (``\varnothing``, ``\langle``).

    >>> strip_presentation(r"\textcolor{blue}{5}"), strip_presentation(r"\large 5"), strip_presentation(r"\vphantom{6}5")
    ('5', '5', '5')
    """
    if "\\" not in s:
        return s
    s = _PRESENTATION_ARG.sub("", _unwrap_command(s, _PRESENTATION_WRAP))
    for _ in range(16):  # bounded: each pass removes one nesting level
        s, unwrapped = _FONT_AROUND_NUMBER.subn(r"\1", s)
        if not unwrapped:
            break
    s = _ORDINAL.sub("", s)
    for pattern, repl in _SYNONYMS:
        s = pattern.sub(repl, s)
    return s.strip()


def read_answer(s: str) -> str | None:
    r"""The string both the fast path and math-verify read, or ``None`` when unreadable (not cached).

    Unicode math becomes TeX (:func:`unicode_math_to_tex`) and invisible characters are dropped; one
    math span, ``\boxed{}`` or brace group around the whole string is unwrapped; TeX shorthand is
    braced (``\frac12`` -> ``\frac{1}{2}``); sizing commands go (``\left(``, never ``\leftarrow``);
    numbers lose thousands separators (``1,000``, ``1 000``, ``1\,000``) and a trailing full stop
    (``5.``); a mixed number (``1 1/2``, ``137 \frac{1}{2}``: a whole number, a space, a proper
    fraction, as MATH writes them) becomes its improper fraction. A comma that is not a thousands
    separator stays a list separator (``0,5`` is the list 0, 5, never 0.5). Unreadable: empty,
    unbalanced braces, ``nan``/``???``, or other juxtaposed numbers (``2 3``, ``1 3/2``).

    >>> read_answer(r"$\frac12$"), read_answer("1 000"), read_answer("5."), read_answer("1 1/2")
    ('\\frac{1}{2}', '1000', '5', '\\frac{3}{2}')
    >>> read_answer("2 3") is None, read_answer("0,5"), read_answer(r"p \leftarrow q")
    (True, '0,5', 'p \\leftarrow q')
    """
    if not isinstance(s, str):
        return None
    s = strip_invisible(s)
    if len(s) > MAX_CANONICAL_CHARS:
        return s.strip() or None
    s = _unwrap(unicode_math_to_tex(s).replace("\\$", ""))  # an escaped dollar is a currency sign, not math
    if not s or s.lower() in _UNREADABLE_WORDS or not balanced(s):
        return None
    if "\\" in s:
        if any(m.group() not in _KNOWN_GREEK_PREFIXED for m in _RUN_ON_COMMAND.finditer(s)):
            return None  # "\pir": an undefined control sequence, which readers guess at (pi times r)
        s = _SIZING.sub("", expand_tex_shorthand(strip_presentation(s)))
        s = _unwrap(s)
    if s.endswith(".") and not s.endswith("..") and not s.endswith("\\.") and balanced(s[:-1]):
        s = s[:-1].rstrip()  # the sentence's full stop inside the box: "120^{\circ}."
    if _NUMBERISH.fullmatch(s):
        s = _NEGATIVE_SPACE.sub("", _TEX_SPACE_IN_NUMBER.sub("", s))
        if s.endswith(".") and s[:-1].rstrip()[-1:].isdigit():
            s = s[:-1].rstrip()
        if _THOUSANDS_SPACE.fullmatch(s) or _THOUSANDS_COMMA.fullmatch(s):
            s = s.replace(" ", "").replace(",", "")
        elif (m := _MIXED_NUMBER.fullmatch(s)) is not None:
            whole, num, den = int(m.group(2)), int(m.group(3) or m.group(5)), int(m.group(4) or m.group(6))
            if not 0 < num < den:
                return None  # "1 3/2": not a mixed number, and no other reading is sure
            s = f"{m.group(1)}\\frac{{{whole * den + num}}}{{{den}}}"
        elif _AMBIGUOUS_NUMBERS.match(s):
            return None
        if s.startswith("+") and s[1:2].isdigit():
            s = s[1:]
    return s or None


@lru_cache(maxsize=1 << 16)
def _read_cached(s: str) -> str | None:
    return read_answer(s)


def canonical_answer(s: str) -> str | None:
    """:func:`read_answer`, remembered for short strings (a gold repeats G times a step).

    >>> canonical_answer(r"\\boxed{{12}}")
    '12'
    """
    if not isinstance(s, str):
        return None
    return _read_cached(s) if len(s) <= CACHED_CHARS else read_answer(s)


# ---------------------------------------------------------------------------------------------
# How math-verify is asked to read a string (used in the workers)
# ---------------------------------------------------------------------------------------------

_PROSE_WORD = re.compile(r"(?:(?<=\s)|^)[a-zA-Z]{2,}(?=[\s.,;:!?]|$)")
_SHORT_PROSE = frozenset("is of to be so it we an as at if in on by no or am".split())
_TEXT_CMD = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname|begin|end)\s*\{[^{}]*\}")
MATH_WORDS = frozenset(
    "sin cos tan cot sec csc log ln exp sqrt pi inf infty lim max min gcd lcm mod det deg or and".split()
)


def is_bare(s: str) -> bool:
    """A bare answer (``\\frac{1}{2}``, ``2ab+bc``, a matrix, ``10\\text{ cm}``) rather than prose with math in it.

    Bare answers are read whole, as if boxed, or not at all; prose is left to math-verify's own
    extraction ("the answer is $3$"). Prose means two or more whitespace-separated words (not
    letter products such as ``2ab+bc``, not environment names or ``\\text{}`` contents).

    >>> is_bare(r"2ab+bc"), is_bare("the answer is $3$")
    (True, False)
    """
    if "$" in s.replace("\\$", "") or "\\(" in s or "\\[" in s:
        return False
    words = [
        w
        for w in _PROSE_WORD.findall(_TEXT_CMD.sub(" ", s))
        if w.lower() not in MATH_WORDS
        and (len(w) > 2 and re.search("[aeiouy]", w, re.I) or w.lower() in _SHORT_PROSE)
    ]
    return len(words) < 2


# Units that switch math-verify's unit stripping on when a string ends with one (latex2sympy2's own list
# also holds "ab", "bc", "am", "by", "men": letter products and words, which must stay as written).
UNIT_WORDS = frozenset(
    "mm cm dm km kg mg ml lb lbs oz ft feet foot inch inches yard yards mile miles meter meters metre metres "
    "liter liters litre litres gallon gallons hour hours hr hrs minute minutes min mins sec secs second seconds "
    "day days week weeks month months year years degree degrees deg dollar dollars cent cents percent unit units "
    "sq square cubic mph kmh kmph acre acres hectare hectares".split()
)

_UNIT_SUFFIX = re.compile(
    r"(?:\\(?:text[a-z]*|mbox|math(?:rm|bf|it))\s*\{([^{}]*)\}(?:\^\{?\d\}?)?|(?<=[\d}\s])\s*([a-zA-Z]{2,}))\s*$"
)


def carries_unit(s: str) -> bool:
    """Whether ``s`` ends with a unit (``\\text{ cm}``, ``10 meters``): only then is math-verify's unit
    normalisation on, so unit-like letters (c, d, g, h, s, t) stay variables everywhere else.

    >>> carries_unit(r"10\\text{ cm}"), carries_unit(r"15\\text{ or 16}"), carries_unit("3t")
    (True, False, False)
    """
    m = _UNIT_SUFFIX.search(s)
    if m is None:
        return False
    # "\\text{ cm}", "\\mbox{ square units}", "12 inches": every word a unit. "\\text{Evelyn}" or
    # "\\text{ or 16}" is not a unit, and unit stripping would drop it (a hedge would then read as 15).
    words = (m.group(1) if m.group(1) is not None else m.group(2)).lower().split()
    return bool(words) and all(w in UNIT_WORDS for w in words)


# ---------------------------------------------------------------------------------------------
# Boxes and prose final answers
# ---------------------------------------------------------------------------------------------

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


# Where a prose final part states its answer, in the scripts of the benchmarks R1 is evaluated on
# (English, Chinese, GSM8K's "####") and the languages the language reward supports.
_ANSWER_MARKER = re.compile(
    r"####|"
    r"answer\s*(?:is|:|=|would\s+be|will\s+be|isn't|wasn't|was|can't\s+be|cannot\s+be|must\s+be|should\s+be"
    r"|equals|exceeds)(?![a-zA-Z])|"
    r"(?:答案|结果|答|解答)\s*(?:是|为|為|应该是|應該是|:|：|＝|=)|最终答案\s*(?:是|为|:|：)?|"
    r"答えは|정답은|답은|"
    r"r[ée]ponse\s*(?:finale\s*)?(?:n['’]\s*)?(?:est|:|=)|respuesta\s*(?:final\s*)?(?:no\s+)?(?:es|:|=)|"
    r"antwort\s*(?:ist|lautet|:|=)|risposta\s*(?:finale\s*)?(?:è|e|:|=)|resposta\s*(?:final\s*)?(?:é|e|:|=)|"
    r"antwoord\s*(?:is|:|=)|ответ\s*(?:[:=—–-]|будет|равен)?|відповідь\s*(?:[:=—–-])?|"
    r"cevap\s*(?::|=)|đáp\s+án\s*(?:là|:|=)",
    re.IGNORECASE,
)
# A disjunction: two candidates offered for one answer, in the same scripts.
HEDGE = re.compile(
    r"(?<![a-zA-Z])(?:or|ou|oder|oppure|или|або|veya|ya\s+da|hoặc)(?![a-zA-Z\u00C0-\u024F\u0400-\u04FF])|"
    r"或者|或是|或|还是|還是|または|もしくは|또는|혹은|\\(?:vee|lor)(?![a-zA-Z])",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？!?\n]|[.;](?=\s|$)|,\s+(?=[^\W\d_]{2,})")
_LEADING = re.compile(r"^(?:[\s:：=*_#>]|-(?![\d.\\$(]))+")  # a minus sign before the value is the value's
_TRAILING = re.compile(r"[\s.。,，;；:：!！?？*_]+$")


def _math_span_at(s: str) -> tuple[str, int] | None:
    """The contents and end of a ``$...$``, ``$$...$$``, ``\\(...\\)`` or ``\\[...\\]`` span opening ``s``."""
    for opener, closer in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if s.startswith(opener):
            j = s.find(closer, len(opener))
            while j > 0 and closer == "$" and s[j - 1] == "\\":
                j = s.find(closer, j + 1)  # an escaped dollar is a currency sign inside the span
            return (s[len(opener) : j], j + len(closer)) if j >= 0 else None
    return None


# A bound, a negation or an estimate before the value: "at least 5", "isn't 5", "about 5", "至少 5".
QUALIFIER = re.compile(
    r"n't(?![a-zA-Z])|(?<![a-zA-Z])(?:at\s+(?:least|most)|(?:less|more|greater|fewer|smaller|larger|bigger)\s+than|not|no"
    r"|never|approximately|approx|about|around|roughly|nearly|almost|close\s+to|maybe|perhaps|possibly|probably"
    r"|likely|might|could|may|either|between|over|under|above|below|up\s+to|au\s+moins|au\s+plus|environ|pas"
    r"|minimum|maximum|upwards\s+of|in\s+excess\s+of|exceeds|beyond|anything\s+but|other\s+than|cannot|can't"
    r"|different\s+from|except|roughly|some|somewhere|within|mehr\s+als|weniger\s+als|plus\s+de|moins\s+de"
    r"|más\s+de|menos\s+de|больше|меньше|более|менее"
    r"|mindestens|höchstens|ungefähr|nicht|al\s+menos|aproximadamente|no\s+es|не|около|примерно"
    r"|como\s+m[íi]nimo|como\s+m[áa]ximo|pelo\s+menos|no\s+m[íi]nimo|no\s+m[áa]ximo|cerca\s+de|mais\s+de|não"
    r"|almeno|al\s+massimo|al\s+più|circa|più\s+di|meno\s+di|non|minstens|ten\s+minste|hoogstens|ongeveer"
    r"|meer\s+dan|minder\s+dan|niet|en\s+az|en\s+fazla|yaklaşık|değil|ít\s+nhất|nhiều\s+nhất|khoảng|không"
    r"|щонайменше|принаймні|щонайбільше|приблизно|близько|більше|менше)(?![a-zA-Z])|"
    r"至少|至多|最多|最少|大约|大概|约|不是|不|可能|或许|也许|超过|少于|多于|以上|以下|左右|前后|上下|"
    r"少なくとも|多くとも|約|最大|最小|未満|ではない|적어도|최소|최대|이상|이하|미만|아니",
    re.IGNORECASE,
)
# A second guess after the stated value: in its own sentence a condition or an alternative; in a later
# sentence an alternative that brings another value ("Or maybe 6.", "Wait, it might be 6.").
_CONDITION = re.compile(
    r"(?<![a-zA-Z])(?:or|unless|except|if|when|provided|assuming|otherwise|maybe|perhaps|possibly|might|ou|sinon"
    r"|oder|wenn|falls|si|o|или|если|though|although|but|however|also|approximately|roughly|more|less|plus"
    r"|minus|give\s+or\s+take|at\s+most|at\s+least|or\s+more|or\s+less|or\s+fewer|and\s+up|and\s+above|and\s+below"
    r"|tops)(?![a-zA-Z])|或|如果|除非|否则|可能|也许|或许|若|左右|以上|以下|前后|上下|多|约|但",
    re.IGNORECASE,
)
_SECOND_GUESS = re.compile(
    r"(?<![a-zA-Z])(?:or|maybe|perhaps|possibly|might|could|wait|alternatively|actually|hmm|however|also|ou"
    r"|peut-être|oder|vielleicht|или|может)(?![a-zA-Z])|或|也许|或许|可能|等等|不对|也",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"[\d$]|\\\(|\\\[|\\[a-zA-Z]|(?<![a-zA-Z])(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?![a-zA-Z])",
    re.IGNORECASE,
)


_CLARIFICATION = re.compile(
    r"(?:,|\(|，)?\s*(?:not|and\s+not|rather\s+than|instead\s+of|а\s+не|y\s+no|et\s+non"
    r"|und\s+nicht|e\s+non|e\s+não|而不是|不是)\s+[^,;.)]*\)?",
    re.IGNORECASE,
)
_NEGATED_MARKER = re.compile(r"n't|cannot|n['’]\s*est|\bno\s+es\b|\bexceeds\b", re.IGNORECASE)
_AFFIRMATIVE = re.compile(
    r"^(?:\s*(?:exactly|precisely|indeed|clearly|obviously|therefore|thus|hence|so|then|simply|just|equal\s+to"
    r"|given\s+by|definitely|certainly|now|still|also)(?![a-zA-Z])[\s,:]*)+",
    re.IGNORECASE,
)
_NEGATIVE_WORD = re.compile(r"^\s*(?:negative|minus)\s+(?=\$?\d)", re.IGNORECASE)
_EXPLANATION = re.compile(
    r"\s*[(,]?\s*(?<![a-zA-Z])(?:because|since|as|which|where|from|by|given|due\s+to|i\.e\.?|e\.g\.?|that\s+is"
    r"|car|puisque|weil|da|porque|ya\s+que|поскольку|так\s+как)(?![a-zA-Z])|\s*[(（]?\s*(?:因为|由于)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    w: k
    for k, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORD = re.compile(
    r"^(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?=\s*[.。!]?\s*$)",
    re.IGNORECASE,
)
_NOT_X_BUT = re.compile(r"^\s*not\s+\$?[^\s$]+\$?,?\s+but\s+", re.IGNORECASE)


# Words (two or more letters, any script) closing a prose answer.
_TRAILING_WORDS = re.compile(r"(?:\s+[^\W\d_]{2,})+$")
# A copula closing the sentence after the value: "정답은 5입니다", "答えは5です".
_COPULA = re.compile(r"\s*(?:입니다|이다|이에요|예요|です|である|だ)$")


def _qualified(before_value: str) -> bool:
    """Whether a bound, a negation or an estimate stands right before the value (within four words)."""
    words = _TEXT_ARG.sub(r" \1 ", before_value).split()
    return len(words) <= 4 and QUALIFIER.search(" ".join(words)) is not None


_SCALE_WORDS = frozenset("hundred thousand million billion trillion".split())


def _trailing_prose(answer: str) -> bool:
    """Whether prose follows a prose value: more than the one word naming what is counted (``18 eggs``) or
    its units (``12 square feet``, ``5 thousand``). A phrase (``5 at the very least``, ``5 au minimum``) may
    qualify the value in any language, so it is refused whatever its words."""
    m = _TRAILING_WORDS.search(answer)
    if m is None:
        return False
    words = [w.lower() for w in m.group().split()]
    if all(w in UNIT_WORDS or w in _SCALE_WORDS for w in words):
        return False
    return len(words) > 1 or QUALIFIER.fullmatch(words[0]) is not None


def _statements(text: str) -> list[re.Match]:
    """The answer markers of ``text`` followed by a value in their sentence (a marker with no value, "the
    answer is the same as in part (a)", states nothing)."""
    out = []
    for m in _ANSWER_MARKER.finditer(text):
        rest = text[m.end() :]
        stop = _SENTENCE_END.search(rest)
        if _VALUE.search(rest[: stop.start()] if stop else rest):
            out.append(m)
    return out


def prose_answer(text: str) -> str | None:
    r"""The answer a prose final part states, :data:`NOT_FINAL` for a hedge, ``None`` when it names none.

    The rule: the last answer marker that is followed by a value in its sentence (``The answer is``,
    ``Final answer:``, ``####``, ``答案是``, ``réponse :``, ``Antwort ist``, ``ответ:`` ...) states the
    answer - a math span, or the text up to the end of its sentence. It is :data:`NOT_FINAL` (a hedge)
    when it offers a disjunction (``5 or 6``, ``5 或 6``, ``$5$ ou $6$``), when a bound, a negation or an
    estimate precedes the value (``at least 5``, ``isn't 5``, ``about 5``), when its own sentence goes on
    with a condition or an alternative (``5, unless n is even``), or when a later sentence second-guesses
    it with another value (``Or maybe 6.``, ``Wait, it might be 6.``). A marker-less final part is a hedge
    when its last sentence offers a disjunction.

    >>> prose_answer("所以答案是 9。"), prose_answer("#### 18"), prose_answer("The answer is $\\frac{1}{2}$, i.e. half.")
    ('9', '18', '\\frac{1}{2}')
    >>> [prose_answer(t) == NOT_FINAL for t in ("The answer is 5 or 6.", "The answer is at least 5.", "The answer is 5. Or maybe 6.")]
    [True, True, True]
    >>> prose_answer("We are done.") is None, prose_answer("The answer is 5, not 6.")
    (True, '5')
    """
    text = strip_invisible(text)
    markers = _statements(text)
    if not markers:  # no marker: a hedge in the last sentence ("It is 5 or 6.") is still a hedge
        sentences = [x for x in re.split(r"(?<=[.!?。！？])\s+|\n+", text.strip()) if x.strip()]
        last = sentences[-1] if sentences else ""
        return NOT_FINAL if re.search(r"[\d$]", last) and _offers_two(last) else None
    rest = _LEADING.sub("", text[markers[-1].end() :].replace("**", ""))
    value_at = _VALUE.search(rest)
    rest = _NOT_X_BUT.sub("", rest)  # "not 6 but 5" states 5
    rest = _AFFIRMATIVE.sub("", rest)  # "exactly 5", "therefore 5": the value, affirmed
    rest = _NEGATIVE_WORD.sub("-", rest)  # "negative 5" is -5
    rest = _NUMBER_WORD.sub(lambda m: str(_NUMBER_WORDS[m.group(1).lower()]), rest)  # "five" is 5
    value_at = _VALUE.search(rest)
    if (
        _NEGATED_MARKER.search(markers[-1].group())
        or value_at is not None
        and _qualified(rest[: value_at.start()])
    ):
        return NOT_FINAL  # "at least 5", "isn't 5", "no es 5", "about 5"
    span = _math_span_at(rest)
    if span is not None:
        answer, end = span
        after = rest[end:]
        answer = answer.strip()
    else:
        stop = _SENTENCE_END.search(rest)
        answer = rest[: stop.start()] if stop else rest
        after = rest[stop.start() :] if stop else ""
        if (why := _EXPLANATION.search(answer)) is not None:  # "5 (since 2 + 3 = 5)", "5 because 10/2 = 5"
            answer, after = answer[: why.start()], ""
        answer = _TRAILING.sub("", _COPULA.sub("", _TRAILING.sub("", answer)))
        if value_at is not None and value_at.start() == 0 and _trailing_prose(answer):
            return NOT_FINAL  # "5 at the very least": after a stated value, a phrase may qualify it
    if not answer:
        return None
    if (clarified := _CLARIFICATION.search(answer)) is not None and clarified.start() > 0:
        answer = answer[: clarified.start()].strip()  # "5 (not 6)": the value, then what it is not
    if _offers_two(answer) or QUALIFIER.match(answer.strip()) or _CONDITION.search(answer):
        return NOT_FINAL  # "5 or 6", "about 5", "5 if we count from zero"
    stop = re.search(r"[。！？!?\n]|[.;](?=\s|$)", after)
    own, later = (after[: stop.start()], after[stop.start() :]) if stop else (after, "")
    own_words = _CLARIFICATION.sub(
        "", own
    )  # "5, not 6", "5 (not 6)", "5，而不是 6": a clarification, not a condition
    if (why := _EXPLANATION.search(own_words)) is not None:
        own_words = own_words[: why.start()]  # "5, which is less than 6": a remark about the value
    if span is not None and _trailing_prose(_TRAILING.sub("", _COPULA.sub("", own_words.rstrip()))):
        return NOT_FINAL  # "$5$ at the very least": the same rule after a math span
    if _CONDITION.search(own_words) or (_SECOND_GUESS.search(later) and re.search(r"[\d$]", later)):
        return NOT_FINAL
    return answer


def statement_after_boxes(text: str) -> str | None:
    r"""The text after the last box when it states a value without hedging (``\boxed{200} ... The final answer
    is $10455$``): the last answer a final part states is its final answer, boxed or not. A hedge there
    (``\boxed{5}. The answer is 5 or 6.``) makes the whole part a hedge. ``None`` otherwise (no statement,
    a statement without a value, or a bound or negation such as ``The answer is not 6.``).

    >>> statement_after_boxes(r"so \boxed{255}. Final Answer: The final answer is $10,455$.")
    '. Final Answer: The final answer is $10,455$.'
    >>> statement_after_boxes(r"It is $\boxed{5}$. The answer is not 6.") is None
    True
    """
    start = max(text.rfind("\\boxed"), text.rfind("\\fbox"))
    if start < 0:
        return None
    i = text.find("{", start)
    end = group_end(text, i) if i >= 0 else None
    tail = text[end + 1 :] if end is not None else ""
    markers = _statements(tail)
    if not markers:
        return None
    rest = _LEADING.sub("", tail[markers[-1].end() :])
    value_at = _VALUE.search(rest)
    if "n't" in markers[-1].group() or value_at is not None and _qualified(rest[: value_at.start()]):
        return (
            None  # "The answer is not 6", "at least 5": a remark about the boxed answer, not another answer
        )
    return tail


_TEXT_ARG = re.compile(r"\\(?:text[a-z]*|mbox|mathrm)\s*\{([^{}]*)\}")


def _offers_two(s: str) -> bool:
    """Whether ``s`` offers two candidates joined by a disjunction (``5 or 6``, ``x=5 \\vee x=6``)."""
    flat = _TEXT_ARG.sub(r" \1 ", s)
    m = HEDGE.search(flat)
    while m is not None:
        if re.search(r"[\d\\$a-zA-Z)}]", flat[: m.start()]) and re.search(r"[\d\\$({]", flat[m.end() :]):
            return True
        m = HEDGE.search(flat, m.end())
    return False


_LAYOUT = re.compile(r"\s+|\\[,;:! ]|\\quad|\\qquad|\\displaystyle|\\mathrm(?=\{)|\\!")


def normalised(s: str) -> str:
    r"""``s`` without spacing and sizing commands, for string equality of two canonical answers.

    >>> normalised(r"( 1,\, 2 )")
    '(1,2)'
    """
    return _LAYOUT.sub("", s)


def final_answer_text(s: str) -> str | None:
    r"""The canonical final answer of an extracted final part (a box's contents, an ``<answer>`` block or a
    summary), :data:`NOT_FINAL` for a hedge, ``None`` when unreadable.

    A part with an answer marker is read after its last marker (:func:`prose_answer`); a bare part is
    read whole (:func:`canonical_answer`); other prose goes to math-verify's own extraction as written.

    >>> final_answer_text("所以答案是 9"), final_answer_text(r"\frac12"), final_answer_text("It is 5 or 6.") == NOT_FINAL
    ('9', '\\frac{1}{2}', True)
    """
    if not isinstance(s, str):
        return None
    s = strip_invisible(s).strip()
    if len(s) <= MAX_CANONICAL_CHARS and _ANSWER_MARKER.search(flat := _TEXT_ARG.sub(r" \1 ", s)):
        stated = prose_answer(flat)  # "\text{The answer is } 5" in a box reads as its statement
        if stated is not None:
            return stated if stated == NOT_FINAL else canonical_answer(stated)
    if not is_bare(s) and len(s) <= MAX_CANONICAL_CHARS and prose_answer(s) == NOT_FINAL:
        return NOT_FINAL
    return canonical_answer(s)
