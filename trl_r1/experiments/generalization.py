"""``trl-r1 experiment generalization``: does answer-only RL train a skill that SFT data does not contain?

A controlled experiment on the tiny offline model and the synthetic addition task (CPU only, no
downloads). Per seed:

1. **Cold start**: SFT on worked solutions of the *easy* difficulty only (``easy_split``, e.g.
   operands of equal width, so no worked solution ever pads a short operand with zeros).
2. **Treatment**: GRPO with R1's rule rewards (accuracy + format) on the *harder* difficulties
   (``harder_splits``) given with final answers only, mixed with easy answer-only problems.
3. **Controls**, every one from the same cold-start checkpoint with the same number of optimizer
   steps: ``sft_continued`` (more SFT on the cold-start worked solutions), ``grpo_format_only``
   (the format reward alone), ``grpo_random_reward`` (0/1 at the treatment's observed accuracy
   rate, plus format), ``sft_answer_only`` (SFT on the treatment's problems as question -> answer).
   The GRPO arms sample the same prompts per step, generations and completion budget.
4. **Evaluation**: held-out pass@1 (k samples at temperature 0.6, top-p 0.95) on disjoint test
   problems of each difficulty, 95% bootstrap intervals over problems of the seed-mean pass@1.

Optional (``self_check_share`` > 0): that share of the cold-start worked solutions ends its reasoning with a
check step (``,check 85-38=47``) that no reward pays for; the results then say how often each arm writes it
and whether the samples that do are right more often (:func:`self_check_stats`).

Writes ``DIR/generalization.json`` (the contract in :func:`trl_r1.experiments.report.summarise`),
``DIR/generalization.png`` and prints a table (:mod:`trl_r1.experiments.report`). The option parser
is TRL's ``TrlParser`` over :class:`GeneralizationConfig` (``--config
recipes/experiments/generalization.yaml``, command-line flags override it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trl_r1.experiments.report import ARMS

logger = logging.getLogger(__name__)

RESULT_FILE, FIGURE_FILE = "generalization.json", "generalization.png"
_TRAIN_DEFAULTS = dict(
    use_cpu=True,
    bf16=False,
    gradient_checkpointing=False,
    dtype="float32",
    report_to="none",
    dataloader_num_workers=0,
    disable_tqdm=True,
    logging_steps=5,
    save_strategy="no",
)


@dataclass
class GeneralizationConfig:
    """Options of the generalization experiment (defaults = ``recipes/experiments/generalization.yaml``)."""

    output_dir: str = field(
        default="runs/generalization", metadata={"help": "Where every arm and the results go."}
    )
    seeds: int = field(
        default=3,
        metadata={
            "help": "Number of seeds (0..N-1): model initialisation and training "
            "order; the problems are the same for every seed. 5 for "
            "publication-grade numbers (mean ± std over seeds)."
        },
    )
    model: str = field(
        default="trl-r1/tiny?hidden_size=128",
        metadata={"help": "Base model (a trl-r1/tiny alias: the seed is added to it)."},
    )
    easy_split: str = field(
        default="same_width",
        metadata={"help": "Difficulty of the worked solutions (trl_r1.data.synthetic.DIFFICULTIES)."},
    )
    harder_splits: list[str] = field(
        default_factory=lambda: ["mixed_width"],
        metadata={
            "help": "Difficulties given to RL with final answers only; no worked solution of them is ever trained on."
        },
    )
    short_repeats: int = field(
        default=20,
        metadata={
            "help": "Extra copies of each easy worked solution with 1-digit operands in the cold start (there are few)."
        },
    )
    cold_start_steps: int = field(default=1000, metadata={"help": "Cold-start SFT optimizer steps."})
    cold_start_learning_rate: float = field(
        default=1e-3, metadata={"help": "Cold-start peak learning rate (cosine)."}
    )
    cold_start_batch_size: int = field(default=8, metadata={"help": "Cold-start SFT batch size."})
    rl_steps: int = field(
        default=250, metadata={"help": "Optimizer steps of every arm after the cold start."}
    )
    prompts_per_step: int = field(
        default=16,
        metadata={
            "help": "Problems per optimizer step: GRPO prompts (x num_generations) and the SFT controls' batch size."
        },
    )
    num_generations: int = field(default=8, metadata={"help": "GRPO samples per prompt."})
    max_completion_length: int = field(
        default=48, metadata={"help": "Completion budget in tokens (train and eval)."}
    )
    rl_learning_rate: float = field(default=3e-4, metadata={"help": "GRPO learning rate (constant)."})
    rl_beta: float = field(
        default=0.0, metadata={"help": "KL coefficient to the cold start in the GRPO arms."}
    )
    rl_temperature: float = field(default=1.0, metadata={"help": "GRPO rollout temperature."})
    easy_mix: float = field(
        default=0.4,
        metadata={"help": "Share of easy answer-only problems in the RL data (the rest: harder ones)."},
    )
    self_check_share: float = field(
        default=0.0,
        metadata={
            "help": "Share of cold-start worked solutions whose reasoning ends with an optional check (',check 85-38=47'), "
            "never rewarded; the results then report how often each arm writes one and pass@1 with and "
            "without it (0: off)."
        },
    )
    sft_learning_rate: float = field(
        default=1e-3, metadata={"help": "Learning rate (constant) of the SFT controls."}
    )
    n_test: int = field(default=128, metadata={"help": "Held-out problems per difficulty."})
    k: int = field(default=4, metadata={"help": "Samples per test problem (pass@1 is their mean)."})
    temperature: float = field(default=0.6, metadata={"help": "Evaluation temperature (R1: 0.6)."})
    top_p: float = field(default=0.95, metadata={"help": "Evaluation top-p (R1: 0.95)."})
    curve_points: int = field(
        default=4,
        metadata={"help": "Treatment checkpoints evaluated for the pass@1-vs-step curve (0: none)."},
    )
    bootstrap_samples: int = field(
        default=2000, metadata={"help": "Bootstrap resamples for the 95 percent intervals."}
    )
    min_gap: float = field(
        default=0.15,
        metadata={
            "help": "The claim: harder-split pass@1 of the treatment minus the best control, at least this."
        },
    )
    easy_tolerance: float = field(
        default=0.05,
        metadata={"help": "The claim: easy-split pass@1 may trail sft_continued by at most this."},
    )

    def __post_init__(self):
        from trl_r1.data.synthetic import DIFFICULTIES

        for name in [self.easy_split, *self.harder_splits]:
            if name not in DIFFICULTIES:
                raise ValueError(f"unknown difficulty {name!r}; choose from {sorted(DIFFICULTIES)}")
        if self.easy_split in self.harder_splits or not self.harder_splits:
            raise ValueError("harder_splits must name at least one difficulty other than easy_split")
        for name in ("seeds", "cold_start_steps", "rl_steps", "prompts_per_step", "n_test", "k"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.num_generations < 2:
            raise ValueError(
                f"num_generations must be >= 2 (GRPO compares samples), got {self.num_generations}"
            )
        if not 0.0 <= self.easy_mix < 1.0:
            raise ValueError(f"easy_mix must be in [0, 1), got {self.easy_mix}")
        if not 0.0 <= self.self_check_share <= 1.0:
            raise ValueError(f"self_check_share must be in [0, 1], got {self.self_check_share}")


class RandomReward:
    """The spurious-reward control: 1 with probability ``random_reward_rate`` (a dataset column: the
    treatment's observed accuracy rate), else 0, independent of the completion.

    Drawn from a hash of (step, row index, prompt), so it is deterministic, picklable and carries no
    information about the answer (Shao et al. 2025, "Spurious Rewards: Rethinking Training Signals in RLVR").

    >>> r = random_reward(["a", "b"], prompts=["1+2=", "1+2="], random_reward_rate=[1.0, 0.0])
    >>> r
    [1.0, 0.0]
    """

    __name__ = "random_reward"

    def __call__(
        self,
        completions: list[Any],
        prompts: list[Any] | None = None,
        random_reward_rate: list[float] | None = None,
        trainer_state: Any = None,
        **kwargs: Any,
    ) -> list[float]:
        if random_reward_rate is None:
            raise ValueError("random_reward needs a 'random_reward_rate' dataset column (the rate of 1s)")
        step = getattr(trainer_state, "global_step", 0)
        prompts = prompts or [""] * len(completions)
        out = []
        for i, (prompt, rate) in enumerate(zip(prompts, random_reward_rate, strict=True)):
            digest = hashlib.blake2b(f"{step}:{i}:{prompt}".encode(), digest_size=8).digest()
            out.append(1.0 if int.from_bytes(digest, "big") / 2**64 < float(rate) else 0.0)
        return out


random_reward = RandomReward()


# ---------------------------------------------------------------- data


SELF_CHECK = ",check "


def with_self_check(problem: Any) -> str:
    """The worked solution with the optional check step (subtract the last operand back) ending its reasoning.

    >>> from trl_r1.data.synthetic import ArithmeticProblem
    >>> with_self_check(ArithmeticProblem((47, 38)))
    '<think>7+8=15 c1,4+3+1=8,check 85-38=47</think><answer>85</answer>'
    """
    from trl_r1.text.completion import THINK_END

    check = f"{SELF_CHECK}{problem.answer}-{problem.operands[-1]}={sum(problem.operands[:-1])}"
    return problem.r1_zero_solution().replace(THINK_END, check + THINK_END, 1)


def _rows(
    problems: list, completion: str | None = None, checked: frozenset = frozenset(), **extra: Any
) -> list[dict[str, Any]]:
    rows = []
    for p in problems:
        row = {"question": p.question, "solution": str(p.answer), "prompt": f"{p.question}=", **extra}
        if completion == "worked":
            row["completion"] = with_self_check(p) if p.question in checked else p.r1_zero_solution()
        elif completion == "answer":  # no reasoning at all: the strongest "no RL" use of answer-only data
            row["completion"] = f"<answer>{p.answer}</answer>"
        rows.append(row)
    return rows


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def build_data(cfg: GeneralizationConfig, data_dir: Path) -> dict[str, Any]:
    """Write the experiment's datasets (the same for every seed) and return their paths and test problems.

    ``cold_start`` holds worked solutions of the easy difficulty only (its sft and rl splits); ``rl``
    the harder difficulties' rl-split problems (answer only) plus ``easy_mix`` easy ones;
    ``answer_only`` the same problems as question -> answer. Test problems come from the test split,
    disjoint from both by question hash.

    Raises:
        ValueError: when a harder difficulty shares problems with the easy one (they would have
            worked solutions).
    """
    from trl_r1.data.synthetic import difficulty_problems

    # every easy problem outside the test split: the RL mix may reuse some, which gives RL no worked solution
    easy = difficulty_problems(cfg.easy_split, "sft") + difficulty_problems(cfg.easy_split, "rl")
    short = [p for p in easy if max(p.operands) < 10]
    cold = easy + short * cfg.short_repeats
    random.Random(0).shuffle(cold)
    hard = [p for name in cfg.harder_splits for p in difficulty_problems(name, "rl")]
    n_easy = round(len(hard) * cfg.easy_mix / (1 - cfg.easy_mix))
    rl = hard + difficulty_problems(cfg.easy_split, "rl", n_easy)
    random.Random(1).shuffle(rl)
    splits = [cfg.easy_split, *cfg.harder_splits]
    tests = {name: difficulty_problems(name, "test", cfg.n_test) for name in splits}
    worked = {p.question for p in cold}
    for name in cfg.harder_splits:
        shared = worked & {p.question for s in ("rl", "test") for p in difficulty_problems(name, s)}
        if shared:
            raise ValueError(
                f"harder split {name!r} overlaps easy_split {cfg.easy_split!r} (e.g. {min(shared)}): "
                "its problems would have worked solutions; pick difficulties that exclude each other"
            )
    checked = frozenset(random.Random(2).sample(sorted(worked), round(len(worked) * cfg.self_check_share)))
    trained = worked | {p.question for p in rl}
    if trained & {p.question for ps in tests.values() for p in ps}:  # guaranteed by the hash buckets
        raise RuntimeError("a test problem is in the training data")
    return {
        "cold_start": _write_jsonl(data_dir / "cold_start.jsonl", _rows(cold, "worked", checked)),
        "rl": rl,
        "answer_only": _write_jsonl(data_dir / "answer_only.jsonl", _rows(rl, "answer")),
        "tests": tests,
        "sizes": {
            "cold_start": len(cold),
            "rl": len(rl),
            "rl_harder": len(hard),
            "cold_start_with_check": sum(p.question in checked for p in cold),
        },
    }


# ---------------------------------------------------------------- training


def _sha256(model_dir: str | Path) -> str:
    digest = hashlib.sha256()
    for f in sorted(Path(model_dir).glob("*.safetensors")):
        digest.update(f.read_bytes())
    return digest.hexdigest()


def _log_history(run_dir: Path) -> list[dict[str, Any]]:
    state = run_dir / "trainer_state.json"
    return json.loads(state.read_text()).get("log_history", []) if state.exists() else []


def _checkpoints(save_steps: int | None) -> dict[str, Any]:
    return dict(save_strategy="steps", save_steps=save_steps, save_only_model=True) if save_steps else {}


def _sft(
    model: str,
    data: str,
    out: Path,
    steps: int,
    lr: float,
    batch: int,
    seed: int,
    cosine: bool,
    save_steps: int | None = None,
) -> None:
    from trl_r1.training.sft import run_sft_stage

    run_sft_stage(
        dict(
            _TRAIN_DEFAULTS,
            model_name_or_path=model,
            dataset_name=data,
            output_dir=str(out),
            cold_start_format=False,
            max_steps=steps,
            per_device_train_batch_size=batch,
            learning_rate=lr,
            lr_scheduler_type="cosine" if cosine else "constant",
            warmup_steps=min(20, steps // 10) if cosine else 0,
            max_length=128,
            seed=seed,
            **_checkpoints(save_steps),
        )
    )


def cold_start(
    cfg: GeneralizationConfig, model: str, steps: int, data: dict[str, Any], out: Path, seed: int
) -> Path:
    """R1's stage 1 here: ``steps`` SFT steps (cosine) of ``model`` (seeded) on the easy worked solutions,
    saved in ``out/cold_start``."""
    cold = out / "cold_start"
    sep = "&" if "?" in model else "?"
    _sft(
        f"{model}{sep}seed={seed}",
        data["cold_start"],
        cold,
        steps,
        cfg.cold_start_learning_rate,
        cfg.cold_start_batch_size,
        seed,
        cosine=True,
    )
    return cold


def _grpo(
    cfg: GeneralizationConfig,
    model: str,
    data: str,
    out: Path,
    rewards: list[str],
    seed: int,
    save_steps: int | None = None,
) -> None:
    from trl_r1.training.grpo import run_grpo_stage

    saving = _checkpoints(save_steps)
    run_grpo_stage(
        dict(
            _TRAIN_DEFAULTS,
            model_name_or_path=model,
            dataset_name=data,
            output_dir=str(out),
            reward_funcs=rewards,
            max_steps=cfg.rl_steps,
            per_device_train_batch_size=cfg.prompts_per_step * cfg.num_generations,
            num_generations=cfg.num_generations,
            max_completion_length=cfg.max_completion_length,
            learning_rate=cfg.rl_learning_rate,
            lr_scheduler_type="constant",
            temperature=cfg.rl_temperature,
            beta=cfg.rl_beta,
            seed=seed,
            **saving,
        )
    )


def _mean_logged(history: list[dict[str, Any]], key: str) -> float | None:
    values = [float(h[key]) for h in history if key in h]
    return sum(values) / len(values) if values else None


def run_seed(cfg: GeneralizationConfig, seed: int, data: dict[str, Any], out: Path) -> dict[str, Any]:
    """Cold start, the five arms and their evaluation for one seed; returns per-arm, per-split records."""
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    logger.info(
        "seed %d: cold start (%d steps on %d worked solutions)",
        seed,
        cfg.cold_start_steps,
        data["sizes"]["cold_start"],
    )
    cold = cold_start(cfg, cfg.model, cfg.cold_start_steps, data, out, seed)
    cold_sha = _sha256(cold)
    record: dict[str, Any] = {"cold_start_sha256": cold_sha, "arms": {}, "seconds": {}}
    record["cold_start"] = evaluate_model(cfg, cold, data["tests"], out / "eval" / "cold_start")
    record["seconds"]["cold_start"] = time.monotonic() - t0

    rl = _rows(data["rl"])
    save = max(1, cfg.rl_steps // cfg.curve_points) if cfg.curve_points else None
    for arm in ARMS:
        t0 = time.monotonic()
        arm_dir = out / arm
        init_sha = _sha256(cold)  # what this arm starts from, read as it starts
        logger.info("seed %d: %s (%d steps)", seed, arm, cfg.rl_steps)
        if arm == "treatment":
            _grpo(
                cfg,
                str(cold),
                _write_jsonl(out / "data" / "rl.jsonl", rl),
                arm_dir,
                ["accuracy", "r1_zero_format"],
                seed,
                save_steps=save,
            )
            rate = _mean_logged(_log_history(arm_dir), "rewards/accuracy_reward/mean") or 0.0
        elif arm == "grpo_format_only":
            _grpo(
                cfg, str(cold), _write_jsonl(out / "data" / "rl.jsonl", rl), arm_dir, ["r1_zero_format"], seed
            )
        elif arm == "grpo_random_reward":
            rows = [dict(r, random_reward_rate=rate) for r in rl]
            _grpo(
                cfg,
                str(cold),
                _write_jsonl(out / "data" / "rl_random.jsonl", rows),
                arm_dir,
                ["trl_r1.experiments.generalization.random_reward", "r1_zero_format"],
                seed,
            )
        elif arm == "sft_continued":
            _sft(
                str(cold),
                data["cold_start"],
                arm_dir,
                cfg.rl_steps,
                cfg.sft_learning_rate,
                cfg.prompts_per_step,
                seed,
                cosine=False,
            )
        else:
            _sft(
                str(cold),
                data["answer_only"],
                arm_dir,
                cfg.rl_steps,
                cfg.sft_learning_rate,
                cfg.prompts_per_step,
                seed,
                cosine=False,
            )
        history = _log_history(arm_dir)
        steps = max((int(h.get("step", 0)) for h in history), default=0)
        record["arms"][arm] = {
            "init_sha256": init_sha,
            "optimizer_steps": steps,
            "mean_completion_tokens": _mean_logged(history, "completions/mean_length"),
            "eval": evaluate_model(cfg, arm_dir, data["tests"], out / "eval" / arm),
        }
        if arm.startswith("grpo") or arm == "treatment":
            record["arms"][arm]["generated_tokens_budget_per_step"] = (
                cfg.prompts_per_step * cfg.num_generations * cfg.max_completion_length
            )
        if arm == "grpo_random_reward":
            record["arms"][arm]["random_reward_rate"] = rate
        record["seconds"][arm] = time.monotonic() - t0
    record["curve"] = treatment_curve(cfg, out, data["tests"], record)
    return record


# ---------------------------------------------------------------- evaluation


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def evaluate_model(
    cfg: GeneralizationConfig, model_dir: Path, tests: dict[str, list], out: Path
) -> dict[str, Any]:
    """Per split: per-problem pass@1 (mean of k samples), mean response tokens, R1-Zero format compliance."""
    from trl_r1.eval import evaluate
    from trl_r1.rewards.format import r1_zero_format_score

    results = {}
    for name, problems in tests.items():
        rows = [
            {"question": p.question, "answer": str(p.answer), "prompt": f"{p.question}="} for p in problems
        ]
        res = evaluate(
            str(model_dir),
            rows,
            k=cfg.k,
            temperature=cfg.temperature,
            top_p=cfg.top_p,
            max_new_tokens=cfg.max_completion_length,
            backend="transformers",
            progress=False,
            batch_size=256,
            output_dir=out / name,
        )
        records = [json.loads(line) for line in (out / name / "samples.jsonl").read_text().splitlines()]
        samples = [
            (SELF_CHECK.strip() in s["text"], v == 1.0)
            for r in records
            for s, v in zip(r["samples"], r["verdicts"], strict=True)
        ]
        results[name] = {
            "per_problem": [sum(v == 1.0 for v in r["verdicts"]) / len(r["verdicts"]) for r in records],
            "self_check": self_check_stats(samples),
            "mean_response_tokens": res["mean_response_tokens"],
            "format_compliance": sum(r1_zero_format_score(s["text"]) for r in records for s in r["samples"])
            / sum(len(r["samples"]) for r in records),
        }
    return results


def self_check_stats(samples: list[tuple[bool, bool]]) -> dict[str, Any]:
    """Share of samples that write the self-check and pass@1 with and without it (``None``: no such sample).

    >>> self_check_stats([(True, True), (True, False), (False, False), (False, False)])
    {'rate': 0.5, 'pass@1_with': 0.5, 'pass@1_without': 0.0, 'n_samples': 4}
    """
    used = [ok for has, ok in samples if has]
    unused = [ok for has, ok in samples if not has]
    return {
        "rate": len(used) / len(samples) if samples else 0.0,
        "pass@1_with": sum(used) / len(used) if used else None,
        "pass@1_without": sum(unused) / len(unused) if unused else None,
        "n_samples": len(samples),
    }


def treatment_curve(
    cfg: GeneralizationConfig,
    out: Path,
    tests: dict[str, list],
    record: dict[str, Any],
    arm: str = "treatment",
) -> list[dict[str, Any]]:
    """Held-out pass@1 and response length of ``arm`` (trained in ``out/<arm>`` from the cold start, with
    checkpoints) at step 0, its checkpoints and the end."""
    points = [(0, record["cold_start"])]
    for ckpt in sorted((out / arm).glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1])):
        step = int(ckpt.name.split("-")[1])
        if step < cfg.rl_steps:
            points.append((step, evaluate_model(cfg, ckpt, tests, out / "eval" / f"{arm}-{step}")))
    points.append((cfg.rl_steps, record["arms"][arm]["eval"]))
    return [
        {
            "step": step,
            **{
                name: {
                    "pass@1": _mean(ev[name]["per_problem"]),
                    "mean_response_tokens": ev[name]["mean_response_tokens"],
                    "self_check_rate": ev[name]["self_check"]["rate"],
                }
                for name in ev
            },
        }
        for step, ev in points
    ]


def run_experiment(cfg: GeneralizationConfig, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run every seed, write ``generalization.json`` and ``generalization.png``; return the result.

    ``data`` is :func:`build_data`'s output (built here when ``None``)."""
    import torch

    from trl_r1.experiments.report import plot_results, summarise

    torch.set_num_threads(1)  # the tiny model runs fastest single-threaded
    out = Path(cfg.output_dir)
    started = time.monotonic()
    data = data or build_data(cfg, out / "data")
    logger.info("data: %s; test problems per split: %d", data["sizes"], cfg.n_test)
    seeds = list(range(cfg.seeds))
    records = [run_seed(cfg, seed, data, out / f"seed{seed}") for seed in seeds]
    result = summarise(cfg, seeds, records, time.monotonic() - started)
    (out / RESULT_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plot_results(result, out / FIGURE_FILE)
    logger.info("wrote %s and %s", out / RESULT_FILE, out / FIGURE_FILE)
    return result


def make_parser(name: str = "generalization", config_type: type | None = None) -> Any:
    """The ``CommandParser`` of ``trl-r1 experiment NAME`` over its config dataclass (``--config x.yaml`` plus
    overrides); default: this module's :class:`GeneralizationConfig`."""
    from trl_r1.training.options import CommandParser

    return CommandParser((config_type or GeneralizationConfig,), prog=f"trl-r1 experiment {name}")


def experiment_main(
    name: str, config_type: type, run: Any, table: Any, files: tuple[str, str], argv: list[str] | None
) -> int:
    """The command line of an experiment: parse ``config_type`` (:func:`make_parser`: ``--config YAML`` plus
    flags), build the data (bad options: a one-line error, exit 2, before any training), ``run(cfg, data)``,
    print ``table(result)`` and where ``files`` (result, figure) went."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        cfg, unknown = make_parser(name, config_type).parse_args_and_config(
            args=argv, return_remaining_strings=True
        )
        if unknown:
            raise ValueError(f"unrecognized arguments: {' '.join(unknown)}")
        data = build_data(cfg, Path(cfg.output_dir) / "data")
    except ValueError as e:
        logger.error("trl-r1 experiment %s: %s", name, e)
        return 2
    result = run(cfg, data)
    print(table(result))  # the final table is the command's output
    print(f"results: {Path(cfg.output_dir) / files[0]}\nfigure: {Path(cfg.output_dir) / files[1]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 experiment generalization [--config YAML] [--output-dir DIR] [--seeds N] [--<option> V]...``

    Returns 0 when the experiment ran (whether or not the claim holds: see the table and
    ``claim`` in the JSON), 2 with a one-line error for bad options."""
    from trl_r1.experiments.report import results_table

    return experiment_main(
        "generalization",
        GeneralizationConfig,
        run_experiment,
        results_table,
        (RESULT_FILE, FIGURE_FILE),
        argv,
    )


if __name__ == "__main__":
    raise SystemExit(main())
