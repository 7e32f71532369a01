"""Does a latent-class model fit the observed capture histories? A G² goodness-of-fit test.

LCMCR (and every latent-class capture-recapture model) assumes that, within a latent
class, the lists record people independently of one another. When one list feeds another
(families who report to an NGO, a prosecutor's office that copies the press), the overlap
between those two lists is larger than any mixture of independent lists produces; LCMCR
then takes the extra overlap for good coverage and its estimate is too low, with an
interval too narrow (on the simulated ``juarez`` scenario, where families report to the
NGO, LCMCR underestimates by about 12% and its 95% interval covers the truth in 0.70 of
the replicates: benchmarks/estimate/bench_true_histories.py).

The check, :func:`latent_class_fit_check`:

* fits the two-class latent-class model (class shares ``pi``, capture probabilities
  ``lambda[k, j]`` of list *j* in class *k*) by maximum likelihood **conditional on being
  observed**: the multinomial likelihood of the ``2**J - 1`` observed cells with
  probabilities ``p(x) / (1 - p(0))``. This is also the profile likelihood of the Poisson
  model with *N* free (Sanathanan 1972), so the EM algorithm used here fills the
  unobserved cell with ``n p(0) / (1 - p(0))`` at every step (Dempster, Laird & Rubin 1977;
  latent-class EM as in Goodman 1974), from several deterministic random starts (the
  latent-class likelihood has local maxima), keeping the best;
* compares it with the saturated model of the observed cells by the likelihood-ratio
  statistic ``G² = 2 sum y log(y / fitted)``, which is asymptotically chi-square with
  ``df = (2**J - 1) - 1 - (2J + 1) = 2**J - 2J - 3`` degrees of freedom (cells, minus the
  total, minus the free parameters): 5 with four lists, 19 with five;
* is not done (no p-value, no warning) when ``df <= 0`` (three lists or fewer: the
  two-class model has as many parameters as the table has cells, or more), or when the
  table is too sparse for the chi-square approximation: fewer than 80% of the
  ``2**J - 1`` cells with a fitted count of at least 5 (Cochran 1954's rule; with many
  lists and few people most cells are empty).

Why two classes: it is the richest latent-class model that can be tested with four lists
(three classes have 14 free parameters for 14 free cells). With five or more lists a
table could be fitted by three classes and not by two; the warning therefore says that
*the two-class model* does not fit, and that lists *may* depend on one another.

Measured (``bench_true_histories.py --check-only --reps 200``, seeds 1000-1199, 1,500
people): on ``juarez`` it warns in 0.84 of the replicates with the families-to-NGO
dependence and in 0.08 without it (``classes-only``: exactly two classes; the chi-square
approximation is slightly liberal at about 1,000 people seen); in 0.05 with continuous
(Rasch) heterogeneity over four lists, 0.01 with independent lists, 0.12 with three
latent classes over five lists (``hrdag_sim4``: heterogeneity richer than two classes,
which the warning mentions). It also rejects the Kosovo table (G² = 71.9 on 5 df), whose
log-linear model chosen by BIC, [123,14,34], has direct interactions between lists.

Cheap: the EM works on the observed patterns only; the fitted counts of all ``2**J - 1``
cells (for Cochran's rule) are computed once, and only when there are at least 4 people
per cell. A table of four lists takes 40-70 ms (``juarez``), up to 0.5 s when the EM
converges slowly towards a boundary (independent lists: one class is enough).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2

from recuento.estimate.messages import Text

ALPHA = 0.05
"""Warn when the p-value is below this."""
MIN_EXPECTED = 5.0
"""Cochran's rule: a cell is large enough when its fitted count is at least this ..."""
MIN_SHARE_LARGE = 0.8
"""... and the chi-square approximation is used when this share of the cells is."""
CLASSES = 2
STARTS = 10
MAX_ITER = 5000
TOL = 1e-10


@dataclass(frozen=True)
class FitCheck:
    """The result of :func:`latent_class_fit_check`.

    Attributes:
        checked: whether the test was done (False: ``reason`` says why not).
        reason: what was tested, or why nothing was.
        classes: latent classes of the model tested.
        df: degrees of freedom, ``2**J - 2J - 3`` for two classes (may be <= 0).
        g2: the likelihood-ratio statistic against the saturated model of the observed
            cells (None when not checked).
        p_value: the chi-square tail probability of ``g2`` (None when not checked).
        alpha: the level below which :attr:`rejects` is True.
    """

    checked: bool
    reason: str
    classes: int
    df: int
    g2: float | None = None
    p_value: float | None = None
    alpha: float = ALPHA

    @property
    def rejects(self) -> bool:
        """Whether the model is rejected (checked and ``p_value < alpha``)."""
        return self.checked and self.p_value is not None and self.p_value < self.alpha

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the ``fit_check`` entry of an LCMCR estimate's diagnostics)."""
        return {
            "test": f"G2 of the {self.classes}-class latent-class model (maximum likelihood "
            "conditional on being observed) against the saturated model of the observed cells",
            "checked": self.checked,
            "reason": self.reason,
            "df": self.df,
            "g2": None if self.g2 is None else round(self.g2, 4),
            "p_value": None if self.p_value is None else float(self.p_value),
            "alpha": self.alpha,
            "rejects": self.rejects,
        }


