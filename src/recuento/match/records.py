"""The matching interchange format: missing persons and unidentified remains as CSV.

Two files, one row per record, UTF-8, comma-separated, with a header (column order is free;
further columns are ignored):

* ``missing.csv``: ``id, sex, age_min, age_max, height_min_cm, height_max_cm,
  last_seen_date, last_seen_place, lat, lon, marks, clothing`` (age at disappearance);
* ``remains.csv``: ``id, sex, age_min, age_max, height_min_cm, height_max_cm, found_date,
  found_place, lat, lon, condition, marks, clothing`` (age as estimated when found).

Optional columns in both: ``dental`` (free-text dental notes), ``eyes`` and ``hair`` (read
and kept, never used to exclude); in remains, ``pmi_min_days`` and ``pmi_max_days`` (the
estimated post-mortem interval). Any cell may be empty, and an empty cell never excludes.

``marks`` holds items separated by ``;``, each ``type|body_part|side|description``
(``tatuaje|antebrazo|izquierdo|rosa con el nombre Lupita``); ``clothing`` holds items
``garment|colour|description``. Values may be Spanish or English (see
:mod:`recuento.match.vocab`). Mark types, body parts, sides, sexes and conditions must be
known words: a part the matcher cannot place would be silently ignored. Garments and
colours may be free text: an unknown one is kept as description keywords.

Validation reads the whole file and reports every problem at once, with file, line and
column, and never a value from a record.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recuento.errors import ProblemsError
from recuento.match import vocab
from recuento.people.dates import PartialDate, parse_date
from recuento.people.missing import fold_text, is_unknown_marker
from recuento.people.sex import mentions_trans, parse_sex

__all__ = [
    "MISSING_COLUMNS",
    "REMAINS_COLUMNS",
    "Garment",
    "Mark",
    "MatchDataError",
    "MissingPerson",
    "Remains",
    "parse_missing_rows",
    "parse_remains_rows",
    "read_missing",
    "read_remains",
    "write_missing",
    "write_remains",
]

_COMMON = ("id", "sex", "age_min", "age_max", "height_min_cm", "height_max_cm")
MISSING_COLUMNS = (*_COMMON, "last_seen_date", "last_seen_place", "lat", "lon", "marks", "clothing")
REMAINS_COLUMNS = (
    *_COMMON,
    "found_date",
    "found_place",
    "lat",
    "lon",
    "condition",
    "marks",
    "clothing",
)
_OPTIONAL = ("dental", "eyes", "hair")
_OPTIONAL_REMAINS = ("pmi_min_days", "pmi_max_days")
MAX_LISTED_PROBLEMS = 50
_UNDETERMINED_SEX = frozenset(
    {"indeterminado", "indeterminada", "undetermined", "unsure", "desconocido", "unknown"}
)


class MatchDataError(ProblemsError):
    """A missing-persons or remains file has problems; every one is listed."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A distinguishing mark.

    Args:
        type: key of :func:`vocab.mark_types`, or None when not given.
        body_part: key of :func:`vocab.body_parts`, or None.
        side: ``left``, ``right``, ``both``, ``centre`` or None.
        description: the free text as written.
        tokens: the description's keywords (:func:`vocab.description_tokens`).
    """

    type: str | None
    body_part: str | None
    side: str | None
    description: str = ""
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Garment:
    """A garment, accessory or personal effect.

    Args:
        garment: key of :func:`vocab.garments`, or None when not given or not known (the
            words are then in ``tokens``).
        colour: key of :func:`vocab.colours`, or None.
        description: the free text as written.
        tokens: keywords of the description (and of an unknown garment or colour).
    """

    garment: str | None
    colour: str | None
    description: str = ""
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Person:
    id: str
    sex: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    height_min_cm: float | None = None
    height_max_cm: float | None = None
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    marks: tuple[Mark, ...] = ()
    clothing: tuple[Garment, ...] = ()
    dental: frozenset[str] = frozenset()
    eyes: str = ""
    hair: str = ""
    trans: bool = False


@dataclass(frozen=True, slots=True)
class MissingPerson(_Person):
    """A missing person's description (a ficha), as the matcher uses it.

    ``age_min``/``age_max`` are the age at disappearance; ``last_seen`` the date last seen.
    ``trans`` is True when the sex cell says the person is trans: the sex estimated from
    remains then never excludes.
    """

    last_seen: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Remains(_Person):
    """An unidentified-remains record, as the matcher uses it.

    ``age_min``/``age_max`` are the age estimated at the finding; ``condition`` is a key of
    :func:`vocab.conditions` (None when not recorded).
    """

    found: PartialDate | None = None
    condition: str | None = None
    pmi_min_days: float | None = None
    pmi_max_days: float | None = field(default=None)


# ---------------------------------------------------------------------------------------------
# Reading


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[int, int, str]] = []
        self.count = 0

    def add(self, line: int, column: str | None, columns: list[str], what: str) -> None:
        self.count += 1
        if len(self.items) >= MAX_LISTED_PROBLEMS:
            return
        where = f"{self.source}, line {line}"
        number = 0
        if column is not None:
            number = columns.index(column) + 1
            where += f", column {number} ({column})"
        self.items.append((line, number, f"{where}: {what}"))

    def raise_if_any(self, kind: str) -> None:
        if not self.count:
            return
        items = [text for _, _, text in sorted(self.items, key=lambda item: item[:2])]
        if self.count > len(items):
            items.append(f"... and {self.count - len(items)} more problem(s) of the same kinds")
        raise MatchDataError(
            f"{self.source}: {self.count} problem(s) in the {kind} file; fix them all and "
            "run again (see docs/match.md for the format).",
            items,
        )


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _RowReader:
    """Parses the cells of one row, recording problems instead of raising."""

    def __init__(self, row: dict[str, str], line: int, columns: list[str], out: _Problems):
        self.row, self.line, self.columns, self.out = row, line, columns, out

    def text(self, column: str) -> str:
        value = (self.row.get(column) or "").strip()
        return "" if is_unknown_marker(value) else value

    def problem(self, column: str | None, what: str) -> None:
        self.out.add(self.line, column, self.columns, what)

    def number(self, column: str, low: float, high: float, unit: str) -> float | None:
        text = self.text(column)
        if not text:
            return None
        value = _number(text)
        if value is None:
            self.problem(column, f"not a number; write {unit} as digits, or leave it empty")
        elif not low <= value <= high:
            self.problem(column, f"outside {low:g} to {high:g} {unit}; check the unit")
            return None
        return value

    def pair(self, low_col: str, high_col: str, lo: float, hi: float, unit: str) -> tuple:
        low = self.number(low_col, lo, hi, unit)
        high = self.number(high_col, lo, hi, unit)
        if low is not None and high is not None and low > high:
            self.problem(high_col, f"smaller than {low_col}; swap the two values")
            return None, None
        return low, high

    def sex(self) -> tuple[str | None, bool]:
        text = self.text("sex")
        if not text or fold_text(text) in _UNDETERMINED_SEX:
            return None, False
        code = parse_sex(text)
        if code is None:
            self.problem(
                "sex",
                "not a recognised sex; use F, M, X, mujer, hombre, "
                "female, male, or leave it empty when undetermined",
            )
        return code, mentions_trans(text)

    def date(self, column: str) -> PartialDate | None:
        text = self.text(column)
        if not text:
            return None
        value = parse_date(text)
        if value is None:
            self.problem(
                column,
                "not a date; use ISO (2009-03-21, 2009-03 or 2009) or "
                "dd/mm/yyyy, or leave it empty",
            )
        return value

    def coordinates(self) -> tuple[float | None, float | None]:
        lat = self.number("lat", -90, 90, "degrees of latitude")
        lon = self.number("lon", -180, 180, "degrees of longitude")
        if (lat is None) != (lon is None):
            if not self.text("lat") or not self.text("lon"):
                self.problem(
                    "lat" if lat is None else "lon",
                    "lat and lon must be given together; fill both or neither",
                )
            return None, None
        return lat, lon

    def marks(self) -> tuple[Mark, ...]:
        out = []
        for number, item in enumerate(_items(self.text("marks")), start=1):
            parts = [p.strip() for p in item.split("|")]
            if len(parts) > 4:
                self.problem(
                    "marks",
                    f"item {number} has {len(parts)} fields separated by |; "
                    "expected type|body_part|side|description",
                )
                continue
            parts += [""] * (4 - len(parts))
            kind = self._term(parts[0], vocab.mark_types(), "marks", number, "mark type")
            part = self._term(parts[1], vocab.body_parts(), "marks", number, "body part")
            side = None
            if parts[2]:
                side = vocab.side_key(parts[2])
                if side is None:
                    self.problem(
                        "marks",
                        f"item {number}: side not recognised; use "
                        "izquierdo/derecho/ambos/centro or left/right/both/centre",
                    )
            out.append(Mark(kind, part, side, parts[3], vocab.description_tokens(parts[3])))
        return tuple(out)

    def _term(
        self, text: str, table: vocab.Vocabulary, column: str, n: int, what: str
    ) -> str | None:
        if not text:
            return None
        key = table.lookup(text)
        if key is None:
            self.problem(
                column,
                f"item {n}: {what} not recognised; use one of the {what}s "
                f"listed in docs/match.md ({table.name}), or leave it empty",
            )
        return key

    def clothing(self) -> tuple[Garment, ...]:
        out = []
        for number, item in enumerate(_items(self.text("clothing")), start=1):
            parts = [p.strip() for p in item.split("|")]
            if len(parts) > 3:
                self.problem(
                    "clothing",
                    f"item {number} has {len(parts)} fields separated by "
                    "|; expected garment|colour|description",
                )
                continue
            parts += [""] * (3 - len(parts))
            garment = vocab.garments().lookup(parts[0]) if parts[0] else None
            colour = vocab.colours().lookup(parts[1]) if parts[1] else None
            words = parts[2]
            if parts[0] and garment is None:
                words = f"{parts[0]} {words}"
            if parts[1] and colour is None:
                words = f"{parts[1]} {words}"
            out.append(Garment(garment, colour, parts[2], vocab.description_tokens(words)))
        return tuple(out)

    def condition(self) -> str | None:
        text = self.text("condition")
        if not text:
            return None
        key = vocab.conditions().lookup(text)
        if key is None:
            self.problem(
                "condition",
                "condition not recognised; use reconocible, "
                "descomposición, momificado, esqueletizado, calcinado (or recognisable, "
                "decomposed, mummified, skeletal, burned), or leave it empty",
            )
        return key


def _items(text: str) -> Iterator[str]:
    return (item for item in (i.strip() for i in text.split(";")) if item)


def _common(r: _RowReader) -> dict:
    sex, trans = r.sex()
    age_min, age_max = r.pair("age_min", "age_max", 0, 120, "years")
    height_min, height_max = r.pair("height_min_cm", "height_max_cm", 30, 250, "centimetres")
    lat, lon = r.coordinates()
    return {
        "id": r.text("id"),
        "sex": sex,
        "trans": trans,
        "age_min": age_min,
        "age_max": age_max,
        "height_min_cm": height_min,
        "height_max_cm": height_max,
        "lat": lat,
        "lon": lon,
        "marks": r.marks(),
        "clothing": r.clothing(),
        "dental": vocab.description_tokens(r.text("dental")),
        "eyes": r.text("eyes"),
        "hair": r.text("hair"),
    }


def _parse(
    rows: Iterable[tuple[int, dict[str, str]]], columns: list[str], source: str, kind: str
) -> list[dict]:
    problems = _Problems(source)
    required = MISSING_COLUMNS if kind == "missing" else REMAINS_COLUMNS
    absent = [c for c in required if c not in columns]
    for column in absent:
        problems.add(1, None, columns, f"column '{column}' is missing from the header")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    for column in duplicated:
        problems.add(1, None, columns, f"column '{column}' appears more than once")
    problems.raise_if_any(kind)
    out: list[dict] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        r = _RowReader(row, line, columns, problems)
        record = _common(r)
        if not record["id"]:
            r.problem("id", "empty id; every record needs its own id")
        elif record["id"] in seen:
            r.problem(
                "id",
                f"this id is already used on line {seen[record['id']]}; ids must "
                "be unique within the file",
            )
        else:
            seen[record["id"]] = line
        if kind == "missing":
            record["last_seen"] = r.date("last_seen_date")
            record["place"] = r.text("last_seen_place")
        else:
            record["found"] = r.date("found_date")
            record["place"] = r.text("found_place")
            record["condition"] = r.condition()
            low, high = r.pair("pmi_min_days", "pmi_max_days", 0, 36500, "days")
            record["pmi_min_days"], record["pmi_max_days"] = low, high
        out.append(record)
    problems.raise_if_any(kind)
    return out


def _csv_rows(handle: io.TextIOBase) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    reader = csv.reader(handle)
    header = [h.strip().lower() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        previous = reader.line_num
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            yield start, dict(zip(header, cells, strict=False))

    return header, rows()


def _read(path: str | Path, kind: str) -> list[dict]:
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header, rows = _csv_rows(handle)
            return _parse(rows, header, path.name, kind)
    except UnicodeDecodeError as e:
        raise MatchDataError(
            f"{path.name}: not UTF-8 text.",
            ["save the file as CSV UTF-8 (in a spreadsheet: Save as, CSV UTF-8) and run again"],
        ) from e
    except OSError as e:
        raise MatchDataError(
            f"{path.name}: cannot be read.", [e.strerror or "unknown error"]
        ) from e


def read_missing(path: str | Path) -> list[MissingPerson]:
    """Read and validate a ``missing.csv`` file.

    Args:
        path: the file.

    Returns:
        The records, in file order.

    Raises:
        MatchDataError: listing every problem found, with line and column.
    """
    return [MissingPerson(**r) for r in _read(path, "missing")]


def read_remains(path: str | Path) -> list[Remains]:
    """Read and validate a ``remains.csv`` file.

    Args:
        path: the file.

    Returns:
        The records, in file order.

    Raises:
        MatchDataError: listing every problem found, with line and column.
    """
    return [Remains(**r) for r in _read(path, "remains")]


def _dict_rows(rows: Iterable[dict[str, object]]) -> tuple[list[str], list]:
    materialised = [
        {str(k).strip().lower(): "" if v is None else str(v) for k, v in r.items()} for r in rows
    ]
    columns: list[str] = []
    for row in materialised:
        columns += [c for c in row if c not in columns]
    return columns, [(n, row) for n, row in enumerate(materialised, start=2)]


def parse_missing_rows(
    rows: Iterable[dict[str, object]], source: str = "missing"
) -> list[MissingPerson]:
    """Validate missing-person rows given as dictionaries (a registry's export).

    Line numbers in problems count a header line, as in the CSV file the rows would make.
    """
    columns, numbered = _dict_rows(rows)
    return [MissingPerson(**r) for r in _parse(numbered, columns, source, "missing")]


def parse_remains_rows(rows: Iterable[dict[str, object]], source: str = "remains") -> list[Remains]:
    """Validate remains rows given as dictionaries (a registry's export)."""
    columns, numbered = _dict_rows(rows)
    return [Remains(**r) for r in _parse(numbered, columns, source, "remains")]


# ---------------------------------------------------------------------------------------------
# Writing


def _clean(text: str) -> str:
    return text.replace("|", "/").replace(";", ",").replace("\n", " ")


def _label(table: vocab.Vocabulary, key: str | None, lang: str) -> str:
    return "" if key is None else table[key].label(lang)


def _format(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _common_cells(p: _Person, lang: str) -> dict[str, str]:
    marks = ";".join(
        "|".join(
            [
                _label(vocab.mark_types(), m.type, lang),
                _label(vocab.body_parts(), m.body_part, lang),
                "" if m.side is None else vocab.SIDES[m.side][0 if lang == "es" else 1],
                _clean(m.description),
            ]
        )
        for m in p.marks
    )
    clothing = ";".join(
        "|".join(
            [
                _label(vocab.garments(), g.garment, lang),
                _label(vocab.colours(), g.colour, lang),
                _clean(g.description),
            ]
        )
        for g in p.clothing
    )
    sex = {"F": ("mujer", "female"), "M": ("hombre", "male"), "X": ("x", "x")}
    return {
        "id": p.id,
        "sex": "" if p.sex is None else sex[p.sex][0 if lang == "es" else 1],
        "age_min": _format(p.age_min),
        "age_max": _format(p.age_max),
        "height_min_cm": _format(p.height_min_cm),
        "height_max_cm": _format(p.height_max_cm),
        "lat": _format(p.lat),
        "lon": _format(p.lon),
        "marks": marks,
        "clothing": clothing,
        "dental": " ".join(sorted(p.dental)),
        "eyes": p.eyes,
        "hair": p.hair,
    }


def write_missing(path: str | Path, records: Iterable[MissingPerson], lang: str = "es") -> None:
    """Write missing persons in the interchange format (values in ``lang``).

    Dental notes are written as their keywords.
    """
    columns = [*MISSING_COLUMNS, *_OPTIONAL]
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for p in records:
            cells = _common_cells(p, lang)
            cells["last_seen_date"] = "" if p.last_seen is None else p.last_seen.iso
            cells["last_seen_place"] = p.place
            writer.writerow(cells)


def write_remains(path: str | Path, records: Iterable[Remains], lang: str = "es") -> None:
    """Write remains records in the interchange format (values in ``lang``)."""
    columns = [*REMAINS_COLUMNS, *_OPTIONAL, *_OPTIONAL_REMAINS]
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for r in records:
            cells = _common_cells(r, lang)
            cells["found_date"] = "" if r.found is None else r.found.iso
            cells["found_place"] = r.place
            cells["condition"] = _label(vocab.conditions(), r.condition, lang)
            cells["pmi_min_days"] = _format(r.pmi_min_days)
            cells["pmi_max_days"] = _format(r.pmi_max_days)
            writer.writerow(cells)
