"""Properties every log-linear estimate must have, whatever the table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.estimate import CaptureHistories, estimate, search_models
from recuento.estimate.loglinear_fit import fit_hierarchical
from recuento.estimate.loglinear_models import independence

from ._reference import load_histories

# 3-list tables with every observable cell between 1 and 400 people (no empty cells, so
# every model has a finite MLE).
tables3 = st.lists(st.integers(min_value=1, max_value=400), min_size=7, max_size=7)


def from_cells(counts: list[int], lists: list[str] | None = None) -> CaptureHistories:
    cells = np.array([0, *counts], dtype=np.float64)
    return CaptureHistories.from_cell_counts(lists or ["A", "B", "C"], cells)


@settings(max_examples=25, deadline=None)
@given(tables3)
def test_independence_estimate_scales_with_the_counts(counts: list[int]) -> None:
    # The Poisson likelihood equations X'mu = X'y are linear in y, so doubling every count
    # doubles every fitted value, the unobserved cell included: N(2y) = 2 N(y).
    one = fit_hierarchical(from_cells(counts), independence(3))
    two = fit_hierarchical(from_cells([2 * c for c in counts]), independence(3))
    assert one.estimate is not None and two.estimate is not None
    assert two.estimate == pytest.approx(2 * one.estimate, rel=1e-8)


@settings(max_examples=15, deadline=None)
@given(tables3)
def test_profile_interval_contains_the_estimate_and_starts_at_or_above_n(
    counts: list[int],
) -> None:
    h = from_cells(counts)
    result = estimate(h, method="loglinear")
    assert result.estimate is not None and result.lower is not None
    assert h.n_observed <= result.lower <= result.estimate
    assert result.upper is None or result.estimate <= result.upper


def test_relabelling_the_lists_changes_nothing_but_names() -> None:
    # Kosovo with its columns in reverse order: the same model (renumbered) and the same N.
    h = load_histories("kosovo")
    rev = CaptureHistories.from_patterns(h.lists[::-1], h.patterns[:, ::-1], h.counts)
    a, b = search_models(h).best, search_models(rev).best
    assert a is not None and b is not None
    assert a.estimate == pytest.approx(b.estimate, rel=1e-9)
    assert a.bic == pytest.approx(b.bic, rel=1e-12)
    # [123,14,34] with lists numbered 4..1 becomes [234,14,12]
    assert b.name == "[234,12,14]"
