"""The wire protocol between :class:`~trl_r1.sandbox.local.LocalSandbox` and its workers
(``_launcher.py``): length-prefixed JSON frames on each program's own socket, the launcher's tagged
encoding of step values (builtin data only), the step report a case writes (parsed here, in the
trainer), and the :class:`~trl_r1.sandbox.provider.CaseResult` built from a worker's reply.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from collections.abc import Callable
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
            chunk = os.read(
                fd, need - len(buf)
            )  # never past this frame: the next one is read by the next call
            if not chunk:
                raise WorkerDied("sandbox worker exited")
            buf += chunk
        if length is None:
            length = struct.unpack(">I", buf[:4])[0]
            buf, need = buf[4:], length
            continue
        return json.loads(buf[:length])


class FrameBuffer:
    """Frames out of a byte stream read in whatever pieces arrive (several frames, or part of one).

    A frame is a length (the struct format ``header``: 4 bytes big-endian, as the sandbox writes) and a body
    decoded by ``loads`` (JSON); the verifier pool of :mod:`trl_r1.rewards.verifier_pool` reads its workers'
    pickled little-endian frames with the same buffer.

    >>> FrameBuffer().feed(frame_bytes({"ok": 1}) + frame_bytes([2])[:3])
    [{'ok': 1}]
    """

    def __init__(self, loads: Callable[[bytes], Any] = json.loads, header: str = ">I"):
        self._buf = bytearray()
        self._loads, self._header, self._head = loads, header, struct.calcsize(header)

    def feed(self, data: bytes) -> list[Any]:
        """Add ``data``; return the frames now complete, in order."""
        self._buf += data
        frames = []
        head = self._head
        while len(self._buf) >= head:
            length = struct.unpack(self._header, self._buf[:head])[0]
            if len(self._buf) < head + length:
                break
            frames.append(self._loads(self._buf[head : head + length]))
            del self._buf[: head + length]
        return frames


def frame_bytes(obj: Any) -> bytes:
    """``obj`` as one frame: 4-byte big-endian length, then JSON."""
    data = json.dumps(obj).encode()
    return struct.pack(">I", len(data)) + data


def write_frame(fd: int, obj: Any) -> None:
    data = frame_bytes(obj)
    try:
        while data:
            data = data[os.write(fd, data) :]
    except OSError as exc:  # broken pipe: the worker is gone
        raise WorkerDied(f"sandbox worker gone: {exc}") from exc


_MAX_SAME_HASH = 8  # honest sets and dicts never hold this many elements with one hash


def _hash_safe(items: list) -> list:
    """``items``, refused when too many share a hash: the program writes this report, and a set or dict
    of equal-hash elements (multiples of 2**61 - 1) costs the trainer quadratic time to build."""
    counts: dict = {}
    for item in items:
        h = hash(item)
        counts[h] = counts.get(h, 0) + 1
        if counts[h] > _MAX_SAME_HASH:
            raise ValueError("too many elements with the same hash")
    return items


def decode_value(tagged: Any) -> Any:
    """A step's value from the launcher's tagged encoding (builtin data only; integers in hex)."""
    tag = tagged[0]
    if tag == "n":
        return None
    if tag == "b":
        if not isinstance(tagged[1], bool):
            raise TypeError("bad bool")
        return tagged[1]
    if tag == "i":
        if not isinstance(tagged[1], str):
            raise TypeError("bad int")
        return int(tagged[1], 16)
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
        pairs = [(decode_value(k), decode_value(v)) for k, v in tagged[1]]
        _hash_safe([k for k, _ in pairs])
        return dict(pairs)
    container = {"l": list, "t": tuple, "S": set, "F": frozenset}[tag]
    items = [decode_value(v) for v in tagged[1]]
    return container(_hash_safe(items) if tag in "SF" else items)


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


def parse_report(text: str | None, n_steps: int) -> tuple[tuple[StepResult | None, ...], bool]:
    """The step records a case wrote on fd 3, one JSON object a line: ``{"i": k, "v": value}`` or
    ``{"i": k, "error": "..."}`` for ``k = 0, 1, ...`` in order. Returns one entry per step (``None``:
    never reported) and whether every step was reported. Anything else (a repeat, a gap, a record
    past the last step, a line that is not such a record) voids the whole report: the program can
    write this descriptor too, so only a report exactly as the harness writes it is read at all."""
    steps: list[StepResult | None] = [None] * n_steps
    if text is None:  # over the capture cap
        return tuple(steps), False
    expected = 0
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return (None,) * n_steps, False
        if (
            not isinstance(record, dict)
            or record.get("i") != expected
            or expected >= n_steps
            or set(record) - {"i", "v", "error"}
        ):
            return (None,) * n_steps, False
        steps[expected] = _step_result(record)
        expected += 1
    return tuple(steps), expected == n_steps


def case_result(raw: dict, n_steps: int | None = None) -> CaseResult:
    """A worker's raw case reply as a :class:`CaseResult`; ``n_steps``: how many steps the case had."""
    report = raw.pop("report", None)
    fields = {
        k: raw[k]
        for k in ("status", "stdout", "stderr", "exit_code", "signal", "wall_s", "cpu_s", "truncated")
        if k in raw
    }
    if n_steps is not None:
        fields["steps"], fields["complete"] = parse_report(report, n_steps)
    return CaseResult(**fields)
