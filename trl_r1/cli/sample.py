"""``trl-r1 sample``: rejection sampling from the command line (R1 stage 3 data).

Every option is a field of :class:`~trl_r1.rejection.config.RejectionSamplingConfig` (``--num-samples``
is ``num_samples``), with the same help, so the CLI, YAML recipes and the library never drift.
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from typing import Any

from trl_r1.rejection.config import PROMPT_TEMPLATES, SELECTIONS, InvalidInput, RejectionSamplingConfig

REQUIRED = ("model", "dataset", "output_dir")
CHOICES = {"prompt_template": PROMPT_TEMPLATES, "selection": SELECTIONS,
           "backend": ("auto", "transformers", "vllm", "vllm-server")}
EPILOG = """\
input columns: 'prompt' (a string, or chat messages), else 'question' / 'problem' made into a prompt
  by --prompt-template; gold answers in 'solution' (or 'answer' when there is no 'solution').
outputs in OUTPUT_DIR: dataset/ (datasets.load_from_disk; prompt, completion, kind, source, prompt_index,
  sample_index, num_tokens, rewards, judged), report.json, dropped.jsonl (every dropped sample and why),
  shards/ (re-run the same command to resume after a crash).
example: trl-r1 sample --model ckpt/ --dataset prompts.jsonl --num-samples 8 --max-per-prompt 2 \\
  --non-reasoning-dataset synthetic://non_reasoning?n=1000 --output-dir stage3_data/"""


def _optional(convert: Any) -> Any:
    def parse(value: str) -> Any:
        return None if value.lower() == "none" else convert(value)

    parse.__name__ = getattr(convert, "__name__", "value")
    return parse


def _argument(name: str, hint: Any) -> dict[str, Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    optional = type(None) in args
    inner = [a for a in args if a is not type(None)]
    if hint is bool:
        return {"action": argparse.BooleanOptionalAction}
    if origin is list or (inner and typing.get_origin(inner[0]) is list):
        item = typing.get_args(hint if origin is list else inner[0])
        return {"nargs": "+", "type": float if item and item[0] is float else str}
    base = inner[0] if optional and inner else hint
    convert = base if base in (int, float) else str
    return {"type": _optional(convert) if optional else convert}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    hints = typing.get_type_hints(RejectionSamplingConfig)
    for f in dataclasses.fields(RejectionSamplingConfig):
        kwargs = _argument(f.name, hints[f.name])
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if f.name in REQUIRED:
            kwargs["required"] = True
        else:
            kwargs["default"] = default
        help_text = f.metadata.get("help", "")
        if f.name in CHOICES:
            kwargs["choices"] = CHOICES[f.name]
        if f.name not in REQUIRED and kwargs.get("action") is None and "(default" not in help_text:
            help_text += f" (default: {default})"
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, help=help_text, **kwargs)


def run(args: argparse.Namespace) -> int:
    from trl_r1.cli import UsageError
    from trl_r1.rejection.runner import rejection_sample

    try:
        config = RejectionSamplingConfig(**{f.name: getattr(args, f.name)
                                            for f in dataclasses.fields(RejectionSamplingConfig)})
        report = rejection_sample(config)
    except InvalidInput as e:
        raise UsageError(str(e)) from None
    from accelerate import PartialState

    if not PartialState().is_main_process:
        return 0
    rows = [("prompts", report["prompts"]), ("generated", report["generated"]), ("kept", report["kept"])]
    rows += [(f"  dropped: {reason}", n) for reason, n in report["dropped"].items()]
    rows += [("non-reasoning mixed in", report["non_reasoning"]), ("dataset rows", report["rows"])]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{label:<{width}}{value:>8}" for label, value in rows]
    lines.append(f"dataset: {report['dataset_path']}")
    print("\n".join(lines))
    return 0
