"""Tokenizer surgery for cold-start SFT: the reasoning markers as single, non-special tokens.

What :func:`add_reasoning_tokens` does to a ``(model, tokenizer)`` pair, and why:

1. **Markers as added, NON-special tokens.** One token each, so the format costs two tokens and
   the model emits it atomically; not special, because TRL's GRPO decodes completions with
   ``skip_special_tokens=True`` and special markers would vanish before the rewards see them.
2. **Embeddings resized** to a multiple of 64 (only when the new ids do not fit already) and the
   new rows initialised to the **mean of the existing rows** (input and, if untied, output
   embeddings), which keeps the first SFT steps stable (Hewitt, 2021, "Initializing new word
   embeddings for pretrained language models").
3. **A chat template that keeps the format**: a base model without a template gets ChatML (a
   DeepSeek vocabulary, which has its own turn tokens, gets
   :data:`trl_r1.models.tiny_deepseek.DEEPSEEK_CHAT_TEMPLATE`, so nothing is added); a
   template that drops the reasoning of an assistant turn (as some distilled models' templates do)
   is refused with a clear error rather than training on truncated targets.
4. **EOS = the token that ends the assistant turn.** Conversational SFT teaches the model to emit
   the template's end-of-turn token (``<|im_end|>`` in ChatML), which for base models is often not
   ``tokenizer.eos_token`` (Qwen2.5 base: ``<|endoftext|>``). The tokenizer's EOS, the model
   config and ``generation_config.eos_token_id`` are set to it, and the caller passes the returned
   ``eos_token`` to ``SFTConfig.eos_token``; otherwise the fine-tuned model never stops.

Running it twice changes nothing the second time (no new tokens, no resize, no re-initialisation).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from trl_r1.models.tiny import CHATML_TEMPLATE
from trl_r1.text.completion import THINK_END, THINK_START

logger = logging.getLogger(__name__)

IM_START, IM_END = "<|im_start|>", "<|im_end|>"

# ChatML; {% generation %} marks the assistant turn so SFT's assistant_only_loss also works.

_PROBE_PROMPT = "Q"
_PROBE_SUMMARY = "probe summary 42"


class TokenizerSurgeryError(ValueError):
    """The tokenizer cannot carry the cold-start format as asked (message says how to fix it)."""


@dataclass
class SurgeryReport:
    """What :func:`add_reasoning_tokens` changed."""

    added_tokens: list[str] = field(default_factory=list)
    new_token_ids: list[int] = field(default_factory=list)
    embedding_rows_before: int = 0
    embedding_rows_after: int = 0
    eos_token: str = ""
    eos_changed: bool = False
    chat_template_installed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.new_token_ids) or self.eos_changed or self.chat_template_installed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _is_special(tokenizer: Any, token: str) -> bool:
    token_id = tokenizer.get_added_vocab().get(token)
    if token_id is None:
        return False
    added = tokenizer.added_tokens_decoder.get(token_id)
    return bool(added is not None and added.special)


def _single_token(tokenizer: Any, text: str) -> bool:
    return len(tokenizer.encode(text, add_special_tokens=False)) == 1


def end_of_turn_token(tokenizer: Any) -> str | None:
    """The special token the chat template writes right after an assistant message, if any."""
    probe = [{"role": "user", "content": _PROBE_PROMPT}, {"role": "assistant", "content": _PROBE_SUMMARY}]
    rendered = tokenizer.apply_chat_template(probe, tokenize=False)
    at = rendered.find(_PROBE_SUMMARY)
    if at < 0:
        return None
    rest = rendered[at + len(_PROBE_SUMMARY) :]
    specials = {str(t) for t in tokenizer.all_special_tokens}
    specials |= {t.content for t in tokenizer.added_tokens_decoder.values() if t.special}
    specials = sorted(specials, key=len, reverse=True)
    return next((t for t in specials if rest.startswith(t)), None)


def check_chat_template(tokenizer: Any, think_start: str = THINK_START, think_end: str = THINK_END) -> None:
    """Raise :class:`TokenizerSurgeryError` unless the template renders a cold-start turn verbatim
    and ends it with a special end-of-turn token."""
    content = f"{think_start}\nR\n{think_end}\n\n{_PROBE_SUMMARY}"
    probe = [{"role": "user", "content": _PROBE_PROMPT}, {"role": "assistant", "content": content}]
    rendered = tokenizer.apply_chat_template(probe, tokenize=False)
    if content not in rendered:
        raise TokenizerSurgeryError(
            "the tokenizer's chat template does not render the assistant turn verbatim (it drops or rewrites the "
            f"{think_start}…{think_end} reasoning), so SFT would train on truncated targets. Use a template that "
            "keeps the content, e.g. SFTConfig(chat_template_path='<file.jinja>') or "
            "add_reasoning_tokens(..., chat_template=trl_r1.models.tiny.CHATML_TEMPLATE)."
        )
    if end_of_turn_token(tokenizer) is None:
        raise TokenizerSurgeryError(
            "the chat template writes no special token after the assistant message, so the model cannot learn to "
            "stop; use a template that ends each turn with a special token (ChatML: <|im_end|>)."
        )


def _mean_init(weight: Any, new_ids: list[int], old_len: int) -> None:
    import torch

    with torch.no_grad():
        mean = weight[:old_len].float().mean(dim=0).to(weight.dtype)
        weight[new_ids] = mean


def add_reasoning_tokens(
    model: Any,
    tokenizer: Any,
    markers: tuple[str, ...] = (THINK_START, THINK_END),
    pad_to_multiple_of: int = 64,
    chat_template: str | None = None,
) -> SurgeryReport:
    """Make ``markers`` single non-special tokens, resize and initialise embeddings, fix template and EOS.

    Args:
        model: a ``PreTrainedModel`` (changed in place).
        tokenizer: its tokenizer (changed in place).
        markers: the reasoning markers of the cold-start format.
        pad_to_multiple_of: embedding rows are padded to a multiple of this when they must grow.
        chat_template: install this template; ``None`` keeps the tokenizer's own, or installs ChatML
            when it has none (DeepSeek's turn layout when the vocabulary has DeepSeek's turn tokens).

    Returns:
        A :class:`SurgeryReport`; pass ``report.eos_token`` as ``SFTConfig.eos_token``.

    >>> from trl_r1.models.tiny import build_tiny_model
    >>> model, tok = build_tiny_model(extra_tokens=())
    >>> report = add_reasoning_tokens(model, tok)
    >>> report.added_tokens, len(tok.encode("<think>", add_special_tokens=False))
    (['<think>', '</think>'], 1)
    >>> add_reasoning_tokens(model, tok).changed
    False
    """
    from transformers import AddedToken

    for m in markers:
        if not m or m != m.strip():
            raise TokenizerSurgeryError(f"marker {m!r} must be non-empty text without surrounding whitespace")
        if _is_special(tokenizer, m):
            raise TokenizerSurgeryError(
                f"{m!r} is a SPECIAL token in this tokenizer: TRL's GRPO decodes with skip_special_tokens=True, so "
                "it would vanish before the rewards see it. Choose other markers (ColdStartArguments.think_start/"
                "think_end) or a tokenizer where it is a normal token."
            )

    report = SurgeryReport(embedding_rows_before=model.get_input_embeddings().weight.shape[0])
    old_len = len(tokenizer)

    if chat_template is None and not getattr(tokenizer, "chat_template", None):
        from trl_r1.models.tiny_deepseek import DEEPSEEK_CHAT_TEMPLATE, DEEPSEEK_TURN_TOKENS

        if set(DEEPSEEK_TURN_TOKENS) <= set(
            tokenizer.get_vocab()
        ):  # a DeepSeek vocabulary: use its own turns
            chat_template = DEEPSEEK_CHAT_TEMPLATE
    if chat_template is not None or not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = chat_template or CHATML_TEMPLATE
        report.chat_template_installed = True
        if tokenizer.chat_template == CHATML_TEMPLATE:  # given or by default: its turn tokens must exist
            missing = [t for t in (IM_START, IM_END) if t not in tokenizer.get_added_vocab()]
            if missing:
                tokenizer.add_tokens(
                    [AddedToken(t, special=True, normalized=False) for t in missing], special_tokens=True
                )
        logger.info("installed a chat template (%s)", "given" if chat_template else "ChatML")

    new = [m for m in markers if m not in tokenizer.get_added_vocab()]
    if new:
        tokenizer.add_tokens([AddedToken(m, special=False, normalized=False) for m in new])
    report.added_tokens = new
    report.new_token_ids = list(range(old_len, len(tokenizer)))
    for m in markers:
        if not _single_token(tokenizer, m):
            raise TokenizerSurgeryError(f"marker {m!r} does not encode to one token after surgery")

    if report.new_token_ids:
        rows = report.embedding_rows_before
        if len(tokenizer) > rows:
            model.resize_token_embeddings(
                len(tokenizer), pad_to_multiple_of=pad_to_multiple_of, mean_resizing=False
            )
        embed_in, embed_out = model.get_input_embeddings(), model.get_output_embeddings()
        _mean_init(embed_in.weight, report.new_token_ids, old_len)
        if embed_out is not None and embed_out.weight.data_ptr() != embed_in.weight.data_ptr():
            _mean_init(embed_out.weight, report.new_token_ids, old_len)
        logger.info(
            "added %s as non-special tokens (ids %s); embedding rows %d -> %d",
            new,
            report.new_token_ids,
            rows,
            model.get_input_embeddings().weight.shape[0],
        )
    report.embedding_rows_after = model.get_input_embeddings().weight.shape[0]

    check_chat_template(tokenizer, markers[0], markers[-1])
    eos = end_of_turn_token(tokenizer)
    report.eos_changed = set_eos(model, tokenizer, eos)
    report.eos_token = eos
    return report


def set_eos(model: Any, tokenizer: Any, eos_token: str) -> bool:
    """Make ``eos_token`` the EOS of the tokenizer, the model config and (first of) the generation config.

    Keeps any other EOS ids of the generation config (every id in it ends a completion in TRL).
    Returns whether anything changed.
    """
    eos_id = tokenizer.convert_tokens_to_ids(eos_token)
    changed = tokenizer.eos_token != eos_token
    tokenizer.eos_token = eos_token
    text_config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    changed |= text_config.eos_token_id != eos_id
    text_config.eos_token_id = eos_id
    gen = getattr(model, "generation_config", None)
    if gen is not None:
        ids = gen.eos_token_id
        ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
        if eos_id not in ids:
            gen.eos_token_id = [eos_id, *ids]
            changed = True
        if gen.pad_token_id is None and tokenizer.pad_token_id is not None:
            gen.pad_token_id = tokenizer.pad_token_id
    if changed:
        logger.info(
            "EOS set to %r (id %d): the token that ends an assistant turn in the chat template",
            eos_token,
            eos_id,
        )
    return changed
