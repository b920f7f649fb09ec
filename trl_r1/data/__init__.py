"""Data: dataset specs and loading, cold-start formatting, readability filters, mixtures and the synthetic
verifiable task. The text formats these build on (completion parser, prompt templates) are :mod:`trl_r1.text`'s."""

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
}


def __getattr__(name: str):
    # `datasets` is slow to import: load the modules that need it on first use (fast `--help`).
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'trl_r1.data' has no attribute {name!r}")


__all__ = sorted(_LAZY)
