"""``rejection_sample(config)``: R1 stage 3 data, from prompts to a mixed SFT dataset and a report."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from trl_r1.rejection.config import InvalidInput, RejectionSamplingConfig
from trl_r1.rejection.mixing import mix_non_reasoning, non_reasoning_pair, sft_pair
from trl_r1.rejection.report import pass_rate_histogram, reward_summary, write_json
from trl_r1.rejection.sampler import (
    ShardStore,
    fingerprint,
    iter_records,
    prepare_prompts,
    run_shards,
    shard_ranges,
)
from trl_r1.rejection.scoring import RewardScorer, check_columns, reward_name
from trl_r1.rejection.selection import LengthBounds, reward_filters, select_samples

logger = logging.getLogger(__name__)

# Columns of the output dataset; prompt-dataset columns with these names are not copied.
OUTPUT_COLUMNS = (
    "prompt",
    "completion",
    "kind",
    "source",
    "prompt_index",
    "sample_index",
    "num_tokens",
    "rewards",
    "judged",
)


def check_model(name: str) -> str:
    """The loadable model path or hub id for ``name``; a local path that does not exist fails here,
    naming it, before anything is loaded."""
    from trl_r1.models.resolve import resolve_model

    resolved = resolve_model(name)
    path = Path(resolved).expanduser()
    if path.exists():
        if path.is_dir() and not (path / "config.json").exists():
            raise InvalidInput(f"model directory {name!r} has no config.json: it is not a saved model")
        return str(path)
    if resolved.startswith((".", "/", "~")) or resolved.count("/") != 1:
        raise InvalidInput(f"model path {name!r} does not exist (a hub model needs its full id, org/name)")
    return resolved  # a hub id: loaded (or refused, offline) by the backend


def build_filters(config: RejectionSamplingConfig, reward_names: list[str]) -> list[Any]:
    """Row filters, cheapest first: rewards, truncation, length, then R1's readability filters."""
    from trl_r1.data.filters import TruncationFilter, readability_filters

    filters: list[Any] = reward_filters(reward_names, config.thresholds())
    if config.drop_truncated:
        filters.append(TruncationFilter())
    filters.append(LengthBounds(config.min_tokens, config.max_tokens))
    if config.readability:
        filters += [
            f
            for f in readability_filters(language=config.language, allow_code=config.allow_code)
            if f.name != TruncationFilter.name
        ]  # truncation is governed by drop_truncated alone
    return filters


def _load(spec: str, split: str = "train") -> list[dict[str, Any]]:
    from trl_r1.data.loading import load_dataset_spec

    try:
        return load_dataset_spec(spec, split).to_list()
    except (FileNotFoundError, ValueError) as e:  # a bad path or spec: user input, not a crash
        raise InvalidInput(str(e)) from None


def _backend_name(requested: str) -> str:
    from trl_r1.generation import backend_name

    try:
        return backend_name(requested)
    except ValueError as e:
        raise InvalidInput(str(e)) from None


def _make_backend(name: str, model: str, config: RejectionSamplingConfig, device: Any) -> Any:
    from trl_r1.generation import make_backend

    if name == "transformers":
        kwargs = {"batch_size": config.batch_size, "device": None if device.type == "cpu" else str(device)}
    elif name == "vllm-server":
        kwargs = {"base_url": config.vllm_server_url}
    elif name == "vllm":
        kwargs = {
            "tensor_parallel_size": config.vllm_tensor_parallel_size,
            "gpu_memory_utilization": config.vllm_gpu_memory_utilization,
        }
    else:
        kwargs = {}
    return make_backend(model, name, **kwargs)


def _drop_long_prompts(
    prompts: list[dict[str, Any]], config: RejectionSamplingConfig, model: str, backend: Any
) -> tuple[list[dict[str, Any]], int]:
    """Prompts over ``max_prompt_length`` tokens dropped (with the given backend's tokenizer, if any)."""
    from trl_r1.data.prompt_length import drop_long_prompts, drop_long_prompts_for_model

    where = f"dataset {config.dataset_name!r}"
    if backend is not None and getattr(backend, "tokenizer", None) is None:
        logger.info("prompt lengths not checked: the given backend has no tokenizer")
        return prompts, 0
    try:
        if backend is not None:
            kept, dropped = drop_long_prompts(
                prompts, backend.tokenizer, config.max_prompt_length, where=where
            )
            if dropped and not kept:
                raise ValueError(
                    f"{where}: every prompt is longer than max_prompt_length={config.max_prompt_length} "
                    "tokens; raise max_prompt_length"
                )
            return kept, dropped
        return drop_long_prompts_for_model(prompts, model, config.max_prompt_length, where=where)
    except ValueError as e:
        raise InvalidInput(str(e)) from None


