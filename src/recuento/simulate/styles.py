"""How each source writes its records: headers, name layout, date formats, error profile.

A :class:`ListStyle` describes one kind of source (a newspaper, an NGO, a prosecutor's
office, families' reports, an English-language register). Scenarios
(:mod:`recuento.simulate.scenarios`) give each list a style. The error *kinds* are listed in
:data:`ERROR_KINDS`; a style multiplies the base rate of each kind (a prosecutor's list
rarely has nicknames, a newspaper often drops the maternal surname).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from recuento.errors import RecuentoError


class SimulationError(RecuentoError):
    """A simulation request is not valid (unknown scenario, bad rate, existing file...)."""


ERROR_KINDS: dict[str, str] = {
    "nickname": "given name replaced by a nickname (Lupita for Guadalupe, Chuy for Jesús)",
    "abbreviation": "a given-name element abbreviated (Ma. for María, Gpe. for Guadalupe)",
    "drop_given": "one element of a compound given name dropped (María Guadalupe -> Guadalupe)",
    "typo": "a spelling error in one name element (v/b, s/z, ll/y, missing h, keyboard slips)",
    "missing_second_surname": "maternal surname left out",
    "swapped_surnames": "paternal and maternal surnames in the wrong order",
    "married_surname": "married form: 'de' and the husband's surname (women of 18 or more)",
    "birth_year_only": "birth date recorded with its year only",
    "birth_missing": "birth date left empty",
    "day_month_swap": "day and month of the birth date swapped (when the day is 12 or less)",
    "age_off_by_one": "age recorded one year more or less than the true age",
    "event_shift": "event date off by weeks or months",
    "place_variant": "municipio written in a variant form (Cd. Juárez, Juárez, Juarez, Chih.)",
    "surname_changed": "surname replaced by another, as on marriage (English naming, women 18+)",
    "moved": "postcode of another address (a move), usually in the same postcode area",
    "email_changed": "another e-mail address (another provider or form of the name)",
}
"""Error kinds a record can carry, with what each does. Bit ``i`` of a record's error mask
is kind ``i`` in this order."""

ERROR_BIT: dict[str, int] = {kind: 1 << i for i, kind in enumerate(ERROR_KINDS)}

DEFAULT_ERROR_RATE = 0.05
"""The base rate of ``simulate_lists(error_rate=...)`` when none is given."""

KIND_WEIGHTS: dict[str, float] = {
    "nickname": 1.0,
    "abbreviation": 1.0,
    "drop_given": 2.0,
    "typo": 1.2,
    "missing_second_surname": 1.6,
    "swapped_surnames": 0.4,
    "married_surname": 1.6,
    "birth_year_only": 1.6,
    "birth_missing": 1.0,
    "day_month_swap": 0.6,
    "age_off_by_one": 2.0,
    "event_shift": 2.0,
    "place_variant": 4.0,
    "surname_changed": 1.0,
    "moved": 2.0,
    "email_changed": 2.0,
}
"""Rate of each kind relative to the base rate: with ``error_rate=r`` a kind's rate is
``r * KIND_WEIGHTS[kind] * style multiplier`` (capped at 1), among eligible records."""

DATE_FORMATS: dict[str, str] = {
    "iso": "1998-03-07",
    "dmy": "07/03/1998",
    "dmy_short": "7/3/98",
    "es_long": "7 de marzo de 1998",
    "en_long": "7 March 1998",
}
"""Full-precision date formats a style may use (partial dates come from errors)."""

FILE_FORMATS: dict[str, str] = {
    "csv": "CSV, UTF-8, comma-separated",
    "csv-bom": "CSV, UTF-8 with a byte-order mark, comma-separated",
    "csv-cp1252": "CSV, Windows-1252 (Latin-1 superset), semicolon-separated",
    "xlsx": "Excel workbook (one sheet)",
}
"""File formats :func:`recuento.simulate.write_lists` can write."""

FIELDS = (
    "id", "full_name", "given_names", "first_surname", "second_surname", "sex",
    "birth_date", "age", "event_date", "place", "colonia", "municipio", "curp", "postcode",
    "email",
)  # fmt: skip
"""Fields a style may give a column; ``place`` joins colonia and municipio in one column. In
the UK setting ``colonia`` is the local group and ``municipio`` the town."""


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ListStyle:
    """The recording habits of one source.

    Attributes:
        name: the style's name.
        columns: ``(field, header)`` pairs in column order; fields from :data:`FIELDS`.
        surnames_first: a ``full_name`` column writes surnames first (``GARCIA LOPEZ MARIA``).
        case: ``"title"`` (as spoken, with accents), ``"upper"`` or ``"upper_ascii"``
            (capitals without accents; Ñ kept).
        birth_formats, event_formats: date format name -> share of records.
        sex_labels: how the column writes (female, male).
        event_delay: (share of records, mean days): the source dates the event later than
            it happened (a finding, a news story), by an exponential delay.
        duplicate_rate: share of the list's persons recorded twice.
        error_multipliers: error kind -> multiplier of its base rate (default 1).
        id_format: ``str.format`` pattern for record ids, given the record number.
        curp_share: share of records that carry a CURP (when there is a ``curp`` column).
        file_format: default file format (see :data:`FILE_FORMATS`).
        language: ``"es"`` or ``"en"`` (month names in long dates).
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    surnames_first: bool = False
    case: str = "title"
    birth_formats: Mapping[str, float] = field(default_factory=lambda: _frozen({"iso": 1.0}))
    event_formats: Mapping[str, float] = field(default_factory=lambda: _frozen({"iso": 1.0}))
    sex_labels: tuple[str, str] = ("F", "M")
    event_delay: tuple[float, float] = (0.0, 0.0)
    duplicate_rate: float = 0.02
    error_multipliers: Mapping[str, float] = field(default_factory=lambda: _frozen({}))
    id_format: str = "{:d}"
    curp_share: float = 0.0
    file_format: str = "csv"
    language: str = "es"

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields this style writes, in column order."""
        return tuple(f for f, _ in self.columns)

    @property
    def headers(self) -> tuple[str, ...]:
        """The headers this style writes, in column order."""
        return tuple(h for _, h in self.columns)

    def has(self, name: str) -> bool:
        """Whether this style writes field ``name``."""
        return name in self.fields

    def multiplier(self, kind: str) -> float:
        """The multiplier of error kind ``kind`` for this style."""
        return float(self.error_multipliers.get(kind, 1.0))


PRENSA = ListStyle(
    name="prensa",
    columns=(("id", "No."), ("full_name", "Nombre"), ("age", "Edad"), ("event_date", "Fecha"),
             ("place", "Lugar")),
    event_formats=_frozen({"es_long": 0.7, "dmy": 0.3}),
    event_delay=(1.0, 4.0),
    duplicate_rate=0.03,
    error_multipliers=_frozen({"nickname": 1.5, "missing_second_surname": 3.0,
                               "drop_given": 1.5, "age_off_by_one": 2.0, "event_shift": 0.5,
                               "married_surname": 0.8}),
    file_format="csv",
)  # fmt: skip
"""A newspaper's count: one name column in speaking order, age, approximate date."""

