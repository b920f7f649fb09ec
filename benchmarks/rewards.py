"""Benchmark the R1 rewards against their baselines, side by side in one run.

Accuracy: MATH-500 gold answers x 16 completions per problem, each completion's correctness known
by construction (the gold answer in the R1-Zero or R1 layout, another problem's answer, an
unparseable answer, "mixed" ones with a right answer only in the reasoning, or a wrong answer only
in the reasoning), scored in GRPO-sized calls (``--prompts-per-call`` groups) by
``trl_r1.rewards.accuracy_reward`` and by ``trl.rewards.accuracy_reward``. A verdict is wrong when
it differs from the known truth; ``None`` on a problem whose gold math-verify parses counts as wrong.

Language consistency: latency per ~4 KB chain of thought of the fast method against the
per-sentence langdetect reference (``method="langdetect"``, cache cleared so every sentence is
really detected), and their agreement on the labelled set shipped in ``tests/rewards/data``.

    python benchmarks/rewards.py                  # everything (several minutes on 2 busy cores)
    python benchmarks/rewards.py --problems 100   # a quicker accuracy run
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
MATH500 = REPO.parent / "shared" / "data" / "benchmarks" / "math500.jsonl"
LABELLED = REPO / "tests" / "rewards" / "data" / "language_labelled.jsonl"

REASONING = (
    "Let me set up the problem carefully. We write down what is given and what is asked, then try a "
    "small case to see the pattern. Checking the arithmetic again: $2 \\cdot 3 = 6$ and $6 + 4 = 10$. "
)


def _reasoning(rng: random.Random) -> str:
    return REASONING * rng.randint(4, 12)  # ~0.9-2.7 KB, like a short chain of thought


def build_groups(golds: list[str], group: int, seed: int = 0) -> list[tuple[str, list[str], list[float]]]:
    """(gold, completions, truth) per problem; truth 1.0 when the final answer is the gold."""
    from math_verify import parse, verify

    rng = random.Random(seed)
    parsed = [parse(f"\\boxed{{{g}}}") for g in golds]
    groups = []
    for i, gold in enumerate(golds):
        # Another problem's answer that is really different (checked once, here, in the main thread).
        for step in range(1, len(golds)):
            j = (i + step * 37) % len(golds)
            if golds[j].replace(" ", "") != gold.replace(" ", "") and not verify(parsed[i], parsed[j]):
                other = golds[j]
                break
        kinds = [
            ("zero", gold, 1.0), ("zero", gold, 1.0), ("zero", gold, 1.0), ("r1", gold, 1.0), ("r1", gold, 1.0),
            ("zero", other, 0.0), ("zero", other, 0.0), ("r1", other, 0.0), ("r1", other, 0.0), ("r1", other, 0.0),
            ("zero", "I could not finish the computation.", 0.0), ("r1", "", 0.0),
            ("mixed_right_in_reasoning", gold, 0.0), ("mixed_right_in_reasoning", gold, 0.0),
            ("mixed_wrong_in_reasoning", gold, 1.0), ("mixed_wrong_in_reasoning", gold, 1.0),
        ]  # fmt: skip
        kinds = (kinds * (group // len(kinds) + 1))[:group]
        completions, truth = [], []
        for kind, answer, correct in kinds:
            r = _reasoning(rng)
            if kind == "zero":
                text = f"<think>{r}</think>\n<answer>{answer}</answer>"
            elif kind == "r1":
                text = f"<think>\n{r}\n</think>\n\nSo the final answer is $\\boxed{{{answer}}}$."
            elif kind == "mixed_right_in_reasoning":
                text = f"<think>{r} Maybe it is $\\boxed{{{gold}}}$?</think>\n<answer>{other}</answer>"
            else:
                text = f"<think>{r} Maybe it is $\\boxed{{{other}}}$?</think>\n\nSo the answer is $\\boxed{{{gold}}}$."
            completions.append(text)
            truth.append(correct)
        groups.append((gold, completions, truth))
    return groups


def bench_accuracy(problems: int, group: int, prompts_per_call: int) -> None:
    from trl.rewards import accuracy_reward as trl_accuracy_reward

    from trl_r1.rewards import AccuracyReward

    golds = [json.loads(line)["answer"] for line in MATH500.open()][:problems]
    t0 = time.perf_counter()
    groups = build_groups(golds, group)
    print(f"built {len(groups)} problems x {group} completions in {time.perf_counter() - t0:.1f}s")
    ours = AccuracyReward()
    t0 = time.perf_counter()
    ours(["<think>a</think><answer>x^2</answer>"], solution=["x^2"])  # start the worker pool
    startup = time.perf_counter() - t0
    # The same warm-up batch for both (math-verify's LaTeX parser is slow on its first parses):
    # answers unlike MATH-500's, so the timed run below gets no help from trl_r1's verdict cache.
    warm = [f"\\frac{{{k}}}{{{k + 7}}}+\\sqrt{{{k}}}x^{{{k % 5}}}" for k in range(2, 34)]
    warm_completions = [[{"role": "assistant", "content": f"<think>w</think>$\\boxed{{{w}}}$"}] for w in warm]
    for fn in (ours, trl_accuracy_reward):
        fn(completions=warm_completions, solution=warm[1:] + warm[:1])

    rows = {}
    for name, fn in (("trl_r1 accuracy_reward", ours), ("trl.rewards.accuracy_reward", trl_accuracy_reward)):
        wrong = none = total = 0
        elapsed = 0.0
        for k in range(0, len(groups), prompts_per_call):
            batch = groups[k : k + prompts_per_call]
            completions = [[{"role": "assistant", "content": c}] for _, cs, _ in batch for c in cs]
            solution = [g for g, cs, _ in batch for _ in cs]
            truth = [t for _, _, ts in batch for t in ts]
            start = time.perf_counter()
            out = fn(completions=completions, solution=solution)
            elapsed += time.perf_counter() - start
            total += len(out)
            none += sum(v is None for v in out)
            wrong += sum(v != t for v, t in zip(out, truth))
        rows[name] = (total, wrong, none, elapsed)

    print()
    print(f"Accuracy reward: MATH-500 x {group} completions, {prompts_per_call} problems per call, "
          f"{os.cpu_count()} CPUs (trl_r1 pool start-up {startup:.1f}s, not counted)")
    print(f"{'reward':30s} {'completions':>11s} {'wrong':>7s} {'wrong %':>8s} {'None':>6s} {'time s':>8s} {'ms/compl':>9s}")
    for name, (total, wrong, none, elapsed) in rows.items():
        print(f"{name:30s} {total:11d} {wrong:7d} {100 * wrong / total:7.2f}% {none:6d} {elapsed:8.2f} "
              f"{1000 * elapsed / total:9.2f}")
    ours_t, trl_t = rows["trl_r1 accuracy_reward"][3], rows["trl.rewards.accuracy_reward"][3]
    print(f"speed-up trl_r1 vs TRL: {trl_t / ours_t:.1f}x")


def _texts_4kb(rows: list[dict]) -> list[tuple[str, str]]:
    """(text, language) of about 4 KB each, by joining labelled texts of the same target language."""
    out = []
    by_lang: dict[str, list[str]] = {}
    for r in rows:
        by_lang.setdefault(r["language"], []).append(r["text"])
    for lang, texts in by_lang.items():
        for i in range(len(texts)):
            joined, k = "", i
            while len(joined.encode()) < 4096:
                joined += texts[k % len(texts)] + "\n\n"
                k += 1
            out.append((joined.encode()[:4096].decode(errors="ignore"), lang))
    return out


def bench_language() -> None:
    from trl_r1.rewards import language as rlang

    rows = [json.loads(line) for line in LABELLED.open(encoding="utf-8")]
    texts = _texts_4kb(rows)
    fast: dict[str, list[float]] = {"en, zh": [], "fr, de, es, ru": []}
    ref: dict[str, list[float]] = {"en, zh": [], "fr, de, es, ru": []}
    for text, lang in texts:
        group = "en, zh" if lang in ("en", "zh") else "fr, de, es, ru"
        for _ in range(3):
            rlang._langdetect.cache_clear()  # no help from earlier texts, for either method
            start = time.perf_counter()
            rlang.language_consistency(text, lang)
            fast[group].append(time.perf_counter() - start)
        rlang._langdetect.cache_clear()  # the reference really detects every sentence
        start = time.perf_counter()
        rlang.language_consistency(text, lang, method="langdetect")
        ref[group].append(time.perf_counter() - start)

    def ms(xs: list[float], q: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000

    diffs = {
        r["id"]: abs(rlang.language_consistency(r["text"], r["language"])
                     - rlang.language_consistency(r["text"], r["language"], method="langdetect"))
        for r in rows
    }  # fmt: skip
    truth = max(abs(rlang.language_consistency(r["text"], r["language"]) - r["truth"]) for r in rows)
    sentence_level = [d for k, d in diffs.items() if not k.startswith("code-switch")]
    print()
    print(f"Language consistency: latency per ~4 KB text, target language of the text ({len(texts)} texts)")
    print(f"{'method':34s} {'languages':15s} {'median ms':>10s} {'p99 ms':>8s}")
    for group in fast:
        print(f"{'trl_r1 fast (script + stopwords)':34s} {group:15s} {ms(fast[group], 0.5):10.3f} {ms(fast[group], 0.99):8.3f}")
        print(f"{'per-sentence langdetect (ref.)':34s} {group:15s} {ms(ref[group], 0.5):10.3f} {ms(ref[group], 0.99):8.3f}")
    all_fast = [x for xs in fast.values() for x in xs]
    all_ref = [x for xs in ref.values() for x in xs]
    print(f"speed-up (median, all texts): {statistics.median(all_ref) / statistics.median(all_fast):.0f}x")
    print(f"labelled set ({len(rows)} texts): max |fast - reference| = {max(sentence_level):.3f} on "
          f"sentence-level texts, {max(diffs.values()):.3f} including code-switched sentences; "
          f"max |fast - hand label| = {truth:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=500, help="MATH-500 problems to use (default all)")
    parser.add_argument("--group", type=int, default=16, help="completions per problem")
    parser.add_argument("--prompts-per-call", type=int, default=8, help="problems per reward call (a GRPO batch)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-language", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    if not args.skip_accuracy:
        bench_accuracy(args.problems, args.group, args.prompts_per_call)
    if not args.skip_language:
        bench_language()


if __name__ == "__main__":
    main()
