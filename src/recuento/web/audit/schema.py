"""The database's own guard of the audit log: triggers that refuse UPDATE, DELETE and TRUNCATE.

:class:`~recuento.web.audit.models.Entry` refuses to save or delete an existing entry in
Python, but ``QuerySet.update()``, ``QuerySet.delete()`` and raw SQL never call those
methods. These triggers make the database itself refuse the change, whoever asks. Someone
with the right to change the schema can still drop them; the hash chain
(:func:`recuento.web.audit.log.verify`) then shows any entry they change or remove, and
:func:`guard_installed` shows on the audit page that the guard is gone.

The triggers are created by migration ``0002_append_only``. On SQLite a later
migration that alters the ``audit_entry`` table rebuilds it and loses them: such a
migration must call :func:`install_sql` again (a test checks that they exist after every
migration).
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_entry"
# The names are checked by guard_installed(); keep them in step with the SQL below.
SQLITE_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")
POSTGRESQL_TRIGGERS = ("audit_entry_no_change", "audit_entry_no_truncate")
REFUSED = "audit entries are append-only"


def _unsupported(vendor: str) -> NotImplementedError:
    return NotImplementedError(
        f"the audit log's append-only triggers exist for sqlite and postgresql, not for {vendor}"
    )


def install_sql(vendor: str) -> list[str]:
    """The statements that create the triggers on a database of ``vendor``."""
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END",
            f"CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END",
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION audit_entry_refuse() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{REFUSED}: % refused', TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$",
            f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
            f"CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse()",
            f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
            f"CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse()",
        ]
    raise _unsupported(vendor)


def uninstall_sql(vendor: str) -> list[str]:
    """The statements that drop the triggers (the migration's reverse)."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}" for name in POSTGRESQL_TRIGGERS),
            "DROP FUNCTION IF EXISTS audit_entry_refuse()",
        ]
    raise _unsupported(vendor)


def guard_installed(connection: Any) -> bool:
    """Whether every trigger of the guard exists on ``connection``'s database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            wanted = set(SQLITE_TRIGGERS)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                [TABLE],
            )
            wanted = set(POSTGRESQL_TRIGGERS)
        else:
            return False
        return wanted <= {row[0] for row in cursor.fetchall()}
