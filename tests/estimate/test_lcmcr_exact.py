"""LCMCR with two latent classes against its exact posterior, summed by brute force.

test_lcmcr.py checks the sampler with one class (the model M_t, whose posterior of N has a
closed form). One class never exercises the parts that make LCMCR what it is: the split of
every observed cell among the classes, the classes of the people no list recorded, the
stick-breaking weights and the concentration alpha. With K = 2 classes and a table of 14
people the posterior of N can still be computed exactly, by summing over every way of
splitting the people among the classes; the sampler must reproduce it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln, gammaln, logsumexp, roots_genlaguerre

from recuento.estimate._lcmcr_kernel import N0_CAP_RATIO
from recuento.estimate.lcmcr import fit_lcmcr

# Three lists, 14 people: patterns (list1, list2, list3) and how many people have each.
# Many people on all three lists beside many on one only: a table where two classes fit
# better than one (the one-class posterior is visibly narrower, see the last test).
PATTERNS = np.array([[0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]])
COUNTS = np.array([2, 3, 1, 3, 0, 1, 4])


def exact_two_class_posterior(
    patterns: np.ndarray,
    counts: np.ndarray,
    a: float = 0.25,
    b: float = 0.25,
    alpha: float | None = None,
    nodes: int = 80,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of N for LCMCR with K = 2, by exact summation (alpha by quadrature).

    With K = 2 the stick-breaking prior is pi_1 = V ~ Beta(1, alpha), pi_2 = 1 - V. Write
    n_x1, n_x2 for how many of the c_x people with pattern x are in class 1 and 2, m_1, m_2
    for the classes of the n_0 = N - n people no list recorded, s_k = sum_x n_xk + m_k and
    y_jk = sum_x x_j n_xk (people of class k on list j). Expanding the multinomial
    likelihood of the table class by class and integrating lambda_jk ~ Beta(1, 1) and V
    out,

        p(N | table) is proportional to (1/N) N! sum over (n_x1), m_1 of
            prod_x C(c_x, n_x1) / (m_1! m_2!) * E_alpha[alpha B(1 + s_1, alpha + s_2)]
            * prod_{j,k} B(1 + y_jk, 1 + s_k - y_jk),

    since E[pi_1^s1 pi_2^s2 | alpha] = B(1 + s_1, alpha + s_2) / B(1, alpha) and
    B(1, alpha) = 1 / alpha. The sum over the observed split only enters through
    (s_1 of the observed, y_11..y_J1), so the splits are merged on that key cell by cell;
    the rest depends on (s_1, s_2) only. E_alpha is a generalised Gauss-Laguerre quadrature
    under Gamma(a, b) (or alpha itself when given). N runs from n to (1 + N0_CAP_RATIO) n,
    the sampler's own truncation.

    Returns:
        (values of N, their posterior probabilities).
    """
    n = int(counts.sum())
    n_lists = patterns.shape[1]
    n_max = (1 + N0_CAP_RATIO) * n
    # Observed splits merged on (s_1 observed, y_11, ..., y_J1): log sum of prod C(c_x, n_x1).
    splits: dict[tuple[int, ...], float] = {(0,) * (n_lists + 1): 0.0}
    for x, c in zip(patterns.tolist(), counts.tolist(), strict=True):
        merged: dict[tuple[int, ...], float] = {}
        for key, log_w in splits.items():
            for c1 in range(c + 1):
                w = log_w + gammaln(c + 1) - gammaln(c1 + 1) - gammaln(c - c1 + 1)
                new = (key[0] + c1, *(key[1 + j] + c1 * x[j] for j in range(n_lists)))
                merged[new] = np.logaddexp(merged[new], w) if new in merged else w
        splits = merged
    on_list = (patterns * counts[:, None]).sum(axis=0)
    s = np.arange(n_max + 1)
    if alpha is None:
        t, w = roots_genlaguerre(nodes, a - 1.0)
        alphas, log_w_alpha = t / b, np.log(w) - gammaln(a)
    else:
        alphas, log_w_alpha = np.array([alpha]), np.zeros(1)
    # log E_alpha[alpha B(1 + s1, alpha + s2)] for every (s1, s2).
    weights_pi = np.array(
        [
            logsumexp(np.log(alphas) + betaln(1 + s1, alphas + s[:, None]) + log_w_alpha, axis=1)
            for s1 in s
        ]
    )
    y = np.arange(n + 1)[:, None]
    log_beta = np.where(y <= s, betaln(1 + y, 1 + np.maximum(s - y, 0)), -np.inf)
    keys = np.array(list(splits))
    log_key = np.array(list(splits.values()))
    log_fact = np.concatenate([gammaln(s + 1), [np.inf]])  # index -1: impossible split
    s1_obs = keys[:, :1]
    first = -log_fact[np.maximum(s[None, :] - s1_obs, -1)]  # -log m_1!, s = s_1
    second = -log_fact[np.maximum(s[None, :] - (n - s1_obs), -1)]  # -log m_2!, s = s_2
    for j in range(n_lists):
        first = first + log_beta[keys[:, 1 + j]]
        second = second + log_beta[on_list[j] - keys[:, 1 + j]]
    # sum over keys of exp(log_key + first[s1] + second[s2]): a matrix product after scaling.
    top1, top2 = first.max(axis=0), second.max(axis=0)
    scaled = np.exp(first - top1) * np.exp(log_key - log_key.max())[:, None]
    with np.errstate(divide="ignore"):
        joint = np.log(scaled.T @ np.exp(second - top2)) + top1[:, None] + top2[None, :]
    joint += weights_pi
    values = np.arange(n, n_max + 1)
    log_post = np.array([logsumexp(joint[np.arange(v + 1), v - np.arange(v + 1)]) for v in values])
    log_post += gammaln(values + 1) - np.log(values)
    post = np.exp(log_post - log_post.max())
    return values, post / post.sum()


