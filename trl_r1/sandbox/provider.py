"""What a sandbox provider runs and returns: the interface remote sandboxes (E2B, Piston) plug into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

#: Statuses of one test-case run. Everything but ``"ok"`` is the program's fault and scores 0
#: (``"skipped"``: not run because an earlier case failed in a ``fail_fast`` job).
CASE_STATUSES = ("ok", "error", "timeout", "output_limit", "skipped")


@dataclass(frozen=True)
class Case:
    """One execution of the program: ``stdin`` is fed to it, ``append`` is Python code run after it
    (an ``assert`` test), both optional."""

    stdin: str = ""
    append: str = ""


@dataclass(frozen=True)
class Job:
    """A program and the cases to run it on; every case gets a fresh process. With ``fail_fast`` the
    cases after the first one that is not ``"ok"`` are skipped (all-or-nothing scoring)."""

    code: str
    cases: tuple[Case, ...]
    language: str = "python"
    fail_fast: bool = False


@dataclass(frozen=True)
class CaseResult:
    """What one case did. ``status`` is one of :data:`CASE_STATUSES`."""

    status: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    signal: int | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    truncated: bool = False


@dataclass(frozen=True)
class JobResult:
    """The cases' results, or ``error`` when the sandbox itself failed (never the program's fault):
    a reward must then return ``None`` for the completion, not 0."""

    cases: tuple[CaseResult, ...] = ()
    error: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


class SandboxUnavailableError(RuntimeError):
    """The sandbox cannot give the isolation asked for on this machine; raised before anything runs."""


@runtime_checkable
class SandboxProvider(Protocol):
    """Runs untrusted programs. Implementations: :class:`trl_r1.sandbox.LocalSandbox`.

    A remote provider (E2B, Piston, ...) implements :meth:`run` by sending each job out and
    mapping transport/service failures to ``JobResult(error=...)``, never to a failed case.
    """

    name: str

    def describe(self) -> dict[str, str]:
        """Requirement -> the layer that enforces it (e.g. ``{"network": "net_namespace"}``)."""
        ...

    def run(self, jobs: Sequence[Job], budget_s: float | None = None) -> list[JobResult]:
        """Run ``jobs`` (in parallel where possible) and return one result per job, in order.

        Jobs not finished within ``budget_s`` seconds come back with ``error`` set.
        """
        ...
