"""Sharded, resumable sampling: prompts -> k scored samples each, written shard by shard.

Prompts are cut into shards of ``shard_size``; process ``r`` of ``w`` (``accelerate launch`` or
``torchrun``) takes shards ``i % w == r``. A shard is sampled with a seed derived from
``(seed, i)`` alone, scored, and written with an atomic rename, so:

* a crash (even SIGKILL) loses at most the shards in flight, never leaves a half-written one;
* a resumed run skips finished shards, and its rows equal those of an uninterrupted run;
* the result does not depend on the number of processes.

The output directory must be on a filesystem all processes share.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trl_r1._runtime import write_atomic
from trl_r1.rejection.config import InvalidInput, RejectionSamplingConfig
from trl_r1.text.templates import build_prompt

logger = logging.getLogger(__name__)

QUESTION_COLUMNS = ("question", "problem")
MANIFEST = "run.json"


def prepare_prompts(rows: list[dict[str, Any]], config: RejectionSamplingConfig) -> list[dict[str, Any]]:
    """Rows with a ``prompt`` (built from a question column if needed) and a ``solution`` (copied
    from ``solution_column``, or from ``answer`` when there is no ``solution``)."""
    if not rows:
        raise InvalidInput(f"dataset {config.dataset_name!r} has no rows")
    columns = list(rows[0])
    out = [dict(r) for r in rows[: config.max_prompts]]
    if config.prompt_column in columns:
        if config.prompt_column != "prompt":
            for r in out:
                r["prompt"] = r.pop(config.prompt_column)
    else:
        question = config.question_column or next((c for c in QUESTION_COLUMNS if c in columns), None)
        if question is None or question not in columns:
            raise InvalidInput(
                f"dataset {config.dataset_name!r} has no prompt column {config.prompt_column!r} and no question column "
                f"({config.question_column or ' or '.join(QUESTION_COLUMNS)}); columns: {columns}. "
                "Pass --prompt-column or --question-column"
            )
        for r in out:
            r["prompt"] = build_prompt(str(r[question]), config.prompt_template)
    source = config.solution_column or (
        "answer" if "solution" not in columns and "answer" in columns else None
    )
    if source is not None and source != "solution":
        if source not in columns:
            raise InvalidInput(
                f"--solution-column {source!r} is not a column of {config.dataset_name!r} (columns: {columns})"
            )
        logger.info("using column %r as the gold 'solution'", source)
        for r in out:
            r["solution"] = None if r[source] is None else str(r[source])
    return out


def shard_seed(seed: int, shard: int) -> int:
    """The sampling seed of shard ``shard``: a function of ``(seed, shard)`` only."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{shard}".encode()).digest()[:4], "big") >> 1


def fingerprint(
    config: RejectionSamplingConfig, prompts: list[dict[str, Any]], reward_names: list[str], judge: str | None
) -> dict[str, Any]:
    """Everything that decides which samples a shard holds; a resumed run must match it."""
    digest = hashlib.sha256()
    for row in prompts:
        digest.update(json.dumps(row, sort_keys=True, default=str).encode())
    return {
        "model": config.sampling_model,
        "prompts": len(prompts),
        "prompts_sha256": digest.hexdigest(),
        "num_samples": config.num_samples,
        "temperature": config.temperature,
        "top_p": config.top_p,
        "max_new_tokens": config.max_new_tokens,
        "seed": config.sampling_seed,
        "shard_size": config.shard_size,
        "backend": config.backend,
        "reward_funcs": reward_names,
        "judge": judge,
    }


