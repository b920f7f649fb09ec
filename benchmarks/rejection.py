"""Rejection-sampling throughput: generation (samples/s) and scoring + filtering (per 1,000 samples).

Two tables, every row measured in the same run:

1. Transformers backend on the tiny offline model, ``--prompts`` prompts x ``--k`` samples x
   ``--max-new-tokens`` tokens: batch size 8 (baseline) against the default 64, each with torch's
   default intra-op threads and with one thread (on small shared CPUs threads can thrash).
2. Scoring and selection of 1,000 R1-format arithmetic samples (half correct, some duplicated, some
   truncated): TRL's ``accuracy_reward`` (baseline) against ``trl_r1.rewards.accuracy_reward``, then
   the full filter chain of ``trl-r1 sample`` (rewards, truncation, length, readability with the
   language check, exact and near dedupe, per-prompt cap).

Usage: ``python benchmarks/rejection.py [--prompts 16] [--k 4] [--max-new-tokens 64] [--samples 1000]``
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time

import torch

from trl_r1.data.synthetic import make_problems
from trl_r1.generation import Sample, SamplingParams, TransformersBackend
from trl_r1.models.tiny import save_tiny_model
from trl_r1.rejection import RejectionSamplingConfig, RewardScorer, select_samples
from trl_r1.rejection.runner import build_filters


def bench_generation(model_dir: str, prompts: int, k: int, max_new_tokens: int) -> list[tuple[str, float]]:
    questions = [[{"role": "user", "content": p.question}] for p in make_problems(prompts, seed=1)]
    params = SamplingParams(num_samples=k, max_new_tokens=max_new_tokens, seed=0)
    default_threads = torch.get_num_threads()
    rows = []
    for threads in (default_threads, 1):
        torch.set_num_threads(threads)
        for batch_size in (8, 64):
            backend = TransformersBackend(model_dir, batch_size=batch_size)
            backend.generate(questions[:1], SamplingParams(num_samples=1, max_new_tokens=4))  # warm-up
            start = time.perf_counter()
            groups = backend.generate(questions, params)
            seconds = time.perf_counter() - start
            n = sum(len(g) for g in groups)
            rows.append((f"batch {batch_size}, {threads} thread{'s' * (threads > 1)}", n / seconds))
    torch.set_num_threads(default_threads)
    return rows


def make_samples(n: int, k: int = 4) -> tuple[list[dict], list[Sample]]:
    """``n`` samples of ``n // k`` prompts: half correct, one in eight a duplicate, one in eight truncated."""
    rng = random.Random(0)
    prompts, samples = [], []
    for p in make_problems(n // k, seed=2, digits=3):
        for s in range(k):
            answer = p.answer if rng.random() < 0.5 else p.answer + rng.randint(1, 9)
            text = (
                f"<think>\nWe add the numbers column by column: {p.reasoning()}. Checking the carries once "
                f"more gives the same digits.\n</think>\n\n{p.question}={answer}, so the answer is "
                f"$\\boxed{{{answer}}}$."
            )
            prompts.append({"prompt": [{"role": "user", "content": p.question}], "solution": str(p.answer)})
            finished = rng.random() > 0.125
            samples.append(Sample(text if s == 0 or rng.random() > 0.125 else samples[-1].text, 40, finished))
    return prompts, samples


def bench_scoring(n: int) -> list[tuple[str, float]]:
    prompts, samples = make_samples(n)
    completions = [[{"role": "assistant", "content": s.text}] for s in samples]
    columns = {"solution": [p["solution"] for p in prompts]}
    rows, scored = [], None
    for label, reward in (
        ("score: trl.rewards.accuracy_reward", "trl.rewards.accuracy_reward"),
        ("score: trl_r1.rewards.accuracy_reward", "trl_r1.rewards.accuracy_reward"),
    ):
        scorer = RewardScorer([reward])
        scorer.score(
            prompts[:2], completions[:2], [None, None], {"solution": columns["solution"][:2]}
        )  # warm-up
        start = time.perf_counter()
        scores = scorer.score([p["prompt"] for p in prompts], completions, [None] * len(samples), columns)
        rows.append((label, time.perf_counter() - start))
        scored = scored or scores
    records = [
        {
            **prompts[i],
            "prompt_index": i // 4,
            "sample_index": i % 4,
            "completion": s.text,
            "num_tokens": s.num_tokens,
            "finished": s.finished,
            "rewards": scores[0],
            "judged": scores[1],
        }
        for i, (s, scores) in enumerate(zip(samples, scored))
    ]
    config = RejectionSamplingConfig(
        sampling_model="m",
        dataset_name="d",
        samples_dir=tempfile.gettempdir(),
        reward_funcs=["trl.rewards.accuracy_reward"],
        language="en",
        max_per_prompt=2,
    )
    for label, cfg in (
        ("select: rewards + dedupe + cap", {"readability": False}),
        ("select: + readability filters", {"readability": True}),
    ):
        for key, value in cfg.items():
            setattr(config, key, value)
        filters = build_filters(config, ["accuracy_reward"])
        start = time.perf_counter()
        result = select_samples(records, filters, max_per_prompt=2)
        rows.append((f"{label} (kept {len(result.kept)})", time.perf_counter() - start))
    return [(label, seconds * 1000 / n) for label, seconds in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = save_tiny_model(f"{tmp}/tiny")
        generation = bench_generation(model_dir, args.prompts, args.k, args.max_new_tokens)
    base = generation[0][1]
    print(
        f"\nTransformers backend, tiny model (hidden 128, 2 layers): {args.prompts} prompts x {args.k} samples x "
        f"{args.max_new_tokens} new tokens, {torch.get_num_threads()} CPU threads available"
    )
    print(f"{'configuration':<28}{'samples/s':>12}{'vs baseline':>14}")
    for label, rate in generation:
        print(f"{label:<28}{rate:>12.1f}{rate / base:>13.2f}x")

    scoring = bench_scoring(args.samples)
    base = scoring[0][1]
    print(f"\nScoring + filtering {args.samples} R1-format samples (seconds per 1,000 samples)")
    print(f"{'step':<48}{'s / 1k':>10}{'samples/s':>12}{'vs TRL reward':>15}")
    for label, per_k in scoring:
        ratio = f"{base / per_k:>14.2f}x" if label.startswith("score") else f"{'-':>15}"
        print(f"{label:<48}{per_k:>10.3f}{1000 / per_k:>12.0f}{ratio}")


if __name__ == "__main__":
    main()
