"""What every training stage shares: save for the next stage, resume, finish, its final metrics (one copy each)."""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def finish_distributed(trainer: Any) -> None:
    """Wait for every rank before ``trainer`` is freed.

    Freeing a DDP model tears down its gloo process group, which joins gloo's worker thread while the
    main thread holds the GIL; if that thread is still releasing the last async collective (which needs
    the GIL) the rank deadlocks at exit. A barrier here, with the GIL released while waiting, lets gloo
    drain its queue first. A no-op in a single process.
    """
    trainer.accelerator.wait_for_everyone()


BASE_SUBDIR = "base_model"


def save_for_next_stage(model: Any, tokenizer: Any, output_dir: str | os.PathLike, merge: bool = True) -> str:
    """Save ``model`` (plain or PEFT) and ``tokenizer`` so the next stage loads ``output_dir`` by path.

    * plain model, or PEFT with ``merge=True``: full weights (adapters merged) + tokenizer +
      generation config; ``AutoModelForCausalLM.from_pretrained(output_dir)`` and any TRL trainer
      given the path load it.
    * PEFT with ``merge=False``: the adapter (with the ``modules_to_save`` embedding copies) in
      ``output_dir``, the base model *as resized by tokenizer surgery* in
      ``output_dir/base_model``, and ``adapter_config.json`` pointing at that base, so
      ``from_pretrained(output_dir)`` (transformers with peft installed) still loads it in one call.

    A PEFT model is unwrapped in place (merged or unloaded): call this once, at the end of a stage.
    Returns ``output_dir`` as a string.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    is_peft = hasattr(model, "peft_config") and hasattr(model, "merge_and_unload")
    if is_peft and merge:
        model = model.merge_and_unload()
        logger.info("merged LoRA adapters into the base weights")
    if is_peft and not merge:
        model.save_pretrained(out)  # adapter weights + the modules_to_save embedding copies
        base_dir = out / BASE_SUBDIR
        model.unload().save_pretrained(base_dir)  # LoRA layers dropped, not merged: the base as resized
        tokenizer.save_pretrained(base_dir)
        config_path = out / "adapter_config.json"
        config = json.loads(config_path.read_text())
        config["base_model_name_or_path"] = str(base_dir.resolve())
        config_path.write_text(json.dumps(config, indent=2))
    else:
        model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    logger.info("saved %s model and tokenizer to %s", "adapter" if is_peft and not merge else "full", out)
    return str(out)


def last_checkpoint(stage_dir: str | Path) -> str | None:
    """The newest *complete* ``checkpoint-N`` (the Trainer writes ``trainer_state.json`` last, so a
    checkpoint killed mid-save lacks it and is passed over)."""
    root = Path(stage_dir)
    if not root.is_dir():
        return None
    found = []
    for p in root.glob("checkpoint-*"):
        suffix = p.name.rpartition("-")[2]
        if p.is_dir() and suffix.isdigit():
            found.append((int(suffix), p))
    for _, p in sorted(found, reverse=True):
        if (p / "trainer_state.json").is_file():
            return str(p)
        logger.warning("ignoring incomplete checkpoint %s (interrupted while saving)", p)
    return None


def resolve_checkpoint(training_args: Any) -> str | None:
    """``resume_from_checkpoint`` of any stage: a checkpoint path, or ``"auto"``/``"true"``/``"last"`` = the
    last *complete* checkpoint in ``output_dir`` (:func:`last_checkpoint`) if there is one; None/false: start fresh."""
    value = training_args.resume_from_checkpoint
    if value is None or str(value).lower() in ("false", "none", ""):
        return None
    if str(value).lower() in ("auto", "true", "last"):
        return last_checkpoint(training_args.output_dir)
    if not Path(value).is_dir():
        raise FileNotFoundError(f"resume_from_checkpoint {value!r} is not a checkpoint directory")
    return value


def load_policy(model_args: Any, training_args: Any) -> tuple[Any, Any]:
    """The causal LM and tokenizer a stage trains: ``model_name_or_path`` resolved
    (:func:`~trl_r1.models.resolve.resolve_model`), with ``ModelConfig``'s revision, dtype,
    ``attn_implementation`` and ``trust_remote_code`` and the config's ``model_init_kwargs``."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from trl_r1.models.resolve import resolve_model

    path = resolve_model(model_args.model_name_or_path)
    trust = bool(
        getattr(model_args, "trust_remote_code", False) or getattr(training_args, "trust_remote_code", False)
    )
    load_kwargs = dict(revision=model_args.model_revision, trust_remote_code=trust)
    tokenizer = AutoTokenizer.from_pretrained(path, **load_kwargs)
    model_kwargs = dict(
        dtype=model_args.dtype or "auto",
        attn_implementation=model_args.attn_implementation,
        **load_kwargs,
        **(training_args.model_init_kwargs or {}),
    )
    return AutoModelForCausalLM.from_pretrained(path, **model_kwargs), tokenizer


