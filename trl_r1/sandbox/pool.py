"""A bounded pool with a deadline: many programs at once, and the caller never waits past its budget."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    fn: Callable[[T, float], R], items: Sequence[T], max_workers: int, budget_s: float | None,
    on_skip: Callable[[T], R],
) -> list[R]:
    """``[fn(item, deadline) for item in items]`` on at most ``max_workers`` threads.

    ``deadline`` is a ``time.monotonic()`` value each call must respect (it kills its own work at
    that time). Items not started before the deadline get ``on_skip(item)``. Threads are enough:
    each one only waits on a subprocess.
    """
    deadline = time.monotonic() + (budget_s if budget_s is not None else float("inf"))

    def task(item: T) -> R:
        if time.monotonic() >= deadline:
            return on_skip(item)
        return fn(item, deadline)

    if max_workers <= 1 or len(items) <= 1:
        return [task(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items)), thread_name_prefix="sandbox") as pool:
        return list(pool.map(task, items))
