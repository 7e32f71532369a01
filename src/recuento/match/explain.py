"""The reasons for a candidate's score, as short phrases in Spanish and English.

Each reason names the component it comes from and the points it adds (negative for what
counts against the pair). Reasons describe features: kinds of mark, body parts, garments,
colours, the description words both records share, a distance in kilometres and a time gap
in months. They never quote an id, a date or a place name.
"""

from __future__ import annotations

import math

import numpy as np

from recuento.match import vocab
from recuento.match.index import RemainsIndex
from recuento.match.rank import (
    W_ABSENT_MARK,
    Reason,
    colour_agreement,
    distance_km,
    gap_days,
    garment_rows,
    is_skin,
    kind_place_agreement,
    mark_rows,
    unmatched,
)
from recuento.match.records import Garment, Mark, MissingPerson

__all__ = ["explain"]


def _words(tokens: list[str], lang: str) -> str:
    table = vocab.motifs()
    return ", ".join(table[t].label(lang) if t in table else t for t in tokens[:4])


def _label(table: vocab.Vocabulary, key: str | None, lang: str, unknown: tuple[str, str]) -> str:
    return unknown[lang == "en"] if key is None else table[key].label(lang)


def _key(table: vocab.Vocabulary, code: int) -> str | None:
    return table.keys[code] if code < len(table.keys) else None


def _shared_suffix(shared: list[str], lang: str) -> str:
    if not shared:
        return ""
    return ("; palabras en común: " if lang == "es" else "; shared words: ") + _words(shared, lang)


def _mark_reason(mark: Mark, index: RemainsIndex, i: int) -> Reason | None:
    a, b = int(index.m_ptr[i]), int(index.m_ptr[i + 1])
    if a == b:
        return None
    rows = mark_rows(mark, index, a, b)
    best = int(np.argmax(rows))
    if rows[best] <= 0:
        return None
    row = a + best
    parts = vocab.body_parts()
    other = _key(parts, int(index.m_part[row]))
    other_kind = _key(vocab.mark_types(), int(index.m_type[row]))
    other_side = {0: "left", 1: "right"}.get(int(index.m_side[row]))
    opposite = {mark.side, other_side} == {"left", "right"}
    shared = index.m_tokens.shared(index.m_tokens.query(mark.tokens), row)
    texts = []
    for lang in ("es", "en"):
        es = lang == "es"
        kind = _label(vocab.mark_types(), mark.type, lang, ("seña", "mark"))
        here = _label(parts, mark.body_part, lang, ("", ""))
        there = _label(parts, other, lang, ("", ""))
        if mark.body_part is not None and mark.body_part == other:
            text = f"{kind} en {here} en ambos registros" if es else f"{kind} on the {here} in both"
        elif mark.body_part is None or other is None:
            text = (
                f"{kind}: sin ubicación en un registro"
                if es
                else f"{kind}: no location in one record"
            )
        elif other in vocab.neighbours()[mark.body_part]:
            text = (
                f"{kind}: {here} en la ficha, {there} en los restos (partes vecinas)"
                if es
                else f"{kind}: {here} in the report, {there} on the remains (neighbouring)"
            )
        else:
            text = (
                f"{kind}: {here} en la ficha, {there} en los restos"
                if es
                else f"{kind}: {here} in the report, {there} on the remains"
            )
        if other_kind is not None and mark.type is not None and other_kind != mark.type:
            recorded = vocab.mark_types()[other_kind].label(lang)
            text += f" (registrada como {recorded})" if es else f" (recorded as {recorded})"
        if opposite:
            text += " (del otro lado)" if es else " (on the other side)"
        texts.append(text + _shared_suffix(shared, lang))
    return Reason("marks", float(rows[best]), texts[0], texts[1])


