"""Turn kept samples into SFT rows and mix in non-reasoning data (R1 stage 3).

R1 fine-tunes on ~600k verified reasoning samples plus ~200k non-reasoning ones (writing, factual
QA, self-cognition, translation), 3:1; simple queries are answered without a chain of thought,
so non-reasoning rows are taken as they are, with or without a reasoning block.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from trl_r1.rejection.config import InvalidInput
from trl_r1.text.completion import THINK_START
from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)


def sft_pair(prompt: Any, completion: str) -> tuple[Any, Any]:
    """The ``(prompt, completion)`` SFT pair for a sample, in the prompt's format.

    A prefilled opening (a final assistant message, or a string prompt ending in ``<think>``) moves
    into the completion, so SFT teaches the model to write it itself.

    >>> sft_pair([{"role": "user", "content": "1+1"}, {"role": "assistant", "content": "<think>"}], "2</think>2")
    ([{'role': 'user', 'content': '1+1'}], [{'role': 'assistant', 'content': '<think>2</think>2'}])
    >>> sft_pair("Q: 1+1. Assistant: <think>", "2</think>")
    ('Q: 1+1. Assistant:', '<think>2</think>')
    """
    if isinstance(prompt, str):
        if prompt.rstrip().endswith(THINK_START):
            head = prompt.rstrip()[: -len(THINK_START)]
            return head.rstrip(), THINK_START + completion
        return prompt, completion
    messages = list(prompt)
    if messages and messages[-1].get("role") == "assistant":
        completion = messages.pop()["content"] + completion
    return messages, [{"role": "assistant", "content": completion}]


def non_reasoning_pair(row: dict[str, Any], conversational: bool) -> tuple[Any, Any]:
    """``(prompt, completion)`` of a non-reasoning row, in the reasoning rows' format.

    Accepted columns: ``prompt`` + ``completion``, ``question`` + ``response``, or ``messages``
    (the last assistant message is the completion).
    """
    if "prompt" in row and "completion" in row:
        prompt, completion = row["prompt"], row["completion"]
    elif "question" in row and "response" in row:
        prompt, completion = row["question"], row["response"]
    elif "messages" in row:
        messages = list(row["messages"])
        if not messages or messages[-1].get("role") != "assistant":
            raise InvalidInput("a non-reasoning 'messages' row must end with an assistant message")
        prompt, completion = messages[:-1], [messages[-1]]
    else:
        raise InvalidInput(
            f"non-reasoning rows need prompt+completion, question+response or messages columns; "
            f"got {sorted(row)}"
        )
    if not conversational:
        return prompt_text(prompt, "all"), prompt_text(completion, "all")
    if isinstance(prompt, str):
        prompt = [{"role": "user", "content": prompt}]
    if isinstance(completion, str):
        completion = [{"role": "assistant", "content": completion}]
    return list(prompt), list(completion)


def mix_non_reasoning(
    num_reasoning: int, rows: list[dict[str, Any]], ratio: float, seed: int, conversational: bool
) -> list[dict[str, Any]]:
    """``round(num_reasoning / ratio)`` non-reasoning rows (``prompt``, ``completion``, ``source_index``)
    drawn without replacement with ``seed`` (all of them, with a warning, when there are fewer).

    >>> rows = [{"question": f"Repeat: {w}", "response": w} for w in "abcdefgh"]
    >>> [r["source_index"] for r in mix_non_reasoning(6, rows, ratio=3.0, seed=0, conversational=False)]
    [6, 7]
    """
    wanted = round(num_reasoning / ratio)
    if wanted > len(rows):
        logger.warning(
            "wanted %d non-reasoning rows for a %.3g:1 mix but the dataset has %d: using all of them",
            wanted,
            ratio,
            len(rows),
        )
        wanted = len(rows)
    picked = sorted(random.Random(seed).sample(range(len(rows)), wanted))
    out = []
    for i in picked:
        prompt, completion = non_reasoning_pair(rows[i], conversational)
        out.append({"prompt": prompt, "completion": completion, "source_index": i})
    return out