@dataclass(frozen=True)
class LatentClassFit:
    """A latent-class model fitted to observed capture histories by conditional ML.

    Attributes:
        pi: ``(C,)`` class shares in the whole population (observed or not).
        lam: ``(C, J)`` capture probability of each list in each class.
        loglik: conditional log-likelihood of the observed patterns (multinomial kernel).
        fitted: ``(m,)`` fitted counts of the observed patterns given (sum = n).
        p0: probability of the unobserved pattern.
    """

    pi: np.ndarray
    lam: np.ndarray
    loglik: float
    fitted: np.ndarray
    p0: float

    @property
    def estimate(self) -> float:
        """The maximum-likelihood population size ``n / (1 - p0)``."""
        return float(self.fitted.sum() / (1.0 - self.p0))


def degrees_of_freedom(n_lists: int, classes: int = CLASSES) -> int:
    """``(2**J - 1) - 1 - (C (J + 1) - 1)``: observed cells minus the total minus parameters."""
    return (1 << n_lists) - 2 - (classes * (n_lists + 1) - 1)


def _log_cells(
    x: np.ndarray, log_pi: np.ndarray, log_lam: np.ndarray, log_1m: np.ndarray
) -> np.ndarray:
    """Per start s, pattern c and class k: log P(pattern c, class k)."""
    return (
        log_pi[:, None, :]
        + np.einsum("skj,cj->sck", log_lam, x)
        + np.einsum("skj,cj->sck", log_1m, 1.0 - x)
    )


def fit_latent_classes(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = CLASSES,
    starts: int = STARTS,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
    seed: int = 0,
) -> LatentClassFit:
    """Maximum-likelihood latent-class model of observed capture histories (EM).

    The likelihood is that of the observed patterns conditional on being observed; the EM
    fills the unobserved cell with its expected count ``n p0 / (1 - p0)`` at each step.
    ``starts`` random starts (from ``seed``: the same table always gives the same fit) run
    together until no log-likelihood changes by more than ``tol``; the best is returned.

    Args:
        patterns: ``(m, J)`` 0/1 observed patterns (none all-zero).
        counts: ``(m,)`` their counts (may be non-integer).
    """
    x = np.asarray(patterns, dtype=np.float64)
    y = np.asarray(counts, dtype=np.float64)
    n = float(y.sum())
    J = x.shape[1]
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.05, 0.9, (starts, classes, J))
    pi = rng.dirichlet(np.ones(classes), starts)
    previous = np.full(starts, -np.inf)
    zero = np.zeros((1, J))
    for _ in range(max_iter):
        log_lam, log_1m = np.log(lam), np.log1p(-lam)
        log_pi = np.log(pi)
        joint = _log_cells(x, log_pi, log_lam, log_1m)  # (s, m, k)
        joint0 = _log_cells(zero, log_pi, log_lam, log_1m)[:, 0, :]  # (s, k)
        top = joint.max(-1, keepdims=True)
        resp = np.exp(joint - top)
        total = resp.sum(-1, keepdims=True)
        resp /= total
        log_cell = (top + np.log(total))[..., 0]  # (s, m)
        p0_k = np.exp(joint0)
        p0 = np.minimum(p0_k.sum(-1), 1.0 - 1e-12)
        loglik = (y * log_cell).sum(-1) - n * np.log1p(-p0)
        if np.all(np.abs(loglik - previous) <= tol * (1.0 + np.abs(loglik))):
            break
        previous = loglik
        filled0 = n * p0 / (1.0 - p0)
        w = y[None, :, None] * resp  # (s, m, k)
        w0 = filled0[:, None] * p0_k / p0[:, None]  # (s, k)
        size = w.sum(1) + w0
        pi = np.clip(size / size.sum(-1, keepdims=True), 1e-12, 1.0)
        lam = np.einsum("smk,mj->skj", w, x) / np.clip(size[..., None], 1e-300, None)
        lam = np.clip(lam, 1e-9, 1.0 - 1e-9)
    best = int(np.argmax(loglik))
    fitted = n * np.exp(log_cell[best]) / (1.0 - p0[best])
    return LatentClassFit(
        pi=pi[best], lam=lam[best], loglik=float(loglik[best]), fitted=fitted, p0=float(p0[best])
    )


