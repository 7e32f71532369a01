"""The matcher's finer levels between 0.60 and 0.90 (issue 8: recall at precision 0.99)."""

from __future__ import annotations

import numpy as np
import pytest

from recuento.pprl.encode import encode_table
from recuento.pprl.keys import PPRLError
from recuento.pprl.match import (
    DEFAULT_M,
    LEVELS,
    MATCH_LEVELS,
    build_model,
    levels_of,
    match_encodings,
    refine_m,
)

SECRET = b"test-secret-of-thirty-two-bytes!"


def test_fine_levels_by_hand() -> None:
    # A year-only birth date against the full date scores about 0.78-0.85: level 3
    # (0.775-0.80) or 2 (0.80-0.85), apart from random pairs (below 0.775).
    dice = np.array([[0.95, 0.86, 0.82, 0.78, 0.76, 0.72, 0.66, 0.61, 0.3, np.nan]])
    assert levels_of(dice, MATCH_LEVELS).tolist() == [[0, 1, 2, 3, 4, 5, 6, 7, 8, -1]]
    # The coarse levels are unchanged.
    assert levels_of(dice).tolist() == [[0, 1, 1, 2, 2, 2, 3, 3, 4, -1]]


def test_refine_m_splits_each_coarse_level_over_the_fine_ones_inside_it() -> None:
    # (0.8, 0.1, 0.04, 0.02, 0.04): 0.80-0.90 in halves; 0.70-0.80 as 1/4, 1/4, 1/2;
    # 0.60-0.70 in halves; top and bottom unchanged.
    fine = refine_m((0.8, 0.1, 0.04, 0.02, 0.04))
    assert fine == pytest.approx((0.8, 0.05, 0.05, 0.01, 0.01, 0.02, 0.01, 0.01, 0.04))
    assert sum(fine) == pytest.approx(1.0)
    assert all(sum(refine_m(m)) == pytest.approx(sum(m)) for m in DEFAULT_M.values())


@pytest.fixture(scope="module")
def encoded(uk_rolls):
    return (
        encode_table(uk_rolls.movement, SECRET, name="movement"),
        encode_table(uk_rolls.party, SECRET, name="party"),
    )


def test_default_model_uses_the_fine_levels_and_a_hand_given_m_the_coarse_ones(encoded) -> None:
    a, b = encoded
    assert build_model(a, b).levels == MATCH_LEVELS
    assert all(len(f.u) == len(MATCH_LEVELS) + 1 for f in build_model(a, b).fields.values())
    assert build_model(a, b, DEFAULT_M).levels == LEVELS
    assert match_encodings(a, b).model.to_dict()["levels"] == list(MATCH_LEVELS)


def test_m_of_the_wrong_length_is_refused(encoded) -> None:
    a, b = encoded
    with pytest.raises(PPRLError, match="m must have 9 values per field"):
        build_model(a, b, DEFAULT_M, levels=MATCH_LEVELS)
