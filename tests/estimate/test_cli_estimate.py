"""``recuento estimate``: the command line over estimate()."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from recuento.cli import cli

from ._reference import reference_dir

FAST = [
    "--lcmcr-classes", "2", "--lcmcr-chains", "2", "--lcmcr-burnin", "100",
    "--lcmcr-samples", "50", "--lcmcr-thin", "2",
]  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def kosovo() -> str:
    return str(reference_dir() / "histories" / "kosovo.csv")


def test_histories_loglinear_json_follows_the_contract() -> None:
    code, out, err = run("estimate", "--histories", kosovo(), "--method", "loglinear", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["documented"] == 4400
    assert d["method"] == "loglinear"
    assert d["model"]["name"] == "[123,14,34]"
    assert round(d["estimate"]) == 10334
    assert (round(d["lower"]), round(d["upper"])) == (8994, 12110)
    assert d["level"] == 0.95
    assert d["settings"]["input"]["file"] == kosovo()
    assert len(d["settings"]["input"]["sha256"]) == 64
    assert "recuento_version" in d["settings"]


def test_printed_table_has_documented_count_beside_the_estimate() -> None:
    code, out, _ = run("estimate", "--histories", kosovo(), "--method", "loglinear")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["stratum", "documented", "estimate", "interval", "95%", "model"]
    assert lines[2].split() == ["total", "4,400", "10,334", "8,994", "-", "12,110", "[123,14,34]"]


def test_named_model_and_level_are_passed_through() -> None:
    code, out, _ = run(
        "estimate", "--histories", kosovo(), "--model", "Mt", "--level", "0.9", "--json"
    )
    assert code == 0
    d = json.loads(out)
    assert d["model"]["name"] == "Mt"
    assert d["level"] == 0.9


PERSONS = """source,id,person_id,year
prensa,1,p1,2001
ong,1,p1,2001
fiscalia,1,p1,2001
prensa,2,p2,2001
ong,2,p3,2001
fiscalia,2,p4,2001
prensa,3,p5,2001
ong,3,p5,2001
prensa,4,p6,2002
ong,4,p6,2002
fiscalia,4,p7,2002
prensa,5,p8,2002
ong,5,p9,2002
fiscalia,5,p9,2002
prensa,6,p10,2002
"""


def test_persons_file_by_year_gives_strata_in_json(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(PERSONS, encoding="utf-8")
    code, out, err = run("estimate", str(path), "--by", "year", "--method", "loglinear",
                         "--model", "[1,2,3]", "--json")  # fmt: skip
    assert code == 0, err
    d = json.loads(out)
    assert d["by"] == "year"
    assert [s["stratum"] for s in d["strata"]] == ["2001", "2002"]
    assert [s["documented"] for s in d["strata"]] == [5, 5]
    assert d["documented"] == 10
    assert d["lists"] == ["prensa", "ong", "fiscalia"]


def test_no_input_is_a_usage_error() -> None:
    code, _, err = run("estimate")
    assert code == 2
    assert "give either a persons file or --histories FILE (not both)." in err


def test_by_with_histories_is_a_usage_error() -> None:
    code, _, err = run("estimate", "--histories", kosovo(), "--by", "year")
    assert code == 2
    assert "--by works on a persons file" in err


def test_model_without_finite_estimate_exits_1_with_a_clear_message() -> None:
    path = str(reference_dir() / "histories" / "artificial_3.csv")
    code, _, err = run("estimate", "--histories", path, "--model", "[12,3]")
    assert code == 1
    assert err == (
        "Error: model [12,3] gives no finite estimate with this table (its maximum-likelihood "
        "estimate does not exist). Choose another model or leave --model out to search.\n"
    )


def test_bad_histories_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("A,B,C,count\n1,0,0,x\n1,1,2,3\n", encoding="utf-8")
    code, _, err = run("estimate", "--histories", str(path))
    assert code == 1
    assert "line 2, column 'count'" in err
    assert "line 3, column 'C': expected 0 or 1." in err


@pytest.mark.skipif(
    importlib.util.find_spec("recuento.estimate.lcmcr") is None,
    reason="recuento.estimate.lcmcr (the LCMCR sampler) is not importable",
)
def test_auto_method_runs_lcmcr_with_a_seed() -> None:
    code, out, err = run("estimate", "--histories", kosovo(), "--seed", "7", "--json", *FAST)
    assert code == 0, err
    d = json.loads(out)
    assert d["method"] == "lcmcr"
    assert d["settings"]["seed"] == 7
    assert "rhat" in d["diagnostics"]