def g2_statistic(counts: np.ndarray, fitted: np.ndarray) -> float:
    """``2 sum y log(y / fitted)`` over the observed cells (empty cells add 0)."""
    y = np.asarray(counts, dtype=np.float64)
    mu = np.asarray(fitted, dtype=np.float64)
    seen = y > 0
    return max(0.0, 2.0 * float(np.sum(y[seen] * np.log(y[seen] / mu[seen]))))


def latent_class_fit_check(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = CLASSES,
    alpha: float = ALPHA,
) -> FitCheck:
    """Test whether the two-class latent-class model fits the observed capture histories.

    See the module docstring: conditional maximum likelihood by EM, ``G²`` against the
    saturated model of the ``2**J - 1`` observed cells, chi-square p-value with
    ``2**J - 2J - 3`` degrees of freedom. Not done when ``df <= 0`` (three lists or fewer)
    or when fewer than 80% of the cells have a fitted count of at least 5.

    Args:
        patterns: ``(m, J)`` 0/1 observed patterns (distinct, none all-zero).
        counts: ``(m,)`` their counts.
        classes: latent classes of the model tested.
        alpha: the level of the test.

    Returns:
        A :class:`FitCheck`; ``rejects`` says whether to warn.
    """
    x = np.asarray(patterns)
    y = np.asarray(counts, dtype=np.float64)
    J = x.shape[1]
    df = degrees_of_freedom(J, classes)
    if df <= 0:
        return FitCheck(
            False,
            f"with {J} lists the {classes}-class model leaves no degrees of freedom to test "
            f"(df = {df})",
            classes,
            df,
            alpha=alpha,
        )
    cells = (1 << J) - 1
    n = float(y.sum())
    # The fitted counts add up to n: n < 5 x 80% of the cells cannot pass Cochran's rule.
    if n < MIN_EXPECTED * MIN_SHARE_LARGE * cells:
        return FitCheck(
            False,
            f"too few people ({n:.0f}) for {cells} cells: the chi-square approximation fails",
            classes,
            df,
            alpha=alpha,
        )
    fit = fit_latent_classes(x, y, classes=classes)
    # Fitted counts of all 2**J - 1 cells (those nobody has too), for Cochran's rule.
    all_x = ((np.arange(1, cells + 1)[:, None] >> np.arange(J)) & 1).astype(np.float64)
    probs = np.exp(
        np.log(fit.pi)[None, :] + all_x @ np.log(fit.lam).T + (1.0 - all_x) @ np.log1p(-fit.lam).T
    ).sum(-1)
    large = int(np.sum(n * probs / (1.0 - fit.p0) >= MIN_EXPECTED))
    if large < MIN_SHARE_LARGE * cells:
        return FitCheck(
            False,
            f"only {large} of {cells} cells have a fitted count of {MIN_EXPECTED:g} or more: "
            "the chi-square approximation fails",
            classes,
            df,
            alpha=alpha,
        )
    g2 = g2_statistic(y, fit.fitted)
    return FitCheck(
        True,
        f"{classes}-class latent-class model, {J} lists",
        classes,
        df,
        g2=g2,
        p_value=float(chi2.sf(g2, df)),
        alpha=alpha,
    )


def _p_text(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def fit_warning(check: FitCheck) -> Text | None:
    """The warning (English and Spanish) when the check rejects the model, else None."""
    if not check.rejects or check.p_value is None or check.g2 is None:
        return None
    p = _p_text(check.p_value)
    g2 = f"{check.g2:.1f}"
    return Text(
        f"the latent-class model does not fit these lists (two-class model: G² = {g2} on "
        f"{check.df} degrees of freedom, {p}): some lists may depend on one another (one "
        "feeding another, e.g. families who report to an organisation that also keeps a "
        "list), which LCMCR does not represent; the estimate is then likely too low and "
        "its interval too narrow. (Heterogeneity richer than two classes can also cause "
        "this; compare with a log-linear estimate.)",
        "el modelo de clases latentes no se ajusta a estas listas (modelo de dos clases: "
        f"G² = {g2.replace('.', ',')} con {check.df} grados de libertad, "
        f"{p.replace('.', ',')}): algunas listas pueden depender unas de otras (una "
        "alimenta a otra, p. ej. familias que denuncian ante una organización que también "
        "lleva una lista), algo que LCMCR no representa; la estimación es entonces "
        "probablemente demasiado baja y su intervalo demasiado estrecho. (Una "
        "heterogeneidad más rica que dos clases también puede causarlo; compare con una "
        "estimación log-lineal.)",
    )
