"""Training-time watchers: benchmark pass@1 during training and the run doctor."""

from trl_r1.training.benchmark_eval import BenchmarkEvalCallback
from trl_r1.training.doctor import RunDoctor

__all__ = ["BenchmarkEvalCallback", "RunDoctor"]
