"""Data: prompt templates, the R1 completion formats and the synthetic verifiable task."""

from trl_r1.data.format import (
    DEFAULT_MARKERS,
    R1_TAGS,
    Markers,
    ParsedCompletion,
    completion_text,
    last_boxed,
    parse_completion,
)
from trl_r1.data.loading import load_dataset_spec, resolve_model
from trl_r1.data.synthetic import (
    ArithmeticProblem,
    make_non_reasoning,
    make_problems,
    make_splits,
    split_problems,
    to_dataset,
)
from trl_r1.data.templates import (
    R1_ZERO_INSTRUCTION,
    R1_ZERO_TEMPLATE,
    apply_r1_zero_template,
    r1_zero_prompt,
)

__all__ = [
    "DEFAULT_MARKERS",
    "R1_TAGS",
    "R1_ZERO_INSTRUCTION",
    "R1_ZERO_TEMPLATE",
    "ArithmeticProblem",
    "Markers",
    "ParsedCompletion",
    "apply_r1_zero_template",
    "completion_text",
    "last_boxed",
    "load_dataset_spec",
    "resolve_model",
    "split_problems",
    "make_non_reasoning",
    "make_problems",
    "make_splits",
    "parse_completion",
    "r1_zero_prompt",
    "to_dataset",
]
