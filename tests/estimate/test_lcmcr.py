"""LCMCR sampler: hand-checkable cases, building blocks, reproducibility, input validation."""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate._lcmcr_kernel import N0_CAP_RATIO, _log_gamma_draws, _stick_breaking
from recuento.estimate.lcmcr import LCMCRFit, LCMCRInputError, fit_lcmcr

# A small 3-list table (synthetic: about 200 people, independent lists with capture
# probabilities 0.5, 0.4 and 0.3). Rows: patterns (list1, list2, list3); counts beside them.
TINY_PATTERNS = np.array(
    [[0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]]
)
TINY_COUNTS = np.array([18, 25, 11, 42, 18, 28, 12])


def exact_mt_posterior(patterns: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of N under the independence model M_t, by direct summation over N.

    With one latent class (K = 1) LCMCR is the model M_t: list j records each of the N
    people independently with probability lambda_j ~ Beta(1, 1), and p(N) is proportional to
    1/N. With n people observed and s_j of them on list j, the probability of the observed
    table given N and lambda is the multinomial

        N! / ((N - n)! prod_x n_x!) * prod_j lambda_j^s_j (1 - lambda_j)^(N - s_j).

    Integrating each lambda_j over Beta(1, 1) gives the Beta function B(s_j + 1, N - s_j + 1),
    so

        p(N | data) is proportional to (1/N) * N! / (N - n)! * prod_j B(s_j + 1, N - s_j + 1),

    for n <= N <= (1 + N0_CAP_RATIO) n (the sampler's truncation, far in the tail here).
    Everything is computed on the log scale with log-gamma functions and normalised.
    """
    n = int(counts.sum())
    s = (patterns * counts[:, None]).sum(axis=0)
    big_n = np.arange(n, (1 + N0_CAP_RATIO) * n + 1)
    log_post = -np.log(big_n) + gammaln(big_n + 1) - gammaln(big_n - n + 1)
    for s_j in s:
        log_post += gammaln(s_j + 1) + gammaln(big_n - s_j + 1) - gammaln(big_n + 2)
    post = np.exp(log_post - log_post.max())
    return big_n, post / post.sum()


def quantile_of(values: np.ndarray, probs: np.ndarray, q: float) -> int:
    return int(values[np.searchsorted(np.cumsum(probs), q)])


def kernels() -> list:
    """Both kernels; the compiled one is skipped (with the reason) when numba is missing."""
    try:
        import numba  # noqa: F401
    except ImportError:
        compiled = pytest.param("numba", marks=pytest.mark.skip(reason="numba not installed"))
    else:
        compiled = pytest.param("numba")
    return ["numpy", compiled]


@pytest.mark.parametrize("kernel", kernels())
def test_one_class_matches_exact_mt_posterior(kernel: str):
    values, probs = exact_mt_posterior(TINY_PATTERNS, TINY_COUNTS)
    exact_median = quantile_of(values, probs, 0.5)
    exact_lower = quantile_of(values, probs, 0.025)
    exact_upper = quantile_of(values, probs, 0.975)
    exact_mean = float((values * probs).sum())
    sd = float(np.sqrt((values**2 * probs).sum() - exact_mean**2))  # about 10.5

    fit = fit_lcmcr(
        TINY_PATTERNS,
        TINY_COUNTS,
        K=1,
        chains=4,
        burnin=500,
        samples=2000,
        thin=1,
        seed=11,
        kernel=kernel,
    )
    assert fit.settings["kernel"] == kernel

    # Monte Carlo error: with K = 1 the chains mix fast (bulk ESS about 2,000 of 8,000
    # draws). Standard errors at ESS 1,000 (a margin below what the chains give): median
    # 1.25 sd / sqrt(ESS) = 0.4; 2.5% and 97.5% quantiles about 2.7 sd / sqrt(ESS) = 0.9;
    # mean sd / sqrt(ESS) = 0.33. Tolerances are about 4 standard errors, rounded up to
    # whole people for the quantiles (N is an integer).
    assert fit.ess > 1000
    assert abs(fit.median() - exact_median) <= 2
    lower, upper = fit.interval(0.95)
    assert abs(lower - exact_lower) <= 4
    assert abs(upper - exact_upper) <= 4
    assert abs(fit.N_draws.mean() - exact_mean) <= 4 * sd / np.sqrt(1000)


def test_stick_breaking_first_weight_is_beta_distributed():
    # With class sizes (n_1, n_2, n_3) = (5, 3, 2) and alpha = 0.7, pi_1 = V_1 ~
    # Beta(1 + 5, 0.7 + 3 + 2).
    rng = np.random.default_rng(5)
    sizes = np.array([5.0, 3.0, 2.0])
    first = np.array([np.exp(_stick_breaking(rng, sizes, 0.7)[0][0]) for _ in range(4000)])
    assert stats.kstest(first, stats.beta(6.0, 5.7).cdf).pvalue > 0.001


def test_stick_breaking_weights_sum_to_one_even_for_tiny_alpha():
    rng = np.random.default_rng(6)
    log_pi, sum_log_1mv = _stick_breaking(rng, np.array([900.0, 0.0, 0.0, 0.0]), 1e-6)
    assert np.all(np.isfinite(log_pi))
    assert np.exp(log_pi).sum() == pytest.approx(1.0)
    assert sum_log_1mv == pytest.approx(log_pi[-1])


def test_log_gamma_draws_follow_gamma_for_small_shapes():
    rng = np.random.default_rng(7)
    draws = _log_gamma_draws(rng, np.full(4000, 0.3))
    assert np.all(np.isfinite(draws))
    assert stats.kstest(np.exp(draws), stats.gamma(0.3).cdf).pvalue > 0.001


def small_fit(seed: int | None, **kwargs: object) -> LCMCRFit:
    settings: dict = {"K": 3, "chains": 2, "burnin": 100, "samples": 50, "thin": 2}
    settings.update(kwargs)
    return fit_lcmcr(TINY_PATTERNS, TINY_COUNTS, seed=seed, **settings)


@pytest.mark.parametrize("kernel", kernels())
def test_same_seed_gives_identical_draws(kernel: str):
    first = small_fit(2024, kernel=kernel)
    second = small_fit(2024, kernel=kernel)
    np.testing.assert_array_equal(first.N_draws, second.N_draws)
    assert first.rhat == second.rhat


def test_draws_do_not_depend_on_the_number_of_threads():
    pytest.importorskip("numba", reason="threads are used with the compiled kernel only")
    one = small_fit(99, chains=3, threads=1, kernel="numba")
    three = small_fit(99, chains=3, threads=3, kernel="numba")
    assert three.settings["threads"] == 3
    np.testing.assert_array_equal(one.N_draws, three.N_draws)


def test_different_seeds_and_chains_give_different_draws():
    fit = small_fit(2024)
    assert not np.array_equal(fit.N_draws[0], fit.N_draws[1])
    assert not np.array_equal(fit.N_draws, small_fit(2025).N_draws)


def test_fit_has_contract_shapes_and_json_summary():
    fit = small_fit(1)
    assert fit.N_draws.shape == (2, 50)
    assert fit.n_observed == int(TINY_COUNTS.sum())
    assert np.all(fit.N_draws >= fit.n_observed)
    summary = fit.to_dict()
    assert "N_draws" not in summary
    assert summary["documented"] == fit.n_observed
    assert summary["method"] == "lcmcr"
    assert summary["lower"] <= summary["estimate"] <= summary["upper"]
    assert summary["settings"]["seed"] == 1
    assert len(fit.to_dict(include_draws=True)["N_draws"]) == 2


def test_duplicate_patterns_and_zero_counts_are_merged():
    patterns = np.vstack([TINY_PATTERNS, TINY_PATTERNS[:1], [[1, 1, 1]]])
    counts = np.concatenate([TINY_COUNTS - np.eye(7, dtype=int)[0] * 8, [8], [0]])
    merged = fit_lcmcr(patterns, counts, K=2, chains=1, burnin=50, samples=20, seed=4)
    assert merged.n_observed == int(TINY_COUNTS.sum())


def test_progress_reports_fractions_up_to_one():
    seen: list[float] = []
    small_fit(3, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)


def test_bad_table_reports_every_problem_at_once():
    patterns = np.array([[0, 0, 0], [1, 2, 0], [1, 1, 1]])
    counts = np.array([3, -1])
    with pytest.raises(LCMCRInputError) as info:
        fit_lcmcr(patterns, counts)
    err = info.value
    assert isinstance(err, EstimationError)
    assert isinstance(err, ProblemsError)
    assert len(err.problems) == 3
    text = str(err)
    assert "3 rows but counts has 2" in text
    assert "only 0 and 1" in text
    assert "non-negative whole numbers" in text


def test_all_zero_pattern_is_rejected():
    with pytest.raises(LCMCRInputError, match="all-zero row"):
        fit_lcmcr(np.array([[0, 0], [1, 1]]), np.array([4, 5]))


def test_one_list_and_empty_table_are_rejected():
    with pytest.raises(LCMCRInputError, match="at least 2 lists"):
        fit_lcmcr(np.array([[1]]), np.array([5]))
    with pytest.raises(LCMCRInputError, match="add up to 0"):
        fit_lcmcr(np.array([[1, 0], [0, 1]]), np.array([0, 0]))


def test_bad_settings_are_reported_together():
    with pytest.raises(LCMCRInputError) as info:
        fit_lcmcr(TINY_PATTERNS, TINY_COUNTS, K=0, a=-1.0, chains=0, thin=0, threads=0)
    assert len(info.value.problems) == 5


def test_unknown_kernel_is_an_error():
    with pytest.raises(LCMCRInputError, match="kernel must be"):
        fit_lcmcr(TINY_PATTERNS, TINY_COUNTS, kernel="fortran")


def test_interval_level_outside_zero_one_is_an_error():
    with pytest.raises(EstimationError, match="strictly between 0 and 1"):
        small_fit(1).interval(1.5)


def test_disjoint_lists_leave_n_unbounded_and_say_so():
    # Nobody is on two lists: the overlaps that bound N are all zero, the posterior spreads
    # up to the truncation N <= 21 n, and the fit must warn instead of reporting silently.
    fit = fit_lcmcr(
        np.eye(3, dtype=int),
        np.array([40, 30, 20]),
        K=1,
        chains=2,
        burnin=500,
        samples=500,
        thin=5,
        seed=0,
    )
    assert fit.settings["n_max"] == 21 * 90
    assert any("largest value the sampler allows" in w for w in fit.warnings)


def truncated_negbin_samplers() -> list:
    from recuento.estimate._lcmcr_kernel import _truncated_negbin

    samplers = [pytest.param(_truncated_negbin, id="numpy")]
    try:
        from recuento.estimate._lcmcr_numba import truncated_negbin
    except ImportError:
        return samplers
    return [*samplers, pytest.param(truncated_negbin, id="numba")]


@pytest.mark.parametrize("sampler", truncated_negbin_samplers())
@pytest.mark.parametrize("p", [1e-10, 0.002])
def test_truncated_negative_binomial_follows_its_truncated_law(sampler, p: float):
    # NegBin(size 5, success probability p), failures before the 5th success, kept <= 100.
    # With p = 1e-10 the cap holds almost no mass and the sampler must invert the truncated
    # law; with p = 0.002 about 1 in 10^5 of the untruncated mass lies below the cap, so
    # rejection gives up too. The exact truncated law is the pmf restricted to 0..100.
    size, cap = 5, 100
    values = np.arange(cap + 1)
    pmf = stats.nbinom(size, p).pmf(values)
    pmf = pmf / pmf.sum()
    mean = float((values * pmf).sum())
    sd = float(np.sqrt((values**2 * pmf).sum() - mean**2))
    rng = np.random.default_rng(8)
    draws = np.array([sampler(rng, size, p, cap) for _ in range(3000)])
    assert draws.max() <= cap
    assert abs(draws.mean() - mean) < 4 * sd / np.sqrt(3000)


@pytest.mark.parametrize("kernel", kernels())
def test_running_longer_for_target_ess_continues_the_same_chains(kernel: str):
    # One doubling from thin = 3 keeps the draws at sweeps 6, 12, ... of the same chains:
    # exactly the draws of a run asked for with thin = 6.
    longer = small_fit(8, thin=3, target_ess=1e9, max_doublings=1, kernel=kernel)
    direct = small_fit(8, thin=6, kernel=kernel)
    np.testing.assert_array_equal(longer.N_draws, direct.N_draws)
    assert longer.settings["thin"] == 6
    assert longer.settings["thin_requested"] == 3
    assert longer.N_draws.shape == (2, 50)


def test_target_ess_doubles_the_thinning_at_most_max_doublings_times():
    unreachable = small_fit(9, thin=2, target_ess=1e9, max_doublings=3)
    assert unreachable.settings["thin"] == 16
    assert any(w.startswith("Only") for w in unreachable.warnings)
    reached = small_fit(9, thin=2, target_ess=1.0, max_doublings=3)
    assert reached.settings["thin"] == 2
    exact_run = small_fit(9, thin=2)
    assert exact_run.settings["thin"] == 2 and exact_run.settings["target_ess"] is None


def test_progress_stays_in_order_when_chains_run_longer():
    seen: list[float] = []
    small_fit(3, progress=seen.append, target_ess=1e9, max_doublings=2)
    assert seen == sorted(seen)
    assert max(seen[:-1]) <= 0.99
    assert seen[-1] == pytest.approx(1.0)


def test_bad_target_ess_and_doublings_are_reported():
    with pytest.raises(LCMCRInputError) as info:
        small_fit(1, target_ess=-5, max_doublings=-1)
    text = " ".join(info.value.problems)
    assert "target_ess" in text and "max_doublings" in text


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity here")
def test_threads_default_to_the_cores_this_process_may_use():
    pytest.importorskip("numba", reason="threads are used with the compiled kernel only")
    before = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(before)})
        assert small_fit(5, chains=3, kernel="numba").settings["threads"] == 1
    finally:
        os.sched_setaffinity(0, before)
