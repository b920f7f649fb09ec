"""A math-verify timeout is a verdict, so it is measured in the worker's CPU time, never in wall-clock time
(issue 26): a worker that waits for a CPU on a loaded machine is not timed out; one that gets no CPU at all for
long is an infrastructure failure (None), not a wrong answer."""

import signal
import threading
import time

import pytest
from test_accuracy import _HangTask

from trl_r1.rewards import verifier_pool as rpool


class _BurnTask(_HangTask):
    """One item that burns ``cpu_seconds`` of the worker's CPU time with its soft timer blocked (like C code)."""

    def __init__(self, cpu_seconds: float):
        super().__init__()
        self.cpu_seconds = cpu_seconds

    def request(self, soft):
        return ("hang", soft, self.cpu_seconds)


def _pause_workers(pool, seconds: float) -> threading.Thread:
    """SIGSTOP every worker of ``pool`` for ``seconds`` of wall-clock time (a machine busy with other jobs, in
    the extreme), in a thread started now."""

    def pause():
        time.sleep(0.1)  # the item is in flight
        procs = [p.popen for p in pool._procs if p is not None]
        for proc in procs:
            proc.send_signal(signal.SIGSTOP)
        time.sleep(seconds)
        for proc in procs:
            proc.send_signal(signal.SIGCONT)  # a no-op on a worker killed meanwhile (Popen knows it is gone)

    thread = threading.Thread(target=pause)
    thread.start()
    return thread


def _warm_pool(**kwargs) -> rpool.VerifierPool:
    pool = rpool.VerifierPool(num_workers=1, **kwargs)
    warm = rpool.VerifyTask("1", ["1"])
    pool.run([warm])
    assert warm.verdicts == [True]
    return pool


@pytest.mark.timeout(120)
def test_an_item_whose_worker_waits_for_a_cpu_past_the_timeout_still_gets_its_verdict():
    pool = _warm_pool()
    try:
        task = _BurnTask(cpu_seconds=0.3)
        pauser = _pause_workers(pool, 2.5)  # 2.5 s of wall clock with no CPU, against a 1 s budget
        pool.run([task], timeout=1.0)
        pauser.join()
        assert task.verdict is None and pool.timeouts == 0  # finished its 0.3 CPU seconds: no timeout verdict
        after = rpool.VerifyTask("\\frac{1}{2}", ["0.5"])
        pool.run([after])
        assert after.verdicts == [True]
    finally:
        pool.close()


@pytest.mark.timeout(120)
def test_an_item_that_uses_its_cpu_budget_is_timed_out_whatever_the_wall_clock():
    pool = _warm_pool()
    try:
        task = _BurnTask(cpu_seconds=60.0)
        pool.run([task], timeout=1.0)
        assert task.verdict == rpool.TIMEOUT and pool.timeouts == 1
    finally:
        pool.close()


@pytest.mark.timeout(120)
def test_a_worker_that_gets_no_cpu_at_all_is_a_failure_scored_none_not_a_timeout():
    pool = _warm_pool(stall_timeout=2.0)
    try:
        task = _BurnTask(cpu_seconds=0.3)
        pauser = _pause_workers(pool, 8.0)
        pool.run([task], timeout=0.2)  # stalled after max(stall_timeout, 10 x 0.2 s) = 2 s without CPU
        # Had it waited for the pause to end, the item would have finished (no verdict at all).
        assert task.verdict == rpool.FAILED and pool.timeouts == 0
    finally:
        pool.close()
        pauser.join()
