"""Forms of the cases app."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from recuento.match.records import MatchDataError, parse_remains_rows
from recuento.people.dates import parse_date
from recuento.web.cases import models as m
from recuento.web.cases.photos import PhotoError, clean_photo
from recuento.web.cases.tiers import (
    CASE_FIELDS,
    PUBLIC,
    REMAINS_FIELDS,
    TIER_CHOICES,
    FieldSpec,
    tier_of,
)

DATE_FIELDS = ("birth_date", "report_date", "last_seen_date", "found_date", "intake_date")
RANGES = (
    ("age_min", "age_max"),
    ("height_min_cm", "height_max_cm"),
    ("weight_min_kg", "weight_max_kg"),
    ("pmi_min_days", "pmi_max_days"),
)
CASE_DATA_FIELDS = tuple(c for s in CASE_FIELDS for c in s.cols)
REMAINS_DATA_FIELDS = tuple(c for s in REMAINS_FIELDS for c in s.cols)


class _DatesAndRanges:
    """Partial dates stored as ISO text; ranges with their low end first."""

    def clean_dates_and_ranges(self, data: dict[str, Any]) -> None:
        for name in DATE_FIELDS:
            if data.get(name):
                parsed = parse_date(data[name])
                if parsed is None:
                    self.add_error(  # type: ignore[attr-defined]
                        name, _("Not a date: write 2009-03-21, 2009-03, 2009 or 21/03/2009.")
                    )
                else:
                    data[name] = parsed.iso
        for low, high in RANGES:
            a, b = data.get(low), data.get(high)
            if a is not None and b is not None and a > b:
                self.add_error(high, _("Smaller than the lower end of the range; swap them."))  # type: ignore[attr-defined]


class CaseForm(_DatesAndRanges, forms.ModelForm):
    """Every data field of a ficha (tiers and consents have their own form)."""

    class Meta:
        model = m.Case
        fields = CASE_DATA_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_dates_and_ranges(data)
        return data


class PeopleForm(forms.ModelForm):
    """Who coordinates the case (receives its tips) and which family accounts follow it."""

    class Meta:
        model = m.Case
        fields = ("coordinators", "family")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        for name in ("coordinators", "family"):
            field = self.fields[name]
            field.queryset = users
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            field.required = False


class TiersForm(forms.Form):
    """The tier of every field of a record (a field that must never be public offers no
    public choice)."""

    def __init__(self, *args: Any, specs: tuple[FieldSpec, ...], obj: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            choices = [c for c in TIER_CHOICES if c[0] != PUBLIC or spec.public_allowed]
            self.fields[f"tier_{spec.name}"] = forms.ChoiceField(
                label=spec.label, choices=choices, initial=tier_of(obj, spec)
            )

    def tiers(self) -> dict[str, str]:
        """The tiers that differ from the defaults."""
        out = {}
        for spec in self.specs:
            tier = self.cleaned_data[f"tier_{spec.name}"]
            if tier != spec.tier:
                out[spec.name] = tier
        return out


class ConsentForm(TiersForm):
    """The family's consent per tier, the safety flag, and the tier of every field."""

    consent_public = forms.BooleanField(
        label=_("Publish the public fields (posters)"), required=False
    )
    consent_collective = forms.BooleanField(label=_("Share with the collective"), required=False)
    consent_authorities = forms.BooleanField(label=_("Share with authorities"), required=False)
    show_family_phone = forms.BooleanField(
        label=_("Print the family's own phone on the poster (the family chose it)"), required=False
    )
    safety_flag = forms.BooleanField(label=_("Risk to the family: do not publish"), required=False)
    note = forms.CharField(
        label=_("How the family gave or withdrew consent (who, when, where)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=m.STATUS_CHOICES)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MarkForm(forms.ModelForm):
    class Meta:
        model = m.Mark
        fields = ("kind", "body_part", "side", "description", "tier")


class GarmentForm(forms.ModelForm):
    class Meta:
        model = m.Garment
        fields = ("garment", "colour", "description", "tier")


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo (JPEG or PNG)"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=TIER_CHOICES, initial="collective")
    primary = forms.BooleanField(label=_("Use on the poster"), required=False)

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        try:
            return clean_photo(upload.read())
        except PhotoError as e:
            raise forms.ValidationError(str(e)) from e


class RemainsForm(_DatesAndRanges, forms.ModelForm):
    class Meta:
        model = m.Remains
        fields = REMAINS_DATA_FIELDS
        widgets: ClassVar[dict[str, Any]] = {
            "marks": forms.Textarea(attrs={"rows": 3}),
            "clothing": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        from recuento.web.cases.matching import remains_row

        data = super().clean()
        self.clean_dates_and_ranges(data)
        if not self.errors:
            probe = m.Remains(**{k: v for k, v in data.items() if k in REMAINS_DATA_FIELDS})
            probe.pk = 0
            try:
                parse_remains_rows([remains_row(probe)], source="form")
            except MatchDataError as e:
                for problem in e.problems:
                    self.add_error(None, problem.split(": ", 1)[-1])
        return data


class RemainsImportForm(forms.Form):
    file = forms.FileField(
        label=_(
            "remains.csv (the interchange format: id, sex, age_min, age_max, "
            "height_min_cm, height_max_cm, found_date, found_place, lat, lon, condition, "
            "marks, clothing)"
        )
    )


class MissingImportForm(forms.Form):
    file = forms.FileField(
        label=_(
            "missing.csv (the interchange format: id, sex, age_min, age_max, "
            "height_min_cm, height_max_cm, last_seen_date, last_seen_place, lat, lon, "
            "marks, clothing)"
        )
    )


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(m.Candidate.POSSIBLE, _("possible")), (m.Candidate.EXCLUDED, _("excluded"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    evidence_type = forms.ChoiceField(
        label=_("Primary identifier"), choices=m.Candidate.EVIDENCE_CHOICES
    )
    evidence_reference = forms.CharField(
        label=_("Evidence reference (laboratory, report number, authority)"), max_length=300
    )


class TipForm(forms.Form):
    text = forms.CharField(
        label=_("What do you know?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )
