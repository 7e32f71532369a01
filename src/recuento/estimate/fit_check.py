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

Lists named as dependent (``groups``, as LCMCR's ``dependent``): the model tested lets each
group's lists depend on one another within a class (a free distribution over the group's
patterns), with ``2**|g| - 1 - |g|`` fewer degrees of freedom per class for a group ``g``.
When plain LCMCR's check rejects, :func:`pairs_that_fit` tries every pair of lists as such
a group, and the warning names the pairs that make the model fit.

Cheap: the EM works on the observed patterns only; the fitted counts of all ``2**J - 1``
cells (for Cochran's rule) are computed once, and only when there are at least 4 people
per cell. A table of four lists takes about 85 ms (``juarez``; 55 ms before the EM took
groups of lists, on the same machine), up to 0.5 s when the EM converges slowly towards a
boundary (independent lists: one class is enough).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2

from recuento.estimate._lcmcr_kernel import block_variables, encode_blocks
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
        lam: ``(C, J)`` capture probability of each list in each class (lists in a
            dependent group: the probability of being on that list, from the group's
            distribution).
        loglik: conditional log-likelihood of the observed patterns (multinomial kernel).
        fitted: ``(m,)`` fitted counts of the observed patterns given (sum = n).
        p0: probability of the unobserved pattern.
        theta: per variable (a list, or a group of dependent lists: see
            :func:`recuento.estimate._lcmcr_kernel.encode_blocks`), ``(C, L)`` the
            probability of each of its levels in each class.
    """

    pi: np.ndarray
    lam: np.ndarray
    loglik: float
    fitted: np.ndarray
    p0: float
    theta: tuple[np.ndarray, ...] = ()

    @property
    def estimate(self) -> float:
        """The maximum-likelihood population size ``n / (1 - p0)``."""
        return float(self.fitted.sum() / (1.0 - self.p0))


def degrees_of_freedom(
    n_lists: int, classes: int = CLASSES, groups: Sequence[Sequence[int]] = ()
) -> int:
    """Observed cells minus the total minus parameters: ``(2**J - 1) - 1 - (C (P + 1) - 1)``
    with ``P`` free level probabilities per class: ``J`` for independent lists, and
    ``2**|g| - 1`` instead of ``|g|`` for each group ``g`` of dependent lists."""
    free = n_lists + sum((1 << len(g)) - 1 - len(g) for g in groups)
    return (1 << n_lists) - 2 - (classes * (free + 1) - 1)


def _log_cells(codes: np.ndarray, log_pi: np.ndarray, log_theta: list[np.ndarray]) -> np.ndarray:
    """Per start s, pattern c and class k: log P(pattern c, class k).

    ``codes`` (m, V) are the patterns' levels; ``log_theta[v]`` is (s, k, L_v)."""
    out = log_pi[:, None, :]
    for v, lt in enumerate(log_theta):
        out = out + np.moveaxis(lt[:, :, codes[:, v]], 2, 1)
    return out


def fit_latent_classes(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = CLASSES,
    starts: int = STARTS,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
    seed: int = 0,
    groups: Sequence[Sequence[int]] = (),
) -> LatentClassFit:
    """Maximum-likelihood latent-class model of observed capture histories (EM).

    The likelihood is that of the observed patterns conditional on being observed; the EM
    fills the unobserved cell with its expected count ``n p0 / (1 - p0)`` at each step.
    ``starts`` random starts (from ``seed``: the same table always gives the same fit) run
    together until no log-likelihood changes by more than ``tol``; the best is returned.

    Args:
        patterns: ``(m, J)`` 0/1 observed patterns (none all-zero).
        counts: ``(m,)`` their counts (may be non-integer).
        groups: groups of dependent list columns (``fit_lcmcr(dependent=...)``): within a
            class each group has a free distribution over its ``2**|g|`` patterns.
    """
    x = np.asarray(patterns).astype(np.int64)
    y = np.asarray(counts, dtype=np.float64)
    n = float(y.sum())
    J = x.shape[1]
    codes, levels = encode_blocks(x, groups)
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.05, 0.9, (starts, classes, J))
    pi = rng.dirichlet(np.ones(classes), starts)
    # A list on its own starts from its lam; a group from a random distribution.
    theta = [
        np.stack([1.0 - lam[..., v[0]], lam[..., v[0]]], axis=-1)
        if len(v) == 1
        else rng.dirichlet(np.ones(1 << len(v)), (starts, classes))
        for v in block_variables(J, groups)
    ]
    one_hot = [np.eye(int(lv))[codes[:, v]] for v, lv in enumerate(levels)]  # (m, L_v)
    previous = np.full(starts, -np.inf)
    zero = np.zeros((1, codes.shape[1]), dtype=np.int64)
    for _ in range(max_iter):
        log_theta = [np.log(t) for t in theta]
        log_pi = np.log(pi)
        joint = _log_cells(codes, log_pi, log_theta)  # (s, m, k)
        joint0 = _log_cells(zero, log_pi, log_theta)[:, 0, :]  # (s, k)
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
        for v, oh in enumerate(one_hot):
            level_w = np.einsum("smk,ml->skl", w, oh)
            level_w[..., 0] += w0
            t = np.clip(level_w / np.clip(size[..., None], 1e-300, None), 1e-9, 1.0)
            theta[v] = t / t.sum(-1, keepdims=True)
    best = int(np.argmax(loglik))
    fitted = n * np.exp(log_cell[best]) / (1.0 - p0[best])
    best_theta = tuple(t[best] for t in theta)
    return LatentClassFit(
        pi=pi[best],
        lam=_list_probabilities(best_theta, x.shape[1], groups),
        loglik=float(loglik[best]),
        fitted=fitted,
        p0=float(p0[best]),
        theta=best_theta,
    )


