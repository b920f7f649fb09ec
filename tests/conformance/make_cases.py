"""Rebuild ``data/math_verify.jsonl`` from Math-Verify's own test files (inputs and verdicts only).

Math-Verify's tests are parametrized ``(gold, pred, expected[, settings...])`` tables; this reads
them with :mod:`ast` (nothing of theirs is imported or run) and writes one JSON line per case with
the source file, the test name and the Math-Verify settings the test used. The TRL and open-r1
cases (``trl.jsonl``, ``open_r1.jsonl``) are few and were transcribed by hand from
``tests/test_rewards.py`` of each repository, with the same fields.

    python tests/conformance/make_cases.py /path/to/a/git/dir/of/Math-Verify [commit]
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

FILES = [
    "tests/test_all.py",
    "tests/test_boxed.py",
    "tests/test_numina_cases.py",
    "tests/test_open_thoughts.py",
    "tests/test_strict.py",
    "tests/test_yujianll.py",
]
SETTINGS = ("match_types", "precision", "strict", "allow_set_relation_comp")


def _literal(node: ast.AST):
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "param":  # pytest.param(...)
        return tuple(ast.literal_eval(a) for a in node.args)
    return ast.literal_eval(node)


def cases_of(source: str, path: str) -> list[dict]:
    out = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for dec in fn.decorator_list:
            if not (isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "parametrize"):
                continue
            names = [n.strip() for n in ast.literal_eval(dec.args[0]).split(",")]
            if not {"gold", "pred"} <= set(names):
                continue
            fixed: dict = {}
            for call in ast.walk(fn):
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "compare_strings":
                    for kw in call.keywords:
                        if kw.arg in SETTINGS and not isinstance(kw.value, ast.Name):
                            fixed[kw.arg] = ast.literal_eval(kw.value)
            for i, node in enumerate(dec.args[1].elts):
                try:
                    values = dict(zip(names, _literal(node), strict=True))
                except (ValueError, TypeError, SyntaxError):
                    continue
                expected = values.pop("expected", values.pop("result", None))
                settings = {**fixed, **{k: v for k, v in values.items() if k in SETTINGS}}
                out.append(
                    {
                        "source": f"Math-Verify/{path}",
                        "test": f"{fn.name}[{i}]",
                        "gold": values["gold"],
                        "pred": values["pred"],
                        "expected": int(bool(expected)),
                        "settings": settings,
                    }
                )
    return out


def main() -> None:
    git_dir, commit = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    rows = []
    for path in FILES:
        source = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{commit}:{path}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows += cases_of(source, path)
    sha = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", commit], check=True, capture_output=True, text=True
    ).stdout.strip()
    target = Path(__file__).with_name("data") / "math_verify.jsonl"
    with target.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({**row, "commit": sha}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} cases -> {target}")


if __name__ == "__main__":
    main()
