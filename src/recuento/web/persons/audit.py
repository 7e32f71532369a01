"""Audit entries for read-only pages, written so that concurrent readers never collide.

The persons pages and the report download only read; they run outside a request-wide
transaction (``transaction.non_atomic_requests``) and write their audit entry through
:func:`record`, which lets one thread of the process write at a time. On SQLite this
matters: two requests that each read and then append to the log in their own transaction
can block each other (each holds a read lock the other's write must wait for), and SQLite
then fails one of them with "database is locked" instead of waiting. Serialising the
writers of this process (the site is one waitress process) avoids that; on PostgreSQL the
log's own row lock already serialises them and the extra lock costs nothing noticeable.
"""

from __future__ import annotations

import threading
from typing import Any

from recuento.web.audit import log
from recuento.web.audit.models import Entry

_WRITING = threading.Lock()


def record(
    user: Any, action: str, object_type: str, object_id: object = "", detail: Any = None
) -> Entry:
    """:func:`recuento.web.audit.log.record`, one writer of this process at a time."""
    with _WRITING:
        return log.record(user, action, object_type, object_id, detail)
