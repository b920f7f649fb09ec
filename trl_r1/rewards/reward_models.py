"""Reward models for R1's stage 4 (all-scenario RL), as GRPO reward functions.

DeepSeek-R1 (Guo et al., 2025, section 2.3.4) scores general (non-verifiable) prompts with
preference reward models, and judges the two halves of a response differently:

* **helpfulness** is judged on the *summary only* (the text after ``</think>``), "so that the
  assessment emphasises the utility and relevance of the response to the user while minimising
  interference with the underlying reasoning process";
* **harmlessness** is judged on the *whole response, reasoning included*, to catch risks or
  harmful content that appear while the model thinks.

Any ``AutoModelForSequenceClassification`` checkpoint with a scalar head works (a local path or a
hub id). The wrappers are callable classes with a ``__name__`` (TRL logs ``rewards/<name>/mean``)
and they pickle without their weights, so they also run in TRL's spawned reward processes. Where
the completion came from, and which part of it is scored, is decided by
:func:`trl_r1.text.completion.parse_completion`, the one parser every reward uses.

>>> from trl_r1.models.tiny import save_tiny_reward_model
>>> path = save_tiny_reward_model("/tmp/trl_r1-doctest-rm")
>>> helpful = HelpfulnessReward(path)
>>> prompts = [[{"role": "user", "content": "Say hi"}]] * 2
>>> completions = [[{"role": "assistant", "content": "<think>plan A</think>Hi!"}],
...                [{"role": "assistant", "content": "<think>plan B, longer</think>Hi!"}]]
>>> a, b = helpful(prompts=prompts, completions=completions)
>>> a == b  # the reasoning is not judged, only the summary "Hi!"
True
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from trl_r1.text.completion import completion_text, parse_completion

logger = logging.getLogger(__name__)


class SequenceClassificationReward:
    """Any sequence-classification reward model, scoring ``prompt + response`` with one logit.

    Conversational prompts are rendered with the reward model's own chat template (prompt messages
    plus one assistant message holding the scored text); standard prompts are concatenated. The
    score is ``logits[:, label]``. Which part of the completion is scored is
    :meth:`scored_text` (the whole completion here; subclasses narrow it).

    Args:
        model_name_or_path: a local directory or hub id of an ``AutoModelForSequenceClassification``
            (``trl-r1/tiny-reward``: the tiny offline one, for tests and CPU recipes).
        name: the ``__name__`` TRL logs the reward under (default: ``reward_model``).
        label: which logit is the score (``0`` for the usual one-logit reward heads).
        batch_size: sequences per forward pass.
        max_length: longer inputs are truncated *from the left*, so the response end is kept.
        device: ``"cuda:N"``, ``"cpu"``, ...; default: this process's GPU (``LOCAL_RANK``) when
            there is one, else the CPU.
        dtype: torch dtype name; default ``bfloat16`` on GPU, ``float32`` on CPU.

    Failures of the scoring infrastructure (e.g. out of memory) give ``None`` for the affected rows
    (TRL skips them), are counted in the ``<name>/failures`` metric and logged; a wrong or empty
    answer is never ``None``.
    """

    default_name = "reward_model"

    def __init__(
        self,
        model_name_or_path: str,
        name: str | None = None,
        label: int = 0,
        batch_size: int = 8,
        max_length: int = 4096,
        device: str | None = None,
        dtype: str | None = None,
    ):
        looks_local = model_name_or_path.startswith((".", "/", "~")) or model_name_or_path.count("/") > 1
        if looks_local and not Path(model_name_or_path).expanduser().exists():  # a hub id is "org/name"
            raise FileNotFoundError(
                f"reward model {model_name_or_path!r} does not exist; pass a saved "
                "AutoModelForSequenceClassification directory or a hub id"
            )
        if batch_size < 1 or max_length < 1:
            raise ValueError(f"batch_size and max_length must be >= 1, got {batch_size} and {max_length}")
        self.model_name_or_path = model_name_or_path
        self.__name__ = name or self.default_name
        self.label = label
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = device
        self.dtype = dtype
        self._model = None
        self._tokenizer = None

    # The weights are not pickled: a spawned reward process reloads them on first use.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = state["_tokenizer"] = None
        return state

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from trl_r1.models.resolve import resolve_model

        device = self.device
        if device is None:
            device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu"
        dtype = self.dtype or ("bfloat16" if str(device).startswith("cuda") else "float32")
        path = resolve_model(self.model_name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForSequenceClassification.from_pretrained(path, dtype=getattr(torch, dtype))
        if self.label >= model.config.num_labels:
            raise ValueError(
                f"reward model {self.model_name_or_path!r} has {model.config.num_labels} label(s); "
                f"label={self.label} is out of range"
            )
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        if model.config.pad_token_id is None:  # the head reads the last non-pad token
            model.config.pad_token_id = tokenizer.pad_token_id
        tokenizer.padding_side = "right"
        tokenizer.truncation_side = "left"
        self._model, self._tokenizer = model.to(device).eval(), tokenizer
        logger.info("loaded reward model %s (%s) on %s", self.__name__, self.model_name_or_path, device)

    def scored_text(self, completion: str) -> str:
        """The part of a completion that this reward model judges."""
        return completion

    def render(self, prompt: Any, response: str) -> str:
        """The text the reward model reads: the prompt and ``response`` in its chat format."""
        if isinstance(prompt, str):
            return prompt + response
        messages = list(prompt)
        if messages and messages[-1].get("role") == "assistant":  # a prefilled turn is continued
            messages = messages[:-1]
        messages.append({"role": "assistant", "content": response})
        return self._tokenizer.apply_chat_template(messages, tokenize=False)

    def __call__(self, prompts: list, completions: list, log_metric=None, **kwargs) -> list[float | None]:
        import torch

        if self._model is None:
            # Loaded at the first call, which may be mid-run (a window opening at step 80). Loading may
            # draw random numbers (a checkpoint without its head gets one initialised): on a private copy
            # of the RNG streams, so the policy's samples after that step do not depend on it (issue 26).
            with torch.random.fork_rng(devices=[]):
                self._load()
        texts = [self.render(p, self.scored_text(completion_text(c))) for p, c in zip(prompts, completions)]
        scores: list[float | None] = []
        failures = 0
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            try:
                enc = self._tokenizer(
                    batch,
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    add_special_tokens=False,
                ).to(self._model.device)
                with torch.inference_mode():
                    logits = self._model(**enc).logits[:, self.label]
                scores.extend(float(x) for x in logits.float().cpu())
            except (RuntimeError, ValueError) as e:  # e.g. CUDA OOM: not the model's fault, skip the rows
                logger.warning(
                    "reward model %s failed on %d row(s), skipping them: %s", self.__name__, len(batch), e
                )
                failures += len(batch)
                scores.extend([None] * len(batch))
        if log_metric is not None:
            log_metric(f"{self.__name__}/failures", float(failures))
        return scores

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_name_or_path!r}, name={self.__name__!r})"


class HelpfulnessReward(SequenceClassificationReward):
    """R1's helpfulness reward: a reward model judges only the summary after the reasoning.

    Scored text: the summary (everything after the last ``</think>``). A response with no reasoning
    block at all is scored whole (general prompts may be answered directly); a response whose
    reasoning never closes has no summary and is scored as an empty answer.

    Paper: DeepSeek-R1, section 2.3.4 ("for helpfulness, we focus exclusively on the final summary").
    """

    default_name = "helpfulness_reward"

    def scored_text(self, completion: str) -> str:
        parsed = parse_completion(completion)
        if parsed.summary is not None:
            return parsed.summary
        return "" if parsed.think_starts else completion


class HarmlessnessReward(SequenceClassificationReward):
    """R1's harmlessness reward: a reward model judges the whole response, reasoning included.

    Paper: DeepSeek-R1, section 2.3.4 ("for harmlessness, we evaluate the entire response of the
    model, including both the reasoning process and the summary").
    """

    default_name = "harmlessness_reward"


REWARD_MODELS: dict[str, type[SequenceClassificationReward]] = {
    "reward_model": SequenceClassificationReward,
    "helpfulness": HelpfulnessReward,
    "harmlessness": HarmlessnessReward,
}
