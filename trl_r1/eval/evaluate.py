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

Multiple-choice problems (GPQA Diamond) are scored by the multiple-choice reward and code problems
(LiveCodeBench) by the code reward's sandbox (see :mod:`trl_r1.eval.scoring`). With ``seeds=N`` the
whole evaluation runs N times (seeds ``seed`` .. ``seed+N-1``) and every metric is the mean over
seeds, with its standard deviation and per-seed values: one seed is not a result on 30 AIME problems.

The settings are the fields of :class:`~trl_r1.eval.settings.EvalSettings`. With ``output_dir`` it
writes ``results.json`` (every number plus the protocol that reproduces it), ``results.md`` (a table)
and ``samples.jsonl`` (each problem's samples, answers and verdicts).
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
    benchmark_language,
    load_problems,
    problems_from_rows,
    resolve_benchmark,
    split_spec,
)
from trl_r1.eval.passk import cons_at_k, default_pass_ks, mean_pass_at_k
from trl_r1.eval.problem import BenchmarkError, Problem
from trl_r1.eval.results import aggregate_seeds, package_versions, write_results
from trl_r1.eval.scoring import Judge
from trl_r1.eval.settings import R1_MAX_NEW_TOKENS, TEMPLATES, EvalSettings
from trl_r1.generation import Prompt, SamplingParams
from trl_r1.text.templates import prompt_text

logger = logging.getLogger(__name__)

__all__ = ["evaluate", "problem_prompt", "prompt_layout"]


def problem_prompt(problem: Problem, template: str = "auto", prefill_think: bool = False) -> Prompt:
    r"""The prompt for ``problem``: ``auto`` is the data's own ``prompt`` when it has one (then
    ``prefill_think`` does not apply), else ``r1``; any other template is
    :func:`trl_r1.text.templates.build_prompt`. ``deepseek`` asks for a ``\boxed{}`` math answer, so a
    multiple-choice or code problem keeps its benchmark's own prompt under it (DeepSeek's advice:
    every instruction in the user prompt, no system prompt).

    >>> problem_prompt(Problem("1+1", "2", "0"), "chat")
    [{'role': 'user', 'content': '1+1'}]
    """
    from trl_r1.text.templates import build_prompt

    if template not in TEMPLATES:
        raise ValueError(f"unknown prompt template {template!r}; choose from {', '.join(TEMPLATES)}")
    if template == "auto" or (template == "deepseek" and problem.kind != "math"):
        if problem.prompt is not None:
            return problem.prompt
        template = "r1"
    return build_prompt(problem.question, template, prefill_think=prefill_think)


def prompt_layout(prompt: Prompt) -> str:
    """``"r1_zero"`` when the prompt asks for ``<answer>`` tags, else ``"r1"`` (reasoning + summary)."""
    from trl_r1.text.completion import ANSWER_START

    return "r1_zero" if ANSWER_START in prompt_text(prompt, "all") else "r1"


def _to_problems(
    dataset: Any, data_dir: Any, limit: int | None, question_field: str | None, answer_field: str | None
) -> tuple[str, str | None, list[Problem]]:
    """(name, source file/spec or None, problems) for a benchmark name/spec or in-memory rows."""
    if isinstance(dataset, str):
        name, source = resolve_benchmark(dataset, data_dir)
        return name, source, load_problems(dataset, data_dir, limit, question_field, answer_field)
    if isinstance(dataset, Sequence) and dataset and all(isinstance(p, Problem) for p in dataset):
        problems = list(dataset)
    elif isinstance(dataset, Sequence) or hasattr(dataset, "column_names"):
        problems = problems_from_rows(dataset, question_field, answer_field, source="problems")
    else:
        raise BenchmarkError(
            f"dataset must be a benchmark name, a file/spec, or rows of problems; got "
            f"{type(dataset).__name__}"
        )
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
        raise ValueError(
            f"model must be a path, a (model, tokenizer) pair or a generation backend, got "
            f"{type(model).__name__}"
        )
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

    longest = max(
        len(tokenizer(render_prompt(tokenizer, p), add_special_tokens=False)["input_ids"]) for p in prompts
    )
    room = context - longest
    if room < 1:
        raise ValueError(
            f"the longest prompt has {longest} tokens, more than the model's {context}-token context"
        )
    if room < R1_MAX_NEW_TOKENS:
        logger.info(
            "max_new_tokens=%d: R1's %d capped by the model's %d-token context (longest prompt: %d tokens)",
            room,
            R1_MAX_NEW_TOKENS,
            context,
            longest,
        )
    return min(R1_MAX_NEW_TOKENS, room)


