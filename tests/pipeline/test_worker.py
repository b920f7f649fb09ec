"""The stage worker's command line: every stage kind, nothing else."""

import typing

from trl_r1.pipeline.stages import KINDS
from trl_r1.pipeline.worker import WorkerArguments


def test_the_worker_takes_every_stage_kind_and_nothing_else():
    assert set(typing.get_args(typing.get_type_hints(WorkerArguments)["kind"])) == set(KINDS)
