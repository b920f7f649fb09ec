"""A bounded pool with a time budget: many programs at once, the caller never waits past its budget,
and no program can spend the others' share of it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BatchBudget:
    """The time budget of one call, charged per program.

    Every program of the call is owed an equal share of the workers' time, ``budget_s * workers /
    programs``. A program may run past its share (up to its own limits) while that costs nobody
    anything; it is *cut* only once it is over its share and the programs still waiting would
    otherwise miss the deadline, by the mean running time of the programs that ended on their own
    (the share itself until one has), or in the last second of the call. A cut program's running
    case and the ones after it are reported ``skipped`` (never run to their end): a reward gives it
    ``None``, not a verdict. So a dozen programs
    that each burn a whole compile or case limit cannot leave the rest of the call without time.

    >>> batch = BatchBudget(budget_s=10.0, workers=2, programs=10)
    >>> batch.share
    2.0
    >>> batch.started(); batch.should_cut(1.0)   # within its share: never cut
    False
    """

    def __init__(self, budget_s: float | None, workers: int, programs: int):
        self.deadline = time.monotonic() + (budget_s if budget_s is not None else float("inf"))
        self.workers = max(workers, 1)
        self.share = (
            (budget_s * self.workers / max(programs, self.workers)) if budget_s is not None else float("inf")
        )
        self.waiting = programs
        self._costs: list[float] = []
        self._lock = threading.Lock()

    def started(self) -> None:
        with self._lock:
            self.waiting -= 1

    def finished(self, elapsed: float, cut: bool = False) -> None:
        """Record what a program cost (a cut program's time says nothing of what programs need)."""
        if not cut:
            with self._lock:
                self._costs.append(elapsed)

    def should_cut(self, elapsed: float) -> bool:
        """Whether a program running for ``elapsed`` seconds must stop so the waiting ones finish in time."""
        with self._lock:
            waiting, costs = self.waiting, list(self._costs)
        if elapsed <= self.share:
            return False
        left = self.deadline - time.monotonic()
        if left < 1.0:  # the call is ending: a program over its share is charged, not excused with None
            return True
        if waiting <= 0:
            return False
        need = sum(costs) / len(costs) if costs else self.share
        return left < 1.2 * waiting * need / self.workers + 0.5


def run_bounded(
    fn: Callable[[T, BatchBudget], R],
    items: Sequence[T],
    max_workers: int,
    budget_s: float | None,
    on_skip: Callable[[T], R],
) -> list[R]:
    """``[fn(item, batch) for item in items]`` on at most ``max_workers`` threads.

    ``batch`` (a :class:`BatchBudget`) holds the call's ``deadline``, which each call must respect
    (it kills its own work at that time), and decides when a running item must be cut to leave the
    waiting ones their share. Items not started before the deadline get ``on_skip(item)``. Threads
    are enough: each one only waits on a subprocess.
    """
    batch = BatchBudget(budget_s, min(max_workers, max(len(items), 1)), len(items))

    def task(item: T) -> R:
        batch.started()
        if time.monotonic() >= batch.deadline:
            return on_skip(item)
        return fn(item, batch)

    if max_workers <= 1 or len(items) <= 1:
        return [task(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items)), thread_name_prefix="sandbox") as pool:
        return list(pool.map(task, items))
