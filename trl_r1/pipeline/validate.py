"""Everything a recipe run would fail on, found before any work (``trl-r1 run`` and ``--dry-run``).

:func:`recipe_problems` returns one line per problem, each naming the recipe, the stage and key, and
the fix::

    r1.yaml: stages[2] reasoning_rl: args.max_steps: expected an integer, got 'ten'

It checks, for every selected stage:

* each ``args`` value against its field's type in the stage's config classes and the ranges of
  :data:`trl_r1.training.arguments.RANGES` (:meth:`Stage.argument_problems <trl_r1.pipeline.recipe.Stage.
  argument_problems>`), then the flat arguments parsed into those classes (TRL's ``SFTConfig`` / ``GRPOConfig`` /
  ``ModelConfig``, ``RejectionSamplingConfig``) by the parse the stage's own process runs
  (:func:`trl_r1.pipeline.runner.probe_stage`), so their own checks run too, with only the device-dependent ones
  (bf16/fp16 support) left for launch time, and GRPO's ``num_generations`` checked against the generation batch
  (``per_device_train_batch_size x num_processes x steps_per_generation``) of the stage's own ``num_processes``;
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
from pathlib import Path
from typing import Any

from trl_r1.pipeline.output_dir import ownership_problems, select_stages, unmet_inputs
from trl_r1.pipeline.recipe import STAGE_REF, Recipe, Stage
from trl_r1.pipeline.runner import probe_stage

logger = logging.getLogger(__name__)


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
    from trl_r1.training.arguments import missing_extras

    problems = stage.argument_problems()
    problems += _paths(stage, stage.args)
    problems += missing_extras(stage.args, stage.accelerate_config)
    if problems:  # parsing the arguments would only repeat these
        return problems
    problems, args, parsed = probe_stage(recipe, stage, output_dir)
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
