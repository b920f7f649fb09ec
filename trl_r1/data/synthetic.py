"""A verifiable arithmetic task a tiny model can learn on a CPU.

Problems are sums of ``operands`` non-negative integers of ``digits`` digits each ("47+38",
"305+219+870"). The gold answer is an integer, so the R1 accuracy reward can check it exactly.
Worked solutions add column by column with carries, the kind of short chain of thought that a
0.5M-parameter model can imitate and then improve with GRPO.

Everything is deterministic given ``seed``; :func:`make_splits` returns splits whose questions
never overlap, so held-out evaluation measures generalisation, not memorisation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasets import Dataset

from trl_r1.text.completion import ANSWER_END, ANSWER_START, THINK_END, THINK_START


@dataclass(frozen=True)
class ArithmeticProblem:
    operands: tuple[int, ...]

    @property
    def question(self) -> str:
        return "+".join(str(x) for x in self.operands)

    @property
    def answer(self) -> int:
        return sum(self.operands)

    def reasoning(self) -> str:
        """Column addition, least significant digit first, e.g. ``7+8=15 c1,4+3+1=8``."""
        width = max(len(str(x)) for x in self.operands)
        digits = [str(x).zfill(width)[::-1] for x in self.operands]
        steps, carry = [], 0
        for col in range(width):
            terms = [d[col] for d in digits] + ([str(carry)] if carry else [])
            total = sum(int(t) for t in terms)
            carry = total // 10
            steps.append("+".join(terms) + f"={total}" + (f" c{carry}" if carry else ""))
        return ",".join(steps)

    def r1_zero_solution(self) -> str:
        """``<think>…</think><answer>…</answer>``: the R1-Zero layout."""
        return f"{THINK_START}{self.reasoning()}{THINK_END}{ANSWER_START}{self.answer}{ANSWER_END}"

    def r1_solution(self) -> str:
        """Reasoning block then a readable summary with ``\\boxed{}``: the R1 (cold-start) layout."""
        return (
            f"{THINK_START}\n{self.reasoning()}\n{THINK_END}\n\n"
            f"{self.question}={self.answer}, so the answer is $\\boxed{{{self.answer}}}$."
        )


def _problem_space(digits: int, operands: int) -> tuple[int, int]:
    low = 10 ** (digits - 1) if digits > 1 else 0
    return low, 10**digits - 1


def make_problems(n: int, seed: int = 0, digits: int = 2, operands: int = 2) -> list[ArithmeticProblem]:
    """``n`` distinct problems, deterministic by ``seed``."""
    if digits < 1 or operands < 2:
        raise ValueError(f"need digits >= 1 and operands >= 2, got digits={digits}, operands={operands}")
    low, high = _problem_space(digits, operands)
    space = (high - low + 1) ** operands
    if n > space:
        raise ValueError(f"asked for {n} distinct problems but only {space} exist with {digits} digits")
    rng = random.Random(seed)
    seen: set[tuple[int, ...]] = set()
    out: list[ArithmeticProblem] = []
    while len(out) < n:
        ops = tuple(rng.randint(low, high) for _ in range(operands))
        if ops not in seen:
            seen.add(ops)
            out.append(ArithmeticProblem(ops))
    return out


def make_splits(
    sizes: dict[str, int], seed: int = 0, digits: int = 2, operands: int = 2
) -> dict[str, list[ArithmeticProblem]]:
    """Disjoint named splits, e.g. ``{"sft": 512, "grpo": 4096, "test": 128}``.

    >>> s = make_splits({"train": 5, "test": 3}, seed=1)
    >>> {p.question for p in s["train"]} & {p.question for p in s["test"]}
    set()
    """
    problems = make_problems(sum(sizes.values()), seed=seed, digits=digits, operands=operands)
    out, i = {}, 0
    for name, size in sizes.items():
        out[name] = problems[i : i + size]
        i += size
    return out


def to_dataset(
    problems: list[ArithmeticProblem],
    prompt_fn=None,
    solution_layout: str | None = None,
) -> Dataset:
    """A ``datasets.Dataset`` with ``question``, ``solution`` (gold answer as text), ``prompt``
    (when ``prompt_fn`` is given) and ``completion`` (when ``solution_layout`` is ``"r1_zero"``
    or ``"r1"``, for SFT).

    ``solution`` is the column name TRL's and trl_r1's accuracy rewards read.
    """
    from datasets import Dataset

    rows = []
    for p in problems:
        row = {"question": p.question, "solution": str(p.answer)}
        if prompt_fn is not None:
            row["prompt"] = prompt_fn(p.question)
        if solution_layout == "r1_zero":
            row["completion"] = p.r1_zero_solution()
        elif solution_layout == "r1":
            row["completion"] = p.r1_solution()
        elif solution_layout is not None:
            raise ValueError(f"solution_layout must be 'r1_zero', 'r1' or None, got {solution_layout!r}")
        rows.append(row)
    return Dataset.from_list(rows)


_WORDS = (
    "apple river stone cloud green paper light music table window garden silver "
    "bridge candle forest winter summer yellow rocket planet"
).split()


def make_non_reasoning(n: int, seed: int = 0) -> list[dict[str, str]]:
    """Simple queries that need no chain of thought (R1 mixes such rows into stage-3 SFT).

    Each row has ``question`` and ``response`` (echo and reverse-the-words tasks).
    """
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        words = rng.sample(_WORDS, k=rng.randint(1, 3))
        if rng.random() < 0.5:
            rows.append({"question": "Repeat: " + " ".join(words), "response": " ".join(words)})
        else:
            rows.append({"question": "Reverse: " + " ".join(words), "response": " ".join(reversed(words))})
    return rows


# Fixed fractions of the problem space per split: membership depends only on the question (a stable
# hash), never on the seed or the size asked, so splits stay disjoint across any seeds and sizes.
SPLIT_BUCKETS: dict[str, tuple[float, float]] = {"test": (0.0, 0.1), "sft": (0.1, 0.3), "rl": (0.3, 1.0)}
SPLIT_ALIASES = {"grpo": "rl", "train": "rl", "eval": "test", "heldout": "test", "cold_start": "sft"}


def _bucket(question: str) -> float:
    import hashlib

    digest = hashlib.blake2b(f"trl_r1-split:{question}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


# synthetic:// option ranges: what a run can use (a billion rows would exhaust memory before the first step)
MAX_ROWS = 1_000_000
MAX_DIGITS = 9
MAX_OPERANDS = 16


def option_problem(split: str, n: int, digits: int, operands: int) -> str | None:
    """Why ``synthetic://arithmetic`` cannot give ``n`` problems of ``split`` with these sizes (``None``: it can).

    >>> option_problem("rl", 100, digits=0, operands=2)
    'digits=0 must be in 1..9'
    """
    if not 1 <= digits <= MAX_DIGITS:
        return f"digits={digits} must be in 1..{MAX_DIGITS}"
    if not 2 <= operands <= MAX_OPERANDS:
        return f"operands={operands} must be in 2..{MAX_OPERANDS}"
    if not 1 <= n <= MAX_ROWS:
        return f"n={n} must be in 1..{MAX_ROWS:,}"
    lo_frac, hi_frac = SPLIT_BUCKETS[SPLIT_ALIASES.get(split, split)]
    low, high = _problem_space(digits, operands)
    available = (high - low + 1) ** operands * (hi_frac - lo_frac)
    if n > available:
        return (
            f"n={n}: split {split!r} has only about {int(available)} problems with {digits} digit(s) and "
            f"{operands} operands; ask for fewer or use more digits/operands"
        )
    return None


def split_problems(
    split: str, n: int, seed: int = 0, digits: int = 2, operands: int = 2
) -> list[ArithmeticProblem]:
    """``n`` problems of the named split (``sft``, ``rl``/``grpo``, ``test``), disjoint across splits
    whatever the seeds (``seed`` only chooses which problems of the split, and their order).

    >>> a = {p.question for p in split_problems("sft", 100)}
    >>> b = {p.question for p in split_problems("test", 100)}
    >>> len(a), len(b), a & b
    (100, 100, set())
    """
    import itertools

    name = SPLIT_ALIASES.get(split, split)
    if name not in SPLIT_BUCKETS:
        raise ValueError(
            f"unknown split {split!r}; choose from {sorted(SPLIT_BUCKETS) + sorted(SPLIT_ALIASES)}"
        )
    lo_frac, hi_frac = SPLIT_BUCKETS[name]
    low, high = _problem_space(digits, operands)
    rng = random.Random(f"{seed}:{name}")
    span = high - low + 1
    if span**operands <= 2_000_000:  # small space: enumerate it, so exhaustion is reported exactly
        pool = [
            ArithmeticProblem(ops)
            for ops in itertools.product(range(low, high + 1), repeat=operands)
            if lo_frac <= _bucket("+".join(map(str, ops))) < hi_frac
        ]
        if n > len(pool):
            raise ValueError(
                f"split {split!r} has only {len(pool)} problems with {digits} digits; ask for fewer "
                "or use more digits/operands"
            )
        rng.shuffle(pool)
        return pool[:n]
    seen: set[tuple[int, ...]] = set()
    out: list[ArithmeticProblem] = []
    while len(out) < n:
        ops = tuple(rng.randint(low, high) for _ in range(operands))
        if ops not in seen and lo_frac <= _bucket("+".join(map(str, ops))) < hi_frac:
            seen.add(ops)
            out.append(ArithmeticProblem(ops))
    return out


def column_carries(operands: tuple[int, ...]) -> list[int]:
    """The carry out of each column of the worked solution, least significant first.

    >>> column_carries((47, 38)), column_carries((52, 41)), column_carries((95, 7))
    ([1, 0], [0, 0], [1, 1])
    """
    width = max(len(str(x)) for x in operands)
    carries, carry = [], 0
    for col in range(width):
        carry = (sum((x // 10**col) % 10 for x in operands) + carry) // 10
        carries.append(carry)
    return carries


@dataclass(frozen=True)
class Difficulty:
    """A named family of problems: operand widths (digit counts, one tuple per allowed shape) and an
    optional condition on the worked solution (``"no_carry"``, ``"carry"``)."""

    widths: tuple[tuple[int, ...], ...]
    condition: str | None = None
    description: str = ""

    def admits(self, operands: tuple[int, ...]) -> bool:
        if self.condition is None:
            return True
        carried = any(column_carries(operands))
        return carried if self.condition == "carry" else not carried


# Difficulty splits for generalisation experiments. Every shape is enumerated, then the same question-hash
# buckets as split_problems decide sft / rl / test membership, so a difficulty's splits never share a question
# and two difficulties never share one either when their shapes or conditions exclude each other.
DIFFICULTIES: dict[str, Difficulty] = {
    "same_width": Difficulty(((1, 1), (2, 2)), description="two operands of equal width (1 or 2 digits)"),
    "mixed_width": Difficulty(
        ((1, 2), (2, 1)), description="a 1-digit and a 2-digit operand (needs zero padding)"
    ),
    "2digit": Difficulty(((2, 2),), description="two 2-digit operands"),
    "3digit": Difficulty(((3, 3),), description="two 3-digit operands"),
    "3operands": Difficulty(((1, 1, 1),), description="three 1-digit operands"),
    "no_carry": Difficulty(((2, 2),), "no_carry", "two 2-digit operands, no column carries"),
    "carry": Difficulty(((2, 2),), "carry", "two 2-digit operands, at least one column carries"),
}


def _shape_pool(widths: tuple[int, ...]):
    import itertools

    ranges = []
    for d in widths:
        low, high = _problem_space(d, 2)
        ranges.append(range(low, high + 1))
    return itertools.product(*ranges)


def difficulty_problems(
    difficulty: str, split: str, n: int | None = None, seed: int = 0
) -> list[ArithmeticProblem]:
    """Problems of a named :data:`DIFFICULTIES` entry in a named split (``sft``, ``rl``, ``test``),
    disjoint across splits by question hash; ``seed`` only chooses which ones and their order.
    ``n=None`` returns the whole split.

    >>> easy = {p.question for p in difficulty_problems("same_width", "sft")}
    >>> hard = {p.question for p in difficulty_problems("mixed_width", "rl")}
    >>> test = {p.question for p in difficulty_problems("mixed_width", "test", 128)}
    >>> len(test), easy & hard, hard & test
    (128, set(), set())
    """
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {difficulty!r}; choose from {sorted(DIFFICULTIES)}")
    name = SPLIT_ALIASES.get(split, split)
    if name not in SPLIT_BUCKETS:
        raise ValueError(
            f"unknown split {split!r}; choose from {sorted(SPLIT_BUCKETS) + sorted(SPLIT_ALIASES)}"
        )
    spec = DIFFICULTIES[difficulty]
    if any(len(w) < 2 or min(w) < 1 or sum(w) > 8 for w in spec.widths):
        raise ValueError(
            f"difficulty {difficulty!r}: shapes need >= 2 operands of >= 1 digit, at most 8 digits in all"
        )
    lo_frac, hi_frac = SPLIT_BUCKETS[name]
    pool = [
        ArithmeticProblem(ops)
        for widths in spec.widths
        for ops in _shape_pool(widths)
        if spec.admits(ops) and lo_frac <= _bucket("+".join(map(str, ops))) < hi_frac
    ]
    random.Random(f"{seed}:{name}:{difficulty}").shuffle(pool)
    if n is None:
        return pool
    if n > len(pool):
        raise ValueError(
            f"difficulty {difficulty!r} has only {len(pool)} problems in split {split!r}; ask for fewer"
        )
    return pool[:n]
