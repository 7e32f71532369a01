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


def test_spark_backend_gives_the_same_persons_as_duckdb(tmp_path) -> None:
    population = simulate_population(300, seed=21)
    written = write_lists(simulate_lists(population, seed=22), tmp_path)
    tables = [
        read_list(p).table
        for p in written
        if p.suffix in {".csv", ".xlsx"} and p.stem not in {"truth", "histories"}
    ]
    duck = link_tables(tables)
    spark = link_tables(tables, model=duck.model, backend="spark", spark_master="local[2]")
    assert spark.persons.column("person_id").to_pylist() == (
        duck.persons.column("person_id").to_pylist()
    )
    assert spark.pairs.num_rows == duck.pairs.num_rows
