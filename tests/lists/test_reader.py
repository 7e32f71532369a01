"""Reading a list: every row accepted or rejected with its reason, never lost."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from recuento.errors import InputError, MappingError
from recuento.lists.reader import parse_list_argument, read_list
from recuento.lists.rejects import write_rejects


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter=",") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


HEADER = ["folio", "nombre", "apellido paterno", "apellido materno", "fecha de nacimiento",
          "edad", "sexo", "fecha de desaparición", "colonia", "observaciones"]  # fmt: skip


def test_rows_are_accepted_rejected_and_counted(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "fiscalia.csv",
        [
            HEADER,
            [
                "1",
                "María Guadalupe",
                "López",
                "de la Cruz",
                "03/04/1998",
                "23",
                "F",
                "2021-05-02",
                "Anapra",
                "vista en la parada",
            ],
            ["2", "", "", "", "1990", "", "M", "", "", ""],  # no name: rejected
            ["", "Ana", "Pérez", "", "", "", "", "", "", ""],  # no id: rejected
            [
                "1",
                "María Guadalupe",
                "López",
                "de la Cruz",
                "03/04/1998",
                "23",
                "F",
                "2021-05-02",
                "Anapra",
                "vista en la parada",
            ],  # exact repeat: rejected
            ["1", "Luz", "Pérez", "", "31/02/1990", "zz9", "mujer", "", "", ""],
            ["3", "Rosa", "Díaz", "", "", "", "", "", ""],  # short row: accepted, warned
            ["4", "Rosa", "Díaz", "", "", "", "", "", "", "", "", ""],  # empty extras: fine
            ["5", "Rosa", "Díaz", "", "", "", "", "", "", "", "sobrante"],  # too many
        ],
    )
    result = read_list(path)
    assert (result.read, result.accepted, result.rejected) == (8, 4, 4)
    assert [(r.number, r.reason) for r in result.rejects] == [
        (3, "no_name"),
        (4, "no_id"),
        (5, "duplicate_row"),
        (9, "too_many_fields"),
    ]
    assert result.rejects[2].detail == {"first": 2}
    table = result.table.to_pylist()
    assert [r["id"] for r in table] == ["1", "1~2", "3", "4"]
    assert [r["row"] for r in table] == [2, 6, 7, 8]
    first = table[0]
    assert first["source"] == "fiscalia"
    assert first["given_std"] == "maria guadalupe"
    assert first["second_surname_std"] == "de la cruz"
    assert first["birth_date"] == "1998-04-03"
    assert first["birth_precision"] == "day"
    assert first["event_date"] == "2021-05-02"
    assert (first["age_low"], first["age_high"]) == (23, 23)
    assert first["age_consistent"] is True
    assert first["sex"] == "F"
    assert first["place"] == "Anapra"
    assert json.loads(first["attributes"]) == {"observaciones": "vista en la parada"}
    assert first["warnings"] == []
    second = table[1]
    assert second["birth_date"] is None
    assert set(second["warnings"]) == {"duplicate_id", "unparseable_birth_date", "unparseable_age"}
    assert table[2]["warnings"] == ["short_row"]
    assert result.warnings["duplicate_id"] == 1
    assert result.warning_locations["short_row"] == [7]


def test_read_equals_accepted_plus_rejected_in_the_rejects_file(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "prensa.csv",
        [["id", "nombre"], ["1", "Ana"], ["2", ""], ["3", "Luz", "extra"]],
    )
    result = read_list(path)
    out = write_rejects(result, tmp_path / "prensa.rejects.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["line", "reason", "message", "id", "nombre", "extra 1"]
    assert [r[:2] for r in rows[1:]] == [["3", "no_name"], ["4", "too_many_fields"]]
    assert rows[2][3:] == ["3", "Luz", "extra"]
    assert result.read == result.accepted + len(rows) - 1


def test_a_list_without_an_id_column_numbers_its_records_by_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ong.csv", [["nombre", "edad"], ["Ana López", "30"]])
    result = read_list(path)
    assert result.table.column("id").to_pylist() == ["2"]
    assert any("no column was recognised as the record id" in n for n in result.notes)


def test_surnames_in_one_column_are_split(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ong.csv", [["id", "nombres", "apellidos"], ["1", "Ana", "López de la Cruz"]]
    )
    record = read_list(path).table.to_pylist()[0]
    assert (record["first_surname_std"], record["second_surname_std"]) == ("lopez", "de la cruz")


def test_duplicate_headers_are_refused_with_their_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["id", "Nombre", "edad", "NOMBRE"], ["1", "a", "2", "b"]])
    with pytest.raises(InputError) as e:
        read_list(path)
    assert str(e.value) == (
        f"{path}, line 1: the header repeats a column name (columns 2 and 4 are both headed "
        "'NOMBRE'). recuento cannot tell such columns apart: give each column its own name in "
        "the header row and read the list again."
    )


def test_a_list_with_no_name_column_is_refused_without_showing_its_first_row(
    tmp_path: Path,
) -> None:
    # No header row: the first row is a record, so its cells must not appear in the message.
    path = write_csv(tmp_path / "l.csv", [["17", "ROSA DIAZ", "1990"], ["18", "ANA LOPEZ", "1991"]])
    with pytest.raises(MappingError) as e:
        read_list(path)
    assert "ROSA" not in str(e.value)
    assert "None of its 3 columns was recognised; if the file has no header row" in str(e.value)


def test_header_only_list_reads_zero_rows_and_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["id", "nombre"]])
    result = read_list(path)
    assert (result.read, result.accepted, result.rejected) == (0, 0, 0)
    assert "the list has a header but no rows" in result.notes


def test_unknown_value_markers_are_missing_not_warnings(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [["id", "nombre", "fecha de nacimiento", "sexo"], ["1", "Ana", "N/D", "se desconoce"]],
    )
    record = read_list(path).table.to_pylist()[0]
    assert record["birth_date"] is None and record["sex"] is None
    assert record["warnings"] == []


def test_month_first_reading_is_available(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["id", "nombre", "dob"], ["1", "Ana", "03/04/1998"]])
    assert read_list(path, day_first=False).table.column("birth_date").to_pylist() == ["1998-03-04"]


def test_xlsx_dates_and_numeric_ids_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ong.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Folio", "Nombre completo", "Fecha de nacimiento"])
    ws.append([17, "ROSA DIAZ PEREZ", dt.datetime(1990, 5, 1)])
    wb.save(path)
    record = read_list(path).table.to_pylist()[0]
    assert (record["id"], record["birth_date"], record["row"]) == ("17", "1990-05-01", 2)


def test_cp1252_semicolon_list_reads_accents(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [["Folio", "Nombre", "Apellido paterno"], ["1", "Ángeles", "Peña"]],
        encoding="cp1252",
        delimiter=";",
    )
    result = read_list(path)
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert result.table.column("first_surname").to_pylist() == ["Peña"]


@pytest.mark.parametrize(
    ("argument", "expected"),
    [("prensa.csv", ("prensa", Path("prensa.csv"))), ("fge=a/b.csv", ("fge", Path("a/b.csv")))],
)
def test_list_arguments_may_name_the_list(argument: str, expected: tuple[str, Path]) -> None:
    assert parse_list_argument(argument) == expected


cells = st.text(alphabet=st.sampled_from("ab ,;\"\n'1/-ñÁ"), max_size=8)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=15))
def test_random_ragged_csv_never_loses_a_row(tmp_path_factory, rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("h") / "l.csv"
    write_csv(path, [["id", "nombre", "edad", "fecha"], *rows])
    try:
        result = read_list(path)
    except InputError:
        return  # an unclosed quote is refused as a whole, with its line: nothing is half-read
    assert result.read == result.accepted + result.rejected
    assert result.accepted == result.table.num_rows
    # every non-blank row written is read: csv.writer quotes, so rows round-trip
    non_blank = [r for r in rows if r and not (len(r) == 1 and not r[0].strip())]
    assert result.read == len(non_blank)


def test_sex_letters_h_and_m_are_read_as_hombre_and_mujer(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv", [["id", "nombre", "sexo"], ["1", "Ana", "M"], ["2", "Luis", "H"]]
    )
    result = read_list(path)
    assert result.table.column("sex").to_pylist() == ["F", "M"]
    assert "the sex column uses H and M: read as H hombre, M mujer (CURP letters)" in result.notes


def test_a_lone_m_is_masculino_with_a_note_unless_the_mapping_file_says(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["id", "nombre", "sexo"], ["1", "Luis", "M"]])
    result = read_list(path)
    assert result.table.column("sex").to_pylist() == ["M"]
    assert any("M was read as masculino" in n for n in result.notes)
    mapping = tmp_path / "m.toml"
    mapping.write_text('[options]\nsex_letters = "HM"\n', encoding="utf-8")
    from recuento.lists.mapping import load_mapping_file

    result = read_list(path, mapping=load_mapping_file(mapping))
    assert result.table.column("sex").to_pylist() == ["F"]


def test_a_list_that_writes_surnames_first_is_split_that_way(tmp_path: Path) -> None:
    # An official list: PATERNO MATERNO NOMBRE. "RASCON NAVA GUILLERMO" alone is ambiguous
    # (Rascón is a rare surname); the list's other names settle the order.
    clear = [
        "LOPEZ GARCIA MARIA", "HERNANDEZ PEREZ JOSE LUIS", "MARTINEZ RUIZ ANA",
        "GONZALEZ DIAZ ROSA", "RAMIREZ TORRES JUAN", "FLORES CRUZ LAURA",
    ]  # fmt: skip
    rows = [["folio", "nombre"], ["1", "RASCON NAVA GUILLERMO"]]
    rows += [[str(i + 2), name] for i, name in enumerate(clear * 4)]
    result = read_list(write_csv(tmp_path / "fge.csv", rows))
    first = result.table.to_pylist()[0]
    assert (first["given_std"], first["first_surname_std"], first["second_surname_std"]) == (
        "guillermo",
        "rascon",
        "nava",
    )
    assert any("surnames first" in note for note in result.notes)


def test_name_order_can_be_set_in_the_mapping_file(tmp_path: Path) -> None:
    from recuento.lists.mapping import load_mapping_file

    path = write_csv(tmp_path / "l.csv", [["id", "nombre"], ["1", "RASCON NAVA GUILLERMO"]])
    mapping = tmp_path / "m.toml"
    mapping.write_text('[options]\nname_order = "surnames_first"\n', encoding="utf-8")
    record = read_list(path, mapping=load_mapping_file(mapping)).table.to_pylist()[0]
    assert record["given_std"] == "guillermo"


def test_a_postcode_column_is_read_as_the_postcode_not_kept_as_an_attribute(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "padron.csv",
        [
            ["folio", "nombre", "código postal", "observaciones"],
            ["1", "Ana López", "C.P. 32000", "x"],
            ["2", "Rosa Díaz", "N/D", ""],
        ],
    )
    result = read_list(path)
    assert result.table.column("postcode").to_pylist() == ["32000", None]
    assert [json.loads(a or "{}") for a in result.table.column("attributes").to_pylist()] == [
        {"observaciones": "x"},
        {},
    ]
