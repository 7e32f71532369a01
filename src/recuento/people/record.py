"""The standardised person record: what linkage compares.

:func:`standardise_record` turns the canonical fields of one list row (raw text, or typed
values from Excel and Parquet) into the columns of :data:`PERSON_SCHEMA`, plus the codes of
the field warnings it raised (see :mod:`recuento.lists.messages`). It never raises on a
value: a value it cannot read becomes null and a warning, never a lost row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

import pyarrow as pa

from recuento.people.ages import AgeRange, age_consistent, parse_age
from recuento.people.dates import PartialDate, parse_date, plausible
from recuento.people.missing import UNKNOWN_MARKERS, is_unknown_marker
from recuento.people.name_split import NameOrder
from recuento.people.names import standardise_name
from recuento.people.phonetic import phonetic_key
from recuento.people.places import normalise_place
from recuento.people.sex import parse_sex

SexLetters = Literal["FM", "HM"]

_STR = pa.string()
_LIST = pa.list_(pa.string())

PERSON_SCHEMA = pa.schema(
    [
        ("source", _STR),
        ("id", _STR),
        ("row", pa.int64()),
        ("full_name", _STR),
        ("given_names", _STR),
        ("first_surname", _STR),
        ("second_surname", _STR),
        ("given_std", _STR),
        ("first_surname_std", _STR),
        ("second_surname_std", _STR),
        ("given_main", _STR),
        ("given_formal", _LIST),
        ("married_surname_std", _STR),
        ("name_tokens", _LIST),
        ("initials", _STR),
        ("name_split_guessed", pa.bool_()),
        ("given_phonetic", _STR),
        ("first_surname_phonetic", _STR),
        ("second_surname_phonetic", _STR),
        ("sex", _STR),
        ("birth_date", _STR),
        ("birth_year", pa.int16()),
        ("birth_month", pa.int8()),
        ("birth_day", pa.int8()),
        ("birth_precision", _STR),
        ("age_low", pa.int16()),
        ("age_high", pa.int16()),
        ("event_date", _STR),
        ("event_year", pa.int16()),
        ("event_month", pa.int8()),
        ("event_day", pa.int8()),
        ("event_precision", _STR),
        ("age_consistent", pa.bool_()),
        ("place", _STR),
        ("place_std", _STR),
        ("postcode", _STR),
        ("curp", _STR),
        ("email", _STR),
        ("warnings", _LIST),
        ("attributes", _STR),
    ]
)
"""Columns of a standardised person record (one row per accepted list record).

Display columns (``full_name``, ``given_names``, ``first_surname``, ``second_surname``,
``place``) keep the source's spelling, tidied; ``*_std`` columns are folded for comparison;
``name_tokens`` is the split-independent set of name tokens; dates are ISO strings with
their precision (``1998``, ``1998-03``, ``1998-03-02``) and their parts; ``postcode`` is in
capitals without spaces or punctuation (``SW1A 1AA`` -> ``SW1A1AA``); ``age_low`` and
``age_high`` bound the stated age; ``warnings`` lists the codes of the row's field warnings;
``attributes`` is a JSON object of the columns that map to nothing.
"""

_CURP = re.compile(r"^[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


_MARKER_MAX_CHARS = 24  # the longest unknown-value marker, with room for spaces and dots
# Markers start (after spaces) with one of these characters or with punctuation; checking
# the first character spares the full check for most names, which are all different.
_MARKER_STARTS = frozenset(
    {m[0] for m in UNKNOWN_MARKERS if m} | {m[0].upper() for m in UNKNOWN_MARKERS if m}
)


def text_of(value: object) -> str | None:
    """A cell as text, or None when it is empty or an unknown-value marker (``N/D``...).

    Excel numbers that are whole (an id typed as ``123``) come back as ``"123"``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float):
        if value != value:  # NaN
            return None
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    else:
        text = str(value).strip()
    if not text:
        return None
    if (
        len(text) <= _MARKER_MAX_CHARS
        and (text[0] in _MARKER_STARTS or not text[0].isalnum() or not text.isascii())
        and is_unknown_marker(text)
    ):
        return None
    return text


@lru_cache(maxsize=1 << 16)
def _split_surnames(text: str) -> tuple[str | None, str | None]:
    # "LOPEZ DE LA CRUZ" in a single "apellidos" column: particles stay with their surname.
    from recuento.people.names import split_surnames

    return split_surnames(text)


@lru_cache(maxsize=1 << 18)
def _name_columns(
    full_name: str | None,
    given: str | None,
    first: str | None,
    second: str | None,
    order: NameOrder = "auto",
) -> tuple[Any, ...]:
    name = standardise_name(
        full_name=full_name,
        given_names=given,
        first_surname=first,
        second_surname=second,
        name_order=order,
    )
    display_full = full_name or " ".join(
        p for p in (name.given_names, name.first_surname, name.second_surname) if p
    )
    return (
        display_full or None,
        name.given_names,
        name.first_surname,
        name.second_surname,
        name.given_std,
        name.first_surname_std,
        name.second_surname_std,
        name.given_main,
        list(name.given_formal),
        name.married_surname_std,
        list(name.tokens),
        name.initials or None,
        name.split_guessed,
        phonetic_key(name.given_main) if name.given_main else None,
        phonetic_key(name.first_surname_std) if name.first_surname_std else None,
        phonetic_key(name.second_surname_std) if name.second_surname_std else None,
    )


