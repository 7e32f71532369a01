"""The file formats recuento reads lists from: CSV, XLSX and Parquet.

Each reader turns a file into a :class:`RawTable`: the header as written, and the rows
with the number a person would use to find them (the line of a CSV file, the row of a
sheet, the 1-based row of a Parquet file). Readers decide nothing about people; that is
:mod:`recuento.lists.reader`'s job.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from recuento.errors import InputError
from recuento.lists.encoding import detect_encoding, first_undecodable_line, normalise_encoding_name

Format = Literal["csv", "xlsx", "parquet"]
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class RawTable:
    """A file's header and rows, before any interpretation.

    Attributes:
        format: ``csv``, ``xlsx`` or ``parquet``.
        header: the column names as written (cells of the header row, ``str``).
        rows: an iterator of ``(number, cells)``; ``number`` is the line (CSV), sheet row
            (XLSX) or 1-based row (Parquet) where the record starts.
        unit: what ``number`` counts, for messages: ``line`` or ``row``.
        header_number: the line or row of the header (0 for Parquet, which has none).
        encoding, delimiter, sheet: how the file was read, when that applies.
        notes: facts about the reading worth telling the user (other sheets ignored, NUL
            bytes removed...), never containing a value from a record.
    """

    format: Format
    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    unit: str = "line"
    header_number: int = 1
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def detect_format(path: Path) -> Format:
    """Tell CSV, XLSX and Parquet apart by their first bytes, then by the file name."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == b"PAR1":
        return "parquet"
    if magic.startswith(b"PK"):
        if path.suffix.lower() in {".xls"}:
            raise InputError(
                f"{path}: this looks like an Excel file saved in a format recuento does not "
                "read. Save it as .xlsx (Excel 2007 or later) or as CSV and try again."
            )
        return "xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path}: this is an old Excel workbook (.xls). Open it in Excel or LibreOffice "
            "and save it as .xlsx or CSV, then try again."
        )
    return "csv"


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Open a list file and return its header and a row iterator.

    Args:
        path: the file.
        encoding: force a text encoding for CSV (detected otherwise).
        delimiter: force a CSV delimiter (detected otherwise among ``, ; TAB |``).
        sheet: the XLSX sheet to read (the first one otherwise).

    Raises:
        InputError: the file does not exist, is empty, or cannot be read as its format.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path and try again.")
    if path.is_dir():
        raise InputError(f"{path}: this is a folder, not a list file.")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes). Nothing to read.")
    fmt = detect_format(path)
    if fmt == "parquet":
        return _open_parquet(path)
    if fmt == "xlsx":
        return _open_xlsx(path, sheet)
    return _open_csv(path, encoding, delimiter)


# --- CSV -------------------------------------------------------------------------------


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> RawTable:
    if encoding is None:
        encoding = detect_encoding(path)
    else:
        try:
            encoding = normalise_encoding_name(encoding)
        except LookupError as e:
            raise InputError(
                f"--encoding {encoding!r} is not an encoding Python knows. "
                "Use utf-8, utf-8-sig, cp1252 or latin-1."
            ) from e
        where = first_undecodable_line(path, encoding) if encoding != "utf-16" else None
        if where is not None:
            raise InputError(
                f"{path}, line {where[0]}, column {where[1]}: the file is not valid "
                f"{encoding}. Leave out --encoding to let recuento detect it, or try "
                "--encoding=cp1252 (Excel on Windows) or --encoding=latin-1."
            )
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"--delimiter must be one character; got {len(delimiter)} characters.")

    notes: list[str] = []
    text = path.open("r", encoding=encoding, newline="")
    sample_lines: list[str] = []
    for line in text:
        if line.strip():
            sample_lines.append(line)
            if len(sample_lines) >= _SNIFF_LINES:
                break
    if not sample_lines:
        text.close()
        raise InputError(
            f"{path}: the file holds only blank lines. Nothing to read: check that this is "
            "the file you meant."
        )
    if delimiter is None:
        delimiter = sniff_delimiter(sample_lines)
    text.seek(0)
    consumed: list[str] = []
    reader = csv.reader(_without_nul(text, notes, consumed), delimiter=delimiter)
    header_cells: list[str] = []
    header_line = 0
    for row in _rows_or_error(reader, path, text):
        if any(cell.strip() for cell in row):
            header_cells = row
            header_line = reader.line_num
            break
    return RawTable(
        format="csv",
        header=header_cells,
        rows=_csv_rows(reader, text, path, consumed),
        unit="line",
        header_number=header_line,
        encoding=encoding,
        delimiter=delimiter,
        notes=notes,
    )


