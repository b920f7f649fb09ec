"""What an evaluation writes: ``results.json``, the ``results.md`` table and ``samples.jsonl``."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trl_r1._runtime import write_atomic

logger = logging.getLogger(__name__)

RESULTS_FILE, TABLE_FILE, SAMPLES_FILE = "results.json", "results.md", "samples.jsonl"


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("trl-r1", "trl", "transformers", "torch", "vllm", "math-verify"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def results_table(results: Mapping[str, Any]) -> str:
    """A markdown table of one evaluation (metric names as columns), plus its sampling settings."""
    k = results["k"]
    cfg = results.get("config", {})
    columns = {key: key for key in results if key.startswith("pass@") and not key.endswith("stderr")}
    columns.update({f"cons@{k}": f"cons@{k}", "format_compliance": "format", "language_consistency": "language",
                    "reflective_words_per_1k_tokens": "reflective / 1k tok", "mean_response_tokens": "mean tokens",
                    "truncation_rate": "truncated"})
    header = ["model", "benchmark", "n", "k", *columns.values()]
    row = [str(results.get("model")), str(results.get("benchmark")), str(results["n_problems"]), str(k)]
    row += [_fmt(results.get(m)) for m in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), "| " + " | ".join(row) + " |", ""]
    lines.append(f"Sampling: temperature {cfg.get('temperature')}, top-p {cfg.get('top_p')}, "
                 f"max new tokens {cfg.get('max_new_tokens')}, seed {cfg.get('seed')}, template {cfg.get('template')}, "
                 f"backend {cfg.get('backend')}. pass@1 standard error: {_fmt(results.get('pass@1_stderr'))}; "
                 f"{results.get('n_scored')} of {results['n_problems']} problems scored; "
                 f"{results.get('n_timeouts', 0)} verifications hit the hard timeout.")
    return "\n".join(lines) + "\n"


def write_results(results: Mapping[str, Any], records: list[dict[str, Any]] | None,
                  output_dir: str | os.PathLike) -> Path:
    """Write ``results.json``, ``results.md`` and (when ``records`` is given) ``samples.jsonl``."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if records is not None:
        write_atomic(out / SAMPLES_FILE, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    write_atomic(out / TABLE_FILE, results_table(results))
    write_atomic(out / RESULTS_FILE, json.dumps(results, indent=2, ensure_ascii=False) + "\n")  # last: complete
    logger.info("wrote %s", out / RESULTS_FILE)
    return out
