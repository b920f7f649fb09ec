"""Helpers the pipeline tests load by dotted path (so stage subprocesses can import them too).

No tests here: :class:`StepLog` is a GRPO "reward" that scores nothing and appends, for every
generation batch, the process rank and ``trainer_state.global_step`` to the file named by
``$TRL_R1_TEST_STEP_LOG``. It shows which optimizer steps a run executed, in which process. With
``$TRL_R1_TEST_STALL_AT=N`` it stalls at step N, so a test can kill the run at a known point.
"""

import json
import os
import time


class StepLog:
    __name__ = "step_log"

    def __call__(self, completions, trainer_state=None, **kwargs):
        path = os.environ.get("TRL_R1_TEST_STEP_LOG")
        if path and trainer_state is not None:
            with open(path, "a") as f:
                f.write(
                    json.dumps({"rank": int(os.environ.get("RANK", 0)), "step": trainer_state.global_step})
                    + "\n"
                )
        stall_at = os.environ.get("TRL_R1_TEST_STALL_AT")
        if stall_at is not None and trainer_state is not None and trainer_state.global_step >= int(stall_at):
            time.sleep(600)  # the test kills the run here
        return [None] * len(completions)


step_log = StepLog()


def read_step_log(path) -> list[dict]:
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
