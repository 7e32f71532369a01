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
  W_GARMENT_WORDS · max(g, 0.3) · w_words``, with ``g`` the agreement of garments (same 1,
  same group 0.4, one unknown 0.3, else 0) and ``c`` of colours (same 1, same family ½ as
  colours fade, else 0);
* **dental**: ``W_DENTAL`` times the summed rarity of dental keywords both notes share;
* **distance**: ``W_DISTANCE · exp(−d / 50 km)`` between the last-seen and the find
  coordinates, or half of ``W_DISTANCE`` for the same place name when there are none;
* **time**: ``W_TIME · exp(−gap / 730 days)``, a finding soon after the disappearance
  being more likely than one years later;
* **age** and **height**: ``W_AGE`` (``W_HEIGHT``) when the ranges overlap before any
  widening.

Rarity weights are learned from the remains list itself (:mod:`recuento.match.index`).
Absence is never held against a pair: a tattoo the remains do not show may have been lost
with the skin. Eye and hair colour are not scored at all (they change after death and
observers disagree).
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

__all__ = ["COMPONENTS", "Reason", "explain", "score_all"]

W_MARK_KIND = 1.0
W_MARK_WORDS = 1.0
W_GARMENT = 0.6
W_COLOUR = 0.4
W_GARMENT_WORDS = 0.8
W_DENTAL = 1.0
W_DISTANCE = 2.0
W_TIME = 1.0
W_AGE = 0.5
W_HEIGHT = 0.5
DISTANCE_SCALE_KM = 50.0
TIME_SCALE_DAYS = 730.0
EARTH_RADIUS_KM = 6371.0

#: Score components, in the order they are reported.
COMPONENTS = ("marks", "clothing", "dental", "distance", "time", "age", "height")


@dataclass(frozen=True, slots=True)
class Reason:
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
            elif table[a].extra["group"] == table[b].extra["group"]:
                out[i, j] = 0.4
    return out


@cache
def _colour_agreement() -> NDArray[np.float64]:
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
    return len(table.keys) if key is None else table.keys.index(key)


# ---------------------------------------------------------------------------------------------
# Per-row scores (rows a:b of the marks or garments table)


def _mark_rows(mark: Mark, index: RemainsIndex, a: int = 0, b: int | None = None) -> FloatArray:
    b = len(index.m_type) if b is None else b
    t = _type_agreement()[_code(vocab.mark_types(), mark.type), index.m_type[a:b]]
    part = _part_agreement()[_code(vocab.body_parts(), mark.body_part), index.m_part[a:b]]
    side = _SIDE_AGREEMENT[_SIDE_CODES[mark.side], index.m_side[a:b]]
    words = index.m_tokens.shared_weight(index.m_tokens.query(mark.tokens), a, b)
    kind = W_MARK_KIND * part * index.m_kind_weight[a:b]
    return t * side * (kind + W_MARK_WORDS * (0.5 + 0.5 * part) * words)


def _garment_rows(item: Garment, index: RemainsIndex, a: int = 0, b: int | None = None):
    b = len(index.g_garment) if b is None else b
    g = _garment_agreement()[_code(vocab.garments(), item.garment), index.g_garment[a:b]]
    c = _colour_agreement()[_code(vocab.colours(), item.colour), index.g_colour[a:b]]
    words = index.g_tokens.shared_weight(index.g_tokens.query(item.tokens), a, b)
    base = W_GARMENT * index.g_garment_weight[a:b] + W_COLOUR * c * index.g_colour_weight[a:b]
    return g * base + W_GARMENT_WORDS * np.maximum(g, 0.3) * words


def _best_per_record(rows: FloatArray, ptr: NDArray[np.int64], n: int) -> FloatArray:
    out = np.zeros(n)
    has = ptr[1:] > ptr[:-1]
    if rows.size:
        out[has] = np.maximum.reduceat(rows, ptr[:-1][has])
    return out


def _distance_km(case: MissingPerson, index: RemainsIndex) -> FloatArray:
    if case.lat is None or case.lon is None:
        return np.full(index.n, np.nan)
    lat, lon = math.radians(case.lat), math.radians(case.lon)
    h = (np.sin((index.lat - lat) / 2) ** 2
         + math.cos(lat) * np.cos(index.lat) * np.sin((index.lon - lon) / 2) ** 2)  # fmt: skip
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _gap_days(case: MissingPerson, index: RemainsIndex) -> FloatArray:
    return np.maximum(index.found_earliest - ordinal(case.last_seen, "latest"), 0.0)


