"""The persons app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class PersonsConfig(AppConfig):
    """Persons: search, and a person's records from every source."""

    name = "recuento.web.persons"
    label = "persons"
    verbose_name = _("Persons")
    nav = (NavItem("persons:search", _("Persons"), "view_persons"),)