ONG = ListStyle(
    name="ong",
    columns=(("id", "Folio"), ("given_names", "Nombre(s)"), ("first_surname", "Apellido paterno"),
             ("second_surname", "Apellido materno"), ("sex", "Sexo"),
             ("birth_date", "Fecha de nacimiento"), ("age", "Edad"),
             ("event_date", "Fecha de desaparición"), ("colonia", "Colonia"),
             ("municipio", "Municipio")),
    birth_formats=_frozen({"iso": 0.6, "dmy": 0.4}),
    event_formats=_frozen({"dmy": 1.0}),
    duplicate_rate=0.02,
    error_multipliers=_frozen({"nickname": 2.0, "birth_year_only": 2.5, "birth_missing": 2.0}),
    id_format="ONG-{:04d}",
    file_format="xlsx",
)  # fmt: skip
"""An NGO's case files: split name columns, nicknames, partial birth dates."""

FISCALIA = ListStyle(
    name="fiscalia",
    columns=(("id", "EXPEDIENTE"), ("full_name", "NOMBRE"), ("sex", "SEXO"),
             ("birth_date", "FECHA NAC"), ("age", "EDAD"), ("event_date", "FECHA HECHOS"),
             ("colonia", "COLONIA"), ("municipio", "MUNICIPIO"), ("curp", "CURP")),
    surnames_first=True,
    case="upper_ascii",
    birth_formats=_frozen({"dmy": 1.0}),
    event_formats=_frozen({"dmy": 1.0}),
    sex_labels=("MUJER", "HOMBRE"),
    event_delay=(0.5, 45.0),
    duplicate_rate=0.01,
    error_multipliers=_frozen({"nickname": 0.1, "abbreviation": 2.0, "typo": 1.5,
                               "married_surname": 0.5, "birth_missing": 0.5}),
    id_format="CI-{:06d}",
    curp_share=0.35,
    file_format="csv-cp1252",
)  # fmt: skip
"""The prosecutor's list: capitals without accents, surnames first, dd/mm/yyyy, the date
the case was opened or the body found."""

