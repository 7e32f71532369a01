"""The audit page's filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from recuento.web.audit.models import Entry


class FilterForm(forms.Form):
    """Filter entries by user, action, object and date (every field optional)."""

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        """The first date may not come after the second."""
        cleaned: dict[str, Any] = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            raise forms.ValidationError(_("The first date comes after the second."))
        return cleaned

    def used(self) -> list[str]:
        """The names of the filters given (recorded when the log is read; not their values)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return [name for name in self.fields if data.get(name) not in (None, "")]

    def filter(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        """``entries`` narrowed by the valid filters (unfiltered when the form is invalid)."""
        if not (self.is_bound and self.is_valid()):
            return entries
        data = self.cleaned_data
        if data["user"]:
            entries = entries.filter(username=data["user"].strip())
        if data["action"]:
            entries = entries.filter(action=data["action"].strip())
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"].strip())
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"].strip())
        # Dates are days in UTC (the site's time zone), both ends included.
        if data["date_from"]:
            entries = entries.filter(at__gte=_midnight(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(at__lt=_midnight(data["date_to"] + dt.timedelta(days=1)))
        return entries


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