_BIRTH_COLUMNS = ("birth_date", "birth_year", "birth_month", "birth_day", "birth_precision")
_EVENT_COLUMNS = ("event_date", "event_year", "event_month", "event_day", "event_precision")
_NAME_COLUMNS = (
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "given_std",
    "first_surname_std",
    "second_surname_std",
    "given_main",
    "given_formal",
    "married_surname_std",
    "name_tokens",
    "initials",
    "name_split_guessed",
    "given_phonetic",
    "first_surname_phonetic",
    "second_surname_phonetic",
)


_NO_DATE: tuple[Any, ...] = (None, None, None, None, None, None, None)


def _date(value: object, day_first: bool) -> tuple[Any, ...]:
    """(PartialDate, iso, year, month, day, precision, warning kind) for a cell."""
    if value is None:
        return _NO_DATE
    if isinstance(value, str | int | float | dt.date):
        return _date_cached(value, day_first)
    return _date_uncached(value, day_first)


@lru_cache(maxsize=1 << 17)
def _date_cached(value: object, day_first: bool) -> tuple[Any, ...]:
    return _date_uncached(value, day_first)


def _date_uncached(value: object, day_first: bool) -> tuple[Any, ...]:
    if text_of(value) is None:
        return _NO_DATE
    date = parse_date(value, day_first=day_first)
    if date is None:
        return (None, None, None, None, None, None, "unparseable")
    issue = None if plausible(date) else "implausible"
    return (date, date.iso, date.year, date.month, date.day, date.precision, issue)


@lru_cache(maxsize=4096)
def _age(value: object) -> tuple[AgeRange | None, bool]:
    """(age range, whether it was unreadable) for a hashable cell."""
    if text_of(value) is None:
        return None, False
    age = parse_age(value)
    return age, age is None


@lru_cache(maxsize=4096)
def _sex(value: object, letters: SexLetters) -> tuple[str | None, bool]:
    """(sex, whether it was unrecognised) for a hashable cell."""
    text = text_of(value)
    if text is None:
        return None, False
    sex = parse_sex(text, letters=letters)
    return sex, sex is None


@lru_cache(maxsize=1 << 16)
def _consistency(
    age: AgeRange | None, birth: PartialDate | None, event: PartialDate | None
) -> bool | None:
    return age_consistent(age, birth, event)


@lru_cache(maxsize=1 << 16)
def _place(parts: tuple[Any, ...]) -> tuple[str | None, str | None]:
    """(display place, folded place) from the place cells, most specific first."""
    texts = [t for t in (text_of(p) for p in parts) if t is not None]
    if not texts:
        return None, None
    place = ", ".join(texts)
    return place, normalise_place(place)


def standardise_record(
    fields: Mapping[str, Any],
    *,
    day_first: bool = True,
    sex_letters: SexLetters = "FM",
    name_order: NameOrder = "auto",
) -> tuple[dict[str, Any], list[str]]:
    """Standardise one record's canonical fields.

    Args:
        fields: canonical column -> raw value (``str``, a number, a date or None).
            ``place`` may be a sequence of parts, most specific first. ``surnames`` (both
            surnames in one column) is split into first and second.
        day_first: read ``03/04/1998`` as 3 April (Mexican and European practice).
        sex_letters: ``"FM"`` (F femenino, M masculino) or ``"HM"`` (H hombre, M mujer, the
            CURP's convention): what a lone letter means in this list.
        name_order: how the list writes full names (``auto``, ``given_first``,
            ``surnames_first``; see :func:`recuento.people.name_split.detect_name_order`).

    Returns:
        The record's values for every column of :data:`PERSON_SCHEMA` except ``source``,
        ``id``, ``row``, ``warnings`` and ``attributes``, and the list of warning codes.
    """
    columns = {key: [value] for key, value in fields.items()}
    if "place" in columns and isinstance(fields["place"], list | tuple):
        columns["place"] = [tuple(fields["place"])]
    out, warnings = standardise_columns(
        columns, 1, day_first=day_first, sex_letters=sex_letters, name_order=name_order
    )
    return {key: values[0] for key, values in out.items()}, warnings[0]


