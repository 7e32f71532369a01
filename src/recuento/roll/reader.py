"""Reading a membership roll: the list reader, then the roll's own columns.

:func:`read_roll` reads the file with :func:`recuento.lists.reader.read_list` (any format,
every row accepted or rejected with its reason), then takes from each accepted record the
columns a roll has besides a person's: the local group, the join date, the end date of the
current term, the postcode. Headers are recognised in English and Spanish (see
:data:`ROLL_COLUMNS`; matching is on the folded header: lower case, no accents or
punctuation). A record without a readable join date is rejected with the reason
``no_join_date``: read = accepted + rejected still holds.

Dates are read as the list reader reads them (ISO, ``dd/mm/yyyy``...); a date known only to
the month or the year is taken as its first day, and counted in ``partial_dates``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recuento.lists.mapping import fold_header
from recuento.lists.reader import ListResult, read_list
from recuento.people.dates import parse_date

ROLL_COLUMNS: dict[str, tuple[str, ...]] = {
    "join": (
        "joined", "join date", "date joined", "joining date", "member since", "start date",
        "fecha de alta", "alta", "fecha de ingreso", "fecha de afiliacion", "ingreso",
    ),
    "end": (
        "end date", "expiry", "expiry date", "expires", "expiration date", "renewal date",
        "paid until", "fecha de vencimiento", "vencimiento", "vence", "fecha de baja",
    ),
    "group": (
        "local group", "group", "branch", "local", "grupo local", "grupo", "asamblea local",
        "nucleo", "seccion",
    ),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "codigo postal", "cp"),
}  # fmt: skip
"""Roll field -> the folded headers read as it (columns kept as attributes by the reader)."""

REJECT_REASONS: dict[str, tuple[str, str]] = {
    "no_join_date": (
        "no readable join date (a column such as Joined or Fecha de alta)",
        "sin fecha de alta legible (una columna como Joined o Fecha de alta)",
    ),
}
"""The roll's own reject reasons -> (English, Spanish), besides the list reader's."""


@dataclass(frozen=True)
class RollMember:
    """One accepted member of the roll (personal values: never log them).

    Attributes:
        member_id: the roll's id.
        full_name: the name as written (or rebuilt from its parts).
        birth_date: as standardised (ISO, possibly partial), "" if none.
        email, postcode, group: "" when absent.
        join, end: the dates (end None: no end date).
        row: the line or row of the file.
    """

    member_id: str
    full_name: str
    birth_date: str
    email: str
    postcode: str
    group: str
    join: dt.date
    end: dt.date | None
    row: int


@dataclass
class RollRead:
    """What reading a roll produced.

    Attributes:
        list_result: the list reader's result (format, header, mapping, its rejects).
        members: the accepted members.
        rejects: (line or row, reason code) of every rejected row, the reader's and ours.
        partial_dates: how many join or end dates were known only to the month or year.
        columns: roll field -> the header it was read from.
    """

    list_result: ListResult
    members: list[RollMember] = field(default_factory=list)
    rejects: list[tuple[int, str]] = field(default_factory=list)
    partial_dates: int = 0
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return self.list_result.read

    @property
    def accepted(self) -> int:
        return len(self.members)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def rejects_by_reason(self) -> Counter[str]:
        return Counter(reason for _, reason in self.rejects)


def _day(value: Any) -> tuple[dt.date | None, bool]:
    parsed = parse_date(value) if value not in (None, "") else None
    if parsed is None:
        return None, False
    partial = parsed.month is None or parsed.day is None
    return dt.date(parsed.year, parsed.month or 1, parsed.day or 1), partial


_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


def _display_postcode(postcode: str | None) -> str:
    """A normalised postcode as written: UK postcodes get their space back (SW1A 1AA)."""
    if not postcode:
        return ""
    return _UK_POSTCODE.sub(r"\1 \2", postcode)


def _find(attributes: dict[str, Any], wanted: tuple[str, ...]) -> str | None:
    for header in attributes:
        if fold_header(header) in wanted:
            return header
    return None


def read_roll(path: Path, *, name: str | None = None, **options: Any) -> RollRead:
    """Read a membership roll.

    Args:
        path: the file (CSV, XLSX, Parquet...).
        name: the list's name (the file stem if None).
        options: passed to :func:`recuento.lists.reader.read_list` (``mapping``,
            ``workers``...).

    Raises:
        recuento.errors.RecuentoError: the file cannot be read as a list (the reader's
            errors, which name the file, never a value).
    """
    result = read_list(path, name=name, **options)
    out = RollRead(result, rejects=[(r.number, r.reason) for r in result.rejects])
    header_of: dict[str, str | None] = {}
    table = result.table
    ids = table.column("id").to_pylist()
    names = table.column("full_name").to_pylist()
    given = table.column("given_names").to_pylist()
    first = table.column("first_surname").to_pylist()
    second = table.column("second_surname").to_pylist()
    births = table.column("birth_date").to_pylist()
    emails = table.column("email").to_pylist()
    # The list reader maps a postcode column (normalised: SW1A1AA); a mapping file that
    # keeps it as an attribute leaves it among the attributes, read as before.
    postcodes = table.column("postcode").to_pylist()
    mapped = result.mapping.columns.get("postcode")
    if mapped:
        header_of["postcode"] = result.mapping.header[mapped[0]]
    rows = table.column("row").to_pylist()
    event_dates = table.column("event_date").to_pylist()
    for k, raw in enumerate(table.column("attributes").to_pylist()):
        attributes: dict[str, Any] = json.loads(raw) if raw else {}
        for key in ROLL_COLUMNS:
            if header_of.get(key) is None:
                header_of[key] = _find(attributes, ROLL_COLUMNS[key])

        def value(key: str, attributes: dict[str, Any] = attributes) -> Any:
            header = header_of.get(key)
            return attributes.get(header) if header is not None else None

        join, partial_join = _day(value("join"))
        if join is None and event_dates[k]:
            # A roll whose only date column is mapped as the event date ("Date").
            join, partial_join = _day(event_dates[k])
            header_of.setdefault("join", "event_date")
        if join is None:
            out.rejects.append((int(rows[k]), "no_join_date"))
            continue
        end, partial_end = _day(value("end"))
        out.partial_dates += int(partial_join) + int(partial_end)
        full = names[k] or " ".join(p for p in (given[k], first[k], second[k]) if p)
        out.members.append(
            RollMember(
                member_id=str(ids[k]),
                full_name=full or "",
                birth_date=births[k] or "",
                email=emails[k] or "",
                postcode=_display_postcode(postcodes[k])
                if mapped
                else str(value("postcode") or "").strip(),
                group=str(value("group") or "").strip(),
                join=join,
                end=end,
                row=int(rows[k]),
            )
        )
    out.columns = {k: v for k, v in header_of.items() if v is not None}
    out.rejects.sort()
    return out