def _list_probabilities(
    theta: tuple[np.ndarray, ...], n_lists: int, groups: Sequence[Sequence[int]]
) -> np.ndarray:
    """``(C, J)``: the probability of being on each list, in each class."""
    lam = np.zeros((theta[0].shape[0], n_lists))
    for t, members in zip(theta, block_variables(n_lists, groups), strict=True):
        for i, j in enumerate(members):
            on = ((np.arange(t.shape[1]) >> i) & 1).astype(bool)
            lam[:, j] = t[:, on].sum(-1)
    return lam


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
    groups: Sequence[Sequence[int]] = (),
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
        groups: groups of dependent list columns, as given to LCMCR (``dependent``): the
            model tested then lets each group's lists depend on one another within a
            class, and has fewer degrees of freedom (3 with four lists and one pair).

    Returns:
        A :class:`FitCheck`; ``rejects`` says whether to warn.
    """
    x = np.asarray(patterns)
    y = np.asarray(counts, dtype=np.float64)
    J = x.shape[1]
    df = degrees_of_freedom(J, classes, groups)
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
    fit = fit_latent_classes(x, y, classes=classes, groups=groups)
    # Fitted counts of all 2**J - 1 cells (those nobody has too), for Cochran's rule.
    all_codes, _ = encode_blocks((np.arange(1, cells + 1)[:, None] >> np.arange(J)) & 1, groups)
    log_theta = [np.log(t)[None] for t in fit.theta]
    probs = np.exp(_log_cells(all_codes, np.log(fit.pi)[None], log_theta)[0]).sum(-1)
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
    together = "; ".join("+".join(str(j + 1) for j in sorted(g)) for g in groups)
    return FitCheck(
        True,
        f"{classes}-class latent-class model, {J} lists"
        + (f", dependent within a class: lists {together}" if groups else ""),
        classes,
        df,
        g2=g2,
        p_value=float(chi2.sf(g2, df)),
        alpha=alpha,
    )


#: Pairs are tried (:func:`pairs_that_fit`) up to this many lists: 10 fits with five lists.
PAIRS_MAX_LISTS = 5


def pairs_that_fit(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = CLASSES,
    alpha: float = ALPHA,
) -> list[tuple[tuple[int, int], FitCheck]]:
    """The pairs of lists which, modelled as dependent, make the latent-class model fit.

    Each pair of columns is tried as a group (:func:`latent_class_fit_check` with
    ``groups=[pair]``); the pairs whose check is done and does not reject are returned,
    best fit (smallest G²) first. Nothing is tried with fewer than four lists (no degrees
    of freedom left) or more than :data:`PAIRS_MAX_LISTS` (the cost grows with the square
    of the lists). With four lists and two classes a pair and the other two lists make the
    same model, so they come in twos with the same G²: the data point at a split of the
    lists, and what is known of how the lists were made says which pair it is.
    """
    J = np.asarray(patterns).shape[1]
    if not 4 <= J <= PAIRS_MAX_LISTS:
        return []
    out = []
    for i in range(J):
        for j in range(i + 1, J):
            check = latent_class_fit_check(
                patterns, counts, classes=classes, alpha=alpha, groups=[(i, j)]
            )
            if check.checked and not check.rejects:
                out.append(((i, j), check))
    return sorted(out, key=lambda item: item[1].g2 or 0.0)


def p_value_text(p: float) -> str:
    """``p < 0.001`` or ``p = 0.012``, as the warnings write a p-value."""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def fit_warning(check: FitCheck, *, named: bool = False, pairs: Sequence[str] = ()) -> Text | None:
    """The warning (English and Spanish) when the check rejects the model, else None.

    ``named``: the model tested already lets the lists named as dependent depend on one
    another (the warning then says that other lists may). ``pairs``: pairs of lists (as
    ``"ong+familias"``) that would make the model fit (:func:`pairs_that_fit`), said at
    the end of the warning."""
    if not check.rejects or check.p_value is None or check.g2 is None:
        return None
    p = p_value_text(check.p_value)
    g2 = f"{check.g2:.1f}"
    if named:
        return Text(
            "the latent-class model does not fit these lists even with the lists named as "
            f"dependent (two-class model: G² = {g2} on {check.df} degrees of freedom, {p}): "
            "other lists may depend on one another, or heterogeneity may be richer than "
            "two classes; the estimate may then be too low and its interval too narrow.",
            "el modelo de clases latentes no se ajusta a estas listas ni siquiera con las "
            "listas indicadas como dependientes (modelo de dos clases: G² = "
            f"{g2.replace('.', ',')} con {check.df} grados de libertad, "
            f"{p.replace('.', ',')}): otras listas pueden depender unas de otras, o la "
            "heterogeneidad puede ser más rica que dos clases; la estimación puede entonces "
            "ser demasiado baja y su intervalo demasiado estrecho.",
        )
    hint_en = hint_es = ""
    if pairs:
        fits = " or ".join(pairs)
        hint_en = (
            f" The overlaps fit it when these lists are modelled as depending on one another: "
            f"{fits}. If one of them is known to feed the other, name it "
            "(recuento count --dependent A+B), or let the data choose (--dependent auto)."
        )
        hint_es = (
            " Las coincidencias se ajustan si se modelan como dependientes entre sí estas "
            f"listas: {' o '.join(pairs)}. Si se sabe que una alimenta a la otra, indíquelo "
            "(recuento count --dependent A+B), o deje que elijan los datos (--dependent auto)."
        )
    return Text(
        f"the latent-class model does not fit these lists (two-class model: G² = {g2} on "
        f"{check.df} degrees of freedom, {p}): some lists may depend on one another (one "
        "feeding another, e.g. families who report to an organisation that also keeps a "
        "list), which LCMCR represents only for lists named as dependent; the estimate is "
        "then likely too low and "
        "its interval too narrow. (Heterogeneity richer than two classes can also cause "
        "this; compare with a log-linear estimate.)" + hint_en,
        "el modelo de clases latentes no se ajusta a estas listas (modelo de dos clases: "
        f"G² = {g2.replace('.', ',')} con {check.df} grados de libertad, "
        f"{p.replace('.', ',')}): algunas listas pueden depender unas de otras (una "
        "alimenta a otra, p. ej. familias que denuncian ante una organización que también "
        "lleva una lista), algo que LCMCR solo representa para listas indicadas como "
        "dependientes; la estimación es entonces "
        "probablemente demasiado baja y su intervalo demasiado estrecho. (Una "
        "heterogeneidad más rica que dos clases también puede causarlo; compare con una "
        "estimación log-lineal.)" + hint_es,
    )
