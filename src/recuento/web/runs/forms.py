"""The form that starts a linkage run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from recuento.web.registry.models import Source

#: Strata a run may estimate by: a standardised record column, binned.
BY_CHOICES = (
    ("", _("none (one estimate for everyone)")),
    ("event_date:year", _("year of the event")),
    ("event_date:decade", _("decade of the event")),
    ("birth_date:decade", _("decade of birth")),
    ("sex", _("sex")),
    ("place", _("place")),
)


class RunForm(forms.Form):
    """Which lists to link (all by default), strata, and the seed."""

    sources = forms.ModelMultipleChoiceField(
        label=_("Lists to link"),
        queryset=Source.objects.filter(status=Source.Status.STORED).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one list to link.")},
    )
    by = forms.ChoiceField(
        label=_("Estimate per stratum of"),
        choices=BY_CHOICES,
        required=False,
        help_text=_(
            "Strata are estimated from the best linkage; the total carries its uncertainty."
        ),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**31 - 1,
        initial=1,
        help_text=_("The same lists, decisions and seed give the same result."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = self.fields["sources"]
        if not self.is_bound:
            sources.initial = [s.pk for s in sources.queryset]
