"""Run a recipe's stages in order, resumably, into an output directory (its files:
:mod:`trl_r1.pipeline.output_dir`).

Rerunning skips complete stages (after checking that their recipe entry did not change), and an
interrupted training stage resumes from its last complete Trainer checkpoint.

A stage runs in this process, or in a fresh one (``launcher: python``), or under
``accelerate launch`` (an accelerate config: DeepSpeed ZeRO, FSDP, multi-node) or ``torchrun``
with ``num_processes`` processes. This module is also the stage's own entry point in those processes:
``python -m trl_r1.pipeline.runner --kind KIND OUTPUT_DIR/NAME/stage_config.yaml`` (:func:`main`) reads the flat
arguments the runner wrote and runs the kind's stage function on every rank; rank 0 writes ``metrics.json``.

Before any work, :func:`probe_stage` parses a stage's flat arguments with the same parse its process uses
(the kind's ``parse``, :func:`trl_r1.training.arguments.parse_stage_arguments`), so a bad value fails in one
line naming the stage and key (:mod:`trl_r1.pipeline.validate`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from trl_r1._runtime import disk_full_message, is_disk_full, write_atomic
from trl_r1.pipeline.output_dir import (
    MARKER,
    METRICS,
    RECIPE_COPY,
    RUN_OWNER,
    STAGE_CONFIG,
    STAGE_LOG,
    STAGE_OWNER,
    STAGE_SPEC,
    SUMMARY,
    build_summary,
    checkpoint_step,
    mark_own,
    ownership_problems,
    read_marker,
    select_stages,
    unmet_inputs,
)
from trl_r1.pipeline.recipe import LORA_KEYS, STAGE_REF, Recipe, RecipeError, Stage, load_recipe
from trl_r1.pipeline.stages import KINDS, sample_output_dataset
from trl_r1.training.stage import last_checkpoint

logger = logging.getLogger(__name__)


Progress = Callable[[dict[str, Any]], None]


class StageFailed(RuntimeError):
    """A stage stopped on an error (bad data or settings, or a failed subprocess); nothing is marked
    complete, and rerunning resumes it from its last checkpoint."""


def stage_args(recipe: Recipe, stage: Stage, output_dir: str | Path) -> dict[str, Any]:
    """The flat arguments of ``stage``: its ``args`` plus model, data, rewards, LoRA and output
    directory filled in (``stage:NAME`` references resolved to ``output_dir/NAME``)."""
    from trl_r1.models.resolve import resolve_model
    from trl_r1.rewards.registry import reward_import_path

    out = Path(output_dir)
    spec = KINDS[stage.kind]
    args = dict(stage.args)
    sdir = out / stage.name
    args[spec.output_key] = str(sdir)

    def ref(value: str, dataset: bool) -> str:
        if not value.startswith(STAGE_REF):
            return value if dataset else resolve_model(value)
        target = out / value[len(STAGE_REF) :]
        return sample_output_dataset(target) if dataset else str(target)

    args[spec.model_key] = ref(stage.model, dataset=False)
    datasets = [ref(d, dataset=True) for d in stage.datasets]
    if len(datasets) > 1:
        args[spec.mixture_key] = datasets
    else:
        args[spec.dataset_key] = datasets[0]
    if stage.eval_dataset:
        args[spec.eval_dataset_key] = ref(stage.eval_dataset, dataset=True)
    if stage.rewards and stage.kind == "grpo":
        args["reward_funcs"] = [r.spec() for r in stage.rewards]
        args["reward_weights"] = [r.weight for r in stage.rewards]
    elif stage.rewards and stage.kind == "sample":
        args["reward_funcs"] = [reward_import_path(r.name) for r in stage.rewards]
        if any(r.threshold is not None for r in stage.rewards):
            args["reward_thresholds"] = [1.0 if r.threshold is None else r.threshold for r in stage.rewards]
    if stage.kind == "eval":
        args.setdefault("layout", trained_layout(recipe))
    if spec.trains:
        args["use_peft"] = stage.lora is not None
        for key, value in (stage.lora or {}).items():
            if key == "merge":
                args["lora_merge"] = bool(value)
            else:
                args[LORA_KEYS[key]] = value
        checkpoint = last_checkpoint(sdir)
        if checkpoint:
            args["resume_from_checkpoint"] = checkpoint
    return args


def probe_stage(
    recipe: Recipe, stage: Stage, output_dir: str | Path
) -> tuple[list[str], dict[str, Any], list[Any]]:
    """The stage's flat arguments (:func:`stage_args`) parsed here, before any work, by the parse its own process
    will run (the kind's ``parse``, as a probe for its ``num_processes``): the problems (one line each), the flat
    arguments and the parsed config objects (``[]`` when refused, or for an eval stage)."""
    from trl_r1.training.arguments import StageArgumentsError

    args = stage_args(recipe, stage, output_dir)
    parse = KINDS[stage.kind].parser()
    if parse is None:
        return [], args, []
    try:
        return [], args, list(parse(args, probe_processes=stage.num_processes))
    except StageArgumentsError as e:
        return e.problems, args, []


# format reward -> the completion layout eval's format compliance scores (trl_r1.eval.EvalSettings.layout)
_LAYOUT_OF_REWARD = {"r1_zero_format": "r1_zero", "think_summary_format": "r1"}


def trained_layout(recipe: Recipe) -> str:
    """The completion layout the recipe's format rewards train (``r1_zero`` or ``r1``), else ``auto``."""
    layouts = {
        _LAYOUT_OF_REWARD[r.name] for s in recipe.stages for r in s.rewards if r.name in _LAYOUT_OF_REWARD
    }
    return layouts.pop() if len(layouts) == 1 else "auto"


def launch_command(stage: Stage, config_path: str | Path) -> list[str] | None:
    """The command that runs ``stage`` in its own process(es), or ``None`` for an in-process stage."""
    mode = stage.launch_mode()
    entry = ["-m", "trl_r1.pipeline.runner", "--kind", stage.kind, str(config_path)]  # this module's main()
    if mode == "inprocess":
        return None
    if mode == "python":
        return [sys.executable, *entry]
    if mode == "torchrun":
        cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(stage.num_processes)]
        if not any(a.startswith(("--nnodes", "--rdzv", "--master")) for a in stage.launcher_args):
            cmd.append("--standalone")  # one node, free port
        return cmd + stage.launcher_args + entry
    cmd = [sys.executable, "-m", "accelerate.commands.launch"]
    if stage.accelerate_config:
        cmd += ["--config_file", stage.accelerate_config]
    if stage.num_processes > 1 or not stage.accelerate_config:
        cmd += ["--num_processes", str(stage.num_processes)]
    if stage.num_processes > 1 and not stage.accelerate_config:
        # plain data parallel; `--cpu --num_processes N` would silently start ONE process (accelerate 1.15)
        cmd.append("--multi_gpu")
    return cmd + stage.launcher_args + entry