def _garment_reason(item: Garment, index: RemainsIndex, i: int) -> Reason | None:
    a, b = int(index.g_ptr[i]), int(index.g_ptr[i + 1])
    if a == b:
        return None
    rows = garment_rows(item, index, a, b)
    best = int(np.argmax(rows))
    if rows[best] == 0:
        return None
    row = a + best
    garments, colours = vocab.garments(), vocab.colours()
    other = _key(garments, int(index.g_garment[row]))
    other_colour = _key(colours, int(index.g_colour[row]))
    shared = index.g_tokens.shared(index.g_tokens.query(item.tokens), row)
    texts = []
    for lang in ("es", "en"):
        es = lang == "es"
        what = _label(garments, item.garment, lang, ("prenda", "garment"))
        if rows[best] < 0:  # the same garment, in a colour of another family
            texts.append(
                f"en contra: {what} de otro color" if es else f"against: {what} in another colour"
            )
            continue
        if item.garment is not None and item.garment == other:
            text = f"{what}: misma prenda" if es else f"{what}: same garment"
        elif item.garment is not None and other is not None:
            there = _label(garments, other, lang, ("", ""))
            text = (
                f"{what} en la ficha, {there} en los restos (mismo tipo)"
                if es
                else f"{what} in the report, {there} on the remains (same kind)"
            )
        else:
            text = what
        if item.colour is not None and other_colour is not None:
            if item.colour == other_colour:
                colour = colours[item.colour].label(lang)
                text += f", mismo color ({colour})" if es else f", same colour ({colour})"
            elif colour_agreement()[colours.keys.index(item.colour), index.g_colour[row]] > 0:
                text += ", color parecido" if es else ", similar colour"
        texts.append(text + _shared_suffix(shared, lang))
    return Reason("clothing", float(rows[best]), texts[0], texts[1])


def _conflict_reasons(case: MissingPerson, index: RemainsIndex, i: int) -> list[Reason]:
    a, b = int(index.m_ptr[i]), int(index.m_ptr[i + 1])
    c, d = int(index.g_ptr[i]), int(index.g_ptr[i + 1])
    marks, garments = unmatched(case, index, a, b, c, d)
    out = []
    if marks.any():
        n = int((marks > 0).sum())
        out.append(
            Reason(
                "conflicts",
                -float(marks.sum()),
                f"en contra: {n} seña(s) en los restos que la ficha no menciona",
                f"against: {n} mark(s) on the remains not in the report",
            )
        )
    if garments.any():
        n = int((garments > 0).sum())
        out.append(
            Reason(
                "conflicts",
                -float(garments.sum()),
                f"en contra: {n} prenda(s) en los restos que la ficha no describe",
                f"against: {n} garment(s) on the remains not in the report",
            )
        )
    readable = float(index.skin_readable[i])
    if readable > 0:
        absent = [
            m
            for m in case.marks
            if is_skin(m) and not (kind_place_agreement(m, index, a, b) >= 0.25).any()
        ]
        if absent:
            n = len(absent)
            out.append(
                Reason(
                    "conflicts",
                    -W_ABSENT_MARK * readable * n,
                    f"en contra: {n} seña(s) de la ficha no vistas en la piel de los restos",
                    f"against: {n} mark(s) in the report not seen on the remains' skin",
                )
            )
    return out


def explain(
    case: MissingPerson, index: RemainsIndex, i: int, components: dict[str, float]
) -> list[Reason]:
    """The reasons for the score of one pair, largest first, then those against.

    Args:
        case: the missing person.
        index: the remains.
        i: the position of the remains record in the index.
        components: the pair's score components (from :func:`recuento.match.rank.score_all`).

    Returns:
        A list of :class:`~recuento.match.rank.Reason`.
    """
    reasons = [r for r in (_mark_reason(m, index, i) for m in case.marks) if r is not None]
    reasons += [r for r in (_garment_reason(g, index, i) for g in case.clothing) if r is not None]
    if components["dental"] > 0:
        shared = index.dental.shared(index.dental.query(case.dental), i)
        reasons.append(
            Reason(
                "dental",
                components["dental"],
                "notas dentales en común: " + _words(shared, "es"),
                "shared dental notes: " + _words(shared, "en"),
            )
        )
    if components["distance"] > 0:
        distance = distance_km(case, index)[i]
        if math.isnan(distance):
            reasons.append(Reason("distance", components["distance"], "mismo lugar", "same place"))
        else:
            km = f"{distance:.0f}"
            reasons.append(
                Reason(
                    "distance",
                    components["distance"],
                    f"hallada a {km} km de donde fue vista",
                    f"found {km} km from where she was last seen",
                )
            )
    if components["time"] > 0:
        months = f"{gap_days(case, index)[i] / 30.44:.0f}"
        reasons.append(
            Reason(
                "time",
                components["time"],
                f"hallada {months} meses después",
                f"found {months} months later",
            )
        )
    if components["age"] > 0:
        reasons.append(
            Reason("age", components["age"], "rangos de edad compatibles", "age ranges overlap")
        )
    if components["height"] > 0:
        reasons.append(
            Reason(
                "height",
                components["height"],
                "rangos de estatura compatibles",
                "height ranges overlap",
            )
        )
    reasons += _conflict_reasons(case, index, i)
    reasons.sort(key=lambda r: -r.points)
    return reasons
