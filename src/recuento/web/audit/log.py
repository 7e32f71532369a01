"""Writing and checking the audit log. Views call :func:`record`; nothing else writes it.

Entries are chained: ``digest = sha256(previous digest + canonical JSON of the entry)``.

Two writers must never chain onto the same entry (a fork). Three things see to it:

- on PostgreSQL, :func:`record` takes a transaction-level advisory lock before it reads
  the newest entry, so writers queue and each reads the entry the one before it wrote
  (a ``SELECT ... FOR UPDATE`` of the newest row would not do: a writer that waited for
  the lock still sees the row it waited for, not the one inserted meanwhile);
- on SQLite the database itself lets one writer at a time in;
- ``previous`` is unique in the table, so a fork is refused by the database whatever
  happens (the second writer gets an error, never a forked chain).

On SQLite, writers that find the database locked are left by SQLite to sleep and try
again after 1, 2, 5, 10, 25... ms, however soon the lock is free: with every page of a
person writing an entry, pages wait for those sleeps, not for each other. So an entry
written outside any transaction (the persons and review pages, which only read) first
takes its turn in a queue of the site's own, a lock on a file in the data directory (held
by one thread of one process at a time; the next one is woken as soon as it is released),
and meets SQLite's lock free. Inside a transaction that may already hold SQLite's lock
the queue is skipped (waiting for it there could wait for ourselves).

The lock is held until the transaction ends; with ``ATOMIC_REQUESTS`` that is the end of
the request, so views record at the end of their work, not before a long computation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from recuento.web.audit.models import Checkpoint, Entry

GENESIS = "0" * 64
# pg_advisory_xact_lock key: the first 8 bytes of sha256("recuento.audit"), as a signed bigint.
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"recuento.audit").digest()[:8], "big", signed=True)
_FIELDS = ("pk", "at", "user_id", "username", "action", "object_type", "object_id", "detail")


def _digest(
    previous: str,
    at: dt.datetime,
    user_id: int | None,
    username: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: Any,
) -> str:
    content = {
        "at": at.isoformat(),
        "user": user_id,
        "username": username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def digest_of(previous: str, entry: Entry) -> str:
    """The digest an entry must carry, given the previous entry's digest."""
    return _digest(
        previous,
        entry.at,
        entry.user_id,
        entry.username,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.detail,
    )


def _as_stored(detail: dict[str, Any] | None) -> Any:
    """``detail`` as it reads back from the database (JSON round trip), so it chains."""
    try:
        return json.loads(json.dumps(detail or {}, allow_nan=False, sort_keys=True))
    except (TypeError, ValueError) as e:
        raise TypeError(
            "an audit entry's detail must be JSON (strings, whole or finite numbers, lists, "
            f"mappings with string keys): {e}"
        ) from e


_turn = threading.Lock()
# The queue's file, opened once per process (after a fork, again: a descriptor inherited
# from the parent would share its lock with it).
_lock_file: tuple[int, Any] | None = None


def _queue_file() -> Any:
    global _lock_file
    if _lock_file is None or _lock_file[0] != os.getpid():
        path = Path(settings.DATA_DIR) / "audit.lock"
        _lock_file = (os.getpid(), path.open("a+b"))
    return _lock_file[1]


@contextlib.contextmanager
def _writers_queue(connection: Any) -> Iterator[None]:
    """Wait for this entry's turn among the site's writers (SQLite, outside a transaction
    only; elsewhere nothing)."""
    try:
        import fcntl
    except ImportError:  # not on Unix: SQLite's own waiting only
        fcntl = None  # type: ignore[assignment]
    if connection.vendor != "sqlite" or connection.in_atomic_block or fcntl is None:
        yield
        return
    with _turn:
        handle = _queue_file()
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@functools.cache
def _newest_digest_sql(using: str) -> str:
    """The newest entry's digest: ``Entry.objects.order_by("-pk")`` and its digest, first
    row, as the ORM writes it, written out once per database (building it through the ORM
    took a fifth of the time of writing an entry, once for every page that shows records)."""
    q = connections[using].ops.quote_name
    meta = Entry._meta
    digest = q(meta.get_field("digest").column)
    return f"SELECT {digest} FROM {q(meta.db_table)} ORDER BY {q(meta.pk.column)} DESC LIMIT 1"


