"""In-sandbox side of the local provider: builds the isolation, then runs every test case.

Run by :class:`trl_r1.sandbox.local.LocalSandbox` as ``python -I -S -B _launcher.py`` with an
empty environment. It must stay standard-library only: ``-I`` keeps ``trl_r1`` off ``sys.path``.
It reads one JSON request on stdin and writes one JSON reply on stdout.

Process tree of one job (pid namespace active)::

    trainer (root) ── launcher (root, host pid ns; unshares, then waits)
                         └─ init (root, pid 1 of a new pid ns; builds the read-only root)
                              └─ case (sandbox uid, rlimits, no_new_privs, Landlock, seccomp)
                                   └─ whatever the program forks

The program is run in a fork of ``init`` (a pre-loaded interpreter, like Android's zygote), not
through a fresh ``execve`` of Python: the interpreter start-up is paid once per program rather
than once per test case. When ``init`` exits the kernel kills everything left in its namespace.
"""

import atexit
import builtins
import ctypes
import errno
import io
import json
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback
import types

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x10000000, 0x20000000, 0x40000000, 0x02000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP = 1, 4, 22
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38

# Python's RLIMIT_* constants are used by name; these are the ones we set.
RLIMITS = {"cpu": "RLIMIT_CPU", "memory": "RLIMIT_AS", "nproc": "RLIMIT_NPROC", "fsize": "RLIMIT_FSIZE",
           "nofile": "RLIMIT_NOFILE", "core": "RLIMIT_CORE"}


class SetupError(Exception):
    """A layer could not be set up: the job is a sandbox failure, not a wrong answer."""


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise SetupError(f"{what}: {os.strerror(err)}")
    return ret


def _prctl(option: int, arg: int, what: str) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), what)


def _mount(src, target, fstype, flags, data=None) -> None:
    enc = [None if x is None else x.encode() for x in (src, target, fstype, data)]
    _check(_libc.mount(enc[0], enc[1], enc[2], flags, enc[3]), f"mount {target}")


# --------------------------------------------------------------------------------------------- seccomp
AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
# x86_64 syscalls a test solution never needs and that widen the kernel attack surface.
DENIED_X86_64 = {
    "ptrace": 101, "syslog": 103, "personality": 135, "pivot_root": 155, "chroot": 161, "acct": 163,
    "mount": 165, "umount2": 166, "swapon": 167, "swapoff": 168, "reboot": 169, "init_module": 175,
    "delete_module": 176, "quotactl": 179, "kexec_load": 246, "add_key": 248, "request_key": 249,
    "keyctl": 250, "unshare": 272, "perf_event_open": 298, "name_to_handle_at": 303, "open_by_handle_at": 304,
    "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311, "finit_module": 313,
    "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "fsopen": 430, "fsmount": 432, "move_mount": 429, "open_tree": 428,
}
NR_SOCKET, NR_CLONE, NR_CLONE3 = 41, 56, 435
AF_UNIX = 1
NS_FLAGS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06


def _seccomp_program(block_sockets: bool) -> list:
    """Classic BPF: kill foreign ABIs, deny the syscalls above, deny namespace-creating clones,
    make ``clone3`` look absent (glibc then falls back to ``clone``, whose flags we can inspect),
    and, when asked, deny every socket family but ``AF_UNIX``."""
    p = [(_LD_W_ABS, 0, 0, 4), (_JEQ, 1, 0, AUDIT_ARCH_X86_64), (_RET, 0, 0, SECCOMP_RET_KILL_PROCESS),
         (_LD_W_ABS, 0, 0, 0), (_JGE, 0, 1, 0x40000000), (_RET, 0, 0, SECCOMP_RET_KILL_PROCESS)]
    for nr in sorted(DENIED_X86_64.values()):
        p += [(_JEQ, 0, 1, nr), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM)]
    p += [(_JEQ, 0, 1, NR_CLONE3), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS)]
    if block_sockets:
        p += [(_JEQ, 0, 4, NR_SOCKET), (_LD_W_ABS, 0, 0, 16), (_JEQ, 0, 1, AF_UNIX),
              (_RET, 0, 0, SECCOMP_RET_ALLOW), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EACCES)]
    p += [(_JEQ, 0, 3, NR_CLONE), (_LD_W_ABS, 0, 0, 16), (_JSET, 0, 1, NS_FLAGS),
          (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM), (_RET, 0, 0, SECCOMP_RET_ALLOW)]
    return p


