"""Training stages: the SFT core (cold start, stage 3), GRPO, callbacks, what the stages share, and the things
that watch a GRPO run, exported here: :class:`BenchmarkEvalCallback` (benchmark pass@1 during training),
:class:`RunDoctor` (names what goes wrong, with the fix), :class:`DashboardCallback` (the PNG dashboard) and
:func:`with_monitor` (adds the aha-moment :class:`~trl_r1.rewards.monitor.ReflectionMonitor` to the rewards)."""

from trl_r1.training.benchmark_eval import BenchmarkEvalCallback
from trl_r1.training.callbacks import DashboardCallback, with_monitor
from trl_r1.training.doctor import RunDoctor

__all__ = ["BenchmarkEvalCallback", "DashboardCallback", "RunDoctor", "with_monitor"]
