"""Per-remains arrays, computed once, so that one case is compared with every record at once.

A :class:`RemainsIndex` turns a list of :class:`~recuento.match.records.Remains` into numpy
arrays: ranges and dates for the exclusions, and the marks, garments and dental keywords as
flat tables with an offset per record (compressed sparse rows), for the ranking. Rarity
weights are learned here, from the remains themselves: a feature's weight is
``log(1 + N / (df + 1))``, where N is the number of remains records and df the number of
them that show the feature. A common feature (a black t-shirt, a tattoo on the forearm)
weighs little; a rare one (a prosthesis, the word of a tattoo that one record carries)
weighs much. Comparing one case with 100,000 records then takes a few vector operations
per mark and garment of the case instead of a Python loop over records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recuento.match import vocab
from recuento.match.records import Remains
from recuento.people.missing import fold_text

__all__ = ["RemainsIndex", "Tokens", "Tolerances", "idf", "ordinal"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int32]


def idf(df: NDArray, n: int) -> FloatArray:
    """Rarity weight of features seen in ``df`` of ``n`` records: ``log(1 + n / (df + 1))``.

    The ``+ 1`` terms keep the weight finite for a feature no record shows and positive
    for one that every record shows.
    """
    return np.log1p(n / (np.asarray(df, dtype=np.float64) + 1.0))


def ordinal(date: object, which: str) -> float:
    """The day number (proleptic Gregorian) of a partial date's earliest or latest day.

    NaN when the date is None.
    """
    if date is None:
        return math.nan
    day = date.earliest() if which == "earliest" else date.latest()  # type: ignore[attr-defined]
    return float(day.toordinal())


@dataclass(frozen=True)
class Tolerances:
    """How much the remains' age and height ranges are widened before an exclusion.

    The defaults come from ``data/conditions.csv`` (column ``age_widen_years`` and
    ``height_widen_cm``) and are documented in docs/match.md; a record with no condition
    recorded gets the widest values (``unknown_*``).

    Args:
        age_years: widening of the age range, each side, by condition key.
        height_cm: widening of the height range, each side, by condition key.
        unknown_age_years: widening when the condition is not recorded.
        unknown_height_cm: likewise for height.
    """

    age_years: dict[str, float]
    height_cm: dict[str, float]
    unknown_age_years: float
    unknown_height_cm: float

    @classmethod
    def default(cls) -> Tolerances:
        """The documented defaults, read from ``data/conditions.csv``."""
        table = vocab.conditions().terms
        ages = {k: float(t.extra["age_widen_years"]) for k, t in table.items()}
        heights = {k: float(t.extra["height_widen_cm"]) for k, t in table.items()}
        return cls(ages, heights, max(ages.values()), max(heights.values()))

    def age(self, condition: str | None) -> float:
        """Age widening, in years, for a condition key (or None)."""
        return self.age_years.get(condition or "", self.unknown_age_years)

    def height(self, condition: str | None) -> float:
        """Height widening, in centimetres, for a condition key (or None)."""
        return self.height_cm.get(condition or "", self.unknown_height_cm)


class Tokens:
    """Keywords of many records as compressed sparse rows, with their rarity weights.

    Args:
        rows: one set of keywords per row (a mark, a garment or a record).
        owners: the record each row belongs to (for the document frequency).
        n_records: number of records (N of the rarity weight).
    """

    def __init__(
        self,
        rows: Sequence[frozenset[str]],
        owners: Sequence[int],
        n_records: int,
        groups: Sequence[int] | None = None,
    ) -> None:
        self.ids: dict[str, int] = {}
        flat: list[int] = []
        ptr = [0]
        for tokens in rows:
            for token in sorted(tokens):
                flat.append(self.ids.setdefault(token, len(self.ids)))
            ptr.append(len(flat))
        self.ptr = np.asarray(ptr, dtype=np.int64)
        self.flat = np.asarray(flat, dtype=np.int32)
        self.names = list(self.ids)
        counts = np.diff(self.ptr)
        owner_of = np.repeat(np.asarray(owners, dtype=np.int64), counts)
        group_rows = np.zeros(len(rows), np.int64) if groups is None else np.asarray(groups)
        group_of = np.repeat(group_rows.astype(np.int64), counts)
        # Rarity of a word within its group (a kind of mark, a group of garments): having
        # matched two scars, "vertical" is evidence in proportion to how rare it is among
        # scars, not among all marks. N is the number of records with a row of the group.
        v = max(len(self.ids), 1)
        key = group_of * v + self.flat
        keys, df = np.unique(_once_per_owner(key, owner_of), return_counts=True)
        group_owner = _once_per_owner(group_rows.astype(np.int64), np.asarray(owners, np.int64))
        group_keys, group_n = np.unique(group_owner, return_counts=True)
        n_of_group = dict(zip(group_keys.tolist(), group_n.tolist(), strict=True))
        if groups is None:
            n_of_group = {0: n_records}
        n_flat = np.array([n_of_group.get(g, n_records) for g in group_of.tolist()], np.float64)
        df_flat = df[np.searchsorted(keys, key)] if key.size else np.zeros(0)
        #: The rarity weight of each stored word (entry of ``flat``).
        self.flat_weight = np.log1p(n_flat / (df_flat + 1.0))

    def query(self, tokens: frozenset[str]) -> IntArray:
        """The ids of those of ``tokens`` that some row has (others can match nothing)."""
        return np.asarray(sorted(self.ids[t] for t in tokens if t in self.ids), dtype=np.int32)

    def shared_weight(self, query: IntArray, start: int = 0, stop: int | None = None) -> FloatArray:
        """For rows ``start:stop``, the summed weight of the keywords they share with ``query``."""
        stop = len(self.ptr) - 1 if stop is None else stop
        lo, hi = int(self.ptr[start]), int(self.ptr[stop])
        if query.size == 0 or hi == lo:
            return np.zeros(stop - start)
        flat = self.flat[lo:hi]
        contrib = np.where(np.isin(flat, query), self.flat_weight[lo:hi], 0.0)
        cumulative = np.concatenate(([0.0], np.cumsum(contrib)))
        bounds = self.ptr[start : stop + 1] - lo
        return cumulative[bounds[1:]] - cumulative[bounds[:-1]]

    def shared(self, query: IntArray, row: int) -> list[str]:
        """The keywords row ``row`` shares with ``query``, rarest first."""
        lo, hi = int(self.ptr[row]), int(self.ptr[row + 1])
        wanted = set(query.tolist())
        found = [
            (-self.flat_weight[k], self.names[int(self.flat[k])])
            for k in range(lo, hi)
            if int(self.flat[k]) in wanted
        ]
        return [name for _, name in sorted(found)]


def _once_per_owner(codes: NDArray[np.int64], owners: NDArray[np.int64]) -> NDArray[np.int64]:
    """``codes`` with repeats within the same owner removed (for document frequencies).

    Each (code, owner) pair becomes one int64 so that a 1-D sort replaces a slower sort of
    rows.
    """
    if codes.size == 0:
        return codes
    low = int(codes.min())
    width = int(owners.max()) + 1
    unique = np.unique((codes - low) * width + owners)
    return unique // width + low


def _code(table: vocab.Vocabulary, key: str | None) -> int:
    return len(table.keys) if key is None else table.position[key]


_SIDE_CODES = {"left": 0, "right": 1, "both": 2, "centre": 3, None: 4}


class RemainsIndex:
    """The arrays that matching needs, built once per remains list.

    Args:
        remains: the remains records.
        tolerances: widening of age and height ranges by condition (default: documented).
    """

    def __init__(self, remains: Sequence[Remains], tolerances: Tolerances | None = None) -> None:
        self.records = list(remains)
        self.tolerances = tolerances or Tolerances.default()
        n = self.n = len(self.records)
        r = self.records
        nan = math.nan
        self.ids = [x.id for x in r]
        self.sex = np.array([{"F": 1, "M": 2, "X": 3}.get(x.sex or "", 0) for x in r], np.int8)
        self.age_lo = np.array([-math.inf if x.age_min is None else x.age_min for x in r])
        self.age_hi = np.array([math.inf if x.age_max is None else x.age_max for x in r])
        self.h_lo = np.array([-math.inf if x.height_min_cm is None else x.height_min_cm for x in r])
        self.h_hi = np.array([math.inf if x.height_max_cm is None else x.height_max_cm for x in r])
        self.age_widen = np.array([self.tolerances.age(x.condition) for x in r])
        self.height_widen = np.array([self.tolerances.height(x.condition) for x in r])
        self.found_latest = np.array([ordinal(x.found, "latest") for x in r])
        self.found_earliest = np.array([ordinal(x.found, "earliest") for x in r])
        readable = {k: float(t.extra["skin_readable"]) for k, t in vocab.conditions().terms.items()}
        self.skin_readable = np.array([readable.get(x.condition or "", 0.0) for x in r])
        known = self.found_earliest[np.isfinite(self.found_earliest)]
        self.found_span_days = float(np.ptp(np.percentile(known, [5, 95]))) if known.size else 0.0
        pmi = np.array([0.0 if x.pmi_min_days is None else x.pmi_min_days for x in r])
        self.death_latest = self.found_latest - pmi
        self.lat = np.radians(np.array([nan if x.lat is None else x.lat for x in r]))
        self.lon = np.radians(np.array([nan if x.lon is None else x.lon for x in r]))
        self.place_codes: dict[str, int] = {}
        self.place = np.array(
            [
                self.place_codes.setdefault(fold_text(x.place), len(self.place_codes))
                if x.place
                else -1
                for x in r
            ],
            dtype=np.int32,
        )
        self._marks(r, n)
        self._garments(r, n)
        self.dental = Tokens([x.dental for x in r], range(n), n)

    def _marks(self, r: list[Remains], n: int) -> None:
        marks = [(i, m) for i, x in enumerate(r) for m in x.marks]
        self.m_ptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(self.m_ptr, np.array([i + 1 for i, _ in marks], dtype=np.int64), 1)
        self.m_ptr = np.cumsum(self.m_ptr)
        self.m_owner = np.array([i for i, _ in marks], dtype=np.int32)
        types, parts = vocab.mark_types(), vocab.body_parts()
        self.m_type = np.array([_code(types, m.type) for _, m in marks], dtype=np.int16)
        self.m_part = np.array([_code(parts, m.body_part) for _, m in marks], dtype=np.int16)
        self.m_side = np.array([_SIDE_CODES[m.side] for _, m in marks], dtype=np.int8)
        # Rarity of a kind of mark at a body location, counted per record.
        pair = self.m_type.astype(np.int64) * (len(parts.keys) + 1) + self.m_part
        self.m_kind_weight = self._owner_idf(pair, self.m_owner, n)
        self.m_tokens = Tokens(
            [m.tokens for _, m in marks], self.m_owner.tolist(), n, self.m_type.tolist()
        )

    def _garments(self, r: list[Remains], n: int) -> None:
        items = [(i, g) for i, x in enumerate(r) for g in x.clothing]
        self.g_ptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(self.g_ptr, np.array([i + 1 for i, _ in items], dtype=np.int64), 1)
        self.g_ptr = np.cumsum(self.g_ptr)
        self.g_owner = np.array([i for i, _ in items], dtype=np.int32)
        garments, colours = vocab.garments(), vocab.colours()
        self.g_garment = np.array([_code(garments, g.garment) for _, g in items], np.int16)
        self.g_colour = np.array([_code(colours, g.colour) for _, g in items], np.int16)
        self.g_garment_weight = self._owner_idf(self.g_garment, self.g_owner, n)
        self.g_colour_weight = self._owner_idf(
            self.g_garment.astype(np.int64) * 100 + self.g_colour, self.g_owner, n
        )
        group_names = sorted({t.extra["group"] for t in garments.terms.values()})
        group = [
            group_names.index(garments[g.garment].extra["group"]) if g.garment else -1
            for _, g in items
        ]
        self.g_tokens = Tokens([g.tokens for _, g in items], self.g_owner.tolist(), n, group)

    @staticmethod
    def _owner_idf(codes: NDArray, owners: IntArray, n: int) -> FloatArray:
        if codes.size == 0:
            return np.zeros(0)
        once = _once_per_owner(codes.astype(np.int64), owners.astype(np.int64))
        keys, counts = np.unique(once, return_counts=True)
        weights = idf(counts, n)
        return weights[np.searchsorted(keys, codes)]
