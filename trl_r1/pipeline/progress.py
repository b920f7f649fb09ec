"""What a person sees while ``trl-r1 run`` / ``trl-r1 demo`` work: one line per stage with a progress bar.

:class:`StageConsole` is a ``progress`` callback for :func:`trl_r1.pipeline.runner.run_recipe`. For each
stage it draws one tqdm bar (the stage's steps, problems or samples, read from the bar the stage itself
draws), its elapsed time and an estimate of the time the whole run has left, and ends the line with the
stage's result and the work done, in numbers that do not depend on the machine (steps, samples). With
``run_recipe(..., capture_output=True)`` everything the libraries print (TRL's per-step dicts, checkpoint
bars, warnings) goes to the stage's ``stage.log`` instead, so the terminal shows only these lines.

The remaining time is a cost model: each stage's work in machine-independent units (:func:`stage_work`),
times seconds per unit for its kind (priors measured on a 2-core CPU with the tiny model), rescaled by how
fast the finished stages actually ran. It is printed as an estimate (``~``).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

# Seconds per unit of stage_work on a 2-core CPU with one torch thread (the demo's tiny model), and a fixed
# start-up cost per stage (loading the model and data). Only ratios matter: finished stages rescale them.
_SECONDS_PER_UNIT = {"sft": 0.008, "grpo": 2.8e-4, "eval": 2.5e-4, "sample": 1.5e-4}
_STARTUP_SECONDS = 3.0
# what one unit of a stage's bar is called
_BAR_UNIT = {"sft": "steps", "grpo": "steps", "eval": "problems", "sample": "samples"}


def _spec_size(spec: Any) -> int | None:
    """The ``n=`` of a dataset spec (``synthetic://…?n=128``), or ``None`` when the spec does not say."""
    match = re.search(r"[?&]n=(\d+)", spec) if isinstance(spec, str) else None
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class StageWork:
    """How much a stage does, independent of the machine.

    Attributes:
        bar_total: the length of the stage's progress bar (training steps, problems, or samples).
        cost_units: the work the time estimate scales with (samples x tokens for generation).
    """

    bar_total: int | None
    cost_units: float | None


def stage_work(kind: str, args: dict[str, Any]) -> StageWork:
    """The machine-independent work of a stage from its flat arguments (``None`` where they do not say)."""
    if kind == "sft":
        steps = args.get("max_steps")
        steps = int(steps) if steps and int(steps) > 0 else None
        return StageWork(steps, steps and steps * float(args.get("per_device_train_batch_size", 8)))
    if kind == "grpo":
        steps = args.get("max_steps")
        steps = int(steps) if steps and int(steps) > 0 else None
        tokens = float(args.get("per_device_train_batch_size", 8)) * float(
            args.get("max_completion_length", 256)
        )
        return StageWork(steps, steps and steps * tokens)
    if kind == "eval":
        n = _spec_size(args.get("dataset"))
        if args.get("limit"):
            n = min(n, int(args["limit"])) if n else int(args["limit"])
        tokens = float(args.get("k", 4)) * float(args.get("max_new_tokens") or 256)
        return StageWork(n, n and n * tokens)
    if kind == "sample":
        n = _spec_size(args.get("dataset"))
        samples = n and n * int(args.get("num_samples", 4))
        return StageWork(samples, samples and samples * float(args.get("max_new_tokens") or 256))
    return StageWork(None, None)


def human(value: float) -> str:
    """A number as people read it: ``6,000``, ``1,360``, ``0.402``, ``12.5``; never ``6e+03``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3f}"


def duration(seconds: float) -> str:
    """``42s``, ``3m05s``."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def work_done(kind: str, metrics: dict[str, float], args: dict[str, Any]) -> str:
    """The work a finished stage did, e.g. ``450 steps, 3,600 samples`` or ``6,000 generated, 1,360 kept``."""
    if kind in ("sft", "grpo"):
        steps = metrics.get("global_step")
        if steps is None:
            return ""
        batch = float(args.get("per_device_train_batch_size", 8)) * float(args.get("num_processes", 1))
        noun = "samples" if kind == "sft" else "completions"
        return f"{human(steps)} steps, {human(steps * batch)} {noun}"
    if kind == "eval" and "n_problems" in metrics:
        return f"{human(metrics['n_problems'])} problems x {human(metrics.get('k', 1))} samples"
    if kind == "sample" and "generated" in metrics:
        return f"{human(metrics['generated'])} generated, {human(metrics.get('kept', 0))} kept"
    return ""


def stage_result(kind: str, metrics: dict[str, float]) -> str:
    """The one result a person wants from a finished stage (pass@1 with its 95% interval, the last loss or reward)."""
    if kind == "eval" and "pass@1" in metrics:
        ci = 1.96 * metrics.get("pass@1_stderr", 0.0)
        fmt = metrics.get("format_compliance")
        return f"pass@1 {metrics['pass@1']:.3f} ± {ci:.3f}" + (
            f", format {fmt:.2f}" if fmt is not None else ""
        )
    if kind == "sft" and "train_loss" in metrics:
        return f"loss {human(metrics['train_loss'])}"
    if kind == "grpo":
        acc = metrics.get("rewards/accuracy_reward/mean")
        return f"accuracy reward {acc:.2f}" if acc is not None else ""
    if kind == "sample" and "rows" in metrics:
        return f"{human(metrics['rows'])} training rows"
    return ""


class StageConsole:
    """The ``progress`` callback that prints one line per stage (see the module docstring).

    Args:
        stream: where the lines go; default a duplicate of this process's stdout taken now, so it still
            reaches the terminal while a stage's output (file descriptors 1 and 2) is captured to its log file.
        bars: draw a live bar (off: only the finished line, e.g. with ``--verbose`` or in a log).
    """

    def __init__(self, stream: IO[str] | None = None, bars: bool = True):
        if stream is None:
            sys.stdout.flush()
            stream = os.fdopen(
                os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8", errors="replace"
            )
        self.stream = stream
        self.bars = bars
        self.started = time.monotonic()
        self._kinds: dict[str, str] = {}
        self._work: dict[str, StageWork] = {}
        self._args: dict[str, dict[str, Any]] = {}
        self._finished: set[str] = set()
        self._done_actual = 0.0
        self._done_predicted = 0.0
        self._bar: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stage_start = 0.0

    # -- the time model ------------------------------------------------------------------------
    def _predicted(self, name: str) -> float | None:
        units = self._work[name].cost_units if name in self._work else None
        if units is None:
            return None
        return _STARTUP_SECONDS + units * _SECONDS_PER_UNIT.get(self._kinds[name], 0.0)

    def _scale(self) -> float:
        return self._done_actual / self._done_predicted if self._done_predicted > 0 else 1.0

    def remaining(self, current: str | None, fraction_done: float | None) -> float | None:
        """Estimated seconds the run has left: the rest of ``current`` plus every stage not started
        (``None`` when a stage's work is unknown)."""
        total = 0.0
        for name in self._kinds:
            if name in self._finished:
                continue
            predicted = self._predicted(name)
            if name == current:
                elapsed = time.monotonic() - self._stage_start
                if fraction_done and fraction_done > 0.05:  # the stage's own rate, once it has one
                    total += elapsed * (1 - fraction_done) / fraction_done
                    continue
                if predicted is None:
                    return None
                total += max(0.0, predicted * self._scale() - elapsed)
            elif predicted is None:
                return None
            else:
                total += predicted * self._scale()
        return total

    # -- the callback --------------------------------------------------------------------------
    def plan(self, stages: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Tell the console every selected stage (name, kind, flat args) before the first starts."""
        for name, kind, args in stages:
            self._kinds[name], self._args[name] = kind, args
            self._work[name] = stage_work(kind, args)

    def __call__(self, event: dict[str, Any]) -> None:
        name, kind = event["stage"], event["kind"]
        self._kinds.setdefault(name, kind)
        if "args" in event:
            self._args[name] = event["args"]
            self._work[name] = stage_work(kind, event["args"])
        head = f"[{event['index'] + 1}/{event['total']}] {name} ({kind})"
        if event["event"] == "start":
            self._stage_start = time.monotonic()
            if self.bars:
                self._open_bar(head, name, kind)
        elif event["event"] == "skip":
            self._finished.add(name)
            self._write(f"{head}: already complete, skipped")
        elif event["event"] == "done":
            self._close_bar()
            self._finished.add(name)
            self._done_actual += event["seconds"]
            self._done_predicted += self._predicted(name) or event["seconds"]
            metrics = event.get("metrics", {})
            parts = [
                p
                for p in (stage_result(kind, metrics), work_done(kind, metrics, self._args.get(name, {})))
                if p
            ]
            left = self.remaining(None, None)
            eta = f", ~{duration(left)} left" if left else ""
            self._write(
                f"{head}: {'; '.join(parts) or 'done'} in {duration(event['seconds'])} "
                f"(elapsed {duration(time.monotonic() - self.started)}{eta})"
            )
        elif event["event"] == "failed":
            self._close_bar()
            self._write(
                f"{head}: FAILED after {duration(event['seconds'])}; its output is in {event.get('log')}"
            )

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    # -- the live bar --------------------------------------------------------------------------
    def _open_bar(self, head: str, name: str, kind: str) -> None:
        from tqdm.auto import tqdm

        total = self._work[name].bar_total if name in self._work else None
        self._bar = tqdm(
            total=total,
            desc=head,
            unit=_BAR_UNIT.get(kind, "it"),
            file=self.stream,
            leave=False,
            dynamic_ncols=True,
            mininterval=0.5,
            position=0,
            bar_format="{desc} {percentage:3.0f}%|{bar:12}| {n_fmt}/{total_fmt} {unit} [{elapsed}]{postfix}",
        )
        self._stop.clear()
        self._thread = threading.Thread(target=self._follow, args=(name, kind), daemon=True)
        self._thread.start()

    def _close_bar(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _inner_bar(self, kind: str, total: int | None) -> Any:
        """The bar the stage itself draws (the Trainer's steps, eval's problems, sampling's samples)."""
        from tqdm.std import tqdm

        candidates = []
        for bar in list(getattr(tqdm, "_instances", [])):
            if bar is self._bar or getattr(bar, "disable", False) or not bar.total:
                continue
            if (total is not None and bar.total == total) or getattr(bar, "unit", "") in (
                "problem",
                "samples",
            ):
                candidates.append(bar)
        return max(candidates, key=lambda b: b.total) if candidates else None

    def _follow(self, name: str, kind: str) -> None:
        work = self._work.get(name, StageWork(None, None))
        # a terminal redraws the line in place; a pipe or log file keeps every redraw, so far fewer there
        interval = 0.5 if getattr(self.stream, "isatty", lambda: False)() else 15.0
        while not self._stop.wait(interval):
            bar, inner = self._bar, self._inner_bar(kind, work.bar_total)
            if bar is None:
                return
            fraction = None
            if inner is not None:
                if bar.total != inner.total:
                    bar.total = inner.total
                bar.n = inner.n
                fraction = inner.n / inner.total if inner.total else None
            left = self.remaining(name, fraction)
            bar.set_postfix_str(f"run ~{duration(left)} left" if left is not None else "", refresh=False)
            bar.refresh()
