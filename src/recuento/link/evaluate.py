"""How good a linkage is, against known truth: pairs, clusters and the count.

Pairwise F1 alone hides what matters for counting: heavily corrupted records become
singletons, and a linkage with a respectable F1 can over-count people by half. So every
evaluation reports the number of persons found against the true number, and the error in
percent, beside pairwise and B-cubed scores.

All scores come from the contingency table of (predicted person, true person), so they
cost O(records), not O(pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Evaluation:
    """Scores of a clustering against the truth (records present in both)."""

    records: int
    persons_found: int
    persons_true: int
    count_error_percent: float
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _codes(values: Sequence[object]) -> np.ndarray:
    index: dict[object, int] = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, len(values))


def evaluate(predicted: Sequence[object], truth: Sequence[object]) -> Evaluation:
    """Compare predicted person labels with true ones, record by record.

    Args:
        predicted: the predicted person of each record.
        truth: the true person of the same records, in the same order.

    Notes:
        With n_ij records in predicted cluster i and true person j, a_i and b_j the
        cluster and person sizes: true-positive pairs = sum C(n_ij, 2), predicted pairs =
        sum C(a_i, 2), true pairs = sum C(b_j, 2); B-cubed precision = sum n_ij^2 / a_i / N
        and recall = sum n_ij^2 / b_j / N (Bagga & Baldwin 1998).
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must have the same length")
    n = len(predicted)
    if n == 0:
        return Evaluation(0, 0, 0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    p = _codes(predicted)
    t = _codes(truth)
    joint = p * (t.max() + 1) + t
    cells, n_ij = np.unique(joint, return_counts=True)
    cell_p = cells // (t.max() + 1)
    cell_t = cells % (t.max() + 1)
    a = np.bincount(p)
    b = np.bincount(t)
    tp = float((n_ij * (n_ij - 1) / 2).sum())
    predicted_pairs = float((a * (a - 1) / 2).sum())
    true_pairs = float((b * (b - 1) / 2).sum())
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    b3_precision = float((n_ij**2 / a[cell_p]).sum() / n)
    b3_recall = float((n_ij**2 / b[cell_t]).sum() / n)
    found, real = len(a), len(b)
    return Evaluation(
        records=n,
        persons_found=found,
        persons_true=real,
        count_error_percent=100.0 * (found - real) / real,
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=_f1(precision, recall),
        bcubed_precision=b3_precision,
        bcubed_recall=b3_recall,
        bcubed_f1=_f1(b3_precision, b3_recall),
    )
