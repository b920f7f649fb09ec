"""More hostile programs: kernel interfaces, foreign ABIs, namespace and descriptor tricks, resource
floods. Each program prints ``GOAL`` only if it reached what it was after; every test also checks
that no process of the run and no file it wrote outlived it (``nothing_outlives_the_run``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import hostile_fixtures
import pytest

from trl_r1.sandbox import Case, Job

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"),
    pytest.mark.usefixtures("nothing_outlives_the_run"),
]
hostile_sandbox = hostile_fixtures.hostile_sandbox
nothing_outlives_the_run = hostile_fixtures.nothing_outlives_the_run

FULL_ISOLATION = ("mount_namespace", "pid_namespace", "landlock", "seccomp", "cgroup")


@pytest.fixture(autouse=True)
def full_isolation(hostile_sandbox):
    """These programs target the layers root gives; elsewhere they would test a weaker sandbox."""
    missing = [name for name in FULL_ISOLATION if not hostile_sandbox.active.get(name)]
    if hostile_sandbox.active.get("uid") is None:
        missing.append("uid")
    if hostile_sandbox.active.get("network") != "net_namespace":
        missing.append("net_namespace")
    if missing:
        pytest.skip(f"layer(s) {missing} unavailable here (they need root and a recent kernel)")


PRELUDE = (
    "import ctypes, os, sys\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\n"
)


def run(sandbox, code: str, stdin: str = ""):
    result = sandbox.run([Job(PRELUDE + textwrap.dedent(code), (Case(stdin=stdin),))])[0]
    assert result.ok, f"the sandbox itself failed: {result.error}"
    return result.cases[0]


HOST_ONLY_NAMES = ("etc", "home", "root", "tmp", "var", "opt", "srv")

PROGRAMS = {
    "host_root_through_proc_1_root": f"""
        for path in ("/proc/1/root", "/proc/1/cwd", "/proc/self/root", "/proc/self/cwd/..", "/.."):
            try:
                names = os.listdir(path)
            except OSError:
                continue
            if set(names) & set({HOST_ONLY_NAMES!r}):
                print("GOAL", path, names)
        for path in ("/proc/1/root/etc/passwd", "/proc/1/cwd/etc/passwd", "/../../etc/passwd"):
            try:
                open(path).read()
                print("GOAL", path)
            except OSError:
                pass
    """,
    "memfd_secret": "print('GOAL' if libc.syscall(447, 0) >= 0 else 'denied', ctypes.get_errno())",
    "x32_abi_syscall": "r = libc.syscall(0x40000000 | 39)\nprint('GOAL', r)",
    "int_0x80_i386_abi": """
        import mmap
        page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        page.write(b"\\xb8\\x14\\x00\\x00\\x00\\xcd\\x80\\xc3")  # mov eax, 20 (getpid); int 0x80; ret
        addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
        print("GOAL", ctypes.CFUNCTYPE(ctypes.c_int)(addr)())
    """,
    "raw_clone_new_user_namespace": """
        r = libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)  # clone(CLONE_NEWUSER | SIGCHLD)
        if r == 0:
            os._exit(0)
        print("GOAL" if r > 0 else "denied", r)
    """,
    "unshare_new_user_namespace": "print('GOAL' if libc.unshare(0x10000000) == 0 else 'denied')",
    "setns_into_init_namespaces": """
        for ns in ("net", "mnt", "pid", "user"):
            try:
                fd = os.open(f"/proc/1/ns/{ns}", os.O_RDONLY)
            except OSError:
                continue
            if libc.setns(fd, 0) == 0:
                print("GOAL", ns)
    """,
    "chroot_escape": """
        os.makedirs("jail", exist_ok=True)
        if libc.chroot(b"jail") == 0:
            for _ in range(64):
                os.chdir("..")
            libc.chroot(b".")
            print("GOAL", os.listdir("/"))
    """,
    "keyctl_and_add_key": """
        print("GOAL" if libc.syscall(250, 0, -3, 1) >= 0 else "denied")  # KEYCTL_GET_KEYRING_ID session
        print("GOAL" if libc.syscall(248, b"user", b"k", b"v", 1, -3) >= 0 else "denied")
    """,
    "io_uring_setup": "p = ctypes.create_string_buffer(120)\nprint('GOAL' if libc.syscall(425, 8, p) >= 0 else 'denied')",
    "userfaultfd": "print('GOAL' if libc.syscall(323, 0) >= 0 else 'denied')",
    "bpf_map_create": """
        attr = ctypes.create_string_buffer(b"\\x01\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x01\\x00\\x00\\x00"
                                           + b"\\x00" * 112)
        print("GOAL" if libc.syscall(321, 0, attr, 128) >= 0 else "denied")
    """,
    "perf_event_open": "a = ctypes.create_string_buffer(128)\nprint('GOAL' if libc.syscall(298, a, 0, -1, -1, 0) >= 0 else 'no')",
    "tiocsti_inject_into_a_terminal": """
        import fcntl, termios
        for path in ("/dev/tty", "/dev/console", "/proc/1/fd/0", "/proc/1/fd/2"):
            try:
                fd = os.open(path, os.O_RDWR)
                fcntl.ioctl(fd, termios.TIOCSTI, b"x")
                print("GOAL", path)
            except OSError:
                pass
        try:
            fcntl.ioctl(0, termios.TIOCSTI, b"x")
            print("GOAL stdin")
        except OSError:
            pass
    """,
    "steal_inits_pipes_with_pidfd_getfd": """
        try:
            pidfd = os.pidfd_open(1)
            for target in range(0, 8):
                if libc.syscall(438, pidfd, target, 0) >= 0:
                    print("GOAL", target)
        except OSError:
            pass
    """,
    "read_inits_memory": """
        buf = ctypes.create_string_buffer(64)
        local = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 64)
        remote = (ctypes.c_void_p * 2)(0x400000, 64)
        if libc.syscall(310, 1, local, 1, remote, 1, 0) >= 0:
            print("GOAL process_vm_readv")
        for path in ("/proc/1/mem", "/proc/1/environ", "/proc/1/maps"):
            try:
                open(path, "rb").read(16)
                print("GOAL", path)
            except OSError:
                pass
    """,
    "rewrite_own_memory_through_proc_self_mem": """
        try:
            with open("/proc/self/mem", "r+b", buffering=0) as mem:
                mem.seek(id(0))
                mem.write(mem.read(8))
                print("GOAL")
        except OSError:
            print("denied")
    """,
    "inherited_descriptors_of_the_harness": """
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith(("pipe:", "socket:")) or "trl_r1" in target:
                print("GOAL", fd, target)
    """,
    "sethostname_and_sysctl_writes": """
        if libc.sethostname(b"pwned", 5) == 0:
            print("GOAL hostname")
        for path in ("/proc/sys/kernel/hostname", "/proc/sys/vm/drop_caches", "/proc/sys/kernel/core_pattern"):
            try:
                open(path, "w").write("1")
                print("GOAL", path)
            except OSError:
                pass
    """,
    "mount_umount_and_new_ipc_namespace": """
        os.makedirs("m", exist_ok=True)
        if libc.mount(b"none", b"m", b"tmpfs", 0, None) == 0:
            print("GOAL mount")
        if libc.umount2(b"/work", 2) == 0 or libc.umount2(b"/proc", 2) == 0:
            print("GOAL umount")
        if libc.unshare(0x08000000) == 0:  # CLONE_NEWIPC
            print("GOAL unshare")
    """,
    "device_node_for_host_memory": """
        if libc.mknod(b"mem", 0o20666, os.makedev(1, 1)) == 0:
            try:
                open("mem", "rb").read(16)
                print("GOAL")
            except OSError:
                pass
    """,
    "map_noreserve_beyond_the_memory_limit": """
        import mmap
        try:
            m = mmap.mmap(-1, 64 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x4000)  # MAP_NORESERVE
            print("GOAL mapped", len(m) >> 30, "GB")
        except (OSError, ValueError, OverflowError) as e:
            print("denied", e)
    """,
    "signal_every_pid": """
        import signal
        hit = 0
        for pid in range(2, 4096):
            try:
                os.kill(pid, signal.SIGKILL)
                hit += 1
            except OSError:
                pass
        print("signalled", hit)
    """,
}


@pytest.mark.parametrize("code", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_hostile_program_does_not_reach_its_goal(hostile_sandbox, code):
    case = run(hostile_sandbox, code)
    assert "GOAL" not in case.stdout, case.stdout
    assert "Traceback" not in case.stderr or "GOAL" not in case.stderr


def test_mountinfo_shows_no_host_path(hostile_sandbox):
    case = run(hostile_sandbox, "print(open('/proc/self/mountinfo').read())\nprint('CWD', os.getcwd())")
    assert case.status == "ok" and "/work" in case.stdout
    assert tempfile.gettempdir() + "/" not in case.stdout and "trl_r1_sandbox_" not in case.stdout
    assert str(Path(__file__).resolve().parents[2]) not in case.stdout  # the project checkout


def test_a_thread_bomb_is_capped(hostile_sandbox):
    case = run(
        hostile_sandbox,
        """
        import threading, time
        n = 0
        try:
            for _ in range(2000):
                threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
                n += 1
        except RuntimeError:
            pass
        print(n, flush=True)
        os._exit(0)
    """,
    )
    assert int(case.stdout.split()[0]) < hostile_sandbox.config.max_processes + 4


def test_an_inode_flood_stays_in_the_runs_own_directory(hostile_sandbox):
    case = run(
        hostile_sandbox,
        """
        n = 0
        try:
            while n < 200000:
                open(f"f{n}", "w").close()
                n += 1
        except OSError:
            pass
        print(n)
    """,
    )
    assert case.stdout.strip() or case.status == "timeout"
    after = run(hostile_sandbox, "print(len(os.listdir('.')))")
    assert after.stdout.strip() == "0"


def test_writes_to_the_stdlib_and_site_packages_fail(hostile_sandbox):
    import site
    import sysconfig

    targets = [
        os.path.join(sysconfig.get_paths()["stdlib"], "trl_r1_evil.py"),
        *[os.path.join(p, "trl_r1_evil.pth") for p in site.getsitepackages()],
    ]
    case = run(
        hostile_sandbox,
        f"""
        for path in {targets!r}:
            try:
                open(path, "w").write("import os; os.system('touch /tmp/pwned')")
                print("GOAL", path)
            except OSError:
                pass
    """,
    )
    assert "GOAL" not in case.stdout
    assert not any(os.path.exists(p) for p in targets)


def test_abstract_and_file_unix_sockets_on_the_host_are_unreachable(hostile_sandbox):
    name = f"trl_r1_test_{os.getpid()}_{time.time_ns()}"
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0" + name)
    abstract.listen(1)
    path = os.path.join(tempfile.gettempdir(), name + ".sock")
    filesock = socket.socket(socket.AF_UNIX)
    filesock.bind(path)
    os.chmod(path, 0o777)
    filesock.listen(1)
    abstract.settimeout(0.2)
    filesock.settimeout(0.2)
    try:
        case = run(
            hostile_sandbox,
            f"""
            import socket
            for address in ("\\0{name}", {path!r}):
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(address)
                    s.sendall(b"hello")
                    print("GOAL", address)
                except OSError:
                    pass
        """,
        )
        assert "GOAL" not in case.stdout
        for server in (abstract, filesock):
            with pytest.raises(OSError):
                server.accept()
    finally:
        abstract.close()
        filesock.close()
        os.unlink(path)


def test_a_double_forked_daemon_does_not_survive_into_the_next_program(hostile_sandbox):
    first = run(
        hostile_sandbox,
        """
        import time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                open("heartbeat", "w").close()
                while True:
                    time.sleep(0.01)
                    open("heartbeat", "a").write(".")
            os._exit(0)
        time.sleep(0.1)
        print("started")
    """,
    )
    assert first.stdout.strip() == "started"
    second = run(hostile_sandbox, "print(sorted(os.listdir('.')))\nprint(len(os.listdir('/proc')))")
    assert second.stdout.splitlines()[0] == "[]"
    host = subprocess.run([sys.executable, "-c", "print('alive')"], capture_output=True, text=True)
    assert host.stdout == "alive\n"
