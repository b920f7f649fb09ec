"""Everything a recipe run would fail on, found before any work (``trl-r1 run`` and ``--dry-run``).

:func:`recipe_problems` returns one line per problem, each naming the recipe, the stage and key, and
the fix::

    r1.yaml: stages[2] reasoning_rl: args.max_steps: expected an integer, got 'ten'

It checks, for every selected stage:

* each ``args`` value against its field's type in the stage's config classes and the ranges of
  :data:`trl_r1.training.arguments.RANGES`, then builds the arguments into those classes (TRL's ``SFTConfig``
  / ``GRPOConfig`` / ``ModelConfig``, ``RejectionSamplingConfig``), so their own checks run too, with
  only the device-dependent ones (bf16/fp16 support) left for launch time;
* ``num_generations`` divides the generation batch (``per_device_train_batch_size x num_processes x
  steps_per_generation``) with the stage's own ``num_processes``;
* datasets: local files are regular files the loader can read (bounded), their first rows type-check and
  carry what the stage's preparation needs (prompt, gold, cold-start shape), view options name their columns,
  ``synthetic://`` options are known and in range;
* models: loadable from their files (config.json, tokenizer, a chat template for chat data; tiny-model options
  in range); dotted rewards are callables TRL can call; the token budgets fit the model's context
  (``max_position_embeddings``, issue 23), read from its config where it is local or cached;
* the optional packages the stage needs import: DeepSpeed for a ZeRO accelerate config, vLLM, the
  ``report_to`` backends;
* ``--only`` / ``--from`` can run it (the stages it reads are complete or selected).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from trl_r1.pipeline.runner import ownership_problems, select_stages, stage_args, unmet_inputs
from trl_r1.pipeline.schema import STAGE_REF, Recipe, Stage
from trl_r1.pipeline.stages import KINDS

logger = logging.getLogger(__name__)


def _types(kind: str) -> list[Any]:
    out = []
    for path in KINDS[kind].argument_types:
        module_name, _, attr = path.rpartition(".")
        out.append(getattr(__import__(module_name, fromlist=[attr]), attr))
    return out


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def generation_batch(args: dict[str, Any], num_processes: int) -> int:
    """GRPO's generation batch for ``num_processes`` processes, computed as ``GRPOConfig`` does."""
    if args.get("generation_batch_size"):
        return int(args["generation_batch_size"])
    steps = args.get("steps_per_generation") or args.get("gradient_accumulation_steps", 1)
    return int(args.get("per_device_train_batch_size", 8)) * num_processes * int(steps)


def _build(stage: Stage, args: dict[str, Any], types: list[Any]) -> tuple[list[str], list[Any]]:
    """Build the arguments into the kind's config classes; their refusals become problems. Returns the
    problems and the built objects."""
    if stage.kind in ("sft", "grpo"):
        from trl import TrlParser

        # Device-dependent checks stay for launch: bf16/fp16 support is a property of the machine that runs it.
        probe = {**args, "bf16": False, "fp16": False}
        if stage.kind == "grpo":
            probe["generation_batch_size"] = generation_batch(args, stage.num_processes)
            probe.pop("steps_per_generation", None)
        quiet = logging.getLogger("transformers")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # "setting up devices": not news in a check
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = list(TrlParser(tuple(types)).parse_dict(probe))
        except Exception as e:  # the config classes' own checks: ValueError, TypeError, a missing package
            return [f"args: {_first_line(e)}"], []
        finally:
            quiet.setLevel(level)
        return [], parsed
    if stage.kind == "sample":
        from trl_r1.rejection import RejectionSamplingConfig

        try:
            return [], [RejectionSamplingConfig(**args)]
        except (ValueError, TypeError) as e:
            return [f"args: {_first_line(e)}"], []
    return [], []


def _num_generations(stage: Stage, args: dict[str, Any]) -> list[str]:
    n = args.get("num_generations", 8)
    batch = generation_batch(args, stage.num_processes)
    if not isinstance(n, int) or n < 2 or batch % n == 0:
        return []
    divisors = [d for d in range(2, batch + 1) if batch % d == 0][:6]
    return [
        f"args.num_generations: {n} does not divide the generation batch of {batch} (per_device_train_batch_size "
        f"{args.get('per_device_train_batch_size', 8)} x {stage.num_processes} process(es) x "
        f"{args.get('steps_per_generation') or args.get('gradient_accumulation_steps', 1)} steps_per_generation); "
        f"use one of {', '.join(map(str, divisors)) or 'a divisor'} or change the batch"
    ]


def _paths(stage: Stage, args: dict[str, Any]) -> list[str]:
    from trl_r1.data.loading import check_dataset_spec

    problems = []
    specs = [("dataset", d) for d in stage.datasets] + [("eval_dataset", stage.eval_dataset)]
    specs.append(("args.non_reasoning_dataset", args.get("non_reasoning_dataset")))
    for key, spec in specs:
        if isinstance(spec, str) and spec and not spec.startswith(STAGE_REF):
            problem = check_dataset_spec(spec)
            if problem:
                problems.append(f"{key}: {problem}")
    from trl_r1.training.model_checks import is_tiny, model_problem

    models = [("model", stage.model)] + [
        (f"rewards[{i}].model", r.model) for i, r in enumerate(stage.rewards)
    ]
    for (
        key,
        model,
    ) in models:  # before stage_args builds a tiny alias: options in range, a cache to build it in
        if isinstance(model, str) and is_tiny(model) and (problem := model_problem(model, key)):
            problems.append(problem)
    return problems


