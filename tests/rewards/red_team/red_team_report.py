"""Print the red-team cases that fail against the ``trl_r1`` first on ``sys.path``, as a markdown table.

``PYTHONPATH=<tree> python tests/rewards/red_team/red_team_report.py [family-or-id ...]`` (used to keep
FINDINGS.md current; the test module is what asserts the verdicts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _short(text: object, n: int = 90) -> str:
    s = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    s = s.replace("\n", "\\n").replace("|", "\\|")
    return s if len(s) <= n else s[: n // 2] + f"…[{len(s)}]…" + s[-n // 3 :]


def main(selected: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import test_red_team_rewards as red  # noqa: PLC0415 (after the path is set)

    rows, failed = [], 0
    for c in red.CASES:
        if selected and c["id"] not in selected and c["family"] not in selected:
            continue
        try:
            got = red.verdict(c)
        except Exception as exc:  # a crash is a finding too
            got = f"raised {type(exc).__name__}"
        if "range" in c:
            ok = isinstance(got, float) and c["range"][0] <= got <= c["range"][1]
            want = f"in {c['range']}"
        elif "accept" in c:
            ok, want = got in c["accept"], f"one of {c['accept']}"
        else:
            ok, want = got == c["expect"], repr(c["expect"])
        if ok:
            continue
        failed += 1
        shown = red.completion_of(c)
        if "boxed" in c:
            shown = "\\boxed{" + c["boxed"] + "}"
        elif "summary" in c:
            shown = "summary: " + c["summary"]
        gold = red.gold_of(c) if ("gold" in c or "gold_parts" in c) else c.get("language", "")
        got_s = f"{got:.3f}" if isinstance(got, float) else repr(got)
        rows.append(f"| {c['id']} | {c['family']} | `{_short(gold, 40)}` | `{_short(shown)}` | {want} | {got_s} | {c.get('why', '')} |")
    print("| id | family | gold / language | completion | expected | got | why the expectation is right |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n{failed} failing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
