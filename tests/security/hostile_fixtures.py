"""Fixtures shared by the hostile-program suites (imported by them: a conftest here would shadow the top one): one sandbox per module, and after every test no process
of a sandbox uid alive and no file of one left in the host's shared temporary directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from trl_r1.sandbox import LocalSandbox, SandboxConfig

HOSTILE_CONFIG = SandboxConfig(
    timeout_s=1.5,
    cpu_time_s=1,
    memory_mb=256,
    max_processes=16,
    max_file_size_mb=4,
    workdir_mb=16,
    max_output_bytes=4096,
    max_workers=2,
)


def live_processes() -> list[tuple[int, int, str]]:
    """(pid, uid, name) of every process still running (zombies are dead: they run no code)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(
                        (int(entry.name), os.stat(entry.path).st_uid, stat.split("(", 1)[1].rsplit(")", 1)[0])
                    )
            except (OSError, IndexError):
                continue
    return found


def files_of(uids) -> list[str]:
    found = []
    for directory in ("/tmp", "/var/tmp", "/dev/shm", os.path.dirname(os.__file__)):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid in uids:
                    found.append(entry.path)
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def hostile_sandbox() -> LocalSandbox:
    if not sys.platform.startswith("linux"):
        pytest.skip("the local sandbox is Linux-only")
    sandbox = LocalSandbox(HOSTILE_CONFIG)
    yield sandbox
    sandbox.close()


@pytest.fixture
def nothing_outlives_the_run(hostile_sandbox):
    yield
    uids = set(hostile_sandbox.uids)
    assert [p for p, uid, _ in live_processes() if uid in uids] == [], "a sandboxed process outlived its run"
    assert files_of(uids) == [], "a sandboxed program left a file on the host"
