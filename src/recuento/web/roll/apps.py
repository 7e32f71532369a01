"""The roll app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class RollConfig(AppConfig):
    """Keep the roll: members, local groups, statuses and hearings."""

    name = "recuento.web.roll"
    label = "roll"
    verbose_name = _("Roll")
    nav = (NavItem("roll:members", _("Members"), "view_members"),)
