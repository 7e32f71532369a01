"""Convergence diagnostics for several MCMC chains: split R-hat and bulk effective sample size.

Both follow Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization,
folding, and localization: an improved R-hat for assessing convergence of MCMC", Bayesian
Analysis 16(2), 667-718:

* chains are split in halves (so that a drift within one chain shows up as disagreement);
* draws are replaced by the normal scores of their pooled ranks (rank normalisation), which
  makes R-hat and ESS meaningful for heavy-tailed and discrete quantities such as N;
* R-hat is the larger of the R-hat of the rank-normalised draws (location) and of the
  rank-normalised distances to the median (folded: scale);
* ESS uses Geyer's initial monotone sequence on the autocorrelations pooled across chains.

Hand-written (about 100 lines) rather than taken from ArviZ so that the estimation engine
depends only on numpy and scipy.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def _split_chains(draws: np.ndarray) -> np.ndarray:
    """(m, n) -> (2m, n // 2): each chain cut into a first and a last half."""
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, draws.shape[1] - half :]], axis=0)


def _rank_normalise(draws: np.ndarray) -> np.ndarray:
    """Normal scores of the pooled ranks (ties get their average rank)."""
    ranks = stats.rankdata(draws, method="average").reshape(draws.shape)
    return stats.norm.ppf((ranks - 0.375) / (draws.size + 0.25))


def _basic_rhat(draws: np.ndarray) -> float:
    m, n = draws.shape
    if m < 2 or n < 2:
        return math.nan
    within = float(np.mean(np.var(draws, axis=1, ddof=1)))
    between_over_n = float(np.var(np.mean(draws, axis=1), ddof=1))
    if within <= 0.0:
        return 1.0 if between_over_n <= 0.0 else math.inf
    var_plus = (n - 1) / n * within + between_over_n
    return math.sqrt(var_plus / within)


def split_rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat (the larger of the bulk and the folded version).

    Args:
        draws: (chains, draws) array of one scalar quantity.

    Returns:
        R-hat; values above 1.01 to 1.05 say the chains have not mixed. NaN when there are
        fewer than 4 draws per chain.
    """
    draws = np.asarray(draws, dtype=float)
    if draws.shape[1] < 4:
        return math.nan
    split = _split_chains(draws)
    if np.ptp(split) == 0.0:
        return 1.0
    bulk = _basic_rhat(_rank_normalise(split))
    folded = _basic_rhat(_rank_normalise(np.abs(split - np.median(split))))
    return max(bulk, folded)


def _autocovariance(x: np.ndarray) -> np.ndarray:
    """Biased autocovariance of each row (lags 0..n-1), computed by FFT."""
    n = x.shape[1]
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    return np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n] / n


def _ess(draws: np.ndarray) -> float:
    m, n = draws.shape
    acov = _autocovariance(draws)
    mean_var = float(np.mean(acov[:, 0])) * n / (n - 1)
    var_plus = mean_var * (n - 1) / n
    if m > 1:
        var_plus += float(np.var(np.mean(draws, axis=1), ddof=1))
    if var_plus <= 0.0:
        return float(m * n)
    rho = 1.0 - (mean_var - np.mean(acov, axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer's initial positive sequence: sum pairs (rho_2t + rho_2t+1) while positive ...
    pairs = rho[: 2 * ((n - 1) // 2)].reshape(-1, 2).sum(axis=1)
    negative = np.nonzero(pairs <= 0.0)[0]
    n_pairs = int(negative[0]) if negative.size else pairs.size
    # ... made monotone (initial monotone sequence).
    kept = np.minimum.accumulate(pairs[:n_pairs]) if n_pairs else pairs[:0]
    tau = -1.0 + 2.0 * float(kept.sum())
    tau = max(tau, 1.0 / math.log10(m * n))
    return m * n / tau


def bulk_ess(draws: np.ndarray) -> float:
    """Bulk effective sample size of rank-normalised split chains.

    Args:
        draws: (chains, draws) array of one scalar quantity.

    Returns:
        The effective number of independent draws for estimating the centre of the
        distribution (the median, for instance). NaN with fewer than 4 draws per chain.
    """
    draws = np.asarray(draws, dtype=float)
    if draws.shape[1] < 4:
        return math.nan
    split = _split_chains(draws)
    if np.ptp(split) == 0.0:
        return float(split.size)
    return _ess(_rank_normalise(split))
