"""Programs per second of the local sandbox against a naive one-``subprocess.run``-per-test runner.

256 small correct solutions x 5 stdin/stdout test cases (default). Rows, all in the same run:

* naive: ``subprocess.run([python, solution.py], input=...)`` per test, one after another, no isolation;
* sandbox, 1 worker: every isolation layer, programs one at a time;
* sandbox, N workers: the bounded pool (default: one worker per CPU).

The runners take turns on slices of the programs (``--rounds``), so a background load that changes
during the run weighs on all rows alike. ``CPU ms/program`` counts every process of a runner (the
trainer, the naive runner's children, the sandbox's workers and their case processes).

The sandbox's workers are fork servers started once per trainer: each sandbox is built and warmed
up (every worker started) before its timing starts, as in training. Every case still gets a fresh
process with every per-case layer, and every program a fresh IPC namespace and working directory.

Usage: ``python benchmarks/code_reward.py [--programs 256] [--cases 5] [--workers N]``
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trl_r1.rewards.code_tests import TestCase, outputs_match
from trl_r1.sandbox import Case, Job, LocalSandbox, SandboxConfig

TEMPLATES = [
    ("a, b = map(int, input().split())\nprint(a * {k} + b)", lambda a, b, k: a * k + b),
    (
        "a, b = map(int, input().split())\nprint(sum(range(a, a + b)) + {k})",
        lambda a, b, k: sum(range(a, a + b)) + k,
    ),
    (
        "import math\na, b = map(int, input().split())\nprint(math.gcd(a * {k}, b))",
        lambda a, b, k: __import__("math").gcd(a * k, b),
    ),
    (
        "a, b = map(int, input().split())\nxs = sorted([a, b, {k}])\nprint(*xs)",
        lambda a, b, k: " ".join(map(str, sorted([a, b, k]))),
    ),
]


def make_programs(n: int, cases: int) -> list[tuple[str, list[TestCase]]]:
    programs = []
    for i in range(n):
        template, answer = TEMPLATES[i % len(TEMPLATES)]
        k = i + 1
        tests = [
            TestCase(
                stdin=f"{j + 2} {3 * j + i % 7 + 1}\n", expected=f"{answer(j + 2, 3 * j + i % 7 + 1, k)}\n"
            )
            for j in range(cases)
        ]
        programs.append((template.format(k=k), tests))
    return programs


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid``, its live children, and everything they reaped (from /proc)."""
    hz = os.sysconf("SC_CLK_TCK")
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return total / hz


class Naive:
    """``subprocess.run`` per test case, one after another, no isolation."""

    name = "naive subprocess.run per test (no isolation)"

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory()

    def cpu_s(self) -> float:
        own, kids = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.user + own.system + kids.ru_utime + kids.ru_stime

    def run(self, programs) -> int:
        passed = 0
        for i, (code, tests) in enumerate(programs):
            path = Path(self._dir.name, f"sol{i}.py")
            path.write_text(code)
            results = [
                subprocess.run(
                    [sys.executable, str(path)], input=t.stdin, capture_output=True, text=True, timeout=10
                )
                for t in tests
            ]
            passed += all(
                r.returncode == 0 and outputs_match(r.stdout, t.expected) for t, r in zip(tests, results)
            )
        return passed


class Sandboxed:
    """The local sandbox, every layer on, its workers started before timing."""

    def __init__(self, workers: int):
        self.name = f"local sandbox, {workers} worker{'s' if workers > 1 else ''}"
        self.sandbox = LocalSandbox(SandboxConfig(max_workers=workers))
        self.sandbox.run([Job("pass", (Case(),))] * workers)  # start every worker

    def cpu_s(self) -> float:
        own = os.times()
        return own.user + own.system + sum(_tree_cpu_s(pid) for pid in self.sandbox.worker_pids())

    def run(self, programs) -> int:
        jobs = [Job(code, tuple(t.case() for t in tests)) for code, tests in programs]
        results = self.sandbox.run(jobs)
        return sum(
            r.ok and all(t.passed(c) for t, c in zip(tests, r.cases))
            for r, (_, tests) in zip(results, programs)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=256)
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--rounds",
        type=int,
        default=8,
        help="runners take turns on 1/rounds of the programs, so a changing background load "
        "falls on all of them alike",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    programs = make_programs(args.programs, args.cases)
    runners = [Naive(), Sandboxed(1), Sandboxed(args.workers)]
    print(
        f"{args.programs} programs x {args.cases} cases, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; sandbox layers: "
        + ", ".join(f"{k}={v}" for k, v in runners[1].sandbox.describe().items())
    )
    seconds, cpu, passed = [0.0] * 3, [0.0] * 3, [0] * 3
    step = -(-len(programs) // args.rounds)
    for start in range(0, len(programs), step):
        chunk = programs[start : start + step]
        for i, runner in enumerate(runners):
            cpu0, t0 = runner.cpu_s(), time.perf_counter()
            passed[i] += runner.run(chunk)
            seconds[i] += time.perf_counter() - t0
            cpu[i] += runner.cpu_s() - cpu0
    for runner in runners[1:]:
        runner.sandbox.close()
    base_rate, base_cpu = args.programs / seconds[0], cpu[0] / args.programs
    print(
        f"{'runner':<46} {'seconds':>8} {'programs/s':>11} {'vs naive':>9} {'CPU ms/program':>15} "
        f"{'CPU vs naive':>13} {'all pass':>9}"
    )
    for runner, secs, used, ok in zip(runners, seconds, cpu, passed):
        rate, per = args.programs / secs, used / args.programs
        print(
            f"{runner.name:<46} {secs:>8.2f} {rate:>11.1f} {rate / base_rate:>8.2f}x {1000 * per:>15.1f} "
            f"{base_cpu / per:>12.2f}x {ok:>5}/{args.programs}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}; rows ran in {args.rounds} interleaved rounds")


if __name__ == "__main__":
    main()