def _dump_yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _changed_keys(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            keys += _changed_keys(a, b, f"{prefix}{key}.")
        elif json.dumps(a, sort_keys=True, default=str) != json.dumps(b, sort_keys=True, default=str):
            keys.append(f"{prefix}{key}")
    return keys


def _check_unchanged(stage: Stage, recorded: dict[str, Any] | None, output_dir: Path, what: str) -> None:
    if recorded is None or recorded.get("fingerprint") == stage.fingerprint():
        return
    changed = _changed_keys(
        recorded.get("spec", {}), json.loads(json.dumps(stage.fingerprint_data(), default=str))
    )
    raise RecipeError(
        f"stage {stage.name!r} in {output_dir} was {what} with other settings (changed: {', '.join(changed) or '?'}); "
        f"rerun it with --from {stage.name}, or use another --output-dir"
    )


@contextlib.contextmanager
def _output_to(log_path: Path | None) -> Iterator[None]:
    """Send this process's stdout and stderr (file descriptors 1 and 2, so C libraries, child processes,
    warnings, log handlers and tqdm bars too) to ``log_path`` while the block runs; ``None``: leave them."""
    if log_path is None:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    try:
        with open(log_path, "a", encoding="utf-8") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("default")  # each library warning once per place, into the log
                    yield
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _run_in_process(stage: Stage, args: dict[str, Any]) -> dict[str, float]:
    try:
        metrics = KINDS[stage.kind].stage_function()(args)
    except Exception as e:
        output_dir = args.get(KINDS[stage.kind].output_key) or "."
        if is_disk_full(e, output_dir):  # torch's "PytorchStreamWriter failed writing file" hides an ENOSPC
            raise StageFailed(
                f"stage {stage.name!r} ({stage.kind}) failed: {disk_full_message(output_dir)}"
            ) from e
        if isinstance(
            e, (ValueError, FileNotFoundError)
        ):  # bad data or settings: one clear line, not a traceback
            raise StageFailed(f"stage {stage.name!r} ({stage.kind}) failed: {e}") from e
        raise
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:  # pragma: no cover
        pass
    return metrics


def _run_subprocess(stage: Stage, cmd: list[str], sdir: Path) -> dict[str, float]:
    logger.info("stage %s: %s", stage.name, " ".join(cmd))
    metrics_path = sdir / METRICS
    metrics_path.unlink(missing_ok=True)
    env = dict(os.environ)
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    # the stage process imports trl_r1 as this process does: from the installed package (or the caller's PYTHONPATH)
    proc = subprocess.Popen(cmd, env=env)
    try:
        proc.wait()
    except BaseException:  # Ctrl-C or a timeout: SIGTERM lets torchrun/accelerate stop their workers too
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    if proc.returncode != 0:
        raise StageFailed(
            f"stage {stage.name!r} failed (exit code {proc.returncode}; see its output); "
            "rerunning resumes it from its last checkpoint"
        )
    if not metrics_path.is_file():
        raise StageFailed(f"stage {stage.name!r} exited without writing {metrics_path}")
    return json.loads(metrics_path.read_text())


def run_recipe(
    recipe: Recipe | str | Path,
    output_dir: str | Path,
    only: Sequence[str] | None = None,
    from_stage: str | None = None,
    progress: Progress | None = None,
    capture_output: bool = False,
) -> dict[str, Any]:
    """Run the recipe's stages in order into ``output_dir`` and return the summary (also written
    to ``output_dir/summary.json``).

    Args:
        recipe: a :class:`Recipe` or the path of a recipe file.
        output_dir: one directory per stage goes here.
        only: run only these stages (complete ones are still skipped); the stages they read must
            be complete or selected.
        from_stage: rerun from this stage: its directory and those of all later stages are
            deleted first, then it and the later (selected) stages run.
        progress: called with ``{"event": "start"|"skip"|"done"|"failed", "stage", "kind", "index",
            "total", "args", "seconds", "metrics", "log"}`` for each selected stage (the demo prints one line
            per stage from it, :class:`trl_r1.pipeline.progress.StageConsole`); if it has a ``plan`` method,
            that is called first with ``[(name, kind, flat args)]`` of every selected stage. Events are logged
            either way.
        capture_output: send everything a stage prints (its log records, the Trainer's per-step dicts and
            bars, library warnings; subprocess stages too) to ``OUTPUT_DIR/<stage>/stage.log`` instead of
            the terminal.
    """
    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe)
    out = Path(output_dir)
    selected = select_stages(recipe, only, from_stage)
    rerun = [n for n in recipe.names()[recipe.names().index(from_stage) :]] if from_stage else []
    for reason in unmet_inputs(recipe, out, selected, from_stage).values():  # before any work or deletion
        raise RecipeError(reason)
    for stage in selected:
        if stage.name not in rerun:
            _check_unchanged(stage, read_marker(out / stage.name), out, "completed")
    deletes = [n for n in rerun if os.path.lexists(out / n)]
    for problem in ownership_problems(recipe, out, [s.name for s in selected], deletes):
        raise RecipeError(problem)
    out.mkdir(parents=True, exist_ok=True)
    mark_own(out, RUN_OWNER)
    for name in deletes:  # each holds STAGE_OWNER and is a real directory directly under out (checked above)
        logger.info("--from %s: deleting %s", from_stage, out / name)
        shutil.rmtree(out / name)
    write_atomic(out / RECIPE_COPY, _dump_yaml(recipe.to_dict()))

    def notify(event: str, stage: Stage, **info: Any) -> None:
        payload = {
            "event": event,
            "stage": stage.name,
            "kind": stage.kind,
            "index": selected.index(stage),
            "total": len(selected),
            **info,
        }
        if progress is not None:
            progress(payload)

    if progress is not None and hasattr(progress, "plan"):
        progress.plan([(s.name, s.kind, stage_args(recipe, s, out)) for s in selected])
    for stage in selected:
        sdir = out / stage.name
        marker = read_marker(sdir)
        if marker is not None:
            logger.info("stage %s (%s): already complete, skipping", stage.name, stage.kind)
            notify(
                "skip", stage, seconds=float(marker.get("seconds", 0.0)), metrics=marker.get("metrics", {})
            )
            continue
        spec_path = sdir / STAGE_SPEC
        if spec_path.is_file() and last_checkpoint(sdir):  # resuming under other settings would mix two runs
            _check_unchanged(stage, json.loads(spec_path.read_text()), out, "started")
        sdir.mkdir(parents=True, exist_ok=True)
        mark_own(sdir, STAGE_OWNER)
        record = {"fingerprint": stage.fingerprint(), "spec": stage.fingerprint_data()}
        write_atomic(spec_path, json.dumps(record, indent=2, default=str))
        args = stage_args(recipe, stage, out)
        config_path = sdir / STAGE_CONFIG
        write_atomic(config_path, _dump_yaml(args))
        resumed = args.get("resume_from_checkpoint")
        notify("start", stage, args=args)
        start = time.time()
        log_path = sdir / STAGE_LOG
        try:
            with _output_to(log_path if capture_output else None):
                logger.info(
                    "stage %d/%d %s (%s)%s",
                    selected.index(stage) + 1,
                    len(selected),
                    stage.name,
                    stage.kind,
                    f": resuming from {resumed}" if resumed else "",
                )
                cmd = launch_command(stage, config_path)
                metrics = _run_in_process(stage, args) if cmd is None else _run_subprocess(stage, cmd, sdir)
                logger.info("stage %s done in %.1fs", stage.name, time.time() - start)
        except BaseException:
            notify(
                "failed", stage, seconds=time.time() - start, log=str(log_path) if capture_output else None
            )
            raise
        seconds = time.time() - start
        metrics = {k: float(v) for k, v in metrics.items()}
        if resumed:
            metrics["resumed_from_step"] = float(checkpoint_step(resumed))
        write_atomic(sdir / METRICS, json.dumps(metrics, indent=2))
        write_atomic(
            sdir / MARKER,
            json.dumps(
                {
                    **record,
                    "name": stage.name,
                    "kind": stage.kind,
                    "seconds": seconds,
                    "metrics": metrics,
                    "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                indent=2,
                default=str,
            ),
        )
        notify("done", stage, seconds=seconds, metrics=metrics, args=args)
        write_atomic(out / SUMMARY, json.dumps(build_summary(recipe, out), indent=2))
    summary = build_summary(recipe, out)
    write_atomic(out / SUMMARY, json.dumps(summary, indent=2))
    return summary


@dataclass
class StageProcessArguments:
    """The options of a stage's own process (the stage's arguments are in its ``stage_config.yaml``)."""

    kind: Literal["sft", "grpo", "sample", "eval"] = field(metadata={"help": "the stage kind"})
    stage_config: str = field(metadata={"help": "the stage's flat arguments (stage_config.yaml)"})


def main(argv: list[str] | None = None) -> int:
    """A stage's own process(es): ``python -m trl_r1.pipeline.runner --kind KIND CONFIG``, started by
    :func:`launch_command` directly or under ``accelerate launch`` / ``torchrun``. Every rank runs the kind's
    stage function on the flat arguments in ``CONFIG``; rank 0 writes ``metrics.json`` next to the stage's
    outputs."""
    import yaml

    from trl_r1._runtime import setup_logging
    from trl_r1.training.options import CommandParser, parse_options

    parser = CommandParser(
        positional="stage_config",
        dataclass_types=(StageProcessArguments,),
        prog="python -m trl_r1.pipeline.runner",
    )
    options = parse_options(parser, sys.argv[1:] if argv is None else argv)
    setup_logging()
    args = yaml.safe_load(Path(options.stage_config).read_text(encoding="utf-8"))
    kind = KINDS[options.kind]
    metrics = kind.stage_function()(args)
    if int(os.environ.get("RANK", "0")) == 0:
        write_atomic(Path(args[kind.output_key]) / METRICS, json.dumps(metrics, indent=2))
    _leave_process_group()
    return 0


def _leave_process_group() -> None:
    """Let every rank finish together, then tear the process group down: a rank exiting with a live
    gloo/NCCL group can leave its peer (and so the launcher) waiting at shutdown."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover
        return
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
