"""Which isolation layers this machine allows, and which one enforces each requirement.

Each requirement of a run is enforced by the strongest layer available, with a fallback:

============  ======================================================================
requirement   layers, strongest first
============  ======================================================================
network       fresh net namespace + seccomp socket-family filter (only AF_UNIX opens) > seccomp filter >
              Python audit hook (without seccomp; ctypes can bypass it)
filesystem    mount namespace (pivot_root to a read-only root, fresh tmpfs per program) and/or Landlock > uid
processes     pid namespace (all killed after each case) + cgroup pids (behind a cgroup namespace) + per-uid
              RLIMIT_NPROC
ipc           a fresh IPC namespace per program (with the mount-namespace layer)
memory        cgroup memory limit (whole run) + RLIMIT_AS (per process)
privileges    unprivileged uid, no_new_privs, seccomp syscall filter
============  ======================================================================

Layers are probed for real (each tried in a throw-away process), not guessed from kernel files.
Namespaces, the root and the cgroup belong to a pool worker (a fork server, made once); the uid,
rlimits, no_new_privs, Landlock and seccomp are applied in every test case's own process.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def describe_layers(active: dict) -> dict[str, str]:
    """Requirement -> human-readable layer(s) enforcing it, for logs and reports."""
    fs = [name for name in ("mount_namespace", "landlock") if active.get(name)]
    if active.get("uid") is not None:
        fs.append("unprivileged uid")
    procs = [name for name in ("pid_namespace", "cgroup", "cgroup_namespace") if active.get(name)]
    procs.append(
        "RLIMIT_NPROC per sandbox uid" if active.get("uid") is not None else "RLIMIT_NPROC (shared uid)"
    )
    memory = (["cgroup memory"] if active.get("cgroup") else []) + ["RLIMIT_AS"]
    privileges = [
        f"uid {active['uid']}+" if active.get("uid") is not None else "same uid as trainer",
        "no_new_privs",
    ] + (["seccomp"] if active.get("seccomp") else [])
    network = active.get("network") or "NONE"
    if active.get("seccomp") and network != "seccomp":
        network += " + seccomp socket-family filter"
    return {
        "network": network,
        "filesystem": " + ".join(fs) or "NONE",
        "processes": " + ".join(procs),
        "memory": " + ".join(memory),
        "privileges": " + ".join(privileges),
    }


# ----------------------------------------------------------------------------------------------- cgroups
def _cgroup_dirs() -> dict[str, Path] | None:
    """This process's cgroup directory for the ``memory`` and ``pids`` controllers (v1 or v2)."""
    mounts: dict[str, Path] = {}
    v2_mount = None
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        pre, _, post = line.partition(" - ")
        fstype, _, options = post.split()[:3]
        mountpoint = Path(pre.split()[4])
        if fstype == "cgroup":
            for controller in ("memory", "pids"):
                if controller in options.split(","):
                    mounts[controller] = mountpoint
        elif fstype == "cgroup2":
            v2_mount = mountpoint
    paths: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    if "memory" in mounts and "pids" in mounts:
        return {c: mounts[c] / paths.get(c, "/").lstrip("/") for c in ("memory", "pids")}
    if v2_mount is not None and "" in paths:
        base = v2_mount / paths[""].lstrip("/")
        enabled = (base / "cgroup.subtree_control").read_text().split() if base.exists() else []
        if "memory" in enabled and "pids" in enabled:
            return {"v2": base}
    return None


class RunCgroup:
    """A cgroup per run capping the memory and process count of everything in it."""

    def __init__(self, name: str, memory_bytes: int, max_pids: int):
        bases = _cgroup_dirs()
        if bases is None:
            raise OSError("no writable memory+pids cgroup controllers")
        self.dirs: list[Path] = []
        try:
            if "v2" in bases:
                d = bases["v2"] / name
                d.mkdir()
                self.dirs.append(d)
                (d / "memory.max").write_text(str(memory_bytes))
                if (d / "memory.swap.max").exists():
                    (d / "memory.swap.max").write_text("0")
                (d / "pids.max").write_text(str(max_pids))
            else:
                mem, pids = bases["memory"] / name, bases["pids"] / name
                mem.mkdir()
                self.dirs.append(mem)
                pids.mkdir()
                self.dirs.append(pids)
                (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
                (pids / "pids.max").write_text(str(max_pids))
        except OSError:
            self.remove()
            raise

    def add(self, pid: int) -> None:
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.dirs[-1] / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def remove(self) -> None:
        """Kill whatever is left in the cgroup, then delete it."""
        for d in self.dirs:
            remove_cgroup_dir(d)


def cgroup_bases() -> list[Path]:
    """The directories run cgroups are created in (one for v2, the memory and pids ones for v1)."""
    try:
        bases = _cgroup_dirs()
    except OSError:
        return []
    return list(bases.values()) if bases else []


def remove_cgroup_dir(d: Path) -> bool:
    """Kill every process in cgroup ``d``, then delete it; ``True`` when it is gone."""
    deadline = time.monotonic() + 2.0
    while d.exists():
        try:
            pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
        except OSError:
            pids = []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            d.rmdir()
        except FileNotFoundError:
            break
        except OSError:
            if time.monotonic() > deadline:
                logger.warning("could not remove cgroup %s", d)
                return False
            time.sleep(0.01)
    return True


def probe_cgroup() -> str | None:
    """``None`` when a run cgroup can be created here, else the reason."""
    try:
        RunCgroup(f"trl_r1_probe_{os.getpid()}_{time.monotonic_ns()}", 1 << 30, 8).remove()
    except OSError as exc:
        return str(exc)
    return None


def kill_uid_processes(uid: int) -> bool:
    """Kill every process of ``uid`` and wait until none is left (cleanup without a pid namespace);
    ``True`` when there was one."""
    killed = False
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        found = False
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if os.stat(entry.path).st_uid != uid:
                    continue
                with open(f"{entry.path}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":  # dead already, waits for its parent
                        continue
                os.kill(int(entry.name), signal.SIGKILL)
                found = True
            except (OSError, ValueError, IndexError):  # gone meanwhile
                continue
        if not found:
            return killed
        killed = True
        time.sleep(0.01)
    return killed