def install_seccomp(block_sockets: bool) -> None:
    if os.uname().machine != "x86_64":
        raise SetupError(f"seccomp filter has no syscall table for {os.uname().machine}")
    prog = _seccomp_program(block_sockets)
    buf = ctypes.create_string_buffer(b"".join(struct.pack("=HBBI", *ins) for ins in prog))
    fprog = struct.pack("=HxxxxxxQ", len(prog), ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog)
    _check(_libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(2), ctypes.c_void_p(ctypes.addressof(fbuf)), 0, 0),
           "seccomp")


# --------------------------------------------------------------------------------------------- landlock
NR_LL_CREATE, NR_LL_ADD_RULE, NR_LL_RESTRICT = 444, 445, 446
LL_READ = 1 | 4 | 8  # execute, read_file, read_dir


def landlock_abi() -> int:
    return _libc.syscall(NR_LL_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))


def install_landlock(read_paths: list, write_paths: list, block_tcp: bool) -> None:
    """Allow reading ``read_paths``, everything under ``write_paths``; with ABI >= 4 deny TCP
    bind/connect when ``block_tcp``; with ABI >= 6 deny signals to processes outside the domain."""
    abi = landlock_abi()
    if abi < 1:
        raise SetupError("landlock unavailable")
    fs_all = (1 << 13) - 1
    if abi >= 2:
        fs_all |= 1 << 13  # refer
    if abi >= 3:
        fs_all |= 1 << 14  # truncate
    if abi >= 5:
        fs_all |= 1 << 15  # ioctl_dev
    net = 3 if (abi >= 4 and block_tcp) else 0
    scoped = 3 if abi >= 6 else 0  # abstract unix sockets, signals
    attr = struct.pack("=QQQ", fs_all, net, scoped)
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    abuf = ctypes.create_string_buffer(attr[:size])
    fd = _check(_libc.syscall(NR_LL_CREATE, abuf, ctypes.c_size_t(size), ctypes.c_uint32(0)), "landlock create")
    try:
        for paths, access in ((read_paths, LL_READ), (write_paths, fs_all)):
            for path in paths:
                try:
                    pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = access if os.path.isdir(path) else access & (1 | 2 | 4 | (1 << 14))
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, pfd))
                    _check(_libc.syscall(NR_LL_ADD_RULE, fd, 1, rule, 0), f"landlock rule {path}")
                finally:
                    os.close(pfd)
        _check(_libc.syscall(NR_LL_RESTRICT, fd, 0), "landlock restrict")
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------- mounts
def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def build_root(root: str, ro_paths: list, tmpfs_bytes: int, with_proc: bool) -> None:
    """A fresh tmpfs root holding read-only binds of ``ro_paths``, minimal /dev, and /work."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_bytes},mode=755")
    for path in ro_paths:
        if not os.path.lexists(path):
            continue
        target = root + path
        if os.path.islink(path):
            _mkdirs(os.path.dirname(target))
            if not os.path.lexists(target):
                os.symlink(os.readlink(path), target)
            continue
        if not os.path.isdir(path):
            continue
        _mkdirs(target)
        _mount(path, target, None, MS_BIND | MS_REC)
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _mkdirs(root + "/dev")
    for dev in ("null", "zero", "random", "urandom"):
        target = f"{root}/dev/{dev}"
        with open(target, "w"):
            pass
        _mount(f"/dev/{dev}", target, None, MS_BIND)
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NOEXEC)
    if with_proc:
        _mkdirs(root + "/proc")
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mkdirs(root + "/work")


# --------------------------------------------------------------------------------------------- one case
def _set_rlimits(limits: dict) -> None:
    values = {"cpu": (limits["cpu_s"], limits["cpu_s"] + 1), "memory": (limits["memory_bytes"],) * 2,
              "nproc": (limits["nproc"], limits["nproc"]), "fsize": (limits["fsize_bytes"],) * 2,
              "nofile": (limits["nofile"],) * 2, "core": (0, 0)}
    for key, value in values.items():
        if None in value:  # no per-run process limit without a sandbox uid: it would count the trainer's
            continue
        resource.setrlimit(getattr(resource, RLIMITS[key]), value)


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


class _Quitter:
    """``exit()``/``quit()`` as ``site`` defines them (``-S`` leaves them out)."""

    def __call__(self, code=None):
        raise SystemExit(code)

    def __repr__(self):
        return "Use exit() or Ctrl-D (i.e. EOF) to exit"


def _exit_status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _run_program(source: str) -> int:
    """Run ``source`` as ``__main__`` the way ``python solution.py`` would, return its exit status."""
    builtins.exit = builtins.quit = _Quitter()
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False,
                                       buffering=1)
    sys.argv = ["solution.py"]
    main = types.ModuleType("__main__")
    main.__file__ = "solution.py"
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    try:
        exec(compile(source, "solution.py", "exec"), main.__dict__)
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc.code)
    except BaseException as exc:  # the program's own exception: report it as Python would
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        status = 1
    try:
        if "threading" in sys.modules:
            sys.modules["threading"]._shutdown()
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        status = status or 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            status = status or 120
    return status


def _audit_socket_block() -> None:
    """Weakest network layer: refuses socket use through Python (``ctypes`` can bypass it)."""

    def hook(event, args):
        if event.startswith("socket.") and event not in ("socket.__new__",):
            raise PermissionError(f"network disabled in sandbox ({event})")
        if event == "socket.__new__" and len(args) > 1 and args[1] != AF_UNIX:
            raise PermissionError("network disabled in sandbox")

    sys.addaudithook(hook)


def _memfd(name: str, data: bytes = b"") -> int:
    fd = os.memfd_create(name, 0)
    if data:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _case_child(req: dict, case: dict, fds: tuple, ready_fd: int, workdir: str) -> None:
    """Body of the forked case process: never returns. Writes ``R`` to ``ready_fd`` once every layer is
    in place, just before the program starts, so a setup failure is never mistaken for a wrong program."""
    status = 125
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.dup2(ready_fd, 3)
        os.closerange(4, 65536)
        os.setpgid(0, 0)
        layers, limits = req["layers"], req["limits"]
        try:
            with open("/proc/self/oom_score_adj", "w") as f:  # the OOM killer takes us, not init
                f.write("1000")
        except OSError:
            pass
        _set_rlimits(limits)
        if layers.get("uid") is not None:
            _drop_privileges(layers["uid"])
        _prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update(req["env"])
        if layers.get("landlock"):
            reads = req["ro_paths"] + ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"]
            if layers.get("mount_namespace") and layers.get("pid_namespace"):
                reads.append("/proc")  # the sandbox's own /proc, never the host's
            install_landlock(reads, [workdir], block_tcp=layers.get("network") != "net_namespace")
        if layers.get("seccomp"):
            install_seccomp(block_sockets=layers.get("network") == "seccomp")
        if layers.get("network") == "audit_hook":
            _audit_socket_block()
        sys.path[:] = [workdir] + [p for p in sys.path if p] + req.get("python_paths", [])
        source = req["code"] + ("\n\n" + case["append"] if case.get("append") else "")
        os.write(3, b"R")
        os.close(3)
        status = _run_program(source)
    except BaseException:
        try:
            os.write(2, traceback.format_exc().encode())
        except OSError:
            pass
    os._exit(status)


def _kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` at once: ``kill(-1)`` from that uid walks the task list under
    a lock, so a fork bomb cannot outrun it."""
    for _ in range(100):  # the fork can fail while a fork bomb holds the cgroup's last pids
        try:
            pid = os.fork()
            break
        except OSError:
            time.sleep(0.01)
    else:
        raise SetupError("cannot fork to clean up the sandbox uid")
    if pid == 0:
        try:
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