class ShardStore:
    """``<output_dir>/shards/``: the manifest (``run.json``) and one JSON-lines file per finished shard."""

    def __init__(self, output_dir: str | os.PathLike):
        self.dir = Path(output_dir) / "shards"

    def path(self, shard: int) -> Path:
        return self.dir / f"shard-{shard:05d}.jsonl"

    def is_done(self, shard: int) -> bool:
        return self.path(shard).exists()

    def write(self, shard: int, rows: list[dict[str, Any]]) -> None:
        """Write atomically: a reader sees the whole shard or no shard."""
        write_atomic(self.path(shard), "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))

    def read(self, shard: int) -> list[dict[str, Any]]:
        with open(self.path(shard), encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def prepare(self, manifest: dict[str, Any], overwrite: bool) -> int:
        """Check (or write) the manifest and clear partial writes; return the number of finished shards.

        A directory holding shards of a run with other settings is refused (its rows would mix
        with the new ones) unless ``overwrite``.
        """
        path = self.dir / MANIFEST
        if path.exists():
            old = json.loads(path.read_text())
            if old != manifest:
                if not overwrite:
                    diff = sorted(k for k in set(old) | set(manifest) if old.get(k) != manifest.get(k))
                    raise InvalidInput(
                        f"{self.dir.parent} holds shards of a run with other settings ({', '.join(diff)} differ): "
                        "use another --output-dir, or --overwrite to discard them"
                    )
                logger.warning("discarding the shards of an earlier run in %s (--overwrite)", self.dir)
                shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        for partial in self.dir.glob(".shard-*.jsonl.*"):  # left by a killed run
            partial.unlink()
        if not path.exists():
            write_atomic(path, json.dumps(manifest, indent=2))
        return len(list(self.dir.glob("shard-*.jsonl")))


def shard_ranges(num_prompts: int, shard_size: int) -> list[range]:
    """Prompt index ranges of the shards, in order."""
    return [range(s, min(s + shard_size, num_prompts)) for s in range(0, num_prompts, shard_size)]


def sample_shard(
    backend: Any,
    scorer: Any,
    prompts: list[dict[str, Any]],
    indices: range,
    config: RejectionSamplingConfig,
    shard: int,
) -> list[dict[str, Any]]:
    """Sample and score one shard: one record per sample (prompt index, sample index, text,
    token count, finished, rewards by name, whether the judge decided)."""
    from trl_r1.generation import SamplingParams

    params = SamplingParams(
        num_samples=config.num_samples,
        temperature=config.temperature,
        top_p=config.top_p,
        max_new_tokens=config.max_new_tokens,
        seed=shard_seed(config.sampling_seed, shard),
    )
    batch = [prompts[i] for i in indices]
    groups = backend.generate([row["prompt"] for row in batch], params)
    flat = [(i, s, sample) for i, group in zip(indices, groups) for s, sample in enumerate(group)]
    columns = {c: [prompts[i][c] for i, _, _ in flat] for c in batch[0] if c != "prompt"}
    conversational = [not isinstance(prompts[i]["prompt"], str) for i, _, _ in flat]
    completions = [
        [{"role": "assistant", "content": x.text}] if conv else x.text
        for (_, _, x), conv in zip(flat, conversational)
    ]
    scores = scorer.score(
        prompts=[prompts[i]["prompt"] for i, _, _ in flat],
        completions=completions,
        completion_ids=[list(x.token_ids) if x.token_ids is not None else None for _, _, x in flat],
        columns=columns,
    )
    return [
        {
            "prompt_index": i,
            "sample_index": s,
            "completion": x.text,
            "num_tokens": x.num_tokens,
            "finished": x.finished,
            "rewards": rewards,
            "judged": judged,
        }
        for (i, s, x), (rewards, judged) in zip(flat, scores)
    ]


def run_shards(
    backend_factory: Any,
    scorer: Any,
    prompts: list[dict[str, Any]],
    config: RejectionSamplingConfig,
    store: ShardStore,
    rank: int = 0,
    world: int = 1,
    progress: bool = True,
) -> dict[str, Any]:
    """Sample this process's unfinished shards; return ``{"shards_sampled", "generated", "seconds"}``."""
    from tqdm.auto import tqdm

    ranges = shard_ranges(len(prompts), config.shard_size)
    todo = [i for i in range(len(ranges)) if i % world == rank and not store.is_done(i)]
    stats = {"shards_sampled": 0, "generated": 0, "seconds": 0.0}
    if not todo:
        return stats
    backend = backend_factory()
    total = sum(len(ranges[i]) for i in todo) * config.num_samples
    bar = tqdm(total=total, unit="samples", desc=f"rejection sampling [{rank}/{world}]", disable=not progress)
    start = time.perf_counter()
    for shard in todo:
        rows = sample_shard(backend, scorer, prompts, ranges[shard], config, shard)
        store.write(shard, rows)
        stats["shards_sampled"] += 1
        stats["generated"] += len(rows)
        bar.update(len(rows))
    bar.close()
    stats["seconds"] = time.perf_counter() - start
    return stats


def iter_records(store: ShardStore, num_shards: int) -> Iterator[dict[str, Any]]:
    """All sample records, shard by shard (every shard must be finished)."""
    missing = [i for i in range(num_shards) if not store.is_done(i)]
    if missing:
        raise RuntimeError(f"shards {missing[:10]} of {num_shards} are not finished; re-run to resume")
    for i in range(num_shards):
        yield from store.read(i)
