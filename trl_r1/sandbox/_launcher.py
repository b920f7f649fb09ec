"""In-sandbox side of the local provider: a zygote that builds the isolation once, then forks a job process per program.

Started by :class:`trl_r1.sandbox.local.LocalSandbox` as ``python -I -S -B -`` with an empty
environment, one per pool worker, with this source on stdin (so no host path is in any argv a program
can read) and its working directory the worker's host directory (paths below are relative to it, so
the host path is never in its memory either). It must stay standard-library only. fd 1 is the
*control* socket (``SOCK_SEQPACKET``, one JSON message each): the setup message, a ``{"ready": ...}``
reply, then per program a ``{"job": seq, "limit_s": s}`` message carrying one end of a fresh
per-program socket pair (``SCM_RIGHTS``), answered by ``{"done": seq, "killed": ...}`` once the
program's processes are gone; ``{"cut": seq}`` stops a program early (it ran past its share of the
call's time budget while others wait): its running case and the rest are reported ``skipped``.

Process tree of one worker (pid namespace active)::

    trainer (root) ── launcher (root, host pid ns; unshares, then waits)
                         └─ zygote (root, pid 1 of a new pid ns; builds the read-only root once,
                              │    then per program: fresh IPC namespace, fresh tmpfs /work)
                              └─ job (root; reads its program from its own socket, compiles it,
                                   │    sends the cases' outcomes back there; child subreaper,
                                   │    kills leftovers)
                                   └─ case (reads its own case from the socket; sandbox uid, rlimits,
                                        │     no_new_privs, Landlock; seccomp
                                        │     inherited from the zygote)
                                        └─ whatever the program forks

No memory of earlier programs: the zygote never reads a program, its input or its output (it only
passes a file descriptor to a fresh fork), and the reply goes from the job process straight to the
trainer, so no process a program runs in ever held another program's data. Each test case runs in a
fork of its job process (a pre-loaded interpreter, like Android's zygote), not through a fresh
``execve`` of Python. Every process of a case is killed before the next case starts, and every file,
IPC object and environment change of a program is gone before the next program.

Grading channel: a Python case with ``steps`` (test code after the program: ``exec`` statements,
``eval`` expressions, ``call`` of a named function) reports each step's value as plain builtin data
on fd 3. That is all it reports: no expected value, verdict or completion token exists in the
sandbox, so writing fd 3 itself gives a program nothing it could not get by computing the values.
The trainer parses the records and compares.
"""

import atexit
import builtins
import ctypes
import errno
import fcntl
import gc
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import time
import traceback
import types

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x10000000, 0x20000000, 0x40000000, 0x02000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP = 1, 4, 22
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38
NR_PIVOT_ROOT = 155
MAX_FD = 1 << 16
REPORT_SCALE = 4  # the step report may be this many times the output cap: tagged JSON takes ~15 bytes an int

# Python's RLIMIT_* constants are used by name; these are the ones we set.
RLIMITS = {
    "cpu": "RLIMIT_CPU",
    "memory": "RLIMIT_AS",
    "nproc": "RLIMIT_NPROC",
    "fsize": "RLIMIT_FSIZE",
    "nofile": "RLIMIT_NOFILE",
    "core": "RLIMIT_CORE",
}


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


def _umount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


# --------------------------------------------------------------------------------------------- frames
def read_frame(fd: int):
    """One frame from ``fd``, or ``None`` at end of file."""
    head = _read_exact(fd, 4)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack(">I", head)[0])
    if body is None:
        return None
    return json.loads(body)


def _read_exact(fd: int, n: int):
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, obj) -> None:
    data = json.dumps(obj).encode()
    data = struct.pack(">I", len(data)) + data
    while data:
        data = data[os.write(fd, data) :]


# --------------------------------------------------------------------------------------------- seccomp
AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
# x86_64 syscalls a test solution never needs and that widen the kernel attack surface.
DENIED_X86_64 = {
    "ptrace": 101,
    "syslog": 103,
    "uselib": 134,
    "personality": 135,
    "pivot_root": 155,
    "chroot": 161,
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "iopl": 172,
    "ioperm": 173,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "lookup_dcookie": 212,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "mount_setattr": 442,
    "memfd_secret": 447,
}
NR_SOCKET, NR_SOCKETPAIR, NR_CLONE, NR_CLONE3, NR_UNSHARE, NR_MINCORE = 41, 53, 56, 435, 272, 27
# Calls that tell whether a file's pages are in the page cache, which every program shares: a program
# could read what earlier programs touched (mincore above, on a mapping of a shared read-only file).
ABSENT_X86_64 = {"preadv2": 327, "pwritev2": 328, "cachestat": 451}  # RWF_NOWAIT reads; cache statistics
# What init itself still does once the filter is in place (it is installed there, once, and inherited
# by every case process: installing a filter costs about 0.7 ms of JIT compilation per process). A case
# process runs as an unprivileged uid without capabilities, so these fail for it with EPERM anyway.
INIT_NEEDS = ("mount", "umount2", "unshare")
AF_UNIX = 1
UNSHARE_NEEDS = CLONE_NEWIPC  # what the zygote unshares: each program's IPC namespace
NS_FLAGS = (
    CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP
)
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06


