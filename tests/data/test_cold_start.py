"""Cold-start format, tokenizer surgery and LoRA config (no training here: see test_stage1.py)."""

import pytest
import torch
from datasets import Dataset

from trl_r1.data.cold_start import ColdStartFormat, DatasetShapeError
from trl_r1.models.lora import cold_start_lora_config, ties_embeddings
from trl_r1.models.tiny import CHATML_TEMPLATE, build_tiny_model
from trl_r1.models.tokenizer_surgery import TokenizerSurgeryError, add_reasoning_tokens
from trl_r1.text.completion import parse_completion
from trl_r1.training.sft import ColdStartArguments, prepare_cold_start_data

EN = (
    "First, 17 + 25: 7 + 5 = 12, write 2 carry 1.\n\nThen 1 + 2 + 1 = 4, so 42.",
    "The sum is $\\boxed{42}$.",
)
ZH = (
    "首先计算个位：7 加 5 等于 12，进一。\n\n然后十位：1 加 2 再加 1 等于 4，所以是 42。",
    "答案是 $\\boxed{42}$。",
)


def base_model_and_tokenizer(**kwargs):
    """The tiny model WITHOUT the R1 tags: a stand-in for a real base model."""
    return build_tiny_model(hidden_size=64, extra_tokens=(), **kwargs)


def ids_of(encoding):
    return encoding["input_ids"] if hasattr(encoding, "keys") else encoding


# -- the format -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reasoning,summary", [EN, ZH], ids=["english", "chinese"])
def test_round_trip_format_tokenize_decode_split_recovers_reasoning_and_summary(reasoning, summary):
    model, tok = base_model_and_tokenizer()
    add_reasoning_tokens(model, tok)
    fmt = ColdStartFormat()
    row = fmt({"problem": "17+25?", "reasoning": reasoning, "summary": summary})

    prompt_ids = ids_of(tok.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=True))
    full_ids = ids_of(tok.apply_chat_template(row["prompt"] + row["completion"], tokenize=True))
    assert full_ids[: len(prompt_ids)] == prompt_ids  # SFT trains exactly on what follows the prompt
    completion_ids = full_ids[len(prompt_ids) :]
    for marker in (fmt.think_start, fmt.think_end):  # each marker is one token, once
        assert completion_ids.count(tok.convert_tokens_to_ids(marker)) == 1

    decoded = tok.decode(completion_ids, skip_special_tokens=True)  # as TRL's GRPO decodes
    assert fmt.split(decoded) == (reasoning, summary)
    parsed = parse_completion(decoded)  # the one parser rewards use agrees
    assert (parsed.reasoning, parsed.summary) == (reasoning, summary)


def test_default_layout_and_configurable_markers():
    fmt = ColdStartFormat()
    assert fmt.render("r", "s") == "<think>\nr\n</think>\n\ns"
    custom = ColdStartFormat(think_start="<|begin_of_thought|>", think_end="<|end_of_thought|>")
    text = custom.render("r", "s")
    assert text == "<|begin_of_thought|>\nr\n<|end_of_thought|>\n\ns"
    assert custom.split(text) == ("r", "s")
    with pytest.raises(ValueError, match="markers must differ"):
        ColdStartFormat(think_start="<t>", think_end="<t>")


def test_accepted_shapes_all_give_the_same_conversational_row():
    fmt = ColdStartFormat()
    expected = fmt({"problem": "2+2?", "reasoning": "2+2=4", "summary": "It is 4."})
    assert expected["prompt"] == [{"role": "user", "content": "2+2?"}]
    assert expected["completion"] == [
        {"role": "assistant", "content": "<think>\n2+2=4\n</think>\n\nIt is 4."}
    ]
    shapes = [
        {"question": "2+2?", "response": "<think>2+2=4</think>It is 4."},  # R1-style trace, string
        {
            "prompt": [{"role": "user", "content": "2+2?"}],  # TRL conversational prompt/completion
            "completion": [{"role": "assistant", "content": "<think>\n2+2=4\n</think>\n\nIt is 4."}],
        },
        {
            "messages": [
                {"role": "user", "content": "2+2?"},  # public reasoning datasets
                {"role": "assistant", "reasoning_content": "2+2=4", "content": "It is 4."},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "reasoning": "2+2=4", "content": "It is 4."},
            ]
        },
    ]
    for record in shapes:
        assert fmt(record) == expected, record


def test_system_prompt_is_prepended_unless_the_record_has_one():
    fmt = ColdStartFormat(system_prompt="Be brief.")
    system = {"role": "system", "content": "Be brief."}
    assert fmt({"problem": "q", "reasoning": "r", "summary": "s"})["prompt"] == [
        system,
        {"role": "user", "content": "q"},
    ]
    own = {"role": "system", "content": "Mine."}
    messages = [
        own,
        {"role": "user", "content": "q"},
        {"role": "assistant", "reasoning_content": "r", "content": "s"},
    ]
    assert fmt({"messages": messages})["prompt"] == messages[:2]


def test_dataset_missing_a_field_fails_naming_it_and_the_accepted_shapes():
    fmt = ColdStartFormat()
    with pytest.raises(DatasetShapeError, match="missing field reasoning") as err:
        fmt.resolve_shape(["problem", "summary"])
    assert "accepted shapes" in str(err.value)
    with pytest.raises(DatasetShapeError, match="missing field problem"):
        fmt.resolve_shape(["response"])
    with pytest.raises(DatasetShapeError, match="'my_summary'"):
        ColdStartFormat(summary_field="my_summary").resolve_shape(["problem", "reasoning", "summary"])


