"""R1-style evaluation: k samples per problem at temperature 0.6 / top-p 0.95, pass@1, pass@k, cons@k.

The settings are one dataclass, :class:`EvalSettings`; :func:`evaluate` takes its fields as keywords,
``trl-r1 eval`` parses it, and the in-training benchmark callback adapts its ``eval_benchmark_*`` keys to it.
:func:`evaluate_suite` runs R1's table (AIME 2024/2025, MATH-500, GPQA Diamond, LiveCodeBench).

>>> from trl_r1.eval import evaluate
>>> results = evaluate("path/to/model", "math500", k=16, output_dir="eval/math500")  # doctest: +SKIP
"""

from trl_r1.eval.benchmarks import BENCHMARKS, Benchmark, load_problems
from trl_r1.eval.evaluate import evaluate, problem_prompt
from trl_r1.eval.passk import cons_at_k, majority_vote, mean_pass_at_k, pass_at_k
from trl_r1.eval.problem import BenchmarkError, Problem
from trl_r1.eval.results import results_table
from trl_r1.eval.settings import LAYOUTS, TEMPLATES, EvalSettingError, EvalSettings
from trl_r1.eval.suite import SUITES, evaluate_suite, paper_row

__all__ = [
    "BENCHMARKS",
    "LAYOUTS",
    "SUITES",
    "TEMPLATES",
    "Benchmark",
    "BenchmarkError",
    "EvalSettingError",
    "EvalSettings",
    "Problem",
    "cons_at_k",
    "evaluate",
    "evaluate_suite",
    "load_problems",
    "majority_vote",
    "mean_pass_at_k",
    "paper_row",
    "pass_at_k",
    "problem_prompt",
    "results_table",
]