_TASK_DIR_FD = None  # init's /proc/<pid>/task, opened before chroot (the chroot may have no /proc)


def _kill_children() -> bool:
    """SIGKILL our direct children (a subreaper's orphans included); ``False`` when there were none
    or there is no ``/proc`` to list them."""
    pids = set()
    if _TASK_DIR_FD is None:
        return False
    for tid in os.listdir(_TASK_DIR_FD):
        try:
            fd = os.open(f"{tid}/children", os.O_RDONLY, dir_fd=_TASK_DIR_FD)
            with os.fdopen(fd) as f:
                pids.update(int(p) for p in f.read().split())
        except OSError:
            pass
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return bool(pids)


def _reap_all(in_pid_ns: bool, uid, pgid: int) -> None:
    """Remove every process the case left behind (daemons included)."""
    if in_pid_ns:
        try:
            os.kill(-1, signal.SIGKILL)  # from pid 1: everything in the namespace but init
        except ProcessLookupError:
            pass
    else:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if uid is not None:
            _kill_uid(uid)
        else:  # same uid as us: kill our descendants generation by generation (we are their subreaper)
            deadline = time.monotonic() + 5.0
            while _kill_children() and time.monotonic() < deadline:
                time.sleep(0.005)
                _reap_nowait()
    if in_pid_ns or uid is not None:
        while True:  # every descendant was just SIGKILLed and is (or becomes) our child
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                return
    _reap_nowait()


