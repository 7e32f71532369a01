"""The goodness-of-fit check of LCMCR estimates: the two-class latent-class model's G²."""

from __future__ import annotations

import importlib.util
import itertools
import math

import numpy as np
import pytest
from scipy.stats import chi2

from recuento.estimate import CaptureHistories, LCMCRSettings, estimate, format_table
from recuento.estimate.fit_check import (
    degrees_of_freedom,
    fit_latent_classes,
    fit_warning,
    g2_statistic,
    latent_class_fit_check,
)

needs_lcmcr = pytest.mark.skipif(
    importlib.util.find_spec("recuento.estimate.lcmcr") is None,
    reason="recuento.estimate.lcmcr (the LCMCR sampler) is not importable",
)
FAST_LCMCR = LCMCRSettings(K=2, chains=2, burnin=200, samples=100, thin=2, target_ess=None)
PI = np.array([0.6, 0.4])
LAM = np.array([[0.2, 0.3, 0.1, 0.25], [0.7, 0.6, 0.8, 0.5]])


def observed_patterns(J: int) -> np.ndarray:
    """Every pattern but the all-zero one."""
    return np.array([p for p in itertools.product((0, 1), repeat=J) if any(p)])


def two_class_probability(x: np.ndarray, pi: np.ndarray, lam: np.ndarray) -> float:
    """P(x) = sum_k pi_k prod_j lam_kj^x_j (1 - lam_kj)^(1 - x_j), written out."""
    return sum(
        pi[k] * math.prod(lam[k, j] if x[j] else 1 - lam[k, j] for j in range(len(x)))
        for k in range(len(pi))
    )


def two_class_table(n_total: float) -> tuple[np.ndarray, np.ndarray]:
    """The expected observed counts of n_total people drawn from PI, LAM (non-integer)."""
    x = observed_patterns(4)
    return x, np.array([n_total * two_class_probability(p, PI, LAM) for p in x])


def dependent_table(n_total: float) -> tuple[np.ndarray, np.ndarray]:
    """A, B, C independent within the two classes of PI, LAM; D copies B: people on B are
    on D with probability 0.8, others with 0.05 (in both classes)."""
    x = observed_patterns(4)
    counts = []
    for p in x:
        abc = two_class_probability_abc(p[:3])
        d_given_b = 0.8 if p[1] else 0.05
        counts.append(n_total * abc * (d_given_b if p[3] else 1 - d_given_b))
    return x, np.array(counts)


def two_class_probability_abc(x: np.ndarray) -> float:
    return two_class_probability(x, PI, LAM[:, :3])


def test_degrees_of_freedom_are_cells_minus_one_minus_2J_plus_1() -> None:
    # 4 lists: 15 observed cells - 1 total - 9 parameters (1 share + 2 x 4 probabilities).
    assert degrees_of_freedom(4) == 15 - 1 - 9 == 5
    assert degrees_of_freedom(5) == 31 - 1 - 11 == 19
    assert degrees_of_freedom(3) == 7 - 1 - 7 == -1


def test_a_table_drawn_exactly_from_two_classes_has_g2_near_zero_and_no_warning() -> None:
    x, y = two_class_table(10_000)
    check = latent_class_fit_check(x, y)
    assert check.checked and check.df == 5
    assert check.g2 is not None and check.g2 < 1e-6
    assert check.p_value is not None and check.p_value > 0.999
    assert not check.rejects and fit_warning(check) is None
    # ... and the EM recovers the population and the parameters the table came from.
    fit = fit_latent_classes(x, y)
    assert fit.estimate == pytest.approx(10_000, rel=1e-4)
    order = np.argsort(fit.pi)[::-1]
    np.testing.assert_allclose(fit.pi[order], PI, atol=1e-4)
    np.testing.assert_allclose(fit.lam[order], LAM, atol=1e-4)


