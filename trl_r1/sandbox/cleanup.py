"""Uid leases that hold across processes, and removal of what a killed trainer left behind.

A sandbox uid is leased by holding an exclusive ``flock`` on ``<lock_dir>/uid-<uid>.lock``. The
kernel drops the lock when its holder dies, SIGKILL included, so no two live sandboxes on a
machine (in one process or many) ever share a uid, and a dead trainer's uids become free again.
Worker roots (``<tmp>/trl_r1_sandbox_<pid>_*``) and cgroups (``trl_r1_<pid>_*``) carry the
trainer's pid: :func:`clean_stale` removes those whose trainer is gone, and kills leftover
processes of every uid no live sandbox holds.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pwd
import re
import shutil
import tempfile
from pathlib import Path

from trl_r1.sandbox.isolation import cgroup_bases, kill_uid_processes, remove_cgroup_dir

logger = logging.getLogger(__name__)

#: Where uid leases live: one fixed place per machine, so every trainer sees every lease.
DEFAULT_LOCK_DIR = "/tmp/trl_r1_sandbox_locks"
ROOT_PREFIX = "trl_r1_sandbox_"
_OWNED = re.compile(r"^trl_r1_(?:sandbox_|probe_)?(\d+)_")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_dir(lock_dir: str) -> Path:
    path = Path(lock_dir)
    path.mkdir(mode=0o755, parents=True, exist_ok=True)
    return path


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _is_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


class UidLease:
    """``count`` sandbox uids from ``[first, first + span)``, each locked until :meth:`release`
    (or the holder's death). Uids that name an account in the password database are skipped;
    processes left under a newly leased uid (from a dead trainer) are killed.

    Raises:
        RuntimeError: fewer than ``count`` uids are free in the range.
    """

    def __init__(self, first: int, count: int, span: int, lock_dir: str = DEFAULT_LOCK_DIR):
        directory = _lock_dir(lock_dir)
        self._fds: list[int] = []
        self.uids: list[int] = []
        for uid in range(first, first + span):
            if len(self.uids) == count:
                break
            if _is_account(uid):
                continue
            fd = _try_lock(directory / f"uid-{uid}.lock")
            if fd is not None:
                self._fds.append(fd)
                self.uids.append(uid)
                kill_uid_processes(uid)
        if len(self.uids) < count:
            self.release()
            raise RuntimeError(
                f"only {len(self.uids)} of {count} sandbox uids free in [{first}, {first + span}); "
                "raise SandboxConfig.uid_span or lower max_workers"
            )

    def release(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()


def _process_uids() -> set[int]:
    uids = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                uids.add(entry.stat().st_uid)
            except OSError:
                continue
    return uids


def clean_stale(lock_dir: str = DEFAULT_LOCK_DIR, tmp_dir: str | None = None) -> dict[str, int]:
    """Remove what dead trainers left: worker root directories and cgroups whose trainer pid is
    gone, and processes of sandbox uids no live sandbox holds. Safe while other trainers run.

    Returns counts: ``{"roots": ..., "cgroups": ..., "uids": ...}`` (``uids``: uids whose leftover
    processes were killed).

    >>> clean_stale()["roots"] >= 0                                   # doctest: +SKIP
    True
    """
    counts = {"roots": 0, "cgroups": 0, "uids": 0}
    for entry in Path(tmp_dir or tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*"):
        match = _OWNED.match(entry.name)
        if match and not pid_alive(int(match.group(1))) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            counts["roots"] += not entry.exists()
    for base in cgroup_bases():
        try:
            children = list(base.iterdir())
        except OSError:
            continue
        for entry in children:
            match = _OWNED.match(entry.name)
            if match and entry.is_dir() and not pid_alive(int(match.group(1))):
                counts["cgroups"] += remove_cgroup_dir(entry)
    directory = Path(lock_dir)
    running = _process_uids()
    if directory.is_dir():
        for path in directory.glob("uid-*.lock"):
            try:
                uid = int(path.name[4:-5])
            except ValueError:
                continue
            if uid not in running:
                continue
            fd = _try_lock(path)
            if fd is None:  # a live sandbox holds it
                continue
            try:
                counts["uids"] += kill_uid_processes(uid)
            finally:
                os.close(fd)
    if any(counts.values()):
        logger.info(
            "sandbox cleanup: removed %d stale root(s), %d cgroup(s); killed processes of %d uid(s)",
            counts["roots"],
            counts["cgroups"],
            counts["uids"],
        )
    return counts
