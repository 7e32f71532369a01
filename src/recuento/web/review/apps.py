"""The review app."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from recuento.web.nav import NavItem


class ReviewConfig(AppConfig):
    """The review queue: uncertain pairs decided by people, overriding the model."""

    name = "recuento.web.review"
    label = "review"
    verbose_name = _("Review")
    nav = (NavItem("review:queue", _("Review"), "review_pairs"),)
