"""R1's benchmark table from one call: AIME 2024, AIME 2025, MATH-500, GPQA Diamond and LiveCodeBench,
with the paper's numbers beside a published model's row.

The DeepSeek-R1 paper reports, for each distilled model, AIME 2024 pass@1 and cons@64, MATH-500,
GPQA Diamond and LiveCodeBench pass@1 (table 5); the Nature version adds AIME 2025. The paper's
numbers ship as package data (``trl_r1/eval/data/r1_distill_paper.json``, with its source), so a
run of ``deepseek-ai/DeepSeek-R1-Distill-Qwen-7B`` prints measured, paper and the difference.
cons@64 is compared only when ``k`` is 64 (the paper's setting); pass@1 at any ``k``.

>>> paper_row("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")["math500/pass@1"]
92.8
>>> paper_row("/models/my-sft") is None
True
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from trl_r1._runtime import write_atomic
from trl_r1.eval.settings import EvalSettings

logger = logging.getLogger(__name__)

SUITES: dict[str, tuple[tuple[str, str], ...]] = {
    # (benchmark spec, column title) in the paper's order
    "r1": (
        ("aime24", "AIME 2024"),
        ("aime25", "AIME 2025"),
        ("math500", "MATH-500"),
        ("gpqa_diamond", "GPQA Diamond"),
        ("livecodebench", "LiveCodeBench"),
    ),
}
SUITE_FILE, SUITE_TABLE = "suite.json", "suite.md"

__all__ = ["SUITES", "evaluate_suite", "paper_row", "paper_table", "suite_table"]


@cache
def paper_table() -> dict[str, Any]:
    """The paper's distilled-model table (package data), with its source."""
    return json.loads(files("trl_r1.eval").joinpath("data/r1_distill_paper.json").read_text(encoding="utf-8"))


def paper_row(model: str) -> dict[str, float] | None:
    """The paper's numbers for a published R1 model (matched on the last part of its hub id or path), else ``None``."""
    name = Path(str(model).rstrip("/")).name.lower()
    return next((dict(row) for key, row in paper_table()["models"].items() if key.lower() == name), None)


def _columns(k: int) -> list[tuple[str, str, str]]:
    """(benchmark, metric, title) of the table; cons@k beside AIME 2024's pass@1."""
    out = []
    for bench, title in SUITES["r1"]:
        out.append((bench, "pass@1", f"{title} pass@1"))
        if bench == "aime24":
            out.append((bench, f"cons@{k}", f"{title} cons@{k}"))
    return out


def _pct(value: Any) -> str:
    return "n/a" if not isinstance(value, (int, float)) else f"{100 * value:.1f}"


def suite_table(results: Mapping[str, Mapping[str, Any]], model: str, k: int) -> str:
    """The markdown table: measured (mean ± std over seeds), and for a published model the paper and the difference."""
    columns = _columns(k)
    header = ["", *[title for _, _, title in columns]]
    measured = ["measured"]
    for bench, metric, _ in columns:
        r = results.get(bench, {})
        std = r.get("std", {}).get(metric)
        measured.append(_pct(r.get(metric)) + (f" ± {100 * std:.1f}" if isinstance(std, float) else ""))
    rows = [measured]
    paper = paper_row(model)
    if paper is not None:

        def paper_value(bench: str, metric: str) -> float | None:
            if metric.startswith("cons@") and metric != "cons@64":
                return None  # the paper's vote is over 64 samples: not comparable at another k
            return paper.get(f"{bench}/{metric}")

        rows.append(
            ["paper", *[f"{v:.1f}" if (v := paper_value(b, m)) is not None else "n/a" for b, m, _ in columns]]
        )
        diffs = ["difference"]
        for bench, metric, _ in columns:
            ours, theirs = results.get(bench, {}).get(metric), paper_value(bench, metric)
            diffs.append(
                f"{100 * ours - theirs:+.1f}"
                if isinstance(ours, (int, float)) and theirs is not None
                else "n/a"
            )
        rows.append(diffs)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    n = ", ".join(f"{b} {results[b]['n_problems']}" for b, _ in SUITES["r1"] if b in results)
    lines += ["", f"Model {model}; percentages; k={k}; problems: {n}."]
    if paper is not None:
        lines.append(f"Paper: {paper_table()['source']}")
    return "\n".join(lines) + "\n"


def evaluate_suite(
    model: Any,
    suite: str = "r1",
    settings: EvalSettings | None = None,
    *,
    output_dir: str | os.PathLike | None = None,
    save_samples: bool = True,
    progress: bool = True,
    provenance: Mapping[str, Any] | None = None,
    backend_kwargs: Mapping[str, Any] | None = None,
    model_name: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Evaluate every benchmark of ``suite`` with one loaded model; returns ``{"results": {bench: results},
    "table": markdown}`` and writes each benchmark's files under ``output_dir/<benchmark>/`` plus
    ``suite.json`` and ``suite.md``. ``kwargs`` are :class:`~trl_r1.eval.settings.EvalSettings` fields;
    ``model_name`` names an in-memory model or backend (it picks the paper's row).

    >>> evaluate_suite("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", k=64, seeds=3,
    ...                template="deepseek", data_dir="benchmarks/")  # doctest: +SKIP
    """
    from trl_r1.eval.benchmarks import resolve_benchmark
    from trl_r1.eval.evaluate import _make_backend, _model_name, _settings, evaluate
    from trl_r1.models.resolve import resolve_model

    if suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; choose from {', '.join(SUITES)}")
    s = _settings(settings, kwargs)
    name = model_name or (model if isinstance(model, str) else _model_name(model))
    for bench, _ in SUITES[suite]:  # every benchmark is found before the model loads
        resolve_benchmark(bench, s.data_dir)
    backend = _make_backend(
        resolve_model(model) if isinstance(model, str) else model, s.backend, s.batch_size, backend_kwargs
    )  # loaded once for the five benchmarks
    results: dict[str, Any] = {}
    for bench, _ in SUITES[suite]:
        out = Path(output_dir) / bench if output_dir is not None else None
        results[bench] = evaluate(
            backend,
            bench,
            s,
            output_dir=out,
            save_samples=save_samples,
            progress=progress,
            model_name=name,
            provenance=provenance,
        )
    table = suite_table(results, name, s.k)
    if output_dir is not None:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        summary = {
            "suite": suite,
            "model": name,
            "paper": paper_row(name),
            "results": {b: {k: v for k, v in r.items() if k != "config"} for b, r in results.items()},
            "config": next(iter(results.values()))["config"],
        }
        write_atomic(Path(output_dir) / SUITE_TABLE, table)
        write_atomic(Path(output_dir) / SUITE_FILE, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return {"results": results, "table": table}