def test_rows_that_cannot_be_formatted_are_counted_by_reason_and_kept_for_the_report():
    data = Dataset.from_list(
        [
            {"question": "a", "completion": "<think>ok</think>fine"},
            {"question": "b", "completion": "no reasoning block at all"},
            {"question": "c", "completion": "<think>ok</think>   "},
            {"question": "d", "completion": "<think></think>summary"},
        ]
    )
    prepared = prepare_cold_start_data(ColdStartArguments(readability_filters=False), dataset=data)
    report = prepared.format_report
    assert (report.total, report.formatted) == (4, 1)
    assert report.failed == {"no_reasoning_block": 1, "empty_summary": 1, "empty_reasoning": 1}
    assert sorted(d["row"]["question"] for d in prepared.dropped) == ["b", "c", "d"]


def test_readability_filter_drops_are_counted_in_the_prepared_data():
    loop = "wait, let me check the sum again. " * 20
    data = Dataset.from_list(
        [
            {"problem": "a", "reasoning": "short and clear", "summary": "4"},
            {"problem": "b", "reasoning": loop, "summary": "4"},
        ]
    )
    prepared = prepare_cold_start_data(ColdStartArguments(check_language=False), dataset=data)
    assert len(prepared.rows) == 1
    assert prepared.filter_result.dropped["repetition"] == 1
    assert prepared.counts()["train_rows"] == 1


# -- tokenizer surgery ------------------------------------------------------------------------------


def test_markers_become_single_non_special_tokens_that_survive_skip_special_decoding():
    model, tok = base_model_and_tokenizer()
    assert len(tok.encode("<think>", add_special_tokens=False)) > 1  # a base model splits the marker
    report = add_reasoning_tokens(model, tok)
    assert report.added_tokens == ["<think>", "</think>"]
    for marker in ("<think>", "</think>"):
        ids = tok.encode(marker, add_special_tokens=False)
        assert len(ids) == 1
        assert tok.decode(ids, skip_special_tokens=True) == marker
        assert marker not in tok.all_special_tokens


def test_new_embedding_rows_start_at_the_mean_and_surgery_is_idempotent():
    model, tok = base_model_and_tokenizer()
    old_len = len(tok)
    report = add_reasoning_tokens(model, tok)
    weight = model.get_input_embeddings().weight
    mean = weight[:old_len].mean(dim=0)
    for i in report.new_token_ids:
        torch.testing.assert_close(weight[i], mean)
    before = weight.detach().clone()
    again = add_reasoning_tokens(model, tok)
    assert not again.changed and again.added_tokens == [] and len(tok) == old_len + 2
    assert torch.equal(model.get_input_embeddings().weight, before)  # trained rows are never re-initialised


def test_embeddings_grow_to_a_multiple_of_64_and_untied_heads_are_initialised_too():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    _, tok = base_model_and_tokenizer()
    config = Qwen2Config(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        tie_word_embeddings=False,
    )
    model = Qwen2ForCausalLM(config)
    assert not ties_embeddings(model)
    old_len = len(tok)
    report = add_reasoning_tokens(model, tok)
    assert report.embedding_rows_after % 64 == 0 and report.embedding_rows_after >= len(tok)
    head = model.get_output_embeddings().weight
    for i in report.new_token_ids:
        torch.testing.assert_close(head[i], head[:old_len].mean(dim=0))


def test_eos_becomes_the_token_that_ends_the_assistant_turn():
    # Like Qwen2.5 base: eos <|endoftext|>, but ChatML ends assistant turns with <|im_end|>.
    model, tok = base_model_and_tokenizer()
    tok.eos_token = "<|endoftext|>"
    endoftext = tok.convert_tokens_to_ids("<|endoftext|>")
    model.generation_config.eos_token_id = endoftext
    report = add_reasoning_tokens(model, tok)
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    assert report.eos_changed and report.eos_token == "<|im_end|>" and tok.eos_token == "<|im_end|>"
    assert model.config.eos_token_id == im_end
    assert model.generation_config.eos_token_id == [im_end, endoftext]  # both still stop generation


def test_a_tokenizer_without_chat_template_gets_chatml():
    model, tok = base_model_and_tokenizer()
    tok.chat_template = None
    report = add_reasoning_tokens(model, tok)
    assert report.chat_template_installed and tok.chat_template == CHATML_TEMPLATE
    assert report.eos_token == "<|im_end|>"


def test_special_markers_are_refused_because_grpo_would_decode_them_away():
    from transformers import AddedToken

    model, tok = base_model_and_tokenizer()
    tok.add_tokens([AddedToken("<think>", special=True, normalized=False)], special_tokens=True)
    with pytest.raises(TokenizerSurgeryError, match="SPECIAL token"):
        add_reasoning_tokens(model, tok)


def test_a_chat_template_that_drops_the_reasoning_is_refused():
    model, tok = base_model_and_tokenizer()
    # Like some distilled models' templates: only the text after </think> is kept.
    tok.chat_template = CHATML_TEMPLATE.replace(
        "message['content']", "message['content'].split('</think>')[-1]"
    )
    with pytest.raises(TokenizerSurgeryError, match="does not render the assistant turn verbatim"):
        add_reasoning_tokens(model, tok)


# -- LoRA config ----------------------------------------------------------------------------------------


def test_lora_config_trains_embeddings_and_head_and_keeps_them_tied():
    from trl import ModelConfig

    model, _ = base_model_and_tokenizer()
    config = cold_start_lora_config(
        model, ModelConfig(use_peft=True, lora_r=4, lora_target_modules=["q_proj"])
    )
    assert set(config.modules_to_save) == {"embed_tokens", "lm_head"}
    assert config.ensure_weight_tying and config.r == 4 and not config.trainable_token_indices
    with pytest.raises(ValueError, match="trainable_token_indices crashes"):
        cold_start_lora_config(model, trainable_token_indices={"embed_tokens": [0]})
