"""The local sandbox at scale: uid leases across processes and instances, cleanup after a killed
trainer, workers replaced when they die, and no state carried from one program to the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from trl_r1.sandbox import Case, Job, LocalSandbox, SandboxConfig, UidLease, clean_stale
from trl_r1.sandbox.isolation import cgroup_bases

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the local sandbox is Linux-only"
)

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="sandbox uids, namespaces and cgroups need root")
CONFIG = SandboxConfig(timeout_s=2.0, cpu_time_s=1, memory_mb=256, max_workers=1)


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def test_uid_leases_never_overlap_across_any_number_of_instances(tmp_path):
    leases = [UidLease(61000, 2, 64, str(tmp_path)) for _ in range(12)]  # the old scheme wrapped after 8
    uids = [uid for lease in leases for uid in lease.uids]
    assert len(uids) == len(set(uids)) == 24
    leases[0].release()
    reused = UidLease(61000, 2, 64, str(tmp_path))  # released uids are free again
    assert set(reused.uids) == set(leases[0].uids)
    with pytest.raises(RuntimeError, match="sandbox uids free"):
        UidLease(61000, 64, 64, str(tmp_path))


def test_uid_leases_never_overlap_across_processes_and_die_with_their_holder(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from trl_r1.sandbox import UidLease
            lease = UidLease(61000, 3, 64, {str(tmp_path)!r})
            print(*lease.uids, flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        theirs = set(map(int, holder.stdout.readline().split()))
        mine = UidLease(61000, 3, 64, str(tmp_path))
        assert len(theirs) == 3 and not theirs & set(mine.uids)
    finally:
        holder.kill()  # SIGKILL: the kernel drops its locks
        holder.wait()
    after = UidLease(61000, 3, 64, str(tmp_path))
    assert set(after.uids) == theirs


@needs_root
def test_two_sandboxes_in_one_process_get_disjoint_uids():
    first, second = LocalSandbox(CONFIG), LocalSandbox(CONFIG)
    try:
        assert first.uids and second.uids and not set(first.uids) & set(second.uids)
    finally:
        first.close()
        second.close()


def _start_and_kill_a_trainer() -> int:
    """A trainer that starts a sandbox and runs a program, then is SIGKILLed; its pid."""
    trainer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
            import sys
            from trl_r1.sandbox import Case, Job, LocalSandbox, SandboxConfig
            sandbox = LocalSandbox(SandboxConfig(max_workers=1))
            print(sandbox.run([Job("print('ran')", (Case(),))])[0].cases[0].stdout, flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert trainer.stdout.readline().strip() == "ran"
    trainer.send_signal(signal.SIGKILL)
    trainer.wait()
    return trainer.pid


def _leftovers(pid: int) -> list[Path]:
    import tempfile

    found = list(Path(tempfile.gettempdir()).glob(f"trl_r1_sandbox_{pid}_*"))
    for base in cgroup_bases():
        found += list(base.glob(f"trl_r1_{pid}_*"))
    return found


@needs_root
def test_after_sigkill_of_the_trainer_clean_removes_its_roots_and_cgroups():
    pid = _start_and_kill_a_trainer()
    assert _leftovers(pid), "a SIGKILLed trainer left nothing: this test would prove nothing"
    done = subprocess.run(
        [sys.executable, "-m", "trl_r1.cli", "sandbox", "clean"], capture_output=True, text=True, env=_env()
    )
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stderr
    assert _leftovers(pid) == []


@needs_root
def test_after_sigkill_of_the_trainer_the_next_start_removes_its_leftovers():
    pid = _start_and_kill_a_trainer()
    assert _leftovers(pid)
    LocalSandbox(CONFIG).close()
    assert _leftovers(pid) == []


def test_clean_leaves_live_trainers_alone():
    sandbox = LocalSandbox(CONFIG)
    try:
        sandbox.run([Job("print(1)", (Case(),))])
        mine = _leftovers(os.getpid())
        clean_stale()
        assert all(path.exists() for path in mine)
        assert sandbox.run([Job("print(2)", (Case(),))])[0].cases[0].stdout == "2\n"
    finally:
        sandbox.close()


@pytest.fixture(scope="module")
def one_worker() -> LocalSandbox:
    sandbox = LocalSandbox(CONFIG)
    yield sandbox
    sandbox.close()


def test_a_killed_worker_is_replaced_and_the_job_still_runs(one_worker):
    one_worker.run([Job("print(0)", (Case(),))])
    (pid,) = one_worker.worker_pids()
    os.kill(pid, signal.SIGKILL)
    result = one_worker.run([Job("print(int(input()) + 1)", (Case(stdin="41"),))])[0]
    assert result.ok and result.cases[0].stdout == "42\n"
    assert one_worker.worker_pids() and one_worker.worker_pids() != [pid]


def test_closing_the_sandbox_stops_its_workers(tmp_path):
    sandbox = LocalSandbox(CONFIG)
    pids = sandbox.worker_pids()
    assert pids
    sandbox.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


LEAVE_STATE = r"""
import ctypes, os, socket, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
open("note.txt", "w").write("left")                          # a file in the working directory
for path in ("/tmp/planted", "/dev/shm/planted", "/planted"):
    try:
        open(path, "w").write("left")
    except OSError:
        pass
