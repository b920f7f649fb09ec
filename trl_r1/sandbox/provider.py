"""What a sandbox provider runs and returns: the interface remote sandboxes (E2B, Piston) plug into."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

#: Statuses of one test-case run. Everything but ``"ok"`` is the program's fault and scores 0
#: (``"skipped"``: not run because an earlier case failed in a ``fail_fast`` job;
#: ``"compile_error"``: a compiled language's source did not compile).
CASE_STATUSES = ("ok", "error", "timeout", "output_limit", "skipped", "compile_error")


@dataclass(frozen=True)
class Step:
    """Test code run after the program, in its namespace: ``exec`` a statement block, ``eval`` an
    expression, or ``call`` a function the program defines with ``args`` (a JSON list).
    ``eval`` and ``call`` report the value, which must be builtin data (see :class:`StepResult`)."""

    kind: str
    source: str
    args: str = "[]"

    def __post_init__(self):
        if self.kind not in ("exec", "eval", "call"):
            raise ValueError(f"Step.kind must be 'exec', 'eval' or 'call', got {self.kind!r}")

    @classmethod
    def call(cls, name: str, args: Sequence[Any]) -> Step:
        """``name(*args)``; ``args`` must be JSON data."""
        return cls("call", name, json.dumps(list(args)))

    def wire(self) -> dict:
        return {"call": self.source, "args": self.args} if self.kind == "call" else {self.kind: self.source}


@dataclass(frozen=True)
class Case:
    """One execution of the program: ``stdin`` is fed to it; ``steps`` (Python only) run after it
    ends normally. ``output_bytes``: capture stdout/stderr up to this size, when larger than the
    sandbox's default cap (a caller judging the output must not derive it from the expected output:
    the program could read it)."""

    stdin: str = ""
    steps: tuple[Step, ...] | None = None
    output_bytes: int | None = None


@dataclass(frozen=True)
class Job:
    """A program and the cases to run it on; every case gets a fresh process. ``language``:
    ``"python"`` or, where the provider has a compiler, ``"cpp"`` (compiled once per job). With
    ``fail_fast`` the cases after the first one that is not ``"ok"`` are skipped."""

    code: str
    cases: tuple[Case, ...]
    language: str = "python"
    fail_fast: bool = False


@dataclass(frozen=True)
class StepResult:
    """What one step did: ``error`` (``"Type: message"``) when it raised or its value was not
    builtin data (``int``, ``float``, ``complex``, ``bool``, ``str``, ``bytes``, ``None``, and
    ``list``/``tuple``/``set``/``frozenset``/``dict`` of these, exact types), else ``value``."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class CaseResult:
    """What one case did. ``status`` is one of :data:`CASE_STATUSES`. For a case with steps,
    ``steps`` holds one entry per step (``None``: never reported) and ``complete`` is true when every
    step was reported. The program can write the report itself, so a step's value is only ever
    evidence of what the program computes: judge it against values the sandbox never saw."""

    status: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    signal: int | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    truncated: bool = False
    steps: tuple[StepResult | None, ...] | None = None
    complete: bool = False


@dataclass(frozen=True)
class JobResult:
    """The cases' results, or ``error`` when the sandbox itself failed (never the program's fault):
    a reward must then return ``None`` for the completion, not 0. ``compile_output``: the
    compiler's stderr for compiled languages. ``extra["cut"]``: the program was stopped for running
    past its share of the call's time budget while others waited; its cases from the one running
    then are ``"skipped"`` (not run to their end), so a reward must not count them as failures."""

    cases: tuple[CaseResult, ...] = ()
    error: str | None = None
    compile_output: str = ""
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
    ``languages`` names the ``Job.language`` values it runs.
    """

    name: str
    languages: frozenset[str]

    def describe(self) -> dict[str, str]:
        """Requirement -> the layer that enforces it (e.g. ``{"network": "net_namespace"}``)."""
        ...

    def run(self, jobs: Sequence[Job], budget_s: float | None = None) -> list[JobResult]:
        """Run ``jobs`` (in parallel where possible) and return one result per job, in order.

        Jobs not finished within ``budget_s`` seconds come back with ``error`` set.
        """
        ...
