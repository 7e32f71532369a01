"""Files written by write_lists: readable back, in the promised encodings and delimiters."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from recuento.simulate import SimulationError, write_lists


def _read_csv(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_written_lists_read_back_equal_to_the_simulated_rows(juarez_small, tmp_path):
    paths = write_lists(juarez_small, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert [p.name for p in paths] == [
        "prensa.csv", "ong.xlsx", "fiscalia.csv", "familias.csv",
        "truth.csv", "histories.csv", "manifest.json",
    ]  # fmt: skip
    formats = {entry["name"]: entry["format"] for entry in manifest["lists"]}
    assert formats == {
        "prensa": "csv", "ong": "xlsx", "fiscalia": "csv-cp1252", "familias": "csv-bom",
    }  # fmt: skip
    for entry in manifest["lists"]:
        path = tmp_path / entry["file"]
        source = juarez_small.sources[entry["name"]]
        expected = [source.headers, *map(list, zip(*source.columns.values(), strict=True))]
        if entry["format"] == "xlsx":
            sheet = load_workbook(path, read_only=True).active
            got = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        else:
            got = _read_csv(path, entry["encoding"], entry["delimiter"])
        assert got == expected, entry["name"]
        assert entry["records"] == len(source)
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_encodings_are_the_ones_promised(juarez_small, tmp_path):
    write_lists(juarez_small, tmp_path)
    familias = (tmp_path / "familias.csv").read_bytes()
    assert familias.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    prensa = (tmp_path / "prensa.csv").read_bytes()
    assert not prensa.startswith(b"\xef\xbb\xbf")
    assert "á".encode() in prensa or "é".encode() in prensa  # accents as UTF-8
    fiscalia = (tmp_path / "fiscalia.csv").read_bytes()
    assert fiscalia.splitlines()[0].count(b";") == 8
    assert "Ñ".encode("cp1252") in fiscalia  # Castañeda, Muñoz... in Windows-1252
    with pytest.raises(UnicodeDecodeError):
        fiscalia.decode("utf-8")


def test_truth_and_histories_files_match_the_simulation(juarez_small, tmp_path):
    write_lists(juarez_small, tmp_path)
    truth = _read_csv(tmp_path / "truth.csv", "utf-8", ",")
    assert truth[0] == ["source", "id", "person_id", "errors"]
    assert {(s, i): p for s, i, p, _ in truth[1:]} == juarez_small.truth
    histories = _read_csv(tmp_path / "histories.csv", "utf-8", ",")
    assert histories[0] == [*juarez_small.list_names, "count"]
    counts = {tuple(int(x) for x in row[:-1]): int(row[-1]) for row in histories[1:]}
    assert counts == juarez_small.capture_histories()
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["population_size"] == juarez_small.population_size
    assert manifest["documented"] == juarez_small.documented
    assert manifest["seed"] == juarez_small.seed and manifest["scenario"] == "juarez"


def test_existing_files_are_not_overwritten_without_permission(juarez_small, tmp_path):
    (tmp_path / "truth.csv").write_text("keep me", "utf-8")
    with pytest.raises(SimulationError, match="already exist"):
        write_lists(juarez_small, tmp_path)
    assert (tmp_path / "truth.csv").read_text("utf-8") == "keep me"
    assert not (tmp_path / "prensa.csv").exists()
    write_lists(juarez_small, tmp_path, overwrite=True)
    assert (tmp_path / "truth.csv").read_text("utf-8").startswith("source,id")


def test_formats_can_be_chosen_per_list_or_for_all(juarez_small, tmp_path):
    paths = write_lists(juarez_small, tmp_path / "a", formats={"ong": "csv", "prensa": "xlsx"})
    assert {p.name for p in paths} >= {"ong.csv", "prensa.xlsx"}
    paths = write_lists(juarez_small, tmp_path / "b", formats={"*": "csv"})
    assert all(p.suffix in {".csv", ".json"} for p in paths)
    with pytest.raises(SimulationError, match="no list is called 'nope'"):
        write_lists(juarez_small, tmp_path / "c", formats={"nope": "csv"})


def test_the_same_simulation_is_written_to_the_same_bytes(juarez_small, tmp_path):
    first = write_lists(juarez_small, tmp_path / "one")
    second = write_lists(juarez_small, tmp_path / "two")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_population_file_holds_every_person_documented_or_not(juarez_small, tmp_path):
    paths = write_lists(juarez_small, tmp_path, population=True)
    assert paths[-1].name == "population.csv"
    rows = _read_csv(tmp_path / "population.csv", "utf-8", ",")
    assert rows[0][:3] == ["person_id", "sex", "given_names"]
    assert len(rows) - 1 == juarez_small.population_size
    assert {p for _, _, p, _ in juarez_small.truth_rows()} <= {r[0] for r in rows[1:]}
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["population"]["file"] == "population.csv"