FAMILIAS = ListStyle(
    name="familias",
    columns=(("id", "Registro"), ("given_names", "Nombres"), ("first_surname", "Primer apellido"),
             ("second_surname", "Segundo apellido"), ("sex", "Sexo"),
             ("birth_date", "Fecha de nacimiento"), ("event_date", "Fecha de desaparición"),
             ("place", "Lugar")),
    birth_formats=_frozen({"es_long": 0.5, "dmy_short": 0.5}),
    event_formats=_frozen({"es_long": 0.4, "dmy": 0.6}),
    sex_labels=("mujer", "hombre"),
    duplicate_rate=0.04,
    error_multipliers=_frozen({"nickname": 2.5, "typo": 0.6, "married_surname": 0.5,
                               "event_shift": 0.3}),
    id_format="FAM-{:04d}",
    file_format="csv-bom",
)  # fmt: skip
"""Families' reports: the date of disappearance, names as the family says them."""

ENGLISH = ListStyle(
    name="english",
    columns=(("id", "Record ID"), ("given_names", "First name"), ("first_surname", "Surname"),
             ("second_surname", "Second surname"), ("sex", "Sex"), ("birth_date", "DOB"),
             ("age", "Age"), ("event_date", "Date"), ("place", "Place")),
    birth_formats=_frozen({"iso": 1.0}),
    event_formats=_frozen({"en_long": 0.5, "iso": 0.5}),
    sex_labels=("female", "male"),
    duplicate_rate=0.02,
    id_format="R{:05d}",
    language="en",
    file_format="csv",
)  # fmt: skip
"""A register kept in English (a foreign NGO or a consular list)."""

UK_MOVEMENT = ListStyle(
    name="uk_movement",
    columns=(("id", "Membership number"), ("given_names", "First name"),
             ("first_surname", "Last name"), ("birth_date", "Date of birth"),
             ("postcode", "Postcode"), ("email", "Email"), ("colonia", "Local group"),
             ("event_date", "Joined")),
    birth_formats=_frozen({"dmy": 1.0}),
    event_formats=_frozen({"dmy": 1.0}),
    duplicate_rate=0.01,
    error_multipliers=_frozen({"nickname": 1.5, "birth_missing": 0.5}),
    id_format="M{:06d}",
    language="en",
    file_format="csv",
)  # fmt: skip
"""A movement's own roll of members (kept by volunteers in a spreadsheet)."""

UK_PARTY = ListStyle(
    name="uk_party",
    columns=(("id", "Member ID"), ("given_names", "Forename"), ("first_surname", "Surname"),
             ("birth_date", "DOB"), ("postcode", "Postcode"), ("email", "Email address"),
             ("event_date", "Join date")),
    birth_formats=_frozen({"iso": 1.0}),
    event_formats=_frozen({"iso": 1.0}),
    duplicate_rate=0.005,
    error_multipliers=_frozen({"nickname": 0.3, "abbreviation": 0.5, "typo": 0.5,
                               "birth_missing": 0.2, "birth_year_only": 0.1}),
    id_format="A{:07d}",
    language="en",
    file_format="csv",
)  # fmt: skip
"""A party's membership roll: formal names, ISO dates, few errors."""

UK_EXPELLED = ListStyle(
    name="uk_expelled",
    columns=(("id", "Case no."), ("full_name", "Name"), ("birth_date", "Date of birth"),
             ("postcode", "Postcode"), ("event_date", "Date expelled")),
    birth_formats=_frozen({"dmy": 0.5, "en_long": 0.5}),
    event_formats=_frozen({"en_long": 1.0}),
    event_delay=(1.0, 400.0),
    duplicate_rate=0.0,
    id_format="X{:05d}",
    language="en",
    file_format="xlsx",
)  # fmt: skip
"""A party's list of expelled members: one name column, the date of the expulsion."""

STYLES: dict[str, ListStyle] = {
    s.name: s
    for s in (PRENSA, ONG, FISCALIA, FAMILIAS, ENGLISH, UK_MOVEMENT, UK_PARTY, UK_EXPELLED)
}
"""Every built-in style by name."""


def check_style(style: ListStyle) -> list[str]:
    """Problems with a style definition (empty when it is usable)."""
    problems = []
    fields = style.fields
    if not fields or fields[0] != "id":
        problems.append(f"style {style.name!r}: the first column must be the id")
    for f in fields:
        if f not in FIELDS:
            problems.append(f"style {style.name!r}: unknown field {f!r}")
    if "full_name" not in fields and "given_names" not in fields:
        problems.append(f"style {style.name!r}: needs full_name or given_names")
    for kind in style.error_multipliers:
        if kind not in ERROR_KINDS:
            problems.append(f"style {style.name!r}: unknown error kind {kind!r}")
    for fmt in (*style.birth_formats, *style.event_formats):
        if fmt not in DATE_FORMATS:
            problems.append(f"style {style.name!r}: unknown date format {fmt!r}")
    if style.file_format not in FILE_FORMATS:
        problems.append(f"style {style.name!r}: unknown file format {style.file_format!r}")
    return problems
