"""The local provider: untrusted programs on this machine, with Linux isolation layers and no service.

Each pool worker is a zygote (see ``_launcher.py``) started once: new namespaces, a read-only root
holding only the interpreter (and the C++ toolchain), a cgroup, then per program a fresh IPC
namespace, a fresh tmpfs working directory and a fresh job process, which receives the program on
its own socket pair (the zygote only passes the descriptor on, so it never holds a program), and per
test case a fresh process with an unprivileged uid, rlimits, ``no_new_privs``, Landlock and a seccomp
filter, whichever of these the machine allows. The layers are probed once, at construction, and
logged. A worker that dies is replaced; one that overruns its job is killed and replaced.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from trl_r1.sandbox.cleanup import ROOT_PREFIX, UidLease, clean_stale
from trl_r1.sandbox.isolation import RunCgroup, describe_layers, kill_uid_processes, probe_cgroup
from trl_r1.sandbox.limits import LAYERS, SandboxConfig
from trl_r1.sandbox.pool import BatchBudget, run_bounded
from trl_r1.sandbox.protocol import (
    FrameBuffer,
    WorkerDied,
    case_result,
    frame_bytes,
)
from trl_r1.sandbox.provider import Case, Job, JobResult, SandboxUnavailableError

logger = logging.getLogger(__name__)

__all__ = ["SANDBOX_ENV", "LocalSandbox"]

#: The whole environment a program sees: nothing of the parent's.
SANDBOX_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/work",
    "TMPDIR": "/work",
    "LANG": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
}
_SYSTEM_RO_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_STARTUP_S = 15.0  # launcher + namespaces + root, generous on a loaded 2-core machine
# Workers get PR_SET_PDEATHSIG, which fires when the *thread* that started them exits: start them
# all from one thread that lives as long as the process, never from a short-lived pool thread.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trl_r1-sandbox-spawner")
_CPP_ARGV = ["-std=gnu++17", "-O2", "-pipe", "-o", "{binary}", "{source}"]


def _launcher_source() -> bytes:
    """The launcher's source, fed to ``python -`` on stdin: its host path appears in no argv."""
    return Path(__file__).with_name("_launcher.py").read_bytes()


