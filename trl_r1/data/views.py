"""Hub dataset layouts as they are: a config name, a split, column renames and row filters in
the dataset spec, so a recipe consumes ``open-r1/OpenR1-Math-220k`` or ``AI-MO/NuminaMath-CoT``
with keys only, no code.

A spec is ``NAME_OR_PATH?OPTION=VALUE&...`` (the query is applied after loading, in this order):

* ``config=NAME`` - the hub dataset's configuration (``open-r1/Mixture-of-Thoughts?config=math``);
* ``split=NAME`` - the split (wins over the stage's ``dataset_train_split``);
* ``rename=OLD:NEW,OLD2:NEW2`` - column renames; a column already named NEW is replaced
  (``rename=answer:solution`` makes DeepScaleR's short answer the gold that the accuracy reward reads);
* ``require=COL[,COL2]`` - keep rows whose value is truthy; for a list, at least one element
  (``require=correctness_math_verify``: at least one generation verified by math-verify);
* ``where=COL:V1|V2`` - keep rows whose value (as text) is one of V1, V2 (repeatable);
* ``min=COL:X`` / ``max=COL:X`` - keep rows whose number is >= / <= X (repeatable);
* ``max_rows=N`` - the first N rows left.

>>> from datasets import Dataset
>>> rows = Dataset.from_list([{"problem": "1+1", "answer": "2", "level": "Level 1"},
...                           {"problem": "2+3", "answer": "5", "level": "Level 5"}])
>>> base, view = parse_view("org/name?rename=answer:solution&where=level:Level 5")
>>> base, view.apply(rows).to_list()
('org/name', [{'problem': '2+3', 'solution': '5', 'level': 'Level 5'}])
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

logger = logging.getLogger(__name__)

VIEW_OPTIONS = ("config", "split", "rename", "require", "where", "min", "max", "max_rows")


@dataclass(frozen=True)
class DatasetView:
    """What the query of a dataset spec asks for (see the module docstring)."""

    config: str | None = None
    split: str | None = None
    rename: tuple[tuple[str, str], ...] = ()
    require: tuple[str, ...] = ()
    where: tuple[tuple[str, frozenset[str]], ...] = ()
    minimum: tuple[tuple[str, float], ...] = ()
    maximum: tuple[tuple[str, float], ...] = ()
    max_rows: int | None = None

    def apply(self, dataset: Any, spec: str = "dataset") -> Any:
        """Renames, then filters, then ``max_rows``; a column that does not exist is an error naming it."""
        for old, new in self.rename:
            _need(dataset, old, spec, "rename")
            if new in dataset.column_names and new != old:
                dataset = dataset.remove_columns(new)
            dataset = dataset.rename_column(old, new)
        checks: list[tuple[str, Callable[[Any], bool]]] = []
        checks += [(c, _truthy) for c in self.require]
        checks += [(c, lambda v, ok=ok: v is not None and str(v) in ok) for c, ok in self.where]
        checks += [(c, lambda v, x=x: _number(v) is not None and _number(v) >= x) for c, x in self.minimum]
        checks += [(c, lambda v, x=x: _number(v) is not None and _number(v) <= x) for c, x in self.maximum]
        if checks:
            for column, _ in checks:
                _need(dataset, column, spec, "filter")
            before = len(dataset)
            dataset = dataset.filter(lambda row: all(check(row[c]) for c, check in checks))
            logger.info("%s: %d of %d rows pass the filters", spec, len(dataset), before)
        if self.max_rows is not None:
            dataset = dataset.select(range(min(self.max_rows, len(dataset))))
        return dataset


def _need(dataset: Any, column: str, spec: str, what: str) -> None:
    if column not in dataset.column_names:
        raise ValueError(
            f"{spec}: {what} names column {column!r}, which is missing; columns: {dataset.column_names}"
        )


def _truthy(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(bool(v) for v in value)
    return bool(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _pair(value: str, option: str, spec: str) -> tuple[str, str]:
    left, sep, right = value.partition(":")
    if not sep or not left.strip() or not right.strip():
        raise ValueError(f"{spec}: {option}={value!r} must be COLUMN:VALUE")
    return left.strip(), right.strip()


def parse_view(spec: str, base: str | None = None) -> tuple[str, DatasetView]:
    """Split ``spec`` into the dataset name/path and its :class:`DatasetView`; unknown options fail. ``base``:
    the name/path part when it holds a ``?`` itself (a local file so named), else the text before the first ``?``."""
    if base is not None and spec.startswith(base + "?"):
        query = spec[len(base) + 1 :]
    else:
        base, _, query = spec.partition("?")
    fields: dict[str, Any] = {"rename": [], "require": [], "where": [], "minimum": [], "maximum": []}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in VIEW_OPTIONS:
            raise ValueError(f"{spec}: unknown dataset option {key!r}; allowed: {', '.join(VIEW_OPTIONS)}")
        if key in ("config", "split"):
            fields[key] = value
        elif key == "max_rows":
            if not value.isdigit() or int(value) < 1:
                raise ValueError(f"{spec}: max_rows must be a positive integer, got {value!r}")
            fields["max_rows"] = int(value)
        elif key == "rename":
            fields["rename"] += [_pair(p, key, spec) for p in value.split(",") if p]
        elif key == "require":
            fields["require"] += [c.strip() for c in value.split(",") if c.strip()]
        elif key == "where":
            column, values = _pair(value, key, spec)
            fields["where"].append((column, frozenset(v.strip() for v in values.split("|"))))
        else:
            column, number = _pair(value, key, spec)
            if _number(number) is None:
                raise ValueError(f"{spec}: {key}={value!r} needs a number after the colon")
            fields["minimum" if key == "min" else "maximum"].append((column, float(number)))
    view = DatasetView(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
    return base, view


def load_view(spec: str, split: str, load: Callable[[str, str], Any], base: str | None = None) -> Any:
    """Load ``spec`` (``NAME?options``) with ``load(name, split)`` for local data, or
    ``datasets.load_dataset(name, config, split=...)`` when a ``config`` is given, then apply the view
    (``base``: as in :func:`parse_view`)."""
    base, view = parse_view(spec, base)
    split = view.split or split
    if view.config is not None:
        from datasets import load_dataset

        dataset = load_dataset(base, view.config, split=split)
    else:
        dataset = load(base, split)
    return view.apply(dataset, spec=spec)