def exact_cdf(values: np.ndarray, probs: np.ndarray, at: list[int]) -> np.ndarray:
    return np.array([probs[values <= v].sum() for v in at])


CHECK_AT = [14, 15, 16, 18, 21, 27]


@pytest.fixture(scope="module")
def exact() -> tuple[np.ndarray, np.ndarray]:
    return exact_two_class_posterior(PATTERNS, COUNTS)


def test_exact_posterior_does_not_depend_on_the_number_of_quadrature_nodes(exact):
    values, probs = exact
    _, finer = exact_two_class_posterior(PATTERNS, COUNTS, nodes=120)
    np.testing.assert_allclose(probs, finer, rtol=1e-6, atol=1e-9)
    assert values[0] == COUNTS.sum() and values[-1] == (1 + N0_CAP_RATIO) * COUNTS.sum()


@pytest.mark.parametrize(
    ("kernel", "samples", "min_ess", "tolerance"),
    [
        # numba: 4 x 60,000 draws give a bulk ESS near 30,000 (about 0.12 per draw here);
        # at ESS 20,000 the standard error of a probability is at most 0.0035, so 0.012 is
        # more than 3 standard errors. It is smaller than what a wrong alpha would move
        # P(N = 14): alpha held at 1 gives 0.167, at 0.05 gives 0.209, against 0.188.
        ("numba", 60_000, 20_000, 0.012),
        # numpy is about 10 times slower: fewer draws (bulk ESS near 1,900), a looser
        # tolerance (at ESS 1,300 about 3.5 standard errors of at most 0.014); it still
        # tells two classes from one (P(N <= 21): 0.920 with two, 0.971 with one).
        ("numpy", 4_000, 1_300, 0.045),
    ],
)
def test_two_class_sampler_matches_exact_posterior(exact, kernel, samples, min_ess, tolerance):
    if kernel == "numba":
        pytest.importorskip("numba", reason="numba not installed")
    values, probs = exact
    fit = fit_lcmcr(
        PATTERNS,
        COUNTS,
        K=2,
        chains=4,
        burnin=500,
        samples=samples,
        thin=1,
        seed=2016,
        kernel=kernel,
        threads=1,
    )
    assert fit.ess > min_ess
    draws = fit.N_draws.ravel()
    sampled = np.array([np.mean(draws <= v) for v in CHECK_AT])
    np.testing.assert_allclose(sampled, exact_cdf(values, probs, CHECK_AT), atol=tolerance)


def test_two_class_posterior_differs_from_one_class_and_fixed_alpha(exact):
    # What the sampler test can tell apart: the exact posteriors of nearby wrong models.
    values, probs = exact
    right = exact_cdf(values, probs, CHECK_AT)
    for alpha in (1.0, 0.05):
        v, p = exact_two_class_posterior(PATTERNS, COUNTS, alpha=alpha)
        assert np.max(np.abs(exact_cdf(v, p, CHECK_AT) - right)) > 0.018
    n = COUNTS.sum()
    on_list = (PATTERNS * COUNTS[:, None]).sum(axis=0)
    big_n = np.arange(n, (1 + N0_CAP_RATIO) * n + 1)
    log_one = -np.log(big_n) + gammaln(big_n + 1) - gammaln(big_n - n + 1)
    for s_j in on_list:
        log_one += betaln(s_j + 1, big_n - s_j + 1)
    one = np.exp(log_one - log_one.max())
    one /= one.sum()
    assert np.max(np.abs(exact_cdf(big_n, one, CHECK_AT) - right)) > 0.03