print("shm", libc.shmget(0x7331, 4096, 0o1666))               # SysV shared memory, message queue, semaphores
print("msg", libc.msgget(0x7332, 0o1666))
print("sem", libc.semget(0x7333, 1, 0o1666))
s = socket.socket(socket.AF_UNIX)
s.bind("\0trlr1-abstract")                                   # abstract unix socket, held by a daemon
os.environ["TRL_R1_LEFT"] = "1"
if os.fork() == 0:
    os.setsid()
    s.listen(1)
    time.sleep(60)
    os._exit(0)
print("planted")
"""

FIND_STATE = r"""
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
found = []
if os.listdir("."):
    found.append(("files", os.listdir(".")))
for path in ("/tmp/planted", "/dev/shm/planted", "/planted"):
    if os.path.exists(path):
        found.append(path)
if libc.shmget(0x7331, 0, 0) >= 0: found.append("shm")
if libc.msgget(0x7332, 0) >= 0: found.append("msg")
if libc.semget(0x7333, 0, 0) >= 0: found.append("sem")
try:
    socket.socket(socket.AF_UNIX).connect("\0trlr1-abstract")
    found.append("abstract socket")
except OSError:
    pass
if "TRL_R1_LEFT" in os.environ: found.append("env")
print("FOUND", found)
"""


def test_no_state_survives_from_one_program_to_the_next(one_worker):
    if not (one_worker.active["mount_namespace"] and one_worker.active["pid_namespace"]):
        pytest.skip(
            "a fresh IPC namespace and working directory per program need the namespace layers (root)"
        )
    left = one_worker.run([Job(LEAVE_STATE, (Case(),))])[0].cases[0]
    assert "planted" in left.stdout, left.stderr
    assert not {"shm -1", "msg -1", "sem -1"} & set(
        left.stdout.splitlines()
    )  # planting worked inside the run
    found = one_worker.run([Job(FIND_STATE, (Case(),))])[0].cases[0]
    assert found.stdout.strip() == "FOUND []", found.stdout + found.stderr


def test_workers_started_from_a_pool_thread_outlive_that_thread():
    """PR_SET_PDEATHSIG fires when the starting thread exits: workers must not die with it."""
    import threading

    sandbox = LocalSandbox(SandboxConfig(max_workers=2))
    try:
        for _ in range(3):  # every call runs on a fresh thread pool whose threads exit afterwards
            results = sandbox.run([Job("print(1)", (Case(),))] * 2)
            assert all(r.ok for r in results)
        pids = sandbox.worker_pids()
        thread = threading.Thread(target=lambda: sandbox.run([Job("print(2)", (Case(),))] * 2))
        thread.start()
        thread.join()
        assert len(pids) == 2 and sandbox.worker_pids() == pids  # nobody was replaced
        assert all(w.starts == 1 for w in sandbox._workers)
    finally:
        sandbox.close()


@needs_root
def test_clean_kills_leftovers_of_unleased_sandbox_uids_and_spares_leased_ones(tmp_path):
    held = UidLease(62000, 1, 8, str(tmp_path))
    (tmp_path / "uid-62005.lock").touch()  # a lease its dead trainer no longer holds
    spared = subprocess.Popen(["sleep", "60"], user=held.uids[0])
    orphan = subprocess.Popen(["sleep", "60"], user=62005)
    try:
        counts = clean_stale(str(tmp_path))
        assert orphan.wait(timeout=10) == -signal.SIGKILL
        assert spared.poll() is None and counts["uids"] == 1
    finally:
        for proc in (spared, orphan):
            proc.kill()
            proc.wait()
        held.release()


@needs_root
def test_without_the_uid_layer_mount_and_unshare_stay_denied_to_programs_running_as_root():
    sandbox = LocalSandbox(SandboxConfig(max_workers=1, disable_layers=["uid"]))
    try:
        code = (
            "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nos.makedirs('m')\n"
            "print(os.getuid(), libc.mount(b'none', b'm', b'tmpfs', 0, None), libc.unshare(0x08000000),"
            " libc.umount2(b'/proc', 2))"
        )
        case = sandbox.run([Job(code, (Case(),))])[0].cases[0]
        assert case.stdout.split() == ["0", "-1", "-1", "-1"], case.stdout + case.stderr
    finally:
        sandbox.close()


def test_a_sandbox_nobody_references_stops_its_workers():
    import gc

    sandbox = LocalSandbox(CONFIG)
    pids = sandbox.worker_pids()
    assert pids
    del sandbox
    gc.collect()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