def base_model(recipe: Recipe, stage: Stage) -> str | None:
    """The model a stage's weights descend from (``stage:NAME`` followed back to a path, hub id or alias): its
    config gives the context every later stage must fit."""
    model, seen = stage.model, set()
    while isinstance(model, str) and model.startswith(STAGE_REF) and model not in seen:
        seen.add(model)
        model = recipe.stage(model[len(STAGE_REF) :]).model
    return model if isinstance(model, str) and not model.startswith(STAGE_REF) else recipe.model


def _trained_by_sft(recipe: Recipe, stage: Stage) -> bool:
    """Whether an sft stage lies between the base model and ``stage`` (its tokenizer then has a chat template:
    SFT installs one where there is none)."""
    model, seen = stage.model, set()
    while isinstance(model, str) and model.startswith(STAGE_REF) and model not in seen:
        seen.add(model)
        upstream = recipe.stage(model[len(STAGE_REF) :])
        if upstream.kind == "sft":
            return True
        model = upstream.model
    return False


def _inputs(recipe: Recipe, stage: Stage, args: dict[str, Any], parsed: list[Any]) -> list[str]:
    """The stage's data, model, rewards and token budgets, read from their files (trl_r1.training.arguments)."""
    from trl_r1.training.arguments import input_problems
    from trl_r1.training.model_checks import context_fit_problems

    own_model = stage.model if stage.model and not stage.model.startswith(STAGE_REF) else None
    specs = [d for d in stage.datasets if not d.startswith(STAGE_REF)]
    model = base_model(recipe, stage)
    problems = input_problems(
        stage.kind,
        parsed,
        own_model,
        specs,
        [r.name for r in stage.rewards],
        [(f"rewards[{i}].model", r.model) for i, r in enumerate(stage.rewards) if r.model],
        inherited_model=None if _trained_by_sft(recipe, stage) else model,
    )
    if model is not None and not problems:
        problems += context_fit_problems(stage.kind, args, model, prefix="args.")
    return problems


def stage_problems(recipe: Recipe, stage: Stage, output_dir: str | Path) -> list[str]:
    """What would make ``stage`` fail, as ``KEY: problem; fix`` lines (see the module docstring)."""
    from trl_r1.training.arguments import check_values, missing_extras

    types = _types(stage.kind)
    problems = check_values(stage.args, types, prefix="args.")
    if stage.kind == "grpo":
        temperature = stage.args.get("temperature")
        if isinstance(temperature, (int, float)) and not isinstance(temperature, bool) and temperature == 0:
            problems.append("args.temperature: must be > 0 for GRPO (rollouts are sampled); e.g. 0.7-1.0")
    problems += _paths(stage, stage.args)
    problems += missing_extras(stage.args, stage.accelerate_config)
    if problems:  # building the configs would only repeat these
        return problems
    args = stage_args(recipe, stage, output_dir)
    if stage.kind == "grpo":
        problems += _num_generations(stage, args)
    if problems:
        return problems
    problems, parsed = _build(stage, args, types)
    return problems or _inputs(recipe, stage, args, parsed)


def recipe_problems(
    recipe: Recipe,
    output_dir: str | Path,
    only: list[str] | None = None,
    from_stage: str | None = None,
    notes: list[str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Every problem of the stages ``only`` / ``from_stage`` select, one line each, and the stages that
    would not run (name -> a short status for ``--dry-run``: ``invalid (N problems)`` or ``refused: ...``
    when the selection lacks a stage it reads, as ``--only`` would refuse it).

    A hub model that is not cached here while the hub is off cannot be checked here: that line goes to
    ``notes`` (when given) instead of the problems, since the recipe may be meant for another machine; ``trl-r1
    run`` refuses to start with it, ``--dry-run`` prints it as a note."""
    from trl_r1.training.model_checks import OFFLINE

    stages = select_stages(recipe, only, from_stage)
    problems: list[str] = []
    blocked: dict[str, str] = {}
    for stage in stages:
        lines = []
        for line in stage_problems(recipe, stage, output_dir):
            line = f"{recipe.source}: stages[{stage.index}] {stage.name}: {line}"
            if OFFLINE in line:
                if notes is not None and line not in notes:
                    notes.append(line)
            else:
                lines.append(line)
        problems += lines
        if lines:
            blocked[stage.name] = f"invalid ({len(lines)} problem{'s' if len(lines) > 1 else ''})"
    for name, reason in unmet_inputs(recipe, output_dir, stages, from_stage).items():
        problems.append(f"{recipe.source}: {reason}")
        blocked[name] = "refused: an input stage is not complete"
    rerun = recipe.names()[recipe.names().index(from_stage) :] if from_stage else []
    out = Path(output_dir)
    deletes = [n for n in rerun if (out / n).exists() or (out / n).is_symlink()]
    problems += [
        f"{recipe.source}: {line}"
        for line in ownership_problems(recipe, out, [s.name for s in stages], deletes)
    ]
    return problems, blocked
