"""Fitting log-linear capture-recapture models and choosing among them.

Each model is a Poisson regression on the 2^J - 1 observed cells (Fienberg 1972;
Cormack 1989; Baillargeon & Rivest 2007). The all-zero cell has design row
``(1, 0, ..., 0)`` in every model used here, so its predicted count is ``exp(beta_0)``
and the Poisson-fit estimate of the population is ``N = n + exp(beta_0)``, with
standard error ``sqrt(exp(beta_0)^2 Var(beta_0) + exp(beta_0))`` (the same as Rcapture's
``closedp.t`` / ``closedpMS.t``). Fit statistics follow Rcapture: ``deviance`` on the
observed cells, ``df = 2^J - 1 - p``, ``AIC = -2 logL + 2p``, ``BIC = -2 logL + p log n``
with ``logL`` the full Poisson log-likelihood and ``n`` the number of people observed.

Models whose maximum-likelihood estimate does not exist (zero cells placed so that the
likelihood keeps increasing towards the boundary) are kept in the table with
``finite = False`` and never selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from recuento.errors import EstimationError
from recuento.estimate.histories import CaptureHistories
from recuento.estimate.loglinear_models import (
    MAX_EXHAUSTIVE_LISTS,
    HierarchicalModel,
    design_matrix,
    enumerate_hierarchical,
    independence,
    neighbours,
)
from recuento.estimate.poisson import (
    SUSPICIOUS_MU,
    BatchFit,
    deviance,
    estimable,
    facial_set,
    fit_poisson,
    fit_poisson_batch,
    loglik,
    suspicious,
)

Criterion = Literal["bic", "aic"]
Status = Literal["ok", "boundary", "no_mle"]
Progress = Callable[[float], None]


@dataclass(frozen=True)
class ModelFit:
    """One fitted log-linear model.

    Attributes:
        name: Rcapture-style name (``[123,14,34]``, ``Mth Chao (LB)``...).
        description: the model in words or with list names.
        n_params: parameters actually estimated (Chao's bound drops negative ones).
        estimate: Poisson-fit N (``None`` when the MLE does not exist).
        stderr: its standard error (``None`` when the MLE does not exist).
        deviance, df, aic, bic: fit statistics on the observed cells.
        finite: the estimate of N is finite (``status`` is ``ok`` or ``boundary``).
        status: ``ok`` (the MLE exists), ``boundary`` (it does not, because zero cells
            push some interaction to minus infinity, but the unobserved cell is still
            determined: the extended MLE treats those cells as impossible and gives a
            finite N; Rcapture reports the same number) or ``no_mle`` (N itself is not
            determined: any N fits as well, or better as N grows).
        columns: the design on all 2^J cells (row 0 = unobserved), for the profile likelihood.
        beta: the coefficients (intercept first).
    """

    name: str
    description: str
    n_params: int
    estimate: float | None
    stderr: float | None
    deviance: float
    df: int
    aic: float
    bic: float
    finite: bool
    status: Status
    columns: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)

    def criterion(self, which: Criterion) -> float:
        """The value of ``bic`` or ``aic``."""
        return self.bic if which == "bic" else self.aic


def _stats(
    name: str,
    description: str,
    X_full: np.ndarray,
    y: np.ndarray,
    beta: np.ndarray,
    mu: np.ndarray,
    var0: float,
    status: Status,
) -> ModelFit:
    n = float(y.sum())
    p = X_full.shape[1]
    ll = float(loglik(y, mu))
    finite = status != "no_mle"
    mu0 = float(np.exp(beta[0])) if finite else float("inf")
    est = n + mu0 if finite and np.isfinite(mu0) else None
    var_n = mu0 * mu0 * var0 + mu0
    se = float(np.sqrt(var_n)) if est is not None and np.isfinite(var_n) and var_n >= 0 else None
    return ModelFit(
        name=name,
        description=description,
        n_params=p,
        estimate=est,
        stderr=se,
        deviance=float(deviance(y, mu)),
        df=int(y.size - p),
        aic=-2.0 * ll + 2.0 * p,
        bic=-2.0 * ll + p * np.log(n),
        finite=finite and est is not None,
        status=status if est is not None else "no_mle",
        columns=X_full,
        beta=beta,
    )


def fit_design(
    h: CaptureHistories,
    X_full: np.ndarray,
    name: str,
    description: str = "",
    *,
    plain: tuple[np.ndarray, np.ndarray, bool] | None = None,
) -> ModelFit:
    """Fit one model given its design on all 2^J cells (row 0: the unobserved cell).

    The first column must be the intercept and row 0 must be ``(1, 0, ..., 0)``.

    When the iteration shows the symptoms of a missing MLE, the facial set (the cells
    that stay positive in the limit) is first guessed from the fitted values (zero cells
    fitted below 1e-6 are out) and the guess is accepted when the fit restricted to it
    converges, keeps every cell in it positive, and reaches the same likelihood as the
    unrestricted iteration (a guess that wrongly drops a cell would do better than the
    supremum); otherwise the exact linear programme decides (:func:`facial_set`).

    Args:
        h: the table.
        X_full: the design.
        name, description: for the result.
        plain: ``(beta, mu, converged)`` of an unrestricted fit already done (batches).
    """
    y = h.cell_counts()[1:]
    X = X_full[1:]
    if plain is None:
        fit = fit_poisson(X, y)
        beta, mu, converged, var0 = fit.beta, fit.mu, fit.converged, float(fit.cov[0, 0])
    else:
        beta, mu, converged = plain
        var0 = float("nan")
    if not suspicious(y, mu, converged):
        if plain is not None:
            return fit_design(h, X_full, name, description)
        return _stats(name, description, X_full, y, beta, mu, var0, "ok")
    guess = (y > 0) | (mu >= SUSPICIOUS_MU)
    face: np.ndarray | None = None
    sub = None
    if not guess.all():
        # the unrestricted iterate is already close on the facial set: warm start
        start = beta if np.all(np.isfinite(beta)) else None
        sub = fit_poisson(X[guess], y[guess], beta_start=start, max_iter=500)
        plain_dev = float(deviance(y, mu))
        sub_dev = float(deviance(y[guess], sub.mu))
        if (
            sub.converged
            and bool(np.all(sub.mu >= SUSPICIOUS_MU))
            and sub_dev >= plain_dev - 1e-6 * (1.0 + plain_dev)
        ):
            face = guess
    if face is None:
        face = facial_set(X, y)
        sub = None
    if face.all():
        fit = fit_poisson(
            X, y, beta_start=beta if np.all(np.isfinite(beta)) else None, max_iter=500
        )
        status: Status = "ok" if fit.converged else "no_mle"
        return _stats(name, description, X_full, y, fit.beta, fit.mu, float(fit.cov[0, 0]), status)
    if not estimable(X[face], X_full[0]):
        return _stats(name, description, X_full, y, beta, mu, float("nan"), "no_mle")
    if sub is None:
        sub = fit_poisson(X[face], y[face], max_iter=500)
    mu_ext = np.zeros_like(y)
    mu_ext[face] = sub.mu
    status = "boundary" if sub.converged else "no_mle"
    return _stats(name, description, X_full, y, sub.beta, mu_ext, float(sub.cov[0, 0]), status)


def fit_hierarchical(h: CaptureHistories, model: HierarchicalModel) -> ModelFit:
    """Fit one hierarchical model."""
    X_full = design_matrix(model.terms, h.n_lists, include_unobserved=True)
    return fit_design(h, X_full, model.name, model.describe(h.lists))


def fit_models(
    h: CaptureHistories,
    models: Sequence[HierarchicalModel],
    *,
    progress: Progress | None = None,
) -> list[ModelFit]:
    """Fit many hierarchical models, batching those with the same number of parameters.

    Returns the fits in the order of ``models``.
    """
    J = h.n_lists
    y = h.cell_counts()[1:]
    out: list[ModelFit | None] = [None] * len(models)
    by_size: dict[int, list[int]] = {}
    for i, m in enumerate(models):
        by_size.setdefault(m.n_params, []).append(i)
    done = 0
    for _p, idx in sorted(by_size.items()):
        for start in range(0, len(idx), 2000):
            chunk = idx[start : start + 2000]
            X_fulls = np.stack(
                [design_matrix(models[i].terms, J, include_unobserved=True) for i in chunk]
            )
            batch = fit_poisson_batch(X_fulls[:, 1:, :], y)
            odd: list[int] = []
            for k, i in enumerate(chunk):
                m = models[i]
                beta, mu, conv = batch.beta[k], batch.mu[k], bool(batch.converged[k])
                if suspicious(y, mu, conv):
                    odd.append(k)
                else:
                    out[i] = _stats(
                        m.name,
                        m.describe(h.lists),
                        X_fulls[k],
                        y,
                        beta,
                        mu,
                        float(batch.var_intercept[k]),
                        "ok",
                    )
            for k, fit in _boundary_batch(h, X_fulls, batch, odd, y).items():
                i = chunk[k]
                m = models[i]
                out[i] = fit or fit_design(
                    h,
                    X_fulls[k],
                    m.name,
                    m.describe(h.lists),
                    plain=(batch.beta[k], batch.mu[k], bool(batch.converged[k])),
                )
                if fit is not None:
                    out[i] = replace(fit, name=m.name, description=m.describe(h.lists))
            done += len(chunk)
            if progress is not None:
                progress(done / len(models))
    return [f for f in out if f is not None]


def _boundary_batch(
    h: CaptureHistories,
    X_fulls: np.ndarray,
    batch: BatchFit,
    odd: list[int],
    y: np.ndarray,
) -> dict[int, ModelFit | None]:
    """Batched version of the facial-set guess of :func:`fit_design` for many models.

    Returns, for each index in ``odd``, the fit when the guess is certified (same test as
    :func:`fit_design`), or ``None`` when the model must go through :func:`fit_design`.
    """
    result: dict[int, ModelFit | None] = dict.fromkeys(odd)
    if not odd:
        return result
    sel = np.array(odd)
    mu = batch.mu[sel]
    guess = (y > 0)[None, :] | (mu >= SUSPICIOUS_MU)
    partial = ~guess.all(axis=1)
    if not partial.any():
        return result
    sel, guess, mu = sel[partial], guess[partial], mu[partial]
    start = batch.beta[sel]
    finite = np.all(np.isfinite(start), axis=1)
    sel, guess, mu, start = sel[finite], guess[finite], mu[finite], start[finite]
    if sel.size == 0:
        return result
    Xs = X_fulls[sel, 1:, :]
    sub = fit_poisson_batch(Xs, y, mask=guess, beta_start=start, max_iter=500)
    plain_dev = deviance(y, mu)
    sub_dev = deviance(y, sub.mu)
    positive = np.all(np.where(guess, sub.mu, np.inf) >= SUSPICIOUS_MU, axis=1)
    ok = sub.converged & positive & (sub_dev >= plain_dev - 1e-6 * (1.0 + plain_dev))
    for j in np.flatnonzero(ok):
        k = int(sel[j])
        X = Xs[j]
        face = guess[j]
        if not estimable(X[face], X_fulls[k, 0]):
            fit = _stats("", "", X_fulls[k], y, batch.beta[k], batch.mu[k], float("nan"), "no_mle")
        else:
            fit = _stats(
                "", "", X_fulls[k], y, sub.beta[j], sub.mu[j], float(sub.var_intercept[j]),
                "boundary",
            )  # fmt: skip
        result[k] = fit
    return result


def rank(fits: Iterable[ModelFit], criterion: Criterion = "bic") -> list[ModelFit]:
    """Fits with a finite MLE first, ordered by the criterion; the others after them."""
    fits = list(fits)
    good = sorted((f for f in fits if f.finite), key=lambda f: f.criterion(criterion))
    bad = sorted((f for f in fits if not f.finite), key=lambda f: f.criterion(criterion))
    return good + bad


@dataclass(frozen=True)
class Search:
    """The outcome of a model search.

    Attributes:
        fits: every model fitted, ranked (finite MLE first, then by the criterion).
        criterion: ``bic`` or ``aic``.
        exhaustive: every hierarchical model was fitted (otherwise: stepwise).
        best: the selected model (``None`` when no model has a finite MLE).
    """

    fits: list[ModelFit]
    criterion: Criterion
    exhaustive: bool

    @property
    def best(self) -> ModelFit | None:
        """The model with the smallest criterion among those with a finite MLE."""
        return self.fits[0] if self.fits and self.fits[0].finite else None

    @property
    def n_without_mle(self) -> int:
        """How many models have no finite MLE."""
        return sum(not f.finite for f in self.fits)


def search_models(
    h: CaptureHistories,
    *,
    criterion: Criterion = "bic",
    exhaustive_max_lists: int = MAX_EXHAUSTIVE_LISTS,
    progress: Progress | None = None,
) -> Search:
    """Fit every hierarchical model (up to 5 lists) or search stepwise (more lists).

    Args:
        h: the table (at least 2 lists).
        criterion: ``bic`` (default) or ``aic``.
        exhaustive_max_lists: largest number of lists searched exhaustively.
        progress: called with the fraction done.
    """
    if criterion not in ("bic", "aic"):
        raise EstimationError(f"criterion must be 'bic' or 'aic', not {criterion!r}")
    if h.n_lists <= exhaustive_max_lists:
        models = list(enumerate_hierarchical(h.n_lists))
        fits = fit_models(h, models, progress=progress)
        return Search(rank(fits, criterion), criterion, True)
    fits = stepwise(h, criterion=criterion, progress=progress)
    return Search(rank(fits, criterion), criterion, False)


def stepwise(
    h: CaptureHistories, *, criterion: Criterion = "bic", progress: Progress | None = None
) -> list[ModelFit]:
    """Greedy search: from independence, take the best one-term change while it helps.

    At each step every hierarchical neighbour (one interaction added whose sub-terms are
    all present, or one interaction removed that no larger term contains) is fitted, and
    the one with the smallest criterion among those with a finite MLE is taken if it
    improves on the current model. The search stops when no neighbour improves. This is a
    local search: it may miss the global optimum of the full model space.

    Returns:
        Every model fitted along the way.
    """
    seen: dict[tuple[int, ...], ModelFit] = {}
    current = independence(h.n_lists)
    cur_fit = fit_hierarchical(h, current)
    seen[current.interactions] = cur_fit
    if not cur_fit.finite:
        return list(seen.values())
    steps = 0
    while True:
        steps += 1
        cands = [m for m in neighbours(current) if m.interactions not in seen]
        for m, f in zip(cands, fit_models(h, cands), strict=True):
            seen[m.interactions] = f
        options = [
            (seen[m.interactions], m) for m in neighbours(current) if seen[m.interactions].finite
        ]
        if progress is not None:
            progress(min(0.95, steps / (steps + 5)))
        if not options:
            break
        best_fit, best_model = min(options, key=lambda fm: fm[0].criterion(criterion))
        if best_fit.criterion(criterion) >= cur_fit.criterion(criterion) - 1e-9:
            break
        current, cur_fit = best_model, best_fit
    if progress is not None:
        progress(1.0)
    return list(seen.values())
