"""The search index of records: one row per (record, search key).

:class:`registry.Record <recuento.web.registry.models.Record>` keeps the keys as text
(``search_text``) for reading; this table holds them one per row with an index on the key,
so a search is a few index lookups instead of a scan of every record. It is written with
the records (:func:`recuento.web.persons.store.replace_records`) and deleted with them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NameKey(models.Model):
    """One search key of one record (see :mod:`recuento.web.persons.keys`)."""

    record = models.ForeignKey(
        "registry.Record",
        on_delete=models.CASCADE,
        related_name="name_keys",
        verbose_name=_("record"),
        db_index=False,  # the (record, key) index below serves lookups by record
    )
    key = models.CharField(_("search key"), max_length=64)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        indexes = (
            # Covers the search: the key's range, then the record ids, from the index alone.
            models.Index(fields=("key", "record"), name="persons_namekey_key_record"),
            # Covers "does this record also have a key of the next word" (and deletions).
            models.Index(fields=("record", "key"), name="persons_namekey_record_key"),
        )
