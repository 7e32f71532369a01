"""Scenarios of the audit log on PostgreSQL, run by test_web_audit_postgres.py in a subprocess.

The web tests' own process is bound to SQLite (tests/web/conftest.py); this script starts
Django on the database named by RECUENTO_DATABASE_URL, migrates it, runs one scenario and
prints its findings as JSON on stdout. Usage: ``python audit_pg_scenario.py SCENARIO``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

os.environ["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, connections, transaction  # noqa: E402

from recuento.web.audit import schema  # noqa: E402
from recuento.web.audit.log import record, verify  # noqa: E402
from recuento.web.audit.models import Entry  # noqa: E402


def concurrent(threads: int = 4, each: int = 60) -> dict[str, Any]:
    """Writers in several threads (one connection each) append at the same moment."""
    start = threading.Barrier(threads)
    errors: list[str] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
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
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as e:
        return str(e).splitlines()[0]
    return "not refused"


def guard() -> dict[str, Any]:
    """Raw UPDATE, DELETE and TRUNCATE are refused; dropping the guard lets tampering show."""
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


if __name__ == "__main__":
    call_command("migrate", interactive=False, verbosity=0)
    scenario = {"concurrent": concurrent, "guard": guard}[sys.argv[1]]
    print(json.dumps(scenario()))
