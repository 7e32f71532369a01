"""Profile-likelihood estimate and interval for N (Cormack 1992).

For a log-linear model and a candidate population size N, the unobserved cell holds
``N - n`` people and the table of all 2^J cells is multinomial with N trials. For fixed
N, the cell probabilities that maximise the multinomial likelihood are the Poisson fit to
the complete table (observed counts plus ``N - n`` in cell 0) divided by N, because the
intercept makes the fitted values add up to N. The profile log-likelihood is therefore

    l(N) = log N! - log (N - n)! + sum_c y_c log(mu_c(N) / N)    (constants dropped)

with ``y_0 = N - n``. It is maximised over real N >= n (the multinomial MLE, which differs
slightly from the Poisson-fit ``n + exp(beta_0)``: 10,334.5 against 10,356.5 for Kosovo),
and the interval at level 1 - alpha is ``{N : 2 (l(N_hat) - l(N)) <= chi2_1(1 - alpha)}``.
This is the interval of Rcapture's ``closedpCI.t``. When the likelihood at N = n is still
within the bound, the lower end is n. The upper end is searched up to
``upper_factor * N_hat``; beyond that it is reported as unbounded (infinite).

Validated against: R ``Rcapture::closedpCI.t`` 1.4-4 (tests/estimate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from recuento.errors import EstimationError
from recuento.estimate.poisson import fit_poisson

UPPER_FACTOR = 10.0


@dataclass(frozen=True)
class ProfileInterval:
    """The profile-likelihood estimate and interval.

    Attributes:
        estimate: N maximising the profile likelihood.
        lower: lower end (``n`` when the bound reaches the number observed).
        upper: upper end (``inf`` when beyond ``upper_factor * estimate``).
        level: confidence level.
        lower_is_observed: the lower end was set to n.
    """

    estimate: float
    lower: float
    upper: float
    level: float
    lower_is_observed: bool


class _Profile:
    def __init__(
        self, X_full: np.ndarray, y_obs: np.ndarray, beta: np.ndarray, nonnegative: int
    ) -> None:
        self.X = X_full
        self.y_obs = y_obs
        self.n = float(y_obs.sum())
        self.beta = beta.copy()
        self.nonnegative = nonnegative

    def _constrained(self, y: np.ndarray) -> np.ndarray:
        # Chao's bound: refit without the heterogeneity columns whose coefficient is
        # negative until none is (as for the point estimate, at every N)
        first = self.X.shape[1] - self.nonnegative
        keep = list(range(self.X.shape[1]))
        while True:
            fit = fit_poisson(self.X[:, keep], y, max_iter=200)
            negative = [c for i, c in enumerate(keep) if c >= first and fit.beta[i] < 0]
            if not negative:
                return fit.mu
            keep = [c for c in keep if c not in negative]

    def __call__(self, N: float) -> float:
        y = np.concatenate([[N - self.n], self.y_obs])
        if self.nonnegative:
            mu = self._constrained(y)
        else:
            fit = fit_poisson(self.X, y, beta_start=self.beta, max_iter=200)
            if fit.converged and np.all(np.isfinite(fit.beta)):
                self.beta = fit.beta
            mu = fit.mu
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(mu / N), 0.0)
        return float(gammaln(N + 1.0) - gammaln(N - self.n + 1.0) + terms.sum())


def profile_interval(
    X_full: np.ndarray,
    y_obs: np.ndarray,
    beta: np.ndarray,
    *,
    level: float = 0.95,
    upper_factor: float = UPPER_FACTOR,
    nonnegative: int = 0,
) -> ProfileInterval:
    """Profile-likelihood MLE and interval of N for one model.

    Args:
        X_full: design on all 2^J cells, row 0 the unobserved cell ``(1, 0, ..., 0)``.
        y_obs: counts of the observed cells (rows 1..).
        beta: the Poisson fit's coefficients (a starting point).
        level: confidence level, in (0, 1).
        upper_factor: how far above the estimate to look for the upper end.
        nonnegative: the last ``nonnegative`` columns have coefficients constrained to be
            >= 0 (Chao's lower bound); at each N a negative one is dropped and the model
            refitted. ``beta`` may then belong to the reduced design.

    Raises:
        EstimationError: ``level`` outside (0, 1).
    """
    if not 0.0 < level < 1.0:
        raise EstimationError(f"the confidence level must be between 0 and 1, not {level}")
    n = float(y_obs.sum())
    start_missing = float(np.exp(beta[0]))
    if nonnegative:
        beta = np.concatenate([[beta[0]], np.zeros(X_full.shape[1] - 1)])
    prof = _Profile(X_full, y_obs, beta, nonnegative)
    # maximise over u = log(N - n), which keeps N > n and scales well
    lo_u = np.log(max(start_missing, 1e-3)) - 3.0
    hi_u = np.log(max(start_missing, 1e-3)) + 3.0
    res = minimize_scalar(
        lambda u: -prof(n + float(np.exp(u))),
        bounds=(min(lo_u, np.log(1e-6)), hi_u),
        method="bounded",
        options={"xatol": 1e-9},
    )
    N_hat = n + float(np.exp(res.x))
    l_max = prof(N_hat)
    cut = l_max - chi2.ppf(level, 1) / 2.0

    def g(N: float) -> float:
        return prof(N) - cut

    eps = max(1e-6, 1e-9 * n)
    lower_is_observed = g(n + eps) >= 0
    if lower_is_observed:
        lower = n
    else:
        prof.beta = beta.copy()
        lower = float(brentq(g, n + eps, N_hat, xtol=1e-7 * N_hat, rtol=1e-12))
    prof.beta = beta.copy()
    top = max(N_hat * upper_factor, n + 10.0)
    if g(top) > 0:
        upper = float("inf")
    else:
        prof.beta = beta.copy()
        upper = float(brentq(g, N_hat, top, xtol=1e-7 * N_hat, rtol=1e-12))
    return ProfileInterval(N_hat, lower, upper, level, lower_is_observed)
