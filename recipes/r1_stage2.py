"""DeepSeek-R1 stage 2: reasoning-oriented RL (GRPO) from the cold-start checkpoint.

    accelerate launch recipes/r1_stage2.py --config recipes/tiny/stage2.yaml
    accelerate launch --config_file zero3.yaml recipes/r1_stage2.py --config recipes/qwen2.5-7b/stage2.yaml

Rewards (paper, section 2.3.2): accuracy on the verifiable answer, the reasoning format, and
language consistency of the chain of thought, summed with ``reward_weights``. YAML keys are the
fields of ``trl_r1.training.grpo.GRPOStageArguments``, ``trl.GRPOConfig`` and ``trl.ModelConfig``;
command-line flags override them (``--max_steps 10``). ``resume_from_checkpoint: auto``
continues from the last checkpoint in ``output_dir``.
"""

from trl_r1.training.grpo import main

if __name__ == "__main__":
    main()
