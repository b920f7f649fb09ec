r"""Multiple-choice accuracy reward: one letter read from the final answer, compared with the gold letter.

DeepSeek-R1 reports GPQA Diamond pass@1 (paper, table 4 and the distilled-model table), scored as
simple-evals scores it: the model ends with ``Answer: X`` and X is compared with the gold letter.
The same rule serves GRPO on STEM multiple-choice data (R1, section 2.3.2: "STEM data" with
rule-checkable answers). The letter is read only from the final part of a completion (the
``<answer>`` block, else the text after ``</think>``): a letter inside the reasoning never counts.

The rules (a verdict is right, or the row earns nothing; the reader never guesses):

1. **What is read.** The final part only: the ``<answer>`` block, else the text after ``</think>``. It is read
   as a person sees it: invisible format characters (zero-width space, joiners, bidi marks, soft hyphen) are
   removed, then NFKC is applied (full-width ``Ｃ`` is ``C``; Cyrillic ``С`` and Greek ``Α`` stay other
   letters), and a letter carrying a combining mark (a struck-out ``C̸``) is no letter.
2. **Declarations.** A label (``Answer:``, ``the answer is``, ``**Answer:**``) or a box (``\boxed{}``,
   ``\fbox{}``) that holds an option letter declares (``The answer is found from Q = It`` does not); without
   one, ``(C)``, ``C)`` / ``C.`` / ``C:`` at a line start, or a line that is only a letter do. A declaration
   whose content is one letter in any markup (``$C$``, ``\textbf{C}``, ``\mathrm{C}``, ``**(C)**``) is that
   letter, in either case (``Answer: c``); otherwise only capital letters standing alone are letters
   (``Answer: a noble gas`` names none).
3. **The whole final part from the first declaration on counts.** Every option letter it names counts as an
   answer (``Answer: C, D``, ``C/D``, ``A) Helium B) Neon ...``, ``Answer: C`` then ``(D) is also correct``
   or ``Or maybe D``), except a letter it rejects (``not (C)``, ``It cannot be C``, ``(A) is wrong``,
   ``A and C are incorrect``, ``(A) fails``), the article ``A`` and the pronoun ``I`` before a lowercase word
   (``A noble gas``, ``I checked``), and the words of an option's own text (``Argon or xenon``, ``Vitamin C``).
   Letters before the first declaration are discussion (``I considered A and B. Answer: C`` is C).
4. **One answer or none.** Two different letters are no answer; so is a doubt anywhere there (``maybe``,
   ``probably``, ``not sure``...), or a hedge word (``or``, ``either``, ``likely``, ``if not``...) on a line
   that names a letter. A letter outside the options is no answer.
5. **The option's text**, when no letter is declared: the text of exactly one option, not rejected, on the last
   line (an option inside a longer matched one, ``3`` in ``13``, is not a second answer).

Scores: 1.0 for the gold letter; 0.0 for any other reading or no reading (counted in the ``unreadable`` metric).
``None`` (TRL skips the row, not the model's fault; counted in ``gold_outside_options``) when the gold itself is
not one of the options: a letter beyond the number of options, a text that matches none, an index past the last.

Dataset columns: the gold in ``solution`` or ``answer`` (a letter ``"C"``, the correct option's text, or an
integer: the option's 0-based index, as MMLU stores it, which needs the options), the options in order in
``choices`` or ``options`` (a list of strings, or a JSON string); without options the letters A-D are the options
and the gold must be one of them.

>>> multiple_choice_reward(["<think>B is too small.</think>\nAnswer: C"], solution=["C"], choices=[["1", "2", "3", "4"]])
[1.0]
>>> multiple_choice_reward(["<think>...</think>\nAnswer: C or D"], solution=["C"])
[0.0]
"""

from __future__ import annotations

import json
import numbers
import re
import string
import unicodedata
from collections.abc import Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, texts_of
from trl_r1.text.completion import parse_completion

