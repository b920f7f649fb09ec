"""pass@k (the Codex unbiased estimator) and cons@k (R1's majority vote)."""

import itertools
import math
from fractions import Fraction

import pytest

from trl_r1.eval.passk import cons_at_k, default_pass_ks, majority_vote, mean_pass_at_k, pass_at_k


def _pass_at_k_by_enumeration(n: int, c: int, k: int) -> Fraction:
    """Probability that a k-subset of the n samples (c of them correct) holds a correct one, by counting."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return Fraction(sum(any(samples[i] for i in s) for s in subsets), len(subsets))


def test_pass_at_k_equals_the_exact_probability_over_all_k_subsets():
    for n in range(1, 9):
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert pass_at_k(n, c, k) == pytest.approx(
                    float(_pass_at_k_by_enumeration(n, c, k)), abs=1e-12
                )


def test_pass_at_k_product_form_stays_exact_where_binomials_overflow_floats():
    n, c, k = 2000, 3, 1000  # C(2000, 1000) ~ 1e600 does not fit in a float
    exact = 1 - Fraction(math.comb(n - c, k), math.comb(n, k))
    assert pass_at_k(n, c, k) == pytest.approx(float(exact), rel=1e-12)
    assert pass_at_k(64, 0, 64) == 0.0 and pass_at_k(64, 1, 64) == 1.0


def test_pass_at_1_is_mean_correctness_over_samples_and_problems():
    correct = [[True, False, False, False], [True, True, False, True], [False] * 4]
    assert mean_pass_at_k(correct, 1) == pytest.approx((1 / 4 + 3 / 4 + 0) / 3)
    # pass@k grows with k and reaches "any correct" at k = n
    values = [mean_pass_at_k(correct, k) for k in (1, 2, 3, 4)]
    assert values == sorted(values) and values[-1] == pytest.approx(2 / 3)


@pytest.mark.parametrize(("n", "c", "k"), [(4, 5, 1), (4, -1, 1), (4, 1, 0), (4, 1, 5)])
def test_impossible_counts_are_rejected(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_default_pass_ks_are_powers_of_two_and_k():
    assert default_pass_ks(1) == [1]
    assert default_pass_ks(64) == [1, 2, 4, 8, 16, 32, 64]
    assert default_pass_ks(12) == [1, 2, 4, 8, 12]


def test_majority_vote_ignores_samples_without_an_answer_and_breaks_ties_by_first_vote():
    assert majority_vote([None, "7", None, "7", "8"]) == 1
    assert majority_vote(["8", "7", "7", "8"]) == 0  # 2-2 tie: "8" voted first
    assert majority_vote([None, None, None]) is None
    assert cons_at_k([None, None], [False, False]) is False


def test_cons_at_k_counts_equivalent_answers_as_one_vote():
    from trl_r1.rewards import group_equivalent

    answers = ["3", r"\frac{1}{2}", "0.5", "3", "1/2"]  # "3" is the most frequent *string*
    verdicts = [False, True, True, False, True]  # gold 1/2
    assert cons_at_k(answers, verdicts) is False  # exact-string vote picks "3"
    assert cons_at_k(answers, verdicts, cluster=group_equivalent) is True  # 1/2 = 0.5 = \frac{1}{2}: 3 votes
