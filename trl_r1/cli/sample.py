"""``trl-r1 sample``: rejection sampling from the command line (R1 stage 3 data).

Every option is a field of :class:`~trl_r1.rejection.config.RejectionSamplingConfig` (``--num-samples``
is ``num_samples``; ``--model``, ``--output-dir``, ``--seed`` and ``--push-to-hub`` are the aliases of
``sampling_model``, ``samples_dir``, ``sampling_seed`` and ``push_samples_to_hub``), parsed as it is by TRL's
``TrlParser``: ``trl-r1 sample --config x.yaml`` reads them from YAML, command-line flags override it. The
CLI, YAML recipes and the library never drift.
"""

from __future__ import annotations

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


def make_parser() -> CommandParser:
    """``TrlParser`` over :class:`RejectionSamplingConfig` (``--config x.yaml`` plus command-line overrides)."""
    return CommandParser((RejectionSamplingConfig,), prog="trl-r1 sample", epilog=EPILOG,
                         description="rejection sampling: sample, verify, filter, mix (R1 stage 3)")


def main(argv: list[str] | None = None) -> int:
    """``trl-r1 sample ARGS``: parse, sample, print the report."""
    return run(parse_options(make_parser(), argv))


def run(config: RejectionSamplingConfig) -> int:
    from trl_r1._runtime import UsageError
    from trl_r1.cli import _checks
    from trl_r1.rejection.runner import rejection_sample

    _checks.output_dir(config.samples_dir)
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
