"""DeepSeek-R1 stage 3: rejection sampling from the RL checkpoint, then SFT on the selected data.

    accelerate launch recipes/r1_stage3.py --config recipes/tiny/stage3.yaml
    accelerate launch recipes/r1_stage3.py --config recipes/tiny/stage3.yaml --sft_from sampling_model

Paper, section 2.3.3: sample several responses per prompt from the stage-2 checkpoint, keep the
correct and readable ones, add non-reasoning data (3:1), and fine-tune the *base* model on the
result (``sft_from: base``) or continue from the checkpoint (``sft_from: sampling_model``).
YAML keys are the fields of ``trl_r1.rejection.stage3.Stage3Arguments`` (those of ``trl-r1 sample``,
with ``sampling_model``, ``dataset_name``, ``samples_dir``), ``trl.SFTConfig`` and
``trl.ModelConfig``; command-line flags override them. Sampling resumes after a crash.
"""

import logging

from trl import ModelConfig, SFTConfig, TrlParser

from trl_r1.rejection.stage3 import Stage3Arguments, train_stage3

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = TrlParser((Stage3Arguments, SFTConfig, ModelConfig))
    stage_args, training_args, model_args = parser.parse_args_and_config()
    train_stage3(stage_args, training_args, model_args)