def _seccomp_program(block_sockets: bool = True) -> list:
    """Classic BPF: kill foreign ABIs (x32, ``int 0x80``), deny the syscalls above, deny
    namespace-creating clones, make ``clone3`` look absent (glibc then falls back to ``clone``,
    whose flags we can inspect), and deny every socket family but ``AF_UNIX`` (``socket`` and
    ``socketpair``; netlink, packet, inet, vsock, ... all get ``EACCES``, with or without a network
    namespace: a fresh one still has a kernel to talk to over netlink).
    The hot syscalls (numbers below 101, none of them denied) are allowed after a few
    instructions: the filter runs on every syscall, and a linear walk of the deny list cost
    about a millisecond per test case."""
    p = [
        (_LD_W_ABS, 0, 0, 4),
        (_JEQ, 1, 0, AUDIT_ARCH_X86_64),
        (_RET, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (_LD_W_ABS, 0, 0, 0),
        (_JGE, 0, 1, 0x40000000),
        (_RET, 0, 0, SECCOMP_RET_KILL_PROCESS),
    ]
    if block_sockets:
        p += [
            (_JEQ, 1, 0, NR_SOCKET),
            (_JEQ, 0, 4, NR_SOCKETPAIR),
            (_LD_W_ABS, 0, 0, 16),
            (_JEQ, 0, 1, AF_UNIX),
            (_RET, 0, 0, SECCOMP_RET_ALLOW),
            (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EACCES),
        ]
    p += [(_JEQ, 0, 1, NR_MINCORE), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM)]  # page-cache residency
    p += [(_JGE, 1, 0, NR_CLONE), (_RET, 0, 0, SECCOMP_RET_ALLOW)]
    p += [
        (_JEQ, 0, 4, NR_CLONE),
        (_LD_W_ABS, 0, 0, 16),
        (_JSET, 0, 1, NS_FLAGS),
        (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
        (_RET, 0, 0, SECCOMP_RET_ALLOW),
    ]
    denied = {name: nr for name, nr in DENIED_X86_64.items() if name not in INIT_NEEDS}
    p += [(_JGE, 1, 0, min(denied.values())), (_RET, 0, 0, SECCOMP_RET_ALLOW)]
    # the zygote's per-program IPC namespace; nothing else
    p += [
        (_JEQ, 0, 6, NR_UNSHARE),
        (_LD_W_ABS, 0, 0, 20),
        (_JEQ, 0, 2, 0),
        (_LD_W_ABS, 0, 0, 16),
        (_JSET, 0, 1, ~UNSHARE_NEEDS & 0xFFFFFFFF),
        (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
        (_RET, 0, 0, SECCOMP_RET_ALLOW),
    ]
    for nr in sorted(denied.values()):
        p += [(_JEQ, 0, 1, nr), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM)]
    for nr in sorted(ABSENT_X86_64.values()):  # ENOSYS: glibc falls back to the plain call where there is one
        p += [(_JEQ, 0, 1, nr), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS)]
    p += [
        (_JEQ, 0, 1, NR_CLONE3),
        (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
        (_RET, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return p


def _init_needs_program() -> list:
    """A second filter denying what init still needed (:data:`INIT_NEEDS`), for case processes that
    keep init's uid (no uid layer) and so might hold its capabilities."""
    p = [(_LD_W_ABS, 0, 0, 0)]
    for name in INIT_NEEDS:
        p += [(_JEQ, 0, 1, DENIED_X86_64[name]), (_RET, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM)]
    return p + [(_RET, 0, 0, SECCOMP_RET_ALLOW)]


class Seccomp:
    """The filter, installed once in init (after the root is built) and inherited by every case."""

    def __init__(self, block_sockets: bool, prog: list | None = None):
        if os.uname().machine != "x86_64":
            raise SetupError(f"seccomp filter has no syscall table for {os.uname().machine}")
        prog = prog or _seccomp_program(block_sockets)
        self._buf = ctypes.create_string_buffer(b"".join(struct.pack("=HBBI", *ins) for ins in prog))
        self._fprog = ctypes.create_string_buffer(
            struct.pack("=HxxxxxxQ", len(prog), ctypes.addressof(self._buf))
        )

    def install(self) -> None:
        _check(
            _libc.prctl(
                PR_SET_SECCOMP, ctypes.c_ulong(2), ctypes.c_void_p(ctypes.addressof(self._fprog)), 0, 0
            ),
            "seccomp",
        )


# --------------------------------------------------------------------------------------------- landlock
NR_LL_CREATE, NR_LL_ADD_RULE, NR_LL_RESTRICT = 444, 445, 446
LL_READ = 1 | 4 | 8  # execute, read_file, read_dir


def landlock_abi() -> int:
    return _libc.syscall(NR_LL_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))


def landlock_ruleset(read_paths: list, write_paths: list, block_tcp: bool) -> int:
    """A Landlock ruleset fd allowing reading ``read_paths`` and everything under ``write_paths``;
    with ABI >= 4 deny TCP bind/connect when ``block_tcp``; with ABI >= 6 deny signals and
    abstract unix sockets outside the domain. Built once per job, applied in every case process."""
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
    fd = _check(
        _libc.syscall(NR_LL_CREATE, abuf, ctypes.c_size_t(size), ctypes.c_uint32(0)), "landlock create"
    )
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
    except BaseException:
        os.close(fd)
        raise
    return fd


def landlock_restrict(ruleset_fd: int) -> None:
    _check(_libc.syscall(NR_LL_RESTRICT, ruleset_fd, 0), "landlock restrict")


def install_landlock(read_paths: list, write_paths: list, block_tcp: bool) -> None:
    fd = landlock_ruleset(read_paths, write_paths, block_tcp)
    try:
        landlock_restrict(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------- mounts
def _mkdirs(path: str) -> None:
    os.makedirs(path, mode=0o755, exist_ok=True)


def build_root(root: str, ro_paths: list, with_proc: bool) -> str:
    """A fresh tmpfs root holding read-only binds of ``ro_paths``, minimal /dev and an empty /work,
    made the process's root with ``pivot_root`` (the host's mounts are then detached, so
    ``/proc/self/mountinfo`` shows only the sandbox's) or, where that fails, ``chroot``. The cwd
    is the new ``/`` either way. Returns the method used."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
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
        # hidepid: a program sees its own processes only, not the zygote's or the job process's (their
        # counters, e.g. the zygote's faults of reaped children in /proc/1/stat, add up across programs)
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        for name in MASKED_PROC:
            if os.path.exists(f"{root}/proc/{name}"):
                _mount(f"{root}/dev/null", f"{root}/proc/{name}", None, MS_BIND)
    _mkdirs(root + "/work")
    old = root + "/.old_root"
    os.mkdir(old, 0o700)
    if _libc.syscall(NR_PIVOT_ROOT, root.encode(), old.encode()) == 0:
        os.chdir("/")
        _umount("/.old_root")
        os.rmdir("/.old_root")
        method = "pivot_root"
    else:
        os.rmdir(old)
        os.chroot(root)
        os.chdir("/")
        method = "chroot"
    try:  # nothing but the mount points lives in the root tmpfs: make it read-only too
        _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    except SetupError:
        pass
    return method


#: Files of /proc that tell about the host rather than the program (the kernel's boot line names the
#: host's infrastructure): /dev/null is bound over each, as container runtimes do.
MASKED_PROC = (
    "cmdline",
    "kcore",
    "keys",
    "key-users",
    "timer_list",
    "sched_debug",
    "latency_stats",
    "config.gz",
    "iomem",
    "ioports",
    "kallsyms",
    "modules",
    "vmallocinfo",
    "slabinfo",
    "kmsg",
    "kpagecount",
    "kpageflags",
    "kpagecgroup",
    "sysrq-trigger",
    "partitions",
    "diskstats",
    "swaps",
    "devices",
    "consoles",
    "mtrr",
    "buddyinfo",
    "pagetypeinfo",
    "zoneinfo",
)


# --------------------------------------------------------------------------------------------- one case
def _set_rlimits(limits: dict) -> None:
    values = {
        "cpu": (limits["cpu_s"], limits["cpu_s"] + 1),
        "memory": (limits["memory_bytes"],) * 2,
        "nproc": (limits["nproc"], limits["nproc"]),
        "fsize": (limits["fsize_bytes"],) * 2,
        "nofile": (limits["nofile"],) * 2,
        "core": (0, 0),
    }
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


_SCALARS = {bool: "b", int: "i", float: "f", str: "s", bytes: "y", complex: "c"}
_CONTAINERS = {list: "l", tuple: "t", set: "S", frozenset: "F"}


def plain_value(value, budget: list, depth: int = 0):
    """``value`` as tagged JSON data, only for builtin types (exact types, no subclasses): a result
    whose ``__eq__`` or ``__bool__`` the program wrote cannot be reported. ``budget`` bounds the size."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 64:
        raise ValueError("result too large to report")
    kind = type(value)
    if value is None:
        return ["n"]
    tag = _SCALARS.get(kind)
    if tag is not None:
        if kind is bool:
            return [tag, value]
        if kind is int:  # hex: linear both ways, and free of the 4300-digit limit of decimal conversion
            text = int.__format__(value, "x")
        elif kind is float:
            text = float.__repr__(value)
        elif kind is complex:
            text = complex.__repr__(value)
        elif kind is bytes:
            text = bytes.hex(value)
        else:
            text = str.__str__(value)
        budget[0] -= len(text) // 64
        if budget[0] < 0:
            raise ValueError("result too large to report")
        return [tag, text]
    tag = _CONTAINERS.get(kind)
    if tag is not None:
        return [
            tag,
            [plain_value(v, budget, depth + 1) for v in (list.copy(value) if kind is list else value)],
        ]
    if kind is dict:
        return [
            "d",
            [
                [plain_value(k, budget, depth + 1), plain_value(v, budget, depth + 1)]
                for k, v in dict.items(value)
            ],
        ]
    raise TypeError(f"result of type {kind.__name__} is not a builtin value")


def _report(record: dict) -> None:
    data = (json.dumps(record) + "\n").encode()
    while data:
        data = data[os.write(3, data) :]


def _run_steps(steps: list, namespace: dict, budget: int) -> None:
    """Run the test steps after the program and report each one's value (or error) on fd 3. Nothing
    here decides a verdict: the trainer parses the records and compares them with values it keeps."""
    for i, step in enumerate(steps):
        record = {"i": i}
        try:
            if "exec" in step:
                exec(compile(step["exec"], "<test>", "exec"), namespace)
            else:
                if "eval" in step:
                    value = eval(compile(step["eval"], "<test>", "eval"), namespace)
                else:
                    fn = namespace.get(step["call"])
                    cls = namespace.get("Solution")
                    if fn is None and isinstance(cls, type):  # LeetCode style: a method of Solution
                        fn = getattr(cls(), step["call"])
                    if fn is None:
                        raise NameError(f"name {step['call']!r} is not defined")
                    value = fn(*json.loads(step["args"]))
                record["v"] = plain_value(value, [budget])
        except BaseException as exc:  # the step's failure is the program's: report it, stop
            record["error"] = f"{type(exc).__name__}: {exc}"[:500]
            _report(record)
            break
        _report(record)


def _run_program(source: str, steps, budget: int, code=None) -> int:
    """Run ``source`` (``code``: it compiled once per job) as ``__main__`` the way ``python
    solution.py`` would, then ``steps`` (if any), and return its exit status. Steps run only when
    the program itself ran to its end."""
    builtins.exit = builtins.quit = _Quitter()
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)
    sys.stderr = sys.__stderr__ = open(
        2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1
    )
    sys.argv = ["solution.py"]
    main = types.ModuleType("__main__")
    main.__file__ = "solution.py"
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    finished = False
    try:
        exec(code if code is not None else compile(source, "solution.py", "exec"), main.__dict__)
        status, finished = 0, True
    except SystemExit as exc:
        status = _exit_status(exc.code)
    except BaseException as exc:  # the program's own exception: report it as Python would
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
        status = 1
    if steps is not None and finished:
        try:
            sys.stdout.flush()
        except BaseException:
            pass
        _run_steps(steps, main.__dict__, budget)
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


class Server:
    """Init's state: the setup request, the layers, where jobs run. Installs the seccomp filter."""

    def __init__(self, setup: dict):
        self.setup = setup
        self.layers = layers = setup["layers"]
        self.limits = setup["limits"]
        self.uid = layers.get("uid")
        self.in_pid_ns = bool(layers.get("pid_namespace"))
        self.second_filter = None
        if layers.get("seccomp"):  # inherited by every case process from here on
            _prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
            Seccomp(block_sockets=True).install()
            if self.uid is None:
                self.second_filter = Seccomp(False, _init_needs_program())
        self.reads = setup["ro_paths"] + ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"]
        if layers.get("mount_namespace") and self.in_pid_ns:
            self.reads.append("/proc")  # the sandbox's own /proc, never the host's
        self.workdir = "/work"
        self.jobs = 0
        self.ruleset = None
        self.code = None  # the job's compiled program, in the job process
        self.cut = (
            False  # in the job process: the trainer cut the program (it ran past its share of the budget)
        )
        self.case_pid = None

    def _on_cut(self, signum, frame) -> None:
        """SIGUSR1 from the zygote: the program is over its share of the call's budget and others wait.
        The running case is killed and, like the cases after it, reported ``skipped`` (never run to its
        end: no verdict); the cases that ended before keep theirs."""
        self.cut = True
        if self.case_pid is not None:
            try:
                os.kill(self.case_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # ------------------------------------------------------------------------------- confinement
    def confine(self, limits: dict) -> None:
        """Every per-case layer, in the case process, before any untrusted code."""
        layers = self.layers
        try:
            with open("/proc/self/oom_score_adj", "w") as f:  # the OOM killer takes us, not init
                f.write("1000")
        except OSError:
            pass
        _set_rlimits(limits)
        if self.uid is not None:
            _drop_privileges(self.uid)
        _prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
        os.chdir(self.workdir)
        os.environ.clear()
        os.environ.update(self.setup["env"])
        if self.ruleset is not None:
            landlock_restrict(self.ruleset)
            os.close(self.ruleset)
        if self.second_filter is not None:
            self.second_filter.install()
        if not layers.get("seccomp"):  # no kernel socket-family filter: at least refuse it in Python
            _audit_socket_block()

    def _child(
        self, fds: tuple, ready_fd: int, limits: dict, run, case_fd: int | None, case_index: int
    ) -> None:
        """Body of a forked case process: never returns. Reads its own case (stdin, steps) from
        ``case_fd`` when given: the job process never holds a case's data, so no case can find
        another's in memory. Writes ``R`` to the ready pipe once every layer is in place, just before
        untrusted code starts, so a setup failure is never mistaken for a wrong program."""
        status = 125
        try:
            signal.signal(
                signal.SIGUSR1, signal.SIG_DFL
            )  # the job process's cut handler is not the program's
            case = None
            if case_fd is not None:
                case = read_frame(case_fd)  # the trainer queued every case behind the program, in order
                if case is None or case.get("k") != case_index:
                    raise SetupError(f"case {case_index} not next on the program's socket")
                data = case.get("stdin", "").encode("utf-8", "surrogateescape")
                while data:
                    data = data[os.write(fds[0], data) :]
                os.lseek(fds[0], 0, os.SEEK_SET)
            wanted = [*fds, ready_fd] + ([self.ruleset] if self.ruleset is not None else [])
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 64) for fd in wanted]  # out of the way of dup2
            for target, fd in enumerate(high):  # 0-3 stdio + report, 4 ready, 5 the Landlock ruleset
                os.dup2(fd, target)
            if self.ruleset is not None:
                self.ruleset = 5
            os.closerange(len(high), MAX_FD)
            os.setpgid(0, 0)
            self.confine(limits)
            os.write(4, b"R")
            os.close(4)
            status = run(case)
        except BaseException:
            try:
                os.write(2, traceback.format_exc().encode())
            except BaseException:
                pass
        os._exit(status)

    # ------------------------------------------------------------------------------- processes
    def run_process(
        self, run, stdin: bytes, limits: dict, cap: int, case_fd: int | None = None, case_index: int = 0
    ) -> dict:
        """Fork a confined child running ``run(case)``; wait for it within the wall limit, kill whatever
        it left, and return its outcome. ``cap`` bounds each captured stream. With ``case_fd`` the
        child reads its case (a frame the trainer sends, stdin included) itself; else ``stdin``."""
        fds = (_memfd("stdin", stdin), _memfd("stdout"), _memfd("stderr"), _memfd("report"))
        ready_r, ready_w = os.pipe()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            self._child(fds, ready_w, limits, run, case_fd, case_index)
        self.case_pid = pid
        if self.cut:  # the cut came between the fork and the line above
            os.kill(pid, signal.SIGKILL)
        os.close(ready_w)
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        timed_out = not poller.poll(limits["wall_s"] * 1000)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, wait_status, usage = os.wait4(pid, 0)
        self.case_pid = None
        wall = time.monotonic() - start
        os.close(pidfd)
        self.reap_all(pid)
        outs = [
            os.pread(fd, min(size + 1, os.fstat(fd).st_size), 0) if os.fstat(fd).st_size else b""
            for fd, size in zip(fds[1:], (cap, cap, REPORT_SCALE * cap))
        ]
        for fd in fds:
            os.close(fd)
        ready = os.read(ready_r, 1) == b"R"
        os.close(ready_r)
        sig = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
        cut = self.cut and sig == signal.SIGKILL
        if not ready and not cut:
            raise SetupError(f"case setup failed: {outs[1][-2000:].decode('utf-8', 'replace')}")
        code = os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None
        cpu = usage.ru_utime + usage.ru_stime
        if cut:
            status = "skipped"
        elif timed_out or sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= limits["cpu_s"]):
            status = "timeout"
        elif sig == signal.SIGXFSZ:
            status = "output_limit"
        elif code == 0:
            status = "ok"
        else:
            status = "error"
        return {
            "status": status,
            "exit_code": code,
            "signal": sig,
            "wall_s": round(wall, 4),
            "cpu_s": round(cpu, 4),
            "stdout": outs[0][:cap].decode("utf-8", "replace"),
            "stderr": outs[1][:cap].decode("utf-8", "replace"),
            "truncated": len(outs[0]) > cap or len(outs[1]) > cap,
            "report": outs[2],
        }

    def reap_all(self, pgid: int) -> None:
        """Remove every process the case left behind (daemons included)."""
        if self.in_pid_ns:
            try:  # everything in the namespace but init and the caller (the job process or init)
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self.uid is not None:
                _kill_uid(self.uid)
            else:  # same uid as us: kill our descendants generation by generation (we are their subreaper)
                deadline = time.monotonic() + 5.0
                while _kill_children() and time.monotonic() < deadline:
                    time.sleep(0.005)
                    _reap_nowait()
        if self.in_pid_ns or self.uid is not None:
            while True:  # every descendant was just SIGKILLed and is (or becomes) our child
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    return
        _reap_nowait()

    # ------------------------------------------------------------------------------- jobs
    def begin_job(self) -> None:
        """A fresh IPC namespace and a fresh, empty tmpfs ``/work`` owned by the sandbox uid."""
        self.jobs += 1
        if self.layers.get("mount_namespace"):
            _check(_libc.unshare(CLONE_NEWIPC), "unshare ipc")
            owner = f",uid={self.uid},gid={self.uid}" if self.uid is not None else ""
            _mount(
                "tmpfs",
                "/work",
                "tmpfs",
                MS_NOSUID | MS_NODEV,
                f"size={self.limits['tmpfs_bytes']},mode=700{owner}",
            )
            self.workdir = "/work"
        else:  # relative to the worker's directory, our cwd
            self.workdir = os.path.join(self.setup["root"], f"work{self.jobs}")
            os.mkdir(self.workdir, 0o700)
            if self.uid is not None:
                os.chown(self.workdir, self.uid, self.uid)

    def _landlock_for_job(self) -> None:
        """The job's ruleset, built in the job process: rules name inodes, and this job's ``/work``
        (and, with a pid namespace per program, its ``/proc``) are new ones."""
        if self.layers.get("landlock"):
            self.ruleset = landlock_ruleset(
                self.reads, [self.workdir], block_tcp=self.layers.get("network") != "net_namespace"
            )

    def end_job(self) -> None:
        if self.ruleset is not None:
            os.close(self.ruleset)
            self.ruleset = None
        if self.layers.get("mount_namespace"):
            _umount("/work")
        else:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)

    def run_job(self, seq: int, job_fd: int, limit_s: float) -> dict:
        """Fork a job process for one program and hand it ``job_fd`` (its own socket to the trainer);
        the zygote never reads it. Wait until the job process ends or its time limit passes (a
        ``{"cut": seq}`` meanwhile is passed on as SIGUSR1: the job process stops its program and
        replies with what it has), then kill and reap everything it left."""
        self.begin_job()
        try:
            if (
                self.in_pid_ns
            ):  # pids start over for every program: an earlier one cannot leave a number in them
                with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                    f.write("1")
            pid = os.fork()
            if pid == 0:
                status = 3
                try:
                    os.close(CONTROL_FD)  # a program's processes never talk to the zygote
                    status = self._job_process(job_fd)
                finally:
                    os._exit(status)
            os.close(job_fd)
            pidfd = os.pidfd_open(pid)
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            poller.register(CONTROL_FD, select.POLLIN)
            end = time.monotonic() + limit_s
            killed = None
            while killed is None:
                left = end - time.monotonic()
                events = dict(poller.poll(max(left, 0) * 1000)) if left > 0 else {}
                if pidfd in events:
                    break
                if CONTROL_FD in events:
                    message = os.read(CONTROL_FD, 1 << 16)
                    if not message:  # the trainer is gone: so are we (and, as pid 1, everything here)
                        os._exit(0)
                    if json.loads(message).get("cut") == seq:  # it stops, and replies with what it has
                        os.kill(pid, signal.SIGUSR1)
                    continue
                if left <= 0:
                    killed = "time"
            if killed:
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            os.close(pidfd)
            self.reap_all(pid)
            return {"done": seq, "killed": killed, "status": status}
        finally:
            self.end_job()

    def _job_process(self, fd: int) -> int:
        """Body of a job process: read the program from ``fd``, run it, and write the cases'
        outcomes to ``fd``: ``{"cases": [...]}`` frames whenever their outputs add up to the output
        cap (so no program's outputs pile up here, in the worker's memory limit), then
        ``{"done": True, "cases": [the rest], ...}``, or ``{"error": ...}``."""
        global _TASK_DIR_FD
        _prctl(PR_SET_CHILD_SUBREAPER, 1, "child_subreaper")
        if not self.in_pid_ns:
            try:
                _TASK_DIR_FD = os.open(f"/proc/{os.getpid()}/task", os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                pass
        signal.signal(signal.SIGUSR1, self._on_cut)
        self._landlock_for_job()
        job = read_frame(fd)
        if job is None:
            return 3
        try:
            self.code = None
            if job.get("language", "python") == "python":
                self.code = self._compile_python(job["code"])
            reply = self._run_job(job, fd)
        except SetupError as exc:
            reply = {"error": str(exc)}
        except BaseException as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        write_frame(fd, reply)
        return 0

    def _compile_python(self, source: str):
        """The program compiled under a CPU limit; ``None`` when it does not compile (each case
        then compiles it and reports the error as Python would) or the compiler gave up."""
        cpu = resource.getrlimit(resource.RLIMIT_CPU)
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (int(self.limits["cpu_s"]) + 1, cpu[1]))
            return compile(source, "solution.py", "exec")
        except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError):
            return None
        finally:
            resource.setrlimit(resource.RLIMIT_CPU, cpu)

    def _run_job(self, job: dict, fd: int) -> dict:
        limits = self.limits
        base_cap = limits["output_bytes"]
        language = job.get("language", "python")
        reply: dict = {"done": True}
        binary = None
        if language != "python":
            compiled = self.compile(job)
            reply["compile"] = compiled
            status = {"skipped": "skipped", "ok": None}.get(
                compiled["status"], "compile_error"
            )  # skipped: cut
            if status is not None:
                return {**reply, "cases": [{"status": status} for _ in job["cases"]], "cut": self.cut}
            binary = compiled.pop("binary")
        last = "ok"
        pending, pending_bytes = [], 0  # small outcomes go back together; big ones as soon as they add up
        for k, case in enumerate(job["cases"]):  # how to run each case; its data goes straight to its process
            # (skipped cases are always the last ones: their data is never read, by anyone)
            if self.cut or (job.get("fail_fast") and last != "ok"):
                pending.append({"status": "skipped"})
                continue
            self._reset_workdir()
            cap = max(
                base_cap, int(case.get("output_bytes") or 0)
            )  # the caller's choice, never the expected size
            if binary is not None:

                def run(case, binary=binary):
                    os.execve(binary, [binary], self.setup["env"])
            else:

                def run(case):
                    sys.path[:] = (
                        [self.workdir] + [p for p in sys.path if p] + self.setup.get("python_paths", [])
                    )
                    return _run_program(
                        job["code"], case.get("steps"), REPORT_SCALE * base_cap // 8, self.code
                    )

            result = self.run_process(run, b"", limits, cap, case_fd=fd, case_index=k)
            report = result.pop("report")
            if case.get("steps"):  # parsed and judged by the trainer
                result["report"] = (
                    report.decode("utf-8", "replace") if len(report) <= REPORT_SCALE * cap else None
                )
            last = result["status"]
            pending.append(result)
            pending_bytes += sum(len(result.get(key) or "") for key in ("stdout", "stderr", "report"))
            del result, report
            if pending_bytes > base_cap:
                write_frame(fd, {"cases": pending})
                pending, pending_bytes = [], 0
        return {**reply, "cases": pending, "cut": self.cut}

    def _reset_workdir(self) -> None:
        """The working directory as a case expects it: an earlier case of the program may have made it
        unusable (``chmod 0``), which would fail the next case's setup and excuse the program with ``None``."""
        os.chmod(self.workdir, 0o700)
        if self.uid is not None:
            os.chown(self.workdir, self.uid, self.uid)

    def compile(self, job: dict) -> dict:
        """Compile the job's source once, inside the sandbox, with the compile limits."""
        spec = self.setup["compilers"].get(job["language"])
        if spec is None:
            raise SetupError(f"no compiler for {job['language']!r}")
        source = os.path.join(self.workdir, spec["source"])
        binary = os.path.join(self.workdir, "solution")
        with open(source, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(job["code"])
        if self.uid is not None:
            os.chown(source, self.uid, self.uid)
        argv = [a.replace("{source}", source).replace("{binary}", binary) for a in spec["argv"]]
        limits = {**self.limits, **self.setup["compile_limits"]}

        def run(case):
            os.execve(argv[0], argv, self.setup["env"])

        result = self.run_process(run, b"", limits, self.limits["output_bytes"])
        result.pop("report")
        if result["status"] == "ok" and not os.path.exists(binary):
            result["status"] = "error"
        return {
            "status": result["status"],
            "stderr": result["stderr"][-4000:],
            "wall_s": result["wall_s"],
            "binary": binary,
        }


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


def _reap_nowait() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


CONTROL_FD = 1  # the trainer's SOCK_SEQPACKET control socket


def _control_send(obj) -> None:
    os.write(CONTROL_FD, json.dumps(obj).encode())  # one message: SOCK_SEQPACKET keeps boundaries


def _control_recv():
    """The next control message and the descriptors it carries; ``(None, [])`` when the trainer is gone."""
    sock = socket.socket(fileno=os.dup(CONTROL_FD))
    try:
        message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 4)
    finally:
        sock.close()
    if not message:
        for fd in fds:
            os.close(fd)
        return None, []
    return json.loads(message), fds