def _overlap(low: float | None, high: float | None, lo: FloatArray, hi: FloatArray, plus=0.0):
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
        out["marks"] += _best_per_record(_mark_rows(mark, index), index.m_ptr, n)
    for item in case.clothing:
        out["clothing"] += _best_per_record(_garment_rows(item, index), index.g_ptr, n)
    if case.dental:
        out["dental"] = W_DENTAL * index.dental.shared_weight(index.dental.query(case.dental))
    distance = _distance_km(case, index)
    out["distance"] = np.where(np.isnan(distance), 0.0,
                               W_DISTANCE * np.exp(-np.nan_to_num(distance) / DISTANCE_SCALE_KM))  # fmt: skip
    if case.place:  # no coordinates on one side: the same place name counts half
        code = index.place_codes.get(fold_text(case.place), -2)
        same = np.isnan(distance) & (index.place == code)
        out["distance"] = np.where(same, W_DISTANCE / 2, out["distance"])
    gap = _gap_days(case, index)
    out["time"] = np.where(np.isnan(gap), 0.0, W_TIME * np.exp(-np.nan_to_num(gap) / TIME_SCALE_DAYS))
    elapsed = (index.found_latest - ordinal(case.last_seen, "earliest")) / 365.2425
    elapsed = np.where(np.isnan(elapsed), np.inf, np.maximum(elapsed, 0.0))
    out["age"] = W_AGE * _overlap(case.age_min, case.age_max, index.age_lo, index.age_hi, elapsed)
    out["height"] = W_HEIGHT * _overlap(case.height_min_cm, case.height_max_cm, index.h_lo, index.h_hi)
    return out


# ---------------------------------------------------------------------------------------------
# Reasons


def _words(tokens: list[str], lang: str) -> str:
    table = vocab.motifs()
    return ", ".join(table[t].label(lang) if t in table else t for t in tokens[:4])


def _label(table: vocab.Vocabulary, key: str | None, lang: str, unknown: tuple[str, str]) -> str:
    return unknown[lang == "en"] if key is None else table[key].label(lang)


def _mark_reason(mark: Mark, index: RemainsIndex, i: int) -> Reason | None:
    a, b = int(index.m_ptr[i]), int(index.m_ptr[i + 1])
    if a == b:
        return None
    rows = _mark_rows(mark, index, a, b)
    best = int(np.argmax(rows))
    if rows[best] <= 0:
        return None
    row = a + best
    other_part = vocab.body_parts().keys[index.m_part[row]] if index.m_part[row] < len(
        vocab.body_parts().keys) else None  # fmt: skip
    texts = []
    for lang in ("es", "en"):
        kind = _label(vocab.mark_types(), mark.type, lang, ("seña", "mark"))
        here = _label(vocab.body_parts(), mark.body_part, lang, ("sin ubicación", "no location"))
        there = _label(vocab.body_parts(), other_part, lang, ("sin ubicación", "no location"))
        if mark.body_part is not None and mark.body_part == other_part:
            text = (f"{kind} en {here} en ambos registros" if lang == "es"
                    else f"{kind} on the {here} in both records")  # fmt: skip
        elif mark.body_part is None or other_part is None:
            text = (f"{kind}: ubicación desconocida en un registro" if lang == "es"
                    else f"{kind}: location unknown in one record")  # fmt: skip
        elif other_part in vocab.neighbours()[mark.body_part]:
            text = (f"{kind}: {here} en la ficha, {there} en los restos (partes vecinas)"
                    if lang == "es" else
                    f"{kind}: {here} in the report, {there} on the remains (neighbouring parts)")  # fmt: skip
        else:
            text = (f"{kind}: {here} en la ficha, {there} en los restos" if lang == "es"
                    else f"{kind}: {here} in the report, {there} on the remains")  # fmt: skip
        shared = index.m_tokens.shared(index.m_tokens.query(mark.tokens), row)
        if shared:
            text += ("; palabras en común: " if lang == "es" else "; shared words: ") + _words(
                shared, lang)  # fmt: skip
        texts.append(text)
    return Reason("marks", float(rows[best]), texts[0], texts[1])


