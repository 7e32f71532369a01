"""The cases app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class CasesConfig(AppConfig):
    """Find: missing-person cases (fichas), posters, remains, candidate matches and tips."""

    name = "recuento.web.cases"
    label = "cases"
    verbose_name = _("Cases")
    nav = (NavItem("cases:cases", _("Cases"), "view_cases"),)
