"""Writing a list's records the way its source writes them.

:func:`render_columns` turns a :class:`~recuento.simulate.corrupt.Draft` into text columns
under the style's headers: names in one column (in speaking order or surnames first) or
split, in title case with accents or in capitals without them, dates in the style's
formats, sex with the style's labels, the place as colonia and municipio columns or as
one ``Lugar`` text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from recuento.simulate.corrupt import Draft
from recuento.simulate.population import Population
from recuento.simulate.styles import DATE_FORMATS, ListStyle
from recuento.simulate.vocab import FEMALE

MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def _upper_ascii(text: str) -> str:
    """Capitals without accents, keeping Ñ (as Mexican administrative lists write)."""
    text = text.upper().replace("Ñ", "\0")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\0", "Ñ")


def _cased(values: list[str], case: str) -> list[str]:
    if case == "upper_ascii":
        return [_upper_ascii(v) for v in values]
    if case == "upper":
        return [v.upper() for v in values]
    return values


def _join(a: str, b: str, c: str) -> str:
    if a and b and c:
        return f"{a} {b} {c}"
    return " ".join(p for p in (a, b, c) if p)


def _format_one(day: int, fmt: str, precision: int, swapped: bool) -> str:
    if precision == 0:
        return ""
    date = dt.date.fromordinal(_EPOCH + day)
    y, m, d = date.year, date.month, date.day
    if precision == 1:
        return str(y)
    if swapped:
        m, d = d, m
    if fmt == "iso":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if fmt == "dmy":
        return f"{d:02d}/{m:02d}/{y:04d}"
    if fmt == "dmy_short":
        return f"{d}/{m}/{y % 100:02d}"
    if fmt == "es_long":
        return f"{d} de {MONTHS_ES[m - 1]} de {y}"
    return f"{d} {MONTHS_EN[m - 1]} {y}"  # en_long


_FORMAT_CODES = {name: i for i, name in enumerate(DATE_FORMATS)}
_EPOCH = dt.date(1970, 1, 1).toordinal()


def format_dates(
    dates: np.ndarray,
    formats: list[str],
    precision: np.ndarray | None = None,
    swapped: np.ndarray | None = None,
) -> list[str]:
    """Format ``datetime64[D]`` dates, one format name per date.

    Each distinct (date, format, precision, swap) is formatted once: a million records hold
    a few tens of thousands of distinct dates.

    Args:
        dates: the dates.
        formats: a format name of :data:`~recuento.simulate.styles.DATE_FORMATS` per date.
        precision: 3 = full date, 1 = year only, 0 = empty (default: all full).
        swapped: write day and month swapped (default: none).
    """
    n = len(dates)
    if n == 0:
        return []
    days = dates.astype(np.int64)
    codes = np.fromiter(map(_FORMAT_CODES.__getitem__, formats), dtype=np.int64, count=n)
    prec = np.full(n, 3, dtype=np.int64) if precision is None else precision.astype(np.int64)
    swap = np.zeros(n, dtype=np.int64) if swapped is None else swapped.astype(np.int64)
    keys = ((days - days.min()) * 8 + codes) * 8 + prec * 2 + swap
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    names = list(DATE_FORMATS)
    texts = np.array(
        [
            _format_one(int(days[i]), names[codes[i]], int(prec[i]), bool(swap[i]))
            for i in first.tolist()
        ],
        dtype=object,
    )
    del unique
    return texts[inverse.ravel()].tolist()


def _choose_formats(weights: Mapping[str, float], n: int, rng: np.random.Generator) -> list[str]:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=np.float64)
    return [names[i] for i in rng.choice(len(names), size=n, p=p / p.sum()).tolist()]


def render_columns(
    draft: Draft,
    style: ListStyle,
    population: Population,
    record_ids: list[str],
    rng: np.random.Generator,
) -> dict[str, list[str]]:
    """The list's columns as its source writes them, keyed by header, in column order."""
    n = len(draft)
    # Case each name part first (parts repeat, so the cache works), then join them.
    g1, g2 = _cased(draft.g1, style.case), _cased(draft.g2, style.case)
    s1, s2 = _cased(draft.s1, style.case), _cased(draft.s2, style.case)
    given = [f"{a} {b}" if b else a for a, b in zip(g1, g2, strict=True)]
    vocab = population.vocab
    colonias = vocab.colonias[population.place[draft.person]].tolist()
    forms = vocab.place_forms
    munis = [
        forms[m][k] for m, k in zip(draft.municipio, draft.municipio_form.tolist(), strict=True)
    ]
    columns: dict[str, list[str]] = {}
    for field, header in style.columns:
        if field == "id":
            values = record_ids
        elif field == "full_name":
            if style.surnames_first:
                values = [_join(a, b, g) for g, a, b in zip(given, s1, s2, strict=True)]
            else:
                values = [_join(g, a, b) for g, a, b in zip(given, s1, s2, strict=True)]
        elif field == "given_names":
            values = given
        elif field == "first_surname":
            values = s1
        elif field == "second_surname":
            values = s2
        elif field == "sex":
            female, male = style.sex_labels
            values = [female if s == FEMALE else male for s in draft.sex.tolist()]
        elif field == "birth_date":
            fmts = _choose_formats(style.birth_formats, n, rng)
            values = format_dates(draft.birth, fmts, draft.birth_precision, draft.birth_swapped)
        elif field == "age":
            values = [str(a) for a in draft.recorded_age.tolist()]
        elif field == "event_date":
            values = format_dates(draft.event, _choose_formats(style.event_formats, n, rng))
        elif field == "colonia":
            values = _cased(colonias, style.case)
        elif field == "municipio":
            values = _cased(munis, style.case)
        elif field == "place":
            prefix = rng.choice(3, size=n, p=(0.5, 0.3, 0.2)).tolist()
            heads = ("Col. ", "colonia ", "")
            values = [
                f"{heads[k]}{c}, {m}" if c != "Centro" else f"Centro, {m}"
                for c, m, k in zip(colonias, munis, prefix, strict=True)
            ]
            values = _cased(values, style.case)
        elif field == "postcode":
            values = draft.postcode
        elif field == "email":
            values = draft.email
        elif field == "curp":
            has = np.flatnonzero(rng.random(n) < style.curp_share)
            values = [""] * n
            for i, key in zip(has.tolist(), population.curp(draft.person[has]), strict=True):
                values[i] = key
        else:  # pragma: no cover - styles are checked on load
            raise ValueError(f"unknown field {field!r}")
        columns[header] = values
    return columns
