"""Split R-hat and bulk ESS (Vehtari et al. 2021) on draws whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from recuento.estimate.lcmcr_diagnostics import bulk_ess, split_rhat


def ar1_chains(phi: float, chains: int, n: int, seed: int) -> np.ndarray:
    """Stationary AR(1) chains x_t = phi x_{t-1} + e_t."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((chains, n))
    out = np.empty((chains, n))
    out[:, 0] = noise[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        out[:, t] = phi * out[:, t - 1] + noise[:, t]
    return out


def test_independent_draws_have_rhat_one_and_ess_near_their_number():
    draws = np.random.default_rng(1).standard_normal((4, 1000))
    assert split_rhat(draws) == pytest.approx(1.0, abs=0.01)
    # 4,000 independent draws: the ESS estimate scatters by a few percent around 4,000.
    assert 3400 < bulk_ess(draws) < 4700


def test_ess_of_ar1_chains_matches_the_integrated_autocorrelation_time():
    # For AR(1) the autocorrelation at lag t is phi^t, so the integrated autocorrelation
    # time is 1 + 2 sum_{t>=1} phi^t = (1 + phi) / (1 - phi) = 19 for phi = 0.9, and the
    # ESS of 4 x 5,000 draws is 20,000 / 19 = 1,053. Rank normalisation of Gaussian draws
    # changes this little; the estimate itself has a sampling error of about 10%.
    draws = ar1_chains(0.9, chains=4, n=5000, seed=2)
    assert bulk_ess(draws) == pytest.approx(20000 / 19, rel=0.2)
    assert split_rhat(draws) < 1.02  # effective draws are few: R-hat scatters around 1


def test_chains_around_different_values_have_large_rhat():
    draws = np.random.default_rng(3).standard_normal((4, 500))
    draws[1] += 2.0
    assert split_rhat(draws) > 1.2


def test_chains_with_different_spreads_are_caught_by_the_folded_rhat():
    # Same centre, different scales: the bulk R-hat cannot see it; the folded one does.
    draws = np.random.default_rng(4).standard_normal((4, 1000))
    draws[0] *= 4.0
    assert split_rhat(draws) > 1.05


def test_a_drifting_single_chain_is_caught_by_splitting():
    drift = np.linspace(0.0, 5.0, 2000)[None, :]
    draws = np.random.default_rng(5).standard_normal((1, 2000)) + drift
    assert split_rhat(draws) > 1.5


def test_constant_draws_are_not_an_error():
    draws = np.full((4, 100), 7.0)
    assert split_rhat(draws) == 1.0
    assert bulk_ess(draws) == 400.0


def test_too_few_draws_give_nan():
    assert np.isnan(split_rhat(np.zeros((2, 3))))
    assert np.isnan(bulk_ess(np.zeros((2, 3))))
