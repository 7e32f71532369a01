"""The counts app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class CountsConfig(AppConfig):
    """The counts dashboard: documented and estimated totals, per stratum, the report."""

    name = "recuento.web.counts"
    label = "counts"
    verbose_name = _("Counts")
    nav = (NavItem("counts:dashboard", _("Counts"), "view_counts"),)
