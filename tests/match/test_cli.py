"""The ``recuento match`` command: files in, candidates out, exclusions counted."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from recuento.cli import cli
from recuento.match.records import MISSING_COLUMNS, REMAINS_COLUMNS

from ._factory import write_csv

CASES = [
    {
        "id": "D1",
        "sex": "mujer",
        "age_min": "19",
        "age_max": "19",
        "last_seen_date": "2009-03-01",
        "marks": "tatuaje|antebrazo|izquierdo|rosa con el nombre Lupita",
        "clothing": "pantalón de mezclilla|azul|Levis",
        "eyes": "verdes",
    },
    {"id": "D2", "sex": "F", "age_min": "40", "age_max": "45", "last_seen_date": "2012-01-01"},
]
REMAINS = [
    {
        "id": "R1",
        "sex": "female",
        "age_min": "17",
        "age_max": "25",
        "found_date": "2009-09",
        "condition": "mummified",
        "marks": "tattoo|wrist|left|roses, name Lupita",
        "clothing": "jeans|navy|levis",
        "eyes": "brown",
    },
    {"id": "R2", "sex": "male", "found_date": "2010-01-01"},
    {"id": "R3", "sex": "F", "found_date": "2008-01-01"},
    {
        "id": "R4",
        "sex": "F",
        "age_min": "20",
        "age_max": "25",
        "found_date": "2013-01-01",
        "condition": "reconocible",
    },
]


def _files(tmp_path):
    m = write_csv(tmp_path / "missing.csv", (*MISSING_COLUMNS, "eyes"), CASES)
    r = write_csv(tmp_path / "remains.csv", (*REMAINS_COLUMNS, "eyes"), REMAINS)
    return str(m), str(r)


def test_match_writes_candidates_and_reports_exclusions_by_reason(tmp_path):
    m, r = _files(tmp_path)
    out = tmp_path / "candidates.csv"
    result = CliRunner().invoke(
        cli, ["match", m, r, "--out", str(out), "--top", "10", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    # D1 (19, last seen 2009-03-01): R2 is male, R3 found before; R4 kept (found 2013).
    # D2 (40-45, last seen 2012): R1, R2, R3 found before; R2 male; R1 17-25 mummified,
    # widened by 5 to 30, and R4 20-25 recognisable, widened by 3 to 28, cannot be 40:
    # excluded on age. Pairs 8, excluded 6.
    assert result.stderr.startswith(
        "2 cases against 4 remains: 8 pairs, 6 excluded (incompatible sex: 2, last seen after "
        "the finding: 4, age ranges cannot overlap: 2, height ranges cannot overlap: 0); "
        "2 candidates."
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["missing_id", "remains_id", "rank", "score", "reasons"]
    assert [(row["missing_id"], row["remains_id"], row["rank"]) for row in rows] == [
        ("D1", "R1", "1"),
        ("D1", "R4", "2"),
    ]
    reasons = rows[0]["reasons"].split(" | ")
    assert (
        "tattoo: forearm in the report, wrist on the remains (neighbouring); shared words: "
        "lupita, name, rose" in reasons
    )
    assert "jeans: same garment, similar colour; shared words: levi" in reasons
    assert "verdes" not in out.read_text("utf-8") and "brown" not in out.read_text("utf-8")


def test_match_without_out_writes_the_csv_to_stdout_in_spanish(tmp_path):
    m, r = _files(tmp_path)
    result = CliRunner().invoke(cli, ["match", m, r, "--top", "1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["missing_id"], row["remains_id"]) for row in rows] == [("D1", "R1")]
    assert "tatuaje: antebrazo en la ficha, muñeca en los restos" in rows[0]["reasons"]
    expected = "2 casos contra 4 restos: 8 pares, 6 excluidos"  # codespell:ignore
    assert result.stderr.startswith(expected)


def test_match_json_has_components_bilingual_reasons_and_counts(tmp_path):
    m, r = _files(tmp_path)
    result = CliRunner().invoke(cli, ["match", m, r, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("cases", "remains", "pairs", "excluded")} == {
        "cases": 2,
        "remains": 4,
        "pairs": 8,
        "excluded": 6,
    }
    assert data["by_reason"] == {"sex": 2, "time": 4, "age": 2, "height": 0}
    first = data["candidates"][0]
    assert set(first) == {"missing_id", "remains_id", "rank", "score", "components", "reasons"}
    assert abs(first["score"] - sum(first["components"].values())) < 1e-5
    assert {"component", "points", "es", "en"} == set(first["reasons"][0])


def test_match_can_log_every_excluded_pair(tmp_path):
    m, r = _files(tmp_path)
    log = tmp_path / "excluded.csv"
    result = CliRunner().invoke(
        cli,
        ["match", m, r, "--out", str(tmp_path / "c.csv"), "--excluded", str(log), "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert log.read_text("utf-8").splitlines() == [
        "missing_id,remains_id,reasons",
        "D1,R2,incompatible sex",
        "D1,R3,last seen after the finding",
        "D2,R1,last seen after the finding | age ranges cannot overlap",
        "D2,R2,incompatible sex | last seen after the finding",
        "D2,R3,last seen after the finding",
        "D2,R4,age ranges cannot overlap",
    ]


def test_match_reports_every_problem_in_a_file_and_exits_1(tmp_path):
    m, _ = _files(tmp_path)
    bad = write_csv(
        tmp_path / "remains.csv",
        REMAINS_COLUMNS,
        [{"id": "R1", "condition": "hervido"}, {"id": "R1", "sex": "quizá"}],
    )
    result = CliRunner().invoke(cli, ["match", m, str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: remains.csv: 3 problem(s) in the remains file; fix them all and run again "
        "(see docs/match.md for the format).\n"
        "  - remains.csv, line 2, column 11 (condition): condition not recognised; use "
        "reconocible, descomposición, momificado, esqueletizado, calcinado (or recognisable, "
        "decomposed, mummified, skeletal, burned), or leave it empty\n"
        "  - remains.csv, line 3, column 1 (id): this id is already used on line 2; ids must be "
        "unique within the file\n"
        "  - remains.csv, line 3, column 2 (sex): not a recognised sex; use F, M, X, mujer, "
        "hombre, female, male, or leave it empty when undetermined\n"
    )


def test_match_top_must_be_positive(tmp_path):
    m, r = _files(tmp_path)
    result = CliRunner().invoke(cli, ["match", m, r, "--top", "0"])
    assert result.exit_code == 2


def test_match_help_has_an_example():
    result = CliRunner().invoke(cli, ["match", "--help"])
    assert result.exit_code == 0
    assert "recuento match missing.csv remains.csv --out candidates.csv --top 10" in result.output
