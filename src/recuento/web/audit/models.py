"""The audit log: append-only and hash-chained, so a changed or removed entry shows.

Each entry's ``digest`` is the SHA-256 of the previous entry's digest and this entry's
content (:func:`recuento.web.audit.log.digest_of`); :func:`recuento.web.audit.log.verify`
recomputes the chain. The methods below refuse changes made through a model instance;
the database's triggers (:mod:`recuento.web.audit.schema`) refuse every other way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """An audit entry was about to be changed or deleted."""


class Entry(models.Model):
    """Who did what to which object, when."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as written at the time: the user may be renamed later.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=200, blank=True)
    # What changed (field names, old and new status...): never shown outside the audit page.
    detail: Any = models.JSONField(_("detail"), default=dict, blank=True)
    # Unique: two entries chained onto the same one would be a fork; the database refuses it.
    previous = models.CharField(_("previous digest"), max_length=64, unique=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)

    class Meta:
        ordering = ("pk",)
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = (
            models.Index(fields=("object_type", "object_id"), name="audit_object"),
            # The audit page's other filters: who, and when.
            models.Index(fields=("username",), name="audit_username"),
            models.Index(fields=("at",), name="audit_at"),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only; an existing entry is never saved again."""
        if self.pk is not None:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Never."""
        raise AppendOnlyError("audit entries are never deleted")


class Checkpoint(models.Model):
    """A point up to which the chain was found intact: where the next check starts.

    Verifying a long log from its first entry takes seconds per hundred thousand entries,
    so the audit page checks only the entries after the newest checkpoint (whose entry
    must still carry the same digest: removing entries from the end of the log then shows
    too). A full check from the first entry runs on demand and from
    ``python -m recuento.web audit_verify``.
    """

    entry_pk = models.BigIntegerField(_("last entry checked"))
    digest = models.CharField(_("its digest"), max_length=64)
    checked = models.BigIntegerField(_("entries checked"))
    full = models.BooleanField(_("checked from the first entry"), default=False)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ("pk",)
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
