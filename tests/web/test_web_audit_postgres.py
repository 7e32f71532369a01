"""The audit log on PostgreSQL: the guard refuses changes, concurrent writers never fork.

Each test runs tests/web/audit_pg_scenario.py in a subprocess against a fresh database on
the local server (the web tests' own process is bound to SQLite).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)

SCENARIO = Path(__file__).with_name("audit_pg_scenario.py")
pytestmark = pytest.mark.postgres


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local server, dropped afterwards."""
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_audit_test_{uuid.uuid4().hex[:12]}"
    admin = "host=127.0.0.1 port=5432 dbname=test user=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        pytest.skip(f"cannot create a database on 127.0.0.1:5432 ({type(e).__name__})")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(scenario: str, url: str, tmp_path: Path) -> Any:
    env = {**os.environ, "RECUENTO_DATABASE_URL": url, "RECUENTO_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(SCENARIO), scenario],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_concurrent_writers_never_fork_the_chain_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    found = _run("concurrent", postgres_url, tmp_path)
    assert found["errors"] == []
    assert found["ok"] is True
    assert found["count"] == found["checked"] == found["distinct_previous"] == 4 * 60


def test_the_database_refuses_changes_and_a_dropped_guard_shows_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    found = _run("guard", postgres_url, tmp_path)
    assert found["installed"] is True
    for statement in ("update", "delete", "truncate"):
        assert "audit entries are append-only" in found[statement], statement
    assert found["count_after"] == 4 and found["ok_before"] is True
    assert found["installed_after_drop"] is False
    assert found["ok_after"] is False and found["first_broken"] == found["expected"]
