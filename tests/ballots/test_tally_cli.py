"""The ``recuento tally`` command."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from recuento.cli import cli

HAND = """\
4 2
40 1 0
30 2 0
20 3 0
10 4 0
0
M1
M2
M3
"W [women]"
"Toy election"
"""


def _write(tmp_path: Path, text: str, name: str = "votes.blt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tally_prints_a_stage_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tally", str(_write(tmp_path, HAND))])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Method: STV (Scottish rules, SSI 2007/42) · Seats: 2 · Valid papers: 100" in out
    assert "Stage 2: surplus of M1" in out
    assert "Elected: 1. M1 (stage 1), 2. M2 (stage 4)" in out


def test_tally_json_has_the_documented_keys(tmp_path: Path) -> None:
    args = ["tally", str(_write(tmp_path, HAND)), "--json", "--quota", "women:1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"elected", "quota", "valid", "stages", "ties"} <= set(data)
    assert data["elected"] == ["M1", "W"] and data["quota"] == 34 and data["valid"] == 100
    stage = data["stages"][1]
    assert stage["kind"] == "surplus" and stage["votes"]["M1"] == 34
    assert {"transfers", "non_transferable", "loss"} <= set(stage)


def test_tally_spanish_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tally", str(_write(tmp_path, HAND)), "--lang", "es"])
    assert result.exit_code == 0, result.output
    assert "Elegidas: 1. M1 (etapa 1)" in result.output


def test_tally_other_methods_and_seats(tmp_path: Path) -> None:
    path = str(_write(tmp_path, HAND))
    for method in ("meek", "block"):
        result = CliRunner().invoke(cli, ["tally", path, "--method", method, "--seats", "1"])
        assert result.exit_code == 0, result.output
    yesno = "2 1\n6 1 0\n3 2 0\n1 0\n0\nSí\nNo\nConsulta\n"
    args = [
        "tally",
        str(_write(tmp_path, yesno, "c.blt")),
        "--method",
        "yesno",
        "--electorate",
        "20",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Turnout: 50.00% (10 / 20)" in result.output


def test_tally_reports_file_problems_with_exit_status_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tally", str(_write(tmp_path, "2 1\n1 3 0\n0\nA\nB\n"))])
    assert result.exit_code == 1
    assert "votes.blt is not a valid BLT ballot file (1 problems)" in result.output
    assert "line 2: a preference names no candidate (candidates are 1..2)" in result.output


def test_tally_asks_for_a_lot_when_one_is_needed_and_accepts_it(tmp_path: Path) -> None:
    path = str(_write(tmp_path, "3 1\n2 1 0\n2 2 0\n1 3 0\n0\nA\nB\nC\nT\n"))
    result = CliRunner().invoke(cli, ["tally", path])
    assert result.exit_code == 1
    assert "pass the chosen name with --lot NAME, or pass --seed N" in result.output
    result = CliRunner().invoke(cli, ["tally", path, "--lot", "B", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["elected"] == ["A"]
    assert data["ties"][0]["method"] == "lot" and data["ties"][0]["chosen"] == "B"


def test_tally_writes_the_ballots_back_as_blt(tmp_path: Path) -> None:
    out = tmp_path / "out.blt"
    result = CliRunner().invoke(cli, ["tally", str(_write(tmp_path, HAND)), "--blt-out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").splitlines()[-2] == '"W [women]"'


def test_tally_refuses_a_bad_quota(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tally", str(_write(tmp_path, HAND)), "--quota", "women"])
    assert result.exit_code == 1
    assert "A quota must be written GROUP:MIN" in result.output


def test_spanish_table_translates_ties_and_notes(tmp_path: Path) -> None:
    path = str(_write(tmp_path, "3 1\n2 1 0\n2 2 0\n1 3 0\n0\nA\nB\nC\nT\n"))
    args = ["tally", path, "--method", "meek", "--lot", "A", "--lang", "es"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Etapa 3 (exclusión): A, B; resuelto por sorteo; elegida: A" in result.output
    assert "VUT de Meek: votos en coma fija con 9 decimales" in result.output