def _reap_nowait() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def run_case(req: dict, case: dict, workdir: str, in_pid_ns: bool) -> dict:
    limits = req["limits"]
    cap = limits["output_bytes"]
    fds = (_memfd("stdin", case.get("stdin", "").encode("utf-8", "surrogateescape")), _memfd("stdout"),
           _memfd("stderr"))
    ready_r, ready_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _case_child(req, case, fds, ready_w, workdir)
    os.close(ready_w)
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    timed_out = not poller.poll(limits["wall_s"] * 1000)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, wait_status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    os.close(pidfd)
    _reap_all(in_pid_ns, req["layers"].get("uid"), pid)
    outs = []
    for fd in fds[1:]:
        data = os.pread(fd, cap + 1, 0)
        outs.append(data)
    for fd in fds:
        os.close(fd)
    ready = os.read(ready_r, 1) == b"R"
    os.close(ready_r)
    if not ready:
        raise SetupError(f"case setup failed: {outs[1][-2000:].decode('utf-8', 'replace')}")
    sig = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
    code = os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out or sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits["cpu_s"]):
        status = "timeout"
    elif sig == signal.SIGXFSZ:
        status = "output_limit"
    elif code == 0:
        status = "ok"
    else:
        status = "error"
    return {"status": status, "exit_code": code, "signal": sig, "wall_s": round(wall, 4),
            "cpu_s": round(cpu, 4), "stdout": outs[0][:cap].decode("utf-8", "replace"),
            "stderr": outs[1][:cap].decode("utf-8", "replace"),
            "truncated": len(outs[0]) > cap or len(outs[1]) > cap}


