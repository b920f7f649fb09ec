r"""Evaluate a model the way DeepSeek-R1 reports it: k samples per problem, pass@1, pass@k, cons@k.

R1 (paper, section 3 "evaluation setup") samples with temperature 0.6 and top-p 0.95 rather than
decoding greedily, which repeats itself on long reasoning and gives unstable numbers. For each
problem :func:`evaluate` samples ``k`` completions and

* scores each with trl_r1's accuracy reward (the same rule and verifier GRPO trains on);
* reports pass@1 (mean correctness), the unbiased pass@k estimator for each requested k, and
  cons@k (majority vote, equivalent answers such as ``\frac{1}{2}`` and ``0.5`` voting together);
* reports mean response length, truncation rate, format compliance (R1-Zero layout for R1-Zero
  prompts, else the R1 ``<think>`` + summary layout), language consistency and reflective words
  per 1,000 tokens.

With ``output_dir`` it writes ``results.json`` (every number plus the settings that reproduce it),
``results.md`` (a table) and ``samples.jsonl`` (each problem's samples, answers and verdicts).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from trl_r1.eval.benchmarks import (
    BenchmarkError,
    Problem,
    benchmark_language,
    load_problems,
    problems_from_rows,
    resolve_benchmark,
)
from trl_r1.eval.passk import cons_at_k, default_pass_ks, mean_pass_at_k
from trl_r1.eval.results import package_versions, write_results
from trl_r1.generation import Prompt, SamplingParams
from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)

R1_MAX_NEW_TOKENS = 32768  # DeepSeek-R1's maximum generation length in its evaluations
TEMPLATES = ("auto", "r1", "r1_zero", "chat", "deepseek")

__all__ = ["evaluate", "problem_prompt", "TEMPLATES"]


def problem_prompt(problem: Problem, template: str = "auto", prefill_think: bool = False) -> Prompt:
    r"""The prompt for ``problem``: ``auto`` is the data's own ``prompt`` when it has one (then
    ``prefill_think`` does not apply), else ``r1``; any other template is
    :func:`trl_r1.text.templates.build_prompt`.

    >>> problem_prompt(Problem("1+1", "2", "0"), "chat")
    [{'role': 'user', 'content': '1+1'}]
    """
    from trl_r1.text.templates import build_prompt

    if template not in TEMPLATES:
        raise ValueError(f"unknown prompt template {template!r}; choose from {', '.join(TEMPLATES)}")
    if template == "auto":
        if problem.prompt is not None:
            return problem.prompt
        template = "r1"
    return build_prompt(problem.question, template, prefill_think=prefill_think)


FORMAT_LAYOUTS = ("auto", "r1_zero", "r1")


def format_layout(prompt: Prompt) -> str:
    """``"r1_zero"`` when the prompt asks for ``<answer>`` tags, else ``"r1"`` (reasoning + summary)."""
    from trl_r1.text.completion import ANSWER_START

    return "r1_zero" if ANSWER_START in prompt_text(prompt, "all") else "r1"


def _to_problems(dataset: Any, data_dir: Any, limit: int | None, question_field: str | None,
                 answer_field: str | None) -> tuple[str, str | None, list[Problem]]:
    """(name, source file/spec or None, problems) for a benchmark name/spec or in-memory rows."""
    if isinstance(dataset, str):
        name, source = resolve_benchmark(dataset, data_dir)
        return name, source, load_problems(dataset, data_dir, limit, question_field, answer_field)
    if isinstance(dataset, Sequence) and dataset and all(isinstance(p, Problem) for p in dataset):
        problems = list(dataset)
    elif isinstance(dataset, Sequence) or hasattr(dataset, "column_names"):
        problems = problems_from_rows(dataset, question_field, answer_field, source="problems")
    else:
        raise BenchmarkError(f"dataset must be a benchmark name, a file/spec, or rows of problems; got "
                             f"{type(dataset).__name__}")
    if limit is not None:
        problems = problems[:limit]
    return "custom", None, problems


def _file_digest(source: str | None) -> str | None:
    if source is None or not Path(source).is_file():
        return None
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _make_backend(model: Any, backend: str, batch_size: int, backend_kwargs: Mapping[str, Any] | None) -> Any:
    """A generation backend for a path/alias, a ``(model, tokenizer)`` pair, or a ready backend."""
    from trl_r1.generation import TransformersBackend, backend_name, make_backend

    if hasattr(model, "generate") and hasattr(model, "name") and not hasattr(model, "config"):
        return model  # a GenerationBackend
    if isinstance(model, tuple):
        if len(model) != 2:
            raise ValueError("model must be a path, a (model, tokenizer) pair or a generation backend")
        return TransformersBackend(model[0], model[1], batch_size=batch_size)
    if not isinstance(model, str):
        raise ValueError(f"model must be a path, a (model, tokenizer) pair or a generation backend, got "
                         f"{type(model).__name__}")
    name = backend_name(backend)
    kwargs = dict(backend_kwargs or {})
    if name == "transformers":
        import torch

        kwargs.setdefault("batch_size", batch_size)
        kwargs.setdefault("device", "cuda" if torch.cuda.is_available() else None)
    return make_backend(model, name, **kwargs)


def _model_name(model: Any) -> str:
    """A readable name for an in-memory model, pair or backend (its path when it has one)."""
    obj = model[0] if isinstance(model, tuple) else model
    inner = getattr(obj, "model", None)
    for candidate in (obj, inner):
        name = getattr(getattr(candidate, "config", None), "_name_or_path", None)
        if name:
            return str(name)
    return type(obj).__name__


def _context_length(backend: Any) -> int | None:
    """The model's context window, when the backend lets us see it."""
    llm = getattr(backend, "llm", None)
    if llm is not None:
        try:
            return int(llm.llm_engine.model_config.max_model_len)
        except AttributeError:
            pass
    config = getattr(getattr(backend, "model", None), "config", None)
    n = getattr(config, "max_position_embeddings", None)
    if isinstance(n, int) and n > 0:
        return n
    n = getattr(getattr(backend, "tokenizer", None), "model_max_length", None)
    return n if isinstance(n, int) and 0 < n < 10**7 else None


