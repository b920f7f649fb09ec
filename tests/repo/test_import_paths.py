"""Each public name has one import path: the module that defines it, plus its package's face (``__init__``).
A module's ``__all__`` lists only what it defines, and every ``from trl_r1.<module> import name`` in the package,
tests, scripts and recipes names the module that defines ``name`` (a face, ``from trl_r1.rewards import ...``,
may gather its own package's names)."""

import ast
import subprocess
from pathlib import Path

from testkit import REPO_ROOT


def _defined(tree: ast.Module) -> set[str]:
    """The names a module binds at its top level (``if`` / ``try`` blocks included), imports left out."""
    names: set[str] = set()
    for node in tree.body:
        for sub in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, (ast.Assign, ast.AnnAssign)):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _module_file(dotted: str) -> Path | None:
    path = REPO_ROOT.joinpath(*dotted.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def _all(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return [e.value for e in node.value.elts]
    return []


def test_a_module_lists_in_all_only_the_names_it_defines():
    foreign = {}
    for path in sorted((REPO_ROOT / "trl_r1").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n for n in _all(tree) if n not in _defined(tree)]
        if names:
            foreign[str(path.relative_to(REPO_ROOT))] = names
    assert foreign == {}


def test_every_import_from_a_trl_r1_module_names_the_module_that_defines_the_name():
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    defined: dict[Path, set[str]] = {}
    elsewhere = []
    for name in listed:
        if not (REPO_ROOT / name).is_file():
            continue
        for node in ast.walk(ast.parse((REPO_ROOT / name).read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").startswith("trl_r1")
            ):
                continue
            source = _module_file(node.module)
            if source is None or source.name == "__init__.py":
                continue  # a face (or a module that does not exist: test_references' concern)
            if source not in defined:
                defined[source] = _defined(ast.parse(source.read_text(encoding="utf-8")))
            for alias in node.names:
                if alias.name not in defined[source] and _module_file(f"{node.module}.{alias.name}") is None:
                    elsewhere.append(f"{name}:{node.lineno} imports {alias.name} from {node.module}")
    assert elsewhere == []
