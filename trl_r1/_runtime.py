"""Process-level helpers every layer may use: the cache directory, atomic writes, rank-aware logging, the usage
error of a command line."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path


class UsageError(Exception):
    """Bad command-line input: ``trl-r1`` reports it as one line, exit code 2, no traceback."""


def cache_dir() -> Path:
    """Where built tiny models and other caches go: ``$TRL_R1_CACHE``, else ``~/.cache/trl_r1``."""
    return Path(os.environ.get("TRL_R1_CACHE", Path.home() / ".cache" / "trl_r1"))


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
