"""Reading one list of people: every row accepted or rejected with its reason.

:func:`read_list` opens a list file (any format :mod:`recuento.lists.formats` reads),
maps its columns, validates each row and standardises each accepted record into the
columns of :data:`recuento.people.record.PERSON_SCHEMA`. The invariant, tested: rows read
= accepted + rejected. A row is rejected only when it cannot be a person record (no id, no
name of any kind), when it repeats an earlier row exactly, or when it has more fields than
the header (its values cannot be placed); everything else is accepted, with field
warnings for what could not be read.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from recuento.errors import InputError, MappingError
from recuento.lists.formats import Cell, RawTable, open_table
from recuento.lists.mapping import ColumnMapping, MappingFile, fold_header, map_columns
from recuento.people.record import PERSON_SCHEMA, has_name, standardise_record, text_of

_BATCH_ROWS = 50_000
_MAX_LOCATIONS = 10
_NAME_COLUMNS = ("full_name", "given_names", "first_surname", "second_surname", "surnames")


@dataclass
class Reject:
    """A row that could not be accepted: where it is, why, and the row as it was."""

    number: int
    reason: str
    cells: list[Cell]
    detail: dict[str, int] = field(default_factory=dict)


@dataclass
class ListResult:
    """What reading one list produced.

    Attributes:
        name: the list's name (the file stem, or the NAME of ``NAME=PATH``).
        path: the file.
        format, encoding, delimiter, sheet: how it was read.
        unit: ``line`` or ``row``: what reject and warning locations count.
        header: the header as written.
        mapping: the column mapping used.
        read, accepted, rejected: row counts (read = accepted + rejected).
        rejects: the rejected rows.
        warnings: warning code -> number of rows with it.
        warning_locations: warning code -> the first few lines/rows with it.
        notes: list-level facts worth telling (never record values).
        table: the standardised records, one row per accepted record.
    """

    name: str
    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    unit: str
    header: list[str]
    mapping: ColumnMapping
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: Counter[str] = field(default_factory=Counter)
    warning_locations: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    table: pa.Table = field(default_factory=PERSON_SCHEMA.empty_table)

    @property
    def rejects_by_reason(self) -> Counter[str]:
        """Reject reason code -> number of rows."""
        return Counter(r.reason for r in self.rejects)


def parse_list_argument(argument: str) -> tuple[str, Path]:
    """``NAME=PATH`` or ``PATH`` (the name is then the file stem)."""
    if "=" in argument:
        name, _, location = argument.partition("=")
        if name and location and not Path(argument).exists():
            return name.strip(), Path(location)
    return Path(argument).stem, Path(argument)


def read_list(
    path: Path,
    *,
    name: str | None = None,
    mapping: MappingFile | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    day_first: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> ListResult:
    """Read, validate and standardise one list.

    Args:
        path: the list file (CSV, XLSX or Parquet).
        name: the list's name; the file stem by default.
        mapping: a mapping file's entries (see :mod:`recuento.lists.mapping`).
        encoding, delimiter, sheet: force how the file is read.
        day_first: read ``03/04/1998`` as 3 April (default, or the mapping file's option).
        progress: called with the number of rows read so far, every 50,000 rows.

    Raises:
        InputError: the file cannot be read at all (missing, empty, damaged, duplicate
            headers...).
        MappingError: no column holds a name.
    """
    name = name or path.stem
    entries, options = (mapping or MappingFile()).for_list(name)
    if day_first is None:
        day_first = bool(options.get("day_first", True))
    raw = open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    _check_header(raw, path)
    cmap = map_columns(raw.header, entries)
    _check_name_columns(cmap, path)
    result = ListResult(
        name=name,
        path=path,
        format=raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        unit=raw.unit,
        header=raw.header,
        mapping=cmap,
    )
    if "id" not in cmap.columns:
        result.notes.append(
            f"no column was recognised as the record id; each record's id is its {raw.unit} "
            "number in this file (map an id column with a mapping file to change this)"
        )
    _Validator(result, cmap, day_first, progress).run(raw.rows)
    # The reader's notes are complete only once its rows are exhausted (NUL bytes).
    result.notes = [*raw.notes, *cmap.notes, *result.notes]
    if result.read == 0:
        result.notes.append("the list has a header but no rows")
    return result


def _check_header(raw: RawTable, path: Path) -> None:
    seen: dict[str, int] = {}
    problems: list[str] = []
    for index, header in enumerate(raw.header):
        key = fold_header(header)
        if not key:
            continue
        if key in seen:
            problems.append(f"columns {seen[key] + 1} and {index + 1} are both headed {header!r}")
        else:
            seen[key] = index
    if problems:
        where = f"{path}, {raw.unit} {raw.header_number}" if raw.header_number else str(path)
        raise InputError(
            f"{where}: the header repeats a column name ({'; '.join(problems)}). recuento "
            "cannot tell such columns apart: give each column its own name in the header "
            "row and read the list again."
        )


def _check_name_columns(cmap: ColumnMapping, path: Path) -> None:
    if any(k in cmap.columns for k in _NAME_COLUMNS):
        return
    if cmap.columns:
        headers = ", ".join(repr(h) for h in cmap.header)
        detail = f"Its headers are {headers}."
    else:
        # Nothing was recognised: the first row may be data, not a header, so its cells
        # are not repeated here (they could be somebody's name).
        detail = (
            f"None of its {len(cmap.header)} columns was recognised; if the file has no "
            "header row, add one."
        )
    raise MappingError(
        f"{path}: no column holds a name (nombre, nombres, apellido paterno, full name...). "
        f"{detail} Rename the name column(s) or map them with a mapping file "
        '(--mapping FILE, e.g. [columns] "Nombre de la víctima" = "full_name").'
    )


def _fingerprint(cells: list[Cell]) -> bytes:
    """A digest of a row's cells, to tell an exact repeat from a reused id."""
    digest = hashlib.blake2b(digest_size=16)
    for cell in cells:
        digest.update(repr(cell).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.digest()


class _Validator:
    """Row-by-row validation and standardisation, accumulating Arrow batches."""

    def __init__(
        self,
        result: ListResult,
        cmap: ColumnMapping,
        day_first: bool,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.result = result
        self.width = len(cmap.header)
        self.day_first = day_first
        self.progress = progress
        self.id_index = cmap.columns["id"][0] if "id" in cmap.columns else None
        self.single = {k: v[0] for k, v in cmap.columns.items() if k not in {"id", "place"}}
        self.place = cmap.columns.get("place", ())
        self.attributes = list(cmap.attributes.items())
        self.first_seen: dict[str, tuple[int, bytes]] = {}
        self.id_uses: Counter[str] = Counter()
        self.batch: dict[str, list[Any]] = {n: [] for n in PERSON_SCHEMA.names}
        self.batches: list[pa.RecordBatch] = []

    def run(self, rows: Iterable[tuple[int, list[Cell]]]) -> None:
        result = self.result
        for number, cells in rows:
            result.read += 1
            self.row(number, cells)
            if self.progress is not None and result.read % _BATCH_ROWS == 0:
                self.progress(result.read)
            if len(self.batch["id"]) >= _BATCH_ROWS:
                self.flush()
        self.flush()
        result.table = pa.Table.from_batches(self.batches, schema=PERSON_SCHEMA)
        result.rejected = len(result.rejects)
        result.accepted = result.table.num_rows

    def reject(self, number: int, reason: str, cells: list[Cell], **detail: int) -> None:
        self.result.rejects.append(Reject(number, reason, cells, dict(detail)))

    def row(self, number: int, cells: list[Cell]) -> None:
        warnings: list[str] = []
        if len(cells) > self.width:
            if any(text_of(c) is not None for c in cells[self.width :]):
                self.reject(number, "too_many_fields", cells, fields=len(cells))
                return
            cells = cells[: self.width]
        elif len(cells) < self.width:
            if self.result.format == "csv":
                warnings.append("short_row")
            cells = [*cells, *([None] * (self.width - len(cells)))]

        fields: dict[str, Any] = {k: cells[i] for k, i in self.single.items()}
        if self.place:
            fields["place"] = [cells[i] for i in self.place]
        if self.id_index is None:
            record_id: str | None = str(number)
        else:
            record_id = text_of(cells[self.id_index])
        if record_id is None:
            self.reject(number, "no_id", cells)
            return
        if not has_name(fields):
            self.reject(number, "no_name", cells)
            return
        fingerprint = _fingerprint(cells)
        previous = self.first_seen.get(record_id)
        if previous is not None:
            if previous[1] == fingerprint:
                self.reject(number, "duplicate_row", cells, first=previous[0])
                return
            warnings.append("duplicate_id")
            self.id_uses[record_id] += 1
            record_id = f"{record_id}~{self.id_uses[record_id] + 1}"
        else:
            self.first_seen[record_id] = (number, fingerprint)

        values, field_warnings = standardise_record(fields, day_first=self.day_first)
        warnings.extend(field_warnings)
        batch = self.batch
        batch["source"].append(self.result.name)
        batch["id"].append(record_id)
        batch["row"].append(number)
        for key, value in values.items():
            batch[key].append(value)
        batch["warnings"].append(warnings)
        attributes = {
            header: text
            for index, header in self.attributes
            if (text := text_of(cells[index])) is not None
        }
        batch["attributes"].append(
            json.dumps(attributes, ensure_ascii=False) if attributes else None
        )
        if warnings:
            self.note_warnings(number, warnings)

    def note_warnings(self, number: int, warnings: list[str]) -> None:
        result = self.result
        for code in warnings:
            result.warnings[code] += 1
            locations = result.warning_locations.setdefault(code, [])
            if len(locations) < _MAX_LOCATIONS:
                locations.append(number)

    def flush(self) -> None:
        if not self.batch["id"]:
            return
        self.batches.append(pa.RecordBatch.from_pydict(self.batch, schema=PERSON_SCHEMA))
        self.batch = {n: [] for n in PERSON_SCHEMA.names}
