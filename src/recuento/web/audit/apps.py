"""The audit app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class AuditConfig(AppConfig):
    """The append-only, hash-chained audit log of every view and change of a person or record."""

    name = "recuento.web.audit"
    label = "audit"
    verbose_name = _("Audit log")
    nav = (NavItem("audit:log", _("Audit"), "view_audit_log"),)

    def ready(self) -> None:
        """Connect the receivers that audit logins and changes to users and roles."""
        from recuento.web.audit import receivers  # noqa: F401
