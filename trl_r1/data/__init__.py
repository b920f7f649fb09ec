"""Data: prompt templates, the R1 completion formats and the synthetic verifiable task."""

from trl_r1.text.completion import (
    DEFAULT_MARKERS,
    R1_TAGS,
    Markers,
    ParsedCompletion,
    completion_text,
    last_boxed,
    parse_completion,
)
from trl_r1.text.templates import (
    R1_ZERO_INSTRUCTION,
    R1_ZERO_TEMPLATE,
    apply_r1_zero_template,
    r1_zero_prompt,
)

_LAZY = {
    "ColdStartFormat": "trl_r1.data.cold_start",
    "DatasetShapeError": "trl_r1.data.cold_start",
    "ArithmeticProblem": "trl_r1.data.synthetic",
    "make_non_reasoning": "trl_r1.data.synthetic",
    "make_problems": "trl_r1.data.synthetic",
    "make_splits": "trl_r1.data.synthetic",
    "split_problems": "trl_r1.data.synthetic",
    "to_dataset": "trl_r1.data.synthetic",
    "load_dataset_spec": "trl_r1.data.loading",
    "resolve_model": "trl_r1.models.resolve",
}


def __getattr__(name: str):
    # `datasets` is slow to import: load the modules that need it on first use (fast `--help`).
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'trl_r1.data' has no attribute {name!r}")


__all__ = [
    "ColdStartFormat",
    "DatasetShapeError",
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
