r"""Benchmark pass@1 during training, independent of the training reward, the way R1 plots its curves.

A training reward can saturate while task accuracy collapses (TRL issue #2959). R1 reports AIME
pass@1 over RL steps. :class:`BenchmarkEvalCallback` samples ``k`` answers per problem from the
model being trained (the live weights: no reload from disk, LoRA adapters included) on a held-out
benchmark every ``eval_steps`` optimizer steps and at the end, at R1's settings (temperature 0.6,
top-p 0.95), scores them with :func:`trl_r1.eval.evaluate` (the same verifier and format rules as
``trl-r1 eval``) and logs, through the trainer's ``log`` (so every ``report_to`` backend and
``trainer_state.json`` get them, and ``trl-r1 plot`` draws them):

* ``bench/<name>/pass@1``: mean correctness over the k samples, averaged over problems;
* ``bench/<name>/cons@<k>``: majority vote of the k answers (equivalent answers vote together);
* ``bench/<name>/format_compliance``, ``bench/<name>/mean_length`` (tokens),
  ``bench/<name>/truncation_rate``;
* ``bench/<name>/seconds``: the cost of that evaluation (also in the log line).

Each evaluation is also appended to ``<output_dir>/bench.jsonl``.

**Processes.** Problems are sampled in fixed blocks of ``problems_per_batch`` consecutive problems
(one ``generate`` call each), every block with its own seed derived from ``(seed, index of its first
problem)`` and never from the rank. Under ``accelerate launch`` / ``torchrun`` the blocks are sharded
across ranks (block ``j`` goes to rank ``j % world_size``) and the results gathered, so every rank
logs the same numbers, and an N-process run logs exactly what a one-process run logs for the same
seed and weights. The training RNG streams (CPU and CUDA) are saved and restored around an evaluation:
evaluating does not change what the run trains on.

**Engines.** With the trainer's own vLLM engine (``use_vllm=True``, colocate mode, one GPU per
engine) the callback syncs the current weights into it and samples there, each problem with its
own vLLM seed; in server mode the main process asks the server for every problem in one request
(one seed for the request: problem 0's); otherwise it samples with
Transformers ``generate`` on the unwrapped model (ZeRO-3 parameters gathered as TRL does).

Usage::

    from trl_r1.training import BenchmarkEvalCallback

    bench = BenchmarkEvalCallback("math500", limit=64, k=4, eval_steps=100)   # checks everything now
    trainer = GRPOTrainer(..., callbacks=[bench])
    bench.bind(trainer)          # the callback logs through the trainer and samples its model
    trainer.train()

In ``trl-r1`` recipes each GRPO stage takes ``eval_benchmark: {benchmark: math500, limit: 64,
eval_steps: 100}``; the stage scripts take ``--eval_benchmark math500 --eval_benchmark_limit 64``.
Off unless asked for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from trl_r1.eval import EvalSettingError, EvalSettings, evaluate, problem_prompt
from trl_r1.eval.benchmarks import benchmark_language
from trl_r1.generation import Prompt, Sample, SamplingParams, TransformersBackend, render_prompt
from trl_r1.training.benchmark_settings import (
    SHARED,
    BenchmarkEvalArguments,
    benchmark_problems,
    check_callback_options,
)

logger = logging.getLogger(__name__)

__all__ = [
    "BENCH_LOG",
    "BENCH_PREFIX",
    "DEFAULT_MAX_NEW_TOKENS",
    "BenchmarkEvalCallback",
    "benchmark_metric_name",
    "callback_from_arguments",
    "problem_seed",
]

BENCH_PREFIX = "bench/"
BENCH_LOG = "bench.jsonl"
DEFAULT_MAX_NEW_TOKENS = 256


def problem_seed(seed: int, index: int) -> int:
    """The sampling seed of problem ``index``: a function of ``(seed, index)`` only (never of the rank).

    >>> problem_seed(0, 3) == problem_seed(0, 3), problem_seed(0, 3) == problem_seed(1, 3)
    (True, False)
    """
    digest = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


def benchmark_metric_name(benchmark: str) -> str:
    """The ``<name>`` of ``bench/<name>/...`` for a benchmark name, file or spec.

    >>> benchmark_metric_name("math500"), benchmark_metric_name("data/my_test.jsonl")
    ('math500', 'my_test')
    >>> benchmark_metric_name("synthetic://arithmetic?split=test&n=32")
    'arithmetic'
    """
    if "://" in benchmark:
        benchmark = benchmark.split("://", 1)[1].split("?", 1)[0]
    else:
        benchmark = Path(benchmark).stem if Path(benchmark).suffix else Path(benchmark).name or benchmark
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", benchmark).strip("_") or "benchmark"


def callback_from_arguments(args: BenchmarkEvalArguments) -> BenchmarkEvalCallback | None:
    """The callback the script arguments ask for, or ``None`` when ``eval_benchmark`` is not set."""
    settings = args.benchmark_settings()
    return None if settings is None else BenchmarkEvalCallback(**settings)


class _FixedSamples:
    """A generation backend that returns samples drawn already (so :func:`evaluate` scores them)."""

    name = "trainer"

    def __init__(self, samples: list[Sample], tokenizer: Any):
        self.samples, self.tokenizer = samples, tokenizer

    def generate(self, prompts: list[Prompt], params: SamplingParams) -> list[list[Sample]]:
        return [self.samples]


class BenchmarkEvalCallback(TrainerCallback):
    """Benchmark pass@1 (and cons@k, format, length, truncation) of the live model during training.

    Args:
        benchmark: a benchmark name (``math500``, ``aime24``, ``aime25``, ``gpqa_diamond``, ``livecodebench``...),
            or a question/answer (or test case) file or dataset spec (see :mod:`trl_r1.eval.benchmarks`).
        eval_steps: evaluate every ``eval_steps`` optimizer steps, and at the last step.
        name: the ``<name>`` in ``bench/<name>/...`` (default :func:`benchmark_metric_name`).
        problems_per_batch: problems per ``generate`` call (Transformers; vLLM seeds each problem).
        trainer: the trainer to sample from and log through (or call :meth:`bind`).
        settings: the evaluation settings (:class:`~trl_r1.eval.EvalSettings`); of them ``limit``, ``k``,
            ``max_new_tokens`` (default: the trainer's ``max_completion_length``), ``temperature``, ``top_p``,
            ``template``, ``seed`` (the block of problems starting at ``i`` is sampled with
            :func:`problem_seed` ``(seed, i)``), ``layout`` and ``data_dir`` apply during training.
        **kwargs: those fields by name (``limit=64, k=4``), overriding ``settings``.

    Every setting is checked, and the benchmark loaded, when the callback is built: a bad setting
    fails before training starts, with a ``ValueError`` naming it.
    """

    def __init__(
        self,
        benchmark: str,
        eval_steps: int = 100,
        name: str | None = None,
        problems_per_batch: int = 8,
        trainer: Any = None,
        settings: EvalSettings | None = None,
        **kwargs: Any,
    ):
        unknown = sorted(set(kwargs) - set(SHARED))
        if unknown:
            raise TypeError(
                f"BenchmarkEvalCallback: unknown setting(s) {', '.join(unknown)}; the settings that apply "
                f"during training are {', '.join(SHARED)}"
            )
        try:
            check_callback_options(name, eval_steps, problems_per_batch)
            self.settings = (settings or EvalSettings()).replace(**kwargs)
            self.problems = benchmark_problems(benchmark, self.settings)
        except EvalSettingError as e:
            raise ValueError(f"BenchmarkEvalCallback: {e.key}: {e.reason}") from None
        s = self.settings
        self.benchmark, self.limit, self.k, self.eval_steps = benchmark, s.limit, s.k, eval_steps
        self.max_new_tokens, self.temperature, self.top_p = s.max_new_tokens, s.temperature, s.top_p
        self.template, self.seed, self.problems_per_batch = s.template, s.seed, problems_per_batch
        self.layout = s.layout
        self.name = name or benchmark_metric_name(benchmark)
        self.language = benchmark_language(benchmark)
        self.prompts = [problem_prompt(p, s.template) for p in self.problems]
        self.trainer = None
        self.history: list[dict[str, Any]] = []
        self._last_step: int | None = None
        if trainer is not None:
            self.bind(trainer)

    def __repr__(self) -> str:
        return (
            f"BenchmarkEvalCallback({self.benchmark!r}, problems={len(self.problems)}, k={self.k}, "
            f"eval_steps={self.eval_steps})"
        )

    def bind(self, trainer: Any) -> BenchmarkEvalCallback:
        """Sample from ``trainer``'s model and log through ``trainer``; returns ``self``."""
        if getattr(trainer, "processing_class", None) is None:
            raise ValueError(
                "BenchmarkEvalCallback: the trainer has no processing_class (tokenizer) to sample with"
            )
        self.trainer = trainer
        return self

    # -- Trainer events -------------------------------------------------------------------------------

    def on_step_end(self, args, state, control, **kwargs):
        step = state.global_step
        if step % self.eval_steps == 0 or (state.max_steps and step >= state.max_steps):
            self.evaluate_and_log(step)

    def on_train_end(self, args, state, control, **kwargs):
        if self.trainer is not None and self._last_step != state.global_step:
            self.evaluate_and_log(
                state.global_step
            )  # training stopped early (e.g. the run doctor's strict mode)

    # -- evaluation ------------------------------------------------------------------------------------

    def evaluate_and_log(self, step: int) -> dict[str, float]:
        """Evaluate now and log ``bench/<name>/...`` through the trainer; returns the logged metrics."""
        if self.trainer is None:
            raise RuntimeError(
                "BenchmarkEvalCallback is not bound to a trainer: call callback.bind(trainer) after "
                "building the trainer (it samples the trainer's model and logs through it)"
            )
        started = time.perf_counter()
        results = self.evaluate()
        seconds = time.perf_counter() - started
        metrics = {
            f"{BENCH_PREFIX}{self.name}/{key}": value for key, value in results.items() if value is not None
        }
        metrics[f"{BENCH_PREFIX}{self.name}/seconds"] = round(seconds, 3)
        self._last_step = step
        self.history.append({"step": step, **metrics})
        logger.info(
            "bench %s at step %d: pass@1 %s, cons@%d %s, format %s, %s tokens, truncated %s "
            "(%d problems x %d samples, %.1fs per evaluation)",
            self.name,
            step,
            _fmt(results["pass@1"]),
            self.k,
            _fmt(results[f"cons@{self.k}"]),
            _fmt(results["format_compliance"]),
            _fmt(results["mean_length"]),
            _fmt(results["truncation_rate"]),
            len(self.problems),
            self.k,
            seconds,
        )
        # Trainer.log itself, not GRPOTrainer.log: the latter would fold (and clear) the GRPO metrics it is
        # averaging for the next regular logging step into this entry. Logging resets control.should_log,
        # which would skip this step's regular log: it is put back.
        from transformers import Trainer

        should_log = self.trainer.control.should_log
        Trainer.log(self.trainer, dict(metrics))
        self.trainer.control.should_log = should_log
        self._append_log(step, metrics)
        return metrics

    def evaluate(self) -> dict[str, float | None]:
        """Sample and score this process's share of the problems, gather every share, and average.

        Returns ``pass@1``, ``cons@<k>``, ``format_compliance``, ``mean_length`` and ``truncation_rate``
        (identical on every process).
        """
        import torch

        trainer = self.trainer
        accelerator = trainer.accelerator
        world, rank = accelerator.num_processes, accelerator.process_index
        sampler = self._sampler()
        if sampler == "server":  # the server client lives on the main process: it samples every problem
            mine = list(range(len(self.problems))) if accelerator.is_main_process else []
        else:
            mine = [i for i in range(len(self.problems)) if (i // self.problems_per_batch) % world == rank]
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
        with torch.random.fork_rng(
            devices=devices
        ):  # the training RNG streams continue as if nothing happened
            samples = self._sample(sampler, mine)
        rows = [(i, self._score(i, s)) for i, s in zip(mine, samples, strict=True)]
        if world > 1:
            from accelerate.utils import gather_object

            rows = gather_object(rows)
        rows = [r for _, r in sorted(rows, key=lambda item: item[0])]
        return _average(rows, self.k)

    def _max_new_tokens(self) -> int:
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        args = getattr(self.trainer, "args", None)
        return int(getattr(args, "max_completion_length", None) or DEFAULT_MAX_NEW_TOKENS)

    def _params(self, index: int) -> SamplingParams:
        return SamplingParams(
            num_samples=self.k,
            temperature=self.temperature,
            top_p=self.top_p,
            max_new_tokens=self._max_new_tokens(),
            seed=problem_seed(self.seed, index),
        )

    def _sampler(self) -> str:
        engine = (
            getattr(self.trainer, "vllm_generation", None)
            if getattr(self.trainer, "use_vllm", False)
            else None
        )
        if engine is None:
            return "transformers"
        if getattr(engine, "mode", None) == "server":
            return "server"
        if getattr(engine, "tensor_parallel_size", 1) > 1:
            logger.warning(
                "BenchmarkEvalCallback: vLLM tensor parallelism shares one engine between ranks; sampling "
                "the benchmark with Transformers instead"
            )
            return "transformers"
        return "vllm"

    def _sample(self, sampler: str, indices: list[int]) -> list[list[Sample]]:
        if sampler == "transformers":
            return self._sample_transformers(indices)
        return self._sample_vllm(indices, server=sampler == "server")

    def _sample_transformers(self, indices: list[int]) -> list[list[Sample]]:
        from trl.models import unwrap_model_for_generation

        trainer, size = self.trainer, self.problems_per_batch
        blocks: dict[int, list[int]] = {}
        for i in indices:
            blocks.setdefault(i // size, []).append(i)
        gather = getattr(trainer.args, "ds3_gather_for_generation", True)
        out: dict[int, list[Sample]] = {}
        with unwrap_model_for_generation(
            trainer.model_wrapped, trainer.accelerator, gather_deepspeed3_params=gather
        ) as model:
            # One generate call per block, seeded from the block alone: the same block gives the same samples
            # whichever process samples it and whatever else it samples.
            backend = TransformersBackend(model, trainer.processing_class, batch_size=size * self.k)
            for block, members in blocks.items():
                groups = backend.generate([self.prompts[i] for i in members], self._params(block * size))
                out.update(zip(members, groups, strict=True))
        return [out[i] for i in indices]

    def _sample_vllm(self, indices: list[int], server: bool) -> list[list[Sample]]:
        trainer, tokenizer = self.trainer, self.trainer.processing_class
        engine = trainer.vllm_generation
        if trainer.state.global_step != getattr(trainer, "_last_loaded_step", None):
            engine.sync_weights()  # collective: every rank calls it, as in TRL's own generation step
            trainer._last_loaded_step = trainer.state.global_step
        ids = [
            tokenizer(render_prompt(tokenizer, self.prompts[i]), add_special_tokens=False)["input_ids"]
            for i in indices
        ]
        if server:
            if not ids:
                return []
            # One request for every problem (the other ranks wait in a collective meanwhile). The request has one
            # seed, problem 0's; vLLM seeds each prompt's own generator with it, so a problem's samples depend on
            # the seed and its prompt only, never on the rest of the batch.
            p = self._params(0)
            result = engine.vllm_client.generate(
                prompts=ids,
                n=p.num_samples,
                temperature=p.temperature,
                top_p=p.top_p,
                max_tokens=p.max_new_tokens,
                generation_kwargs={"seed": p.seed},
            )
            completions, k = result["completion_ids"], p.num_samples
            if len(completions) != len(ids) * k:
                raise RuntimeError(
                    f"the vLLM server returned {len(completions)} completions for {len(ids)} "
                    f"problems x {k} samples"
                )
            return [
                [
                    self._sample_from_ids(tokenizer, c, p.max_new_tokens)
                    for c in completions[j * k : (j + 1) * k]
                ]
                for j in range(len(ids))
            ]
        from vllm import SamplingParams as VLLMSamplingParams

        if engine.enable_sleep_mode:
            engine.llm.wake_up(tags=["kv_cache"])
        try:
            params = [self._params(i) for i in indices]
            sampling = [
                VLLMSamplingParams(
                    n=p.num_samples,
                    temperature=p.temperature,
                    top_p=p.top_p,
                    max_tokens=p.max_new_tokens,
                    seed=p.seed,
                )
                for p in params
            ]
            outputs = engine.llm.generate([{"prompt_token_ids": x} for x in ids], sampling, use_tqdm=False)
        finally:
            if engine.enable_sleep_mode:
                engine.llm.sleep(level=2)
                engine._llm_weights_sleeping = True
        return [
            [
                Sample(
                    tokenizer.decode(o.token_ids, skip_special_tokens=True),
                    len(o.token_ids),
                    o.finish_reason == "stop",
                    tuple(o.token_ids),
                )
                for o in out.outputs
            ]
            for out in outputs
        ]

    @staticmethod
    def _sample_from_ids(tokenizer: Any, ids: Sequence[int], budget: int) -> Sample:
        finished = len(ids) < budget or (bool(ids) and ids[-1] == tokenizer.eos_token_id)
        return Sample(tokenizer.decode(list(ids), skip_special_tokens=True), len(ids), finished, tuple(ids))

    def _score(self, index: int, samples: list[Sample]) -> dict[str, float | None]:
        """One problem's numbers, scored by :func:`trl_r1.eval.evaluate` (its verifier and format rules)."""
        params = self._params(index)
        tokenizer = getattr(self.trainer, "processing_class", None)
        # the layout format compliance checks is a setting: evaluate() reads it from the prompt or takes it as given
        result = evaluate(
            _FixedSamples(samples, tokenizer),
            [self.problems[index]],
            self.settings,
            pass_k=[1],
            max_new_tokens=params.max_new_tokens,
            seed=params.seed,
            language=self.language,
            progress=False,
            save_samples=False,
        )
        keys = ("pass@1", f"cons@{self.k}", "format_compliance", "mean_response_tokens", "truncation_rate")
        return {key: result.get(key) for key in keys}

    def _append_log(self, step: int, metrics: Mapping[str, float]) -> None:
        trainer = self.trainer
        if not trainer.accelerator.is_main_process:
            return
        out = Path(trainer.args.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        row = {
            "step": step,
            "benchmark": self.benchmark,
            "name": self.name,
            "n_problems": len(self.problems),
            "k": self.k,
            **metrics,
        }
        with open(out / BENCH_LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def _average(rows: list[dict[str, float | None]], k: int) -> dict[str, float | None]:
    """Problem-level numbers -> benchmark-level ones (each problem has k samples, so sample means are problem means)."""

    def mean(key: str) -> float | None:
        values = [r[key] for r in rows if r.get(key) is not None]
        return sum(values) / len(values) if values else None

    return {
        "pass@1": mean("pass@1"),
        f"cons@{k}": mean(f"cons@{k}"),
        "format_compliance": mean("format_compliance"),
        "mean_length": mean("mean_response_tokens"),
        "truncation_rate": mean("truncation_rate"),
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
