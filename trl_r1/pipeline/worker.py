"""Entry point of a stage run in its own process(es): ``python -m trl_r1.pipeline.worker --kind KIND CONFIG``.

The runner starts it directly, or under ``accelerate launch`` / ``torchrun``; every rank runs the
stage function and rank 0 writes ``metrics.json`` next to the stage's outputs.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass
class WorkerArguments:
    """The options of the stage worker (the stage's own arguments are in its ``stage_config.yaml``)."""

    kind: Literal["sft", "grpo", "sample", "eval"] = field(metadata={"help": "the stage kind"})
    stage_config: str = field(metadata={"help": "the stage's flat arguments (stage_config.yaml)"})


def main(argv: list[str] | None = None) -> int:
    import yaml

    from trl_r1._runtime import setup_logging, write_atomic
    from trl_r1.pipeline.runner import METRICS
    from trl_r1.pipeline.stages import KINDS
    from trl_r1.training.options import CommandParser, parse_options

    parser = CommandParser(
        positional="stage_config", dataclass_types=(WorkerArguments,), prog="python -m trl_r1.pipeline.worker"
    )
    ns = parse_options(parser, sys.argv[1:] if argv is None else argv)
    setup_logging()
    args = yaml.safe_load(Path(ns.stage_config).read_text(encoding="utf-8"))
    kind = KINDS[ns.kind]
    metrics = kind.run(args)
    if int(os.environ.get("RANK", "0")) == 0:
        write_atomic(Path(args[kind.output_key]) / METRICS, json.dumps(metrics, indent=2))
    _leave_process_group()
    return 0


def _leave_process_group() -> None:
    """Let every rank finish together, then tear the process group down: a rank exiting with a live
    gloo/NCCL group can leave its peer (and so the launcher) waiting at shutdown."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover
        return
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
