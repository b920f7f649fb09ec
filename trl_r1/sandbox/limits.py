"""Limits and isolation settings of the local sandbox, as a flat dataclass ``TrlParser`` can fill."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: Isolation layers the local provider knows, strongest first within each requirement.
LAYERS = (
    "uid",
    "pid_namespace",
    "net_namespace",
    "mount_namespace",
    "cgroup_namespace",
    "landlock",
    "seccomp",
    "cgroup",
)


@dataclass
class SandboxConfig:
    """How each untrusted program is confined. Defaults keep a full pool of programs well inside
    a small machine: ``max_workers`` x (``memory_mb`` + tmpfs) of memory at most."""

    timeout_s: float = field(default=4.0, metadata={"help": "Wall-clock limit per test case, in seconds."})
    cpu_time_s: int = field(
        default=2, metadata={"help": "CPU-time limit per test case, in seconds (RLIMIT_CPU)."}
    )
    memory_mb: int = field(
        default=1024,
        metadata={
            "help": "Memory per program: address space per process (RLIMIT_AS) and, with the cgroup "
            "layer, all processes of a run together."
        },
    )
    max_processes: int = field(
        default=32, metadata={"help": "Processes per run (RLIMIT_NPROC per sandbox uid; cgroup pids.max)."}
    )
    max_file_size_mb: int = field(
        default=16, metadata={"help": "Largest file (stdout included) a program may write (RLIMIT_FSIZE)."}
    )
    max_open_files: int = field(
        default=64, metadata={"help": "Open file descriptors per process (RLIMIT_NOFILE)."}
    )
    workdir_mb: int = field(
        default=64, metadata={"help": "Size of the private tmpfs working directory (mount-namespace layer)."}
    )
    max_output_bytes: int = field(
        default=1 << 20,
        metadata={
            "help": "stdout and stderr are each captured up to this many bytes; output past it fails the "
            "case. Fixed, never derived from the expected output (the program could read it)."
        },
    )
    max_workers: int = field(
        default_factory=lambda: os.cpu_count() or 1,
        metadata={"help": "Programs run at once (bounded pool). Defaults to the number of CPUs."},
    )
    budget_s: float = field(
        default=120.0,
        metadata={"help": "Total time budget of one reward call; programs not done by then get reward None."},
    )
    require_layers: list[str] = field(
        default_factory=list,
        metadata={
            "help": f"Layers that must be active, else the sandbox refuses to start. Choices: {LAYERS}."
        },
    )
    disable_layers: list[str] = field(
        default_factory=list, metadata={"help": f"Layers not to use even when available. Choices: {LAYERS}."}
    )
    sandbox_uid: int = field(
        default=60000,
        metadata={
            "help": "When running as root, programs run as unprivileged uids from this one up "
            "(one per pool slot, leased machine-wide, so no two live sandboxes share one)."
        },
    )
    uid_span: int = field(
        default=4096,
        metadata={"help": "How many uids from sandbox_uid up may be leased (accounts are skipped)."},
    )
    lock_dir: str = field(
        default="/tmp/trl_r1_sandbox_locks",
        metadata={
            "help": "Directory of the uid lease lock files; every trainer on a machine must use the same."
        },
    )
    cpp_compiler: str | None = field(
        default="g++",
        metadata={"help": "C++ compiler run inside the sandbox; None (or absent) disables C++."},
    )
    compile_timeout_s: float = field(
        default=20.0, metadata={"help": "Wall-clock (and CPU-time) limit of one compilation, in seconds."}
    )
    compile_memory_mb: int = field(
        default=2048, metadata={"help": "Address space of the compiler's processes (RLIMIT_AS), in MB."}
    )
    python: str | None = field(
        default=None, metadata={"help": "Interpreter running the programs; defaults to this Python's."}
    )
    python_paths: list[str] = field(
        default_factory=list,
        metadata={
            "help": "Extra directories (e.g. a site-packages with numpy) programs may import from, read-only."
        },
    )

    def __post_init__(self):
        for name in (
            "timeout_s",
            "cpu_time_s",
            "memory_mb",
            "max_processes",
            "max_file_size_mb",
            "max_open_files",
            "workdir_mb",
            "max_output_bytes",
            "max_workers",
            "budget_s",
            "uid_span",
            "compile_timeout_s",
            "compile_memory_mb",
        ):
            if not getattr(self, name) > 0:
                raise ValueError(f"SandboxConfig.{name} must be > 0, got {getattr(self, name)!r}")
        if self.max_open_files < 16:
            raise ValueError("SandboxConfig.max_open_files must be >= 16: the interpreter itself needs some")
        for name in ("require_layers", "disable_layers"):
            unknown = sorted(set(getattr(self, name)) - set(LAYERS))
            if unknown:
                raise ValueError(f"SandboxConfig.{name}: unknown layer(s) {unknown}; choose from {LAYERS}")
        both = sorted(set(self.require_layers) & set(self.disable_layers))
        if both:
            raise ValueError(f"SandboxConfig: layer(s) {both} are both required and disabled")
