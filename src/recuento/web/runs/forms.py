"""The form that starts a linkage run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
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
    dependent = forms.CharField(
        label=_("Lists that feed one another"),
        required=False,
        max_length=500,
        help_text=_(
            "For example ong+familias when families who report to the NGO are on both "
            "lists; separate several groups with commas. The estimate then models them "
            "together. Or auto: when the lists' overlaps show a dependence, the pair that "
            "explains it is chosen from the data."
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

    def clean(self) -> dict[str, Any]:
        """``dependent`` becomes groups of names, checked against the lists chosen, and
        ``dependent_auto`` whether the pair is chosen from the data (``auto``)."""
        from recuento.estimate.dependent import (
            DependentListsError,
            check_dependent,
            parse_dependent_option,
        )

        data = super().clean() or {}
        text = data.get("dependent") or ""
        names = [s.name for s in data.get("sources") or []]
        groups: tuple[tuple[str, ...], ...] = ()
        auto = False
        try:
            groups, auto = parse_dependent_option(text.split(","))
            if groups and names:
                check_dependent(groups, names)
        except DependentListsError as e:
            spanish = (get_language() or "").startswith("es")
            for problem in e.problems:
                self.add_error("dependent", getattr(problem, "es", problem) if spanish else problem)
        data["dependent_auto"] = auto
        data["dependent"] = groups
        return data
