"""``audit_verify``: check the whole audit log from its first entry (for cron).

Exit status 0 when the chain is intact (prints the entries checked and the newest digest,
to keep elsewhere), 1 when it is broken or the database's guard is missing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router

from recuento.web.audit import schema
from recuento.web.audit.log import check
from recuento.web.audit.models import Entry


class Command(BaseCommand):
    help = "Check the audit log's hash chain from the first entry; exit 1 if it is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        result = check(full=True)
        if not result.ok:
            raise CommandError(
                f"the audit log's chain is broken at entry {result.first_broken}: that entry, "
                f"or the one before it, was changed or removed ({result.checked} entries "
                "before it chain). Compare with a backup."
            )
        if not schema.guard_installed(connections[router.db_for_read(Entry)]):
            raise CommandError(
                "the audit log's chain is intact but the database's guard (its triggers) is "
                "missing; restore it: python -m recuento.web migrate audit 0001, then migrate"
            )
        self.stdout.write(f"intact: {result.checked} entries; newest digest {result.head}")