def standardise_columns(
    fields: Mapping[str, list[Any]],
    n: int,
    *,
    day_first: bool = True,
    sex_letters: SexLetters = "FM",
    name_order: NameOrder = "auto",
) -> tuple[dict[str, list[Any]], list[list[str]]]:
    """Standardise ``n`` records given column by column (the fast path for whole lists).

    Working a column at a time lets each field's cache answer repeated values (dates,
    places, sexes repeat heavily) without building a dictionary per record.

    Args:
        fields: canonical column -> its ``n`` raw values; ``place`` holds tuples of parts,
            most specific first. Absent columns are all-null.
        n: the number of records.
        day_first, sex_letters, name_order: as for :func:`standardise_record`.

    Returns:
        Column -> ``n`` values (every column of :data:`PERSON_SCHEMA` except ``source``,
        ``id``, ``row``, ``warnings`` and ``attributes``), and each record's warning codes.
    """
    nothing: list[Any] = [None] * n
    warnings: list[list[str]] = [[] for _ in range(n)]
    out: dict[str, list[Any]] = {}

    full = [text_of(v) for v in fields.get("full_name", nothing)]
    given = [text_of(v) for v in fields.get("given_names", nothing)]
    first = [text_of(v) for v in fields.get("first_surname", nothing)]
    second = [text_of(v) for v in fields.get("second_surname", nothing)]
    if "surnames" in fields:
        for i, value in enumerate(fields["surnames"]):
            text = text_of(value)
            if text is not None and first[i] is None and second[i] is None:
                first[i], second[i] = _split_surnames(text)
    names = [
        _name_columns(*parts, name_order) for parts in zip(full, given, first, second, strict=True)
    ]
    for column, values in zip(_NAME_COLUMNS, zip(*names, strict=True), strict=True):
        out[column] = list(values)
    if n == 0:
        out.update({column: [] for column in _NAME_COLUMNS})

    sexes = [_sex(v, sex_letters) for v in fields.get("sex", nothing)]
    out["sex"] = [s for s, _ in sexes]
    for i, (_, unrecognised) in enumerate(sexes):
        if unrecognised:
            warnings[i].append("unrecognised_sex")

    parsed_dates = {}
    for kind, columns in (("birth", _BIRTH_COLUMNS), ("event", _EVENT_COLUMNS)):
        results = [_date(v, day_first) for v in fields.get(f"{kind}_date", nothing)]
        parsed_dates[kind] = [r[0] for r in results]
        for j, column in enumerate(columns, start=1):
            out[column] = [r[j] for r in results]
        for i, r in enumerate(results):
            if r[6] is not None:
                warnings[i].append(f"{r[6]}_{kind}_date")

    ages = [_age(v) for v in fields.get("age", nothing)]
    out["age_low"] = [a.low if a else None for a, _ in ages]
    out["age_high"] = [a.high if a else None for a, _ in ages]
    consistent: list[bool | None] = [None] * n
    births, events = parsed_dates["birth"], parsed_dates["event"]
    for i in range(n):
        age, unreadable = ages[i]
        birth, event = births[i], events[i]
        if unreadable:
            warnings[i].append("unparseable_age")
        if birth is not None and event is not None and birth.earliest() > event.latest():
            warnings[i].append("birth_after_event")
        if age is not None and birth is not None and event is not None:
            consistent[i] = _consistency(age, birth, event)
            if consistent[i] is False:
                warnings[i].append("age_inconsistent")
    out["age_consistent"] = consistent

    places = [_place(p if isinstance(p, tuple) else (p,)) for p in fields.get("place", nothing)]
    out["place"] = [p for p, _ in places]
    out["place_std"] = [s for _, s in places]

    out["postcode"] = [standardise_postcode(v) for v in fields.get("postcode", nothing)]
    out["curp"] = _identifier(fields.get("curp", nothing), _curp, "malformed_curp", warnings)
    out["email"] = _identifier(fields.get("email", nothing), _email, "malformed_email", warnings)
    return out, warnings


_POSTCODE_PREFIX = re.compile(r"^CP(?=\d+$)")


@lru_cache(maxsize=1 << 16)
def standardise_postcode(value: object) -> str | None:
    """A postcode in capitals, letters and digits only: ``sw1a 1aa`` -> ``SW1A1AA``.

    A leading ``C.P.`` before the digits (Mexican practice) goes: ``C.P. 32000`` -> ``32000``.
    """
    text = text_of(value)
    if text is None:
        return None
    folded = unicodedata.normalize("NFKD", text.upper())
    kept = "".join(c for c in folded if c.isascii() and c.isalnum())
    return _POSTCODE_PREFIX.sub("", kept) or None


def _curp(text: str) -> tuple[str, bool]:
    value = text.upper().replace(" ", "")
    return value, _CURP.match(value) is not None


def _email(text: str) -> tuple[str, bool]:
    value = text.lower()
    return value, _EMAIL.match(value) is not None


def _identifier(
    values: list[Any],
    normalise: Any,
    warning: str,
    warnings: list[list[str]],
) -> list[str | None]:
    out: list[str | None] = []
    for i, value in enumerate(values):
        text = text_of(value)
        if text is None:
            out.append(None)
            continue
        normalised, well_formed = normalise(text)
        if not well_formed:
            warnings[i].append(warning)
        out.append(normalised)
    return out
