"""What a run leaves in its output directory, and what the runner may touch there.

Each stage writes to ``OUTPUT_DIR/<stage name>/``:

* its model and tokenizer (sft/grpo), selected dataset (sample) or scores (eval), and the Trainer's
  ``checkpoint-*`` folders;
* ``stage_config.yaml``: the flat arguments the stage ran with (usable with the stage scripts);
* ``metrics.json``, then ``stage_complete.json``, the completion marker, written last and
  atomically: a stage is complete if and only if its marker exists;
* ``.trl-r1-stage``, written when the runner creates the directory: the runner deletes (``--from``)
  or writes into only directories holding it, so nothing a user made is ever removed or overwritten.
  ``OUTPUT_DIR/.trl-r1-run`` likewise marks the output directory whose ``recipe.yaml`` and
  ``summary.json`` the runner may replace.

``OUTPUT_DIR/summary.json`` lists every complete stage::

    {"stages": [{"name": str, "kind": str, "seconds": float, "metrics": {str: float}}],
     "eval": {"<evaluated stage>": {"pass@1": float, "k": int, "n_problems": int, "stderr": float}},
     "doctor": {"<grpo stage>": <its doctor.json>},
     "bench": {"<grpo stage>": {"<benchmark>": {"steps": [int], "pass@1": [float], "seconds_per_eval": float}}}}

Which stages a run selects (``--only`` / ``--from``) and whether the stages they read are complete are decided
here too, from the markers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trl_r1._runtime import write_atomic
from trl_r1.pipeline.recipe import STAGE_REF, Recipe, RecipeError, Stage, stage_name_problem

MARKER = "stage_complete.json"
METRICS = "metrics.json"
STAGE_CONFIG = "stage_config.yaml"
STAGE_SPEC = "stage_spec.json"
STAGE_LOG = "stage.log"
SUMMARY = "summary.json"
RECIPE_COPY = "recipe.yaml"
# ownership marks: the runner removes or replaces only what sits under a directory holding one
STAGE_OWNER = ".trl-r1-stage"
RUN_OWNER = ".trl-r1-run"


def read_marker(stage_dir: str | Path) -> dict[str, Any] | None:
    """The completion record of a stage directory, or ``None`` if the stage is not complete."""
    path = Path(stage_dir) / MARKER
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def mark_own(directory: Path, marker: str) -> None:
    """Put the runner's ownership mark ``marker`` in ``directory`` (once)."""
    if not (directory / marker).exists():
        write_atomic(directory / marker, "created by trl-r1 run; it may delete or replace what is in here\n")


def ownership_problems(
    recipe: Recipe, output_dir: str | Path, writes: Sequence[str], deletes: Sequence[str]
) -> list[str]:
    """Why the runner may not write the stages ``writes`` into, or delete the stages ``deletes`` from,
    ``output_dir`` (one line each; ``[]``: it may). The output directory must be new, empty, or one the runner
    marked; a stage directory that exists must hold the runner's mark (a user's folder of the same name is
    never touched)."""
    out = Path(output_dir)
    problems = []
    if out.exists() and not out.is_dir():
        return [f"output directory {str(out)!r} is a file, not a directory"]
    if out.is_dir() and not (out / RUN_OWNER).exists():
        clash = [name for name in (RECIPE_COPY, SUMMARY) if (out / name).exists()]
        if clash:
            problems.append(
                f"{out} holds {', '.join(clash)} that trl-r1 run did not write (no {RUN_OWNER} there); "
                "choose a new or empty --output-dir"
            )
    for name in dict.fromkeys([*deletes, *writes]):
        if stage_name_problem(name):  # a Recipe built in code, not parsed: never a path outside out
            problems.append(f"stage name {name!r}: {stage_name_problem(name)}")
            continue
        sdir = out / name
        if not os.path.lexists(sdir):
            continue
        if sdir.is_symlink() or not sdir.is_dir():
            problems.append(
                f"{sdir} is a {'link' if sdir.is_symlink() else 'file'}, not a stage directory trl-r1 "
                "run created; move it away or choose another --output-dir"
            )
        elif not (sdir / STAGE_OWNER).exists() and (name in deletes or read_marker(sdir) is None):
            verb = "delete" if name in deletes else "write into"
            problems.append(
                f"{sdir} was not created by trl-r1 run (no {STAGE_OWNER} in it), so it will not {verb} "
                "it; move it away or choose another --output-dir"
            )
    return problems