def record(
    user: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry: ``user`` (or None for an anonymous visitor) did ``action``.

    Runs inside the caller's transaction (a request's, with ``ATOMIC_REQUESTS``): if the
    change it records is rolled back, so is the entry.

    Args:
        user: the acting user; an anonymous user or None is recorded as nobody.
        action: a short verb, e.g. ``view``, ``create``, ``change``, ``decide``.
        object_type: what was touched, e.g. ``person``, ``record``, ``case``.
        object_id: which one.
        detail: JSON-serialisable facts about the change (field names, old and new status);
            never a personal value.

    Raises:
        TypeError: ``detail`` is not JSON (e.g. a date object, NaN).
    """
    acting = user if user is not None and getattr(user, "is_authenticated", False) else None
    stored_detail = _as_stored(detail)
    using = router.db_for_write(Entry)
    with _writers_queue(connections[using]), transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        with connection.cursor() as cursor:
            cursor.execute(_newest_digest_sql(using))
            last = cursor.fetchone()
        previous = last[0] if last is not None else GENESIS
        entry = Entry(
            at=timezone.now(),
            user=acting,
            username=acting.get_username() if acting is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=stored_detail,
            previous=previous,
        )
        entry.digest = digest_of(previous, entry)
        entry.save(using=using)
    return entry


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain.

    Attributes:
        ok: every entry checked chains onto the one before it.
        checked: entries found intact, in order, from the first entry (all if ok).
        first_broken: the pk of the first entry that does not chain (None if ok).
        head: the digest of the newest entry found intact (``GENESIS`` for none): write
            it down elsewhere to be able to tell, later, that no entry was removed from
            the end.
        last: the pk of the newest entry found intact (None for none).
    """

    ok: bool
    checked: int
    first_broken: int | None = None
    head: str = GENESIS
    last: int | None = None


def verify(*, since: Checkpoint | None = None) -> Verification:
    """Recompute every digest in order; report the first entry that does not chain.

    A changed entry breaks its own digest; a removed entry breaks the next one's
    ``previous``; an inserted one breaks its own. Removing the newest entries leaves a
    valid shorter chain: compare :attr:`Verification.head` with a copy kept elsewhere
    (an exported CSV holds every digest), or check from a checkpoint.

    Args:
        since: start after this checkpoint instead of the first entry. Its entry must
            still exist with the same digest, or the check fails at that entry (the end
            of the log was cut, or that entry changed).
    """
    previous, checked, last = GENESIS, 0, None
    entries = Entry.objects.order_by("pk")
    if since is not None:
        stored = Entry.objects.filter(pk=since.entry_pk).values_list("digest", flat=True).first()
        if stored != since.digest:
            return Verification(ok=False, checked=0, first_broken=since.entry_pk)
        previous, checked, last = since.digest, since.checked, since.entry_pk
        entries = entries.filter(pk__gt=since.entry_pk)
    rows = entries.values_list(*_FIELDS, "previous", "digest").iterator(chunk_size=5000)
    for pk, *content, stored_previous, digest in rows:
        if stored_previous != previous or _digest(previous, *content) != digest:
            return Verification(
                ok=False, checked=checked, first_broken=pk, head=previous, last=last
            )
        previous, last = digest, pk
        checked += 1
    return Verification(ok=True, checked=checked, head=previous, last=last)


def check(*, full: bool = False) -> Verification:
    """Verify from the newest checkpoint (from the first entry when ``full``); on success
    record a checkpoint at the newest entry, so that the next check starts there."""
    since = None if full else Checkpoint.objects.order_by("-pk").first()
    result = verify(since=since)
    advanced = since is None or result.last != since.entry_pk
    if result.ok and result.last is not None and advanced:
        Checkpoint.objects.create(
            entry_pk=result.last,
            digest=result.head,
            checked=result.checked,
            full=since is None,
        )
    return result


def last_full_check() -> Checkpoint | None:
    """The newest checkpoint that a check from the first entry recorded."""
    return Checkpoint.objects.filter(full=True).order_by("-pk").first()
