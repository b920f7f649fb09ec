"""Training stages: the SFT core (cold start, stage 3), GRPO, callbacks, what the stages share, and the
training-time watchers (benchmark pass@1 during training, the run doctor)."""

from trl_r1.training.benchmark_eval import BenchmarkEvalCallback
from trl_r1.training.doctor import RunDoctor

__all__ = ["BenchmarkEvalCallback", "RunDoctor"]
