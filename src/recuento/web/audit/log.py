"""Writing and checking the audit log. Views call :func:`record`; nothing else writes it.

Entries are chained: ``digest = sha256(previous digest + canonical JSON of the entry)``.
Writers take a lock on the newest entry (``select_for_update``; SQLite serialises writers
anyway), so two requests cannot both chain onto the same entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from recuento.web.audit.models import Entry

GENESIS = "0" * 64


def digest_of(previous: str, entry: Entry) -> str:
    """The digest an entry must carry, given the previous entry's digest."""
    content = {
        "at": entry.at.isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def record(
    user: Any,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry: ``user`` (or None for an anonymous visitor) did ``action``.

    Args:
        user: the acting user; an anonymous user or None is recorded as nobody.
        action: a short verb, e.g. ``view``, ``create``, ``change``, ``decide``.
        object_type: what was touched, e.g. ``person``, ``record``, ``case``.
        object_id: which one.
        detail: JSON-serialisable facts about the change (field names, old and new status).
    """
    acting = user if user is not None and getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        last = Entry.objects.select_for_update().order_by("-pk").only("digest").first()
        previous = last.digest if last is not None else GENESIS
        entry = Entry(
            at=timezone.now(),
            user=acting,
            username=acting.get_username() if acting is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail or {},
            previous=previous,
        )
        entry.digest = digest_of(previous, entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: ``ok``, entries checked, first broken entry's pk."""

    ok: bool
    checked: int
    first_broken: int | None = None


def verify() -> Verification:
    """Recompute every digest in order; report the first entry that does not chain."""
    previous = GENESIS
    checked = 0
    for entry in Entry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous != previous or digest_of(previous, entry) != entry.digest:
            return Verification(ok=False, checked=checked, first_broken=entry.pk)
        previous = entry.digest
        checked += 1
    return Verification(ok=True, checked=checked)
