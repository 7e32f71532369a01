"""The audit log on a real database server and file: PostgreSQL (the guard refuses
changes, the pages answer, concurrent writers never fork) and SQLite (concurrent requests
never fork the chain and never fail with "database is locked").

The web tests' own process is bound to an in-memory SQLite (tests/web/conftest.py), so
each test runs this file as a script in a subprocess, against a fresh database:
``python test_web_audit_backends.py SCENARIO`` starts Django on RECUENTO_DATABASE_URL (or
SQLite in RECUENTO_DATA_DIR),
migrates, runs ``scenario_<SCENARIO>()`` and prints its findings as JSON.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)

SCRIPT = Path(__file__)


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
    if not url:
        env.pop("RECUENTO_DATABASE_URL")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), scenario],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.postgres
def test_concurrent_writers_never_fork_the_chain_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    found = _run("concurrent", postgres_url, tmp_path)
    assert found["errors"] == []
    assert found["ok"] is True
    assert found["count"] == found["checked"] == found["distinct_previous"] == 4 * 60


def test_concurrent_requests_never_fork_nor_fail_on_sqlite(tmp_path: Path) -> None:
    # Each writer reads before it records, as a view does: without the write lock taken
    # at the start of each transaction, most of them failed with "database is locked".
    found = _run("concurrent", "", tmp_path)
    assert found["errors"] == []
    assert found["ok"] is True
    assert found["count"] == found["checked"] == found["distinct_previous"] == 4 * 60


@pytest.mark.postgres
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


@pytest.mark.postgres
def test_the_audit_pages_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    found = _run("pages", postgres_url, tmp_path)
    assert found["anonymous"] == {name: 302 for name in found["anonymous"]}
    assert found["analyst"] == {name: 403 for name in found["analyst"]}
    assert found["administrator"] == {name: 200 for name in found["administrator"]}
    assert found["verification"]["ok"] is True and found["verification"]["guard"] is True
    assert found["logins"] == 2 and found["failed_logins"] == 2
    assert found["csv_rows"] == found["entries"]  # the export's own entry included


# --- the scenarios, run in the subprocess ---


def scenario_concurrent(threads: int = 4, each: int = 60) -> dict[str, Any]:
    """Writers in several threads (one connection each) append at the same moment."""
    from django.db import connections, transaction

    from recuento.web.audit.log import record, verify
    from recuento.web.audit.models import Entry

    start = threading.Barrier(threads)
    errors: list[str] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    Entry.objects.filter(object_type="person").exists()  # a view reads first
                    record(None, "view", "person", f"{n}-{i}")
        except Exception as e:  # reported to the test, which fails on any
            errors.append(f"{type(e).__name__}: {e}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    result = verify()
    previous = list(Entry.objects.values_list("previous", flat=True))
    return {
        "errors": errors,
        "ok": result.ok,
        "checked": result.checked,
        "count": Entry.objects.count(),
        "distinct_previous": len(set(previous)),
    }


def _refused(sql: str) -> str:
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as e:
        return str(e).splitlines()[0]
    return "not refused"


def scenario_guard() -> dict[str, Any]:
    """Raw UPDATE, DELETE and TRUNCATE are refused; dropping the guard lets tampering show."""
    from django.db import connection

    from recuento.web.audit import schema
    from recuento.web.audit.log import record, verify
    from recuento.web.audit.models import Entry

    entries = [record(None, "view", "person", n, {"weight": 0.1, "big": 10**20}) for n in range(4)]
    found: dict[str, Any] = {
        "installed": schema.guard_installed(connection),
        "update": _refused("UPDATE audit_entry SET action = 'nothing'"),
        "delete": _refused("DELETE FROM audit_entry"),
        "truncate": _refused("TRUNCATE audit_entry"),
        "count_after": Entry.objects.count(),
        "ok_before": verify().ok,
    }
    with connection.cursor() as cursor:
        for statement in schema.uninstall_sql("postgresql"):
            cursor.execute(statement)
        found["installed_after_drop"] = schema.guard_installed(connection)
        cursor.execute("UPDATE audit_entry SET object_id = '99' WHERE id = %s", [entries[1].pk])
    result = verify()
    found.update(ok_after=result.ok, first_broken=result.first_broken, expected=entries[1].pk)
    return found


def scenario_pages() -> dict[str, Any]:
    """The audit pages answer as on SQLite: access by role, verification, the CSV."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from recuento.web.accounts.permissions import sync_roles
    from recuento.web.audit.models import Entry

    setup_test_environment()
    sync_roles()
    password = "pizarra-verde-1987"
    users = {}
    for role in ("analyst", "administrator"):
        user = get_user_model().objects.create_user(username=role, password=password)
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    names = ("audit:log", "audit:log_json", "audit:export")
    found: dict[str, Any] = {"anonymous": {n: Client().get(reverse(n)).status_code for n in names}}
    for role in ("analyst", "administrator"):
        client = Client()
        client.post(reverse("accounts:login"), {"username": role, "password": "wrong"})
        assert (
            client.post(
                reverse("accounts:login"), {"username": role, "password": password}
            ).status_code
            == 302
        )
        found[role] = {n: client.get(reverse(n)).status_code for n in names}
    found["logins"] = Entry.objects.filter(action="login").count()
    found["failed_logins"] = Entry.objects.filter(action="login_failed").count()
    admin = Client()
    admin.force_login(users["administrator"])
    found["verification"] = admin.get(reverse("audit:log_json")).json()["verification"]
    export = admin.get(reverse("audit:export"))
    found["csv_rows"] = sum(1 for _ in b"".join(export.streaming_content).splitlines()) - 1
    found["entries"] = Entry.objects.count()
    return found


if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(json.dumps(globals()[f"scenario_{sys.argv[1]}"]()))