def _max_new_tokens(requested: int | None, backend: Any, prompts: list[Prompt]) -> int:
    """``requested``, or R1's 32,768 capped so that the longest prompt plus completion fits the context."""
    if requested is not None:
        return requested
    context = _context_length(backend)
    tokenizer = getattr(backend, "tokenizer", None)
    if context is None or tokenizer is None:
        return R1_MAX_NEW_TOKENS
    from trl_r1.generation import render_prompt

    longest = max(len(tokenizer(render_prompt(tokenizer, p), add_special_tokens=False)["input_ids"]) for p in prompts)
    room = context - longest
    if room < 1:
        raise ValueError(f"the longest prompt has {longest} tokens, more than the model's {context}-token context")
    if room < R1_MAX_NEW_TOKENS:
        logger.info("max_new_tokens=%d: R1's %d capped by the model's %d-token context (longest prompt: %d tokens)",
                    room, R1_MAX_NEW_TOKENS, context, longest)
    return min(R1_MAX_NEW_TOKENS, room)


def _check_chat_template(backend: Any, prompts: list[Prompt]) -> None:
    tokenizer = getattr(backend, "tokenizer", None)
    if tokenizer is not None and not isinstance(prompts[0], str) and not getattr(tokenizer, "chat_template", None):
        raise ValueError("the model's tokenizer has no chat template, but the prompts are chat messages; "
                         "use template='r1_zero' (a plain-text prompt) or a chat model")


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def evaluate(
    model: Any,
    dataset: Any = "math500",
    k: int = 4,
    limit: int | None = None,
    pass_k: Sequence[int] | None = None,
    temperature: float = 0.6,
    top_p: float = 0.95,
    max_new_tokens: int | None = None,
    seed: int = 0,
    template: str = "auto",
    prefill_think: bool = False,
    language: str | None = None,
    answer_fallback: bool = False,
    format_layout: str = "auto",
    backend: str = "auto",
    batch_size: int = 64,
    backend_kwargs: Mapping[str, Any] | None = None,
    data_dir: str | os.PathLike | None = None,
    question_field: str | None = None,
    answer_field: str | None = None,
    output_dir: str | os.PathLike | None = None,
    save_samples: bool = True,
    progress: bool = True,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Sample ``k`` answers per problem and return R1's metrics (and write them to ``output_dir``).

    Args:
        model: a model path, hub id or ``trl-r1/tiny`` alias; a ``(model, tokenizer)`` pair (sampled
            with Transformers, e.g. inside a training script); or a ready generation backend.
        dataset: a benchmark name (``math500``, ``aime24``, ``amc23``, ``gsm8k``, ``cmath``), a
            file or dataset spec with question/answer fields, or rows (dicts / :class:`Problem`).
        k: samples per problem (R1 used 4 to 64).
        limit: evaluate only the first ``limit`` problems.
        pass_k: the k values of the pass@k estimator (each <= ``k``); default powers of two and ``k``.
        temperature / top_p / seed: sampling settings (R1: 0.6 / 0.95).
        max_new_tokens: completion budget; ``None``: R1's 32,768, capped to fit the model's context.
        template: prompt template (see :func:`problem_prompt`).
        prefill_think: end prompts with an opened ``<think>``.
        language: target language for language consistency (default: the benchmark's, e.g. ``zh``
            for ``cmath``; for files it is detected from each prompt).
        answer_fallback: read completions without R1 tags whole (their last ``\\boxed{}``), for
            models that do not use the R1 format; off by default (R1's rule).
        format_layout: the layout format compliance scores: ``r1_zero`` (``<think>…</think><answer>…</answer>``),
            ``r1`` (reasoning + summary), or ``auto`` (``r1_zero`` when the prompt asks for ``<answer>``, else
            ``r1``). Set it to the layout the model was trained on (``trl-r1 run`` does, from the recipe's rewards).
        backend: ``auto`` (vLLM when installed), ``transformers``, ``vllm`` or ``vllm-server``.
        batch_size: sequences per ``generate`` call (Transformers backend).
        backend_kwargs: extra constructor arguments for the backend (e.g. ``tensor_parallel_size``).
        data_dir: where the named benchmarks live (see :mod:`trl_r1.eval.benchmarks`).
        question_field / answer_field: field names for files whose fields are not recognised.
        output_dir: where to write ``results.json``, ``results.md`` and ``samples.jsonl``.
        save_samples: write ``samples.jsonl`` (every completion; large for long reasoning).
        progress: show a progress bar.
        provenance: extra entries for the ``config`` block (e.g. the command line that ran this).

    Returns:
        ``results.json``'s content: ``pass@1``, ``pass@<k>`` for each requested k, ``cons@<k>``,
        ``k``, ``n_problems``, the quality metrics and a ``config`` block with the settings.

    Example:
        >>> results = evaluate("trl-r1/tiny", "gsm8k", k=4, limit=5, max_new_tokens=32)  # doctest: +SKIP
        >>> results["pass@1"], results["cons@4"]  # doctest: +SKIP
        (0.0, 0.0)
    """
    from trl_r1.models.resolve import resolve_model
    from trl_r1.rewards import AccuracyReward, accuracy_reward

    started = time.monotonic()
    # Everything cheap is checked before the model is loaded.
    if k < 1:
        raise ValueError(f"k (samples per problem) must be >= 1, got {k}")
    pass_ks = sorted(set(pass_k)) if pass_k else default_pass_ks(k)
    if any(not 1 <= x <= k for x in pass_ks):
        raise ValueError(f"pass@k values must be between 1 and k={k}, got {list(pass_k or [])}")
    if template not in TEMPLATES:
        raise ValueError(f"unknown prompt template {template!r}; choose from {', '.join(TEMPLATES)}")
    if max_new_tokens is not None and max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if format_layout not in FORMAT_LAYOUTS:
        raise ValueError(f"unknown format_layout {format_layout!r}; choose from {', '.join(FORMAT_LAYOUTS)}")
    SamplingParams(num_samples=k, temperature=temperature, top_p=top_p, seed=seed)  # validates the ranges
    if temperature == 0 and k > 1:
        raise ValueError("temperature 0 (greedy) gives k identical samples; R1 samples at 0.6 - use k=1 for greedy")
    name, source, problems = _to_problems(dataset, data_dir, limit, question_field, answer_field)
    if not problems:
        raise BenchmarkError(f"no problems to evaluate in {name}")
    accuracy_reward.pool.start()  # the verifier workers start while the model loads and generates
    language = language or (benchmark_language(dataset) if isinstance(dataset, str) else None)
    prompts = [problem_prompt(p, template, prefill_think) for p in problems]
    if isinstance(model, str):
        model = resolve_model(model)
    model_name = model if isinstance(model, str) else _model_name(model)

    gen = _make_backend(model, backend, batch_size, backend_kwargs)
    _check_chat_template(gen, prompts)
    params = SamplingParams(num_samples=k, temperature=temperature, top_p=top_p, seed=seed,
                            max_new_tokens=_max_new_tokens(max_new_tokens, gen, prompts))
    scorer = AccuracyReward(fallback_to_full_text=True) if answer_fallback else accuracy_reward
    timeouts_before = scorer.pool.timeouts
    records = _sample_and_score(gen, problems, prompts, params, scorer, answer_fallback, batch_size, progress,
                                desc=f"eval {name}", layout=format_layout)

    results: dict[str, Any] = {"benchmark": name, "model": model_name, "k": k, "n_problems": len(problems)}
    results.update(_summarise(records, k, pass_ks, scorer, language))
    # a verification that hit the hard timeout scored 0.0 (or split a vote): say how many, never hide them
    results["n_timeouts"] = scorer.pool.timeouts - timeouts_before
    if results["n_timeouts"]:
        logger.warning("%d answer verifications hit the %.0f s hard timeout (scored as not equivalent); see n_timeouts",
                       results["n_timeouts"], scorer.pool.timeout)
    results["config"] = {
        "model": model_name, "benchmark": name, "source": source, "source_sha256": _file_digest(source),
        "n_problems": len(problems), "limit": limit, "k": k, "pass_k": pass_ks, "temperature": temperature,
        "top_p": top_p, "max_new_tokens": params.max_new_tokens, "seed": seed, "template": template,
        "prefill_think": prefill_think, "language": language, "answer_fallback": answer_fallback,
        "format_layout": format_layout,
        "backend": getattr(gen, "name", type(gen).__name__), "versions": package_versions(), **(provenance or {}),
    }
    results["seconds"] = round(time.monotonic() - started, 2)
    if output_dir is not None:
        write_results(results, records if save_samples else None, output_dir)
    return results


def _sample_and_score(gen: Any, problems: list[Problem], prompts: list[Prompt], params: SamplingParams,
                      scorer: Any, answer_fallback: bool, batch_size: int, progress: bool,
                      desc: str, layout: str = "auto") -> list[dict[str, Any]]:
    """One record per problem: its k samples, their final answers, accuracy verdicts and format scores."""
    from tqdm.auto import tqdm

    from trl_r1.rewards import extract_final_answer
    from trl_r1.rewards.format import r1_zero_format_score, think_summary_format_score

    k = params.num_samples
    # Transformers: one generate call per batch (progress shows); vLLM schedules big batches best itself.
    per_call = max(1, batch_size // k) if getattr(gen, "name", "") == "transformers" else max(1, 4096 // k)
    records: list[dict[str, Any]] = []
    with tqdm(total=len(problems), desc=desc, unit="problem", disable=not progress) as bar:
        for start in range(0, len(problems), per_call):
            chunk = range(start, min(start + per_call, len(problems)))
            groups = gen.generate([prompts[i] for i in chunk], params)
            texts = [s.text for group in groups for s in group]
            # one call for the whole chunk: the reward deduplicates and batches the verification
            verdicts = scorer(texts, solution=[problems[i].answer for i in chunk for _ in range(k)])
            for j, (i, group) in enumerate(zip(chunk, groups, strict=True)):
                prompt = prompts[i]
                scored = format_layout(prompt) if layout == "auto" else layout
                fmt = r1_zero_format_score if scored == "r1_zero" else think_summary_format_score
                prefilled = True if prompt_text(prompt, "all").rstrip().endswith("<think>") else None
                records.append({
                    "id": problems[i].id, "question": problems[i].question, "gold": problems[i].answer,
                    "prompt": prompt,
                    "answers": [extract_final_answer(s.text, answer_fallback) for s in group],
                    "verdicts": verdicts[j * k : (j + 1) * k],
                    "format": [fmt(s.text, prefilled=prefilled) for s in group],
                    "samples": [{"text": s.text, "num_tokens": s.num_tokens, "finished": s.finished} for s in group],
                })
            bar.update(len(chunk))
    return records


def _summarise(records: list[dict[str, Any]], k: int, pass_ks: list[int], scorer: Any,
               language: str | None) -> dict[str, Any]:
    """pass@k, cons@k and the quality metrics over all records (annotates each with its vote)."""
    from trl_r1.rewards import group_equivalent
    from trl_r1.rewards.monitor import ReflectionMonitor

    for r in records:  # a None verdict: the gold could not be parsed or the verifier failed (not the model's fault)
        r["scored"] = all(v is not None for v in r["verdicts"])
    scored = [r for r in records if r["scored"]]
    if len(scored) < len(records):
        logger.warning("%d of %d problems could not be scored (gold answer unparseable or verifier failure); they are "
                       "left out of pass@k and cons@k", len(records) - len(scored), len(records))
    correct = [[v == 1.0 for v in r["verdicts"]] for r in scored]
    for r, row in zip(scored, correct, strict=True):
        r["majority_correct"] = cons_at_k(r["answers"], row,
                                          cluster=lambda distinct: group_equivalent(distinct, pool=scorer.pool))
    out: dict[str, Any] = {"n_scored": len(scored)}
    for x in pass_ks:
        out[f"pass@{x}"] = mean_pass_at_k(correct, x) if correct else None
    out["pass@1_stderr"] = _stderr([sum(row) / len(row) for row in correct])
    out[f"cons@{k}"] = _mean([float(r["majority_correct"]) for r in scored])

    samples = [s for r in records for s in r["samples"]]
    monitor = ReflectionMonitor(reflective_words="all", language=language)
    reasoning = monitor.measure([s["text"] for s in samples], [s["num_tokens"] for s in samples],
                                [s["finished"] for s in samples],
                                prompts=[r["prompt"] for r in records for _ in r["samples"]])
    out.update({
        "mean_response_tokens": reasoning["reasoning/response_length"],
        "truncation_rate": reasoning["reasoning/truncation_rate"],
        "format_compliance": _mean([f for r in records for f in r["format"]]),
        "answer_rate": _mean([float(a is not None) for r in records for a in r["answers"]]),
        "language_consistency": reasoning.get("reasoning/language_consistency"),
        "language_mix_ratio": reasoning.get("reasoning/language_mix_ratio"),
        "reflective_words_per_1k_tokens": reasoning["reasoning/reflective_words_per_1k_tokens"],
    })
    return out


def _stderr(values: list[float]) -> float | None:
    """Standard error of the mean (how far pass@1 may move with another draw of problems)."""
    if not values:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1) / len(values))








