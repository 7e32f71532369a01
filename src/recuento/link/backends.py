"""The engines linkage runs on: DuckDB (embedded, the default) and Spark (for scale).

Both run the same model: :func:`recuento.link.model.settings` writes its SQL for the
engine's dialect, and a saved model's trained parameters are applied to freshly built
settings (:func:`apply_model`) rather than reloading its JSON, whose SQL is written in the
dialect it was trained on.

Spark runs in local mode by default (``local[*]``: every core of this machine); point it
at a cluster with ``spark_master`` (``spark://host:7077``, ``yarn``...), as for any Spark
application. Splink's similarity functions come as a jar inside the splink wheel, which
is put on the session's classpath here.

In local mode Spark's driver does all the work, and its default heap (1 GB) cannot hold a
million records: recuento gives it ``RECUENTO_SPARK_MEMORY`` (Spark's syntax: ``8g``; by
default half of this machine's memory, at most 8 GB). It only takes effect when recuento
starts the JVM (not in a session already running).

DuckDB is given a memory limit (``RECUENTO_DUCKDB_MEMORY``, e.g. ``6GB``; by default a
quarter of this machine's memory, at most 4 GB) and a private temporary directory to spill
to beyond it, and does not keep rows in insertion order (nothing here needs it): without a
limit, scoring a million records let DuckDB take more than 10 GB.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
import weakref
from typing import Any

import pyarrow as pa

from recuento.errors import RecuentoError

BACKENDS = ("duckdb", "spark")


class BackendError(RecuentoError):
    """The requested linkage engine cannot be used here."""


def database_api(backend: str, *, spark_master: str | None = None) -> Any:
    """A Splink database API for ``backend`` (``duckdb`` or ``spark``)."""
    if backend == "duckdb":
        return _duckdb_api()
    if backend == "spark":
        return _spark_api(spark_master)
    raise BackendError(f"unknown linkage backend {backend!r}; use one of {', '.join(BACKENDS)}.")


#: The environment variable that sets DuckDB's memory limit (DuckDB's syntax: ``6GB``).
MEMORY_ENV = "RECUENTO_DUCKDB_MEMORY"
_DEFAULT_MEMORY_CAP = 4 << 30


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit: the environment's, or a quarter of memory up to 4 GB."""
    chosen = os.environ.get(MEMORY_ENV, "").strip()
    if chosen:
        return chosen
    return f"{max(1 << 30, min(_DEFAULT_MEMORY_CAP, _total_memory() // 4)) >> 20}MB"


#: The environment variable that sets Spark's driver memory (Spark's syntax: ``8g``).
SPARK_MEMORY_ENV = "RECUENTO_SPARK_MEMORY"


def spark_driver_memory() -> str:
    """Spark's driver memory: the environment's, or half of memory up to 8 GB."""
    chosen = os.environ.get(SPARK_MEMORY_ENV, "").strip()
    if chosen:
        if not re.fullmatch(r"\d+[kmgt]", chosen, flags=re.IGNORECASE):
            raise BackendError(
                f"{SPARK_MEMORY_ENV}={chosen!r} is not a memory size; write it as 8g or 2048m."
            )
        return chosen
    return f"{max(1 << 30, min(8 << 30, _total_memory() // 2)) >> 20}m"


def _total_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def _duckdb_api() -> Any:
    import duckdb
    from splink import DuckDBAPI

    limit = duckdb_memory_limit()
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, flags=re.IGNORECASE):
        raise BackendError(
            f"{MEMORY_ENV}={limit!r} is not a memory size; write it as 4GB or 800MB."
        )
    spill = tempfile.mkdtemp(prefix="recuento-duckdb-")
    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{limit}'")
    connection.execute(f"SET temp_directory = '{spill}'")
    connection.execute("SET preserve_insertion_order = false")
    api = DuckDBAPI(connection)
    weakref.finalize(api, shutil.rmtree, spill, ignore_errors=True)
    return api


def register(api: Any, table: pa.Table, name: str) -> Any:
    """Register a prepared Arrow table with the engine; return Splink's handle.

    The table gets a name of its own (``name`` and a random suffix): a Spark session
    outlives a linkage (the web worker runs one after another in one process), and a
    second linkage registering the same name found the first one's view in its way.
    """
    unique = f"{name}_{uuid.uuid4().hex[:12]}"
    if type(api).__name__ == "SparkAPI":
        frame = api.spark.createDataFrame(table)
        return api.register(frame, dataset_display_name=name, table_name=unique)
    return api.register(table, dataset_display_name=name, table_name=unique)


def _spark_api(master: str | None) -> Any:
    try:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location
    except ImportError as e:
        raise BackendError(
            "the Spark backend needs pyspark: install recuento with the spark extra "
            "(pip install 'recuento[spark]'), and Java 17."
        ) from e
    builder = (
        SparkSession.builder.appName("recuento")
        .master(master or "local[*]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", spark_driver_memory())
        .config("spark.sql.shuffle.partitions", "8")
    )
    try:
        session = builder.getOrCreate()
    except Exception as e:  # Java missing or the cluster unreachable: say so plainly
        raise BackendError(
            f"Spark could not start ({type(e).__name__}). Check that Java 17 is installed "
            "and, with --spark-master, that the cluster is reachable."
        ) from e
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="recuento-spark-"))
    api = SparkAPI(spark_session=session)
    api.spark = session
    return api


def apply_model(linker: Any, model: dict[str, Any]) -> list[str]:
    """Copy a saved model's trained m and u values and prior into ``linker``'s settings.

    Levels are matched by comparison name and level label. Returns the comparisons of the
    linker that the saved model does not train (they keep Splink's defaults).
    """
    saved = {
        comparison["output_column_name"]: {
            level.get("label_for_charts"): level for level in comparison["comparison_levels"]
        }
        for comparison in model.get("comparisons", [])
    }
    untrained = []
    for comparison in linker._settings_obj.comparisons:
        levels = saved.get(comparison.output_column_name)
        if levels is None:
            untrained.append(comparison.output_column_name)
            continue
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            found = levels.get(level.label_for_charts) or {}
            if found.get("m_probability") is not None:
                level.m_probability = found["m_probability"]
            if found.get("u_probability") is not None:
                level.u_probability = found["u_probability"]
    prior = model.get("probability_two_random_records_match")
    if prior is not None:
        linker._settings_obj._probability_two_random_records_match = float(prior)
    return untrained
