"""`recuento link` and `recuento evaluate` end to end on small simulated lists."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from recuento.cli import cli
from recuento.simulate import simulate_lists, simulate_population, write_lists


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sim")
    population = simulate_population(600, seed=3)
    write_lists(simulate_lists(population, seed=4), folder)
    return folder


def list_files(folder: Path) -> list[str]:
    return [
        str(folder / name) for name in ("prensa.csv", "ong.xlsx", "fiscalia.csv", "familias.csv")
    ]


@pytest.fixture(scope="module")
def linked(lists: Path) -> tuple[Path, dict]:
    out = lists / "persons.csv"
    result = CliRunner().invoke(
        cli,
        [
            "link",
            *list_files(lists),
            "--out",
            str(out),
            "--json",
            "--save-model",
            str(lists / "model.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(result.output)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_every_accepted_record_gets_exactly_one_person(lists: Path, linked) -> None:
    out, summary = linked
    rows = read_csv(out)
    assert list(rows[0]) == ["source", "id", "person_id", "person_records", "weakest_link"]
    keys = [(r["source"], r["id"]) for r in rows]
    assert len(keys) == len(set(keys))
    truth = read_csv(lists / "truth.csv")
    assert set(keys) == {(t["source"], t["id"]) for t in truth}
    assert summary["records"] == summary["rejected"] + len(rows)
    assert summary["persons"] == len({r["person_id"] for r in rows})
    assert {entry["name"] for entry in summary["lists"]} == {
        "prensa",
        "ong",
        "fiscalia",
        "familias",
    }


def test_linkage_finds_about_the_true_number_of_people(lists: Path, linked) -> None:
    # Loose bounds for a 600-person population: the benchmark measures accuracy; this test
    # catches a linkage that links nothing or everything.
    out, _ = linked
    result = CliRunner().invoke(
        cli, ["evaluate", str(out), "--truth", str(lists / "truth.csv"), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert abs(scores["count_error_percent"]) < 10
    assert scores["pairwise_precision"] > 0.85
    assert scores["pairwise_recall"] > 0.85


def test_uncertain_pairs_and_rejects_are_written_beside_the_output(linked) -> None:
    out, summary = linked
    uncertain = read_csv(out.with_name("persons.uncertain.csv"))
    assert len(uncertain) == summary["uncertain_pairs"]
    assert all(0.2 <= float(r["match_probability"]) <= 0.8 for r in uncertain)
    rejects = out.with_name("persons.rejects.csv").read_text(encoding="utf-8")
    assert rejects.splitlines()[0] == "source,number,reason,message"


def test_a_saved_model_links_again_without_training(lists: Path, linked) -> None:
    out, _ = linked
    again = lists / "again.csv"
    result = CliRunner().invoke(
        cli,
        ["link", *list_files(lists), "--out", str(again), "--model", str(lists / "model.json")],
    )
    assert result.exit_code == 0, result.output
    first, second = read_csv(out), read_csv(again)
    # The same persons; the links' probabilities agree up to the prior's fixed point, which
    # is estimated again on the same pairs (each estimate stops within 1e-4 of a step, so
    # two of them differ by a few parts in 10,000).
    strip = [{k: v for k, v in r.items() if k != "weakest_link"} for r in first]
    assert strip == [{k: v for k, v in r.items() if k != "weakest_link"} for r in second]
    for a, b in zip(first, second, strict=True):
        assert (a["weakest_link"] == "") == (b["weakest_link"] == "")
        if a["weakest_link"]:
            assert float(a["weakest_link"]) == pytest.approx(float(b["weakest_link"]), rel=1e-3)


def test_a_model_file_that_is_not_a_model_is_refused(lists: Path, tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["link", *list_files(lists), "--out", str(tmp_path / "p.csv"), "--model", str(bad)]
    )
    assert result.exit_code == 1
    assert "this is not a linkage model (no comparisons)" in result.output


def test_evaluate_needs_every_linked_record_in_the_truth(lists: Path, linked, tmp_path) -> None:
    out, _ = linked
    truth = tmp_path / "truth.csv"
    truth.write_text("source,id,person\nprensa,1,P1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(out), "--truth", str(truth)])
    assert result.exit_code == 1
    assert "record(s) of" in result.output and "have no true person" in result.output


def test_two_lists_with_the_same_name_are_refused(lists: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "link",
            str(lists / "prensa.csv"),
            f"prensa={lists / 'fiscalia.csv'}",
            "--out",
            str(tmp_path / "p.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "two lists are named 'prensa'" in result.output
