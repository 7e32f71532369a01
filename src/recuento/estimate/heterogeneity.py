"""The standard closed-population models with heterogeneous capture (Rcapture's closedp.t).

Capture probabilities that vary from person to person make the lists look positively
dependent and make the independence model (Mt) under-estimate. Rivest & Baillargeon's
log-linear versions of the classical models add columns that depend only on ``f``, the
number of lists that recorded a cell's people (Baillargeon & Rivest 2007, JSS 19(5),
section 2; Rivest & Lévesque 2001):

========================  ===============================================================
model                     columns besides the intercept
========================  ===============================================================
M0                        ``f`` (one capture probability for every list and person)
Mt                        one main effect per list (independent lists)
Mh Chao (LB)              ``f``, ``(f - k + 1)+`` for k = 3..J, coefficients >= 0
Mh Poisson2               ``f``, ``2**f - 1``
Mh Darroch                ``f``, ``f**2 / 2``
Mh Gamma3.5               ``f``, ``-log(3.5 + f) + log(3.5)``
Mth Chao (LB), ...        the same heterogeneity columns with the list main effects
========================  ===============================================================

Every column is 0 on the unobserved cell (f = 0), so, as for the hierarchical models,
``N = n + exp(beta_0)``. Chao's lower bound requires the heterogeneity coefficients to be
non-negative (the log-frequencies of a mixture of binomials are convex in f, Chao 1987);
a negative one is set to 0 (its column removed) and the model refitted, until all are
non-negative. The degrees of freedom count only the columns kept.

Not implemented: Rcapture's behavioural models Mb and Mbh, which assume the capture
occasions come in time order (a first capture changes later capture probabilities);
lists of people are not ordered that way.

Validated against: R ``Rcapture::closedp.t`` 1.4-4 (tests/estimate).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from recuento.errors import EstimationError
from recuento.estimate.histories import CaptureHistories
from recuento.estimate.loglinear_fit import ModelFit, fit_design
from recuento.estimate.poisson import fit_poisson
from recuento.estimate.profile import UPPER_FACTOR, ProfileInterval, profile_interval

HeterogeneityColumns = Callable[[np.ndarray, int], np.ndarray]


def _captures(J: int) -> np.ndarray:
    cells = np.arange(1 << J)
    return ((cells[:, None] >> np.arange(J)) & 1).sum(axis=1).astype(np.float64)


def _chao(f: np.ndarray, J: int) -> np.ndarray:
    return np.stack([np.maximum(f - k + 1, 0.0) for k in range(3, J + 1)], axis=1).reshape(
        f.size, max(J - 2, 0)
    )


def _poisson2(f: np.ndarray, J: int) -> np.ndarray:
    return (2.0**f - 1.0)[:, None]


def _darroch(f: np.ndarray, J: int) -> np.ndarray:
    return (f**2 / 2.0)[:, None]


def _gamma35(f: np.ndarray, J: int) -> np.ndarray:
    return (-np.log(3.5 + f) + np.log(3.5))[:, None]


HETEROGENEITY: dict[str, HeterogeneityColumns] = {
    "Chao (LB)": _chao,
    "Poisson2": _poisson2,
    "Darroch": _darroch,
    "Gamma3.5": _gamma35,
}

STANDARD_MODELS = (
    "M0",
    "Mt",
    "Mh Chao (LB)",
    "Mh Poisson2",
    "Mh Darroch",
    "Mh Gamma3.5",
    "Mth Chao (LB)",
    "Mth Poisson2",
    "Mth Darroch",
    "Mth Gamma3.5",
)

DESCRIPTIONS = {
    "M0": "same capture probability for every list and person",
    "Mt": "independent lists, same probability for everyone on a list",
    "Mh": "independent of the list, varying from person to person",
    "Mth": "list effects plus person-to-person variation",
}


def standard_design(name: str, J: int) -> tuple[np.ndarray, int]:
    """The design of a standard model on all 2^J cells (row 0 = unobserved cell).

    Returns:
        ``(X_full, k)``: the design and how many of its last columns are heterogeneity
        columns.

    Raises:
        EstimationError: an unknown model name.
    """
    if name not in STANDARD_MODELS:
        raise EstimationError(
            f"unknown model {name!r}; the standard models are {', '.join(STANDARD_MODELS)}"
        )
    f = _captures(J)
    cells = np.arange(1 << J)
    ones = np.ones((cells.size, 1))
    mains = ((cells[:, None] >> np.arange(J)) & 1).astype(np.float64)
    kind, _, het = name.partition(" ")
    base = np.hstack([ones, f[:, None]]) if kind in ("M0", "Mh") else np.hstack([ones, mains])
    if not het:
        return base, 0
    extra = HETEROGENEITY[het](f, J)
    return np.hstack([base, extra]), extra.shape[1]


def fit_standard(h: CaptureHistories, name: str) -> ModelFit:
    """Fit one of :data:`STANDARD_MODELS` to a table."""
    J = h.n_lists
    X_full, k = standard_design(name, J)
    kind = name.partition(" ")[0]
    description = DESCRIPTIONS[kind]
    if not name.endswith("Chao (LB)") or k == 0:
        return fit_design(h, X_full, name, description)
    keep = list(range(X_full.shape[1]))
    while True:
        fit = fit_design(h, X_full[:, keep], name, description)
        n_base = X_full.shape[1] - k
        het_pos = [i for i, col in enumerate(keep) if col >= n_base]
        if not het_pos or not fit.finite:
            return fit
        coef = fit.beta[het_pos]
        if fit.status != "ok":
            # at the boundary the coefficient of a column that goes to minus infinity is
            # not determined by the facial-set fit: take its sign from plain iterations
            raw = fit_poisson(fit.columns[1:], h.cell_counts()[1:])
            coef = raw.beta[het_pos]
        if np.all(coef >= 0):
            return fit
        drop = {keep[het_pos[i]] for i in np.flatnonzero(coef < 0)}
        keep = [c for c in keep if c not in drop]


def fit_all_standard(h: CaptureHistories) -> list[ModelFit]:
    """Fit every standard model (in :data:`STANDARD_MODELS` order)."""
    return [fit_standard(h, name) for name in STANDARD_MODELS]


def profile_standard(
    h: CaptureHistories, fit: ModelFit, *, level: float = 0.95, upper_factor: float = UPPER_FACTOR
) -> ProfileInterval:
    """Profile-likelihood interval of a fitted standard model.

    For Chao's bound the non-negativity of the heterogeneity coefficients is imposed
    afresh at every N of the profile (as Rcapture's ``closedpCI.t`` does).
    """
    y = h.cell_counts()[1:]
    if fit.name.endswith("Chao (LB)"):
        X_full, k = standard_design(fit.name, h.n_lists)
        return profile_interval(
            X_full, y, fit.beta, level=level, upper_factor=upper_factor, nonnegative=k
        )
    return profile_interval(fit.columns, y, fit.beta, level=level, upper_factor=upper_factor)
