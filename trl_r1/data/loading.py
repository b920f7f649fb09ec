"""Resolve model names and dataset specs, so one YAML works offline on a CPU and on a cluster.

Models: ``resolve_model("trl-r1/tiny")`` builds the tiny offline model once, caches it under
``$TRL_R1_CACHE`` (default ``~/.cache/trl_r1``) and returns its path; ``trl-r1/tiny-base`` is the
same model *without* the R1 tags (a stand-in for a real base model, so tokenizer surgery has
work to do); ``trl-r1/tiny-deepseek`` is a tiny random model over DeepSeek-V4's production
vocabulary (:mod:`trl_r1.models.tiny_deepseek`). Options go in a query: ``trl-r1/tiny?hidden_size=64&num_hidden_layers=2&seed=1``.
Any other name is returned unchanged (a local path or a hub id).

Datasets (:func:`load_dataset_spec`):

* a local ``.jsonl`` / ``.json`` / ``.parquet`` / ``.csv`` file, or a ``save_to_disk`` directory;
* ``synthetic://arithmetic?split=sft&layout=r1&n=512&seed=0&digits=2&operands=2`` - the
  verifiable task of :mod:`trl_r1.data.synthetic`. ``split``: ``sft``, ``rl`` (alias ``grpo``) or
  ``test``, always disjoint. ``layout``: ``r1`` (conversational prompt; completion: reasoning block
  + summary with ``\\boxed{}``), ``r1_zero`` (the paper's R1-Zero template as a string prompt;
  completion ``<think>…</think><answer>…</answer>``) or ``none`` (``question`` + ``solution`` only).
  ``prompt`` overrides the prompt style: ``chat`` (a user message; completions are assistant
  messages), ``r1_zero`` (the paper's template) or ``plain`` (``"47+38="``, cheapest for tiny models).
  ``completion=1`` adds the worked solution (default: only for ``split=sft``);
* ``synthetic://non_reasoning?n=100&seed=0&prompt=chat`` - simple queries answered without a chain of
  thought (``prompt=plain`` for string prompts, to mix with plain arithmetic prompts);
* anything else goes to ``datasets.load_dataset`` (hub ids; real recipes only).

Any non-synthetic spec may end in ``?config=…&split=…&rename=old:new&require=col&where=col:v1|v2&min=col:x``
(a hub dataset's layout as it is, mapped with keys only: :mod:`trl_r1.data.views`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from datasets import Dataset, DatasetDict, load_from_disk

from trl_r1.data.synthetic import make_non_reasoning, split_problems
from trl_r1.text.templates import r1_zero_prompt

logger = logging.getLogger(__name__)







def _synthetic(name: str, options: dict[str, str]) -> Dataset:
    allowed = {
        "arithmetic": {"split", "layout", "prompt", "n", "seed", "digits", "operands", "completion"},
        "non_reasoning": {"n", "seed", "prompt"},
    }
    if name not in allowed:
        raise ValueError(f"unknown synthetic dataset {name!r}; choose from {sorted(allowed)}")
    unknown = set(options) - allowed[name]
    if unknown:
        raise ValueError(f"unknown option(s) {sorted(unknown)} for synthetic://{name}; allowed: {sorted(allowed[name])}")
    n, seed = int(options.get("n", 256)), int(options.get("seed", 0))
    if name == "non_reasoning":
        style = options.get("prompt", "chat")
        if style not in ("chat", "plain"):
            raise ValueError(f"prompt must be chat or plain for non_reasoning, got {style!r}")
        return Dataset.from_list([
            {"question": r["question"], "prompt": [{"role": "user", "content": r["question"]}],
             "completion": [{"role": "assistant", "content": r["response"]}]}
            if style == "chat" else {"question": r["question"], "prompt": r["question"] + "=", "completion": r["response"]}
            for r in make_non_reasoning(n, seed=seed)
        ])
    split = options.get("split", "rl")
    layout = options.get("layout", "r1")
    if layout not in ("r1", "r1_zero", "none"):
        raise ValueError(f"layout must be r1, r1_zero or none, got {layout!r}")
    with_completion = options.get("completion", "1" if split == "sft" else "0") in ("1", "true", "yes")
    problems = split_problems(split, n, seed=seed, digits=int(options.get("digits", 2)),
                              operands=int(options.get("operands", 2)))
    prompt_style = options.get("prompt", {"r1": "chat", "r1_zero": "r1_zero"}.get(layout, "chat"))
    if prompt_style not in ("chat", "r1_zero", "plain"):
        raise ValueError(f"prompt must be chat, r1_zero or plain, got {prompt_style!r}")
    rows = []
    for p in problems:
        row: dict = {"question": p.question, "solution": str(p.answer)}
        if layout != "none":
            solution = p.r1_solution() if layout == "r1" else p.r1_zero_solution()
            if prompt_style == "chat":  # conversational: chat messages in, an assistant message out
                row["prompt"] = [{"role": "user", "content": p.question}]
                completion: Any = [{"role": "assistant", "content": solution}]
            else:  # standard: one string in, one string out
                row["prompt"] = r1_zero_prompt(p.question) if prompt_style == "r1_zero" else f"{p.question}="
                completion = solution
            if with_completion:
                row["completion"] = completion
        rows.append(row)
    return Dataset.from_list(rows)


def read_json_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = []
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{i}: not valid JSON ({e.msg})") from None
        return rows
    data = json.loads(text)
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of objects (or JSON Lines)")
    return data


def load_dataset_spec(spec: str, split: str = "train") -> Dataset:
    """Load a dataset from a spec (see the module docstring); ``split`` applies to dataset dicts."""
    if spec.startswith("synthetic://"):
        parts = urlsplit(spec)
        return _synthetic(parts.netloc, dict(parse_qsl(parts.query)))
    if "?" in spec:  # a hub layout: config, split, renames, filters (trl_r1.data.views)
        from trl_r1.data.views import load_view

        return load_view(spec, split, lambda name, s: load_dataset_spec(name, split=s))
    path = Path(spec).expanduser()
    if path.is_dir():
        data = load_from_disk(str(path))
        if isinstance(data, DatasetDict):
            if split not in data:
                raise ValueError(f"{spec}: no split {split!r}; available: {list(data)}")
            data = data[split]
        return data
    if path.suffix in (".jsonl", ".json"):
        if not path.exists():
            raise FileNotFoundError(f"dataset file {spec!r} does not exist")
        return Dataset.from_list(read_json_rows(path))
    if path.suffix == ".parquet":
        return Dataset.from_parquet(str(path))
    if path.suffix == ".csv":
        return Dataset.from_csv(str(path))
    if path.exists() or spec.startswith((".", "/", "~")):
        raise FileNotFoundError(f"dataset {spec!r} is not a .jsonl/.json/.parquet/.csv file or a saved dataset dir")
    from datasets import load_dataset

    return load_dataset(spec, split=split)
