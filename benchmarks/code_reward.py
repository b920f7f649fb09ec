"""Programs per second of the local sandbox against a naive one-``subprocess.run``-per-test runner.

256 small correct solutions x 5 stdin/stdout test cases (default). Rows, all in the same run:

* naive: ``subprocess.run([python, solution.py], input=...)`` per test, one after another, no isolation;
* sandbox, 1 worker: every isolation layer, programs one at a time;
* sandbox, N workers: the bounded pool (default: one worker per CPU).

The sandbox's workers are fork servers started once per trainer: each sandbox is built and warmed
up (every worker started) before its timing starts, as in training. Every case still gets a fresh
process with every per-case layer, and every program a fresh IPC namespace and working directory.

Usage: ``python benchmarks/code_reward.py [--programs 256] [--cases 5] [--workers N]``
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trl_r1.rewards.code import TestCase, outputs_match
from trl_r1.sandbox import Case, Job, LocalSandbox, SandboxConfig

TEMPLATES = [
    ("a, b = map(int, input().split())\nprint(a * {k} + b)", lambda a, b, k: a * k + b),
    ("a, b = map(int, input().split())\nprint(sum(range(a, a + b)) + {k})", lambda a, b, k: sum(range(a, a + b)) + k),
    ("import math\na, b = map(int, input().split())\nprint(math.gcd(a * {k}, b))",
     lambda a, b, k: __import__("math").gcd(a * k, b)),
    ("a, b = map(int, input().split())\nxs = sorted([a, b, {k}])\nprint(*xs)", lambda a, b, k: " ".join(map(str, sorted([a, b, k])))),
]


def make_programs(n: int, cases: int) -> list[tuple[str, list[TestCase]]]:
    programs = []
    for i in range(n):
        template, answer = TEMPLATES[i % len(TEMPLATES)]
        k = i + 1
        tests = [TestCase(stdin=f"{j + 2} {3 * j + i % 7 + 1}\n", expected=f"{answer(j + 2, 3 * j + i % 7 + 1, k)}\n")
                 for j in range(cases)]
        programs.append((template.format(k=k), tests))
    return programs


def naive(programs) -> tuple[float, int]:
    passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for i, (code, tests) in enumerate(programs):
            path = Path(tmp, f"sol{i}.py")
            path.write_text(code)
            results = [subprocess.run([sys.executable, str(path)], input=t.stdin, capture_output=True, text=True,
                                      timeout=10) for t in tests]
            passed += all(r.returncode == 0 and outputs_match(r.stdout, t.expected) for t, r in zip(tests, results))
        return time.perf_counter() - start, passed


def sandboxed(programs, workers: int) -> tuple[float, int]:
    sandbox = LocalSandbox(SandboxConfig(max_workers=workers))
    sandbox.run([Job("pass", (Case(),))] * workers)  # start every worker
    jobs = [Job(code, tuple(t.case() for t in tests)) for code, tests in programs]
    start = time.perf_counter()
    results = sandbox.run(jobs)
    elapsed = time.perf_counter() - start
    sandbox.close()
    passed = sum(r.ok and all(t.passed(c) for t, c in zip(tests, r.cases)) for r, (_, tests) in zip(results, programs))
    return elapsed, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=256)
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    programs = make_programs(args.programs, args.cases)
    sandbox = LocalSandbox(SandboxConfig(max_workers=1))
    print(f"{args.programs} programs x {args.cases} cases, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}; sandbox layers: " + ", ".join(f"{k}={v}" for k, v in sandbox.describe().items()))
    sandbox.close()
    rows = [("naive subprocess.run per test (no isolation)", *naive(programs)),
            ("local sandbox, 1 worker", *sandboxed(programs, 1)),
            (f"local sandbox, {args.workers} workers", *sandboxed(programs, args.workers))]
    base = args.programs / rows[0][1]
    print(f"{'runner':<46} {'seconds':>8} {'programs/s':>11} {'vs naive':>9} {'all pass':>9}")
    for name, seconds, passed in rows:
        rate = args.programs / seconds
        print(f"{name:<46} {seconds:>8.2f} {rate:>11.1f} {rate / base:>8.2f}x {passed:>5}/{args.programs}")


if __name__ == "__main__":
    main()