def _check_chat_template(backend: Any, prompts: list[Prompt]) -> None:
    tokenizer = getattr(backend, "tokenizer", None)
    if (
        tokenizer is not None
        and not isinstance(prompts[0], str)
        and not getattr(tokenizer, "chat_template", None)
    ):
        raise ValueError(
            "the model's tokenizer has no chat template, but the prompts are chat messages; "
            "use template='r1_zero' (a plain-text prompt) or a chat model"
        )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _settings(settings: EvalSettings | None, changes: Mapping[str, Any]) -> EvalSettings:
    """``settings`` (default R1's) with keyword ``changes``; an unknown name is a ``TypeError``."""
    if settings is not None and not isinstance(settings, EvalSettings):
        raise TypeError(
            f"settings must be an EvalSettings, got {type(settings).__name__}; pass single settings as "
            "keywords (k=16, seeds=3, ...)"
        )
    base = settings if settings is not None else EvalSettings()
    return base.replace(**changes) if changes else base


def evaluate(
    model: Any,
    dataset: Any = "math500",
    settings: EvalSettings | None = None,
    *,
    output_dir: str | os.PathLike | None = None,
    save_samples: bool = True,
    progress: bool = True,
    provenance: Mapping[str, Any] | None = None,
    backend_kwargs: Mapping[str, Any] | None = None,
    model_name: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Sample ``k`` answers per problem and return R1's metrics (and write them to ``output_dir``).

    Args:
        model: a model path, hub id or ``trl-r1/tiny`` alias; a ``(model, tokenizer)`` pair (sampled
            with Transformers, e.g. inside a training script); or a ready generation backend.
        dataset: a benchmark name (``math500``, ``aime24``, ``aime25``, ``amc23``, ``gsm8k``, ``cmath``,
            ``gpqa_diamond``, ``livecodebench``, with options such as ``livecodebench?release=v6``), a
            file or dataset spec with question/answer (or test case) fields, or rows (dicts / :class:`Problem`).
        settings: an :class:`~trl_r1.eval.settings.EvalSettings` (default: R1's settings).
        output_dir: where to write ``results.json``, ``results.md`` and ``samples.jsonl``.
        save_samples: write ``samples.jsonl`` (every completion; large for long reasoning).
        progress: show a progress bar.
        provenance: extra entries for the ``config`` block (e.g. the command line that ran this).
        backend_kwargs: extra constructor arguments for the backend (e.g. ``tensor_parallel_size``).
        model_name: the name recorded for the model (default: its path, or the loaded model's).
        **kwargs: any field of :class:`~trl_r1.eval.settings.EvalSettings` (``k=16``, ``seeds=3``,
            ``template="deepseek"``...), overriding ``settings``.

    Returns:
        ``results.json``'s content: ``pass@1``, ``pass@<k>`` for each requested k, ``cons@<k>``,
        ``k``, ``n_problems``, the quality metrics, with several seeds ``std`` and ``per_seed`` blocks,
        and a ``config`` block with the protocol (every setting, the backend, package versions).

    Example:
        >>> results = evaluate("trl-r1/tiny", "gsm8k", k=4, limit=5, max_new_tokens=32)  # doctest: +SKIP
        >>> results["pass@1"], results["cons@4"]  # doctest: +SKIP
        (0.0, 0.0)
    """
    from trl_r1.models.resolve import resolve_model

    started = time.monotonic()
    s = _settings(settings, kwargs)  # every setting is checked before the data or the model is loaded
    pass_ks = sorted(set(s.pass_k)) if s.pass_k else default_pass_ks(s.k)
    name, source, problems = _to_problems(dataset, s.data_dir, s.limit, s.question_field, s.answer_field)
    if not problems:
        raise BenchmarkError(f"no problems to evaluate in {name}")
    judge = Judge(s.answer_fallback)
    if any(p.kind == "math" for p in problems):
        judge.pool.start()  # the verifier workers start while the model loads and generates
    language = s.language or (benchmark_language(dataset) if isinstance(dataset, str) else None)
    prompts = [problem_prompt(p, s.template, s.prefill_think) for p in problems]
    # the model as given (trl-r1/tiny), not a cache path
    model_name = model_name or (model if isinstance(model, str) else _model_name(model))
    if isinstance(model, str):
        model = resolve_model(model)

    gen = _make_backend(model, s.backend, s.batch_size, backend_kwargs)
    _check_chat_template(gen, prompts)
    max_new_tokens = _max_new_tokens(s.max_new_tokens, gen, prompts)
    timeouts_before = judge.pool.timeouts
    seeds = [s.seed + i for i in range(s.seeds)]
    runs, records = [], []
    for seed in seeds:
        params = SamplingParams(
            num_samples=s.k,
            temperature=s.temperature,
            top_p=s.top_p,
            seed=seed,
            max_new_tokens=max_new_tokens,
        )
        desc = f"eval {name}" + (f" seed {seed}" if len(seeds) > 1 else "")
        seed_records = _sample_and_score(
            gen, problems, prompts, params, judge, s.batch_size, progress, desc, s.layout
        )
        runs.append(_summarise(seed_records, s.k, pass_ks, judge, language))
        records += [{"seed": seed, **r} for r in seed_records] if len(seeds) > 1 else seed_records

    results: dict[str, Any] = {"benchmark": name, "model": model_name, "k": s.k, "n_problems": len(problems)}
    results.update(aggregate_seeds(runs, seeds))
    # a verification that hit the hard timeout scored 0.0 (or split a vote): say how many, never hide them
    results["n_timeouts"] = judge.pool.timeouts - timeouts_before
    if results["n_timeouts"]:
        logger.warning(
            "%d answer verifications hit the %.0f s hard timeout (scored as not equivalent); see n_timeouts",
            results["n_timeouts"],
            judge.pool.timeout,
        )
    options = split_spec(dataset)[1] if isinstance(dataset, str) else {}
    results["config"] = {
        **s.protocol(),
        "model": model_name,
        "benchmark": name,
        "benchmark_options": options,
        "source": source,
        "source_sha256": _file_digest(source),
        "n_problems": len(problems),
        "pass_k": pass_ks,
        "seeds": seeds,
        "max_new_tokens": max_new_tokens,
        "language": language,
        "backend": getattr(gen, "name", type(gen).__name__),
        "versions": package_versions(),
        **(provenance or {}),
    }
    results["seconds"] = round(time.monotonic() - started, 2)
    if output_dir is not None:
        write_results(results, records if save_samples else None, output_dir)
    return results


def _sample_and_score(
    gen: Any,
    problems: list[Problem],
    prompts: list[Prompt],
    params: SamplingParams,
    judge: Judge,
    batch_size: int,
    progress: bool,
    desc: str,
    layout: str = "auto",
) -> list[dict[str, Any]]:
    """One record per problem: its k samples, their final answers, verdicts and format scores."""
    from tqdm.auto import tqdm

    from trl_r1.rewards.format import r1_zero_format_score, think_summary_format_score

    k = params.num_samples
    # Transformers: one generate call per batch (progress shows); vLLM schedules big batches best itself.
    per_call = max(1, batch_size // k) if getattr(gen, "name", "") == "transformers" else max(1, 4096 // k)
    records: list[dict[str, Any]] = []
    with tqdm(total=len(problems), desc=desc, unit="problem", disable=not progress) as bar:
        for start in range(0, len(problems), per_call):
            chunk = range(start, min(start + per_call, len(problems)))
            groups = gen.generate([prompts[i] for i in chunk], params)
            verdicts: dict[int, list[Any]] = {}
            answers: dict[int, list[Any]] = {}
            # one call per kind for the whole chunk: the rewards deduplicate and batch the work
            for kind in dict.fromkeys(problems[i].kind for i in chunk):
                members = [(i, g) for i, g in zip(chunk, groups, strict=True) if problems[i].kind == kind]
                texts = [s.text for _, g in members for s in g]
                got, read = judge.score(kind, texts, [problems[i] for i, g in members for _ in g])
                for j, (i, _) in enumerate(members):
                    verdicts[i], answers[i] = got[j * k : (j + 1) * k], read[j * k : (j + 1) * k]
            for i, group in zip(chunk, groups, strict=True):
                prompt = prompts[i]
                scored = prompt_layout(prompt) if layout == "auto" else layout
                fmt = r1_zero_format_score if scored == "r1_zero" else think_summary_format_score
                prefilled = True if prompt_text(prompt, "all").rstrip().endswith("<think>") else None
                p = problems[i]
                records.append(
                    {
                        "id": p.id,
                        "kind": p.kind,
                        "question": p.question,
                        "gold": p.answer,
                        "prompt": prompt,
                        **({"choices": list(p.choices)} if p.choices is not None else {}),
                        "answers": answers[i],
                        "verdicts": verdicts[i],
                        "format": [fmt(s.text, prefilled=prefilled) for s in group],
                        "samples": [
                            {"text": s.text, "num_tokens": s.num_tokens, "finished": s.finished}
                            for s in group
                        ],
                    }
                )
            bar.update(len(chunk))
    return records


def _summarise(
    records: list[dict[str, Any]], k: int, pass_ks: list[int], judge: Judge, language: str | None
) -> dict[str, Any]:
    """pass@k, cons@k and the quality metrics over all records (annotates each with its vote)."""
    from trl_r1.rewards.monitor import ReflectionMonitor

    for r in (
        records
    ):  # a None verdict: the gold could not be parsed or the verifier/sandbox failed (not the model's fault)
        r["scored"] = all(v is not None for v in r["verdicts"])
    scored = [r for r in records if r["scored"]]
    if len(scored) < len(records):
        logger.warning(
            "%d of %d problems could not be scored (gold answer unparseable or verifier failure); they are "
            "left out of pass@k and cons@k",
            len(records) - len(scored),
            len(records),
        )
    correct = [[v == 1.0 for v in r["verdicts"]] for r in scored]
    for r, row in zip(scored, correct, strict=True):
        r["majority_correct"] = (
            cons_at_k(r["answers"], row, cluster=judge.cluster(r["kind"]))
            if r["kind"] in judge.VOTES
            else None
        )
    out: dict[str, Any] = {"n_scored": len(scored)}
    for x in pass_ks:
        out[f"pass@{x}"] = mean_pass_at_k(correct, x) if correct else None
    out["pass@1_stderr"] = _stderr([sum(row) / len(row) for row in correct])
    out[f"cons@{k}"] = _mean(
        [float(r["majority_correct"]) for r in scored if r["majority_correct"] is not None]
    )

    samples = [s for r in records for s in r["samples"]]
    monitor = ReflectionMonitor(reflective_words="all", language=language)
    reasoning = monitor.measure(
        [s["text"] for s in samples],
        [s["num_tokens"] for s in samples],
        [s["finished"] for s in samples],
        prompts=[r["prompt"] for r in records for _ in r["samples"]],
    )
    out.update(
        {
            "mean_response_tokens": reasoning["reasoning/response_length"],
            "truncation_rate": reasoning["reasoning/truncation_rate"],
            "format_compliance": _mean([f for r in records for f in r["format"]]),
            "answer_rate": _mean(
                [float(a is not None) for r in records if r["kind"] != "code" for a in r["answers"]]
            ),
            "language_consistency": reasoning.get("reasoning/language_consistency"),
            "language_mix_ratio": reasoning.get("reasoning/language_mix_ratio"),
            "reflective_words_per_1k_tokens": reasoning["reasoning/reflective_words_per_1k_tokens"],
        }
    )
    return out


def _stderr(values: list[float]) -> float | None:
    """Standard error of the mean (how far pass@1 may move with another draw of problems)."""
    if not values:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1) / len(values))
