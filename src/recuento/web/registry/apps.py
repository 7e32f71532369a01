"""The registry app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Sources: uploaded lists, their mappings and rejects."""

    name = "recuento.web.registry"
    label = "registry"
    verbose_name = _("Registry")
