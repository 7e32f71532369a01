"""Reading raw tables: encodings, delimiters, sheets, Parquet, and clear failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from recuento.errors import InputError
from recuento.lists.encoding import detect_encoding
from recuento.lists.formats import open_table, sniff_delimiter

TEXT = "folio,nombre,fecha de nacimiento\n1,María Peña Ibáñez,03/04/1998\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),
    ],
)
def test_encoding_is_detected_and_text_decodes_back(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert detect_encoding(path) == expected
    table = open_table(path)
    rows = list(table.rows)
    assert table.header == ["folio", "nombre", "fecha de nacimiento"]
    assert rows == [(2, ["1", "María Peña Ibáñez", "03/04/1998"])]


def test_bytes_undefined_in_cp1252_mean_latin_1(tmp_path: Path) -> None:
    # 0x81 is undefined in CP1252 and a control character in Latin-1.
    path = tmp_path / "lista.csv"
    path.write_bytes("nombre\nPeña\n".encode("latin-1") + b"\x81\n")
    assert detect_encoding(path) == "latin-1"


def test_a_late_non_utf8_byte_is_still_found(tmp_path: Path) -> None:
    # The detector reads in 1 MiB chunks: the accented byte sits past the first chunk.
    path = tmp_path / "lista.csv"
    body = "nombre\n" + "Ana\n" * 400_000 + "Peña\n"
    path.write_bytes(body.encode("cp1252"))
    assert detect_encoding(path) == "cp1252"


def test_forced_encoding_that_does_not_fit_says_where(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes("nombre\nAna\nPeña\n".encode("cp1252"))
    with pytest.raises(InputError) as e:
        open_table(path, encoding="utf-8")
    assert str(e.value) == (
        f"{path}, line 3, column 3: the file is not valid utf-8. Leave out --encoding to let "
        "recuento detect it, or try --encoding=cp1252 (Excel on Windows) or --encoding=latin-1."
    )


def test_unknown_forced_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(TEXT)
    with pytest.raises(InputError, match="not an encoding Python knows"):
        open_table(path, encoding="klingon")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(delimiter: str) -> None:
    lines = [delimiter.join(["id", "nombre", "edad"]) + "\n", delimiter.join(["1", "Ana", "23"])]
    assert sniff_delimiter(lines) == delimiter


def test_a_comma_inside_quotes_does_not_fool_the_delimiter_sniffer() -> None:
    lines = ["id;nombre;edad\n", '1;"LOPEZ, ANA";23\n', '2;"PEREZ, LUZ";30\n']
    assert sniff_delimiter(lines) == ";"


def test_blank_lines_are_not_rows_and_line_numbers_are_physical(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text('\nid,nombre\n\n1,"Ana\nMaría"\n2,Luz\n')
    table = open_table(path)
    assert table.header_number == 2
    assert list(table.rows) == [(4, ["1", "Ana\nMaría"]), (6, ["2", "Luz"])]


def test_nul_bytes_are_removed_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(b"id,nombre\n1,An\x00a\n")
    table = open_table(path)
    assert list(table.rows) == [(2, ["1", "Ana"])]
    assert table.notes == ["1 NUL characters were removed (a sign of a damaged export)"]


def test_unclosed_quote_is_located(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text('id,nombre\n1,"Ana\n' + "2,Luz\n" * 3)
    table = open_table(path)
    with pytest.raises(InputError, match="line 2: a quote opened on this line is never closed"):
        list(table.rows)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"the file is empty \(0 bytes\)"),
        (b"\n\n  \n", "the file holds only blank lines"),
    ],
)
def test_empty_files_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_table(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_table(tmp_path / "nada.csv")


def test_old_excel_workbooks_are_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "lista.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(InputError, match=r"old Excel workbook \(.xls\)"):
        open_table(path)


def _workbook(path: Path, rows: list[list[object]], extra_sheet: bool = False) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Víctimas"
    for row in rows:
        ws.append(row)
    if extra_sheet:
        wb.create_sheet("Notas").append(["nada"])
    wb.save(path)


def test_xlsx_rows_keep_typed_values_and_sheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "lista.xlsx"
    _workbook(
        path,
        [
            [None],
            ["folio", "nombre", "fecha de nacimiento", None],
            [1, "Ana López", dt.datetime(1998, 4, 3)],
            [None, None, None],
            [2.0, "Luz Pérez", "1998"],
        ],
        extra_sheet=True,
    )
    table = open_table(path)
    assert table.format == "xlsx"
    assert table.header == ["folio", "nombre", "fecha de nacimiento"]
    assert table.header_number == 2
    assert list(table.rows) == [
        (3, [1, "Ana López", dt.datetime(1998, 4, 3)]),
        (5, [2.0, "Luz Pérez", "1998"]),
    ]
    assert table.notes == [
        "read sheet 'Víctimas'; the workbook also has 'Notas' (use --sheet to read another)"
    ]


def test_xlsx_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "lista.xlsx"
    _workbook(path, [["nombre"], ["Ana"]])
    with pytest.raises(InputError, match=r"there is no sheet 'Hoja9'\. The sheets are: 'Víctimas'"):
        open_table(path, sheet="Hoja9")


def test_damaged_xlsx_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lista.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    with pytest.raises(InputError, match="the Excel file cannot be opened"):
        open_table(path)


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "lista.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "nombre": ["Ana", None], "edad": [23, 30]}), path)
    table = open_table(path)
    assert table.format == "parquet"
    assert table.header == ["id", "nombre", "edad"]
    assert list(table.rows) == [(1, ["a", "Ana", 23]), (2, ["b", None, 30])]
