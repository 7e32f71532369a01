"""The accounts app's one model: the holder of the named permissions.

Django attaches permissions to a model; :class:`Access` has no table of its own
(``managed = False``) and exists only to declare :data:`~.permissions.ACTIONS`.
"""

from __future__ import annotations

from django.db import models

from recuento.web.accounts.permissions import ACTIONS


class Access(models.Model):
    """Holder of the site's named permissions (no table)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = tuple((a.name, a.description) for a in ACTIONS)