def rejection_sample(
    config: RejectionSamplingConfig, backend: Any = None, progress: bool = True
) -> dict[str, Any]:
    """Sample, verify, filter and mix: write ``<output_dir>/dataset`` (a ``datasets.Dataset``),
    ``report.json`` and ``dropped.jsonl``, and return the report.

    The paper's stage 3 in one call (DeepSeek-R1, section 2.3.3): ``num_samples`` completions per
    prompt from the RL checkpoint, kept when every reward reaches its threshold (the judge decides
    where the correctness rule cannot), the output is readable, long enough but not too long, not a
    (near) duplicate, and within the per-prompt cap; then ``kept / reasoning_ratio`` non-reasoning
    rows are mixed in. Report invariant: ``generated == kept + sum(dropped.values())``, where
    ``kept`` counts generated samples only.

    Every input is checked before sampling starts. Sampling is sharded over the processes of an
    ``accelerate launch`` and resumes after a crash (see :mod:`trl_r1.rejection.sampler`).

    Args:
        config: the run's settings.
        backend: an already built :class:`~trl_r1.generation.GenerationBackend` (otherwise one is
            built from ``config.sampling_model`` and ``config.backend``).
        progress: show a progress bar (samples/s) on the main process.
    """
    from accelerate import PartialState

    state = PartialState()
    output = Path(config.samples_dir)
    # Everything that can be wrong with the inputs fails here, before a model is loaded.
    model = check_model(config.sampling_model) if backend is None else config.sampling_model
    scorer = RewardScorer(config.reward_funcs, config.judge)
    filters = build_filters(config, scorer.names)
    prompts = prepare_prompts(_load(config.dataset_name, config.dataset_train_split), config)
    prompts, too_long = _drop_long_prompts(prompts, config, model, backend)
    check_columns(scorer.reward_funcs, list(prompts[0]))
    scorer.probe(prompts[0])
    backend_name = backend.name if backend is not None else _backend_name(config.backend)
    conversational = not isinstance(prompts[0]["prompt"], str)
    non_reasoning: list[dict[str, Any]] = []
    if config.non_reasoning_dataset:
        non_reasoning = _load(config.non_reasoning_dataset)
        if non_reasoning:
            non_reasoning_pair(non_reasoning[0], conversational)  # fails now on unusable columns
    store = ShardStore(output)
    manifest = fingerprint(
        config, prompts, scorer.names, reward_name(scorer.judge) if scorer.judge is not None else None
    )
    manifest["backend"] = backend_name
    if state.is_main_process:
        output.mkdir(parents=True, exist_ok=True)
        finished = store.prepare(manifest, config.overwrite)
        if finished:
            logger.info(
                "resuming: %d of %d shards already sampled",
                finished,
                len(shard_ranges(len(prompts), config.shard_size)),
            )
    state.wait_for_everyone()

    stats = run_shards(
        lambda: backend or _make_backend(backend_name, model, config, state.device),
        scorer,
        prompts,
        config,
        store,
        rank=state.process_index,
        world=state.num_processes,
        progress=progress and state.is_main_process,
    )
    stats["prompts_too_long"] = too_long
    state.wait_for_everyone()
    report_path = output / "report.json"
    if state.is_main_process:
        report = _select_mix_save(
            config, prompts, scorer.names, filters, store, non_reasoning, conversational, stats
        )
        write_json(report_path, report)
        logger.info(
            "kept %d of %d samples (%d prompts); %d non-reasoning rows mixed in; dataset at %s",
            report["kept"],
            report["generated"],
            report["prompts"],
            report["non_reasoning"],
            report["dataset_path"],
        )
    state.wait_for_everyone()
    if not state.is_main_process:
        report = json.loads(report_path.read_text())
    return report