def eos_token_ids(model_path: str) -> list[int] | None:
    """The ids that end a completion (TRL stops on every id of the generation config)."""
    from transformers import GenerationConfig

    try:
        eos = GenerationConfig.from_pretrained(model_path).eos_token_id
    except OSError:  # no generation_config.json: truncation is then not measured
        return None
    if eos is None:
        return None
    return list(eos) if isinstance(eos, (list, tuple)) else [eos]


def save_trained_model(trainer: Any, train_result: Any, output_dir: str, merge: bool = True) -> None:
    """Save what a finished ``trainer.train()`` leaves: its ``train`` metrics and trainer state (what
    :func:`trainer_metrics` reads back), and the policy with its tokenizer where the next stage loads them (LoRA
    merged when ``merge``)."""
    trainer.save_metrics("train", train_result.metrics)
    trainer.save_state()
    if not _is_peft(trainer.model):
        trainer.save_model(output_dir)  # handles DeepSpeed/FSDP gathering
        if trainer.accelerator.is_main_process:
            trainer.processing_class.save_pretrained(output_dir)
        return
    model = trainer.accelerator.unwrap_model(trainer.model)
    if trainer.accelerator.is_main_process:
        save_for_next_stage(model, trainer.processing_class, output_dir, merge=merge)
    trainer.accelerator.wait_for_everyone()


def _is_peft(model: Any) -> bool:
    try:
        from peft import PeftModel
    except ImportError:  # pragma: no cover
        return False
    return isinstance(model, PeftModel)


def trainer_metrics(output_dir: str | Path) -> dict[str, float]:
    """Final training metrics from a Trainer's output: the last logged value of every number
    (``loss``, ``reward``, ``rewards/<name>/mean``, ``train_runtime``...) and ``global_step``."""
    from transformers.trainer_utils import get_last_checkpoint

    out = Path(output_dir)
    state_path = out / "trainer_state.json"
    if not state_path.exists():
        last = get_last_checkpoint(str(out)) if out.is_dir() else None
        state_path = Path(last) / "trainer_state.json" if last else state_path
    metrics: dict[str, float] = {}
    if state_path.exists():
        state = json.loads(state_path.read_text())
        for entry in state.get("log_history", []):
            if any(k.startswith("eval_") for k in entry):
                continue
            metrics.update({k: float(v) for k, v in entry.items() if is_number(v) and k != "step"})
        metrics["global_step"] = float(state.get("global_step", 0))
    results = out / "all_results.json"
    if results.exists():
        metrics.update({k: float(v) for k, v in json.loads(results.read_text()).items() if is_number(v)})
    return metrics


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool): a value a metrics file may hold."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def run_stage_script(parser: Any, train: Any, argv: list[str] | None = None) -> str:
    """A stage script's ``main``: ``parser.parse_args_and_config`` (``--config x.yaml`` plus command-line
    overrides), the checks of :func:`trl_r1.training.arguments.script_problems`, rank-aware logging from the
    parsed training arguments, then ``train(*parsed)``.

    Bad input (a missing or non-mapping config, a value a config class refuses, unknown rewards, bad data, a
    model that cannot load, a budget beyond the model's context) is one ``PROG: error: ...`` line and exit code
    2, before any model loads; a full disk during training is one line naming it (exit code 1)."""
    import sys

    from trl_r1._runtime import disk_full_message, is_disk_full, setup_logging
    from trl_r1.training.arguments import exit_on_problems, script_problems
    from trl_r1.training.options import config_file_problem

    args = list(sys.argv[1:] if argv is None else argv)
    problem = config_file_problem(args)
    if problem:
        exit_on_problems([problem], parser.prog)
    try:
        parsed = parser.parse_args_and_config(args=args)
    except (ValueError, TypeError, OSError) as e:  # the config classes' own refusals, as one line
        exit_on_problems([(str(e).strip() or type(e).__name__).splitlines()[0]], parser.prog)
    exit_on_problems(
        script_problems(parsed), parser.prog
    )  # bad values, data, models, extras: before any work
    setup_logging(parsed[1])
    try:
        return train(*parsed)
    except Exception as e:
        output_dir = getattr(parsed[1], "output_dir", None) or "."
        if not is_disk_full(e, output_dir):
            raise
        print(f"{parser.prog}: error: {disk_full_message(output_dir)}", file=sys.stderr)
        raise SystemExit(1) from None
