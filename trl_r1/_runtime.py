"""Process-level helpers every layer may use: the cache directory, atomic writes (with the user's umask, a
full disk named as such), YAML read with bounded alias expansion, rank-aware logging, the usage error of a
command line."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from pathlib import Path
from typing import Any


class UsageError(Exception):
    """Bad command-line input: ``trl-r1`` reports it as one line, exit code 2, no traceback."""


def cache_dir() -> Path:
    """Where built tiny models and other caches go: ``$TRL_R1_CACHE``, else ``~/.cache/trl_r1``."""
    return Path(os.environ.get("TRL_R1_CACHE", Path.home() / ".cache" / "trl_r1"))


def current_umask() -> int:
    """This process's umask, read without changing it (``/proc``), else by setting and restoring it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # not atomic across threads, hence only the fallback
    os.umask(mask)
    return mask


class DiskFullError(OSError):
    """A write failed because the disk (or the user's quota) is full; the message names the path and the fix."""


_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


# torch's checkpoint writer reports a failed write without its errno: with this little room left where the
# write went, that failure is the disk being full
_NEARLY_FULL_BYTES = 256 * 2**20


def _free_bytes(path: str | os.PathLike) -> int | None:
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        info = os.statvfs(probe)
    except OSError:
        return None
    return info.f_bavail * info.f_frsize


def is_disk_full(error: BaseException, path: str | os.PathLike | None = None) -> bool:
    """Whether ``error`` (or one it was raised from) is a full disk or quota; torch's ``PytorchStreamWriter failed
    writing file`` (which drops the errno) counts when ``path``'s filesystem has almost no room left."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _DISK_FULL_ERRNOS:
            return True
        text = str(error)
        if "No space left on device" in text or "Disk quota exceeded" in text:
            return True
        if path is not None and "PytorchStreamWriter failed writing" in text:
            free = _free_bytes(path)
            if free is not None and free < _NEARLY_FULL_BYTES:
                return True
        error = error.__cause__ or error.__context__
    return False


def disk_full_message(path: str | os.PathLike) -> str:
    """One line naming the full disk: where the write went and how much is free there."""
    where = Path(path)
    free = _free_bytes(where)
    left = f" ({free / 2**20:.0f} MiB free there)" if free is not None else ""
    return f"disk full: no space left on the device holding {where}{left}; free space or choose another output directory"


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` so that readers see the old file or the whole new one, never a part. The file gets the
    mode a plain ``open()`` would give (``0666`` less the umask), not ``mkstemp``'s private ``0600``; a full
    disk raises :class:`DiskFullError` naming it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(
            fd, 0o666 & ~current_umask()
        )  # results on a shared filesystem stay readable as the user wants
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError) and not isinstance(e, DiskFullError) and is_disk_full(e):
            raise DiskFullError(e.errno, disk_full_message(path)) from e
        raise


# A YAML document may expand to at most this many nodes once every alias is followed: configs and recipes
# hold hundreds; a "billion laughs" of a few hundred bytes holds billions and would exhaust memory downstream.
YAML_MAX_EXPANDED_NODES = 100_000


class YAMLTooLarge(ValueError):
    """A YAML document whose aliases expand past :data:`YAML_MAX_EXPANDED_NODES`."""


def load_yaml(text: str, source: str = "<yaml>") -> Any:
    """``yaml.safe_load`` that refuses a document whose alias expansion passes :data:`YAML_MAX_EXPANDED_NODES`
    (counted on the node graph with memoisation, before any Python object is built), so a "billion laughs"
    is refused at once instead of exhausting memory where the value is later printed, hashed or dumped."""
    import yaml

    class _BoundedLoader(yaml.SafeLoader):
        def construct_document(self, node: Any) -> Any:
            sizes: dict[int, int] = {}

            def expanded(n: Any, depth: int = 0) -> int:
                if id(n) in sizes:
                    return sizes[id(n)]
                if depth > 200:
                    raise YAMLTooLarge(f"{source}: YAML nested deeper than 200 levels")
                sizes[id(n)] = 1  # a recursive alias counts once
                if isinstance(n, yaml.SequenceNode):
                    total = 1 + sum(expanded(c, depth + 1) for c in n.value)
                elif isinstance(n, yaml.MappingNode):
                    total = 1 + sum(expanded(k, depth + 1) + expanded(v, depth + 1) for k, v in n.value)
                else:
                    total = 1
                sizes[id(n)] = min(total, YAML_MAX_EXPANDED_NODES + 1)
                return sizes[id(n)]

            if expanded(node) > YAML_MAX_EXPANDED_NODES:
                raise YAMLTooLarge(
                    f"{source}: YAML aliases expand past {YAML_MAX_EXPANDED_NODES:,} nodes (a "
                    '"billion laughs" document?); write the values out instead of nesting aliases'
                )
            return super().construct_document(node)

    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise YAMLTooLarge(f"{source}: YAML nested too deeply to read") from None


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(training_args: object | None = None) -> None:
    """Rank-aware logging, set up once per process: INFO on the main process, WARNING on the others
    (``TrainingArguments.get_process_log_level()`` when ``training_args`` is given, so ``log_level`` and
    ``log_level_replica`` apply), for the ``trl_r1``, ``transformers`` and ``datasets`` loggers."""
    if training_args is not None and hasattr(training_args, "get_process_log_level"):
        level = training_args.get_process_log_level()
    else:
        rank = int(os.environ.get("RANK", os.environ.get("LOCAL_RANK", "0")) or 0)
        level = logging.INFO if rank == 0 else logging.WARNING
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=LOG_FORMAT)
    logging.getLogger("trl_r1").setLevel(level)
    try:
        import transformers

        transformers.utils.logging.set_verbosity(level)
    except ImportError:  # pragma: no cover
        pass
