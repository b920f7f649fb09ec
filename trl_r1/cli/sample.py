"""``trl-r1 sample``: rejection sampling from the command line (R1 stage 3 data).

Every option is a field of :class:`~trl_r1.rejection.config.RejectionSamplingConfig` (``--num-samples``
is ``num_samples``; ``--model``, ``--output-dir``, ``--seed`` and ``--push-to-hub`` are the aliases of
``sampling_model``, ``samples_dir``, ``sampling_seed`` and ``push_samples_to_hub``), parsed as it is by TRL's
``TrlParser``: ``trl-r1 sample --config x.yaml`` reads them from YAML, command-line flags override it. The
CLI, YAML recipes and the library never drift.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from trl_r1.rejection.config import InvalidInput, RejectionSamplingConfig
from trl_r1.training.options import CommandParser, parse_options

EPILOG = """\
input columns: 'prompt' (a string, or chat messages), else 'question' / 'problem' made into a prompt
  by --prompt-template; gold answers in 'solution' (or 'answer' when there is no 'solution').
outputs in OUTPUT_DIR: dataset/ (datasets.load_from_disk; prompt, completion, kind, source, prompt_index,
  sample_index, num_tokens, rewards, judged), report.json, dropped.jsonl (every dropped sample and why),
  shards/ (re-run the same command to resume after a crash).
example: trl-r1 sample --model ckpt/ --dataset prompts.jsonl --num-samples 8 --max-per-prompt 2 \\
  --non-reasoning-dataset synthetic://non_reasoning?n=1000 --output-dir stage3_data/"""


def _changed(values: dict[str, Any]) -> dict[str, Any]:
    """The values that differ from RejectionSamplingConfig's defaults (what the user set)."""
    defaults = {
        f.name: f.default
        for f in dataclasses.fields(RejectionSamplingConfig)
        if f.default is not dataclasses.MISSING
    }
    return {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`RejectionSamplingConfig` (``--config x.yaml`` plus command-line overrides)."""
    return CommandParser(
        (RejectionSamplingConfig,),
        prog="trl-r1 sample",
        epilog=EPILOG,
        description="rejection sampling: sample, verify, filter, mix (R1 stage 3)",
    )


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 sample ARGS``: parse, sample, print the report."""
    return run(parse_options(make_parser(), argv))


# What `trl-r1 sample` writes in --output-dir (trl_r1.rejection.runner): a folder holding anything else is the
# user's (the input data's folder, a model folder) and is refused, never written into.
SAMPLE_OUTPUTS = ("dataset", "report.json", "dropped.jsonl", "shards")


def own_output_dir(directory: str) -> None:
    """Refuse an ``--output-dir`` that holds files ``trl-r1 sample`` does not write (a rerun into its own folder
    resumes, so an earlier sampling run's folder is accepted)."""
    from trl_r1._runtime import UsageError

    path = Path(directory)
    if not path.is_dir():
        return
    foreign = sorted(
        p.name
        for p in path.iterdir()
        if p.name not in SAMPLE_OUTPUTS
        and not p.name.startswith((".trl_r1-probe-", ".report.json.", ".dropped.jsonl."))
    )
    if foreign:
        raise UsageError(
            f"--output-dir: {directory} holds files trl-r1 sample did not write ({', '.join(foreign[:3])}"
            f"{', ...' if len(foreign) > 3 else ''}); give a new or empty directory"
        )


def run(config: RejectionSamplingConfig) -> int:
    from trl_r1._runtime import UsageError
    from trl_r1.cli import _checks
    from trl_r1.data.loading import check_dataset_spec
    from trl_r1.rejection.runner import rejection_sample
    from trl_r1.training.arguments import input_problems
    from trl_r1.training.model_checks import context_fit_problems

    values = {f.name: getattr(config, f.name) for f in dataclasses.fields(RejectionSamplingConfig)}
    _checks.check_values(_changed(values), (RejectionSamplingConfig,))  # the ranges the config does not check
    own_output_dir(config.samples_dir)
    _checks.output_dir(config.samples_dir)
    extra = config.non_reasoning_dataset
    problems = [f"--non-reasoning-dataset: {p}" for p in [extra and check_dataset_spec(extra)] if p]
    problems += input_problems(
        "sample",
        [config],
        config.sampling_model,
        [config.dataset_name],
        reward_names=[r for r in config.reward_funcs or [] if isinstance(r, str)],
    )
    problems = problems or context_fit_problems("sample", _changed(values), config.sampling_model)
    if problems:  # the data, model, rewards and budgets, before the model loads
        raise UsageError(problems[0])
    try:
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
