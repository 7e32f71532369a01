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

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from recuento.errors import InputError, MappingError
from recuento.lists.formats import Cell, RawTable, open_table
from recuento.lists.mapping import ColumnMapping, MappingFile, fold_header, map_columns
from recuento.lists.standardise import (
    CHUNK_ROWS,
    Chunk,
    ChunkRunner,
    ChunkSpec,
)
from recuento.people.name_split import NameOrder, detect_name_order
from recuento.people.record import PERSON_SCHEMA, SexLetters, text_of
from recuento.people.sex import detect_letter_convention

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
    workers: int = 1,
) -> ListResult:
    """Read, validate and standardise one list.

    Args:
        path: the list file (CSV, XLSX or Parquet).
        name: the list's name; the file stem by default.
        mapping: a mapping file's entries (see :mod:`recuento.lists.mapping`).
        encoding, delimiter, sheet: force how the file is read.
        day_first: read ``03/04/1998`` as 3 April (default, or the mapping file's option).
        progress: called with the number of rows read so far, every 50,000 rows.
        workers: processes that standardise records of a large list (more than 50,000
            accepted rows); 1 (the default) standardises in this process. The command line
            uses one per core (:func:`recuento.lists.standardise.default_workers`); a script
            that asks for more than one needs an ``if __name__ == "__main__":`` guard.

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
    conventions = _conventions(path, cmap, options, encoding, delimiter, sheet, result.notes)
    if "id" not in cmap.columns:
        result.notes.append(
            f"no column was recognised as the record id; each record's id is its {raw.unit} "
            "number in this file (map an id column with a mapping file to change this)"
        )
    _Validator(result, cmap, day_first, conventions, progress, workers).run(raw.rows)
    # The reader's notes are complete only once its rows are exhausted (NUL bytes).
    result.notes = [*raw.notes, *cmap.notes, *result.notes]
    if result.read == 0:
        result.notes.append("the list has a header but no rows")
    return result


@dataclass
class _ListConventions:
    """How a whole list writes things a single value cannot tell (see :func:`_conventions`)."""

    sex_letters: SexLetters = "FM"
    name_order: NameOrder = "auto"


def _conventions(
    path: Path,
    cmap: ColumnMapping,
    options: dict[str, object],
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    notes: list[str],
) -> _ListConventions:
    """What a lone ``M`` means, and in which order full names are written, in this list.

    Lists that follow the CURP write H (hombre) and M (mujer), others F and M: reading one
    as the other turns every woman into a man. Official lists write full names surnames
    first (*PATERNO MATERNO NOMBRE*), newspapers given names first; one name is often
    ambiguous but a list is consistent. Both are settled by a first, cheap pass over the
    two columns (the sex column's distinct values; a vote over up to 5,000 full names),
    unless a mapping file says (``sex_letters``, ``name_order``).
    """
    found = _ListConventions()
    chosen_letters = options.get("sex_letters")
    chosen_order = options.get("name_order")
    scan_sex = "sex" in cmap.columns and chosen_letters not in ("HM", "FM")
    scan_names = (
        "full_name" in cmap.columns
        and chosen_order not in ("given_first", "surnames_first", "auto")
        and not any(k in cmap.columns for k in ("first_surname", "second_surname", "surnames"))
    )
    if chosen_letters in ("HM", "FM"):
        found.sex_letters = chosen_letters
    if chosen_order in ("given_first", "surnames_first", "auto"):
        found.name_order = chosen_order
    if not (scan_sex or scan_names):
        return found
    sex_index = cmap.columns["sex"][0] if scan_sex else -1
    name_index = cmap.columns["full_name"][0] if scan_names else -1
    distinct: set[str] = set()
    names: list[str] = []
    table = open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    for _, cells in table.rows:
        if scan_sex and sex_index < len(cells) and (text := text_of(cells[sex_index])):
            distinct.add(text.upper())
        if len(names) < 5000 and name_index < len(cells) and scan_names:
            if (text := text_of(cells[name_index])) is not None:
                names.append(text)
        elif not scan_sex:
            break
    if scan_sex:
        found.sex_letters = _sex_convention(distinct, notes)
    if scan_names:
        found.name_order = detect_name_order(names)
        if found.name_order == "surnames_first":
            notes.append(
                "full names are written surnames first (PATERNO MATERNO NOMBRE) in this "
                'list; set name_order = "given_first" in a mapping file\'s [options] if not'
            )
    return found


def _sex_convention(distinct: set[str], notes: list[str]) -> SexLetters:
    convention = detect_letter_convention(distinct)
    if convention is not None:
        if convention == "HM":
            notes.append("the sex column uses H and M: read as H hombre, M mujer (CURP letters)")
        return convention
    if "M" in distinct:
        notes.append(
            "the sex column uses the letter M without F or H to tell what it means; M was "
            'read as masculino. If M means mujer here, set sex_letters = "HM" in a mapping '
            "file's [options]"
        )
    return "FM"


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


class _Validator:
    """Row-by-row validation; accepted rows go to the standardiser in chunks."""

    def __init__(
        self,
        result: ListResult,
        cmap: ColumnMapping,
        day_first: bool,
        conventions: _ListConventions,
        progress: Callable[[int], None] | None,
        workers: int,
    ) -> None:
        self.result = result
        self.width = len(cmap.header)
        self.progress = progress
        self.id_index = cmap.columns["id"][0] if "id" in cmap.columns else None
        self.name_indices = [cmap.columns[k][0] for k in _NAME_COLUMNS if k in cmap.columns]
        self.spec = ChunkSpec(
            source=result.name,
            single=tuple((k, v[0]) for k, v in cmap.columns.items() if k not in {"id", "place"}),
            place=cmap.columns.get("place", ()),
            attributes=tuple(cmap.attributes.items()),
            day_first=day_first,
            sex_letters=conventions.sex_letters,
            name_order=conventions.name_order,
        )
        self.runner = ChunkRunner(self.spec, workers)
        self.first_seen: dict[str, tuple[int, int]] = {}
        self.id_uses: Counter[str] = Counter()
        self.chunk = Chunk([], [], [], [])
        self.batches: list[pa.RecordBatch] = []

    def run(self, rows: Iterable[tuple[int, list[Cell]]]) -> None:
        result = self.result
        try:
            for number, cells in rows:
                result.read += 1
                self.row(number, cells)
                if self.progress is not None and result.read % CHUNK_ROWS == 0:
                    self.progress(result.read)
                if len(self.chunk.ids) >= CHUNK_ROWS:
                    self.collect(self.runner.submit(self.chunk))
                    self.chunk = Chunk([], [], [], [])
            if self.chunk.ids:
                self.collect(self.runner.submit(self.chunk))
            self.collect(self.runner.finish())
        finally:
            self.runner.close()
        result.table = pa.Table.from_batches(self.batches, schema=PERSON_SCHEMA)
        result.rejected = len(result.rejects)
        result.accepted = result.table.num_rows

    def collect(self, done: Iterable[tuple[pa.RecordBatch, list[tuple[int, list[str]]]]]) -> None:
        for batch, warned in done:
            self.batches.append(batch)
            for number, codes in warned:
                self.note_warnings(number, codes)

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

        if self.id_index is None:
            record_id: str | None = str(number)
        else:
            record_id = text_of(cells[self.id_index])
        if record_id is None:
            self.reject(number, "no_id", cells)
            return
        if all(text_of(cells[i]) is None for i in self.name_indices):
            self.reject(number, "no_name", cells)
            return
        # A 64-bit hash tells an exact repeat from a reused id; two different rows with the
        # same id AND the same hash (odds about 1 in 10^19) would be taken for a repeat.
        fingerprint = hash(tuple(cells))
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
        chunk = self.chunk
        chunk.numbers.append(number)
        chunk.ids.append(record_id)
        chunk.rows.append(cells)
        chunk.warnings.append(warnings)

    def note_warnings(self, number: int, warnings: list[str]) -> None:
        result = self.result
        for code in warnings:
            result.warnings[code] += 1
            locations = result.warning_locations.setdefault(code, [])
            if len(locations) < _MAX_LOCATIONS:
                locations.append(number)
