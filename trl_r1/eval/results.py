"""What an evaluation writes: ``results.json``, the ``results.md`` table and ``samples.jsonl``; and how
the runs of several evaluation seeds become one result (mean, standard deviation, per-seed values)."""

from __future__ import annotations

import json
import logging
import os
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from trl_r1._runtime import write_atomic

logger = logging.getLogger(__name__)

RESULTS_FILE, TABLE_FILE, SAMPLES_FILE = "results.json", "results.md", "samples.jsonl"


def package_versions() -> dict[str, str | None]:
    """The versions a result depends on (``None``: not installed, e.g. vLLM on a CPU machine)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for package in ("trl-r1", "trl", "transformers", "torch", "vllm", "math-verify"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out


def aggregate_seeds(runs: Sequence[Mapping[str, Any]], seeds: Sequence[int]) -> dict[str, Any]:
    """One result from the runs of several evaluation seeds: each metric is the mean over seeds, with its
    sample standard deviation in ``std`` and the per-seed values in ``per_seed`` (one seed: that run as is).

    >>> out = aggregate_seeds([{"pass@1": 0.25, "n_scored": 4}, {"pass@1": 0.75, "n_scored": 4}], [0, 1])
    >>> out["pass@1"], out["std"]["pass@1"], out["per_seed"]["pass@1"], out["n_scored"]
    (0.5, 0.3536, [0.25, 0.75], 4)
    """
    if len(runs) != len(seeds) or not runs:
        raise ValueError(f"{len(runs)} runs for {len(seeds)} seeds")
    if len(runs) == 1:
        return dict(runs[0])
    out: dict[str, Any] = {}
    std: dict[str, float | None] = {}
    per_seed: dict[str, list[Any]] = {}
    for key in runs[0]:
        values = [run.get(key) for run in runs]
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if key.startswith("n_") or not numbers:  # counts are the same for every seed; keep the first
            out[key] = values[0]
            continue
        per_seed[key] = values
        out[key] = statistics.fmean(numbers)
        std[key] = round(statistics.stdev(numbers), 4) if len(numbers) > 1 else None
    out["seeds"] = list(seeds)
    out["std"], out["per_seed"] = std, per_seed
    return out


def _fmt(value: Any, std: Any = None) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    return f"{text} ± {std:.3f}" if isinstance(std, float) else text


def results_table(results: Mapping[str, Any]) -> str:
    """A markdown table of one evaluation (metric names as columns), plus its sampling settings."""
    k = results["k"]
    cfg = results.get("config", {})
    columns = {key: key for key in results if key.startswith("pass@") and not key.endswith("stderr")}
    columns.update(
        {
            f"cons@{k}": f"cons@{k}",
            "format_compliance": "format",
            "language_consistency": "language",
            "reflective_words_per_1k_tokens": "reflective / 1k tok",
            "mean_response_tokens": "mean tokens",
            "truncation_rate": "truncated",
        }
    )
    header = ["model", "benchmark", "n", "k", *columns.values()]
    row = [str(results.get("model")), str(results.get("benchmark")), str(results["n_problems"]), str(k)]
    std = results.get("std", {})
    row += [_fmt(results.get(m), std.get(m)) for m in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), "| " + " | ".join(row) + " |", ""]
    lines.append(
        f"Sampling: temperature {cfg.get('temperature')}, top-p {cfg.get('top_p')}, "
        f"max new tokens {cfg.get('max_new_tokens')}, seeds {cfg.get('seeds', cfg.get('seed'))}, "
        f"template {cfg.get('template')}, "
        f"backend {cfg.get('backend')}. pass@1 standard error: {_fmt(results.get('pass@1_stderr'))}; "
        f"{results.get('n_scored')} of {results['n_problems']} problems scored; "
        f"{results.get('n_timeouts', 0)} verifications hit the hard timeout."
    )
    return "\n".join(lines) + "\n"


def write_results(
    results: Mapping[str, Any], records: list[dict[str, Any]] | None, output_dir: str | os.PathLike
) -> Path:
    """Write ``results.json``, ``results.md`` and (when ``records`` is given) ``samples.jsonl``."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if records is not None:
        write_atomic(out / SAMPLES_FILE, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    write_atomic(out / TABLE_FILE, results_table(results))
    write_atomic(
        out / RESULTS_FILE, json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )  # last: complete
    logger.info("wrote %s", out / RESULTS_FILE)
    return out
