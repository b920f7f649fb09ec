"""Every dotted ``trl_r1.…`` name the code, docs, recipes and README mention exists (a moved or renamed
module leaves no pointer behind). CHANGELOG.md records history and is left out."""

import importlib
import re

from testkit import REPO_ROOT, mentioning_files

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
    stale = {}
    for name in mentioning_files("*.py", "*.md", "*.yaml", "*.toml"):
        for dotted in set(DOTTED.findall((REPO_ROOT / name).read_text(encoding="utf-8"))):
            if not _resolves(dotted):
                stale.setdefault(dotted, []).append(name)
    assert stale == {}
