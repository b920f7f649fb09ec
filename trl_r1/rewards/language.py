r"""Language consistency: how much of the chain of thought is in the target language?

DeepSeek-R1 (paper, section 2.3.2) found that R1-Zero's chains of thought mix languages, and added
a language-consistency reward "calculated as the proportion of target language words in the CoT",
summed with the accuracy reward. The measure itself (math and code removed, CJK counted per
character, a stopword model with fastText for the sentences it cannot call) lives in
:mod:`trl_r1.text.language`; this module holds the reward and the target-language rule (the
``language`` column, else a default, else the prompt's language).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.rewards._base import Reward, RewardFunction, require_column, texts_of
from trl_r1.text.completion import parse_completion
from trl_r1.text.language import METHODS, detect_language, language_counts
from trl_r1.text.language_identification import UNDETERMINED, check_language
from trl_r1.text.templates import R1_INSTRUCTION, R1_ZERO_INSTRUCTION, prompt_text

logger = logging.getLogger(__name__)

SHORT_THINK_RATIO = 3  # a reasoning block with fewer than 1/3 the summary's units is scored with the summary

# ---------------------------------------------------------------------------------------------
# The reward
# ---------------------------------------------------------------------------------------------

_TEMPLATE_INSTRUCTIONS = (R1_ZERO_INSTRUCTION, R1_INSTRUCTION)


def prompt_language(text: str) -> str:
    """The language of a prompt's user text (our templates' English instructions left out)."""
    for (
        instruction
    ) in _TEMPLATE_INSTRUCTIONS:  # our templates' English instructions are not the user's language
        text = text.replace(instruction, " ")
    return detect_language(text)


class LanguageConsistencyReward(RewardFunction):
    r"""R1 language-consistency reward: the proportion of target-language words in the chain of thought.

    .. math:: r_{lang}(y) = \frac{|\{\text{units of } \mathrm{CoT}(y) \text{ in the target language}\}|}{|\{\text{units of } \mathrm{CoT}(y)\}|}

    From DeepSeek-R1, section 2.3.2 (summed with the accuracy reward). The chain of thought is the
    reasoning block (the whole completion when there is none); units are CJK characters and other
    words once math, code and numbers are removed (see :func:`trl_r1.text.language.language_consistency`),
    with what a reader sees as prose counted wherever it sits: words inside ``\text{}`` in math, and
    comments or string literals in a code fence that are sentences (four or more words, or eight CJK
    characters). A reasoning block with fewer than a third of the summary's units
    (:data:`SHORT_THINK_RATIO`) is scored on reasoning and summary together: a one-line ``<think>``
    cannot carry a summary written in another language. The target
    comes from the ``language`` dataset column (ISO 639-1 codes such as ``en``, ``zh``), else
    ``default_language``, else is detected from the prompt's user text. Returns ``None`` when no
    target can be determined (an empty prompt), logging ``<name>/undetermined_target``.

    Args:
        default_language: target when the dataset has no language column.
        language_column: dataset column naming each row's target language.
        method: ``"fast"`` or ``"langdetect"`` (the slow per-sentence reference; needs ``langdetect``).
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
            None
            if default_language is None
            else check_language(default_language, "LanguageConsistencyReward")
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
        texts = texts_of(completions, self.__name__)
        n = len(texts)
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
        for i, text in enumerate(texts):
            code = column[i] if column is not None else None
            if isinstance(code, str) and code.strip():
                target = check_language(code, f"{self.__name__} ({self.language_column!r} column, row {i})")
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
            rewards.append(self.score(text, target))
        if undetermined:
            logger.warning("%s: no target language for %d of %d completions", self.__name__, undetermined, n)
        self.log_metrics(log_metric, undetermined_target=undetermined / max(n, 1))
        return rewards

    def score(self, text: str, target: str) -> float:
        """The consistency of one completion with ``target`` (the rule of the class docstring)."""
        p = parse_completion(text)
        if p.reasoning is None:
            matched, total = language_counts(text, target, self.method)
        else:
            matched, total = language_counts(p.reasoning, target, self.method)
            if p.summary:
                s_matched, s_total = language_counts(p.summary, target, self.method)
                if total * SHORT_THINK_RATIO < s_total:
                    matched, total = matched + s_matched, total + s_total
        return 1.0 if total == 0 else matched / total


language_consistency_reward = LanguageConsistencyReward()
