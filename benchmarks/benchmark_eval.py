"""What one in-training benchmark evaluation costs, next to the GRPO step it interrupts.

A tiny-model GRPO trainer (the demo's stage-2 shape by default: hidden size 128, 16 prompts x 8
generations of up to 48 tokens) is built once; in the same run we time

* one GRPO optimizer step (baseline, median over ``--repeats`` steps);
* one :class:`trl_r1.training.BenchmarkEvalCallback` evaluation of ``--problems`` held-out problems x
  ``--k`` samples, for each ``problems_per_batch`` in ``--batches`` (1: one ``generate`` call per
  problem).

Reported: median seconds and the ratio to one GRPO step. Usage:
``python benchmarks/benchmark_eval.py [--problems 32] [--k 4] [--batches 1 8 32]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from trl_r1.training.benchmark_eval import BenchmarkEvalCallback

HELD_OUT = "synthetic://arithmetic?split=test&layout=r1_zero&prompt=plain&n=128&seed=0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=32)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--hidden-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch
    from trl import GRPOConfig, GRPOTrainer

    from trl_r1.data.loading import load_dataset_spec
    from trl_r1.models.tiny import save_tiny_model
    from trl_r1.rewards import accuracy_reward, r1_zero_format_reward

    torch.set_num_threads(1)
    out = tempfile.mkdtemp(prefix="bench_eval_")
    model = save_tiny_model(f"{out}/model", hidden_size=args.hidden_size)
    data = load_dataset_spec("synthetic://arithmetic?split=rl&layout=r1_zero&prompt=plain&n=512&seed=0")
    config = GRPOConfig(
        output_dir=f"{out}/run",
        max_steps=1000,
        per_device_train_batch_size=128,
        num_generations=8,
        max_completion_length=48,
        learning_rate=1e-4,
        logging_steps=1000,
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        report_to="none",
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=model, reward_funcs=[accuracy_reward, r1_zero_format_reward], args=config, train_dataset=data
    )

    from transformers import TrainerCallback

    step_times: list[float] = []

    class StepClock(TrainerCallback):
        started = 0.0

        def on_step_begin(self, args_, state, control, **kwargs):
            self.started = time.perf_counter()

        def on_step_end(self, args_, state, control, **kwargs):
            step_times.append(time.perf_counter() - self.started)
            control.should_training_stop = len(step_times) > args.repeats

    trainer.add_callback(StepClock())
    trainer.train()
    step = statistics.median(step_times[1:])  # the first step warms up

    rows = [("GRPO step (16 prompts x 8 x 48 tokens)", step)]
    for batch in args.batches:
        bench = BenchmarkEvalCallback(
            HELD_OUT,
            limit=args.problems,
            k=args.k,
            max_new_tokens=48,
            problems_per_batch=batch,
            trainer=trainer,
        )
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            bench.evaluate()
            times.append(time.perf_counter() - start)
        rows.append(
            (
                f"evaluation, {args.problems} problems x {args.k}, problems_per_batch={batch}",
                statistics.median(times),
            )
        )

    print(f"\n| measured (median of {args.repeats}) | seconds | x GRPO step |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / step:.2f} |")


if __name__ == "__main__":
    main()
