"""The stage process's command line (``python -m trl_r1.pipeline.runner``): every stage kind, nothing else."""

import typing

from trl_r1.pipeline.runner import StageProcessArguments
from trl_r1.pipeline.stages import KINDS


def test_the_stage_process_takes_every_stage_kind_and_nothing_else():
    assert set(typing.get_args(typing.get_type_hints(StageProcessArguments)["kind"])) == set(KINDS)
