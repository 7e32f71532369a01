"""Capture histories: how many people each combination of lists recorded.

A capture history (or pattern) says, for one person, which lists recorded them: a 0/1
vector with one entry per list. Multiple systems estimation works on the table of
patterns and their counts; the all-zero pattern (people no list recorded) is what it
estimates.

Two sources of histories are read here:

* a **persons file** (``source,id,person_id``, written by ``recuento link``): one row per
  accepted record; a person is on list *L* when at least one of their records comes from
  *L*;
* a **histories table** (``list1,...,listK,count``, optionally with a leading ``stratum``
  column), one row per observed pattern.

Inside recuento a table is also kept as a vector of cell counts indexed by bit mask: the
cell of a pattern ``x`` is ``sum(x[j] << j)`` (list *j* is bit *j*), cell 0 being the
unobserved all-zero pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate.messages import Text

MAX_LISTS = 20


class NotEstimableError(ProblemsError, EstimationError):
    """The capture histories cannot support any estimate (every reason listed)."""


@dataclass(frozen=True)
class CaptureHistories:
    """The observed capture-history table of one population (or one stratum).

    Attributes:
        lists: list names, in column order.
        patterns: ``(n_cells, J)`` 0/1 integer array of observed patterns (distinct, none
            all-zero), in lexicographic order with the first list most significant.
        counts: ``(n_cells,)`` number of people with each pattern (all > 0).
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray

    @property
    def n_lists(self) -> int:
        """Number of lists (J)."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of distinct people recorded by at least one list."""
        return int(self.counts.sum())

    def list_sizes(self) -> dict[str, int]:
        """How many people each list recorded."""
        sizes = (self.patterns * self.counts[:, None]).sum(axis=0)
        return {name: int(s) for name, s in zip(self.lists, sizes, strict=True)}

    def cell_counts(self) -> np.ndarray:
        """Counts of all ``2**J`` cells indexed by bit mask; cell 0 (unobserved) is 0."""
        weights = 1 << np.arange(self.n_lists)
        cells = np.zeros(1 << self.n_lists, dtype=np.float64)
        np.add.at(cells, self.patterns @ weights, self.counts)
        return cells

    @classmethod
    def from_cell_counts(cls, lists: Sequence[str], cells: np.ndarray) -> CaptureHistories:
        """Build a table from counts indexed by bit mask (cell 0 is ignored)."""
        J = len(lists)
        cells = np.asarray(cells)
        if cells.shape != (1 << J,):
            raise EstimationError(f"expected {1 << J} cell counts for {J} lists, got {cells.shape}")
        return cls.from_patterns(lists, _mask_patterns(J), cells)

    @classmethod
    def from_patterns(
        cls, lists: Sequence[str], patterns: np.ndarray, counts: np.ndarray
    ) -> CaptureHistories:
        """Build a table from patterns and counts; repeated patterns are added up.

        All-zero patterns and zero counts are dropped. Raises :class:`EstimationError` on
        a shape mismatch, a non-0/1 entry or a negative count.
        """
        lists = tuple(str(x) for x in lists)
        patterns = np.asarray(patterns)
        counts = np.asarray(counts)
        J = len(lists)
        if patterns.ndim != 2 or patterns.shape[1] != J or counts.shape != (patterns.shape[0],):
            raise EstimationError(
                f"capture histories: patterns of shape {patterns.shape} and counts of shape "
                f"{counts.shape} do not match {J} lists"
            )
        if np.any((patterns != 0) & (patterns != 1)):
            raise EstimationError("capture histories: pattern entries must be 0 or 1")
        if np.any(counts < 0):
            raise EstimationError("capture histories: counts must not be negative")
        if J > MAX_LISTS:
            raise EstimationError(
                f"capture histories: {J} lists; recuento estimates with at most {MAX_LISTS}."
            )
        weights = 1 << np.arange(J)
        masks = patterns.astype(np.int64) @ weights
        keep = (masks != 0) & (counts > 0)
        if not np.any(keep):
            return cls(lists, np.zeros((0, J), dtype=np.int8), np.zeros(0, dtype=np.int64))
        uniq, inverse = np.unique(masks[keep], return_inverse=True)
        summed = np.zeros(uniq.shape[0], dtype=np.int64)
        np.add.at(summed, inverse, counts[keep].astype(np.int64))
        pats = ((uniq[:, None] >> np.arange(J)) & 1).astype(np.int8)
        order = np.lexsort([pats[:, j] for j in reversed(range(J))])
        return cls(lists, pats[order], summed[order])

    def without_lists(self, drop: Sequence[str]) -> CaptureHistories:
        """The table with some lists removed (their records still count elsewhere)."""
        keep = [j for j, name in enumerate(self.lists) if name not in set(drop)]
        return CaptureHistories.from_patterns(
            [self.lists[j] for j in keep], self.patterns[:, keep], self.counts
        )