def init_main(setup: dict) -> int:
    """Pid 1 of the sandbox (or plain child without a pid namespace): build the root, then fork a
    job process per program. It never reads a program: a job message holds a sequence number, a
    time limit and the program's own socket, which only the job process reads."""
    global _TASK_DIR_FD
    layers = setup["layers"]
    in_pid_ns = bool(layers.get("pid_namespace"))
    if not in_pid_ns:
        try:
            _TASK_DIR_FD = os.open(f"/proc/{os.getpid()}/task", os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            pass
    root_method = None
    if layers.get("mount_namespace"):
        root_method = build_root(setup["root"], setup["ro_paths"], with_proc=in_pid_ns)
        for call in (
            _libc.sethostname,
            _libc.setdomainname,
        ):  # our UTS namespace began as a copy of the host's
            _check(call(b"sandbox", 7), "sethostname")
    _prctl(PR_SET_DUMPABLE, 0, "dumpable")
    if not in_pid_ns:  # orphans of the program are re-parented to us, so we can reap them
        _prctl(PR_SET_CHILD_SUBREAPER, 1, "child_subreaper")
    server = Server(setup)
    gc.freeze()  # the pre-loaded interpreter's objects stay shared with every case process
    _control_send({"ready": True, "root": root_method})
    while True:
        message, fds = _control_recv()
        if message is None:
            return 0
        if "job" not in message or len(fds) != 1:  # e.g. a late "cut" for a program already done
            for fd in fds:
                os.close(fd)
            continue
        try:
            reply = server.run_job(message["job"], fds[0], float(message["limit_s"]))
        except SetupError as exc:
            reply = {"done": message["job"], "error": str(exc)}
        _control_send(reply)


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
        _unshare(CLONE_NEWNS | CLONE_NEWIPC)
        build_root(req["root"], req["ro_paths"], with_proc=False)

    tests = {
        "uid": (lambda: _drop_privileges(uid)) if uid is not None else None,
        "pid_namespace": pid_ns,
        "net_namespace": lambda: _unshare(CLONE_NEWNET),
        "mount_namespace": mount_ns,
        "cgroup_namespace": lambda: _unshare(CLONE_NEWCGROUP),
        "landlock": lambda: (_prctl(PR_SET_NO_NEW_PRIVS, 1, "nnp"), install_landlock(["/"], [], False)),
        "seccomp": lambda: (_prctl(PR_SET_NO_NEW_PRIVS, 1, "nnp"), Seccomp(True).install()),
    }
    report = {}
    for name, fn in tests.items():
        report[name] = "not applicable (not root)" if fn is None else _try_in_child(fn)
    report["landlock_abi"] = max(landlock_abi(), 0)
    return report


# --------------------------------------------------------------------------------------------- main
def _trainer_gone() -> bool:
    """The trainer closed (or lost, by dying) its end of the control socket."""
    poller = select.poll()
    poller.register(CONTROL_FD, select.POLLRDHUP)
    return any(ev & (select.POLLRDHUP | select.POLLHUP) for _, ev in poller.poll(0))


def main() -> int:
    setup, _ = _control_recv()
    if setup is None:
        return 1
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
    if _trainer_gone():  # it died before prctl took effect: no signal will come
        return 1
    if setup.get("probe"):
        _control_send(probe(setup))
        return 0
    layers = setup["layers"]
    try:
        flags = 0
        if layers.get("mount_namespace"):
            flags |= CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS
        if layers.get("network") == "net_namespace":
            flags |= CLONE_NEWNET
        if layers.get("pid_namespace"):
            flags |= CLONE_NEWPID
        if layers.get("cgroup_namespace"):  # the worker's cgroup (we were moved into it) becomes "/"
            flags |= CLONE_NEWCGROUP
        if flags:
            _unshare(flags)
    except SetupError as exc:
        _control_send({"error": str(exc)})
        return 3
    pid = os.fork()
    if pid == 0:
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, "pdeathsig")
            os._exit(init_main(setup))
        except BaseException as exc:
            try:
                _control_send({"error": f"{type(exc).__name__}: {exc}"})
            finally:
                os._exit(3)
    os.close(CONTROL_FD)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3


if __name__ == "__main__":
    sys.exit(main())
