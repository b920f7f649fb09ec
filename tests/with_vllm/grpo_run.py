"""Child process of test_grpo_colocate.py: the same short GRPO run twice, with vLLM colocate and on the
Transformers path (same seed), with the benchmark callback on; writes what the test checks as JSON.

A child process because TRL's colocated engine sets up vLLM's distributed state in the process that
trains, and the test session already holds an engine of its own.

    python tests/with_vllm/grpo_run.py MODEL_DIR OUT_DIR
"""

import json
import os
import sys

import trl  # noqa: E402

GRPO_TRAINER = trl.GRPOTrainer
PROBE = list(range(40, 80))  # a fixed token sequence whose log-probabilities both engines score


def byte_diversity(completions, **kwargs):
    """A dense reward (distinct characters per character): random completions always differ in it, so every
    group has a non-zero advantage and every optimizer step moves the weights."""
    texts = [c if isinstance(c, str) else c[0]["content"] for c in completions]
    return [len(set(t)) / (len(t) + 1) for t in texts]


def trainer_logprobs(model):
    import torch

    with torch.no_grad():
        logits = model(torch.tensor([PROBE], device=model.device)).logits[0, :-1].float()
    return (
        torch.log_softmax(logits, -1)
        .gather(1, torch.tensor(PROBE[1:], device=model.device)[:, None])[:, 0]
        .tolist()
    )


def vllm_logprobs(llm):
    from vllm import SamplingParams

    out = llm.generate(
        [{"prompt_token_ids": PROBE}], SamplingParams(max_tokens=1, prompt_logprobs=0), use_tqdm=False
    )
    return [d[t].logprob for t, d in zip(PROBE[1:], out[0].prompt_logprobs[1:])]


def run(model_dir, out_dir, use_vllm):
    from trl import GRPOConfig, ModelConfig

    from trl_r1.training.benchmark_eval import BenchmarkEvalCallback
    from trl_r1.training.grpo import GRPOStageArguments, train_grpo

    record = {"syncs": [], "rollouts": []}

    class Recording(GRPO_TRAINER):
        """The trainer train_grpo builds, recording each weight sync and each vLLM rollout."""

        def train(self, *args, **kwargs):
            record["trainer"] = self
            if self.use_vllm:
                engine, sync, generate = self.vllm_generation, self.vllm_generation.sync_weights, None
                generate = engine.generate

                def recorded_sync():
                    sync()  # train_grpo's hook (layer-wise reload on CPU)
                    record["syncs"].append(
                        {
                            "step": self.state.global_step,
                            "vllm": vllm_logprobs(engine.llm),
                            "trainer": trainer_logprobs(self.model),
                        }
                    )

                def recorded_generate(*a, **kw):
                    out = generate(*a, **kw)
                    record["rollouts"].append({"step": self.state.global_step, "completion_ids": out[1]})
                    return out

                engine.sync_weights, engine.generate = recorded_sync, recorded_generate
            return super().train(*args, **kwargs)

    trl.GRPOTrainer = Recording
    script_args = GRPOStageArguments(
        dataset_name="synthetic://arithmetic?split=rl&layout=r1&n=8&seed=0",
        reward_funcs=["accuracy", "grpo_run.byte_diversity"],
        eval_benchmark="synthetic://arithmetic?split=test&n=2&seed=1",
        eval_benchmark_k=2,
        eval_benchmark_steps=2,
        eval_benchmark_max_new_tokens=8,
    )
    args = GRPOConfig(
        output_dir=os.path.join(out_dir, "vllm" if use_vllm else "transformers"),
        max_steps=3,
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=16,
        learning_rate=1e-2,
        seed=0,
        logging_steps=1,
        shuffle_dataset=False,
        use_vllm=use_vllm,
        vllm_mode="colocate",
        vllm_max_model_length=512,
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        report_to="none",
        save_strategy="no",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    train_grpo(script_args, args, ModelConfig(model_name_or_path=model_dir))
    trainer = record.pop("trainer")
    bench = next(c for c in trainer.callback_handler.callbacks if isinstance(c, BenchmarkEvalCallback))
    record.update(
        log_history=trainer.state.log_history, bench_history=bench.history, bench_sampler=bench._sampler()
    )
    return record


if __name__ == "__main__":
    model_dir, out_dir = sys.argv[1:3]
    result = {
        "vllm": run(model_dir, out_dir, use_vllm=True),
        "transformers": run(model_dir, out_dir, use_vllm=False),
    }
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(result, f)
