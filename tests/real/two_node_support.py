"""Loaded by dotted path from stage subprocesses (no tests here): :class:`PromptLog` is a GRPO
"reward" that scores nothing and appends, per generation batch, the rank, the global step and the
prompts that rank was given to ``$TRL_R1_TEST_PROMPT_LOG``."""

import json
import os


class PromptLog:
    __name__ = "prompt_log"

    def __call__(self, prompts, completions, trainer_state=None, **kwargs):
        path = os.environ.get("TRL_R1_TEST_PROMPT_LOG")
        if path and trainer_state is not None:
            texts = [p if isinstance(p, str) else p[-1]["content"] for p in prompts]
            with open(path, "a") as f:
                f.write(
                    json.dumps(
                        {
                            "rank": int(os.environ.get("RANK", 0)),
                            "step": trainer_state.global_step,
                            "prompts": texts,
                        }
                    )
                    + "\n"
                )
        return [None] * len(completions)


prompt_log = PromptLog()
