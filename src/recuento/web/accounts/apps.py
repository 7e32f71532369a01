"""The accounts app: roles are brought in line with the registry after every migration."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles and permissions."""

    name = "recuento.web.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        """Create or update the role groups once this app's migrations have run."""
        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from recuento.web.accounts.permissions import sync_roles

    sync_roles(using=using)