__all__ = ["MultipleChoiceReward", "gold_letter", "multiple_choice_reward", "read_choice"]

LETTERS = string.ascii_uppercase
DEFAULT_LETTERS = 4  # GPQA's A-D when a row gives no options
# Declarations: a label (``Answer:``, ``the answer is``) or a box. The label needs its colon or "is", so the
# echoed instruction "Answer the following ..." is no label.
_LABEL = re.compile(r"\banswer(?:\s+is\b|\s*\**\s*[:：])\s*\**", re.IGNORECASE)
_LONE_SPAN = 200  # how far after a label a lone letter is looked for
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BOX_CONTENT = re.compile(
    r"[^{}]*(?:\{[^{}]*\}[^{}]*)*(?=\})"
)  # one nesting level: \boxed{\text{C}}; stops at a brace
# Letter forms that declare without a label: "(C)", "C) ..." / "C. ..." / "C: ..." at a line start, a lone letter.
_PAREN = re.compile(r"\(\s*([A-Z])\s*\)")
_LINE_START = re.compile(r"^[^\w\n]*([A-Z])[).:](?=[ \t]|$)", re.MULTILINE)
_LONE_LINE = re.compile(r"^[^\w\n]*([A-Za-z])[^\w\n]*$", re.MULTILINE)
# A letter standing alone: not part of a word, a number, a LaTeX command, a hyphenated name ("C-H") or a contraction.
_TOKEN = re.compile(r"(?<![\w\\'’-])([A-Z])(?![\w'’-])")
# "A" and "I" before a lowercase word are the article and the pronoun, unless the word is one a letter takes.
_WORD_AFTER = re.compile(
    r"[ \t]+(?!(?:is|are|was|were|seems?|looks?|would|could|might|may|must|should|also|too|"
    r"and|or|fails?|remains?|works?|fits?|holds?|cannot|can)\b)[a-z]"
)
# A letter the text rejects is not its answer: a negation just before it, or a verdict of "wrong" just after it
# (a list "A and C are wrong" rejects each letter in it).
_NEGATIONS = {"not", "no", "never", "except", "excluding", "exclude", "eliminate", "eliminating"}
_NEGATION_PAIRS = {
    ("cannot", "be"),
    ("can't", "be"),
    ("rather", "than"),
    ("instead", "of"),
    ("other", "than"),
    ("rule", "out"),
    ("ruling", "out"),
    ("rules", "out"),
}
_REJECTED_AFTER = re.compile(
    r"[)*$\s]*(?:(?:,|and|or|&|/)\s*\(?[A-Z]\)?[*$]*\s*)*(?:"
    r"(?:is|are|was|were|seems?|looks?)\s+(?:also\s+)?(?:not\b|wrong|incorrect|false|invalid|impossible|"
    r"ruled\s+out|eliminated|excluded|out\b|a\s+trap|a\s+distractor)"
    r"|fails?\b|can(?:not)?\s+be\s+(?:ruled\s+out|eliminated|excluded)|:\s*(?:no|false|wrong|incorrect)\b)",
    re.IGNORECASE,
)
# Hedges. A guess is not an answer: these anywhere from the first declaration on make the answer a guess ...
_DOUBT = re.compile(
    r"\b(maybe|perhaps|possibly|probably|guess|unsure|not\s+sure|not\s+certain|can't\s+tell|"
    r"cannot\s+tell)\b",
    re.IGNORECASE,
)
# ... these only on a line that names a letter (an explanation may well say "or" or "likely" about chemistry).
_HEDGES = re.compile(
    r"\b(or|either|likely|might|otherwise|alternatively|if\s+not|maybe|perhaps|possibly|"
    r"probably|guess|unsure|not\s+sure|not\s+certain|can't\s+tell|cannot\s+tell)\b",
    re.IGNORECASE,
)
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_FORMAT_CHARS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# A Latin letter carrying a combining mark (a struck-out "C̸") is not that letter; NFKC keeps such marks apart.
_MARKED_LETTER = re.compile("[A-Za-z][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _normalize(text: str) -> str:
    """What a reader sees: invisible format characters (zero-width space, joiners, bidi marks) removed, NFKC
    (full-width "Ｃ" is "C"; Cyrillic "С" stays Cyrillic), and a letter under a combining mark made a non-letter."""
    text = unicodedata.normalize("NFKC", _FORMAT_CHARS.sub("", text))
    return _MARKED_LETTER.sub("\ufffd", text)


def _options(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(
                f"multiple_choice_reward: choices must be a list of option texts (or its JSON), got "
                f"{value[:60]!r}"
            ) from None
    if not isinstance(value, (list, tuple)) or not all(isinstance(o, str) for o in value):
        raise ValueError(f"multiple_choice_reward: choices must be a list of option texts, got {value!r}")
    if len(value) > len(LETTERS):
        raise ValueError(f"multiple_choice_reward: at most {len(LETTERS)} options, got {len(value)}")
    return list(value)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w.+-/]", " ", _normalize(text).lower()).split())


def gold_letter(gold: Any, choices: Sequence[str] | None = None) -> str | None:
    """The gold letter of a row: a letter within the options, the letter of the option whose text the gold is, or,
    for an integer gold (MMLU's ``answer: 2``), the option at that 0-based index; ``None`` when the gold is outside
    the options. An integer gold without options is an error: it names no letter by itself.

    >>> gold_letter("b", ["x", "y"]), gold_letter("y", ["x", "y"]), gold_letter("E", ["x", "y"]), gold_letter(1, ["x", "y"])
    ('B', 'B', None, 'B')
    """
    if isinstance(gold, numbers.Integral) and not isinstance(gold, bool):
        if choices is None:
            raise ValueError(
                f"multiple_choice_reward: the gold {gold!r} is an integer (an option's 0-based index, as "
                "MMLU stores it), which needs the options: pass a 'choices' or 'options' column, or give "
                "the gold as a letter"
            )
        return LETTERS[int(gold)] if 0 <= int(gold) < len(choices) else None
    if not isinstance(gold, str) or not gold.strip():
        return None
    n = len(choices) if choices is not None else DEFAULT_LETTERS
    letter = _normalize(gold).strip().strip("().").upper()
    if len(letter) == 1 and letter in LETTERS[:n]:
        return letter
    if choices is not None:
        matches = [i for i, option in enumerate(choices) if _norm(option) == _norm(gold)]
        if len(matches) == 1:
            return LETTERS[matches[0]]
    return None


def _without_options(text: str, choices: Sequence[str] | None) -> str:
    """The text with each option's own words blanked (longest first), so that an option's text is neither a hedge
    ("Argon or xenon") nor a letter ("Vitamin C"). One-character options stay: they could be the letter itself."""
    for option in sorted((_normalize(o).strip() for o in choices or ()), key=len, reverse=True):
        if len(option) > 1:
            text = re.sub(
                rf"(?<!\w){re.escape(option)}(?!\w)",
                lambda m: " " * len(m.group()),
                text,
                flags=re.IGNORECASE,
            )
    return text


def _lone_letter(text: str) -> str | None:
    """The letter when ``text`` is one letter and markup (``$C$``, ``\\textbf{C}``, ``**(c)**``), else ``None``."""
    rest = re.sub(r"\W", "", _LATEX_COMMAND.sub("", text))
    return rest if len(rest) == 1 and rest.isascii() and rest.isalpha() else None


def _negated(before: str) -> bool:
    """Whether the text just before a letter negates it ("not (C)", "It cannot be C", "rather than option C")."""
    words = before[-40:].lower().rstrip(" \t\n(*$").split()
    if words and words[-1] in ("option", "choice"):
        words.pop()
    if not words:
        return False
    last = words[-1].strip("(*$,;:")
    return (
        last in _NEGATIONS
        or last.endswith("n't")
        or tuple(w.strip("(*$,;:") for w in words[-2:]) in _NEGATION_PAIRS
    )


def _rejected(text: str, start: int, end: int) -> bool:
    return _negated(text[max(0, start - 40) : start]) or bool(_REJECTED_AFTER.match(text, end, end + 80))


def _names_option(text: str, valid: set[str]) -> bool:
    return any(m.group(1) in valid for m in _TOKEN.finditer(text))


def _declarations(text: str, valid: set[str]) -> tuple[int, list[str]]:
    """Where the first declaration starts and the lone letters the declarations hold. Labels and boxes that hold a
    letter are declarations; without one, the letter forms ``(C)``, ``C)`` at a line start and a lone-letter line are."""
    starts, lone = [], []
    for m in _LABEL.finditer(text):
        # the rest of the label's line, or the next line when it is blank ("Answer:" then "C"); read within a
        # bounded window, so that a line of a million labels stays linear (a lone letter is short anyway)
        window = text[m.end() : m.end() + _LONE_SPAN]
        line, newline, rest = window.partition("\n")
        if not line.strip() and newline:
            line, newline, rest = rest.lstrip().partition("\n")
        letter = _lone_letter(line) if newline or m.end() + _LONE_SPAN >= len(text) else None
        if letter or _names_option(line, valid):  # "The answer is found from Q = It" declares nothing
            starts.append(m.start())
            lone.append(letter)
    for m in _BOX.finditer(text):
        content = _BOX_CONTENT.match(text, m.end())
        letter = _lone_letter(content.group()) if content else None
        if letter or (
            content and _names_option(content.group(), valid)
        ):  # "\boxed{Argon}" is read as the option's text
            starts.append(m.start())
            lone.append(letter)
    if not starts:
        for pattern in (_PAREN, _LINE_START, _LONE_LINE):
            for m in pattern.finditer(text):
                if not _rejected(text, m.start(1), m.end(1)):
                    starts.append(m.start())
        lone = [m.group(1) for m in _LONE_LINE.finditer(text)]
    return (min(starts) if starts else -1), [letter for letter in lone if letter]


def _final_region(text: str, fallback_to_full_text: bool) -> str | None:
    parsed = parse_completion(text)
    if parsed.answer_starts > 1 or parsed.reasoning == "":
        return None  # several answer blocks, or an empty reasoning block: the usual ways to game a check
    region = parsed.final_answer_region
    if region is None and fallback_to_full_text and parsed.think_starts == 0:
        region = text
    return region


def read_choice(
    text: str, choices: Sequence[str] | None = None, fallback_to_full_text: bool = False
) -> str | None:
    r"""The one letter a completion answers, or ``None`` (no letter, two letters, a hedge, a letter
    outside the options); see the module docstring for the rules.

    >>> read_choice("<think>A? no.</think>The answer is $\\boxed{C}$.")
    'C'
    >>> read_choice("<think>...</think>(B) 42", ["41", "42"]), read_choice("<think>...</think>So it is 42.", ["41", "42"])
    ('B', 'B')
    >>> read_choice("<think>...</think>Answer: B, maybe C") is None, read_choice("<think>...</think>It cannot be (B).")
    (True, None)
    >>> read_choice("<think>...</think>Answer: C\nOr maybe D.") is None, read_choice("<think>...</think>Answer: c")
    (True, 'C')
    """
    region = _final_region(text, fallback_to_full_text)
    if not region or not region.strip():
        return None
    region = _normalize(region)
    n = len(choices) if choices is not None else DEFAULT_LETTERS
    valid = set(LETTERS[:n])
    clean = _without_options(region, choices)  # same length as region: an offset means the same place in both
    first, lone = _declarations(clean, valid)
    if first >= 0:
        # The whole final part from the first declaration on counts: every letter it names and does not reject is
        # an answer, and one answer is read only when they all agree and nothing there hedges.
        letters = {
            letter.upper() for letter in lone if letter.isupper() or letter.upper() in valid
        }  # a lowercase lone letter must name an option
        line_start = clean.rfind("\n", 0, first) + 1
        tail = clean[line_start:]
        if _DOUBT.search(tail):
            return None
        for m in _TOKEN.finditer(clean, first):
            letter = m.group(1)
            if letter not in valid or _rejected(clean, m.start(), m.end()):
                continue
            if letter in "AI" and _WORD_AFTER.match(region, m.end()):
                continue  # the article "A", the pronoun "I" (read before blanking: "A coulomb is" is the article)
            letters.add(letter)
            if len(letters) > 1:
                return None  # two answers: nothing later can make them one
        for line in tail.splitlines():
            if _HEDGES.search(line) and _TOKEN.search(line):
                return None
        if len(letters) > 1:
            return None
        if letters:
            letter = letters.pop()
            return letter if letter in valid else None
    return _option_text(region, choices)


def _option_text(region: str, choices: Sequence[str] | None) -> str | None:
    """The letter of the one option whose text the last line gives (an option rejected there does not count)."""
    if not choices:
        return None
    last = _norm(next((line for line in reversed(region.splitlines()) if line.strip()), ""))
    hits = [i for i, option in enumerate(choices) if _norm(option) and _norm(option) in last]
    # an option that is part of a longer matched option ("2" in "12") is not a second answer
    hits = [i for i in hits if not any(j != i and _norm(choices[i]) in _norm(choices[j]) for j in hits)]
    hits = [
        i
        for i in hits
        if not all(
            _negated(last[max(0, m.start() - 40) : m.start()])
            for m in re.finditer(re.escape(_norm(choices[i])), last)
        )
    ]
    if len(hits) == 1 and not _HEDGES.search(_without_options(last, choices)):
        return LETTERS[hits[0]]
    return None


class MultipleChoiceReward(RewardFunction):
    """1.0 when the one letter read from the final answer is the gold letter (see the module docstring).

    Args:
        fallback_to_full_text: read a completion without R1 tags whole, for models that do not use the R1 format.
        name: the metric name TRL logs under.
    """

    def __init__(self, fallback_to_full_text: bool = False, name: str | None = None):
        super().__init__(name or "multiple_choice_reward")
        self.fallback_to_full_text = fallback_to_full_text

    def __call__(
        self,
        completions: Sequence[Any],
        solution: Sequence[Any] | None = None,
        answer: Sequence[Any] | None = None,
        choices: Sequence[Any] | None = None,
        options: Sequence[Any] | None = None,
        log_metric: Any = None,
        **kwargs: Any,
    ) -> list[Reward]:
        texts = texts_of(completions, self.__name__)
        golds = solution if solution is not None else answer
        if golds is None:
            raise ValueError(
                f"reward {self.__name__!r} needs the gold letter in a 'solution' or 'answer' dataset "
                "column (one value per row)"
            )
        rows = choices if choices is not None else options
        if len(golds) != len(texts) or (rows is not None and len(rows) != len(texts)):
            raise ValueError(
                f"reward {self.__name__!r}: {len(golds)} golds and {len(rows or texts)} option lists for "
                f"{len(texts)} completions; pass one value per completion"
            )
        rewards: list[Reward] = []
        unreadable = outside = 0
        for i, text in enumerate(texts):
            row_choices = _options(rows[i]) if rows is not None else None
            gold = gold_letter(golds[i], row_choices)
            if gold is None:
                outside += 1
                rewards.append(None)
                continue
            letter = read_choice(text, row_choices, self.fallback_to_full_text)
            unreadable += letter is None
            rewards.append(1.0 if letter == gold else 0.0)
        self.log_metrics(log_metric, unreadable=unreadable, gold_outside_options=outside)
        return rewards


#: One letter from the final answer against the gold letter; ``None`` for a gold outside the options.
multiple_choice_reward = MultipleChoiceReward()
