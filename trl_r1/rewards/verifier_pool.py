"""The math-verify worker pool: worker processes, the tasks they run, and a hard per-item timeout.

:class:`VerifierPool` runs :class:`VerifyTask` (one gold, its distinct answers) and :class:`ClusterTask`
(answers grouped by equivalence) in ``python -c`` worker processes running ``_verify_worker.py``;
math-verify's own timeouts use ``signal.alarm``, which TRL turns off outside the main thread, so the
pool enforces the timeout from the parent, from any thread: a worker that hangs is killed and replaced.

**A timeout is a verdict, so it is measured in the worker's CPU seconds, never in wall-clock time**
(issue 26): the same item gets the same verdict on an idle machine and on one loaded by other jobs,
so a run's rewards do not depend on its neighbours. The wall clock only catches a worker that makes no
progress (an item that has not used its CPU budget after ``max(stall_timeout, 10 x timeout)`` wall-clock
seconds got almost no CPU): that is an infrastructure failure, scored ``None`` and counted, not a verdict. CPU time is load-independent up to cache effects of a few percent, so only an item within a
few percent of the budget can still fall either side of it.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import selectors
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trl_r1.rewards._verify_worker import TIMEOUT
from trl_r1.sandbox.protocol import FrameBuffer

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
# An item still short of its CPU budget after this many wall-clock seconds (and 10x its budget) got almost no
# CPU: a stalled machine or process, not a slow item: FAILED (None), never TIMEOUT (0.0).
STALL_TIMEOUT = 120.0
FAILED = "failed"  # a verdict: the pool could not run the item


# --------------------------------------------------------------------------------------------
# The parent side: tasks and the pool
# --------------------------------------------------------------------------------------------


class _Task:
    """Work for one worker, one message per item; resumable on a new worker after a kill."""

    def request(self, soft: float) -> tuple:
        raise NotImplementedError

    def first_deadline_items(self) -> int:
        """How many item budgets the first message may take (reparsing state on a new worker)."""
        return 1

    def on_message(self, msg: tuple) -> None:
        raise NotImplementedError

    def on_lost_item(self, verdict: str) -> bool:
        """The worker was killed (``TIMEOUT``) or died (``FAILED``) mid-item: record it for the
        item in flight; return True when items remain to run on another worker."""
        raise NotImplementedError

    def on_failure(self) -> None:
        """The pool cannot run this task: every item not done yet is ``FAILED``."""
        raise NotImplementedError

    @property
    def finished(self) -> bool:
        raise NotImplementedError


class VerifyTask(_Task):
    """One gold answer and its distinct candidate answers: the gold is parsed once per worker."""

    def __init__(self, gold: str, answers: list[str]):
        self.gold, self.answers = gold, answers
        self.gold_status: str | None = None  # "ok" | "unparseable" | TIMEOUT | FAILED
        self.verdicts: list[Any] = []
        self._gold_seen = False

    def request(self, soft: float) -> tuple:
        self._gold_seen = False
        return ("verify", soft, (self.gold, self.answers[len(self.verdicts) :]))

    def on_message(self, msg: tuple) -> None:
        kind, value = msg
        if kind == "gold":
            self._gold_seen = True
            self.gold_status = value
        elif kind == "item":
            self.verdicts.append(value)

    def on_lost_item(self, verdict: str) -> bool:
        if not self._gold_seen:
            if self.gold_status is None:  # the gold itself never parsed
                self.gold_status = verdict
                return False
            # the gold parsed on an earlier worker; this one died reparsing it: retry the rest
        else:
            self.verdicts.append(verdict)
        return not self.finished

    def on_failure(self) -> None:
        if self.gold_status is None:
            self.gold_status = FAILED
        elif self.gold_status == "ok":
            self.verdicts += [FAILED] * (len(self.answers) - len(self.verdicts))

    @property
    def finished(self) -> bool:
        if self.gold_status is None:
            return False
        return self.gold_status != "ok" or len(self.verdicts) == len(self.answers)


class ClusterTask(_Task):
    """Distinct answers to cluster by equivalence, greedily against one representative per cluster."""

    def __init__(self, items: list[str]):
        self.items = items
        self.reps: list[tuple[str, bool]] = []  # (answer, parseable without timing out)
        self.clusters: list[int] = []
        self.lost = 0  # items that timed out or whose worker failed: their own cluster, counted

    def request(self, soft: float) -> tuple:
        return ("cluster", soft, (list(self.reps), self.items[len(self.clusters) :]))

    def first_deadline_items(self) -> int:
        return 2 + sum(ok for _, ok in self.reps)

    def on_message(self, msg: tuple) -> None:
        kind, value = msg
        if kind == "item":
            cluster, ok = value
            if cluster == len(self.reps):
                self.reps.append((self.items[len(self.clusters)], ok))
            self.clusters.append(cluster)

    def on_lost_item(self, verdict: str) -> bool:
        # The item in flight becomes its own cluster, compared by string from now on.
        self.lost += 1
        self.reps.append((self.items[len(self.clusters)], False))
        self.clusters.append(len(self.reps) - 1)
        return not self.finished

    def on_failure(self) -> None:
        self.lost += len(self.items) - len(self.clusters)
        for s in self.items[len(self.clusters) :]:
            self.reps.append((s, False))
            self.clusters.append(len(self.reps) - 1)

    @property
    def finished(self) -> bool:
        return len(self.clusters) == len(self.items)


_WORKER_SCRIPT = str(Path(__file__).with_name("_verify_worker.py"))


class _Proc:
    """One worker process, its read buffer and the task it runs."""

    def __init__(self, startup_timeout: float):
        self.started = time.monotonic()
        # run_path (not "-m"): the worker imports neither trl_r1 nor the user's __main__ script.
        code = f"import runpy; runpy.run_path({_WORKER_SCRIPT!r}, run_name='__main__')"
        env = dict(os.environ, OMP_NUM_THREADS="1")
        self.popen = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        os.set_blocking(self.popen.stdout.fileno(), False)
        self.frames = FrameBuffer(pickle.loads, "<I")  # what _verify_worker writes
        self.ready = False
        self.deadline = time.monotonic() + startup_timeout
        self.task: _Task | None = None
        # The item in flight: its budget in CPU seconds, the worker's CPU time and the wall clock at its start.
        self.budget = self.cpu_mark = self.item_started = 0.0
        self._ps: Any = None  # psutil.Process of the worker, made on first use

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the worker has used so far; 0.0 once it has exited."""
        import psutil  # an accelerate dependency: always installed with TRL

        try:
            if self._ps is None:
                self._ps = psutil.Process(self.popen.pid)
            times = self._ps.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    def start_item(self, budget: float) -> None:
        self.budget, self.cpu_mark, self.item_started = budget, self.cpu_seconds(), time.monotonic()
        self.deadline = self.item_started + budget  # CPU time cannot run faster than the wall clock

    @property
    def fd(self) -> int:
        return self.popen.stdout.fileno()

    def send(self, msg: Any) -> None:
        data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
        self.popen.stdin.write(struct.pack("<I", len(data)) + data)
        self.popen.stdin.flush()

    def read_messages(self) -> list[Any] | None:
        """Messages available now; ``None`` once the process has exited."""
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return []
        if not chunk:
            return None
        return self.frames.feed(chunk)

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
            logger.warning("math-verify worker %s did not exit after SIGKILL", self.popen.pid)


