"""The ``recuento simulate`` command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from recuento.cli import cli


def test_simulate_writes_the_lists_and_prints_the_truth(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out", str(tmp_path), "--people", "400"])
    assert result.exit_code == 0, result.output
    assert "True population N = 400;" in result.stdout
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "familias.csv", "fiscalia.csv", "histories.csv", "manifest.json", "ong.xlsx",
        "prensa.csv", "truth.csv",
    ]  # fmt: skip


def test_simulate_refuses_to_overwrite_without_force(tmp_path):
    runner = CliRunner()
    args = ["simulate", "--out", str(tmp_path), "--people", "300", "--seed", "4"]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 1
    assert "7 file(s) already exist in" in again.output
    assert "allow overwriting (--force)" in again.output
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0


def test_simulate_json_summary_matches_the_manifest(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--people", "300", "--json", "--format", "csv"]
    result = CliRunner().invoke(cli, [*args, "--scenario", "indep_4lists", "--error-rate", "0"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert summary["population_size"] == manifest["population_size"] == 300
    assert summary["documented"] == manifest["documented"]
    assert [f["list"] for f in summary["lists"]] == ["list1", "list2", "list3", "list4"]
    assert all(entry["format"] == "csv" for entry in manifest["lists"])


def test_simulate_rejects_a_bad_year_range(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--years", "2010-2000"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "the first year comes after the last" in result.output


def test_simulate_help_carries_an_example():
    result = CliRunner().invoke(cli, ["simulate", "--help"])
    assert result.exit_code == 0
    assert "recuento simulate --out demo/ --people 2000" in result.output


def test_clean_lists_without_duplicates_have_one_record_per_documented_person(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--people", "300", "--json"]
    result = CliRunner().invoke(cli, [*args, "--error-rate", "0", "--duplicate-rate", "0"])
    assert result.exit_code == 0, result.output
    truth = (tmp_path / "truth.csv").read_text("utf-8").splitlines()[1:]
    assert all(line.endswith(",") for line in truth)  # no record carries an error
    per_list: dict[str, set[str]] = {}
    for line in truth:
        source, _, person, _ = line.split(",")
        assert person not in per_list.setdefault(source, set())
        per_list[source].add(person)


def test_a_setting_that_contradicts_the_scenario_is_refused(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--scenario", "uk_roll", "--setting", "juarez"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "scenario 'uk_roll' needs the 'uk' setting, not 'juarez'" in result.output
    assert not any(tmp_path.iterdir())


def test_lists_option_keeps_the_first_k_lists(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--people", "200", "--lists", "2", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [f["list"] for f in summary["lists"]] == ["prensa", "ong"]
    assert summary["scenario"] == "juarez[:2]"
    header = (tmp_path / "histories.csv").read_text("utf-8").splitlines()[0]
    assert header == "prensa,ong,count"


def test_population_flag_writes_population_csv(tmp_path):
    args = ["simulate", "--out", str(tmp_path), "--people", "150", "--population"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "population.csv") in result.stdout
    assert len((tmp_path / "population.csv").read_text("utf-8").splitlines()) == 151
