"""`recuento count` and `recuento demo` end to end on small simulated lists."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from recuento.cli import cli
from recuento.count import histories_from_persons
from recuento.count.api import LINKAGE_CONFIGURATIONS
from recuento.link.api import DEFAULT_MIN_AVERAGE, DEFAULT_MIN_EDGE
from recuento.simulate import simulate_lists, simulate_population, write_lists


def test_histories_count_each_person_once_by_the_lists_they_are_on() -> None:
    # P1 on a and b, P2 on b only (twice), P3 on c: patterns 110, 010, 001.
    persons = pa.table(
        {"source": ["a", "b", "b", "b", "c"], "person_id": ["P1", "P1", "P2", "P2", "P3"]}
    )
    h = histories_from_persons(persons, ["a", "b", "c"])
    got = {tuple(p): int(c) for p, c in zip(h.patterns.tolist(), h.counts.tolist(), strict=True)}
    assert got == {(1, 1, 0): 1, (0, 1, 0): 1, (0, 0, 1): 1}
    assert h.n_observed == 3


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("d") / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--people", "400", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    payload["_folder"] = str(out)
    return payload


def test_demo_writes_a_self_contained_report(demo_run: dict) -> None:
    report = Path(demo_run["_folder"]) / "informe.html"
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "http://" not in html and "https://" not in html


def test_demo_reports_the_count_beside_the_truth(demo_run: dict) -> None:
    truth = demo_run["truth"]
    assert demo_run["with_linkage_uncertainty"] is True
    assert demo_run["method"] == "lcmcr with linkage uncertainty"
    assert set(demo_run) >= {
        "documented", "estimate", "lower", "upper", "level", "method", "lists", "warnings",
        "records", "rejected", "persons", "conditional", "truth",
    }  # fmt: skip
    assert demo_run["lists"] == ["prensa", "ong", "fiscalia", "familias"]
    # Linkage on a 400-person population is not exact; within 10% of the truth, or the
    # linkage is broken.
    assert abs(demo_run["documented"] - truth["documented"]) <= 0.1 * truth["documented"]
    assert demo_run["lower"] <= demo_run["estimate"] <= demo_run["upper"]
    assert demo_run["estimate"] >= demo_run["documented"]


def test_linkage_uncertainty_widens_the_interval(demo_run: dict) -> None:
    conditional = demo_run["conditional"]
    width = demo_run["upper"] - demo_run["lower"]
    assert width >= 0.9 * (conditional["upper"] - conditional["lower"])
    assert len(demo_run["persons_by_configuration"]) == 6


def test_the_pooled_configurations_lie_on_both_sides_of_the_best_clustering(
    demo_run: dict,
) -> None:
    # With the best clustering at the loosest end of the range, every other configuration
    # found more people and the pooled interval leaned above the truth when links were
    # missed (BENCHMARKS.md, "Session 9" and "Session 10").
    best = (DEFAULT_MIN_EDGE, DEFAULT_MIN_AVERAGE)
    looser = [c for c in LINKAGE_CONFIGURATIONS if c != best and c <= best and c[1] <= best[1]]
    stricter = [c for c in LINKAGE_CONFIGURATIONS if c != best and c >= best and c[1] >= best[1]]
    assert best in LINKAGE_CONFIGURATIONS
    assert looser and stricter
    assert len(looser) + len(stricter) == len(LINKAGE_CONFIGURATIONS) - 1
    persons = demo_run["persons_by_configuration"]
    assert persons[f"{best[0]}/{best[1]}"] == demo_run["persons"]
    assert min(persons[f"{e}/{a}"] for e, a in looser) <= demo_run["persons"]
    assert max(persons[f"{e}/{a}"] for e, a in stricter) >= demo_run["persons"]


def test_demo_refuses_a_folder_that_is_not_an_earlier_demo(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not hold an earlier demo" in result.output


def test_count_with_two_lists_gives_no_made_up_estimate(tmp_path: Path) -> None:
    population = simulate_population(150, seed=5)
    write_lists(simulate_lists(population, seed=6), tmp_path)
    report = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli,
        [
            "count",
            str(tmp_path / "prensa.csv"),
            str(tmp_path / "fiscalia.csv"),
            "--json",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert report.exists()
    assert payload["with_linkage_uncertainty"] is False
    assert payload["documented"] > 0
    assert payload["warnings"], "two lists must come with a warning"


def test_count_by_a_record_column_estimates_per_stratum(tmp_path: Path) -> None:
    population = simulate_population(300, seed=8)
    written = write_lists(simulate_lists(population, seed=9), tmp_path)
    files = [str(p) for p in written if p.stem in {"prensa", "ong", "fiscalia", "familias"}]
    result = CliRunner().invoke(cli, ["count", *files, "--by", "sex", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["by"] == "sex"
    strata = {s["stratum"]: s for s in payload["strata"]}
    assert "F" in strata
    assert sum(s["documented"] for s in strata.values()) == payload["documented"]


def test_count_by_an_unknown_column_says_which_exist(tmp_path: Path) -> None:
    population = simulate_population(100, seed=8)
    written = write_lists(simulate_lists(population, seed=9), tmp_path)
    files = [str(p) for p in written if p.stem in {"prensa", "fiscalia", "familias"}]
    result = CliRunner().invoke(cli, ["count", *files, "--by", "colour"])
    assert result.exit_code == 1
    assert "--by 'colour': no such column in the standardised records" in result.output


def test_count_json_carries_the_blocking_recall_estimate(demo_run: dict) -> None:
    # Issue #5 item 3: the share of pairs of records in one person that a blocking rule
    # compares directly, with the pairs it is measured on.
    recall = demo_run["blocking_recall"]
    assert set(recall) == {"estimate", "pairs_in_persons", "pairs_compared"}
    assert 0 < recall["pairs_compared"] <= recall["pairs_in_persons"]
    assert recall["estimate"] == recall["pairs_compared"] / recall["pairs_in_persons"]


def test_count_models_the_lists_named_as_dependent_in_both_estimates(tmp_path: Path) -> None:
    population = simulate_population(300, seed=8)
    written = write_lists(simulate_lists(population, seed=9), tmp_path)
    files = [str(p) for p in written if p.stem in {"prensa", "ong", "fiscalia", "familias"}]
    runs = {}
    for named in ([], ["--dependent", "ong+familias"]):
        result = CliRunner().invoke(cli, ["count", *files, "--json", *named])
        assert result.exit_code == 0, result.output
        runs[bool(named)] = json.loads(result.stdout)
    assert runs[True]["conditional"]["diagnostics"]["dependent"] == [["ong", "familias"]]
    assert runs[False]["conditional"]["diagnostics"]["dependent"] == []
    # The same persons, another model: the pooled posterior (with linkage uncertainty)
    # changes too, not only the conditional one.
    assert runs[True]["persons"] == runs[False]["persons"]
    assert runs[True]["estimate"] != runs[False]["estimate"]


def test_count_dependent_auto_chooses_the_pair_in_both_estimates(tmp_path: Path) -> None:
    # Seed 13: these 300 people's lists overlap as families reporting to the NGO make
    # them, and the two-class model without dependence does not fit them.
    population = simulate_population(300, seed=13)
    written = write_lists(simulate_lists(population, seed=14), tmp_path)
    files = [str(p) for p in written if p.stem in {"prensa", "ong", "fiscalia", "familias"}]
    runs = {}
    for auto in ([], ["--dependent", "auto"]):
        result = CliRunner().invoke(cli, ["count", *files, "--json", *auto])
        assert result.exit_code == 0, result.output
        runs[bool(auto)] = json.loads(result.stdout)
    chosen = runs[True]["conditional"]["diagnostics"]["dependent_auto"]
    assert chosen["fit_check_without"]["rejects"] is True
    assert sorted(chosen["alternatives"]) == [[["ong", "familias"]], [["prensa", "fiscalia"]]]
    assert any(w.startswith("--dependent auto") for w in runs[True]["conditional"]["warnings"])
    # Each linkage configuration chooses on its own table: the pooled estimate moves too.
    assert runs[True]["persons"] == runs[False]["persons"]
    assert runs[True]["estimate"] != runs[False]["estimate"]
    mixed = CliRunner().invoke(cli, ["count", *files, "--dependent", "auto", "--dependent", "a+b"])
    assert mixed.exit_code == 1
    assert "give one or the other" in mixed.output
    assert "linking" not in mixed.output


def test_count_with_an_unknown_dependent_list_says_which_lists_exist(tmp_path: Path) -> None:
    population = simulate_population(100, seed=8)
    written = write_lists(simulate_lists(population, seed=9), tmp_path)
    files = [str(p) for p in written if p.stem in {"prensa", "ong", "fiscalia"}]
    result = CliRunner().invoke(cli, ["count", *files, "--dependent", "ngo+prensa"])
    assert result.exit_code == 1
    assert "no list is called 'ngo'; the lists are prensa, ong, fiscalia" in result.output
    assert "linking" not in result.output  # refused before the linkage ran
