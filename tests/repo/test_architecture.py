"""The layout of README "Layout" holds: layers import downwards only, no import cycle between files,
few loose modules, nothing in the package imports test fixtures."""

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "trl_r1"


def test_the_layer_contract_and_the_acyclic_contract_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 kept, 0 broken" in done.stdout


def _cycles(graph) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_between_any_two_files_even_inside_functions():
    graph = grimp.build_graph("trl_r1")
    assert _cycles(graph) == []


def test_at_most_three_modules_are_loose_at_the_top_of_the_package():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 3, loose


def test_nothing_in_the_package_imports_the_test_suite():
    graph = grimp.build_graph("trl_r1", include_external_packages=True)
    importers = sorted(
        m
        for m in graph.modules
        if m.startswith("trl_r1")
        for imported in graph.find_modules_directly_imported_by(m)
        if imported.split(".")[0] in ("tests", "conftest", "testkit")
    )
    assert importers == []
