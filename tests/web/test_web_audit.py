"""The audit log: append-only in Python and in the database, chained so tampering shows."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.db import DatabaseError, IntegrityError, connection, transaction  # noqa: E402

from recuento.web.audit import schema  # noqa: E402
from recuento.web.audit.log import GENESIS, check, last_full_check, record, verify  # noqa: E402
from recuento.web.audit.models import AppendOnlyError, Checkpoint, Entry  # noqa: E402

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_chain_from_the_genesis_digest(make_user: Any) -> None:
    before = Entry.objects.count()
    user = make_user("analyst")
    first = record(user, "view", "person", 7, {"fields": ["sex"]})
    second = record(None, "view", "person", 8)
    assert second.previous == first.digest
    assert Entry.objects.order_by("pk").first().previous == GENESIS  # type: ignore[union-attr]
    result = verify()
    assert result.ok and result.checked == Entry.objects.count() > before
    assert result.head == Entry.objects.order_by("-pk").first().digest  # type: ignore[union-attr]
    assert (first.username, first.object_id, second.username) == (user.username, "7", "")


def test_an_empty_log_verifies_with_the_genesis_head() -> None:
    result = verify()
    assert (result.ok, result.checked, result.first_broken, result.head) == (True, 0, None, GENESIS)


def test_saving_or_deleting_an_entry_is_refused_in_python() -> None:
    entry = record(None, "view", "person", 1)
    entry.action = "nothing"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_the_triggers_exist_after_every_migration() -> None:
    # A later migration that rebuilds audit_entry on SQLite would drop them silently.
    assert schema.guard_installed(connection)


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_entry SET action = 'nothing'", "DELETE FROM audit_entry"],
    ids=["update", "delete"],
)
def test_raw_sql_update_or_delete_is_refused_by_the_database(sql: str) -> None:
    record(None, "view", "person", 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(sql)
    assert verify().ok and Entry.objects.filter(action="view").exists()


def test_queryset_update_and_delete_are_refused_by_the_database() -> None:
    record(None, "view", "person", 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.update(action="nothing")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.all().delete()
    assert Entry.objects.filter(action="view").count() == 1


def _drop_guard() -> None:
    # Inside the test's transaction: SQLite rolls the DROP back when the test ends.
    for statement in schema.uninstall_sql(connection.vendor):
        _raw(statement)


def test_a_changed_entry_shows_when_someone_drops_the_guard() -> None:
    entries = [record(None, "view", "person", n) for n in range(5)]
    _drop_guard()
    assert not schema.guard_installed(connection)
    _raw("UPDATE audit_entry SET object_id = '99' WHERE id = %s", [entries[2].pk])
    result = verify()
    assert not result.ok
    assert result.first_broken == entries[2].pk
    assert result.checked == Entry.objects.filter(pk__lt=entries[2].pk).count()


def test_a_removed_entry_shows_when_someone_drops_the_guard() -> None:
    entries = [record(None, "view", "person", n) for n in range(5)]
    _drop_guard()
    _raw("DELETE FROM audit_entry WHERE id = %s", [entries[1].pk])
    assert verify().first_broken == entries[2].pk


def test_a_rechained_forgery_needs_every_later_digest_and_the_head_changes() -> None:
    # Someone who rewrites an entry and every digest after it gets a valid chain, but
    # its head differs from the one written down before: that is what the head is for.
    entries = [record(None, "view", "person", n) for n in range(3)]
    head = verify().head
    _drop_guard()
    from recuento.web.audit.log import digest_of

    previous = entries[0].digest
    for entry in entries[1:]:
        entry.refresh_from_db()
        entry.object_id = "forged"
        digest = digest_of(previous, entry)
        _raw(
            "UPDATE audit_entry SET object_id = 'forged', previous = %s, digest = %s WHERE id = %s",
            [previous, digest, entry.pk],
        )
        previous = digest
    result = verify()
    assert result.ok and result.head != head


def test_a_check_starts_at_the_newest_checkpoint_and_leaves_one_at_the_end() -> None:
    first = [record(None, "view", "person", n) for n in range(3)]
    assert check().ok
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.entry_pk, checkpoint.digest) == (first[-1].pk, first[-1].digest)
    assert checkpoint.full  # there was none before: it checked from the first entry
    later = [record(None, "view", "person", n) for n in range(3, 5)]
    result = check()
    assert result.ok and result.checked == Entry.objects.count()
    newest = Checkpoint.objects.order_by("-pk").first()
    assert newest is not None and newest.entry_pk == later[-1].pk and not newest.full
    assert last_full_check() == checkpoint


def test_only_a_full_check_finds_a_change_older_than_the_checkpoint() -> None:
    # The page's check reads new entries only (fast on a long log); the full check (the
    # page's link, python -m recuento.web audit_verify) reads them all.
    entries = [record(None, "view", "person", n) for n in range(3)]
    assert check().ok
    _drop_guard()
    _raw("UPDATE audit_entry SET object_id = '99' WHERE id = %s", [entries[0].pk])
    assert check().ok
    full = check(full=True)
    assert not full.ok and full.first_broken == entries[0].pk


def test_entries_cut_from_the_end_after_a_checkpoint_show() -> None:
    entries = [record(None, "view", "person", n) for n in range(3)]
    assert check().ok
    _drop_guard()
    _raw("DELETE FROM audit_entry WHERE id = %s", [entries[-1].pk])
    result = check()
    assert not result.ok and result.first_broken == entries[-1].pk


def test_the_audit_verify_command_fails_on_a_broken_chain(capsys: Any) -> None:
    from django.core.management import CommandError, call_command

    entries = [record(None, "view", "person", n) for n in range(3)]
    call_command("audit_verify")
    assert f"intact: 3 entries; newest digest {entries[-1].digest}" in capsys.readouterr().out
    _drop_guard()
    with pytest.raises(CommandError, match="guard"):
        call_command("audit_verify")
    _raw("UPDATE audit_entry SET action = 'edit' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"broken at entry {entries[1].pk}"):
        call_command("audit_verify")


def test_two_entries_chained_onto_the_same_one_are_refused() -> None:
    entry = record(None, "view", "person", 1)
    fork = Entry(action="view", object_type="person", previous=entry.previous, digest="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def test_detail_reads_back_as_written_so_numbers_chain() -> None:
    record(None, "decide", "pair", "3-4", {"weight": 0.1, "big": 10**20, "tiny": 1e-7, "n": 2})
    assert verify().ok


@pytest.mark.parametrize("detail", [{"at": object()}, {"weight": float("nan")}])
def test_detail_that_is_not_json_is_refused_before_anything_is_written(detail: Any) -> None:
    count = Entry.objects.count()
    with pytest.raises(TypeError, match="must be JSON"):
        record(None, "view", "person", 1, detail)
    assert Entry.objects.count() == count


@pytest.mark.slow
def test_the_pages_advice_restores_a_dropped_guard(tmp_path: Any) -> None:
    # The audit page says: python -m recuento.web migrate audit 0001, then migrate.
    import os
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "RECUENTO_DATA_DIR": str(tmp_path)}
    env.pop("RECUENTO_DATABASE_URL", None)

    def manage(*args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "recuento.web", *args],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr

    def triggers() -> set[str]:
        with sqlite3.connect(tmp_path / "recuento.sqlite3") as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        return {name for (name,) in rows if name.startswith("audit_")}

    manage("migrate", "-v", "0")
    assert triggers() == set(schema.SQLITE_TRIGGERS)
    with sqlite3.connect(tmp_path / "recuento.sqlite3") as db:
        for statement in schema.uninstall_sql("sqlite"):
            db.execute(statement)
    assert triggers() == set()
    manage("migrate", "audit", "0001", "-v", "0")
    manage("migrate", "-v", "0")
    assert triggers() == set(schema.SQLITE_TRIGGERS)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_writer_outside_a_transaction_waits_its_turn_in_the_sites_queue(
    settings: Any,
) -> None:
    import fcntl
    import threading
    import time
    from pathlib import Path

    from django.db import connections

    if connection.vendor != "sqlite":
        pytest.skip("the queue is SQLite's (PostgreSQL queues writers with its advisory lock)")
    record(None, "view", "person", "first")
    written: list[Any] = []

    def write() -> None:
        try:
            written.append(record(None, "view", "person", "second"))
        finally:
            connections.close_all()

    # Someone else (another process of the site) holds the queue: the entry waits for it.
    with (Path(settings.DATA_DIR) / "audit.lock").open("a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)
        assert not written and Entry.objects.count() == 1
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        writer.join(timeout=30)
    assert len(written) == 1 and Entry.objects.count() == 2
    assert verify().ok
    # Inside a transaction (one that may hold SQLite's lock already) it does not queue.
    with (Path(settings.DATA_DIR) / "audit.lock").open("a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with transaction.atomic():
            record(None, "view", "person", "third")
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    assert Entry.objects.count() == 3 and verify().ok
    # This test's entries were committed: empty the log, guard and all, for the next test
    # (the database's flush after the test cannot remove them past the guard).
    _drop_guard()
    _raw("DELETE FROM audit_entry")
    for statement in schema.install_sql(connection.vendor):
        _raw(statement)
