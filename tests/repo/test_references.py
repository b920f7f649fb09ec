"""Every dotted ``trl_r1.…`` name the code, docs, recipes and README mention exists (a moved or renamed
module leaves no pointer behind). CHANGELOG.md records history and is left out."""

import importlib
import re
import subprocess

from testkit import REPO_ROOT

DOTTED = re.compile(r"\btrl_r1(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attribute in parts[i:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def test_every_dotted_trl_r1_name_mentioned_anywhere_exists():
    listed = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.yaml", "*.toml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    stale = {}
    for name in listed:
        if name == "CHANGELOG.md" or not (REPO_ROOT / name).is_file():
            continue
        for dotted in set(DOTTED.findall((REPO_ROOT / name).read_text(encoding="utf-8"))):
            if not _resolves(dotted):
                stale.setdefault(dotted, []).append(name)
    assert stale == {}
