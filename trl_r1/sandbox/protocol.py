"""The wire protocol between :class:`~trl_r1.sandbox.local.LocalSandbox` and its fork-server workers
(``_launcher.py``): length-prefixed JSON frames, the launcher's tagged encoding of step values (builtin
data only), and the :class:`~trl_r1.sandbox.provider.CaseResult` built from a worker's reply.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

from trl_r1.sandbox.provider import CaseResult, StepResult


class WorkerDied(Exception):
    """The fork server exited or closed its pipe."""


def read_frame(fd: int, deadline: float) -> Any:
    """One frame from the worker; ``TimeoutError`` past ``deadline``, ``WorkerDied`` at end of file."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    buf = b""
    need = 4
    length = None
    while True:
        while len(buf) < need:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                raise TimeoutError
            chunk = os.read(fd, max(need - len(buf), 1 << 16))
            if not chunk:
                raise WorkerDied("sandbox worker exited")
            buf += chunk
        if length is None:
            length = struct.unpack(">I", buf[:4])[0]
            buf, need = buf[4:], length
            continue
        return json.loads(buf[:length])


def write_frame(fd: int, obj: Any) -> None:
    data = json.dumps(obj).encode()
    data = struct.pack(">I", len(data)) + data
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError as exc:  # broken pipe: the worker is gone
        raise WorkerDied(f"sandbox worker gone: {exc}") from exc


def decode_value(tagged: Any) -> Any:
    """A step's value from the launcher's tagged encoding (builtin data only)."""
    tag = tagged[0]
    if tag == "n":
        return None
    if tag == "b":
        return bool(tagged[1])
    if tag == "i":
        return int(tagged[1])
    if tag == "f":
        return float(tagged[1])
    if tag == "c":
        return complex(tagged[1])
    if tag == "s":
        if not isinstance(tagged[1], str):
            raise TypeError("bad string")
        return tagged[1]
    if tag == "y":
        return bytes.fromhex(tagged[1])
    if tag == "d":
        return {decode_value(k): decode_value(v) for k, v in tagged[1]}
    container = {"l": list, "t": tuple, "S": set, "F": frozenset}[tag]
    return container(decode_value(v) for v in tagged[1])


def _step_result(record: dict | None) -> StepResult | None:
    if record is None:
        return None
    if "error" in record:
        return StepResult(error=str(record["error"]))
    if "v" not in record:
        return StepResult()
    try:
        return StepResult(value=decode_value(record["v"]))
    except (ValueError, TypeError, IndexError, KeyError, RecursionError) as exc:
        return StepResult(error=f"unreadable value: {exc}")


def case_result(raw: dict) -> CaseResult:
    steps = raw.pop("steps", None)
    fields = {k: raw[k] for k in ("status", "stdout", "stderr", "exit_code", "signal", "wall_s", "cpu_s",
                                  "truncated", "complete") if k in raw}
    if steps is not None:
        fields["steps"] = tuple(_step_result(s) for s in steps)
    return CaseResult(**fields)
