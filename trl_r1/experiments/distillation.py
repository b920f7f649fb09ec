"""``trl-r1 experiment distillation``: for a small model, does distilling a stronger RL-trained reasoner beat RL?

R1's second central claim (DeepSeek-R1, section 4.1: Qwen2.5-32B distilled from R1 beats the same model after
its own large-scale RL) as a controlled experiment on the tiny offline model and the synthetic addition task of
:mod:`trl_r1.experiments.generalization` (the same data, difficulty splits, cold start, GRPO, evaluation,
statistics and picture; CPU only, no downloads).

1. **Teacher** (once per experiment, seed ``teacher_seed``): a larger tiny model (``teacher_model``) taken
   through R1's own recipe: cold start on the easy worked solutions, then answer-only GRPO (accuracy +
   format) on the harder problems, ``teacher_rl_steps`` steps. Its held-out pass@1 is reported.
2. **Traces**: rejection sampling (:func:`trl_r1.rejection.rejection_sample`, R1's filters: correct answer,
   readable, untruncated, deduplicated, at most ``traces_per_problem`` per problem) of the teacher on the
   RL problems: what ``trl-r1 sample`` does. The teacher's sampling cost is reported in generated tokens.
3. **Student** (per seed): the small tiny model (``model``), one cold-start checkpoint shared by every arm.
4. **Arms**, each ``rl_steps`` student optimizer steps from that checkpoint: ``grpo`` (GRPO on the student:
   the generalization experiment's treatment), ``distill`` (SFT on the teacher's traces), ``distill_grpo``
   (``distill``, then the same GRPO as ``grpo``: twice the steps, reported), ``self_distill`` (SFT on as many
   traces rejection-sampled from the student's own cold start, so a gain is attributable to the teacher).
5. **Evaluation**: held-out pass@1 (k samples, temperature 0.6, top-p 0.95) per difficulty, mean ± std over
   seeds, 95% bootstrap intervals; pass@1 against student optimizer steps for ``grpo`` and ``distill``.

Writes ``DIR/distillation.json`` (the shape of ``generalization.json``, see
:func:`trl_r1.experiments.report.summarise`, plus ``teacher`` and ``cost``), ``DIR/distillation.png`` and
prints the table. The defaults (``recipes/experiments/distillation.yaml``, which says how they were chosen) and
their 5-seed result are in the README's experiments section.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trl_r1.experiments.generalization import (
    GeneralizationConfig,
    _grpo,
    _log_history,
    _mean_logged,
    _rows,
    _sft,
    _sha256,
    _write_jsonl,
    build_data,
    cold_start,
    evaluate_model,
    experiment_main,
    treatment_curve,
)
from trl_r1.experiments.generalization import make_parser as experiment_parser

logger = logging.getLogger(__name__)

RESULT_FILE, FIGURE_FILE = "distillation.json", "distillation.png"
DISTILL_ARMS = ("grpo", "distill", "distill_grpo", "self_distill")
CURVE_ARMS = ("grpo", "distill")
RL_REWARDS = ["accuracy", "r1_zero_format"]


@dataclass
class DistillationConfig(GeneralizationConfig):
    """Options of the distillation experiment (defaults = ``recipes/experiments/distillation.yaml``). The data,
    student, GRPO and evaluation options are the generalization experiment's; ``sft_learning_rate`` and
    ``sft_lr_scheduler`` are those of the two SFT arms (``distill``, ``self_distill``)."""

    output_dir: str = field(
        default="runs/distillation", metadata={"help": "Where every arm and the results go."}
    )
    seeds: int = field(
        default=5,
        metadata={
            "help": "Number of student seeds (0..N-1; one teacher for all): mean ± std over seeds. About 6 "
            "minutes each on 2 cores, after the teacher's 7."
        },
    )
    min_gap: float = field(
        default=0.10,
        metadata={
            "help": "The claim: harder-split pass@1 of distill minus grpo, at least this (intervals separate)."
        },
    )
    sft_learning_rate: float = field(
        default=1e-3,
        metadata={"help": "Peak learning rate of the two SFT arms (distill, self_distill)."},
    )
    sft_lr_scheduler: Literal["cosine", "constant"] = field(
        default="cosine",
        metadata={
            "help": "Schedule of the two SFT arms: cosine with warmup (the cold start's, and the usual one for "
            "distillation SFT) or constant (the generalization experiment's SFT controls)."
        },
    )
    teacher_model: str = field(
        default="trl-r1/tiny?hidden_size=192",
        metadata={"help": "The teacher: a larger trl-r1/tiny alias (the teacher seed is added to it)."},
    )
    teacher_seed: int = field(
        default=1000, metadata={"help": "Seed of the teacher (trained once per experiment)."}
    )
    teacher_cold_start_steps: int = field(default=1000, metadata={"help": "Teacher cold-start SFT steps."})
    teacher_rl_steps: int = field(default=400, metadata={"help": "Teacher answer-only GRPO steps."})
    samples_per_problem: int = field(
        default=4,
        metadata={"help": "Rejection sampling: samples per RL problem (teacher and student's cold start)."},
    )
    traces_per_problem: int = field(
        default=1, metadata={"help": "Rejection sampling: kept traces per problem."}
    )
    trace_min_accuracy: float = field(
        default=1.0,
        metadata={
            "help": "Rejection sampling: accuracy reward a kept trace needs (R1: 1.0, correct answers only)."
        },
    )
    readable_traces_only: bool = field(
        default=True,
        metadata={
            "help": "Rejection sampling: R1's readability filters and no truncated trace (False keeps any trace)."
        },
    )

    def __post_init__(self):
        super().__post_init__()
        for name in (
            "teacher_cold_start_steps",
            "teacher_rl_steps",
            "samples_per_problem",
            "traces_per_problem",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")


def rejection_sampled_traces(
    cfg: DistillationConfig, model: Path, prompts: str, out: Path, seed: int
) -> dict:
    """Sample ``samples_per_problem`` completions per RL problem from ``model`` and keep the correct, readable
    ones (R1's filters, at most ``traces_per_problem`` per problem); returns the rows and the cost in tokens."""
    from datasets import load_from_disk

    from trl_r1.rejection import RejectionSamplingConfig, rejection_sample

    report = rejection_sample(
        RejectionSamplingConfig(
            sampling_model=str(model),
            dataset_name=prompts,
            samples_dir=str(out),
            num_samples=cfg.samples_per_problem,
            max_new_tokens=cfg.max_completion_length,
            max_per_prompt=cfg.traces_per_problem,
            backend="transformers",
            reward_funcs=["accuracy"],
            reward_thresholds=[cfg.trace_min_accuracy],
            readability=cfg.readable_traces_only,
            drop_truncated=cfg.readable_traces_only,
            sampling_seed=seed,
            batch_size=256,
            overwrite=True,
        )
    )
    kept = [r for r in load_from_disk(report["dataset_path"]) if r["kind"] == "reasoning"]
    dropped = [json.loads(line) for line in (out / "dropped.jsonl").read_text().splitlines()]
    tokens = sum(r["num_tokens"] for r in kept) + sum(r["num_tokens"] or 0 for r in dropped)
    return {
        # an empty completion is no trace to learn from (and no SFT row: the data checks refuse it)
        "rows": [
            {"prompt": r["prompt"], "completion": r["completion"]}
            for r in kept
            if str(r["completion"]).strip()
        ],
        "generated": report["generated"],
        "kept": report["kept"],
        "generated_tokens": tokens,
    }


def train_teacher(cfg: DistillationConfig, data: dict[str, Any], out: Path) -> dict[str, Any]:
    """R1's recipe on the larger model: cold start, then answer-only GRPO; its pass@1 and its traces."""
    seed = cfg.teacher_seed
    rl = out / "grpo"
    t0 = time.monotonic()
    cold = cold_start(cfg, cfg.teacher_model, cfg.teacher_cold_start_steps, data, out, seed)
    _grpo(
        dataclasses.replace(cfg, rl_steps=cfg.teacher_rl_steps),
        str(cold),
        _write_jsonl(out / "data" / "rl.jsonl", _rows(data["rl"])),
        rl,
        RL_REWARDS,
        seed,
    )
    train_seconds = time.monotonic() - t0
    evaluation = evaluate_model(cfg, rl, data["tests"], out / "eval")
    t0 = time.monotonic()
    traces = rejection_sampled_traces(cfg, rl, str(out / "data" / "rl.jsonl"), out / "traces", seed)
    return {
        "model": cfg.teacher_model,
        "seed": seed,
        "optimizer_steps": cfg.teacher_cold_start_steps + cfg.teacher_rl_steps,
        "eval": evaluation,
        "pass@1": {s: sum(e["per_problem"]) / len(e["per_problem"]) for s, e in evaluation.items()},
        "traces": traces,
        "seconds": {"training": train_seconds, "sampling": time.monotonic() - t0},
    }


def run_seed(
    cfg: DistillationConfig, seed: int, data: dict[str, Any], teacher: dict[str, Any], out: Path
) -> dict[str, Any]:
    """The student's cold start, the four arms and their evaluation for one seed."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    cold = cold_start(cfg, cfg.model, cfg.cold_start_steps, data, out, seed)
    record: dict[str, Any] = {"cold_start_sha256": _sha256(cold), "arms": {}, "seconds": {}}
    record["cold_start"] = evaluate_model(cfg, cold, data["tests"], out / "eval" / "cold_start")
    rl_data = _write_jsonl(out / "data" / "rl.jsonl", _rows(data["rl"]))
    teacher_rows = teacher["traces"]["rows"]
    own = rejection_sampled_traces(cfg, cold, rl_data, out / "self_traces", seed)
    own_rows = own["rows"]
    random.Random(seed).shuffle(own_rows)
    # the same number of traces in both SFT arms, so a gain is the teacher's and not the data's size: the
    # teacher's count, or the student's where it has fewer usable ones (an empty completion is none)
    n_traces = min(len(teacher_rows), len(own_rows))
    teacher_rows, own_rows = teacher_rows[:n_traces], own_rows[:n_traces]
    if not own_rows:
        raise RuntimeError(
            f"seed {seed}: the student's cold start gave no correct readable trace for self_distill; "
            "train the cold start longer or sample more (samples_per_problem)"
        )
    record["seconds"]["cold_start"] = time.monotonic() - t0
    save = max(1, cfg.rl_steps // cfg.curve_points) if cfg.curve_points else None
    sft_batch, sft_lr, cosine = cfg.prompts_per_step, cfg.sft_learning_rate, cfg.sft_lr_scheduler == "cosine"
    for arm in DISTILL_ARMS:
        t0 = time.monotonic()
        arm_dir, init_sha = out / arm, _sha256(cold)
        logger.info("seed %d: %s (%d student steps)", seed, arm, cfg.rl_steps)
        if arm == "grpo":
            _grpo(cfg, str(cold), rl_data, arm_dir, RL_REWARDS, seed, save_steps=save)
        elif arm == "distill":
            traces = _write_jsonl(out / "data" / "teacher_traces.jsonl", teacher_rows)
            _sft(
                str(cold),
                traces,
                arm_dir,
                cfg.rl_steps,
                sft_lr,
                sft_batch,
                seed,
                cosine=cosine,
                save_steps=save,
            )
        elif arm == "distill_grpo":
            _grpo(cfg, str(out / "distill"), rl_data, arm_dir, RL_REWARDS, seed)
        else:
            traces = _write_jsonl(out / "data" / "self_traces.jsonl", own_rows)
            _sft(str(cold), traces, arm_dir, cfg.rl_steps, sft_lr, sft_batch, seed, cosine=cosine)
        history = _log_history(arm_dir)
        steps = max((int(h.get("step", 0)) for h in history), default=0)
        record["arms"][arm] = {
            "init_sha256": init_sha,
            "optimizer_steps": steps + (cfg.rl_steps if arm == "distill_grpo" else 0),
            "mean_completion_tokens": _mean_logged(history, "completions/mean_length"),
            "eval": evaluate_model(cfg, arm_dir, data["tests"], out / "eval" / arm),
        }
        if arm in ("distill", "self_distill"):
            record["arms"][arm]["traces"] = len(teacher_rows if arm == "distill" else own_rows)
        record["seconds"][arm] = time.monotonic() - t0
    record["self_traces"] = {k: v for k, v in own.items() if k != "rows"}
    record["curve"] = {arm: treatment_curve(cfg, out, data["tests"], record, arm=arm) for arm in CURVE_ARMS}
    return record


def check_distillation_claim(result: dict[str, Any], min_gap: float = 0.10) -> dict[str, Any]:
    """Issue 26's claim: on every harder split ``distill`` beats ``grpo`` by ``min_gap`` pass@1 (seed mean) with
    separate 95% intervals, and beats ``self_distill``."""
    arms, out = result["arms"], {"harder": {}, "holds": True}
    for split in result["harder_splits"]:
        d, g, s = (arms[a][split] for a in ("distill", "grpo", "self_distill"))
        gap = d["pass@1"] - g["pass@1"]
        entry = {
            "distill_minus_grpo": gap,
            "intervals_separate": d["ci95"][0] > g["ci95"][1],
            "distill_minus_self_distill": d["pass@1"] - s["pass@1"],
        }
        entry["holds"] = (
            gap >= min_gap and entry["intervals_separate"] and entry["distill_minus_self_distill"] > 0
        )
        out["harder"][split] = entry
        out["holds"] &= entry["holds"]
    return out


def results_table(result: dict[str, Any]) -> str:
    """The arms' table (:func:`trl_r1.experiments.report.arm_rows`), the teacher, the cost and the verdict."""
    from trl_r1.experiments.report import arm_rows

    teacher, cost = result["teacher"], result["cost"]
    lines = arm_rows(result)
    lines.append(
        "\nteacher "
        + teacher["model"]
        + ": pass@1 "
        + ", ".join(f"{s} {v:.3f}" for s, v in teacher["pass@1"].items())
    )
    lines.append(
        f"cost: teacher {cost['teacher_optimizer_steps']} optimizer steps, {cost['teacher_sampled_tokens']:,} "
        f"tokens sampled for {cost['teacher_traces']} traces; student {cost['student_optimizer_steps']} "
        "steps per arm (distill_grpo: twice)"
    )
    for split, c in result["claim"]["harder"].items():
        lines.append(
            f"{split}: distill - grpo = {c['distill_minus_grpo']:+.3f} (intervals "
            f"{'separate' if c['intervals_separate'] else 'OVERLAP'}); distill - self_distill = "
            f"{c['distill_minus_self_distill']:+.3f}"
        )
    lines.append(
        f"claim {'HOLDS' if result['claim']['holds'] else 'DOES NOT HOLD'} (seeds {result['seeds']}, "
        f"{result['seconds']:.0f}s in all)"
    )
    return "\n".join(lines)


def run_experiment(cfg: DistillationConfig, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train the teacher, run every seed, write ``distillation.json`` and ``distillation.png``; return the result."""
    import torch

    from trl_r1.experiments.report import plot_results, summarise

    torch.set_num_threads(1)  # the tiny models run fastest single-threaded
    out = Path(cfg.output_dir)
    started = time.monotonic()
    data = data or build_data(cfg, out / "data")
    logger.info(
        "teacher %s: cold start %d steps, GRPO %d steps",
        cfg.teacher_model,
        cfg.teacher_cold_start_steps,
        cfg.teacher_rl_steps,
    )
    teacher = train_teacher(cfg, data, out / "teacher")
    if not teacher["traces"]["rows"]:
        raise RuntimeError(
            f"the teacher ({teacher['pass@1']}) gave no correct readable trace: train it longer "
            "(teacher_rl_steps) or sample more (samples_per_problem)"
        )
    seeds = list(range(cfg.seeds))
    records = [run_seed(cfg, seed, data, teacher, out / f"seed{seed}") for seed in seeds]
    result = summarise(
        cfg,
        seeds,
        records,
        time.monotonic() - started,
        arms=DISTILL_ARMS,
        claim=lambda r: check_distillation_claim(r, cfg.min_gap),
    )
    result["teacher"] = {k: v for k, v in teacher.items() if k not in ("eval", "traces")}
    result["teacher"]["traces"] = {k: v for k, v in teacher["traces"].items() if k != "rows"}
    result["cost"] = {
        "teacher_optimizer_steps": teacher["optimizer_steps"],
        "teacher_sampled_tokens": teacher["traces"]["generated_tokens"],
        "teacher_traces": len(teacher["traces"]["rows"]),
        "student_optimizer_steps": cfg.rl_steps,
    }
    (out / RESULT_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    curves = {arm: [r["curve"][arm] for r in records] for arm in CURVE_ARMS}
    plot_results(result, out / FIGURE_FILE, curves=curves, step_label="student optimizer step")
    logger.info("wrote %s and %s", out / RESULT_FILE, out / FIGURE_FILE)
    return result


def make_parser() -> Any:
    """The ``CommandParser`` over :class:`DistillationConfig` (``--config x.yaml`` plus overrides)."""
    return experiment_parser("distillation", DistillationConfig)


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 experiment distillation [--config YAML] [--output-dir DIR] [--seeds N] [--<option> V]...``

    Returns 0 when the experiment ran (whether or not the claim holds: see the table and ``claim`` in the
    JSON), 2 with a one-line error for bad options."""
    return experiment_main(
        "distillation", DistillationConfig, run_experiment, results_table, (RESULT_FILE, FIGURE_FILE), argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
