"""The time budget of a reward call is charged per program: programs that burn their whole compile or
run limits get cut once they are over their share and others wait, and the rest of the batch is still
scored."""

from __future__ import annotations

import sys

import pytest

from trl_r1.rewards.code import CodeReward
from trl_r1.sandbox import LocalSandbox, SandboxConfig
from trl_r1.sandbox.pool import BatchBudget

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"
)

HONEST = "<think>double</think>\n```python\nprint(2 * int(input()))\n```"
TESTS = [{"input": "2", "output": "4"}, {"input": "5", "output": "10"}, {"input": "7", "output": "14"}]


class Metrics(dict):
    def __call__(self, name, value):
        self[name] = value


def test_a_program_is_cut_only_past_its_share_and_when_the_waiting_ones_need_the_time():
    batch = BatchBudget(budget_s=10.0, workers=2, programs=10)
    for _ in range(2):
        batch.started()
    assert batch.share == 2.0
    assert not batch.should_cut(1.9)  # within its share
    assert batch.should_cut(
        2.1
    )  # 8 waiting programs, each owed its share: 8 s of 2 workers' time is not left
    for _ in range(8):
        batch.started()
    assert not batch.should_cut(30.0)  # nobody waits: it may use its own limits


def test_cheap_programs_that_finished_leave_a_hog_its_own_limits():
    batch = BatchBudget(budget_s=100.0, workers=2, programs=10)
    for _ in range(6):
        batch.started()
        batch.finished(0.1)
    assert not batch.should_cut(25.0)  # the 4 still waiting need ~0.1 s each


def test_a_dozen_python_hogs_cannot_push_the_honest_programs_out_of_the_batch():
    config = SandboxConfig(max_workers=2, timeout_s=2.0, cpu_time_s=2, memory_mb=256, budget_s=12.0)
    reward = CodeReward(config)
    try:
        hogs = [f"<think>spin</think>\n```python\nwhile True:\n    pass  # {k}\n```" for k in range(4)]
        metrics = Metrics()
        completions = hogs + [HONEST.replace("print(2 *", f"print({k} * 0 + 2 *") for k in range(6)]
        scores = reward(completions=completions, test_cases=[TESTS] * 10, log_metric=metrics)
        # first come, first served, the hogs' 4 x 3 cases x 2 s would take the whole budget
        assert scores[4:] == [1.0] * 6
        assert all(s in (None, 0.0) for s in scores[:4])  # unscored when cut, 0.0 when a case timed out first
        assert metrics["code_reward/budget_cuts"] >= 1 and metrics["code_reward/sandbox_errors"] == 0
    finally:
        reward.provider.close()


def test_self_including_cpp_sources_cannot_exhaust_a_batch():
    config = SandboxConfig(max_workers=2, budget_s=10.0, compile_timeout_s=20.0)
    sandbox = LocalSandbox(config)
    try:
        if "cpp" not in sandbox.languages:
            pytest.skip("no C++ compiler on this machine")
        reward = CodeReward(sandbox)
        bomb = "<think>include</think>\n```cpp\n#include __FILE__\n#include __FILE__\nint main() {}\n```"
        honest = [HONEST.replace("print(2 *", f"print({k} * 0 + 2 *") for k in range(4)]
        scores = reward(
            completions=[bomb.replace("{}", f"{{ return {k}; }}") for k in range(4)] + honest,
            test_cases=[TESTS] * 8,
        )
        assert scores == [None] * 4 + [1.0] * 4  # cut while compiling: no verdict
    finally:
        sandbox.close()
