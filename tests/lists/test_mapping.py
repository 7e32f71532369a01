"""Column mapping: built-in synonyms, mapping files, and every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from recuento.errors import MappingError, ProblemsError
from recuento.lists.mapping import fold_header, load_mapping_file, map_columns


@pytest.mark.parametrize(
    ("header", "folded"),
    [
        ("Fecha de Nacimiento:", "fecha de nacimiento"),
        ("NOMBRE(S)", "nombres"),
        ("No.", "no"),
        ("Nº", "no"),
        ("apellido_paterno", "apellido paterno"),
        ("  Edad (años) ", "edad anos"),
    ],
)
def test_headers_fold_to_a_matching_key(header: str, folded: str) -> None:
    assert fold_header(header) == folded


def test_spanish_headers_map_onto_canonical_columns() -> None:
    header = [
        "Folio", "Nombre(s)", "Apellido Paterno", "Apellido Materno", "Sexo",
        "Fecha de nacimiento", "Edad", "Fecha de desaparición", "Colonia", "Municipio",
        "Observaciones",
    ]  # fmt: skip
    mapping = map_columns(header)
    assert mapping.described() == {
        "id": "Folio",
        "given_names": "Nombre(s)",
        "first_surname": "Apellido Paterno",
        "second_surname": "Apellido Materno",
        "sex": "Sexo",
        "birth_date": "Fecha de nacimiento",
        "age": "Edad",
        "event_date": "Fecha de desaparición",
        "place": ["Colonia", "Municipio"],
    }
    assert mapping.attributes == {10: "Observaciones"}


def test_english_headers_map_onto_canonical_columns() -> None:
    mapping = map_columns(["ID", "First name", "Surname", "DOB", "Gender", "Date of death"])
    assert mapping.described() == {
        "id": "ID",
        "given_names": "First name",
        "first_surname": "Surname",
        "birth_date": "DOB",
        "sex": "Gender",
        "event_date": "Date of death",
    }


def test_nombre_is_the_whole_name_unless_surnames_have_their_own_columns() -> None:
    assert map_columns(["nombre", "edad"]).described()["full_name"] == "nombre"
    with_surnames = map_columns(["nombre", "apellidos"]).described()
    assert with_surnames == {"given_names": "nombre", "surnames": "apellidos"}


def test_place_parts_are_joined_most_specific_first() -> None:
    mapping = map_columns(["Municipio", "Estado", "Colonia"])
    assert mapping.described() == {"place": ["Colonia", "Municipio", "Estado"]}


def test_two_columns_for_one_canonical_keep_the_first_and_say_so() -> None:
    mapping = map_columns(["nombre", "fecha de desaparición", "fecha de hallazgo"])
    assert mapping.described()["event_date"] == "fecha de desaparición"
    assert mapping.attributes == {2: "fecha de hallazgo"}
    assert mapping.notes == [
        "columns 'fecha de desaparición' and 'fecha de hallazgo' both look like event_date; "
        "used 'fecha de desaparición' and kept the other as an attribute (a mapping file can "
        "choose otherwise)"
    ]


def test_mapping_file_entries_win_over_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[columns]\n"Víctima" = "full_name"\n"Colonia" = "attribute"\n'
        '[lists.fiscalia.columns]\n"F. hechos" = "event_date"\n'
        "[options]\nday_first = false\n",
        encoding="utf-8",
    )
    mapping_file = load_mapping_file(path)
    entries, options = mapping_file.for_list("fiscalia")
    assert options == {"day_first": False}
    mapping = map_columns(["VICTIMA", "colonia", "F. Hechos"], entries)
    assert mapping.described() == {"full_name": "VICTIMA", "event_date": "F. Hechos"}
    assert mapping.attributes == {1: "colonia"}
    other, _ = mapping_file.for_list("prensa")
    assert "F. hechos" not in other


def test_mapping_file_problems_are_all_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[columns]\n"A" = "nombre"\n"B" = "id"\n"C" = "id"\n'
        "[options]\nday_first = 1\ncentury = 50\n[extra]\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as e:
        load_mapping_file(path)
    assert len(e.value.problems) == 5
    assert e.value.summary == f"{path}: the mapping file has 5 problem(s):"
    assert any("'nombre' is not a column recuento knows" in p for p in e.value.problems)
    assert any("both 'B' and 'C' are mapped to 'id'" in p for p in e.value.problems)


def test_mapping_file_that_is_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid TOML"):
        load_mapping_file(path)


@pytest.mark.parametrize(
    "header",
    [
        "Postcode", "Post code", "Postal code", "ZIP", "Zip code", "Código postal",
        "Codigo Postal", "CP", "C.P.", "postal_code",
    ],
)  # fmt: skip
def test_postcode_headers_in_english_and_spanish_map_to_postcode(header: str) -> None:
    mapping = map_columns(["Folio", "Nombre", header])
    assert mapping.described() == {"id": "Folio", "full_name": "Nombre", "postcode": header}
    assert mapping.attributes == {}
