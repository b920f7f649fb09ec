"""pass@k and cons@k, the two numbers the DeepSeek-R1 paper reports.

R1 samples ``n`` answers per problem (temperature 0.6, top-p 0.95) instead of decoding greedily:

* **pass@1** is the mean correctness over the ``n`` samples, averaged over problems;
* **pass@k** (``k <= n``) is the unbiased estimator of Chen et al. (2021, "Evaluating Large
  Language Models Trained on Code", the Codex paper): the probability that at least one of ``k``
  samples drawn without replacement from the ``n`` is correct;
* **cons@n** is majority voting (self-consistency, Wang et al. 2023): the most frequent final
  answer, with equivalent answers (``\\frac{1}{2}`` and ``0.5``) counted as one, is the model's
  answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with ``c`` correct answers among ``n`` samples.

    .. math:: \\text{pass@}k = 1 - \\binom{n-c}{k} \\Big/ \\binom{n}{k}
              = 1 - \\prod_{i=n-c+1}^{n} \\left(1 - \\frac{k}{i}\\right)

    The product form (Chen et al. 2021, Fig. 3) never builds the binomials, so it stays exact in
    floating point for ``n`` in the thousands.

    >>> pass_at_k(n=4, c=1, k=1)
    0.25
    >>> round(pass_at_k(n=4, c=1, k=2), 4)  # 1 - C(3,2)/C(4,2) = 1 - 3/6
    0.5
    >>> pass_at_k(n=4, c=2, k=3)  # fewer than k wrong answers: every k-subset holds a right one
    1.0
    """
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got c={c}, n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n (k samples out of n), got k={k}, n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def mean_pass_at_k(correct: Sequence[Sequence[bool]], k: int) -> float:
    """pass@k averaged over problems; ``correct[i]`` holds the per-sample verdicts of problem ``i``.

    >>> mean_pass_at_k([[True, False], [False, False]], k=1)
    0.25
    """
    if not correct:
        raise ValueError("no problems to average over")
    return sum(pass_at_k(len(row), sum(map(bool, row)), k) for row in correct) / len(correct)


def default_pass_ks(n: int) -> list[int]:
    """The k values reported for ``n`` samples: powers of two up to ``n``, and ``n`` itself.

    >>> default_pass_ks(4), default_pass_ks(6)
    ([1, 2, 4], [1, 2, 4, 6])
    """
    ks = [2**i for i in range(n.bit_length()) if 2**i <= n]
    return ks if ks[-1] == n else [*ks, n]


def majority_vote(
    answers: Sequence[str | None], cluster: Callable[[Sequence[str]], Sequence[int]] | None = None
) -> int | None:
    """Index of the sample whose answer wins the majority vote, or ``None`` when no sample has one.

    ``answers[i]`` is the final answer extracted from sample ``i`` (``None``: no answer, no vote).
    ``cluster`` maps the distinct answer strings to cluster ids, so that equivalent answers vote
    together (default: exact string match). Ties go to the cluster whose first vote came earliest,
    which keeps the vote deterministic. The returned index is the first sample of the winning
    cluster: whether the vote is right is that sample's verdict.

    >>> majority_vote(["1/2", "3", "0.5", "3"])  # exact match: "3" wins 2 to 1 to 1
    1
    >>> majority_vote(["1/2", "3", "0.5", "3"], cluster=lambda a: [0 if x in ("1/2", "0.5") else 1 for x in a])
    0
    >>> majority_vote([None, None]) is None
    True
    """
    distinct = list(dict.fromkeys(a for a in answers if a is not None))
    if not distinct:
        return None
    ids = list(cluster(distinct)) if cluster is not None else list(range(len(distinct)))
    if len(ids) != len(distinct):
        raise ValueError(f"cluster returned {len(ids)} ids for {len(distinct)} answers")
    cluster_of = dict(zip(distinct, ids, strict=True))
    votes: dict[int, int] = {}
    first: dict[int, int] = {}
    for i, a in enumerate(answers):
        if a is not None:
            cid = cluster_of[a]
            votes[cid] = votes.get(cid, 0) + 1
            first.setdefault(cid, i)
    winner = max(votes, key=lambda cid: (votes[cid], -first[cid]))
    return first[winner]


def cons_at_k(
    answers: Sequence[str | None],
    correct: Sequence[bool],
    cluster: Callable[[Sequence[str]], Sequence[int]] | None = None,
) -> bool:
    """Whether the majority-vote answer of one problem is correct (R1's cons@k for that problem).

    ``correct[i]`` is the verdict on sample ``i``; a problem where no sample produced an answer
    counts as wrong.

    >>> cons_at_k(["5", "4", "4"], [True, False, False])
    False
    """
    if len(answers) != len(correct):
        raise ValueError(f"{len(answers)} answers but {len(correct)} verdicts")
    winner = majority_vote(answers, cluster)
    return winner is not None and bool(correct[winner])
