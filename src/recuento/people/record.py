"""The standardised person record: what linkage compares.

:func:`standardise_record` turns the canonical fields of one list row (raw text, or typed
values from Excel and Parquet) into the columns of :data:`PERSON_SCHEMA`, plus the codes of
the field warnings it raised (see :mod:`recuento.lists.messages`). It never raises on a
value: a value it cannot read becomes null and a warning, never a lost row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pyarrow as pa

from recuento.people.ages import AgeRange, age_consistent, parse_age
from recuento.people.dates import PartialDate, parse_date, plausible
from recuento.people.missing import is_unknown_marker
from recuento.people.names import standardise_name
from recuento.people.phonetic import phonetic_key
from recuento.people.places import normalise_place
from recuento.people.sex import parse_sex

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
their precision (``1998``, ``1998-03``, ``1998-03-02``) and their parts; ``age_low`` and
``age_high`` bound the stated age; ``warnings`` lists the codes of the row's field warnings;
``attributes`` is a JSON object of the columns that map to nothing.
"""

_CURP = re.compile(r"^[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        text = value.isoformat()
    else:
        text = str(value).strip()
    if not text or is_unknown_marker(text):
        return None
    return text


def has_name(fields: Mapping[str, Any]) -> bool:
    """Whether the canonical fields carry a name of any kind."""
    return any(
        text_of(fields.get(k)) is not None
        for k in ("full_name", "given_names", "first_surname", "second_surname", "surnames")
    )


@lru_cache(maxsize=1 << 16)
def _split_surnames(text: str) -> tuple[str | None, str | None]:
    # "LOPEZ DE LA CRUZ" in a single "apellidos" column: reuse the name splitter by giving it
    # a placeholder given name, so that particles stay with their surname.
    from recuento.people.names import split_full_name

    _, first, second = split_full_name(f"X {text}")
    return first, second


@lru_cache(maxsize=1 << 18)
def _name_columns(
    full_name: str | None, given: str | None, first: str | None, second: str | None
) -> tuple[Any, ...]:
    name = standardise_name(
        full_name=full_name, given_names=given, first_surname=first, second_surname=second
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


def _date(
    value: object, kind: str, day_first: bool, out: dict[str, Any], warnings: list[str]
) -> PartialDate | None:
    date: PartialDate | None = None
    if text_of(value) is not None:
        date = _parse_date_cached(value, day_first) if _hashable(value) else None
        if date is None:
            warnings.append(f"unparseable_{kind}_date")
        elif not plausible(date):
            warnings.append(f"implausible_{kind}_date")
    out[f"{kind}_date"] = date.iso if date else None
    out[f"{kind}_year"] = date.year if date else None
    out[f"{kind}_month"] = date.month if date else None
    out[f"{kind}_day"] = date.day if date else None
    out[f"{kind}_precision"] = date.precision if date else None
    return date


def _hashable(value: object) -> bool:
    return isinstance(value, str | int | float | dt.date | dt.datetime)


@lru_cache(maxsize=1 << 16)
def _parse_date_cached(value: object, day_first: bool) -> PartialDate | None:
    return parse_date(value, day_first=day_first)


@lru_cache(maxsize=4096)
def _parse_age_cached(value: object) -> AgeRange | None:
    return parse_age(value)


@lru_cache(maxsize=4096)
def _parse_sex_cached(text: str) -> str | None:
    return parse_sex(text)


@lru_cache(maxsize=1 << 16)
def _place_std(text: str) -> str | None:
    return normalise_place(text)


def standardise_record(
    fields: Mapping[str, Any], *, day_first: bool = True
) -> tuple[dict[str, Any], list[str]]:
    """Standardise one record's canonical fields.

    Args:
        fields: canonical column -> raw value (``str``, a number, a date or None).
            ``place`` may be a sequence of parts, most specific first. ``surnames`` (both
            surnames in one column) is split into first and second.
        day_first: read ``03/04/1998`` as 3 April (Mexican and European practice).

    Returns:
        The record's values for every column of :data:`PERSON_SCHEMA` except ``source``,
        ``id``, ``row``, ``warnings`` and ``attributes``, and the list of warning codes.
    """
    warnings: list[str] = []
    out: dict[str, Any] = {}

    first = text_of(fields.get("first_surname"))
    second = text_of(fields.get("second_surname"))
    surnames = text_of(fields.get("surnames"))
    if surnames is not None and first is None and second is None:
        first, second = _split_surnames(surnames)
    name_values = _name_columns(
        text_of(fields.get("full_name")), text_of(fields.get("given_names")), first, second
    )
    out.update(zip(_NAME_COLUMNS, name_values, strict=True))

    sex_text = text_of(fields.get("sex"))
    sex = _parse_sex_cached(sex_text) if sex_text is not None else None
    if sex_text is not None and sex is None:
        warnings.append("unrecognised_sex")
    out["sex"] = sex

    birth = _date(fields.get("birth_date"), "birth", day_first, out, warnings)
    event = _date(fields.get("event_date"), "event", day_first, out, warnings)
    if birth is not None and event is not None and birth.earliest() > event.latest():
        warnings.append("birth_after_event")

    age_value = fields.get("age")
    age: AgeRange | None = None
    if text_of(age_value) is not None:
        age = _parse_age_cached(age_value) if _hashable(age_value) else None
        if age is None:
            warnings.append("unparseable_age")
    out["age_low"] = age.low if age else None
    out["age_high"] = age.high if age else None
    consistent = age_consistent(age, birth, event)
    out["age_consistent"] = consistent
    if consistent is False:
        warnings.append("age_inconsistent")

    place_value = fields.get("place")
    parts = place_value if isinstance(place_value, list | tuple) else [place_value]
    place_texts = [t for t in (text_of(p) for p in parts) if t is not None]
    place = ", ".join(place_texts) if place_texts else None
    out["place"] = place
    out["place_std"] = _place_std(place) if place else None

    curp = text_of(fields.get("curp"))
    if curp is not None:
        curp = curp.upper().replace(" ", "")
        if not _CURP.match(curp):
            warnings.append("malformed_curp")
    out["curp"] = curp
    email = text_of(fields.get("email"))
    if email is not None:
        email = email.lower()
        if not _EMAIL.match(email):
            warnings.append("malformed_email")
    out["email"] = email
    return out, warnings