def _select_mix_save(
    config: RejectionSamplingConfig,
    prompts: list[dict[str, Any]],
    reward_names: list[str],
    filters: list[Any],
    store: ShardStore,
    non_reasoning: list[dict[str, Any]],
    conversational: bool,
    stats: dict[str, Any],
) -> dict[str, Any]:
    from datasets import Dataset

    num_shards = len(shard_ranges(len(prompts), config.shard_size))
    records = list(iter_records(store, num_shards))
    rows = [{**prompts[r["prompt_index"]], **r} for r in records]  # filters may read any prompt column
    selection = select_samples(
        rows,
        filters,
        dedupe=config.dedupe,
        near_duplicate_threshold=config.near_duplicate_threshold,
        max_per_prompt=config.max_per_prompt,
        selection=config.selection,
    )
    verified = reward_filters(reward_names, config.thresholds())
    histogram = pass_rate_histogram(
        rows, lambda r: all(f(r) for f in verified), len(prompts), config.num_samples
    )

    extra = [c for c in prompts[0] if c not in OUTPUT_COLUMNS]
    out_rows = []
    for r in selection.kept:
        prompt, completion = sft_pair(r["prompt"], r["completion"])
        out_rows.append(
            {
                "prompt": prompt,
                "completion": completion,
                **{c: r.get(c) for c in extra},
                "kind": "reasoning",
                "source": config.sampling_model,
                "prompt_index": r["prompt_index"],
                "sample_index": r["sample_index"],
                "num_tokens": r["num_tokens"],
                "rewards": r["rewards"],
                "judged": r["judged"],
            }
        )
    mixed = mix_non_reasoning(
        len(out_rows), non_reasoning, config.reasoning_ratio, config.sampling_seed, conversational
    )
    for m in mixed:
        out_rows.append(
            {
                "prompt": m["prompt"],
                "completion": m["completion"],
                **dict.fromkeys(extra),
                "kind": "non_reasoning",
                "source": config.non_reasoning_dataset,
                "prompt_index": m["source_index"],
                "sample_index": None,
                "num_tokens": None,
                "rewards": None,
                "judged": None,
            }
        )
    columns = ["prompt", "completion", *extra, *OUTPUT_COLUMNS[2:]]
    dataset = Dataset.from_list(out_rows) if out_rows else Dataset.from_dict({c: [] for c in columns})
    dataset_path = Path(config.samples_dir) / "dataset"
    tmp = dataset_path.with_name(".dataset.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    dataset.save_to_disk(str(tmp))
    shutil.rmtree(dataset_path, ignore_errors=True)
    tmp.rename(dataset_path)
    if config.push_samples_to_hub:
        dataset.push_to_hub(config.push_samples_to_hub)

    with open(Path(config.samples_dir) / "dropped.jsonl", "w", encoding="utf-8") as f:
        for row, reason in sorted(
            selection.dropped_rows, key=lambda x: (x[0]["prompt_index"], x[0]["sample_index"])
        ):
            f.write(
                json.dumps(
                    {
                        "prompt_index": row["prompt_index"],
                        "sample_index": row["sample_index"],
                        "reason": reason,
                        "num_tokens": row["num_tokens"],
                        "finished": row["finished"],
                        "rewards": row["rewards"],
                        "completion": row["completion"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )

    seconds = stats["seconds"]
    return {
        "prompts": len(prompts),
        "generated": len(records),
        "kept": len(selection.kept),
        "dropped": dict(selection.dropped),
        "non_reasoning": len(mixed),
        "rows": len(dataset),
        "prompts_too_long": stats.get("prompts_too_long", 0),
        "pass_rate_histogram": histogram,
        "rewards": reward_summary(records, reward_names),
        "judged": sum(bool(r["judged"]) for r in records),
        "samples_per_prompt": config.num_samples,
        "source_model": config.sampling_model,
        "dataset": config.dataset_name,
        "non_reasoning_dataset": config.non_reasoning_dataset,
        "dataset_path": str(dataset_path),
        "shards": {
            "total": num_shards,
            "sampled_this_run": stats["shards_sampled"],
            "resumed": num_shards - stats["shards_sampled"],
        },
        "samples_per_second": round(stats["generated"] / seconds, 2) if seconds > 0 else None,
    }
