"""Evaluation scores, derived by hand on small clusterings."""

from __future__ import annotations

import pytest

from recuento.link.evaluate import evaluate


def test_scores_of_a_small_clustering_match_the_hand_derivation() -> None:
    # Truth: A = {1, 2, 3}, B = {4, 5}. Predicted: {1, 2}, {3, 4, 5}.
    # True pairs: C(3,2) + C(2,2) = 4. Predicted pairs: 1 + 3 = 4. Common: (1,2), (4,5) = 2.
    # Pairwise precision = recall = 2/4.
    # B-cubed precision: records 1,2: 2/2 each; 3: 1/3; 4,5: 2/3 each -> (1+1+1/3+2/3+2/3)/5
    # = (11/3)/5 = 11/15. Recall: 1,2: 2/3 each; 3: 1/3; 4,5: 2/2 each -> (2/3+2/3+1/3+1+1)/5
    # = (11/3)/5 = 11/15. Count: 2 found, 2 true, error 0%.
    result = evaluate(["x", "x", "y", "y", "y"], ["A", "A", "A", "B", "B"])
    assert result.pairwise_precision == pytest.approx(0.5)
    assert result.pairwise_recall == pytest.approx(0.5)
    assert result.bcubed_precision == pytest.approx(11 / 15)
    assert result.bcubed_recall == pytest.approx(11 / 15)
    assert (result.persons_found, result.persons_true) == (2, 2)
    assert result.count_error_percent == 0.0


def test_singletons_over_count_and_the_error_says_so() -> None:
    # Every record alone: 4 persons found for 2 true -> +100%; no predicted pairs, so
    # pairwise precision is 1 by convention and recall 0.
    result = evaluate([1, 2, 3, 4], ["A", "A", "B", "B"])
    assert result.count_error_percent == pytest.approx(100.0)
    assert result.pairwise_recall == 0.0
    assert result.pairwise_precision == 1.0


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="same length"):
        evaluate([1], [1, 2])
