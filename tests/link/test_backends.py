"""DuckDB runs with a memory limit and a private directory to spill to."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from recuento.link.backends import MEMORY_ENV, BackendError, database_api, duckdb_memory_limit


def _setting(api, name: str) -> str:
    return api._con.execute(f"select current_setting('{name}')").fetchall()[0][0]


def test_duckdb_gets_the_memory_limit_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    api = database_api("duckdb")
    assert _setting(api, "memory_limit") in {"1.0 GiB", "953.6 MiB", "1.0 GB"}
    assert _setting(api, "preserve_insertion_order") is False


def test_the_default_limit_is_a_quarter_of_memory_at_most_4_gb(monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    megabytes = int(duckdb_memory_limit().removesuffix("MB"))
    assert 1024 <= megabytes <= 4096


def test_the_spill_directory_goes_with_the_engine(monkeypatch) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    api = database_api("duckdb")
    spill = Path(_setting(api, "temp_directory"))
    assert spill.is_dir() and spill.name.startswith("recuento-duckdb-")
    del api
    gc.collect()
    assert not spill.exists()


def test_a_memory_limit_that_is_not_a_size_is_refused_clearly(monkeypatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "4GB'; drop table x; --")
    with pytest.raises(BackendError, match="not a memory size"):
        database_api("duckdb")


def test_spark_driver_memory_comes_from_the_environment_or_half_of_memory(monkeypatch) -> None:
    from recuento.link.backends import SPARK_MEMORY_ENV, spark_driver_memory

    monkeypatch.setenv(SPARK_MEMORY_ENV, "6g")
    assert spark_driver_memory() == "6g"
    monkeypatch.delenv(SPARK_MEMORY_ENV)
    megabytes = int(spark_driver_memory().removesuffix("m"))
    assert 1024 <= megabytes <= 8192


def test_a_spark_memory_that_is_not_a_size_is_refused_clearly(monkeypatch) -> None:
    from recuento.link.backends import SPARK_MEMORY_ENV, spark_driver_memory

    monkeypatch.setenv(SPARK_MEMORY_ENV, "lots")
    with pytest.raises(BackendError, match="not a memory size"):
        spark_driver_memory()
