"""R1-style evaluation: k samples per problem at temperature 0.6 / top-p 0.95, pass@1, pass@k, cons@k.

>>> from trl_r1.eval import evaluate
>>> results = evaluate("path/to/model", "math500", k=16, output_dir="eval/math500")  # doctest: +SKIP
"""

from trl_r1.eval.benchmarks import BENCHMARKS, Benchmark, BenchmarkError, Problem, load_problems
from trl_r1.eval.evaluate import evaluate, problem_prompt
from trl_r1.eval.passk import cons_at_k, majority_vote, mean_pass_at_k, pass_at_k
from trl_r1.eval.results import results_table

__all__ = [
    "BENCHMARKS",
    "Benchmark",
    "BenchmarkError",
    "Problem",
    "cons_at_k",
    "evaluate",
    "load_problems",
    "majority_vote",
    "mean_pass_at_k",
    "pass_at_k",
    "problem_prompt",
    "results_table",
]
