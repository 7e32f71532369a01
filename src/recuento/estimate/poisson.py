"""Poisson log-linear regression by iteratively reweighted least squares (numpy).

Hand-written rather than taken from statsmodels because the model search fits thousands
of tiny GLMs (31 cells, up to 26 columns for 5 lists): a batched Newton iteration over
all models of the same size is two orders of magnitude faster than one statsmodels
``GLM.fit`` per model, and the profile likelihood needs warm starts and fractional
counts. The iteration is the textbook one (McCullagh & Nelder 1989, section 2.5): with
the canonical log link, Fisher scoring is Newton's method,
``beta <- (X' W X)^-1 X' W z`` with ``W = diag(mu)`` and ``z = eta + (y - mu) / mu``.

Existence of the maximum-likelihood estimate. With zero cells the MLE may not exist:
the likelihood keeps increasing as some coefficients go to infinity and fitted values
of zero cells go to 0 (Haberman 1974; Fienberg & Rinaldo 2012). Following Haberman's
criterion, the MLE exists if and only if the sufficient statistics ``X'y`` are
reached by some strictly positive vector ``m`` (``X'm = X'y``, ``m > 0``); this is a
linear programme solved with scipy's HiGHS (:func:`facial_set`). It is run only when the
table has zero cells and the iteration shows the symptoms (a zero cell fitted near 0, or
no convergence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.special import gammaln

MAX_ITER = 60
TOL = 1e-11
SUSPICIOUS_MU = 1e-6


@dataclass(frozen=True)
class PoissonFit:
    """One Poisson fit.

    Attributes:
        beta: coefficients.
        mu: fitted values on the rows of the design.
        converged: the deviance stopped changing within the iteration limit.
        iterations: Newton steps taken.
        cov: inverse Fisher information ``(X' diag(mu) X)^-1`` at the estimate.
    """

    beta: np.ndarray
    mu: np.ndarray
    converged: bool
    iterations: int
    cov: np.ndarray


def deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Poisson deviance ``2 sum(y log(y/mu) - (y - mu))`` (last axis), with 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return 2.0 * np.sum(term - (y - mu), axis=-1)


def loglik(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Poisson log-likelihood ``sum(y log mu - mu - log y!)`` over the last axis."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogmu = np.where(y > 0, y * np.log(mu), 0.0)
    return np.sum(ylogmu - mu - gammaln(y + 1.0), axis=-1)


def fit_poisson(
    X: np.ndarray,
    y: np.ndarray,
    *,
    beta_start: np.ndarray | None = None,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> PoissonFit:
    """Fit one Poisson log-linear model (with step halving when the deviance rises).

    Args:
        X: ``(cells, p)`` design (full column rank).
        y: ``(cells,)`` counts (may be fractional, as in the profile likelihood).
        beta_start: warm start; otherwise the iteration starts from ``mu = y + 0.1``.
        max_iter: Newton steps at most.
        tol: relative change of the deviance that counts as converged.
    """
    if beta_start is None:
        mu = y + 0.1
        eta = np.log(mu)
        beta = _wls(X, mu, eta + (y - mu) / mu)
    else:
        beta = beta_start.copy()
    eta = X @ beta
    mu = np.exp(np.clip(eta, -700.0, 700.0))
    dev = float(deviance(y, mu))
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        z = eta + (y - mu) / mu
        new_beta = _wls(X, mu, z)
        step = new_beta - beta
        for _ in range(30):
            new_eta = X @ (beta + step)
            new_mu = np.exp(np.clip(new_eta, -700.0, 700.0))
            new_dev = float(deviance(y, new_mu))
            if np.isfinite(new_dev) and new_dev <= dev + 1e-12 * (abs(dev) + 1.0):
                break
            step = step / 2.0
        beta = beta + step
        eta, mu = new_eta, new_mu
        change = abs(dev - new_dev) / (abs(new_dev) + 0.1)
        dev = new_dev
        if change < tol:
            converged = True
            break
    cov = _inverse_information(X, mu)
    return PoissonFit(beta, mu, converged, it, cov)


def _wls(X: np.ndarray, w: np.ndarray, z: np.ndarray) -> np.ndarray:
    sw = np.sqrt(w)
    sol, *_ = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)
    return np.asarray(sol)


def _inverse_information(X: np.ndarray, mu: np.ndarray) -> np.ndarray:
    info = X.T @ (X * mu[:, None])
    try:
        return np.asarray(np.linalg.inv(info))
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(info))


@dataclass(frozen=True)
class BatchFit:
    """Fits of many models of the same size on the same counts.

    Attributes:
        beta: ``(m, p)``.
        mu: ``(m, cells)``.
        converged: ``(m,)``.
        var_intercept: ``(m,)`` variance of the intercept (inverse information).
    """

    beta: np.ndarray
    mu: np.ndarray
    converged: np.ndarray
    var_intercept: np.ndarray


def fit_poisson_batch(
    Xs: np.ndarray,
    y: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    beta_start: np.ndarray | None = None,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> BatchFit:
    """Fit ``m`` models at once: ``Xs`` is ``(m, cells, p)``, ``y`` is ``(cells,)``.

    Newton steps are taken for all models together; a model whose deviance would rise is
    damped (step halving) on its own. Models whose MLE does not exist simply do not
    converge here; :func:`facial_set` decides.

    Args:
        Xs: the designs.
        y: the counts.
        mask: ``(m, cells)`` booleans: fit each model on its cells marked ``True`` only
            (the others get fitted value 0; they must have count 0). The restricted
            design may lose rank: the minimum-norm Newton step (pseudo-inverse) is used.
        beta_start: ``(m, p)`` warm start.
        max_iter, tol: as :func:`fit_poisson`.
    """
    m = Xs.shape[0]
    keep = np.ones((m, y.size)) if mask is None else mask.astype(np.float64)
    if beta_start is None:
        mu0 = y + 0.1
        z0 = np.log(mu0) + (y - mu0) / mu0
        beta = _batch_wls(Xs, mu0 * keep, np.broadcast_to(z0, (m, y.size)), mask is not None)
    else:
        beta = beta_start.copy()
    eta = np.einsum("mcp,mp->mc", Xs, beta)
    mu = np.exp(np.clip(eta, -700.0, 700.0)) * keep
    dev = deviance(y, mu)
    converged = np.zeros(m, dtype=bool)
    for _ in range(max_iter):
        active = ~converged
        if not active.any():
            break
        Xa = Xs[active]
        k_a = keep[active]
        mu_a = mu[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(k_a > 0, eta[active] + (y - mu_a) / mu_a, 0.0)
        step = _batch_wls(Xa, mu_a, z, mask is not None) - beta[active]
        b_a = beta[active]
        dev_a = dev[active]
        new_b = b_a + step
        for _ in range(30):
            new_eta = np.einsum("mcp,mp->mc", Xa, new_b)
            new_mu = np.exp(np.clip(new_eta, -700.0, 700.0)) * k_a
            new_dev = deviance(y, new_mu)
            bad = ~(np.isfinite(new_dev) & (new_dev <= dev_a + 1e-12 * (np.abs(dev_a) + 1.0)))
            if not bad.any():
                break
            step[bad] /= 2.0
            new_b = b_a + step
        change = np.abs(dev_a - new_dev) / (np.abs(new_dev) + 0.1)
        beta[active] = new_b
        eta[active] = new_eta
        mu[active] = new_mu
        dev[active] = new_dev
        idx = np.flatnonzero(active)
        converged[idx[change < tol]] = True
    info = np.einsum("mcp,mc,mcq->mpq", Xs, mu, Xs)
    if mask is not None:
        var0 = np.linalg.pinv(info)[:, 0, 0]
    else:
        try:
            var0 = np.linalg.inv(info)[:, 0, 0]
        except np.linalg.LinAlgError:
            var0 = np.array([np.linalg.pinv(a)[0, 0] for a in info])
    return BatchFit(beta, mu, converged, var0)


def _batch_wls(Xs: np.ndarray, w: np.ndarray, z: np.ndarray, deficient: bool) -> np.ndarray:
    XtW = np.swapaxes(Xs, 1, 2) * w[:, None, :]
    A = XtW @ Xs
    b = np.einsum("mpc,mc->mp", XtW, z)
    if deficient:
        return np.asarray(np.einsum("mpq,mq->mp", np.linalg.pinv(A, hermitian=True), b))
    try:
        return np.asarray(np.linalg.solve(A, b[..., None])[..., 0])
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(a, bb, rcond=None)[0] for a, bb in zip(A, b, strict=True)])


def facial_set(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cells whose fitted value stays positive at the (extended) MLE.

    By Haberman's criterion the Poisson MLE exists (finite coefficients) exactly when
    some strictly positive vector ``m`` has the same sufficient statistics as the data
    (``X'm = X'y``). Otherwise the likelihood is maximised in the limit, with fitted
    values 0 on some zero cells; the other cells form the *facial set* (Fienberg &
    Rinaldo 2012). A zero cell ``i`` is in it when the linear programme ``max m_i``
    subject to ``X'm = X'y``, ``m >= 0`` has a positive optimum (cells with counts are
    always in it).

    Returns:
        A boolean mask over the rows of ``X``; all ``True`` when the MLE exists.
    """
    if np.all(y > 0):
        return np.ones(y.shape, dtype=bool)
    cells = X.shape[0]
    scale = max(float(y.sum()), 1.0)
    b_eq = X.T @ (y / scale)
    face = y > 0
    for i in np.flatnonzero(~face):
        if face[i]:
            continue
        c = np.zeros(cells)
        c[i] = -1.0
        res = linprog(c, A_eq=X.T, b_eq=b_eq, bounds=(0.0, None), method="highs")
        if res.status == 0:
            # a feasible point with m_i > 0 also shows every other cell positive in it
            face |= res.x > 1e-9
    return face


def mle_exists(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether the Poisson MLE exists (finite coefficients); see :func:`facial_set`."""
    return bool(facial_set(X, y).all())


def estimable(X: np.ndarray, row: np.ndarray) -> bool:
    """Whether the linear function ``row @ beta`` is determined by the rows of ``X``.

    It is when ``row`` is orthogonal to the null space of ``X`` (one SVD).
    """
    _, sv, vt = np.linalg.svd(X, full_matrices=True)
    tol = sv.max(initial=0.0) * max(X.shape) * np.finfo(float).eps
    rank = int((sv > tol).sum())
    null = vt[rank:]
    if null.size == 0:
        return True
    return bool(np.abs(null @ row).max() <= 1e-8 * max(1.0, float(np.abs(row).max())))


def suspicious(y: np.ndarray, mu: np.ndarray, converged: bool) -> bool:
    """Symptoms of a non-existent MLE: no convergence, or a zero cell fitted near 0."""
    zero = y == 0
    return (not converged) or bool(np.any(mu[zero] < SUSPICIOUS_MU))