def checkpoint_step(checkpoint: str) -> int:
    return int(Path(checkpoint).name.rpartition("-")[2])


def _eval_target(recipe: Recipe, stage: Stage) -> str:
    if stage.model and stage.model.startswith(STAGE_REF):
        return stage.model[len(STAGE_REF) :]
    return "base" if stage.model == recipe.model else stage.name


def build_summary(recipe: Recipe, output_dir: str | Path) -> dict[str, Any]:
    """The summary of every complete stage of ``recipe`` in ``output_dir``, in recipe order."""
    from trl_r1.eval.curves import benchmark_curves
    from trl_r1.training.doctor_report import read_doctor

    rows, evals, doctor, bench = [], {}, {}, {}
    for stage in recipe.stages:
        marker = read_marker(Path(output_dir) / stage.name)
        if marker is None:
            continue
        if (
            stage.kind == "grpo"
        ):  # the run doctor's verdict and the in-training benchmark curves (trl_r1.training)
            if (report := read_doctor(Path(output_dir) / stage.name)) is not None:
                doctor[stage.name] = report
            if curves := benchmark_curves(Path(output_dir) / stage.name):
                bench[stage.name] = curves
        metrics = {k: float(v) for k, v in marker.get("metrics", {}).items()}
        rows.append(
            {
                "name": stage.name,
                "kind": stage.kind,
                "seconds": float(marker.get("seconds", 0.0)),
                "metrics": metrics,
            }
        )
        if stage.kind == "eval" and "pass@1" in metrics:
            evals[_eval_target(recipe, stage)] = {
                "pass@1": metrics["pass@1"],
                "k": int(metrics.get("k", 0)),
                "n_problems": int(metrics.get("n_problems", 0)),
                "stderr": metrics.get("pass@1_stderr", 0.0),
            }
    return {"stages": rows, "eval": evals, "doctor": doctor, "bench": bench}


def select_stages(
    recipe: Recipe, only: Sequence[str] | None = None, from_stage: str | None = None
) -> list[Stage]:
    """The stages ``--only`` / ``--from`` pick, in recipe order (unknown names are an error)."""
    names = recipe.names()
    for name in list(only or []) + ([from_stage] if from_stage else []):
        if name not in names:
            raise RecipeError(f"{recipe.source}: no stage {name!r}; stages: {', '.join(names)}")
    start = names.index(from_stage) if from_stage else 0
    return [s for s in recipe.stages if s.index >= start and (not only or s.name in only)]


def unmet_inputs(
    recipe: Recipe, output_dir: str | Path, selected: Sequence[Stage], from_stage: str | None = None
) -> dict[str, str]:
    """Stage name -> why it cannot run with this selection: it reads a stage that is neither complete in
    ``output_dir`` nor selected (``--only``), or one that ``--from`` deletes without rerunning it."""
    out = Path(output_dir)
    rerun = set(recipe.names()[recipe.names().index(from_stage) :]) if from_stage else set()
    chosen = {s.name for s in selected}
    reasons = {}
    for stage in selected:
        for ref in stage.upstream():
            if ref not in chosen and (ref in rerun or read_marker(out / ref) is None):
                reasons[stage.name] = (
                    f"stage {stage.name!r} reads stage {ref!r}, which is not complete in {out}; "
                    "run it too (add it to --only, or drop --only)"
                )
                break
    return reasons
