"""What the aha-moment monitor costs per GRPO batch, next to the rewards the batch already pays for.

A batch of ``--completions`` R1-style completions (about ``--chars`` characters of English
reasoning each, with reflective words, then a boxed answer) is scored, in the same run, by:

* ``language_consistency_reward`` (baseline): R1's language reward, which stage-2 runs pay anyway;
* ``accuracy_reward`` (trl_r1's, verifier pool warmed up, verdict cache off, fraction answers);
* ``ReflectionMonitor`` (all metrics: reflective words, length, truncation, language consistency);
* ``ReflectionMonitor(track_language=False)``: reflective words, length and truncation only.

Reported: median milliseconds per batch over ``--repeats`` runs, per completion, and relative to
the baseline. Usage: ``python benchmarks/monitors.py [--completions 64] [--chars 4000]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from trl_r1.rewards import AccuracyReward, language_consistency_reward
from trl_r1.rewards.monitor import ReflectionMonitor

SENTENCES = [
    "Let us compute the sum of the first {a} terms of the sequence.",
    "Wait, that is not right: the common difference is {b}, not {a}.",
    "However, we should check the boundary case where n equals {a}.",
    "So the total is {a} times {b}, which gives {c}.",
    "But if we verify with a smaller case, {a} plus {b} is {c}, which matches.",
    "Each step follows from the previous one by adding {b}.",
    "I made a mistake above; let me retry the computation with $x = {a}$.",
]


def make_completion(rng: random.Random, chars: int, answer: str) -> str:
    parts = []
    while sum(map(len, parts)) < chars:
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        parts.append(rng.choice(SENTENCES).format(a=a, b=b, c=a * b))
    return f"<think>{' '.join(parts)}</think>\nThe answer is $\\boxed{{{answer}}}$."


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=64)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(0)
    # Fractions, so that math-verify really runs (plain integers are compared without it).
    golds = [f"\\frac{{{rng.randint(1, 99)}}}{{{rng.randint(100, 199)}}}" for _ in range(args.completions)]
    completions = [make_completion(rng, args.chars, g if i % 2 else "0.5") for i, g in enumerate(golds)]
    ids = [[7] * (len(c) // 4) + [0] for c in completions]  # about 4 characters per token
    prompts = ["What is the total? Show your reasoning."] * len(completions)
    accuracy_reward = AccuracyReward(cache_size=0)  # no verdict cache: every repeat verifies again
    accuracy_reward(completions[:2], solution=golds[:2])  # start the verifier pool outside the timing
    full = ReflectionMonitor(language="en", eos_token_ids=[0])
    light = ReflectionMonitor(track_language=False, eos_token_ids=[0])
    rows = [
        (
            "language_consistency_reward (baseline)",
            lambda: language_consistency_reward(completions, prompts=prompts),
        ),
        ("accuracy_reward", lambda: accuracy_reward(completions, solution=golds)),
        (
            "ReflectionMonitor (all metrics)",
            lambda: full(completions=completions, completion_ids=ids, prompts=prompts),
        ),
        ("ReflectionMonitor (no language)", lambda: light(completions=completions, completion_ids=ids)),
    ]
    results = [(name, timed(fn, args.repeats)) for name, fn in rows]
    base = results[0][1]
    print(f"{args.completions} completions x ~{args.chars} chars, median of {args.repeats} runs")
    print(f"| {'scorer':<40} | {'ms / batch':>10} | {'ms / completion':>15} | {'x baseline':>10} |")
    print(f"|{'-' * 42}|{'-' * 11}:|{'-' * 16}:|{'-' * 11}:|")
    for name, ms in results:
        print(f"| {name:<40} | {ms:>10.1f} | {ms / args.completions:>15.2f} | {ms / base:>10.2f} |")


if __name__ == "__main__":
    main()
