"""Drop trl_r1's R1 rewards into a plain TRL GRPO script.

Everything except the reward list is ordinary TRL. Runs offline on a CPU with the tiny model:

    python examples/grpo_with_trl_r1_rewards.py --max-steps 5

For a real run, pass ``--model Qwen/Qwen2.5-1.5B`` (or any causal LM) and drop ``--cpu``.
"""

import argparse

from trl import GRPOConfig, GRPOTrainer

from trl_r1.data import load_dataset_spec
from trl_r1.models import resolve_model
from trl_r1.rewards import LanguageConsistencyReward, accuracy_reward, r1_zero_format_reward


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", default="trl-r1/tiny", help="path, hub id, or the offline alias trl-r1/tiny"
    )
    parser.add_argument("--output-dir", default="runs/example-grpo")
    parser.add_argument("--max-steps", type=int, default=5)
    parser.add_argument("--gpu", action="store_true", help="train on the GPU in bf16 instead of the CPU")
    args = parser.parse_args()

    # R1-Zero template prompts and a `solution` column: the shape TRL's and trl_r1's rewards read.
    dataset = load_dataset_spec("synthetic://arithmetic?split=rl&layout=r1_zero&n=256")
    config = GRPOConfig(
        output_dir=args.output_dir,
        max_steps=args.max_steps,
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=48,
        learning_rate=1e-4,
        logging_steps=1,
        report_to="none",
        # Defaults assume a GPU (bf16, gradient checkpointing); a CPU run turns them off.
        use_cpu=not args.gpu,
        bf16=args.gpu,
        gradient_checkpointing=args.gpu,
    )
    trainer = GRPOTrainer(
        model=resolve_model(args.model),
        reward_funcs=[
            accuracy_reward,
            r1_zero_format_reward,
            LanguageConsistencyReward(default_language="en"),
        ],
        train_dataset=dataset,
        args=config,
    )
    trainer.train()
    last = trainer.state.log_history[-2]
    print({k: v for k, v in last.items() if k.startswith("rewards/")})


if __name__ == "__main__":
    main()
