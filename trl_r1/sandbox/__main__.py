"""``python -m trl_r1.sandbox clean``: remove what killed trainers left (roots, cgroups, uid processes)."""

from __future__ import annotations

import argparse
import logging
import sys

from trl_r1.sandbox.cleanup import DEFAULT_LOCK_DIR, clean_stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trl_r1.sandbox", description="Sandbox maintenance for the code reward.")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="remove stale sandbox roots and cgroups of dead trainers, kill "
                                         "leftover processes of unleased sandbox uids")
    clean.add_argument("--lock_dir", default=DEFAULT_LOCK_DIR, help="uid lease directory (SandboxConfig.lock_dir)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = clean_stale(args.lock_dir)
    logging.getLogger("trl_r1.sandbox").info(
        "removed %d stale root(s) and %d cgroup(s); killed leftover processes of %d uid(s)",
        counts["roots"], counts["cgroups"], counts["uids"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
