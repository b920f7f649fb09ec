"""Checks of the models and rewards a stage names, from their files only, before any model loads.

* :func:`model_problem`: a model is a ``trl-r1/tiny`` alias with known options in range, a local directory
  holding a ``config.json`` (a JSON object) and tokenizer files, with a chat template when the data is chat
  messages, or a hub id whose files are cached (or reachable); a file, a directory without ``config.json`` or a
  data file given as a reward model is refused in one line;
* :func:`context_fit_problems`: the prompt plus completion budget of a stage fits the model's context
  (``max_position_embeddings``, or ``vllm_max_model_length`` when vLLM generates), read from the model's
  config, local or cached (issue 23: Qwen2.5-Math has 4,096 positions);
* :func:`reward_problem`: a dotted reward name is a function (or callable instance) TRL can call with its
  keyword arguments, not a module, a string or a function of other arguments.

A hub model that is neither cached nor reachable (``HF_HUB_OFFLINE=1``) gives a line starting with
:data:`OFFLINE`: ``trl-r1 run --dry-run`` prints it as a note (the recipe may target another machine), a run
refuses it.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

OFFLINE = "not available here"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "tokenizer.model")
# trl-r1/tiny options: a tiny model is at most this big (hidden_size 10**6 would allocate terabytes)
TINY_LIMITS = {
    "hidden_size": (8, 4096),
    "num_hidden_layers": (1, 64),
    "num_attention_heads": (1, 64),
    "num_key_value_heads": (1, 64),
    "seed": (0, 2**32 - 1),
}
_MAX_CONFIG_BYTES = 4 * 2**20


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on")


def _looks_like_path(model: str) -> bool:
    """A path, not a hub id: ``./x``, ``a/b/c``, anything that exists, or ``runs/x`` where ``runs/`` exists here
    (an earlier stage's output that was never written, not an ``org/name`` on the Hub)."""
    path = Path(model).expanduser()
    return (
        model.startswith((".", "/", "~"))
        or model.count("/") > 1
        or os.path.lexists(path)
        or (model.count("/") == 1 and path.parent.is_dir())
    )


def tiny_problem(model: str) -> str | None:
    """What is wrong with the options of a ``trl-r1/tiny...`` alias (``?hidden_size=-1``, ``?colour=red``)."""
    from trl_r1.models.resolve import _TINY_OPTIONS, _TINY_REWARD_OPTIONS, TINY_REWARD_MODEL

    parts = urlsplit(model)
    allowed = _TINY_REWARD_OPTIONS if parts.path == TINY_REWARD_MODEL else _TINY_OPTIONS
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in options.items():
        if key not in allowed:
            return f"unknown tiny-model option {key!r} in {model!r}; allowed: {', '.join(sorted(allowed))}"
        low, high = TINY_LIMITS[key]
        if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
            return f"tiny-model option {key}={value!r} in {model!r} must be an integer in {low}..{high}"
    heads = int(options.get("num_attention_heads", 4))
    if int(options.get("hidden_size", 128)) % heads:
        return f"{model!r}: hidden_size must be a multiple of num_attention_heads ({heads})"
    if heads % int(options.get("num_key_value_heads", min(2, heads))):
        return f"{model!r}: num_attention_heads must be a multiple of num_key_value_heads"
    return None


def is_tiny(model: str) -> bool:
    """Whether ``model`` is a tiny offline alias (causal LM or reward model), options included."""
    from trl_r1.models.resolve import TINY_REWARD_MODEL, is_tiny_alias

    return is_tiny_alias(model) or (urlsplit(model).path == TINY_REWARD_MODEL and "://" not in model)


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file() or path.stat().st_size > _MAX_CONFIG_BYTES:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _cached(model: str, filename: str) -> Path | None:
    """``filename`` of hub repo ``model`` in the local Hugging Face cache, or ``None``."""
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(model, filename)
    except Exception:  # an id the hub library refuses (bad characters): not cached
        return None
    return Path(found) if isinstance(found, str) else None


def _has_chat_template(directory: Path | None, tokenizer_config: dict[str, Any] | None) -> bool:
    if tokenizer_config and tokenizer_config.get("chat_template"):
        return True
    return directory is not None and any(
        (directory / f).is_file() for f in ("chat_template.jinja", "chat_template.json")
    )


def model_problem(model: Any, key: str = "model", chat: bool = False) -> str | None:
    """Why ``model`` cannot be loaded as a causal LM (or reward model) with its tokenizer, from its files
    (``None``: it can, as far as files tell); ``chat``: the data is chat messages, so the tokenizer needs a chat
    template. An uncached hub id offline gives a line containing :data:`OFFLINE`."""
    if not isinstance(model, str) or not model:
        return f"{key}: a model path, hub id or trl-r1/tiny alias is required, got {model!r}"
    if is_tiny(model):
        from trl_r1._runtime import cache_dir

        if cache_dir().exists() and not cache_dir().is_dir():  # where the alias is built
            return f"{key}: TRL_R1_CACHE {str(cache_dir())!r} is a file; point TRL_R1_CACHE at a directory"
        problem = tiny_problem(model)
        return f"{key}: {problem}" if problem else None
    path = Path(model).expanduser()
    if _looks_like_path(model):
        if not os.path.lexists(path):
            return (
                f"{key}: model directory {model!r} does not exist ({path.resolve()}); run the stage that writes "
                "it first, or fix the path"
            )
        if not path.is_dir():
            return f"{key}: {model!r} is a file, not a model directory (config.json + weights + tokenizer)"
        if (path / "adapter_config.json").is_file() and not (path / "config.json").exists():
            return None  # a LoRA adapter: its base model is named inside, checked when it loads
        config = _read_json(path / "config.json")
        if config is None:
            what = (
                "has no config.json"
                if not (path / "config.json").exists()
                else "has a config.json that is not a JSON object"
            )
            return f"{key}: model directory {model!r} {what}: it is not a saved model directory"
        if not any((path / f).is_file() for f in TOKENIZER_FILES):
            return (
                f"{key}: {model!r} has no tokenizer files ({', '.join(TOKENIZER_FILES)}); save the tokenizer "
                "next to the model (tokenizer.save_pretrained)"
            )
        if chat and not _has_chat_template(path, _read_json(path / "tokenizer_config.json")):
            return (
                f"{key}: the tokenizer of {model!r} has no chat template, but the data's prompts are chat "
                "messages; use string prompts or a tokenizer with a chat template"
            )
        return None
    config_file = _cached(model, "config.json")
    if config_file is None:
        if hub_offline():
            return (
                f"{key}: cannot load model {model!r}: it is {OFFLINE}, not in the local Hugging Face cache and the hub is off "
                f"(HF_HUB_OFFLINE=1); download it first (hf download {model}) or give a local directory"
            )
        from transformers import AutoConfig

        try:
            AutoConfig.from_pretrained(model)
        except Exception as e:  # OSError, ValueError, a network error: the load would fail the same way
            return f"{key}: cannot load model {model!r} ({str(e).strip().splitlines()[0][:160]})"
        return None
    if chat:
        tokenizer_config = _cached(model, "tokenizer_config.json")
        template = _cached(model, "chat_template.jinja")
        if (
            tokenizer_config is not None
            and template is None
            and not _has_chat_template(None, _read_json(tokenizer_config))
        ):
            return (
                f"{key}: the tokenizer of {model!r} has no chat template, but the data's prompts are chat "
                "messages; use string prompts or a tokenizer with a chat template"
            )
    return None


def model_context(model: str) -> tuple[int | None, str]:
    """``(positions, where from)``: the model's ``max_position_embeddings`` from its config, local or cached;
    ``(None, why)`` when the config cannot be read here."""
    if is_tiny(model):
        from trl_r1.models.tiny import build_tiny_model

        return inspect.signature(build_tiny_model).parameters["max_position_embeddings"].default, "tiny model"
    path = Path(model).expanduser()
    config_file = path / "config.json" if path.is_dir() else _cached(model, "config.json")
    config = _read_json(config_file) if config_file is not None else None
    if config is None:
        return None, f"the config of {model!r} is not available here (not local, not cached)"
    config = config.get("text_config", config) if "max_position_embeddings" not in config else config
    value = config.get("max_position_embeddings")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return None, f"the config of {model!r} gives no max_position_embeddings"
    return value, "max_position_embeddings"


def _int(args: dict[str, Any], key: str, default: int | None) -> int | None:
    value = args.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def context_fit_problems(kind: str, args: dict[str, Any], model: str, prefix: str = "") -> list[str]:
    """Lines naming each token budget of a ``kind`` stage (sft, grpo, sample, eval) with flat ``args`` that does
    not fit ``model``'s context; ``[]`` when all fit or the config is not available here (the dry run says so).
    Defaults are those of the config classes: SFT ``max_length`` 1024, GRPO ``max_completion_length`` 256,
    sampling ``max_new_tokens`` 1024; an evaluation's unset ``max_new_tokens`` is capped by the evaluator, an
    explicit one is checked here. ``max_prompt_length`` counts with the completion when ``args`` sets it;
    otherwise a prompt counts as one token (its real length is known only when the data is tokenized)."""
    if is_tiny(model) and tiny_problem(model):  # reported where the model is named
        return []
    limit, source = model_context(model)
    if limit is None:
        return []
    where = f"{model} ({source} {limit})"
    budgets: list[tuple[str, int, int]] = []  # key, tokens asked, tokens of prompt counted with it
    prompt = _int(args, "max_prompt_length", None) or 0
    if kind == "grpo":
        vllm_len = _int(args, "vllm_max_model_length", None)
        if args.get("use_vllm") and vllm_len:
            if vllm_len > limit:
                return [
                    f"{prefix}vllm_max_model_length: {vllm_len} is beyond the context of {where}; use at most "
                    f"{limit}"
                ]
            limit, where = vllm_len, f"vLLM's engine (vllm_max_model_length {vllm_len})"
        budgets.append(
            ("max_completion_length", _int(args, "max_completion_length", 256) or 256, max(prompt, 1))
        )
        if _int(args, "eval_benchmark_max_new_tokens", None):
            budgets.append(("eval_benchmark_max_new_tokens", args["eval_benchmark_max_new_tokens"], 1))
    elif kind == "sft":
        budgets.append(("max_length", _int(args, "max_length", 1024) or 1024, 0))
    elif kind == "sample":
        budgets.append(("max_new_tokens", _int(args, "max_new_tokens", 1024) or 1024, max(prompt, 1)))
    elif kind == "eval" and _int(args, "max_new_tokens", None):
        budgets.append(("max_new_tokens", args["max_new_tokens"], 1))  # a prompt takes at least one token
    problems = []
    for key, tokens, prompt_tokens in budgets:
        if tokens + prompt_tokens > limit:
            with_prompt = f" plus {prompt_tokens} prompt token(s)" if prompt_tokens else ""
            problems.append(
                f"{prefix}{key}: {tokens} tokens{with_prompt} exceed the context of {where}; use at "
                f"most {limit - prompt_tokens}"
            )
    return problems


def reward_problem(name: str) -> str | None:
    """Why a dotted reward name is not something TRL can call as a reward (``None``: it is, or ``name`` is
    a registered reward): not callable (``os.sep``, a module), a class (TRL would construct it, not score with
    it), or a callable without ``**kwargs`` (TRL passes prompts, completions, completion_ids, trainer_state and
    every dataset column by keyword; ``os.getcwd`` takes none)."""
    from trl_r1.rewards.registry import RULE_REWARDS, build_reward

    if "." not in name or name in RULE_REWARDS:
        return None
    try:
        reward = build_reward(name)
    except (ValueError, ImportError) as e:
        return str(e)
    if inspect.ismodule(reward) or not callable(reward):
        return (
            f"reward {name!r} is {type(reward).__name__}, not a function; a reward is called as "
            "f(prompts=..., completions=..., **kwargs) and returns one float (or None) per completion"
        )
    if inspect.isclass(reward):
        return f"reward {name!r} is a class; give a function or an instance (TRL calls the reward, not its class)"
    try:
        parameters = inspect.signature(reward).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: cannot be told, TRL has the last word
        return None
    if not any(p.kind is p.VAR_KEYWORD for p in parameters):
        return (
            f"reward {name!r} takes ({', '.join(p.name for p in parameters)}) but TRL calls it with keyword "
            "arguments prompts, completions, completion_ids, trainer_state and the dataset columns; add "
            "**kwargs"
        )
    positional = [p.name for p in parameters if p.kind is p.POSITIONAL_ONLY and p.default is p.empty]
    if positional:
        return (
            f"reward {name!r} has positional-only parameters ({', '.join(positional)}); TRL passes keywords"
        )
    return None