_POOLS: weakref.WeakSet[VerifierPool] = weakref.WeakSet()


@atexit.register
def _close_all_pools() -> None:
    for pool in list(_POOLS):
        pool.close()


class VerifierPool:
    """A lazily started pool of math-verify worker processes with a hard per-item timeout.

    Workers are plain ``python -c`` subprocesses (not ``multiprocessing``): they do not re-import
    the user's ``__main__`` script, are safe to start from any thread (TRL's async reward loop
    included) and exit on their own when the parent goes away. Each worker runs one item at a time
    under a soft timer on its own CPU time (``0.8 * timeout``); an item that has used ``timeout``
    seconds of the worker's CPU time (stuck in C code, e.g. a huge integer power) gets its worker
    killed and replaced, and the item the verdict ``TIMEOUT``. Both clocks are CPU time, so a busy
    machine never times out an item that an idle one would finish. An item still short of its CPU
    budget after ``max(stall_timeout, 10 * timeout)`` wall-clock seconds (its worker got almost no CPU)
    has its worker killed and is ``FAILED`` (None). Start-up has its own clock (``startup_timeout``) and is never charged to an item;
    :meth:`start` begins it in the background.

    Args:
        num_workers: worker processes (default: ``min(4, os.cpu_count())``).
        timeout: seconds allowed for one item (parsing + verifying one answer).
        startup_timeout: seconds a worker may take to start (imports sympy and math-verify).
        stall_timeout: wall-clock seconds after which an item short of its CPU budget counts as failed.
    """

    def __init__(
        self,
        num_workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        startup_timeout: float = 600.0,
        stall_timeout: float = STALL_TIMEOUT,
    ):
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        self.num_workers = max(1, num_workers or min(4, os.cpu_count() or 1))
        self.timeout = float(timeout)
        self.startup_timeout = startup_timeout
        self.stall_timeout = stall_timeout
        self._procs: list[_Proc | None] = [None] * self.num_workers
        self._lock = threading.Lock()
        self.timeouts = 0  # items that hit the hard timeout (their worker was killed) since creation
        _POOLS.add(self)

    def close(self) -> None:
        """Stop every worker (also done at interpreter exit)."""
        for i, proc in enumerate(self._procs):
            if proc is not None:
                proc.kill()
                self._procs[i] = None

    def __del__(self) -> None:  # pragma: no cover - depends on GC timing
        try:
            self.close()
        except Exception:
            pass

    def __getstate__(self) -> dict:
        return {
            "num_workers": self.num_workers,
            "timeout": self.timeout,
            "startup_timeout": self.startup_timeout,
            "stall_timeout": self.stall_timeout,
        }

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def start(self) -> VerifierPool:
        """Start every missing worker now, without waiting for it (they import math-verify meanwhile).

        Called when a reward or an evaluation is created, so the first step does not wait for
        start-up; start-up time is never charged to an item's timeout either way.
        """
        if self._lock.acquire(blocking=False):
            try:
                for i in range(self.num_workers):
                    if self._procs[i] is None:
                        self._start(i)
            finally:
                self._lock.release()
        return self

    def run(self, tasks: Sequence[_Task], timeout: float | None = None) -> None:
        """Run ``tasks`` to completion (results are recorded on the task objects)."""
        with self._lock:
            self._run(list(tasks), self.timeout if timeout is None else float(timeout))

    def _start(self, i: int) -> bool:
        try:
            self._procs[i] = _Proc(self.startup_timeout)
            return True
        except OSError as e:
            logger.error("cannot start a math-verify worker process: %s", e)
            self._procs[i] = None
            return False

    def _retire(self, i: int) -> None:
        proc = self._procs[i]
        if proc is not None:
            proc.kill()
        self._procs[i] = None

    def _run(self, tasks: list[_Task], hard: float) -> None:
        soft = 0.8 * hard
        queue = deque(t for t in tasks if not t.finished)
        max_failures = 2 * self.num_workers  # worker deaths/start failures tolerated in one call
        failures = 0

        def lose(i: int, verdict: str) -> None:
            # The worker is gone: charge the item in flight, rerun the rest of its task elsewhere.
            p = self._procs[i]
            if p is not None and p.task is not None and p.task.on_lost_item(verdict):
                queue.appendleft(p.task)
            self._retire(i)
            self._start(i)  # warm the replacement now, so the next call does not pay for it

        with selectors.DefaultSelector() as sel:
            while True:
                if failures > max_failures:
                    self._fail_all(queue)
                    return
                now = time.monotonic()
                for i in range(self.num_workers):
                    if self._procs[i] is None and queue and not self._start(i):
                        failures += 1
                        continue
                    p = self._procs[i]
                    if p is not None and p.ready and p.task is None and queue:
                        task = queue.popleft()
                        try:
                            p.send(task.request(soft))
                        except OSError:  # the worker died while idle: retry the task on a new one
                            queue.appendleft(task)
                            failures += 1
                            self._retire(i)
                            continue
                        p.task = task
                        p.start_item(hard * task.first_deadline_items())
                busy = [p for p in self._procs if p is not None and p.task is not None]
                if not busy and not queue:
                    return  # replacements still starting are not waited for: they warm up meanwhile
                live = busy + ([p for p in self._procs if p is not None and not p.ready] if queue else [])
                if not live:
                    continue
                for p in live:
                    sel.register(p.fd, selectors.EVENT_READ, p)
                events = sel.select(max(0.0, min(p.deadline for p in live) - time.monotonic()))
                for p in live:
                    sel.unregister(p.fd)
                for key, _ in events:
                    p = key.data
                    msgs = p.read_messages()
                    if msgs is None:
                        logger.error("math-verify worker %s exited unexpectedly", p.popen.pid)
                        failures += 1
                        lose(self._procs.index(p), FAILED)
                        continue
                    for msg in msgs:
                        if msg[0] == "ready":
                            p.ready = True
                        elif msg[0] == "done":
                            p.task = None
                        elif p.task is not None:
                            p.task.on_message(msg)
                            p.start_item(hard)
                now = time.monotonic()
                for i, p in enumerate(self._procs):
                    if p is None or now < p.deadline or (p.ready and p.task is None):
                        continue
                    if not p.ready:  # start-up has its own clock, never an item's: replace it and go on
                        logger.error(
                            "a math-verify worker did not start within %.0f s; replacing it",
                            self.startup_timeout,
                        )
                        failures += 1
                        self._retire(i)
                        self._start(i)
                    elif (used := p.cpu_seconds() - p.cpu_mark) >= p.budget:
                        logger.warning(
                            "a math-verify item used %.1f CPU seconds (budget %.1f): killing and replacing "
                            "its worker",
                            used,
                            p.budget,
                        )
                        self.timeouts += 1
                        lose(i, TIMEOUT)
                    elif now - p.item_started >= max(self.stall_timeout, 10 * p.budget):
                        logger.error(
                            "a math-verify worker got %.1f CPU seconds in %.0f s: the machine or the process "
                            "is stalled; its item is scored None",
                            used,
                            now - p.item_started,
                        )
                        failures += 1
                        lose(i, FAILED)
                    else:  # the worker was waiting for a CPU: give it the CPU time it has left
                        p.deadline = now + max(p.budget - used, 0.01)

    def _fail_all(self, queue: deque) -> None:
        logger.error("the math-verify worker pool failed; affected completions are scored None")
        for task in queue:
            task.on_failure()
        queue.clear()
        for i, p in enumerate(self._procs):
            if p is not None and p.task is not None:
                p.task.on_failure()
            self._retire(i)


_SHARED_POOLS: dict[int | None, VerifierPool] = {}
_SHARED_POOLS_LOCK = threading.Lock()


def shared_pool(num_workers: int | None = None) -> VerifierPool:
    """The process-wide pool with ``num_workers`` workers, shared by every reward and helper that asks.

    The timeout is per call (``VerifierPool.run(..., timeout=)``), so rewards with different
    timeouts still share workers; calls from several threads take turns.
    """
    with _SHARED_POOLS_LOCK:
        if num_workers not in _SHARED_POOLS:
            _SHARED_POOLS[num_workers] = VerifierPool(num_workers)
        return _SHARED_POOLS[num_workers]
