"""An explainable score for the pairs that survive exclusion.

The score is a sum of components, each a sum of terms that a person can read back as a
reason (:func:`explain`):

* **marks**: for each mark of the missing person, the best-agreeing mark of the remains,
  scoring ``t · s · (W_MARK_KIND · l · w_kind + W_MARK_WORDS · (½ + ½ l) · w_words)``, where
  ``t`` is the agreement of the kinds of mark (same 1, one generic or unknown ½, two
  different skin marks ¼, else 0), ``l`` of the body parts (same 1, neighbouring ½, one
  unknown 0.3, else 0), ``s`` of the sides (left against right ½, else 1), ``w_kind`` the
  rarity of that kind of mark at that part among the remains and ``w_words`` the summed
  rarity of the description keywords both records share;
* **clothing** and effects: for each garment of the missing person, the best-agreeing
  garment of the remains: ``g · (W_GARMENT · w_garment + W_COLOUR · c · w_colour) +
  W_GARMENT_WORDS · max(g, 0.3) · w_words``, with ``g`` the agreement of garments (same 1;
  same group of clothing 0.4, but not for jewellery, accessories or effects, as a ring is
  not a necklace; one unknown 0.3; else 0) and ``c`` of colours (same 1, same family ½ as
  colours fade, else 0);
* **dental**: ``W_DENTAL`` times the summed rarity of dental keywords both notes share;
* **distance**: ``W_DISTANCE · exp(−d / 50 km)`` between the last-seen and the find
  coordinates, or half of ``W_DISTANCE`` for the same place name when there are none;
* **time**: ``W_TIME · max(0, log(S / τ) − gap / τ)`` with τ = 730 days and S the spread
  of the found dates in the remains list (5th to 95th percentile): the log of the ratio of
  the density of the gap if she is the one (exponential with mean τ) to its density if she
  is not (about uniform over S);
* **age** and **height**: ``W_AGE`` (``W_HEIGHT``) when the ranges overlap before any
  widening;
* **conflicts** (negative): ``W_MARK_CONFLICT`` for each mark of the remains that no mark of
  the case agrees with on kind and place (half for marks on bone, which a family may not
  know of), ``W_GARMENT_CONFLICT`` for each garment of the remains of a group the case does
  not describe, ``W_COLOUR_CONFLICT`` when the best-agreeing garment is the same garment in
  a colour of another family, and ``W_ABSENT_MARK`` times the skin readability of the
  condition (1 recognisable, ½ decomposed, 0.3 mummified, 0 otherwise) for each skin mark of
  the case the remains do not show. Conflicts count only when the case describes marks
  (garments) at all: an empty field says nothing.

Rarity weights are learned from the remains list itself (:mod:`recuento.match.index`);
description words are weighed by their rarity within their kind of mark or group of
garments. Eye and hair colour are not scored at all (they change after death and observers
disagree). The weights below were set on synthetic data (``recuento.simulate.remains``,
seeds 1 and 2); docs/match.md gives the benchmark.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from recuento.match import vocab
from recuento.match.index import FloatArray, RemainsIndex, ordinal
from recuento.match.records import Garment, Mark, MissingPerson
from recuento.people.missing import fold_text

__all__ = ["COMPONENTS", "Reason", "score_all"]

W_MARK_KIND = 0.5
W_MARK_WORDS = 1.0
W_GARMENT = 0.6
W_COLOUR = 0.4
W_GARMENT_WORDS = 0.8
W_DENTAL = 1.0
W_DISTANCE = 2.0
W_TIME = 1.0
W_AGE = 0.5
W_HEIGHT = 0.5
W_MARK_CONFLICT = 1.5
W_GARMENT_CONFLICT = 1.5
W_ABSENT_MARK = 1.5
W_COLOUR_CONFLICT = 1.5
DISTANCE_SCALE_KM = 50.0
TIME_SCALE_DAYS = 730.0
EARTH_RADIUS_KM = 6371.0

#: Score components, in the order they are reported.
COMPONENTS = ("marks", "clothing", "dental", "distance", "time", "age", "height", "conflicts")


@dataclass(frozen=True, slots=True)
class Reason:  # defined here so that explain.py and api.py share it without a cycle
    """One reason for a candidate's score, in both languages.

    Args:
        component: the score component (see :data:`COMPONENTS`).
        points: what it adds to the score.
        es: the reason in Spanish.
        en: the reason in English.
    """

    component: str
    points: float
    es: str
    en: str

    def text(self, lang: str) -> str:
        """The reason in ``lang`` (``"es"`` or ``"en"``)."""
        return self.es if lang == "es" else self.en


# ---------------------------------------------------------------------------------------------
# Agreement tables (row: the missing person's value; column: the remains'; last = unknown)


@cache
def _type_agreement() -> NDArray[np.float64]:
    table = vocab.mark_types()
    keys = [*table.keys, None]
    out = np.zeros((len(keys), len(keys)))
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if a is not None and a == b:
                out[i, j] = 1.0
            elif a in {None, "mark"} or b in {None, "mark"}:
                out[i, j] = 0.5
            elif table[a].extra["tissue"] == table[b].extra["tissue"] == "skin":
                out[i, j] = 0.25  # a faded tattoo recorded as a stain or a scar
    return out


@cache
def _part_agreement() -> NDArray[np.float64]:
    keys = [*vocab.body_parts().keys, None]
    near = vocab.neighbours()
    out = np.zeros((len(keys), len(keys)))
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if a is None or b is None:
                out[i, j] = 0.3
            elif a == b:
                out[i, j] = 1.0
            elif b in near[a]:
                out[i, j] = 0.5
    return out


_SIDE_AGREEMENT = np.ones((5, 5))
_SIDE_AGREEMENT[0, 1] = _SIDE_AGREEMENT[1, 0] = 0.5  # left against right
_SIDE_CODES = {"left": 0, "right": 1, "both": 2, "centre": 3, None: 4}


_DISTINCT_GROUPS = frozenset({"jewellery", "effects", "accessory"})


@cache
def _garment_agreement() -> NDArray[np.float64]:
    table = vocab.garments()
    keys = [*table.keys, None]
    out = np.zeros((len(keys), len(keys)))
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if a is None or b is None:
                out[i, j] = 0.3
            elif a == b:
                out[i, j] = 1.0
            elif table[a].extra["group"] == table[b].extra["group"] not in _DISTINCT_GROUPS:
                out[i, j] = 0.4  # a blouse recorded as a shirt; but a ring is not a necklace
    return out


@cache
def colour_agreement() -> NDArray[np.float64]:
    table = vocab.colours()
    keys = [*table.keys, None]
    out = np.zeros((len(keys), len(keys)))
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if a is None or b is None:
                continue
            if a == b:
                out[i, j] = 1.0
            elif table[a].extra["family"] == table[b].extra["family"]:
                out[i, j] = 0.5
    return out


def _code(table: vocab.Vocabulary, key: str | None) -> int:
    return len(table.keys) if key is None else table.position[key]


# ---------------------------------------------------------------------------------------------
# Per-row scores (rows a:b of the marks or garments table)


def mark_rows(mark: Mark, index: RemainsIndex, a: int = 0, b: int | None = None) -> FloatArray:
    b = len(index.m_type) if b is None else b
    t = _type_agreement()[_code(vocab.mark_types(), mark.type), index.m_type[a:b]]
    part = _part_agreement()[_code(vocab.body_parts(), mark.body_part), index.m_part[a:b]]
    side = _SIDE_AGREEMENT[_SIDE_CODES[mark.side], index.m_side[a:b]]
    words = index.m_tokens.shared_weight(index.m_tokens.query(mark.tokens), a, b)
    kind = W_MARK_KIND * part * index.m_kind_weight[a:b]
    return t * side * (kind + W_MARK_WORDS * (0.5 + 0.5 * part) * words)


def garment_rows(
    item: Garment, index: RemainsIndex, a: int = 0, b: int | None = None
) -> FloatArray:
    b = len(index.g_garment) if b is None else b
    g = _garment_agreement()[_code(vocab.garments(), item.garment), index.g_garment[a:b]]
    c = colour_agreement()[_code(vocab.colours(), item.colour), index.g_colour[a:b]]
    words = index.g_tokens.shared_weight(index.g_tokens.query(item.tokens), a, b)
    base = W_GARMENT * index.g_garment_weight[a:b] + W_COLOUR * c * index.g_colour_weight[a:b]
    score = g * base + W_GARMENT_WORDS * np.maximum(g, 0.3) * words
    if item.colour is not None and item.garment is not None:
        # The same garment in a colour of another family: held against, mildly (colours
        # fade, so a related colour is not a conflict).
        known = index.g_colour[a:b] < len(vocab.colours().keys)
        score -= W_COLOUR_CONFLICT * (g == 1.0) * known * (c == 0)
    return score


def _best_per_record(rows: FloatArray, ptr: NDArray[np.int64], n: int) -> FloatArray:
    out = np.zeros(n)
    has = ptr[1:] > ptr[:-1]
    if rows.size:
        out[has] = np.maximum.reduceat(rows, ptr[:-1][has])
    return out


def distance_km(case: MissingPerson, index: RemainsIndex) -> FloatArray:
    if case.lat is None or case.lon is None:
        return np.full(index.n, np.nan)
    lat, lon = math.radians(case.lat), math.radians(case.lon)
    h = (
        np.sin((index.lat - lat) / 2) ** 2
        + math.cos(lat) * np.cos(index.lat) * np.sin((index.lon - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def gap_days(case: MissingPerson, index: RemainsIndex) -> FloatArray:
    return np.maximum(index.found_earliest - ordinal(case.last_seen, "latest"), 0.0)


def _overlap(
    low: float | None,
    high: float | None,
    lo: FloatArray,
    hi: FloatArray,
    plus: FloatArray | float = 0.0,
) -> NDArray[np.bool_]:
    if low is None and high is None:
        return np.zeros(lo.shape, dtype=bool)
    known = np.isfinite(lo) | np.isfinite(hi)
    low_ = -np.inf if low is None else low
    high_ = np.inf if high is None else high
    return known & (low_ <= hi) & (high_ + plus >= lo)


def score_all(case: MissingPerson, index: RemainsIndex) -> dict[str, FloatArray]:
    """Every score component of one case against every remains record.

    Args:
        case: the missing person.
        index: the remains.

    Returns:
        One array per component of :data:`COMPONENTS`; the score is their sum.
    """
    n = index.n
    out = {name: np.zeros(n) for name in COMPONENTS}
    for mark in case.marks:
        out["marks"] += _best_per_record(mark_rows(mark, index), index.m_ptr, n)
    for item in case.clothing:
        out["clothing"] += _best_per_record(garment_rows(item, index), index.g_ptr, n)
    if case.dental:
        out["dental"] = W_DENTAL * index.dental.shared_weight(index.dental.query(case.dental))
    distance = distance_km(case, index)
    out["distance"] = np.where(
        np.isnan(distance), 0.0, W_DISTANCE * np.exp(-np.nan_to_num(distance) / DISTANCE_SCALE_KM)
    )
    if case.place:  # no coordinates on one side: the same place name counts half
        code = index.place_codes.get(fold_text(case.place), -2)
        same = np.isnan(distance) & (index.place == code)
        out["distance"] = np.where(same, W_DISTANCE / 2, out["distance"])
    gap = gap_days(case, index)
    odds = math.log(max(index.found_span_days, TIME_SCALE_DAYS) / TIME_SCALE_DAYS)
    time = np.maximum(odds - np.nan_to_num(gap, nan=np.inf) / TIME_SCALE_DAYS, 0.0)
    out["time"] = W_TIME * time
    elapsed = (index.found_latest - ordinal(case.last_seen, "earliest")) / 365.2425
    elapsed = np.where(np.isnan(elapsed), np.inf, np.maximum(elapsed, 0.0))
    ages = _overlap(case.age_min, case.age_max, index.age_lo, index.age_hi, elapsed)
    out["age"] = np.where(ages, W_AGE, 0.0)
    heights = _overlap(case.height_min_cm, case.height_max_cm, index.h_lo, index.h_hi)
    out["height"] = np.where(heights, W_HEIGHT, 0.0)
    marks, garments = unmatched(case, index)
    out["conflicts"] = 0.0 - (_per_record(marks, index.m_ptr) + _per_record(garments, index.g_ptr))
    out["conflicts"] -= _absent(case, index) * index.skin_readable
    return out


def _absent(case: MissingPerson, index: RemainsIndex) -> FloatArray:
    """Per record, the penalty for the case's skin marks it does not show (before readability).

    The caller multiplies it by the record's skin readability (1 recognisable, ½
    decomposed, 0.3 mummified, 0 skeletal, burned or fragmented): a tattoo cannot be
    missing from a body whose skin is gone.
    """
    out = np.zeros(index.n)
    for mark in case.marks:
        if is_skin(mark):
            agree = kind_place_agreement(mark, index)
            out += W_ABSENT_MARK * ~(_best_per_record(agree, index.m_ptr, index.n) >= 0.25)
    return out


def is_skin(mark: Mark) -> bool:
    return vocab.mark_types()[mark.type or "mark"].extra["tissue"] == "skin"


def kind_place_agreement(
    mark: Mark, index: RemainsIndex, a: int = 0, b: int | None = None
) -> FloatArray:
    """Agreement of kind times agreement of place, for the remains marks of rows a:b."""
    b = len(index.m_type) if b is None else b
    t = _type_agreement()[_code(vocab.mark_types(), mark.type), index.m_type[a:b]]
    part = _part_agreement()[_code(vocab.body_parts(), mark.body_part), index.m_part[a:b]]
    return t * part


@cache
def _bone_codes() -> NDArray[np.int16]:
    table = vocab.mark_types()
    return np.array(
        [i for i, k in enumerate(table.keys) if table[k].extra["tissue"] == "bone"], dtype=np.int16
    )


def unmatched(
    case: MissingPerson,
    index: RemainsIndex,
    a: int = 0,
    b: int | None = None,
    c: int = 0,
    d: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Penalty of each remains mark (rows a:b) and garment (rows c:d) the case does not have.

    Only when the case describes marks (garments) at all: an empty field says nothing. A
    mark is unmatched when no mark of the case agrees on both kind and place (agreement of
    kinds times agreement of parts below 1/4); a garment when none is of the same group.
    Marks on bone weigh half: a family may not know of an old fracture.
    """
    b = len(index.m_type) if b is None else b
    d = len(index.g_garment) if d is None else d
    marks = np.zeros(b - a)
    if case.marks:
        agree = np.zeros(b - a)
        for mark in case.marks:
            agree = np.maximum(agree, kind_place_agreement(mark, index, a, b))
        weight = np.where(np.isin(index.m_type[a:b], _bone_codes()), 0.5, 1.0)
        marks = W_MARK_CONFLICT * weight * (agree < 0.25)
    garments = np.zeros(d - c)
    if case.clothing:
        agree = np.zeros(d - c)
        for item in case.clothing:
            code = _code(vocab.garments(), item.garment)
            agree = np.maximum(agree, _garment_agreement()[code, index.g_garment[c:d]])
        garments = W_GARMENT_CONFLICT * (agree == 0)
    return marks, garments


def _per_record(rows: FloatArray, ptr: NDArray[np.int64]) -> FloatArray:
    cumulative = np.concatenate(([0.0], np.cumsum(rows)))
    return cumulative[ptr[1:]] - cumulative[ptr[:-1]]
