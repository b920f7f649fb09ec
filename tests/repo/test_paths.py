"""Every repository path the code, docs, recipes and README mention (``tests/training/test_stage_chain.py``,
``recipes/tiny/stage1.yaml``, ``docs/...``) exists: a moved file leaves no pointer behind. The dotted names
are :mod:`test_references`'s. CHANGELOG.md records history and is left out."""

import re

from testkit import REPO_ROOT, mentioning_files

# A path into one of this repository's top folders, not inside another path (``TRL/tests/...``, ``a/b/x.py``).
PATH = re.compile(
    r"(?<![\w/.-])((?:trl_r1|tests|docs|recipes|benchmarks|examples)/[\w/.-]*\.(?:py|md|yaml))\b"
)
# These cite other projects' test files by the projects' own paths (Math-Verify's, TRL's and open-r1's reward
# tests): the conformance cases are carried over from them.
CITES_UPSTREAM = frozenset(
    {
        "docs/conformance.md",
        "tests/conformance/make_cases.py",
        "tests/conformance/conformance.py",
    }
)


def test_every_repository_path_mentioned_anywhere_exists():
    missing = {}
    for name in mentioning_files("*.py", "*.md", "*.yaml", "*.toml", "Makefile", leave_out=CITES_UPSTREAM):
        for path in set(PATH.findall((REPO_ROOT / name).read_text(encoding="utf-8"))):
            if not (REPO_ROOT / path).exists():
                missing.setdefault(path, []).append(name)
    assert missing == {}
