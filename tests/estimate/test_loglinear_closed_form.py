"""Log-linear fits on small tables whose answer can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from recuento.estimate.loglinear_fit import fit_hierarchical
from recuento.estimate.loglinear_models import independence, parse_model_name
from recuento.estimate.poisson import facial_set, fit_poisson

from ._reference import table


def test_two_lists_independence_is_lincoln_petersen() -> None:
    # With 2 lists the independence model log mu = b0 + b1 x1 + b2 x2 has 3 parameters for
    # the 3 observed cells, so it fits them exactly: mu_10 = e^(b0+b1) = 60,
    # mu_01 = e^(b0+b2) = 30, mu_11 = e^(b0+b1+b2) = 20. The unobserved cell is
    # mu_00 = e^b0 = mu_10 * mu_01 / mu_11 = 60 * 30 / 20 = 90, so
    # N = n + 90 = 110 + 90 = 200 = n1 * n2 / m = 80 * 50 / 20 (Lincoln-Petersen).
    h = table(["A", "B"], {"10": 60, "01": 30, "11": 20})
    fit = fit_hierarchical(h, independence(2))
    assert fit.estimate == pytest.approx(200.0, rel=1e-10)
    assert fit.df == 0
    assert fit.deviance == pytest.approx(0.0, abs=1e-9)


def test_three_independent_lists_with_exact_expected_counts_give_the_true_n() -> None:
    # N = 1000 people, lists independent with capture probabilities 0.5, 0.4, 0.2. The
    # expected count of pattern x is N * prod_j p_j^x_j (1 - p_j)^(1 - x_j), e.g.
    # x = 100: 1000 * 0.5 * 0.6 * 0.8 = 240; x = 000 (unobserved): 0.5 * 0.6 * 0.8 * 1000
    # = 240 as well. Given these counts the independence model fits perfectly
    # (deviance 0) and its estimate is exactly N = 760 observed + 240 = 1000.
    p = np.array([0.5, 0.4, 0.2])
    cells = {}
    for mask in range(1, 8):
        x = [(mask >> (2 - j)) & 1 for j in range(3)]
        cells["".join(map(str, x))] = round(1000 * np.prod(np.where(x, p, 1 - p)))
    h = table(["A", "B", "C"], cells)
    assert h.n_observed == 760
    fit = fit_hierarchical(h, independence(3))
    assert fit.estimate == pytest.approx(1000.0, rel=1e-10)
    assert fit.deviance == pytest.approx(0.0, abs=1e-8)


def test_independence_estimate_solves_the_darroch_equation() -> None:
    # For independent lists the likelihood equations of the Poisson model are
    # n_j = N p_j (each list's size) and n = N (1 - prod_j (1 - p_j)) (the total), so
    # the estimate solves 1 - n / N = prod_j (1 - n_j / N) (Darroch 1958).
    h = table(
        ["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "110": 9, "101": 8, "011": 6, "111": 3}
    )
    fit = fit_hierarchical(h, independence(3))
    N = fit.estimate
    assert N is not None
    n = h.n_observed
    sizes = np.array(list(h.list_sizes().values()))
    assert 1 - n / N == pytest.approx(np.prod(1 - sizes / N), rel=1e-9)


def test_saturated_model_minus_top_interaction_reproduces_the_observed_cells() -> None:
    # [12,13,23] has 7 parameters for the 7 observed cells of 3 lists: a perfect fit.
    # With mu = y, the three-way term is 0, so the unobserved cell follows from the
    # identity (odds-ratio form) mu_000 = mu_100 mu_010 mu_001 mu_111 /
    # (mu_110 mu_101 mu_011) = 40 * 31 * 25 * 3 / (9 * 8 * 6) = 93,000 / 432.
    h = table(
        ["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "110": 9, "101": 8, "011": 6, "111": 3}
    )
    fit = fit_hierarchical(h, parse_model_name("[12,13,23]", 3))
    assert fit.df == 0
    assert fit.estimate == pytest.approx(h.n_observed + 93000 / 432, rel=1e-9)


def test_a_zero_margin_sends_the_interaction_to_the_boundary_not_to_nonsense() -> None:
    # Nobody is on both A and B: the A:B margin is 0, so the A:B coefficient has no
    # finite MLE (it goes to minus infinity). The unobserved cell does not involve A:B,
    # so N is still determined ("boundary").
    h = table(["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "101": 8, "011": 6})
    fit = fit_hierarchical(h, parse_model_name("[12,3]", 3))
    assert fit.status == "boundary"
    assert fit.finite
    # Treating A-and-B cells as impossible, {A only, B only, neither} is one variable
    # independent of C, a 3 x 2 table with one cell missing; independence gives
    # mu_000 = y_001 * (y_100 + y_010) / (y_101 + y_011) = 25 * 71 / 14.
    assert fit.estimate == pytest.approx(h.n_observed + 25 * 71 / 14, rel=1e-8)


def test_artificial_table_model_12_3_has_no_estimate() -> None:
    # Chan, Silverman & Vincent (2021) Table 2 (SparseMSE data Artificial_3): everyone on
    # C is on C alone, so under [12,3] (C independent of A, B) the pattern "not A, not B"
    # must carry all of C's probability and the unobserved cell grows without bound.
    h = table(
        ["A", "B", "C"], {"001": 20, "010": 30, "011": 0, "100": 40, "101": 0, "110": 6, "111": 0}
    )
    fit = fit_hierarchical(h, parse_model_name("[12,3]", 3))
    assert fit.status == "no_mle"
    assert fit.estimate is None
    assert not fit.finite


def test_facial_set_excludes_exactly_the_cells_forced_to_zero() -> None:
    # 2 lists + C, nobody on A and B together: under [12,3] cells 110 and 111 (masks 3
    # and 7) must be fitted 0; every other cell can be positive.
    h = table(["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "101": 8, "011": 6})
    model = parse_model_name("[12,3]", 3)
    fit = fit_hierarchical(h, model)
    y = h.cell_counts()[1:]
    face = facial_set(fit.columns[1:], y)
    assert [mask for mask, ok in zip(range(1, 8), face, strict=True) if not ok] == [3, 7]


def test_irls_matches_a_direct_newton_solution_on_a_tiny_regression() -> None:
    # log mu = b0 + b1 x on x = 0, 1 with counts 10, 30: saturated, so mu = y,
    # b0 = log 10, b1 = log 3.
    X = np.array([[1.0, 0.0], [1.0, 1.0]])
    fit = fit_poisson(X, np.array([10.0, 30.0]))
    assert fit.converged
    assert fit.beta == pytest.approx([np.log(10), np.log(3)], rel=1e-10)
