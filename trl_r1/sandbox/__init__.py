"""Run untrusted model-written programs safely: the execution layer behind the code reward.

``LocalSandbox`` needs nothing but Linux and this package; remote sandboxes plug in through the
``SandboxProvider`` interface. ``trl-r1 sandbox clean`` removes what killed trainers
left behind (:func:`clean_stale`).
"""

from trl_r1.sandbox.cleanup import UidLease, clean_stale
from trl_r1.sandbox.limits import LAYERS, SandboxConfig
from trl_r1.sandbox.local import SANDBOX_ENV, LocalSandbox
from trl_r1.sandbox.provider import (
    CASE_STATUSES,
    Case,
    CaseResult,
    Job,
    JobResult,
    SandboxProvider,
    SandboxUnavailableError,
    Step,
    StepResult,
)

__all__ = [
    "CASE_STATUSES",
    "LAYERS",
    "SANDBOX_ENV",
    "Case",
    "CaseResult",
    "Job",
    "JobResult",
    "LocalSandbox",
    "SandboxConfig",
    "SandboxProvider",
    "SandboxUnavailableError",
    "Step",
    "StepResult",
    "UidLease",
    "clean_stale",
]
