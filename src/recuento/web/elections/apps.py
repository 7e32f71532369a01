"""The elections app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class ElectionsConfig(AppConfig):
    """Ballots: elections, electorates, single-use codes, receipts and published counts."""

    name = "recuento.web.elections"
    label = "elections"
    verbose_name = _("Elections")
    nav = (NavItem("elections:elections", _("Elections"), "manage_elections"),)
