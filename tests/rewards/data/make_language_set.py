"""Build ``language_labelled.jsonl``: chains of thought in English, Chinese, mixed, and a few others.

Every sentence below was written by hand in one known language; texts are assembled from them
with a fixed seed, so each text's true share of target-language units is known by construction
(``truth``: units of target-language sentences / all units, units counted as the reward counts them:
CJK characters, other words, after removing math and numbers). Labels: ``en``, ``zh``, ``fr``,
``de``, ``es``, ``ru`` (one language), ``mixed`` (whole sentences in another language, 1 in 8 to
1 in 2) and ``code-switch`` (a third of the sentences switch language mid-sentence, which a
per-sentence detector cannot split). Re-run to regenerate:

    python tests/rewards/data/make_language_set.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

EN = [
    "First, let us rewrite the equation so that all terms are on one side.",
    "We need to find every real number $x$ such that $x^2 - 5x + 6 = 0$.",
    "Factoring gives $(x-2)(x-3) = 0$, so the roots are two and three.",
    "Wait, I should double check the sign of the middle term before going on.",
    "The sum of the interior angles of a polygon with $n$ sides is $180(n-2)$ degrees.",
    "Since the triangle is isosceles, the two base angles must be equal.",
    "Let me try a small case to see whether the pattern holds.",
    "If $n = 4$, then the expression equals $16 + 8 + 1 = 25$, which is a perfect square.",
    "Hmm, that does not match the answer I found earlier, so something is off.",
    "Going back to the definition, the probability is the number of favourable outcomes divided by the total.",
    "There are $\\binom{6}{2} = 15$ ways to choose the pair, and exactly three of them work.",
    "Therefore the probability is one fifth.",
    "Now consider the function $f(x) = \\frac{1}{x} + x$ on the positive reals.",
    "By the AM-GM inequality, its minimum value is attained when both terms are equal.",
    "We can substitute $y = x + 1$ to simplify the denominator.",
    "This gives a quadratic in $y$ whose discriminant must be non-negative.",
    "Let me verify the result by plugging the value back into the original equation.",
    "Both sides agree, so the solution is consistent.",
    "Alternatively, we could count the complement and subtract it from the total.",
    "The remainder when the number is divided by nine equals the remainder of its digit sum.",
    "So we only need the digit sum, which is easy to compute.",
    "I think the key observation is that the sequence is periodic with period six.",
    "Each block of six consecutive terms adds up to zero.",
    "Hence the first hundred terms sum to the sum of the first four terms.",
    "Let us draw the altitude from the vertex to the base and call its foot $H$.",
    "The two smaller triangles are similar to the original one.",
    "Using the ratio of corresponding sides, we obtain the length of the altitude.",
    "Actually, I made an arithmetic mistake in the previous step; let me redo it carefully.",
    "The area of the circle is $\\pi r^2$, and the radius here is half the diameter.",
    "So the shaded region is the square minus the quarter circle.",
    "We are looking for the smallest positive integer with this property.",
    "Checking the candidates one by one, the first that works is forty two.",
    "The slope of the line through the two points is the change in height over the change in width.",
    "Parallel lines have equal slopes, so the second line has the same slope.",
    "To be safe, I will compute the answer a second way.",
    "The two methods give the same value, which is reassuring.",
    "Notice that every term in the product is greater than one.",
    "This means the product grows without bound as the number of terms increases.",
    "The question asks for the answer as a common fraction.",
    "Simplifying the fraction by the greatest common divisor gives the final form.",
]

ZH = [
    "首先，我们把方程的所有项移到同一边。",
    "我们需要找出所有满足 $x^2 - 5x + 6 = 0$ 的实数 $x$。",
    "因式分解得到 $(x-2)(x-3) = 0$，所以两个根分别是二和三。",
    "等一下，我应该先检查一下中间项的符号。",
    "一个 $n$ 边形的内角和等于 $180(n-2)$ 度。",
    "因为这个三角形是等腰三角形，所以两个底角相等。",
    "让我先试一个小的例子，看看规律是否成立。",
    "当 $n = 4$ 时，表达式等于 $16 + 8 + 1 = 25$，这是一个完全平方数。",
    "嗯，这和我之前得到的答案不一致，说明哪里出错了。",
    "回到定义，概率等于有利结果的个数除以总数。",
    "选出一对共有 $\\binom{6}{2} = 15$ 种方法，其中恰好有三种满足条件。",
    "因此所求的概率是五分之一。",
    "现在考虑正实数上的函数 $f(x) = \\frac{1}{x} + x$。",
    "由均值不等式，当两项相等时取得最小值。",
    "我们可以令 $y = x + 1$ 来化简分母。",
    "这样得到一个关于 $y$ 的二次方程，它的判别式必须非负。",
    "让我把这个值代回原方程验证一下结果。",
    "两边相等，所以这个解是正确的。",
    "另一种方法是先计算补集，再从总数中减去。",
    "一个数除以九的余数等于它各位数字之和除以九的余数。",
    "所以我们只需要计算各位数字之和，这很容易。",
    "我认为关键的观察是这个数列以六为周期。",
    "每连续六项的和都等于零。",
    "因此前一百项的和等于前四项的和。",
    "从顶点向底边作高，垂足记为 $H$。",
    "两个小三角形都与原三角形相似。",
    "利用对应边成比例，我们可以求出高的长度。",
    "其实上一步我算错了，让我重新仔细算一遍。",
    "圆的面积是 $\\pi r^2$，这里半径是直径的一半。",
    "所以阴影部分的面积等于正方形面积减去四分之一圆的面积。",
    "我们要找具有这个性质的最小正整数。",
    "逐个检验候选值，第一个满足条件的是四十二。",
    "过这两点的直线的斜率等于纵坐标的变化量除以横坐标的变化量。",
    "平行直线的斜率相等，所以第二条直线的斜率也一样。",
    "为了保险起见，我用另一种方法再算一次答案。",
    "两种方法得到的结果相同，这让人放心。",
    "注意到乘积中的每一项都大于一。",
    "这说明随着项数增加，乘积会无限增大。",
    "题目要求答案写成最简分数。",
    "用最大公约数约分后就得到最终的形式。",
]

FR = [
    "Nous devons trouver tous les nombres réels qui vérifient cette équation.",
    "En factorisant, on obtient deux racines distinctes.",
    "Vérifions le résultat en remplaçant la valeur dans l'équation de départ.",
    "Les deux membres sont égaux, donc la solution est correcte.",
    "La probabilité est le nombre de cas favorables divisé par le nombre total de cas.",
    "Il faut maintenant calculer la somme des termes de la suite.",
    "Cette méthode est plus rapide que la précédente.",
    "On remarque que chaque terme est plus grand que le précédent.",
]
DE = [
    "Wir müssen alle reellen Zahlen finden, die diese Gleichung erfüllen.",
    "Durch Faktorisieren erhalten wir zwei verschiedene Nullstellen.",
    "Setzen wir den Wert in die ursprüngliche Gleichung ein, um das Ergebnis zu prüfen.",
    "Beide Seiten sind gleich, also ist die Lösung richtig.",
    "Die Wahrscheinlichkeit ist die Anzahl der günstigen Fälle geteilt durch die Anzahl aller Fälle.",
    "Jetzt berechnen wir die Summe der ersten hundert Glieder der Folge.",
    "Diese Methode ist schneller als die vorherige.",
    "Wir bemerken, dass jedes Glied größer ist als das vorherige.",
]
ES = [
    "Necesitamos encontrar todos los números reales que cumplen esta ecuación.",
    "Al factorizar, obtenemos dos raíces distintas.",
    "Comprobemos el resultado sustituyendo el valor en la ecuación original.",
    "Los dos lados son iguales, así que la solución es correcta.",
    "La probabilidad es el número de casos favorables dividido por el número total de casos.",
    "Ahora calculamos la suma de los primeros cien términos de la sucesión.",
    "Este método es más rápido que el anterior.",
    "Notamos que cada término es mayor que el anterior.",
]
RU = [
    "Нам нужно найти все действительные числа, которые удовлетворяют этому уравнению.",
    "Разложив на множители, получаем два различных корня.",
    "Проверим результат, подставив значение в исходное уравнение.",
    "Обе части равны, значит решение верное.",
    "Вероятность равна числу благоприятных исходов, делённому на общее число исходов.",
    "Теперь вычислим сумму первых ста членов последовательности.",
    "Этот способ быстрее предыдущего.",
    "Заметим, что каждый член больше предыдущего.",
]
# Code-switching inside one sentence: (text, {language: units}) with the units counted by hand.
SWITCH = [
    ("所以 the answer should be 七。", {"zh": 3, "en": 4}),
    ("我们先 check 一下这个 case。", {"zh": 7, "en": 2}),
    ("Now 代入 $x=3$ 得到结果.", {"en": 1, "zh": 6}),
    ("This is the 关键步骤 of the proof.", {"en": 6, "zh": 4}),
]

POOLS = {"en": EN, "zh": ZH, "fr": FR, "de": DE, "es": ES, "ru": RU}
CODE = "\n```python\nfor i in range(10):\n    total += i * i  # sum of squares\n```\n"


def _units(sentence: str) -> int:
    from trl_r1.text.language_units import strip_non_language, tokenize

    words, chars, _ = tokenize(strip_non_language(sentence))
    return sum(map(len, words)) + sum(map(len, chars))


def _text(rng: random.Random, parts: list[tuple[str, str]], target_size: int, with_code: bool):
    """Join sentences until ``target_size`` bytes; return text and its per-language unit counts."""
    pieces, counts = [], {}
    i = 0
    while sum(len(p.encode()) for p in pieces) < target_size:
        lang, _ = parts[i % len(parts)]
        i += 1
        if lang == "switch":
            sentence, units = rng.choice(SWITCH)
            for k, v in units.items():
                counts[k] = counts.get(k, 0) + v
        else:
            sentence = rng.choice(POOLS[lang])
            counts[lang] = counts.get(lang, 0) + _units(sentence)
        pieces.append(sentence)
        if with_code and i == 3:
            pieces.append(CODE)
        if rng.random() < 0.2:
            pieces.append("\n\n")
    sep = "" if parts[0][0] == "zh" else " "
    return sep.join(pieces).replace(" \n\n ", "\n\n"), counts


def build(seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    specs = []
    for k in range(8):
        specs.append(("en", "en", [("en", "")], 600 + 450 * k))
        specs.append(("zh", "zh", [("zh", "")], 600 + 450 * k))
    # Mixed: a share of sentences in the other language, from 1 in 8 to 1 in 2.
    for k, period in enumerate([8, 6, 5, 4, 3, 2, 3, 4]):
        main, other = ("zh", "en") if k % 2 == 0 else ("en", "zh")
        parts = [(other, "")] + [(main, "")] * (period - 1)
        specs.append(("mixed", main, parts, 1200 + 350 * k))
    for k in range(4):
        specs.append(
            ("code-switch", "zh" if k % 2 else "en", [("switch", ""), ("zh", ""), ("en", "")], 900 + 400 * k)
        )
    for lang in ("fr", "de", "es", "ru"):
        specs.append((lang, lang, [(lang, "")], 900))
        specs.append(("mixed", lang, [(lang, ""), (lang, ""), ("en", "")], 1200))
    rows = []
    for i, (label, target, parts, size) in enumerate(specs):
        text, counts = _text(rng, parts, size, with_code=i % 5 == 0)
        total = sum(counts.values())
        rows.append(
            {
                "id": f"{label}-{target}-{i:02d}",
                "label": label,
                "language": target,
                "truth": round(counts.get(target, 0) / total, 4),
                "text": text,
            }
        )
    return rows


if __name__ == "__main__":
    out = Path(__file__).with_name("language_labelled.jsonl")
    rows = build()
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} texts to {out}")
