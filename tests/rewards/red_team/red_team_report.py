"""Print the red-team cases that fail against the ``trl_r1`` first on ``sys.path``, as markdown tables.

``PYTHONPATH=<tree> python tests/rewards/red_team/red_team_report.py [family-or-id ...]`` prints the cases
per family with their failures, then one row per failing case: FP (a wrong answer or a bad format paid),
FN (a right answer refused), or OTHER (``None`` where a verdict was due, an exception). For accuracy cases
the column "math-verify" is plain ``math_verify.verify(parse(gold), parse(final part))`` on the same pair
(the final part: the text after the last ``</think>``), to tell a verdict trl_r1 inherits from one of its
own. It keeps FINDINGS.md current; the test module is what asserts the verdicts.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def _short(text: object, n: int = 90) -> str:
    s = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    s = s.replace("\n", "\\n").replace("|", "\\|")
    return s if len(s) <= n else s[: n // 2] + f"…[{len(s)} chars]…" + s[-n // 3 :]


def _kind(case: dict, got: object) -> str:
    if isinstance(got, str) or case.get("batch"):
        return "OTHER"
    if "range" in case:
        return "FP" if isinstance(got, float) and got > case["range"][1] else "FN"
    want = case.get("accept", [case["expect"]])
    if got == 1.0 and 1.0 not in want:
        return "FP"
    if 1.0 in want and got in (0.0, None) and got not in want:
        return "FN"
    return "OTHER"


def _math_verify(case: dict, red) -> str:
    if case["reward"] != "accuracy" or case.get("batch"):
        return ""
    from math_verify import parse, verify  # noqa: PLC0415 (only for the report)

    comp = red.completion_of(case)
    comp = comp if isinstance(comp, str) else comp[0]["content"]
    gold = red.gold_of(case)
    gold = gold if isinstance(gold, str) else str(gold)
    try:
        return str(
            verify(
                parse(gold if "\\boxed" in gold or "$" in gold else "$" + gold + "$"),
                parse(comp.split("</think>")[-1]),
            )
        )
    except Exception as exc:
        return f"raised {type(exc).__name__}"


def main(selected: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import test_red_team_rewards as red  # noqa: PLC0415 (after the path is set)

    rows, per_family, fails = [], Counter(), Counter()
    for c in red.CASES:
        if selected and c["id"] not in selected and c["family"] not in selected:
            continue
        per_family[c["family"]] += 1
        try:
            got = red.verdict(c)
        except Exception as exc:  # a crash is a finding too
            got = f"raised {type(exc).__name__}: {exc}"
        if c.get("batch"):
            accepts = c.get("accepts") or [[e] for e in c["expects"]]
            ok = isinstance(got, list) and all(g in a for g, a in zip(got, accepts))
            want = repr(c["expects"])
        elif "range" in c:
            ok = (got is None and c.get("allow_none")) or (
                isinstance(got, float) and c["range"][0] <= got <= c["range"][1]
            )
            want = f"in {c['range']}"
        elif "accept" in c:
            ok, want = got in c["accept"], " or ".join(map(repr, c["accept"]))
        else:
            ok, want = got == c["expect"], repr(c["expect"])
        if ok:
            continue
        fails[c["family"]] += 1
        shown = red.completion_of(c)
        if "boxed" in c:
            shown = "\\boxed{" + c["boxed"] + "}"
        elif "summary" in c:
            shown = "summary: " + c["summary"]
        gold = red.gold_of(c) if ("gold" in c or "gold_parts" in c) else c.get("golds", c.get("language", ""))
        got_s = f"{got:.3f}" if isinstance(got, float) else repr(got)
        if c.get("batch"):
            shown = " ; ".join(
                red.completion_of({"completion": x})[len(red.THINK) :] for x in c["completions"]
            )
        kind = _kind(c, got)
        rows.append(
            (
                kind,
                c["family"],
                f"| {kind} | {c['id']} | {c['reward']} | `{_short(gold, 40)}` | `{_short(shown)}` "
                f"| {want} | {got_s} | {_math_verify(c, red)} | {c.get('why', '')} |",
            )
        )
    print("| family | cases | failing |\n|---|---|---|")
    for fam, n in per_family.items():
        print(f"| {fam} | {n} | {fails[fam]} |")
    print(f"| **all** | **{sum(per_family.values())}** | **{sum(fails.values())}** |\n")
    kinds = Counter(k for k, _, _ in rows)
    print(f"Failing: {sum(kinds.values())} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})\n")
    print(
        "| kind | id | reward | gold / language | completion | expected | got | math-verify | why the expectation is right |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    order = {"FP": 0, "FN": 1, "OTHER": 2}
    for _, _, row in sorted(rows, key=lambda r: (order[r[0]], r[1])):
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
