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

The lock is held until the transaction ends; with ``ATOMIC_REQUESTS`` that is the end of
the request, so views record at the end of their work, not before a long computation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from recuento.web.audit.models import Entry

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
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = Entry.objects.using(using).order_by("-pk").values_list("digest", flat=True).first()
        previous = last if last is not None else GENESIS
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
        ok: every entry chains onto the one before it.
        checked: entries that chained, in order, before the first broken one (all if ok).
        first_broken: the pk of the first entry that does not chain (None if ok).
        head: the newest entry's digest (``GENESIS`` for an empty log): write it down
            elsewhere to be able to tell, later, that no entry was removed from the end.
    """

    ok: bool
    checked: int
    first_broken: int | None = None
    head: str = GENESIS


def _rows() -> Iterable[tuple[Any, ...]]:
    return (
        Entry.objects.order_by("pk")
        .values_list(*_FIELDS, "previous", "digest")
        .iterator(chunk_size=5000)
    )


def verify() -> Verification:
    """Recompute every digest in order; report the first entry that does not chain.

    A changed entry breaks its own digest; a removed entry breaks the next one's
    ``previous``; an inserted one breaks its own. Removing the newest entries leaves a
    valid shorter chain: compare :attr:`Verification.head` with a copy kept elsewhere
    (an exported CSV holds every digest).
    """
    previous = GENESIS
    checked = 0
    for pk, *content, stored_previous, digest in _rows():
        if stored_previous != previous or _digest(previous, *content) != digest:
            return Verification(ok=False, checked=checked, first_broken=pk, head=previous)
        previous = digest
        checked += 1
    return Verification(ok=True, checked=checked, head=previous)