@dataclass(frozen=True)
class HistoriesInput:
    """What an input file gives: the whole table and, when stratified, one per stratum.

    Attributes:
        total: the table of the whole population (strata added up).
        strata: stratum label -> table, in a stable order; empty when not stratified.
        by: the column the strata come from (``None`` when not stratified).
        binning: how the ``by`` values were grouped (``None``: as written).
        notes: facts worth telling the user (never containing a record's value).
    """

    total: CaptureHistories
    strata: dict[str, CaptureHistories] = field(default_factory=dict)
    by: str | None = None
    binning: str | None = None
    notes: list[str] = field(default_factory=list)


def _mask_patterns(J: int) -> np.ndarray:
    masks = np.arange(1 << J)
    return ((masks[:, None] >> np.arange(J)) & 1).astype(np.int8)


def check_estimable(h: CaptureHistories, *, where: str = "") -> list[str]:
    """Say why a table cannot support a multiple systems estimate, and warn when weak.

    Problems (returned through :class:`ProblemsError`): no one recorded, fewer than two
    lists with records. Warnings (returned): two lists only (Lincoln-Petersen assumes
    independent lists and homogeneous capture), lists with no records, a list that
    shares nobody with any other list.

    Args:
        h: the table.
        where: a prefix for messages (e.g. ``"stratum 2001: "``).

    Returns:
        The warnings, each a complete sentence.

    Raises:
        NotEstimableError: the table cannot support any estimate (every problem listed);
            it is both a ProblemsError and an EstimationError.
    """
    problems: list[str] = []
    warnings: list[str] = []
    sizes = h.list_sizes()
    empty = [name for name, s in sizes.items() if s == 0]
    with_records = h.n_lists - len(empty)
    if h.n_observed == 0:
        problems.append(f"{where}no person is recorded by any list.")
    for name in empty:
        warnings.append(
            Text(
                f"{where}list {name!r} has no records; it is left out of the estimate.",
                f"{where}la lista {name!r} no tiene registros; queda fuera de la estimación.",
            )
        )
    if h.n_observed and with_records < 2:
        problems.append(
            f"{where}only {with_records} list has records; an estimate needs at least 2 "
            "lists (3 or more to model dependence between lists)."
        )
    elif with_records == 2:
        warnings.append(
            Text(
                f"{where}only 2 lists have records: the Lincoln-Petersen estimate assumes that "
                "the two lists are independent and that everyone is equally likely to be "
                "recorded. Both are rarely true for lists of victims; the estimate is probably "
                "too low. Use 3 or more lists.",
                f"{where}solo 2 listas tienen registros: la estimación de Lincoln-Petersen "
                "supone que las dos listas son independientes y que todas las personas tienen "
                "la misma probabilidad de ser registradas. Rara vez es así en listas de "
                "víctimas; la estimación probablemente se queda corta. Use 3 listas o más.",
            )
        )
    if with_records >= 2:
        for j, name in enumerate(h.lists):
            if sizes[name] == 0:
                continue
            on_j = h.patterns[:, j] == 1
            shared = h.counts[on_j & (h.patterns.sum(axis=1) > 1)].sum()
            if shared == 0:
                warnings.append(
                    Text(
                        f"{where}list {name!r} shares no person with any other list: its "
                        "overlap carries no information about the unrecorded, and estimates "
                        "can be unstable or infinite.",
                        f"{where}la lista {name!r} no comparte ninguna persona con otra lista: "
                        "no aporta información sobre las personas no registradas, y las "
                        "estimaciones pueden ser inestables o infinitas.",
                    )
                )
    if problems:
        raise NotEstimableError(
            "The capture histories cannot support an estimate "
            "(la tabla de historias de captura no permite estimar):",
            problems,
        )
    return warnings