def _garment_reason(item: Garment, index: RemainsIndex, i: int) -> Reason | None:
    a, b = int(index.g_ptr[i]), int(index.g_ptr[i + 1])
    if a == b:
        return None
    rows = _garment_rows(item, index, a, b)
    best = int(np.argmax(rows))
    if rows[best] <= 0:
        return None
    row = a + best
    keys = vocab.garments().keys
    other = keys[index.g_garment[row]] if index.g_garment[row] < len(keys) else None
    colour_keys = vocab.colours().keys
    other_colour = colour_keys[index.g_colour[row]] if index.g_colour[row] < len(colour_keys) else None
    texts = []
    for lang in ("es", "en"):
        what = _label(vocab.garments(), item.garment, lang, ("prenda", "garment"))
        if item.garment is not None and item.garment == other:
            text = f"{what}: misma prenda" if lang == "es" else f"{what}: same garment"
        elif item.garment is not None and other is not None:
            there = _label(vocab.garments(), other, lang, ("", ""))
            text = (f"{what} en la ficha, {there} en los restos (mismo tipo)" if lang == "es"
                    else f"{what} in the report, {there} on the remains (same kind)")  # fmt: skip
        else:
            text = what
        if item.colour is not None and other_colour is not None:
            if item.colour == other_colour:
                colour = _label(vocab.colours(), item.colour, lang, ("", ""))
                text += f", mismo color ({colour})" if lang == "es" else f", same colour ({colour})"
            elif _colour_agreement()[colour_keys.index(item.colour), index.g_colour[row]] > 0:
                text += ", color parecido" if lang == "es" else ", similar colour"
        shared = index.g_tokens.shared(index.g_tokens.query(item.tokens), row)
        if shared:
            text += ("; palabras en común: " if lang == "es" else "; shared words: ") + _words(
                shared, lang)  # fmt: skip
        texts.append(text)
    return Reason("clothing", float(rows[best]), texts[0], texts[1])


def explain(case: MissingPerson, index: RemainsIndex, i: int, components: dict[str, float]):
    """The reasons for the score of one pair, largest first.

    Args:
        case: the missing person.
        index: the remains.
        i: the position of the remains record in the index.
        components: the pair's score components (from :func:`score_all`).

    Returns:
        A list of :class:`Reason`. Reasons describe features (kinds of mark, body parts,
        garments, colours, shared description words, a distance in km, a time gap in
        months); they never quote an id, a name field, a date or a place.
    """
    reasons: list[Reason] = []
    for mark in case.marks:
        reason = _mark_reason(mark, index, i)
        if reason is not None:
            reasons.append(reason)
    for item in case.clothing:
        reason = _garment_reason(item, index, i)
        if reason is not None:
            reasons.append(reason)
    if components["dental"] > 0:
        shared = index.dental.shared(index.dental.query(case.dental), i)
        reasons.append(Reason("dental", components["dental"],
                              "notas dentales en común: " + _words(shared, "es"),
                              "shared dental notes: " + _words(shared, "en")))  # fmt: skip
    if components["distance"] > 0:
        distance = _distance_km(case, index)[i]
        if math.isnan(distance):
            reasons.append(Reason("distance", components["distance"],
                                  "mismo lugar", "same place"))  # fmt: skip
        else:
            km = f"{distance:.0f}"
            reasons.append(Reason("distance", components["distance"],
                                  f"hallada a {km} km de donde fue vista",
                                  f"found {km} km from where she was last seen"))  # fmt: skip
    if components["time"] > 0:
        months = f"{_gap_days(case, index)[i] / 30.44:.0f}"
        reasons.append(Reason("time", components["time"],
                              f"hallada {months} meses después", f"found {months} months later"))  # fmt: skip
    if components["age"] > 0:
        reasons.append(Reason("age", components["age"], "rangos de edad compatibles",
                              "age ranges overlap"))  # fmt: skip
    if components["height"] > 0:
        reasons.append(Reason("height", components["height"], "rangos de estatura compatibles",
                              "height ranges overlap"))  # fmt: skip
    reasons.sort(key=lambda r: -r.points)
    return reasons
