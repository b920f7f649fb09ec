r"""Training monitors for the "aha moment": reflection, language mixing, length, truncation.

DeepSeek-R1 reports that during RL the responses grow longer and reflective words ("wait",
"mistake", "however", "but", "retry", "error", "verify", "wrong", "evaluate", "check") become
more frequent, and that R1-Zero's chains of thought mix languages. :class:`ReflectionMonitor`
measures these on every generation batch of any TRL GRPO run.

**Why a reward-shaped monitor and not a ``TrainerCallback``:** callbacks never see the sampled
completions, while a reward function receives them with their token ids and TRL's ``log_metric``
(so the numbers reach every ``report_to`` backend); it returns ``None`` for every row, which
``GRPOTrainer`` turns into NaN and leaves out of every ``nansum``/``nanmean``, so advantages are
unchanged whatever its weight (checked in ``tests/training/test_monitors.py``).

Usage::

    from trl_r1.rewards.monitor import ReflectionMonitor
    from trl_r1.training import DashboardCallback, with_monitor

    reward_funcs, weights = with_monitor([accuracy_reward, think_summary_format_reward], [1.0, 0.5])
    trainer = GRPOTrainer(model, reward_funcs=reward_funcs, args=GRPOConfig(reward_weights=weights, ...),
                          callbacks=[DashboardCallback()], ...)

Metrics (``reasoning/`` prefix; TRL adds ``eval_`` in evaluation):

* ``reflective_words_per_1k_tokens``: reflective-word occurrences per 1,000 completion tokens,
  pooled over the batch, :math:`1000 \cdot \sum_i w_i / \sum_i t_i`;
* ``response_length``: mean completion length in tokens;
* ``truncation_rate``: fraction of completions that did not end with an EOS token (when
  ``eos_token_ids`` is given; TRL's own ``completions/clipped_ratio`` is the same number);
* ``language_consistency``: mean R1 language consistency of the chain of thought;
* ``language_mix_ratio``: fraction of completions whose chain of thought is not entirely in the
  target language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from trl_r1.text.reflection import ReflectiveWords, chain_of_thought

logger = logging.getLogger(__name__)


METRIC_PREFIX = "reasoning/"


class ReflectionMonitor:
    """GRPO monitor of the "aha moment": a reward function that scores nothing and logs metrics.

    Pass it in ``reward_funcs`` (any weight, conventionally 0; see :func:`trl_r1.training.with_monitor`). Each
    call returns ``None`` for every completion and logs, through TRL's ``log_metric``, the
    metrics listed in :mod:`trl_r1.rewards.monitor` (``reasoning/...``). Token counts come from the
    ``completion_ids`` TRL passes. The language target of a row is its ``language`` column, else
    ``language``, else the language detected in its prompt (as
    :class:`trl_r1.rewards.LanguageConsistencyReward` decides it).

    Args:
        reflective_words: a preset (``"en"``: the paper's list, ``"zh"``, ``"all"``) or a list.
        language: default target language (ISO 639-1); ``None`` detects it from each prompt
            (rows whose prompt has no detectable language, such as ``47+38``, are left out).
        track_language: set ``False`` to skip the language metrics, which cost about as much as
            ``language_consistency_reward`` (~3 ms per 4 KB completion; the rest ~0.2 ms, see
            ``benchmarks/monitors.py``).
        language_column: dataset column naming each row's target language.
        eos_token_ids: ids that end a completion; when given, ``truncation_rate`` is logged.
        per_word: also log ``reasoning/reflective/<word>`` (per 1,000 tokens) for each word.
        name: the name TRL logs the (empty) reward under.

    Example:
        >>> logged = {}
        >>> monitor = ReflectionMonitor(language="en", eos_token_ids=[0])
        >>> monitor(completions=["Wait, that is wrong. Let me check.", "The sum is 7."],
        ...         completion_ids=[[5] * 19 + [0], [6] * 10], log_metric=logged.__setitem__)
        [None, None]
        >>> logged["reasoning/reflective_words_per_1k_tokens"], logged["reasoning/truncation_rate"]
        (100.0, 0.5)
    """

    __name__ = "reflection_monitor"

    def __init__(
        self,
        reflective_words: str | Sequence[str] = "en",
        language: str | None = None,
        track_language: bool = True,
        language_column: str = "language",
        eos_token_ids: Sequence[int] | None = None,
        per_word: bool = False,
        name: str | None = None,
    ):
        from trl_r1.text.language import language_consistency
        from trl_r1.text.language_identification import normalize_language

        self.words = ReflectiveWords(reflective_words)
        self.eos_token_ids = None if eos_token_ids is None else frozenset(int(i) for i in eos_token_ids)
        self.per_word = per_word
        self.track_language = track_language
        self.language = None if language is None else normalize_language(language)
        if self.language is not None:
            language_consistency("", self.language)  # rejects an unsupported code now, not mid-training
        self.language_column = language_column
        self._bad_targets: set[str] = set()
        if name is not None:
            self.__name__ = name

    def __repr__(self) -> str:
        return f"ReflectionMonitor(name={self.__name__!r}, words={len(self.words.words)})"

    def measure(
        self,
        completions: Sequence[Any],
        num_tokens: Sequence[int],
        finished: Sequence[bool] | None = None,
        prompts: Sequence[Any] | None = None,
        languages: Sequence[str | None] | None = None,
    ) -> dict[str, float]:
        """The metrics of one batch as a dict of ``reasoning/...`` keys.

        Args:
            completions: completion texts (or TRL conversational completions).
            num_tokens: tokens in each completion.
            finished: whether each completion ended with EOS (``truncation_rate`` needs it).
            prompts: the prompts, to detect each row's target language when none is set.
            languages: per-row target languages (a dataset's ``language`` column).
        """
        from trl_r1.text.completion import completion_text

        texts = [completion_text(c) for c in completions]
        if len(num_tokens) != len(texts):
            raise ValueError(f"{len(texts)} completions but {len(num_tokens)} token counts")
        if not texts:
            return {}
        total = sum(num_tokens)
        found = [self.words.find(t) for t in texts]
        scale = 1000.0 / total if total else 0.0
        out = {
            "reflective_words_per_1k_tokens": scale * sum(map(len, found)),
            "response_length": total / len(texts),
        }
        if self.per_word:
            flat = [w for f in found for w in f]
            for w in self.words.words:
                out[f"reflective/{w}"] = scale * flat.count(w.lower())
        if finished is not None:
            out["truncation_rate"] = sum(not f for f in finished) / len(texts)
        if self.track_language:
            scores = [s for s in self._language_scores(texts, prompts, languages) if s is not None]
            if scores:
                out["language_consistency"] = sum(scores) / len(scores)
                out["language_mix_ratio"] = sum(s < 1.0 for s in scores) / len(scores)
        return {METRIC_PREFIX + k: float(v) for k, v in out.items()}

    def _language_scores(
        self, texts: list[str], prompts: Sequence[Any] | None, column: Sequence[str | None] | None
    ) -> list[float | None]:
        """R1 language consistency of each chain of thought; ``None`` where no target is known."""
        from trl_r1.rewards.language import prompt_language
        from trl_r1.text.language import language_consistency
        from trl_r1.text.language_identification import UNDETERMINED
        from trl_r1.text.templates import prompt_text

        detected: dict[str, str] = {}
        scores: list[float | None] = []
        for i, text in enumerate(texts):
            target = column[i] if column is not None and i < len(column) else None
            if not (isinstance(target, str) and target.strip()):
                target = self.language
            if target is None and prompts is not None:
                key = prompt_text(prompts[i])  # the user's text; the G completions of a group share it
                if key not in detected:
                    detected[key] = prompt_language(key)  # as LanguageConsistencyReward decides it
                target = detected[key]
            if target is None or target == UNDETERMINED:
                scores.append(None)
                continue
            try:
                scores.append(language_consistency(chain_of_thought(text), target))
            except (
                ValueError
            ) as e:  # e.g. a "language" column naming a programming language: never stop training
                if target not in self._bad_targets:
                    self._bad_targets.add(target)
                    logger.warning("%s: no language consistency for target %r (%s)", self.__name__, target, e)
                scores.append(None)
        return scores

    def __call__(
        self,
        completions: Sequence[Any],
        completion_ids: Sequence[Sequence[int]] | None = None,
        prompts: Sequence[Any] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        **kwargs: Any,
    ) -> list[None]:
        if completion_ids is None:
            raise ValueError(
                f"{self.__name__} needs completion_ids (TRL's GRPOTrainer passes them) to count tokens; "
                "pass completion_ids=[token ids of each completion] when calling it directly"
            )
        if len(completion_ids) != len(completions):
            raise ValueError(f"{len(completions)} completions but {len(completion_ids)} completion_ids")
        finished = None
        if self.eos_token_ids is not None:
            finished = [bool(ids) and int(ids[-1]) in self.eos_token_ids for ids in completion_ids]
        metrics = self.measure(
            completions,
            [len(ids) for ids in completion_ids],
            finished,
            prompts,
            kwargs.get(self.language_column),
        )
        if log_metric is not None:
            for key, value in metrics.items():
                log_metric(key, value)
        return [None] * len(completions)
