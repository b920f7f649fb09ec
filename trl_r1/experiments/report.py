"""Statistics, the claim check, the table and the picture of the generalization experiment
(:mod:`trl_r1.experiments.generalization`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

ARMS = ("treatment", "sft_continued", "grpo_format_only", "grpo_random_reward", "sft_answer_only")
CONTROLS = ARMS[1:]  # every arm but the treatment starts from the same checkpoint as a control


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def seed_std(values: list[float]) -> float | None:
    """Sample standard deviation over seeds (n - 1 in the denominator); ``None`` for a single seed.

    >>> round(seed_std([0.2, 0.4]), 4), seed_std([0.5]) is None
    (0.1414, True)
    """
    if len(values) < 2:
        return None
    mean = _mean(values)
    return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5


def software_versions() -> dict[str, str]:
    """The versions that produced a result (trl_r1, torch, TRL, transformers, Python): recorded in every
    experiment's JSON, because the same recipe and seed give the same numbers only with the same software."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    import trl_r1

    out = {"trl_r1": trl_r1.__version__, "python": platform.python_version()}
    for package in ("torch", "trl", "transformers"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:  # pragma: no cover - every one is a dependency
            out[package] = "not installed"
    return out


def bootstrap_ci(per_problem: list[float], samples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean over problems (numpy; scipy is not a dependency).

    >>> bootstrap_ci([1.0] * 10)
    (1.0, 1.0)
    """
    import numpy as np

    values = np.asarray(per_problem, dtype=float)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(samples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def summarise(
    cfg: Any,
    seeds: list[int],
    records: list[dict[str, Any]],
    seconds: float,
    arms: tuple[str, ...] = ARMS,
    claim: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ``generalization.json`` contract::

        {"seeds": [int], "versions": {package: str}, "easy_split": str, "harder_splits": [str], "seconds": float,
         "arms": {arm: {split: {"pass@1", "std", "ci95", "per_seed", "n_problems",
                                "mean_response_tokens", "format_compliance"}}},
         "cold_start": {split: {...}}, "claim": {...}, "provenance": {seed: {arm: {"init_sha256", ...}}},
         "curve": {seed: [{"step", split: {"pass@1", "mean_response_tokens"}}]}, "config": {...}}

    ``pass@1`` is the mean over seeds, ``std`` its standard deviation over seeds (``None`` for one seed);
    ``ci95`` a bootstrap interval over problems of the per-problem seed-mean pass@1; ``versions``
    :func:`software_versions`. ``arms`` and ``claim`` (default :func:`check_claim`) let another experiment
    (:mod:`trl_r1.experiments.distillation`) reuse the contract with its own arms and claim.
    """
    splits = [cfg.easy_split, *cfg.harder_splits]

    def cell(evals: list[dict[str, Any]], split: str) -> dict[str, Any]:
        per_seed = [_mean(e[split]["per_problem"]) for e in evals]
        n = len(evals[0][split]["per_problem"])
        per_problem = [_mean([e[split]["per_problem"][i] for e in evals]) for i in range(n)]
        return {
            "pass@1": _mean(per_seed),
            "std": seed_std(per_seed),
            "ci95": list(bootstrap_ci(per_problem, cfg.bootstrap_samples)),
            "per_seed": per_seed,
            "n_problems": n,
            "mean_response_tokens": _mean([e[split]["mean_response_tokens"] for e in evals]),
            "format_compliance": _mean([e[split]["format_compliance"] for e in evals]),
        }

    cells = {arm: {s: cell([r["arms"][arm]["eval"] for r in records], s) for s in splits} for arm in arms}
    result = {
        "seeds": seeds,
        "versions": software_versions(),
        "easy_split": cfg.easy_split,
        "harder_splits": list(cfg.harder_splits),
        "seconds": seconds,
        "arms": cells,
        "cold_start": {s: cell([r["cold_start"] for r in records], s) for s in splits},
    }
    result["claim"] = (claim or (lambda r: check_claim(r, cfg.min_gap, cfg.easy_tolerance)))(result)
    result["provenance"] = {
        str(seed): {
            "cold_start_sha256": r["cold_start_sha256"],
            **{arm: {k: v for k, v in r["arms"][arm].items() if k != "eval"} for arm in arms},
            "seconds": r["seconds"],
        }
        for seed, r in zip(seeds, records, strict=True)
    }
    result["curve"] = {str(seed): r["curve"] for seed, r in zip(seeds, records, strict=True)}
    if cfg.self_check_share > 0:
        result["self_check"] = self_check_summary(records, splits, arms)
    result["config"] = asdict(cfg)
    return result


def self_check_summary(
    records: list[dict[str, Any]], splits: list[str], arms: tuple[str, ...] = ARMS
) -> dict[str, Any]:
    """Per arm (and the cold start) and split: the share of samples that write the optional self-check and
    pass@1 of the samples with and without it, each the mean over seeds (``None`` where no seed has such a
    sample)."""

    def mean_of(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return _mean(present) if present else None

    def stats(evals: list[dict[str, Any]], split: str) -> dict[str, Any]:
        per_seed = [e[split]["self_check"] for e in evals]
        return {key: mean_of([p[key] for p in per_seed]) for key in ("rate", "pass@1_with", "pass@1_without")}

    sources = {
        "cold_start": [r["cold_start"] for r in records],
        **{arm: [r["arms"][arm]["eval"] for r in records] for arm in arms},
    }
    return {name: {s: stats(evals, s) for s in splits} for name, evals in sources.items()}


def check_claim(
    result: dict[str, Any], min_gap: float = 0.15, easy_tolerance: float = 0.05
) -> dict[str, Any]:
    """Issue 13's claim: on every harder split the treatment beats every control by ``min_gap`` pass@1 with
    non-overlapping intervals; on the easy split it trails ``sft_continued`` by at most ``easy_tolerance``."""
    arms, out = result["arms"], {"harder": {}, "holds": True}
    for split in result["harder_splits"]:
        t = arms["treatment"][split]
        best = max(CONTROLS, key=lambda a: arms[a][split]["pass@1"])
        gap = t["pass@1"] - arms[best][split]["pass@1"]
        separated = all(t["ci95"][0] > arms[a][split]["ci95"][1] for a in CONTROLS)
        out["harder"][split] = {
            "best_control": best,
            "gap": gap,
            "intervals_separate": separated,
            "holds": gap >= min_gap and separated,
        }
        out["holds"] &= out["harder"][split]["holds"]
    easy = result["easy_split"]
    drop = arms["sft_continued"][easy]["pass@1"] - arms["treatment"][easy]["pass@1"]
    out["easy"] = {"drop_vs_sft_continued": drop, "holds": drop <= easy_tolerance}
    out["holds"] &= out["easy"]["holds"]
    return out


# ---------------------------------------------------------------- reporting


def results_table(result: dict[str, Any]) -> str:
    """Markdown table: one row per arm, pass@1 mean ± std over seeds [95% CI] (mean tokens, format) per split,
    then the verdict (``± std`` only with two seeds or more)."""
    splits = [result["easy_split"], *result["harder_splits"]]
    lines = arm_rows(result)
    claim = result["claim"]
    for split, c in claim["harder"].items():
        lines.append(
            f"\n{split}: treatment - best control ({c['best_control']}) = {c['gap']:+.3f}; intervals "
            f"{'separate' if c['intervals_separate'] else 'OVERLAP'}"
        )
    lines.append(
        f"{result['easy_split']}: sft_continued - treatment = {claim['easy']['drop_vs_sft_continued']:+.3f}"
    )

    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    for split in splits if "self_check" in result else []:
        before, after = result["self_check"]["cold_start"][split], result["self_check"]["treatment"][split]
        lines.append(
            f"{split} self-check use (pass@1 with / without it): cold start {fmt(before['rate'])} "
            f"({fmt(before['pass@1_with'])} / {fmt(before['pass@1_without'])}) -> treatment "
            f"{fmt(after['rate'])} ({fmt(after['pass@1_with'])} / {fmt(after['pass@1_without'])})"
        )
    per_seed = [sum(p["seconds"].values()) for p in result.get("provenance", {}).values()]
    lines.append(
        f"claim {'HOLDS' if claim['holds'] else 'DOES NOT HOLD'} (seeds {result['seeds']}, "
        f"{result['seconds']:.0f}s in all; per seed: {', '.join(f'{s:.0f}s' for s in per_seed)})"
    )
    return "\n".join(lines)


def arm_rows(result: dict[str, Any]) -> list[str]:
    """The Markdown table's lines: the cold start, then one row per arm of ``result["arms"]``."""
    splits = [result["easy_split"], *result["harder_splits"]]
    head = "| arm | " + " | ".join(f"{s} pass@1 ± std [95% CI] (tokens, format)" for s in splits) + " |"
    lines = [head, "|---|" + "---:|" * len(splits)]
    for arm, cells in [("cold_start (reference)", result["cold_start"]), *result["arms"].items()]:
        parts = [
            f"{pass_at_1_text(c)} [{c['ci95'][0]:.3f}, {c['ci95'][1]:.3f}] ({c['mean_response_tokens']:.1f}, "
            f"{c['format_compliance']:.2f})"
            for c in (cells[s] for s in splits)
        ]
        lines.append(f"| {arm} | " + " | ".join(parts) + " |")
    return lines


def pass_at_1_text(cell: dict[str, Any]) -> str:
    """``0.369 ± 0.131`` (mean ± standard deviation over seeds), or ``0.369`` for one seed."""
    std = cell.get("std")
    return f"{cell['pass@1']:.3f}" + ("" if std is None else f" ± {std:.3f}")


def plot_results(
    result: dict[str, Any],
    path: Path,
    curves: dict[str, list[list[dict[str, Any]]]] | None = None,
    step_label: str = "treatment GRPO step",
    suptitle: str | None = None,
) -> Path:
    """Left: pass@1 per difficulty per arm with 95% intervals. Right: held-out pass@1 (solid) against training
    step, one line per split and curve, mean over seeds; with one curve (the generalization experiment's
    treatment: ``result["curve"]``, the default) also the response length (dashed).

    ``curves`` maps a label to its per-seed lists of points (``{"step", split: {"pass@1",
    "mean_response_tokens"}}``)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    splits = [result["easy_split"], *result["harder_splits"]]
    fig = Figure(figsize=(13, 4.6), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 2, 1)
    names = ["cold_start", *result["arms"]]
    width = 0.8 / len(names)
    for i, arm in enumerate(names):
        cells = result["cold_start"] if arm == "cold_start" else result["arms"][arm]
        y = [cells[s]["pass@1"] for s in splits]
        err = [
            [v - cells[s]["ci95"][0] for v, s in zip(y, splits, strict=True)],
            [cells[s]["ci95"][1] - v for v, s in zip(y, splits, strict=True)],
        ]
        ax.bar(
            np.arange(len(splits)) + (i - (len(names) - 1) / 2) * width,
            y,
            width,
            yerr=err,
            capsize=3,
            label=arm,
            hatch="//" if arm == "cold_start" else None,
            alpha=0.5 if arm == "cold_start" else 1.0,
        )
    ax.set_xticks(
        range(len(splits)),
        [f"{s}\n({'easy: worked solutions' if s == splits[0] else 'harder: answers only'})" for s in splits],
    )
    ax.set_ylabel(f"held-out pass@1 (mean of {len(result['seeds'])} seed(s), 95% CI)")
    ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("every arm from the same cold start, same optimizer steps")
    ax1 = fig.add_subplot(1, 2, 2)
    curves = curves if curves is not None else {"treatment": list(result["curve"].values())}
    ax2 = ax1.twinx() if len(curves) == 1 else None
    markers = "os^v"
    for c_index, (label, per_seed) in enumerate(curves.items()):
        for j, s in enumerate(splits):
            steps = [p["step"] for p in per_seed[0]]
            p1 = [np.mean([c[i][s]["pass@1"] for c in per_seed]) for i in range(len(steps))]
            name = f"pass@1 {s}" if ax2 is not None else f"{label} {s}"
            line = "-" if ax2 is not None or j else ":"  # several curves: the easy split dotted
            ax1.plot(
                steps,
                p1,
                line + markers[c_index % 4],
                color=f"C{j if ax2 is not None else c_index}",
                label=name,
            )
            if ax2 is not None:
                length = [
                    np.mean([c[i][s]["mean_response_tokens"] for c in per_seed]) for i in range(len(steps))
                ]
                ax2.plot(steps, length, "--", color=f"C{j}", alpha=0.6, label=f"tokens {s}")
    ax1.set_xlabel(step_label)
    ax1.set_ylabel("held-out pass@1")
    if ax2 is not None:
        ax2.set_ylabel("mean response tokens (dashed)")
    ax1.set_ylim(0, 1.05)
    ax1.grid(alpha=0.3)
    ax1.legend(loc="center right", fontsize=8)
    ax1.set_title(
        f"{', '.join(curves)}: held-out pass@1" + (" and response length" if ax2 is not None else "")
    )
    if suptitle:
        fig.suptitle(suptitle)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