def init_main(req: dict, out: io.BufferedWriter) -> int:
    """Pid 1 of the sandbox (or plain child without a pid namespace)."""
    layers = req["layers"]
    in_pid_ns = bool(layers.get("pid_namespace"))
    root = req["root"]
    uid = layers.get("uid")
    if not in_pid_ns:
        global _TASK_DIR_FD
        try:
            _TASK_DIR_FD = os.open(f"/proc/{os.getpid()}/task", os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            pass
    if layers.get("mount_namespace"):
        build_root(root, req["ro_paths"], req["limits"]["tmpfs_bytes"], with_proc=in_pid_ns)
        workdir_host = root + "/work"
        if uid is not None:
            os.chown(workdir_host, uid, uid)
        os.chmod(workdir_host, 0o700)
        os.chroot(root)
        workdir = "/work"
    else:
        workdir = os.path.join(root, "work")
        os.mkdir(workdir, 0o700)
        if uid is not None:
            os.chown(workdir, uid, uid)
    _prctl(PR_SET_DUMPABLE, 0, "dumpable")
    if not in_pid_ns:  # orphans of the program are re-parented to us, so we can reap them
        _prctl(PR_SET_CHILD_SUBREAPER, 1, "child_subreaper")
    results = []
    for case in req["cases"]:
        if req.get("fail_fast") and results and results[-1]["status"] != "ok":
            results.append({"status": "skipped"})
        else:
            results.append(run_case(req, case, workdir, in_pid_ns))
    out.write(json.dumps({"cases": results}).encode())
    out.flush()
    return 0


# --------------------------------------------------------------------------------------------- probe
def _try_in_child(fn) -> str | None:
    """Run ``fn`` in a fork; ``None`` when it worked, else the reason."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            fn()
            msg = b""
        except BaseException as exc:
            msg = f"{type(exc).__name__}: {exc}".encode() or b"failed"
        os.write(w, msg)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        msg = f.read()
    os.waitpid(pid, 0)
    return msg.decode() or None


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def probe(req: dict) -> dict:
    """Which layers work here: each is tried for real in a throw-away child."""
    uid = req["layers"].get("uid")

    def pid_ns():
        _unshare(CLONE_NEWPID)
        pid = os.fork()
        if pid == 0:
            os._exit(0 if os.getpid() == 1 else 1)
        if os.waitpid(pid, 0)[1] != 0:
            raise SetupError("not pid 1 in the new namespace")

    def mount_ns():
        _unshare(CLONE_NEWNS)
        build_root(req["root"], req["ro_paths"], 1 << 20, with_proc=False)

    tests = {
        "uid": (lambda: _drop_privileges(uid)) if uid is not None else None,
        "pid_namespace": pid_ns,
        "net_namespace": lambda: _unshare(CLONE_NEWNET),
        "mount_namespace": mount_ns,
        "landlock": lambda: (_prctl(PR_SET_NO_NEW_PRIVS, 1, "nnp"), install_landlock(["/"], [], False)),
        "seccomp": lambda: (_prctl(PR_SET_NO_NEW_PRIVS, 1, "nnp"), install_seccomp(True)),
    }
    report = {}
    for name, fn in tests.items():
        report[name] = "not applicable (not root)" if fn is None else _try_in_child(fn)
    report["landlock_abi"] = max(landlock_abi(), 0)
    return report


# --------------------------------------------------------------------------------------------- main
def main() -> int:
    out = os.fdopen(os.dup(1), "wb")
    req = json.loads(sys.stdin.buffer.read())
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
    if os.getppid() != req["parent_pid"]:  # the trainer died before prctl took effect
        return 1
    if req.get("probe"):
        out.write(json.dumps(probe(req)).encode())
        out.flush()
        return 0
    layers = req["layers"]
    try:
        flags = 0
        if layers.get("mount_namespace"):
            flags |= CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS
        if layers.get("network") == "net_namespace":
            flags |= CLONE_NEWNET
        if layers.get("pid_namespace"):
            flags |= CLONE_NEWPID
        if flags:
            _unshare(flags)
    except SetupError as exc:
        out.write(json.dumps({"error": str(exc)}).encode())
        out.flush()
        return 3
    pid = os.fork()
    if pid == 0:
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
            os._exit(init_main(req, out))
        except BaseException as exc:
            out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
            out.flush()
            os._exit(3)
    out.close()
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3


if __name__ == "__main__":
    sys.exit(main())
