"""The same model on Splink's Spark backend (local mode) finds the same persons."""

from __future__ import annotations

import shutil

import pytest

from recuento.link.api import link_tables
from recuento.lists.reader import read_list
from recuento.simulate import simulate_lists, simulate_population, write_lists

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'recuento[spark]')")
if shutil.which("java") is None:
    pytest.skip("Java is not installed: Spark needs Java 17", allow_module_level=True)


def _tables(written) -> list:
    return [
        read_list(p).table
        for p in written
        if p.suffix in {".csv", ".xlsx"} and p.stem not in {"truth", "histories"}
    ]


def test_spark_backend_gives_the_same_persons_as_duckdb(tmp_path) -> None:
    population = simulate_population(300, seed=21)
    tables = _tables(write_lists(simulate_lists(population, seed=22), tmp_path / "mx"))
    # A UK roll carries postcodes: the postcode comparison (Damerau-Levenshtein, district)
    # and its blocking rules run in Spark's SQL too.
    uk = simulate_population(600, seed=23, setting="uk")
    uk_tables = _tables(
        write_lists(simulate_lists(uk, scenario="uk_roll", seed=24), tmp_path / "uk")
    )
    tables += [t for t in uk_tables if t.column("postcode").null_count < t.num_rows]
    duck = link_tables(tables)
    assert any(c["output_column_name"] == "postcode" for c in duck.model["comparisons"])
    spark = link_tables(tables, model=duck.model, backend="spark", spark_master="local[2]")
    assert spark.persons.column("person_id").to_pylist() == (
        duck.persons.column("person_id").to_pylist()
    )
    assert spark.pairs.num_rows == duck.pairs.num_rows


def test_two_linkages_in_one_spark_session_do_not_collide(tmp_path) -> None:
    # The web worker links run after run in one process, and Spark's session outlives
    # each linkage: the second one found the first one's records' view in its way.
    population = simulate_population(120, seed=31)
    tables = _tables(write_lists(simulate_lists(population, seed=32), tmp_path))
    first = link_tables(tables, backend="spark", spark_master="local[2]")
    second = link_tables(tables, model=first.model, backend="spark", spark_master="local[2]")
    assert second.persons.num_rows == first.persons.num_rows