def sniff_delimiter(lines: list[str]) -> str:
    """Choose the delimiter that splits the first lines into the most consistent columns.

    For each candidate, the sample is parsed with the csv module (so quoted delimiters do
    not count); a candidate scores by how many lines share the header's number of fields,
    ties going to more fields. A file with a single column falls back to a comma.
    """
    best, best_score = ",", (0, 0)
    sample = [line for line in lines if line.strip()]
    for candidate in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("".join(sample)), delimiter=candidate))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _rows_or_error(reader: Any, path: Path, text: io.TextIOWrapper) -> Iterator[list[str]]:
    """The csv reader's rows, with its parse errors turned into a located InputError."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            text.close()
            raise InputError(
                f"{path}, line {reader.line_num}: the CSV cannot be parsed here ({e}). "
                "A quote that is opened and never closed is the usual cause: check that "
                "line and the lines after it."
            ) from e
        yield row


def _without_nul(lines: io.TextIOWrapper, notes: list[str], consumed: list[str]) -> Iterator[str]:
    """Yield lines with NUL characters removed (the csv module refuses them).

    Each line is also appended to ``consumed``, which the caller clears after every
    record, so that a record that spans several lines can be checked on its own.
    """
    removed = 0
    for line in lines:
        if "\x00" in line:
            removed += line.count("\x00")
            line = line.replace("\x00", "")
        consumed.append(line)
        yield line
    if removed:
        notes.append(f"{removed} NUL characters were removed (a sign of a damaged export)")


def _csv_rows(
    reader: Any, text: io.TextIOWrapper, path: Path, consumed: list[str]
) -> Iterator[tuple[int, list[Cell]]]:
    try:
        consumed.clear()
        previous = reader.line_num
        for row in _rows_or_error(reader, path, text):
            start = previous + 1
            previous = reader.line_num
            if previous > start:
                _check_closed_quotes(consumed, reader.dialect.delimiter, path, start)
            consumed.clear()
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line is not a row
            yield start, list(row)
    except UnicodeDecodeError as e:  # a forced encoding is checked up front; this is a guard
        raise InputError(
            f"{path}: the file is not valid {text.encoding}. Try --encoding=cp1252 or "
            "--encoding=latin-1."
        ) from e
    finally:
        text.close()


def _check_closed_quotes(lines: list[str], delimiter: str, path: Path, start: int) -> None:
    """Refuse a record whose quote is never closed.

    Python's csv module, when not strict, reads an unclosed quote as a value running to the
    end of the file, silently swallowing every row after it. A record that spans several
    lines is parsed again strictly to tell that apart from a legitimate line break inside a
    quoted value.
    """
    try:
        list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise InputError(
                f"{path}, line {start}: a quote opened on this line is never closed, so every "
                "line after it would be read as one value. Close the quote (or remove it) "
                "and read the list again."
            ) from e


# --- XLSX ------------------------------------------------------------------------------


def _open_xlsx(path: Path, sheet: str | None) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputError(
            f"{path}: the Excel file cannot be opened ({type(e).__name__}). It may be "
            "damaged or password-protected; open it in Excel or LibreOffice and save it "
            "again as .xlsx, or export it as CSV."
        ) from e
    names = workbook.sheetnames
    notes: list[str] = []
    if sheet is None:
        chosen = names[0]
        if len(names) > 1:
            others = ", ".join(repr(n) for n in names[1:])
            notes.append(
                f"read sheet {chosen!r}; the workbook also has {others} "
                "(use --sheet to read another)"
            )
    elif sheet in names:
        chosen = sheet
    else:
        workbook.close()
        available = ", ".join(repr(n) for n in names)
        raise InputError(f"{path}: there is no sheet {sheet!r}. The sheets are: {available}.")
    worksheet = workbook[chosen]
    rows = worksheet.iter_rows(values_only=True)
    header: list[str] | None = None
    header_row = 0
    for number, values in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() for v in values):
            header = [_header_text(v) for v in _trim(list(values))]
            header_row = number
            break
    if header is None:
        workbook.close()
        raise InputError(f"{path}: sheet {chosen!r} is empty. Nothing to read.")
    return RawTable(
        format="xlsx",
        header=header,
        rows=_xlsx_rows(rows, header_row, workbook),
        unit="row",
        header_number=header_row,
        sheet=chosen,
        notes=notes,
    )


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trim(values: list[Any]) -> list[Any]:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[:end]


def _xlsx_rows(
    rows: Iterator[tuple[Any, ...]], header_row: int, workbook: Any
) -> Iterator[tuple[int, list[Cell]]]:
    try:
        for number, values in enumerate(rows, start=header_row + 1):
            cells = _trim(list(values))
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in cells):
                continue  # an empty sheet row is not a row
            yield number, cells
    finally:
        workbook.close()


# --- Parquet ---------------------------------------------------------------------------


def _open_parquet(path: Path) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(
            f"{path}: the Parquet file cannot be read ({type(e).__name__}). It may be "
            "damaged or truncated: write it again."
        ) from e
    header = list(parquet.schema_arrow.names)
    return RawTable(
        format="parquet",
        header=header,
        rows=_parquet_rows(parquet),
        unit="row",
        header_number=0,
    )


def _parquet_rows(parquet: Any) -> Iterator[tuple[int, list[Cell]]]:
    number = 0
    for batch in parquet.iter_batches(batch_size=65536):
        columns = [column.to_pylist() for column in batch.columns]
        for values in zip(*columns, strict=True):
            number += 1
            yield number, [_scalar(v) for v in values]


def _scalar(value: Any) -> Cell:
    """Nested Parquet values (lists, structs, maps) as JSON text; scalars as they are."""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
