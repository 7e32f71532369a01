"""The runs app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class RunsConfig(AppConfig):
    """Linkage runs: background tasks that link the sources and count, and their results."""

    name = "recuento.web.runs"
    label = "runs"
    verbose_name = _("Linkage runs")
    nav = (NavItem("runs:runs", _("Runs"), "run_linkage"),)