def _spawn_launcher(python: str, cwd: str) -> tuple[subprocess.Popen, socket.socket]:
    """Start ``python -I -S -B -`` in ``cwd`` with an empty environment; returns it and our end of its
    control socket (its fd 1)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        proc = subprocess.Popen(
            [python, "-I", "-S", "-B", "-"],
            stdin=subprocess.PIPE,
            stdout=theirs.fileno(),
            stderr=subprocess.DEVNULL,
            env={},
            close_fds=True,
            start_new_session=True,
            cwd=cwd,
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    try:
        proc.stdin.write(_launcher_source())
        proc.stdin.close()
    except OSError:  # it died at once; the first control read says so
        pass
    return proc, ours


def _control_recv(sock: socket.socket, deadline: float) -> dict:
    """One control message from a launcher; ``TimeoutError`` past ``deadline``, ``WorkerDied`` at end of file."""
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN | select.POLLHUP)
    left = deadline - time.monotonic()
    if left <= 0 or not poller.poll(left * 1000):
        raise TimeoutError
    message = sock.recv(1 << 20)
    if not message:
        raise WorkerDied("sandbox worker exited")
    return json.loads(message)


class _Worker:
    """One zygote and everything it holds (host directory, cgroup); started on first use."""

    def __init__(self, sandbox: LocalSandbox, slot: int):
        self.sandbox = weakref.proxy(sandbox)  # no cycle: an unreferenced sandbox is collected, stopping us
        self.slot = slot
        self.uid = sandbox.uids[slot] if sandbox.uids else None
        self.pid_namespace = sandbox.active["pid_namespace"]
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.cgroup: RunCgroup | None = None
        self.root: str | None = None
        self.starts = 0
        self.seq = 0

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        sb = self.sandbox
        self.stop()
        self.starts += 1
        # Only the trainer knows this directory's name (it carries our pid, for clean_stale): the
        # launcher runs in it and builds the sandbox's root in "root", a relative path.
        self.root = tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}_{self.slot}_")
        os.chmod(self.root, 0o711)
        os.mkdir(os.path.join(self.root, "root"), 0o711)
        if sb.active["cgroup"]:
            self.cgroup = RunCgroup(
                f"trl_r1_{os.getpid()}_{self.slot}_{time.monotonic_ns()}",
                sb.run_memory_mb << 20,
                sb.config.max_processes + 4,
            )
        self.proc, self.control = _SPAWNER.submit(_spawn_launcher, sb.python, self.root).result()
        if self.cgroup is not None:
            self.cgroup.add(self.proc.pid)  # before the setup is sent: the launcher waits for it until then
        try:
            self.control.send(json.dumps(sb.setup_request("root", self.uid)).encode())
        except OSError as exc:
            raise WorkerDied(f"sandbox worker gone: {exc}") from exc
        reply = _control_recv(self.control, time.monotonic() + _STARTUP_S)
        if "error" in reply:
            raise WorkerDied(f"sandbox setup failed: {reply['error']}")
        self.root_method = reply.get("root")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if self.control is not None:
            self.control.close()
            self.control = None
        if proc is not None:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait()
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.uid is not None and not self.pid_namespace:
            kill_uid_processes(self.uid)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def run(self, job: Job, batch: BatchBudget) -> JobResult:
        cfg = self.sandbox.config
        own_limit = len(job.cases) * (cfg.timeout_s + 1.0) + 5.0
        if job.language != "python":
            own_limit += cfg.compile_timeout_s + 1.0
        # the job process learns only how to run each case; each case's data goes to its own process
        request = {
            "language": job.language,
            "code": job.code,
            "fail_fast": job.fail_fast,
            "cases": [{"output_bytes": c.output_bytes, "steps": c.steps is not None} for c in job.cases],
        }
        cases = [
            {"stdin": c.stdin, "steps": None if c.steps is None else [s.wire() for s in c.steps]}
            for c in job.cases
        ]
        for attempt in (1, 2):
            try:
                if not self.alive():
                    self.start()
                return self._run_once(request, cases, own_limit, batch)
            except (WorkerDied, OSError, ValueError, TimeoutError) as exc:
                self.stop()
                if attempt == 1 and time.monotonic() < batch.deadline and not isinstance(exc, TimeoutError):
                    logger.warning("code sandbox worker %d died (%s); replacing it", self.slot, exc)
                    continue
                why = "sandbox did not finish" if isinstance(exc, TimeoutError) else "sandbox worker failed"
                return JobResult(error=f"{why}: {exc}")
        raise AssertionError("unreachable")

    def _run_once(self, request: dict, cases: list[dict], own_limit: float, batch: BatchBudget) -> JobResult:
        """One program on this worker: a fresh socket pair, one end to the zygote (which forks the job
        process and hands it over unread), the program down ours, the reply back up ours."""
        started = time.monotonic()
        limit = min(own_limit, batch.deadline - started)
        if limit <= 0:
            return JobResult(error="call time budget exhausted before the program started")
        self.seq += 1
        seq = self.seq
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(
                self.control, [json.dumps({"job": seq, "limit_s": limit}).encode()], [theirs.fileno()]
            )
            theirs.close()
            reply, cut = self._exchange(ours, request, cases, seq, started, started + limit + 5.0, batch)
        finally:
            theirs.close()
            ours.close()
        done = _control_recv(self.control, started + limit + 10.0)
        if done.get("done") != seq:
            raise WorkerDied(f"sandbox worker out of step: {done}")
        if "error" in done:
            raise WorkerDied(f"sandbox setup failed: {done['error']}")
        batch.finished(time.monotonic() - started, cut=cut or bool(done.get("killed")))
        if reply is None:
            if done.get("killed") == "time":
                return JobResult(error="call time budget exhausted: program killed")
            return JobResult(error=f"job process ended without a reply (wait status {done.get('status')})")
        if "error" in reply:
            self.stop()  # a setup failure may have left the worker in a bad state
            return JobResult(error=f"sandbox setup failed: {reply['error']}")
        compiled = reply.get("compile") or {}
        steps = [None if c["steps"] is None else len(c["steps"]) for c in cases]
        return JobResult(
            cases=tuple(case_result(c, n) for c, n in zip(reply["cases"], steps)),
            compile_output=compiled.get("stderr", ""),
            extra={"cut": True} if reply.get("cut") else {},
        )

    def _exchange(
        self,
        sock: socket.socket,
        request: dict,
        cases: list[dict],
        seq: int,
        started: float,
        deadline: float,
        batch: BatchBudget,
    ) -> tuple[dict | None, bool]:
        """Send the program and, behind it, every case (the job process reads the program; case
        process ``k`` reads case ``k`` itself, so they stay in the socket until then), collect the
        per-case frames (asking the zygote to cut the program when the batch needs the time), and
        return the final reply (``None`` when the job process ended without one) and whether it was cut."""
        fd = sock.fileno()
        sock.setblocking(False)  # written as the sandbox reads, interleaved with reading its frames
        outbox = memoryview(
            b"".join([frame_bytes(request), *(frame_bytes({**case, "k": k}) for k, case in enumerate(cases))])
        )
        poller = select.poll()
        frames = FrameBuffer()
        cut = False
        results = []
        try:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    raise TimeoutError("sandbox did not finish")
                poller.register(fd, select.POLLIN | select.POLLHUP | (select.POLLOUT if outbox else 0))
                events = dict(poller.poll(min(deadline - now, 0.05) * 1000)).get(fd, 0)
                if events & select.POLLOUT and outbox:
                    try:
                        outbox = outbox[os.write(fd, outbox[: 1 << 20]) :]
                    except BlockingIOError:
                        pass
                    except OSError:  # the job process is gone: its frames (or their absence) say why
                        outbox = outbox[:0]
                if events & (select.POLLIN | select.POLLHUP):
                    try:
                        data = os.read(fd, 1 << 20)
                    except BlockingIOError:
                        data = None
                    if data == b"":
                        raise WorkerDied("job process gone")
                    for frame in frames.feed(data or b""):
                        results += frame.get("cases", [])
                        if "done" in frame or "error" in frame:
                            return (frame if "error" in frame else {**frame, "cases": results}), cut
                if not cut and batch.should_cut(time.monotonic() - started):
                    cut = True
                    self.control.send(json.dumps({"cut": seq}).encode())
        except WorkerDied:
            return None, cut


def _shutdown(workers: list[_Worker], lease: UidLease | None) -> None:
    for worker in workers:
        worker.stop()
    if lease is not None:
        lease.release()


class LocalSandbox:
    """Runs Python (and, with a C++ compiler, C++) programs on this machine inside every isolation
    layer it allows, one fork-server worker per pool slot.

    Args:
        config: limits and layer choices; defaults are :class:`SandboxConfig`'s.

    Raises:
        SandboxUnavailableError: a layer in ``config.require_layers`` is unavailable here, or a
            trivial program fails to run (checked once, at construction).

    Starting removes what dead trainers left behind (:func:`trl_r1.sandbox.clean_stale`).
    Call :meth:`close` (or let it be garbage-collected) to stop the workers.

    >>> sandbox = LocalSandbox()                                      # doctest: +SKIP
    >>> sandbox.run([Job("print(int(input()) * 2)", (Case(stdin="21"),))])[0].cases[0].stdout  # doctest: +SKIP
    '42\\n'
    """

    name = "local"

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config = config or SandboxConfig()
        self.python = config.python or os.path.realpath(sys.executable)
        if not os.access(self.python, os.X_OK):
            raise SandboxUnavailableError(
                f"sandbox interpreter {self.python!r} is not executable; "
                "set SandboxConfig.python to a Python 3.10+ binary"
            )
        prefixes = (
            {os.path.realpath(p) for p in (sys.base_prefix, sys.base_exec_prefix)}
            if config.python is None
            else {os.path.dirname(os.path.dirname(os.path.realpath(self.python)))}
        )
        self.ro_paths = sorted(
            set(_SYSTEM_RO_PATHS) | prefixes | {os.path.realpath(p) for p in config.python_paths}
        )
        self._compilers: dict[str, dict] = {}
        if config.cpp_compiler:
            gxx = shutil.which(config.cpp_compiler)
            if gxx is not None:
                self._compilers["cpp"] = {
                    "argv": [os.path.realpath(gxx), *_CPP_ARGV],
                    "source": "solution.cpp",
                }
        try:
            clean_stale(config.lock_dir)
        except OSError as exc:
            logger.warning("sandbox cleanup of dead trainers' leftovers failed: %s", exc)
        self._lease: UidLease | None = None
        if os.geteuid() == 0 and "uid" not in config.disable_layers:
            try:
                self._lease = UidLease(
                    config.sandbox_uid, config.max_workers, config.uid_span, config.lock_dir
                )
            except (RuntimeError, OSError) as exc:
                if "uid" in config.require_layers:
                    raise SandboxUnavailableError(f"required sandbox layer uid unavailable: {exc}") from exc
                logger.warning("no sandbox uids leased: %s", exc)
        #: The unprivileged uids programs run as (one per pool slot); empty without the uid layer.
        self.uids: tuple[int, ...] = tuple(self._lease.uids) if self._lease else ()
        self.probe_report = self._probe()
        self.active = self._select_layers(self.probe_report)
        if self.active["uid"] is None and self._lease is not None:
            self._lease.release()
            self._lease, self.uids = None, ()
        #: Memory cap (MB) of everything in one worker's cgroup: the program's processes, its working
        #: directory's tmpfs pages, and the worker's own pre-loaded interpreter.
        self.run_memory_mb = config.memory_mb + config.workdir_mb + 96
        self._workers = [_Worker(self, slot) for slot in range(config.max_workers)]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for worker in self._workers:
            self._idle.put(worker)
        self._finalizer = weakref.finalize(self, _shutdown, self._workers, self._lease)
        self._compiler_lock = threading.Lock()
        self._compilers_checked = False
        self._compiler_error: str | None = None
        logger.info(
            "code sandbox (local) active layers: %s",
            ", ".join(f"{k}={v}" for k, v in self.describe().items()),
        )
        self._smoke_test()

    def __reduce__(self):  # rebuilt (and re-probed) in the receiving process, e.g. TRL's spawned rewards
        return (LocalSandbox, (self.config,))

    @property
    def languages(self) -> frozenset[str]:
        """``Job.language`` values this sandbox runs: ``python``, and ``cpp`` when a compiler is present."""
        return frozenset({"python", *self._compilers})

    def close(self) -> None:
        """Stop every worker and release the sandbox uids."""
        self._finalizer()

    # ----------------------------------------------------------------------------------- layers
    def setup_request(self, root: str, uid: int | None, probe: bool = False) -> dict:
        """The launcher's setup message (static for a worker's lifetime; nothing of any program in it).
        ``root``: where the launcher builds the sandbox's root, relative to its working directory."""
        cfg = self.config
        if probe:
            return {"probe": True, "root": root, "ro_paths": self.ro_paths, "layers": {"uid": uid}}
        limits = {
            "cpu_s": cfg.cpu_time_s,
            "wall_s": cfg.timeout_s,
            "memory_bytes": cfg.memory_mb << 20,
            "nproc": cfg.max_processes if uid is not None else None,
            "fsize_bytes": cfg.max_file_size_mb << 20,
            "nofile": cfg.max_open_files,
            "output_bytes": cfg.max_output_bytes,
            "tmpfs_bytes": cfg.workdir_mb << 20,
        }
        compile_limits = {
            "cpu_s": int(cfg.compile_timeout_s) + 1,
            "wall_s": cfg.compile_timeout_s,
            "memory_bytes": max(cfg.memory_mb, cfg.compile_memory_mb) << 20,
        }
        return {
            "root": root,
            "ro_paths": self.ro_paths,
            "env": SANDBOX_ENV,
            "python_paths": [os.path.realpath(p) for p in cfg.python_paths],
            "layers": {**self.active, "uid": uid},
            "limits": limits,
            "compile_limits": compile_limits,
            "compilers": self._compilers,
        }

    def _probe(self) -> dict:
        root = tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}_probe_")
        proc = control = None
        try:
            os.mkdir(os.path.join(root, "root"))
            proc, control = _spawn_launcher(self.python, root)
            control.send(
                json.dumps(
                    self.setup_request("root", self.uids[-1] if self.uids else None, probe=True)
                ).encode()
            )
            report = _control_recv(control, time.monotonic() + 60)
            if not isinstance(report, dict):
                raise ValueError(f"unexpected probe reply {report!r}")
        except (OSError, subprocess.SubprocessError, ValueError, TimeoutError, WorkerDied) as exc:
            raise SandboxUnavailableError(f"sandbox launcher failed to start: {exc}") from exc
        finally:
            if control is not None:
                control.close()
            if proc is not None:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            shutil.rmtree(root, ignore_errors=True)
        if os.geteuid() == 0 and not self.uids and report.get("uid") is None:
            report["uid"] = "no free sandbox uid"
        report["cgroup"] = probe_cgroup()
        return report

    def _select_layers(self, report: dict) -> dict:
        cfg = self.config
        usable = {name: report.get(name) is None and name not in cfg.disable_layers for name in LAYERS}
        missing = {
            name: report.get(name) or "disabled by disable_layers"
            for name in cfg.require_layers
            if not usable[name]
        }
        if missing:
            reasons = "; ".join(f"{k}: {v}" for k, v in missing.items())
            raise SandboxUnavailableError(
                f"required sandbox layer(s) unavailable on this machine ({reasons}). Namespaces, cgroups and "
                "the sandbox uid need root (or CAP_SYS_ADMIN) and a kernel that allows them; drop these from "
                "SandboxConfig.require_layers to run with the layers that are available."
            )
        for name in LAYERS:
            if not usable[name] and name not in cfg.disable_layers:
                logger.warning("sandbox layer %s unavailable here: %s", name, report.get(name))
        if os.geteuid() == 0 and not usable["uid"]:
            logger.warning(
                "sandboxed programs run as root (the uid layer is off): only namespaces, "
                "no_new_privs and seccomp stand between them and this machine"
            )
        if usable["net_namespace"]:
            network = "net_namespace"
        elif usable["seccomp"]:
            network = "seccomp"
        else:
            network = "audit_hook"
            logger.warning("sandbox network block falls back to a Python audit hook, which ctypes can bypass")
        return {
            "uid": (self.uids[0] if self.uids else None) if usable["uid"] else None,
            "network": network,
            **{
                name: usable[name]
                for name in (
                    "pid_namespace",
                    "mount_namespace",
                    "cgroup_namespace",
                    "landlock",
                    "seccomp",
                    "cgroup",
                )
            },
        }

    def describe(self) -> dict[str, str]:
        """Requirement -> active layer(s), e.g. ``{"network": "net_namespace", ...}``."""
        return describe_layers(self.active)

    def _smoke_test(self) -> None:
        result = self.run([Job("print('ok')", (Case(),))])[0]
        case = result.cases[0] if result.ok else None
        if case is None or case.status != "ok" or case.stdout != "ok\n":
            detail = result.error or f"{case.status}: {case.stderr[-1000:]}"
            self.close()
            raise SandboxUnavailableError(
                f"sandbox cannot run a trivial program ({detail}); "
                "try SandboxConfig.disable_layers to find the failing layer"
            )

    def _check_compilers(self) -> None:
        """Compile a trivial C++ program once: a toolchain that cannot run in the sandbox makes
        every C++ job a sandbox error, never a wrong answer."""
        with self._compiler_lock:
            if "cpp" not in self._compilers or self._compilers_checked:
                return
            worker = self._idle.get()
            try:
                result = worker.run(
                    Job("int main() { return 0; }", (Case(),), language="cpp"), BatchBudget(60.0, 1, 1)
                )
            finally:
                self._idle.put(worker)
            self._compilers_checked = True
            if not (result.ok and result.cases and result.cases[0].status == "ok"):
                self._compiler_error = result.error or result.compile_output[-500:] or result.cases[0].status
                logger.warning(
                    "C++ compiler unusable in the sandbox, C++ jobs fail as sandbox errors: %s",
                    self._compiler_error,
                )
                self._compilers.pop("cpp")

    # ----------------------------------------------------------------------------------- running
    def run(self, jobs: Sequence[Job], budget_s: float | None = None) -> list[JobResult]:
        """Run ``jobs`` on the bounded pool; those not done within ``budget_s`` come back with ``error``.

        Raises:
            ValueError: a job's language is not one of :attr:`languages`.
        """
        if any(job.language == "cpp" for job in jobs):
            self._check_compilers()
        for job in jobs:  # a C++ compiler found unusable answers its jobs with an error, below
            if job.language not in self.languages and not (job.language == "cpp" and self._compiler_error):
                raise ValueError(
                    f"the local sandbox runs {sorted(self.languages)}, got language={job.language!r}"
                )
        return run_bounded(
            self._run_in_slot,
            list(jobs),
            self.config.max_workers,
            budget_s,
            on_skip=lambda job: JobResult(error="time budget exhausted before the program started"),
        )

    def _run_in_slot(self, job: Job, batch: BatchBudget) -> JobResult:
        if job.language not in self.languages:
            return JobResult(error=f"C++ compiler unusable in the sandbox: {self._compiler_error}")
        worker = self._idle.get()
        try:
            return worker.run(job, batch)
        finally:
            self._idle.put(worker)

    def worker_pids(self) -> list[int]:
        """Pids of the running fork servers (for monitoring and tests)."""
        return [w.proc.pid for w in self._workers if w.alive()]
