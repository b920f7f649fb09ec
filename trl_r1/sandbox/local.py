"""The local provider: untrusted Python on this machine, with Linux isolation layers and no service.

Each job runs in a fresh launcher process (see ``_launcher.py``): new namespaces, a read-only
root holding only the interpreter, a private tmpfs working directory, an unprivileged uid,
rlimits, a cgroup, ``no_new_privs``, Landlock and a seccomp filter, whichever of these the
machine allows. The layers are probed once, at construction, and logged.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from trl_r1.sandbox.isolation import RunCgroup, describe_layers, kill_uid_processes, probe_cgroup
from trl_r1.sandbox.limits import LAYERS, SandboxConfig
from trl_r1.sandbox.pool import run_bounded
from trl_r1.sandbox.provider import Case, CaseResult, Job, JobResult, SandboxUnavailableError

logger = logging.getLogger(__name__)

_LAUNCHER = str(Path(__file__).with_name("_launcher.py"))
#: The whole environment a program sees: nothing of the parent's.
SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "TMPDIR": "/work", "LANG": "C.UTF-8",
               "PYTHONIOENCODING": "utf-8"}
_SYSTEM_RO_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_INSTANCES = itertools.count()
_STARTUP_S = 10.0  # launcher + namespaces + interpreter, generous on a loaded 2-core machine


class LocalSandbox:
    """Runs Python programs on this machine inside every isolation layer it allows.

    Args:
        config: limits and layer choices; defaults are :class:`SandboxConfig`'s.

    Raises:
        SandboxUnavailableError: a layer in ``config.require_layers`` is unavailable here, or a
            trivial program fails to run (checked once, at construction).

    >>> sandbox = LocalSandbox()                                      # doctest: +SKIP
    >>> sandbox.run([Job("print(int(input()) * 2)", (Case(stdin="21"),))])[0].cases[0].stdout  # doctest: +SKIP
    '42\\n'
    """

    name = "local"

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config = config or SandboxConfig()
        self.python = config.python or os.path.realpath(sys.executable)
        if not os.access(self.python, os.X_OK):
            raise SandboxUnavailableError(f"sandbox interpreter {self.python!r} is not executable; "
                                          "set SandboxConfig.python to a Python 3.10+ binary")
        prefixes = {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)} if config.python is None \
            else {os.path.dirname(os.path.dirname(os.path.realpath(self.python)))}
        self.ro_paths = sorted(set(_SYSTEM_RO_PATHS) | prefixes | {os.path.realpath(p) for p in config.python_paths})
        # Disjoint uid blocks per process and per sandbox, so concurrent sandboxes never share a uid.
        block = (os.getpid() % 512) * 8 + next(_INSTANCES) % 8
        self._uid_base = config.sandbox_uid + block * config.max_workers
        self._slots: queue.Queue[int] = queue.Queue()
        for slot in range(config.max_workers):
            self._slots.put(slot)
        self.probe_report = self._probe()
        self.active = self._select_layers(self.probe_report)
        #: The unprivileged uids programs run as (one per pool slot); empty without the uid layer.
        self.uids = range(self._uid_base, self._uid_base + config.max_workers) if self.active["uid"] is not None \
            else range(0)
        logger.info("code sandbox (local) active layers: %s",
                    ", ".join(f"{k}={v}" for k, v in self.describe().items()))
        self._smoke_test()

    def __reduce__(self):  # rebuilt (and re-probed) in the receiving process, e.g. TRL's spawned rewards
        return (LocalSandbox, (self.config,))

    # ----------------------------------------------------------------------------------- layers
    def _probe(self) -> dict:
        root = tempfile.mkdtemp(prefix="trl_r1_probe_")
        try:
            req = {"parent_pid": os.getpid(), "probe": True, "root": root, "ro_paths": self.ro_paths,
                   "layers": {"uid": self._uid_base + self.config.max_workers - 1 if os.geteuid() == 0 else None}}
            proc = subprocess.run([self.python, "-I", "-S", "-B", _LAUNCHER], input=json.dumps(req).encode(),
                                  capture_output=True, env={}, timeout=60, cwd="/")
            report = json.loads(proc.stdout or b"null")
            if not isinstance(report, dict):
                raise SandboxUnavailableError(f"sandbox launcher failed to start: {proc.stderr.decode()[-2000:]}")
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxUnavailableError(f"sandbox launcher failed to start: {exc}") from exc
        finally:
            shutil.rmtree(root, ignore_errors=True)
        report["cgroup"] = probe_cgroup()
        return report

    def _select_layers(self, report: dict) -> dict:
        cfg = self.config
        usable = {name: report.get(name) is None and name not in cfg.disable_layers for name in LAYERS}
        missing = {name: report.get(name) or "disabled by disable_layers" for name in cfg.require_layers
                   if not usable[name]}
        if missing:
            reasons = "; ".join(f"{k}: {v}" for k, v in missing.items())
            raise SandboxUnavailableError(
                f"required sandbox layer(s) unavailable on this machine ({reasons}). Namespaces, cgroups and "
                "the sandbox uid need root (or CAP_SYS_ADMIN) and a kernel that allows them; drop these from "
                "SandboxConfig.require_layers to run with the layers that are available.")
        for name in LAYERS:
            if not usable[name] and name not in cfg.disable_layers:
                logger.warning("sandbox layer %s unavailable here: %s", name, report.get(name))
        if os.geteuid() == 0 and not usable["uid"]:
            logger.warning("sandboxed programs run as root (the uid layer is off): only namespaces, "
                           "no_new_privs and seccomp stand between them and this machine")
        if usable["net_namespace"]:
            network = "net_namespace"
        elif usable["seccomp"]:
            network = "seccomp"
        else:
            network = "audit_hook"
            logger.warning("sandbox network block falls back to a Python audit hook, which ctypes can bypass")
        return {"uid": self._uid_base if usable["uid"] else None, "network": network,
                **{name: usable[name] for name in ("pid_namespace", "mount_namespace", "landlock", "seccomp",
                                                    "cgroup")}}

    def describe(self) -> dict[str, str]:
        """Requirement -> active layer(s), e.g. ``{"network": "net_namespace", ...}``."""
        return describe_layers(self.active)

    def _smoke_test(self) -> None:
        result = self.run([Job("print('ok')", (Case(),))])[0]
        case = result.cases[0] if result.ok else None
        if case is None or case.status != "ok" or case.stdout != "ok\n":
            detail = result.error or f"{case.status}: {case.stderr[-1000:]}"
            raise SandboxUnavailableError(f"sandbox cannot run a trivial program ({detail}); "
                                          "try SandboxConfig.disable_layers to find the failing layer")

    # ----------------------------------------------------------------------------------- running
    def run(self, jobs: Sequence[Job], budget_s: float | None = None) -> list[JobResult]:
        """Run ``jobs`` on the bounded pool; those not done within ``budget_s`` come back with ``error``."""
        for job in jobs:
            if job.language != "python":
                raise ValueError(f"the local sandbox runs Python only, got language={job.language!r}")
        return run_bounded(self._run_in_slot, list(jobs), self.config.max_workers, budget_s,
                           on_skip=lambda job: JobResult(error="time budget exhausted before the program started"))

    def _run_in_slot(self, job: Job, deadline: float) -> JobResult:
        slot = self._slots.get()
        try:
            return self._run_job(job, deadline, slot)
        finally:
            self._slots.put(slot)

    def _request(self, job: Job, root: str, uid: int | None) -> dict:
        cfg = self.config
        limits = {"cpu_s": cfg.cpu_time_s, "wall_s": cfg.timeout_s, "memory_bytes": cfg.memory_mb << 20,
                  "nproc": cfg.max_processes if uid is not None else None, "fsize_bytes": cfg.max_file_size_mb << 20,
                  "nofile": cfg.max_open_files, "output_bytes": cfg.max_output_bytes,
                  "tmpfs_bytes": cfg.workdir_mb << 20}
        return {"parent_pid": os.getpid(), "root": root, "ro_paths": self.ro_paths, "env": SANDBOX_ENV,
                "python_paths": [os.path.realpath(p) for p in cfg.python_paths],
                "layers": {**self.active, "uid": uid}, "limits": limits, "code": job.code,
                "cases": [{"stdin": c.stdin, "append": c.append} for c in job.cases], "fail_fast": job.fail_fast}

    def _run_job(self, job: Job, deadline: float, slot: int) -> JobResult:
        cfg = self.config
        uid = self._uid_base + slot if self.active["uid"] is not None else None
        root = tempfile.mkdtemp(prefix="trl_r1_sandbox_")
        os.chmod(root, 0o711)
        cgroup = proc = None
        try:
            if self.active["cgroup"]:
                cgroup = RunCgroup(f"trl_r1_{os.getpid()}_{slot}_{time.monotonic_ns()}",
                                   (cfg.memory_mb + cfg.workdir_mb + 64) << 20, cfg.max_processes + 4)
            proc = subprocess.Popen([self.python, "-I", "-S", "-B", _LAUNCHER], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={}, close_fds=True,
                                    start_new_session=True, cwd="/")
            if cgroup is not None:
                cgroup.add(proc.pid)  # before the request is sent: the launcher waits on stdin until then
            own_limit = len(job.cases) * (cfg.timeout_s + 0.5) + _STARTUP_S
            timeout = min(own_limit, deadline - time.monotonic())
            try:
                out, err = proc.communicate(json.dumps(self._request(job, root, uid)).encode(),
                                            timeout=max(timeout, 0.01))
            except subprocess.TimeoutExpired:
                why = "call time budget exhausted" if timeout < own_limit else "sandbox did not finish"
                return JobResult(error=f"{why}: program killed after {timeout:.1f}s")
            try:
                reply = json.loads(out)
            except ValueError:
                return JobResult(error=f"sandbox launcher exited {proc.returncode}: {err.decode()[-2000:]}")
            if "error" in reply:
                return JobResult(error=f"sandbox setup failed: {reply['error']}")
            return JobResult(cases=tuple(CaseResult(**c) for c in reply["cases"]))
        except OSError as exc:
            return JobResult(error=f"sandbox could not start: {exc}")
        finally:
            if proc is not None and proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            if cgroup is not None:
                cgroup.remove()
            if uid is not None and not self.active["pid_namespace"]:
                kill_uid_processes(uid)
            shutil.rmtree(root, ignore_errors=True)
