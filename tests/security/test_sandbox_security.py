"""Hostile programs against the local sandbox: each test names an attacker's goal and checks that
the goal was not reached (not merely that the program exited non-zero), and that the test process
and the machine are unharmed. Network attacks only target servers these tests run on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from hostile_fixtures import HOSTILE_CONFIG, live_processes

from trl_r1.sandbox import Case, Job, LocalSandbox

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"
)

CONFIG = HOSTILE_CONFIG
SECRET = f"trl-r1-secret-{os.getpid()}-{time.time_ns()}"


@pytest.fixture(scope="module")
def sandbox() -> LocalSandbox:
    sandbox = LocalSandbox(CONFIG)
    yield sandbox
    sandbox.close()


def _processes_of(uids: range) -> list[int]:
    return [pid for pid, uid, _ in live_processes() if uid in uids]


@pytest.fixture(autouse=True)
def no_process_outlives_the_run(sandbox):
    yield
    assert _processes_of(sandbox.uids) == [], "a sandboxed process outlived its run"


def run(sandbox: LocalSandbox, code: str, stdin: str = ""):
    result = sandbox.run([Job(textwrap.dedent(code), (Case(stdin=stdin),))])[0]
    assert result.ok, f"the sandbox itself failed: {result.error}"
    return result.cases[0]


def numbers(stdout: str) -> list[int]:
    return [int(line) for line in stdout.split() if line.lstrip("-").isdigit()]


# ----------------------------------------------------------------------------------------------- network
@pytest.fixture
def tcp_server():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    accepted: list = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def udp_server():
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.3)
    yield server
    server.close()


def _received(server: socket.socket) -> list[bytes]:
    got = []
    try:
        while True:
            got.append(server.recv(512))
    except OSError:
        return got


def test_tcp_connection_to_a_local_server_never_arrives(sandbox, tcp_server):
    port, accepted = tcp_server
    case = run(
        sandbox,
        f"""
        import socket
        s = socket.create_connection(("127.0.0.1", {port}), timeout=1)
        s.sendall(b"exfiltrated")
        print("CONNECTED")
    """,
    )
    time.sleep(0.2)
    assert accepted == []
    assert "CONNECTED" not in case.stdout


def test_udp_datagram_to_a_local_server_never_arrives(sandbox, udp_server):
    port = udp_server.getsockname()[1]
    case = run(
        sandbox,
        f"""
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"exfiltrated", ("127.0.0.1", {port}))
        print("SENT")
    """,
    )
    assert _received(udp_server) == []
    assert "SENT" not in case.stdout


def test_dns_lookup_fails_and_reaches_no_resolver(sandbox, udp_server):
    port = udp_server.getsockname()[1]  # a resolver the test runs: it must see no query
    case = run(
        sandbox,
        f"""
        import socket
        try:
            print("RESOLVED", socket.getaddrinfo("trl-r1-sandbox-test.invalid", 80))
        except OSError as e:
            print("no resolution:", e)
        query = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(query, ("127.0.0.1", {port}))
            print("QUERY SENT")
        except OSError as e:
            print("no query:", e)
    """,
    )
    assert "RESOLVED" not in case.stdout and "QUERY SENT" not in case.stdout
    assert _received(udp_server) == []


# ----------------------------------------------------------------------------------------------- secrets
def test_environment_secret_of_the_parent_is_invisible(sandbox, monkeypatch):
    monkeypatch.setenv("TRL_R1_TEST_SECRET", SECRET)
    case = run(
        sandbox,
        """
        import os
        print(dict(os.environ))
        for path in ("/proc/self/environ", "/proc/1/environ", f"/proc/{os.getppid()}/environ"):
            try:
                print(open(path, "rb").read())
            except OSError as e:
                print(path, e)
    """,
    )
    assert SECRET not in case.stdout
    assert "TRL_R1_TEST_SECRET" not in case.stdout


def test_trainer_process_memory_and_environ_are_unreachable(sandbox, monkeypatch):
    monkeypatch.setenv("TRL_R1_TEST_SECRET", SECRET)
    case = run(
        sandbox,
        f"""
        import os
        for path in ("/proc/{os.getpid()}/environ", "/proc/{os.getpid()}/cmdline", "/proc/{os.getpid()}/mem"):
            try:
                print(open(path, "rb").read(4096))
            except OSError as e:
                print("denied", path, e)
        try:
            print("VISIBLE", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
        except OSError:
            print("VISIBLE none")
    """,
    )
    assert SECRET not in case.stdout and "pytest" not in case.stdout
    visible = case.stdout.split("VISIBLE", 1)[1]
    assert str(os.getpid()) not in visible.replace(",", " ").split()


@pytest.fixture
def outside_secret_file():
    fd, path = tempfile.mkstemp(prefix="trl_r1_outside_", dir="/tmp")
    os.write(fd, SECRET.encode())
    os.close(fd)
    os.chmod(path, 0o644)  # world-readable: only the sandbox, not file permissions, may hide it
    yield path
    os.unlink(path)


def test_reading_a_file_the_test_created_outside_the_sandbox_fails(sandbox, outside_secret_file):
    case = run(
        sandbox,
        f"""
        try:
            print(open({outside_secret_file!r}).read())
        except OSError as e:
            print("denied", e)
    """,
    )
    assert SECRET not in case.stdout


def test_symlinks_and_hardlinks_do_not_reach_outside_files(sandbox, outside_secret_file):
    case = run(
        sandbox,
        f"""
        import os
        for make in (os.symlink, os.link):
            try:
                make({outside_secret_file!r}, "alias_" + make.__name__)
                print(open("alias_" + make.__name__).read())
            except OSError as e:
                print(make.__name__, "denied", e)
    """,
    )
    assert SECRET not in case.stdout


def test_host_files_and_project_source_are_unreadable(sandbox):
    project_file = str(Path(__file__).resolve())
    case = run(
        sandbox,
        f"""
        for path in ("/etc/passwd", "/etc/hostname", {project_file!r}, "/root/.bashrc"):
            try:
                print(open(path).read())
            except OSError as e:
                print("denied", path)
    """,
    )
    assert "root:x:0:0" not in case.stdout
    assert "Hostile programs against the local sandbox" not in case.stdout


# ----------------------------------------------------------------------------------------------- writes
@pytest.fixture
def world_writable_dir():
    path = Path(tempfile.mkdtemp(prefix="trl_r1_ww_", dir="/tmp"))
    path.chmod(0o777)  # anyone may write here: only the sandbox can stop it
    victim = path / "victim.txt"
    victim.write_text("keep me")
    victim.chmod(0o666)
    yield path
    for child in path.iterdir():
        child.unlink()
    path.rmdir()


def test_writing_outside_the_working_directory_fails(sandbox, world_writable_dir):
    name = f"trl_r1_planted_{time.time_ns()}.txt"
    targets = [str(world_writable_dir / name), f"/tmp/{name}", f"/dev/shm/{name}", f"/usr/{name}"]
    case = run(
        sandbox,
        f"""
        for path in {targets!r}:
            try:
                with open(path, "w") as f:
                    f.write("planted")
                print("WROTE", path)
            except OSError as e:
                print("denied", path)
    """,
    )
    planted = [path for path in targets if os.path.exists(path)]
    for path in planted:
        os.unlink(path)
    assert planted == [] and "WROTE" not in case.stdout


def test_deleting_or_overwriting_an_outside_file_fails(sandbox, world_writable_dir):
    victim = world_writable_dir / "victim.txt"
    run(
        sandbox,
        f"""
        import os
        for attempt in (lambda: os.remove({str(victim)!r}), lambda: open({str(victim)!r}, "w").write("gone"),
                        lambda: os.rename({str(victim)!r}, "/tmp/moved")):
            try:
                attempt()
            except OSError as e:
                print("denied", e)
    """,
    )
    assert victim.read_text() == "keep me"


def test_poisoning_the_interpreter_for_later_runs_fails(sandbox):
    stdlib = os.path.dirname(os.__file__)
    run(
        sandbox,
        f"""
        for path in ({stdlib!r} + "/sitecustomize.py", {stdlib!r} + "/trl_r1_evil.py"):
            try:
                open(path, "w").write("print('pwned')")
            except OSError as e:
                print("denied", path)
    """,
    )
    assert not os.path.exists(os.path.join(stdlib, "trl_r1_evil.py"))
    assert not os.path.exists(os.path.join(stdlib, "sitecustomize.py"))
    assert "pwned" not in run(sandbox, "import sitecustomize").stdout


def test_files_do_not_persist_from_one_run_to_the_next(sandbox):
    first = run(sandbox, "import os\nopen('note.txt', 'w').write('left behind')\nprint(os.getcwd())")
    assert first.status == "ok"
    second = run(sandbox, "import os\nprint('LEAKED' if os.path.exists('note.txt') else 'clean')")
    assert second.stdout.strip() == "clean"


# ----------------------------------------------------------------------------------------------- resources
def test_fork_bomb_is_capped_and_the_machine_keeps_forking(sandbox):
    case = run(
        sandbox,
        """
        import os, time
        n = 0
        for _ in range(500):
            try:
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                n += 1
            except OSError:
                break
        print(n, flush=True)
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """,
    )
    assert numbers(case.stdout) and numbers(case.stdout)[0] < CONFIG.max_processes
    assert case.status != "ok"
    assert subprocess.run([sys.executable, "-c", "print('alive')"], capture_output=True).stdout == b"alive\n"


def test_memory_bomb_stops_at_the_memory_limit(sandbox):
    case = run(
        sandbox,
        """
        chunks, total = [], 0
        try:
            while True:
                chunks.append(b"x" * (32 << 20))
                total += 32
                print(total, flush=True)
        except MemoryError:
            print("MemoryError")
    """,
    )
    grabbed = numbers(case.stdout)
    assert max(grabbed, default=0) <= CONFIG.memory_mb
    assert case.status != "ok" or "MemoryError" in case.stdout


def test_memory_bomb_across_processes_is_capped_for_the_whole_run(sandbox):
    if not (
        sandbox.active["cgroup"] and sandbox.active["pid_namespace"] and sandbox.active["mount_namespace"]
    ):
        pytest.skip("the per-run memory cap needs the cgroup layer (RLIMIT_AS caps each process only)")
    case = run(
        sandbox,
        """
        import ctypes, os, signal, time
        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: lets us read our children's smaps
        kids = []
        for _ in range(8):
            pid = os.fork()
            if pid == 0:
                try:
                    hold = b"x" * (150 << 20)
                except MemoryError:
                    os._exit(1)
                time.sleep(30)
                os._exit(0)
            kids.append(pid)
        time.sleep(0.8)
        for pid in kids:  # freeze the bomb so the sum below is one consistent snapshot
            try:
                os.kill(pid, signal.SIGSTOP)
            except OSError:
                pass
        time.sleep(0.05)
        total = 0
        for pid in [os.getpid()] + kids:
            try:
                for line in open(f"/proc/{pid}/smaps_rollup"):  # anonymous memory, shared pages counted once
                    if line.startswith("Pss_Anon:"):
                        total += int(line.split()[1]) // 1024
            except OSError:
                pass
        print(total, flush=True)
    """,
    )
    cap_mb = sandbox.run_memory_mb
    assert numbers(case.stdout), case.stderr
    assert numbers(case.stdout)[0] <= cap_mb


def test_infinite_loop_is_stopped_at_the_time_limit(sandbox):
    case = run(sandbox, "while True:\n    pass")
    assert case.status == "timeout"  # killed by the limit, not left to run


def test_sleeping_past_the_limit_is_stopped_at_the_wall_limit(sandbox):
    case = run(sandbox, "import time\ntime.sleep(60)\nprint('WOKE')")
    assert case.status == "timeout" and "WOKE" not in case.stdout


def test_daemon_does_not_outlive_the_run(sandbox):
    case = run(
        sandbox,
        """
        import ctypes, os, signal, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                    signal.signal(s, signal.SIG_IGN)
                ctypes.CDLL(None).prctl(15, b"trlr1daemon", 0, 0, 0)
                time.sleep(60)
            os._exit(0)
        print("daemon started")
    """,
    )
    assert case.status == "ok"
    assert "trlr1daemon" not in [name for _, _, name in live_processes()]


def test_killing_the_parent_or_other_host_processes_fails(sandbox):
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        result = sandbox.run(
            [
                Job(
                    textwrap.dedent(f"""
            import os, signal
            for pid in ({victim.pid}, {os.getpid()}, os.getppid(), 1):
                try:
                    os.kill(pid, signal.SIGKILL)
                    print("signalled", pid)
                except OSError as e:
                    print("denied", pid, e)
            os.kill(-1, signal.SIGKILL)
        """),
                    (Case(),),
                )
            ]
        )[0]
        assert result.ok  # the launcher and its reply survived too
        time.sleep(0.1)
        assert victim.poll() is None, "a host process was killed from the sandbox"
    finally:
        victim.kill()
        victim.wait()


def test_a_program_that_stops_itself_cannot_hang_the_run(sandbox):
    case = run(sandbox, "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\nprint('resumed')")
    assert case.status == "timeout" and "resumed" not in case.stdout


def test_ignoring_limit_signals_does_not_extend_the_run(sandbox):
    case = run(
        sandbox,
        """
        import signal
        for s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
            signal.signal(s, signal.SIG_IGN)
        while True:
            pass
    """,
    )
    assert case.status == "timeout"  # killed by the limit, not left to run


def test_blocking_all_signals_does_not_extend_the_run(sandbox):
    case = run(
        sandbox,
        """
        import signal, time
        signal.pthread_sigmask(signal.SIG_BLOCK, range(1, signal.NSIG))
        time.sleep(60)
        print("survived")
    """,
    )
    assert case.status == "timeout" and "survived" not in case.stdout


def test_huge_stdout_is_capped(sandbox):
    case = run(sandbox, "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)")
    assert case.status in ("output_limit", "timeout", "error")
    assert len(case.stdout) <= CONFIG.max_output_bytes and case.truncated


def test_huge_stderr_is_capped(sandbox):
    case = run(sandbox, "import sys\nwhile True:\n    sys.stderr.write('e' * 65536)")
    assert len(case.stderr) <= CONFIG.max_output_bytes and case.truncated


def test_filling_the_disk_with_one_file_stops_at_the_file_size_limit(sandbox):
    case = run(
        sandbox,
        """
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        written = 0
        with open("big.bin", "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"x" * (1 << 20))
                    written += 1
            except OSError as e:
                print("stopped", e)
        print(written)
    """,
    )
    assert numbers(case.stdout) and numbers(case.stdout)[-1] <= CONFIG.max_file_size_mb


def test_filling_the_disk_with_many_files_stops_at_the_workdir_size(sandbox):
    if not sandbox.active["mount_namespace"]:
        pytest.skip("a size-capped working directory needs the mount-namespace layer")
    case = run(
        sandbox,
        """
        written = 0
        try:
            for i in range(1000):
                with open(f"f{i}.bin", "wb") as f:
                    f.write(b"x" * (1 << 20))
                written += 1
        except OSError as e:
            print("stopped", e)
        print(written)
    """,
    )
    assert numbers(case.stdout) and numbers(case.stdout)[-1] <= CONFIG.workdir_mb


def test_exhausting_file_descriptors_stops_at_the_open_files_limit(sandbox):
    case = run(
        sandbox,
        """
        fds = []
        try:
            while True:
                fds.append(open("/dev/null"))
        except OSError:
            pass
        print(len(fds))
    """,
    )
    assert numbers(case.stdout) and numbers(case.stdout)[0] < CONFIG.max_open_files


# ----------------------------------------------------------------------------------------------- privileges
def test_lifting_rlimits_with_resource_or_ctypes_fails(sandbox):
    case = run(
        sandbox,
        """
        import ctypes, resource
        libc = ctypes.CDLL(None)
        for res in (resource.RLIMIT_NPROC, resource.RLIMIT_AS, resource.RLIMIT_CPU):
            try:
                resource.setrlimit(res, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            except (ValueError, OSError):
                pass
            unlimited = (ctypes.c_ulong * 2)(2**64 - 1, 2**64 - 1)
            libc.prlimit(0, res, unlimited, None)
            libc.setrlimit(res, unlimited)
        for res in (resource.RLIMIT_NPROC, resource.RLIMIT_AS, resource.RLIMIT_CPU):
            print(resource.getrlimit(res)[1])
    """,
    )
    nproc, address_space, cpu = numbers(case.stdout)
    if sandbox.active["uid"] is not None:
        assert nproc == CONFIG.max_processes
    assert address_space == CONFIG.memory_mb << 20
    assert cpu == CONFIG.cpu_time_s + 1


def test_becoming_root_with_setuid_or_ctypes_fails(sandbox):
    if sandbox.active["uid"] is None:
        pytest.skip("the trainer is not root: programs run as its own uid")
    case = run(
        sandbox,
        """
        import ctypes, os
        libc = ctypes.CDLL(None)
        for attempt in (lambda: os.setuid(0), lambda: libc.setuid(0), lambda: libc.setresuid(0, 0, 0)):
            try:
                attempt()
            except OSError:
                pass
        print(os.getuid(), os.geteuid())
    """,
    )
    assert 0 not in numbers(case.stdout)


def test_setuid_binaries_and_subprocesses_cannot_lift_limits(sandbox):
    case = run(
        sandbox,
        """
        import os, subprocess
        os.makedirs("m", exist_ok=True)
        for cmd in (["/usr/bin/mount", "-t", "tmpfs", "none", "m"], ["/usr/bin/su", "-c", "id -u"],
                    ["/bin/sh", "-c", "ulimit -u unlimited && echo LIFTED"]):
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=1, stdin=subprocess.DEVNULL)
                print(r.stdout)
            except (OSError, subprocess.SubprocessError) as e:
                print("denied", e)
        print("MOUNTED" if os.path.ismount("m") else "not mounted")
    """,
    )
    assert "MOUNTED" not in case.stdout and "LIFTED" not in case.stdout
    assert "\n0\n" not in "\n" + case.stdout  # su never printed uid 0


def test_ptrace_of_init_or_parent_is_denied(sandbox):
    case = run(
        sandbox,
        """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        for pid in (1, os.getppid()):
            print(libc.ptrace(16, pid, 0, 0))  # PTRACE_ATTACH
    """,
    )
    assert numbers(case.stdout) == [-1, -1]


def test_new_namespaces_for_fresh_privileges_are_denied(sandbox):
    case = run(
        sandbox,
        """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
        print(libc.unshare(CLONE_NEWUSER))
        print(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET))
    """,
    )
    assert numbers(case.stdout) == [-1, -1]


def test_cgroup_and_sysfs_escape_fails(sandbox):
    case = run(
        sandbox,
        """
        import os
        for path in ("/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/cgroup.procs", "/proc/sysrq-trigger"):
            try:
                with open(path, "w") as f:
                    f.write(str(os.getpid()))
                print("ESCAPED", path)
            except OSError:
                print("denied", path)
    """,
    )
    assert "ESCAPED" not in case.stdout


def test_forged_results_on_inherited_descriptors_are_ignored(sandbox):
    result = sandbox.run(
        [
            Job(
                textwrap.dedent("""
        import os, sys
        fake = b'{"cases": [{"status": "ok", "stdout": "42"}, {"status": "ok", "stdout": "42"}]}'
        for fd in range(3, 256):
            try:
                os.write(fd, fake)
            except OSError:
                pass
        for path in ("/proc/1/fd/1", f"/proc/{os.getppid()}/fd/1"):
            try:
                open(path, "wb").write(fake)
            except OSError:
                pass
        sys.exit(1)
    """),
                (Case(),),
            )
        ]
    )[0]
    assert result.ok and len(result.cases) == 1
    assert result.cases[0].status == "error" and result.cases[0].exit_code == 1
