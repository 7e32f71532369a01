"""``recuento serve --setup-only`` in a fresh process: data directory, migrations, first admin.

Each test runs the command in a subprocess because Django reads its settings once per
process. The PostgreSQL test uses a fresh database on the server at 127.0.0.1:5432 and is
skipped when that server is not reachable.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._postgres import postgres_reachable

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("waitress", reason=MISSING)

ADMIN = {"RECUENTO_ADMIN_USERNAME": "coordinacion", "RECUENTO_ADMIN_PASSWORD": "lluvia-de-marzo-42"}


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RECUENTO_", "DJANGO_SETTINGS_MODULE"))
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from recuento.cli import cli; cli()",
            "serve",
            "--setup-only",
            *args,
        ],
        env={**clean, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_first_start_creates_the_database_key_and_administrator_and_later_starts_reuse_them(
    tmp_path: Path,
) -> None:
    data = tmp_path / "datos"
    result = _serve("--data-dir", str(data), env=ADMIN)
    assert result.returncode == 0, result.stderr
    assert "Administrator coordinacion created." in result.stderr
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
    with sqlite3.connect(data / "recuento.sqlite3") as db:
        rows = db.execute(
            "SELECT u.username, g.name FROM auth_user u "
            "JOIN auth_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id"
        ).fetchall()
    assert rows == [("coordinacion", "administrator")]
    key = (data / "secret_key").read_text()

    # The second start (one test, to start the process once less): same key, no new user.
    second = _serve("--data-dir", str(data), env={**ADMIN, "RECUENTO_ADMIN_USERNAME": "otra"})
    assert second.returncode == 0, second.stderr
    assert "created" not in second.stderr
    assert (data / "secret_key").read_text() == key
    with sqlite3.connect(data / "recuento.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (1,)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local server, dropped afterwards."""
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_web_test_{uuid.uuid4().hex[:12]}"
    admin = "host=127.0.0.1 port=5432 dbname=test user=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        pytest.skip(f"cannot create a database on 127.0.0.1:5432 ({type(e).__name__})")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_migrations_run_on_postgresql_via_database_url(tmp_path: Path, postgres_url: str) -> None:
    result = _serve("--data-dir", str(tmp_path), "--database-url", postgres_url, env=ADMIN)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "recuento.sqlite3").exists()
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM auth_group")}
        constraint = conn.execute(
            "SELECT count(*) FROM pg_constraint "
            "WHERE conname = 'registry_source_read_is_accepted_plus_rejected'"
        ).fetchone()
    assert names == {"administrator", "coordinator", "analyst", "reviewer"}
    assert constraint == (1,)


def test_unreachable_database_is_a_clean_error(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    result = _serve(
        "--data-dir", str(tmp_path), "--database-url", "postgresql://ana:secreto@127.0.0.1:9/x"
    )
    assert result.returncode == 1
    assert "migrating the database failed" in result.stderr
    assert "secreto" not in result.stderr and "Traceback" not in result.stderr
