"""A source: one list brought into the registry, with where it came from and what was read.

No record values are stored here: the file itself is kept in the data directory
(``MEDIA_ROOT/sources/<sha256>``), and rejects are kept as line numbers and reason codes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_STORED_REJECTS = 1000


class Source(models.Model):
    """One uploaded list.

    The invariant of :func:`recuento.lists.reader.read_list` holds in the database too:
    ``rows_read = rows_accepted + rows_rejected`` (a check constraint).
    """

    class Status(models.TextChoices):
        """Whether the list's records are stored (a background task stores them)."""

        STORING = "storing", _("storing its records")
        STORED = "stored", _("stored")
        FAILED = "failed", _("storing failed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("stored file"), upload_to="sources/", max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sources",
        verbose_name=_("brought in by"),
    )
    uploaded_at = models.DateTimeField(_("brought in at"), default=timezone.now)
    format = models.CharField(_("format"), max_length=16)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    unit = models.CharField(_("unit of locations"), max_length=8, default="line")
    rows_read = models.PositiveIntegerField(_("rows read"))
    rows_accepted = models.PositiveIntegerField(_("rows accepted"))
    rows_rejected = models.PositiveIntegerField(_("rows rejected"))
    header: Any = models.JSONField(_("header as written"), default=list)
    column_entries: Any = models.JSONField(
        _("mapping fixed by hand (header to column)"), default=dict, blank=True
    )
    remapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("mapping fixed by"),
    )
    remapped_at = models.DateTimeField(_("mapping fixed at"), null=True, blank=True)
    mapping: Any = models.JSONField(_("column mapping"), default=dict)
    attributes: Any = models.JSONField(_("columns kept as attributes"), default=list)
    rejects: Any = models.JSONField(
        _("rejects (line or row and reason code, first 1000)"), default=list
    )
    rejects_by_reason: Any = models.JSONField(_("rejects by reason"), default=dict)
    warnings: Any = models.JSONField(_("warnings by code"), default=dict)
    notes: Any = models.JSONField(_("notes"), default=list)
    # The records are stored by a background task (tasks.store_source); until it has,
    # the source has none. Lists brought in before there was a task were stored at once.
    status = models.CharField(
        _("records"), max_length=16, choices=Status.choices, default=Status.STORED
    )
    # Why storing failed: a message safe to show, never a record's value.
    status_message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        ordering = ("-uploaded_at", "-pk")
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = (
            models.CheckConstraint(
                condition=Q(rows_read=F("rows_accepted") + F("rows_rejected")),
                name="registry_source_read_is_accepted_plus_rejected",
            ),
        )

    def __str__(self) -> str:
        return self.name


class Record(models.Model):
    """One accepted row of a source, as the engine standardised it (for persons pages).

    Written when a source is brought in (or its mapping fixed), in the same transaction;
    ``search_text`` holds the folded name tokens and their nickname-canonical forms, so a
    search ignores accents, case and nicknames.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(_("record id"), max_length=200)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    first_surname = models.CharField(_("first surname"), max_length=200, blank=True)
    second_surname = models.CharField(_("second surname"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_date = models.CharField(_("birth date (ISO, may be partial)"), max_length=10, blank=True)
    age = models.PositiveSmallIntegerField(_("age at the event"), null=True, blank=True)
    event_date = models.CharField(_("event date (ISO, may be partial)"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    attributes: Any = models.JSONField(_("other columns"), default=dict, blank=True)
    search_text = models.TextField(_("search keys"), blank=True)

    class Meta:
        ordering = ("source", "pk")
        verbose_name = _("record")
        verbose_name_plural = _("records")
        constraints = (
            models.UniqueConstraint(
                fields=("source", "record_id"), name="registry_record_unique_id"
            ),
        )
