"""Drop prompts longer than ``max_prompt_length`` tokens before generation (GRPO stages, rejection sampling).

TRL 1.16 has no ``max_prompt_length``: a prompt is never truncated, so one 50 MB line makes generation
allocate and attend over millions of tokens (it looks like a hang). Dropping, not truncating, keeps the
question whole for every prompt that is used; the count is logged and returned.

Tokenizing a huge prompt is itself slow, so a prompt is first measured in characters: a token covers at
most as many characters as the longest string in the vocabulary, so a text longer than
``max_prompt_length * longest_token`` characters is too long without tokenizing it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)

DEFAULT_MAX_PROMPT_LENGTH = 2048


def _longest_token(tokenizer: Any) -> int:
    try:
        vocab = tokenizer.get_vocab()
    except Exception:  # pragma: no cover - tokenizers without a vocabulary: no character bound
        return 0
    return max((len(t) for t in vocab), default=0)


def prompt_num_tokens(prompt: Any, tokenizer: Any) -> int:
    """Tokens of a string prompt, or of chat messages with the chat template and generation prompt applied
    (what the trainer or sampler feeds the model)."""
    if isinstance(prompt, str):
        return len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    if getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template(list(prompt), tokenize=True, add_generation_prompt=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return len(ids)
    return len(tokenizer(prompt_text(prompt, "all"), add_special_tokens=False)["input_ids"])


def long_prompt_indices(prompts: Sequence[Any], tokenizer: Any, max_prompt_length: int | None) -> list[int]:
    """Indices of the prompts longer than ``max_prompt_length`` tokens (``None``: no limit, ``[]``)."""
    if max_prompt_length is None:
        return []
    longest = _longest_token(tokenizer)
    bound = max_prompt_length * longest if longest else None
    too_long = []
    for i, prompt in enumerate(prompts):
        chars = len(prompt_text(prompt, "all"))
        if bound is not None and chars > bound:
            too_long.append(i)  # certainly too long: not worth tokenizing
        elif chars > max_prompt_length // 4 and prompt_num_tokens(prompt, tokenizer) > max_prompt_length:
            too_long.append(i)  # a token is at least one character (templates add a few): short ones fit
    return too_long


def drop_long_prompts(
    dataset: Any,
    tokenizer: Any,
    max_prompt_length: int | None,
    column: str = "prompt",
    where: str = "dataset",
) -> tuple[Any, int]:
    """``dataset`` (a ``datasets.Dataset`` or a list of row dicts) without the rows whose ``column`` is
    longer than ``max_prompt_length`` tokens, and how many were dropped (logged)."""
    prompts = dataset[column] if hasattr(dataset, "column_names") else [r[column] for r in dataset]
    drop = set(long_prompt_indices(prompts, tokenizer, max_prompt_length))
    if not drop:
        return dataset, 0
    keep = [i for i in range(len(prompts)) if i not in drop]
    logger.warning(
        "%s: dropped %d of %d prompts longer than %d tokens (max_prompt_length; raise it or set it "
        "to null to keep them)",
        where,
        len(drop),
        len(prompts),
        max_prompt_length,
    )
    kept = dataset.select(keep) if hasattr(dataset, "select") else [dataset[i] for i in keep]
    return kept, len(drop)


def drop_long_prompts_for_model(
    dataset: Any, model: str, max_prompt_length: int | None, where: str = "dataset"
) -> tuple[Any, int]:
    """:func:`drop_long_prompts` with the tokenizer of ``model`` (a path or hub id; loaded only when there
    is a limit); fails when no prompt is left."""
    if max_prompt_length is None:
        return dataset, 0
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model)
    except OSError as e:
        raise ValueError(
            f"cannot load the tokenizer of {model!r} to measure prompt lengths ({str(e).splitlines()[0]}); "
            "check the model name, or set max_prompt_length to null"
        ) from None
    kept, dropped = drop_long_prompts(dataset, tokenizer, max_prompt_length, where=where)
    if dropped and len(kept) == 0:
        raise ValueError(
            f"{where}: every prompt is longer than max_prompt_length={max_prompt_length} tokens; "
            "raise max_prompt_length"
        )
    return kept, dropped
