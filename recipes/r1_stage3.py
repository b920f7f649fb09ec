"""DeepSeek-R1 stage 3: rejection sampling from the RL checkpoint, then SFT on the selected data.

    accelerate launch recipes/r1_stage3.py --config recipes/tiny/stage3.yaml
    accelerate launch recipes/r1_stage3.py --config recipes/tiny/stage3.yaml --sft_from sampling_model

Paper, section 2.3.3: sample several responses per prompt from the stage-2 checkpoint, keep the
correct and readable ones, add non-reasoning data (3:1), and fine-tune the *base* model on the
result (``sft_from: base``) or continue from the checkpoint (``sft_from: sampling_model``).
YAML keys are the fields of ``trl_r1.training.stage3.Stage3Arguments`` (those of ``trl-r1 sample``:
``sampling_model``, ``dataset_name``, ``samples_dir``, ``sampling_seed``..., plus ``sft_from``), ``trl.SFTConfig``
and ``trl.ModelConfig``; command-line flags override them. Sampling resumes after a crash.
"""

from trl_r1.training.stage3 import main

if __name__ == "__main__":
    main()
