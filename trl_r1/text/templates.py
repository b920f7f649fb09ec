"""Prompt templates from the DeepSeek-R1 paper.

The R1-Zero template (paper, Table 1) asks a base model to reason inside ``<think>`` and answer
inside ``<answer>``. It works for both TRL dataset formats:

* standard: the prompt is one string ending with ``Assistant:`` (optionally `` <think>``);
* conversational: a system message carrying the instruction and a user message with the question,
  optionally followed by an assistant message holding the prefilled ``<think>`` (TRL continues
  a final assistant message instead of opening a new turn).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from trl_r1.text.completion import THINK_START

R1_ZERO_INSTRUCTION = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer. The reasoning process and answer are enclosed within "
    "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process "
    "here </think> <answer> answer here </answer>."
)

R1_ZERO_TEMPLATE = R1_ZERO_INSTRUCTION + " User: {question}. Assistant:"

# The R1 (cold-start) layout: reasoning block, then a readable summary ending in \boxed{}.
R1_INSTRUCTION = (
    "Think step by step inside <think> </think>, then write a short summary of the solution and "
    "put the final answer in \\boxed{}."
)


def r1_zero_prompt(
    question: str, conversational: bool = False, prefill_think: bool = False, template: str | None = None
) -> str | list[dict[str, str]]:
    """Build an R1-Zero prompt for ``question``.

    Args:
        question: the problem statement.
        conversational: return chat messages instead of one string.
        prefill_think: end the prompt with an opened ``<think>`` so the model starts reasoning.
        template: a custom standard template with a ``{question}`` field (standard format only).

    >>> r1_zero_prompt("1+1").endswith("User: 1+1. Assistant:")
    True
    >>> r1_zero_prompt("1+1", conversational=True, prefill_think=True)[-1]
    {'role': 'assistant', 'content': '<think>'}
    """
    if not conversational:
        prompt = (template or R1_ZERO_TEMPLATE).format(question=question)
        return prompt + (" " + THINK_START if prefill_think else "")
    if template is not None:
        raise ValueError("`template` applies to standard prompts; pass conversational=False to use it")
    messages: list[dict[str, str]] = [
        {"role": "system", "content": R1_ZERO_INSTRUCTION},
        {"role": "user", "content": question},
    ]
    if prefill_think:
        messages.append({"role": "assistant", "content": THINK_START})
    return messages


def prompt_text(prompt: Any, part: Literal["user", "all"] = "user") -> str:
    """The text of a TRL prompt, standard (a string: the text itself) or conversational (a list of messages).

    ``part="user"``: the content of the last user message, the question a person asked (what the target-language
    rule and per-question grouping read; ``""`` when there is none). ``part="all"``: every message's content,
    joined (what a length bound or a search for a prefilled marker reads). Never raises: prompts come from data.

    >>> chat = [{"role": "system", "content": "Think first. "}, {"role": "user", "content": "2+2?"}]
    >>> prompt_text(chat), prompt_text(chat, "all"), prompt_text("Q: 2+2? A:")
    ('2+2?', 'Think first. 2+2?', 'Q: 2+2? A:')
    """
    if isinstance(prompt, str):
        return prompt
    messages = [m for m in prompt if isinstance(m, Mapping)] if isinstance(prompt, (list, tuple)) else []
    if part == "user":
        messages = [m for m in messages if m.get("role") == "user"][-1:]
    return "".join(str(m["content"]) for m in messages if m.get("content") is not None)


PROMPT_TEMPLATES = ("chat", "r1", "r1_zero", "deepseek")
DEEPSEEK_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."


def build_prompt(question: str, template: str, prefill_think: bool = False) -> str | list[dict[str, str]]:
    r"""The one prompt builder (GRPO prompts, rejection sampling, evaluation) for a bare question.

    Templates: ``chat`` (one user message), ``r1`` (R1 instruction as the system message: reason in
    ``<think>``, then a summary with ``\boxed{}``), ``r1_zero`` (the paper's R1-Zero string template),
    ``deepseek`` (the question followed by DeepSeek's recommended evaluation instruction, for released
    R1 and R1-distill models). ``prefill_think`` ends the prompt with an opened ``<think>``.

    >>> build_prompt("2+2", "chat")
    [{'role': 'user', 'content': '2+2'}]
    """
    if template == "chat":
        prompt: str | list[dict[str, str]] = [{"role": "user", "content": question}]
    elif template == "r1":
        prompt = [{"role": "system", "content": R1_INSTRUCTION}, {"role": "user", "content": question}]
    elif template == "r1_zero":
        prompt = r1_zero_prompt(question)
    elif template == "deepseek":
        prompt = [{"role": "user", "content": f"{question}\n{DEEPSEEK_INSTRUCTION}"}]
    else:
        raise ValueError(f"unknown prompt template {template!r}; choose from {', '.join(PROMPT_TEMPLATES)}")
    if not prefill_think:
        return prompt
    if isinstance(prompt, str):
        return f"{prompt} {THINK_START}"
    return [*prompt, {"role": "assistant", "content": THINK_START + "\n"}]
