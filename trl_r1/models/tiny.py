"""A tiny, random-initialised, fully offline model for tests, the demo and examples.

Nothing here touches a hub: the tokenizer is a byte-level BPE with no merges (256 byte tokens),
built in memory, and the model is a Qwen2 built from a config. :func:`save_tiny_model` writes both
to a directory so TRL can reload them by path (TRL builds the GRPO reference model from
``config._name_or_path``, so ``beta > 0`` needs a real path).

The R1 tags are added as *non-special* tokens: one token each, and they survive TRL's
``decode(..., skip_special_tokens=True)``, so format rewards can see them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trl_r1.text.completion import R1_TAGS


@contextmanager
def isolated_seed(seed: int) -> Iterator[None]:
    """Seed the weight initialisation with ``seed`` on a private copy of the global RNG streams.

    A tiny alias is built lazily, the first time something asks for it: a reward model whose
    window opens at step 80 of a run builds ``trl-r1/tiny-reward`` there when the cache lacks it.
    Reseeding the global generator at that point would change every later sample of the run
    (issue 26: a run with a cold cache diverged from one with a warm cache right after the
    preference window opened), so the caller's RNG streams are restored afterwards.
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


EOS_TOKEN = "<|im_end|>"
PAD_TOKEN = "<|endoftext|>"
IM_START = "<|im_start|>"

# ChatML with {% generation %} markers, so SFT's assistant_only_loss works on messages data.
CHATML_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if message['role'] == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}{% generation %}{{- message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{- '\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def build_tiny_tokenizer(extra_tokens: tuple[str, ...] = R1_TAGS):
    """Byte-level tokenizer (256 byte tokens, ChatML specials, ``extra_tokens`` as non-special)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import AddedToken, PreTrainedTokenizerFast

    vocab = {ch: i for i, ch in enumerate(sorted(ByteLevel.alphabet()))}
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    backend.decoder = decoders.ByteLevel()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        eos_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        additional_special_tokens=[IM_START],
        padding_side="left",
        chat_template=CHATML_TEMPLATE,
        model_max_length=2048,
    )
    if extra_tokens:
        tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in extra_tokens])
    return tokenizer


def padded_vocab_size(tokenizer) -> int:
    """Embedding rows for ``tokenizer``: every id addressable, rounded up to a multiple of 64."""
    return -(-len(tokenizer) // 64) * 64


def random_qwen2(tokenizer, vocab_size: int, seed: int, bos_token_id: int | None = None, **sizes: int):
    """A random Qwen2 causal LM with tied embeddings over ``tokenizer`` (its EOS and padding ids), initialised
    under :func:`isolated_seed`, whose generation config samples (R1 never evaluates greedily). ``sizes`` are
    ``Qwen2Config``'s (``hidden_size``, ``intermediate_size``, ``num_hidden_layers``, ...)."""
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    ids = {
        "bos_token_id": bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    config = Qwen2Config(vocab_size=vocab_size, tie_word_embeddings=True, **sizes, **ids)
    with isolated_seed(seed):
        model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(do_sample=True, **ids)
    return model


def save_with_tokenizer(model, tokenizer, output_dir: str | os.PathLike) -> str:
    """Save ``model`` and ``tokenizer`` side by side in ``output_dir`` (created), so both reload by path."""
    path = Path(output_dir)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


def build_tiny_model(
    hidden_size: int = 128,
    num_hidden_layers: int = 2,
    num_attention_heads: int = 4,
    num_key_value_heads: int = 2,
    intermediate_size: int | None = None,
    max_position_embeddings: int = 2048,
    seed: int = 0,
    extra_tokens: tuple[str, ...] = R1_TAGS,
):
    """Return ``(model, tokenizer)``: a random Qwen2 causal LM (about 0.5M parameters by default)."""
    tokenizer = build_tiny_tokenizer(extra_tokens)
    model = random_qwen2(
        tokenizer,
        padded_vocab_size(tokenizer),
        seed,
        hidden_size=hidden_size,
        intermediate_size=intermediate_size or 2 * hidden_size,
        num_hidden_layers=num_hidden_layers,
        num_attention_heads=num_attention_heads,
        num_key_value_heads=num_key_value_heads,
        max_position_embeddings=max_position_embeddings,
    )
    return model, tokenizer


def save_tiny_model(output_dir: str | os.PathLike, **kwargs) -> str:
    """Build the tiny model and save model + tokenizer to ``output_dir``; return the path."""
    return save_with_tokenizer(*build_tiny_model(**kwargs), output_dir)


def save_tiny_reward_model(output_dir: str | os.PathLike, seed: int = 0, hidden_size: int = 64) -> str:
    """A tiny sequence-classification reward model (one logit), saved with its tokenizer."""
    from transformers import Qwen2Config, Qwen2ForSequenceClassification

    tokenizer = build_tiny_tokenizer()
    config = Qwen2Config(
        vocab_size=padded_vocab_size(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=2 * hidden_size,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        num_labels=1,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )
    with isolated_seed(seed):
        model = Qwen2ForSequenceClassification(config)
    return save_with_tokenizer(model, tokenizer, output_dir)