def test_one_list_feeding_another_makes_the_check_warn() -> None:
    x, y = dependent_table(3000)
    check = latent_class_fit_check(x, y)
    assert check.checked and check.rejects
    assert check.p_value is not None and check.p_value < 1e-6
    warning = fit_warning(check)
    assert warning is not None
    assert warning.startswith("the latent-class model does not fit these lists")
    assert "p < 0.001" in warning and "depend on one another" in warning
    assert "too low" in warning and "too narrow" in warning
    assert "pueden depender unas de otras" in warning.es and "demasiado baja" in warning.es


def test_three_lists_are_not_checked_and_give_no_warning() -> None:
    x = observed_patterns(3)
    y = np.array([50.0, 40, 10, 30, 8, 20, 40])  # strongly dependent, still not checked
    check = latent_class_fit_check(x, y)
    assert not check.checked and check.df == -1
    assert check.p_value is None and not check.rejects
    assert fit_warning(check) is None


def test_a_sparse_table_is_not_checked() -> None:
    # About 40 people seen, 15 cells: fewer than 80% of them can have a fitted count of 5.
    x, y = dependent_table(60)
    check = latent_class_fit_check(x, np.round(y))
    assert not check.checked and fit_warning(check) is None


def test_g2_by_hand_and_p_value_is_the_chi_square_tail_on_5_df() -> None:
    # By hand: 2 (10 ln(10/15) + 20 ln(20/15)) = 2 (-4.05465 + 5.75364) = 3.39798.
    assert g2_statistic(np.array([10.0, 20.0]), np.array([15.0, 15.0])) == pytest.approx(
        3.39798, abs=1e-5
    )
    x, y = dependent_table(1500)
    y = np.round(y)
    check = latent_class_fit_check(x, y)
    fit = fit_latent_classes(x, y)
    assert fit.fitted.sum() == pytest.approx(y.sum())
    by_hand = 2 * float(np.sum(y * np.log(y / fit.fitted)))
    assert check.g2 == pytest.approx(by_hand, rel=1e-9)
    assert check.p_value == pytest.approx(chi2.sf(by_hand, 5), rel=1e-9)


def test_the_maximum_likelihood_fit_is_at_least_as_good_as_the_generating_parameters() -> None:
    x, y = dependent_table(2000)
    y = np.round(y)
    fit = fit_latent_classes(x, y)
    lam = np.vstack([LAM[:, :3].T, [0.3, 0.3]]).T  # a two-class model near the truth
    probs = np.array([two_class_probability(p, PI, lam) for p in x])
    at_truth = float(np.sum(y * np.log(probs / probs.sum())))
    assert fit.loglik >= at_truth - 1e-9


@needs_lcmcr
def test_an_lcmcr_estimate_on_lists_feeding_one_another_warns_in_english_and_spanish() -> None:
    x, y = dependent_table(3000)
    h = CaptureHistories.from_patterns(["A", "B", "C", "D"], x, np.round(y).astype(int))
    result = estimate(h, method="lcmcr", seed=3, lcmcr=FAST_LCMCR)
    d = result.to_dict()
    assert any(w.startswith("the latent-class model does not fit") for w in d["warnings"])
    assert d["diagnostics"]["fit_check"]["rejects"] is True
    assert d["diagnostics"]["fit_check"]["df"] == 5
    es = format_table(result, lang="es")
    assert "el modelo de clases latentes no se ajusta a estas listas" in es
    assert "does not fit" not in es


@needs_lcmcr
def test_an_lcmcr_estimate_on_a_two_class_table_does_not_warn() -> None:
    x, y = two_class_table(3000)
    h = CaptureHistories.from_patterns(["A", "B", "C", "D"], x, np.round(y).astype(int))
    result = estimate(h, method="lcmcr", seed=3, lcmcr=FAST_LCMCR)
    assert not any("latent-class model does not fit" in w for w in result.warnings)
    assert result.diagnostics["fit_check"]["checked"] is True
    assert result.diagnostics["fit_check"]["rejects"] is False
