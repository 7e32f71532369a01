"""Forms of the roll's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from recuento.web.roll.models import ADMIN_STATUS_CHOICES, OUTCOME_CHOICES, LocalGroup

LIST_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _check_upload(upload: Any, suffixes: tuple[str, ...]) -> Any:
    if upload is None:
        return upload
    if Path(upload.name).suffix.lower() not in suffixes:
        raise forms.ValidationError(
            _("The file must be one of: %(suffixes)s."), params={"suffixes": ", ".join(suffixes)}
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB; use the command line."),
            params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    return upload


class ImportForm(forms.Form):
    """The roll file."""

    file = forms.FileField(
        label=_("Roll file"),
        help_text=_(
            "CSV, XLSX or Parquet: membership number, name, date of birth, postcode, email, "
            "local group, join date and end date (headers in English or Spanish)."
        ),
    )

    def clean_file(self) -> Any:
        return _check_upload(self.cleaned_data["file"], LIST_SUFFIXES)


class MemberFilterForm(forms.Form):
    """Filters of the members' list."""

    group = forms.ModelChoiceField(
        LocalGroup.objects.all(), required=False, label=_("Local group"), empty_label=_("All")
    )
    status = forms.ChoiceField(required=False, label=_("Status"))
    q = forms.CharField(required=False, label=_("Membership number"), max_length=100)

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *statuses]


class StatusForm(forms.Form):
    """A recorded decision on a member's administrator status."""

    status = forms.ChoiceField(label=_("New administrator status"), choices=ADMIN_STATUS_CHOICES,
                               required=False)  # fmt: skip
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        help_text=_("For 'must join by deadline' (YYYY-MM-DD)."),
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == "must_join" and not data.get("deadline"):
            self.add_error("deadline", _("'Must join by deadline' needs the deadline."))
        return data


class EligibilityForm(forms.Form):
    """Run a plaintext check, or import a statuses file."""

    mode = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("plaintext", _("Match the party's plaintext roll here (small rolls)")),
            ("pprl", _("Import a statuses.csv written by recuento eligibility")),
        ],
        widget=forms.RadioSelect,
    )
    deadline = forms.DateField(label=_("Deadline to join"), help_text=_("YYYY-MM-DD"))
    roll = forms.FileField(label=_("Party roll (plaintext mode)"), required=False)
    expelled = forms.FileField(
        label=_("Expulsions list (plaintext mode, optional)"), required=False
    )
    statuses = forms.FileField(label=_("statuses.csv (import mode)"), required=False)

    def clean_roll(self) -> Any:
        return _check_upload(self.cleaned_data.get("roll"), LIST_SUFFIXES)

    def clean_expelled(self) -> Any:
        return _check_upload(self.cleaned_data.get("expelled"), LIST_SUFFIXES)

    def clean_statuses(self) -> Any:
        return _check_upload(self.cleaned_data.get("statuses"), (".csv",))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "plaintext" and not data.get("roll"):
            self.add_error("roll", _("Give the party's roll."))
        if data.get("mode") == "pprl" and not data.get("statuses"):
            self.add_error("statuses", _("Give the statuses file."))
        return data


class AnswerForm(forms.Form):
    """A member's answer to a notice (public page)."""

    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("confirmed", _("I am a member of the party: here is my membership number")),
            ("hearing", _("I request a hearing")),
        ],
        widget=forms.RadioSelect,
    )
    party_number = forms.CharField(label=_("Party membership number"), required=False,
                                   max_length=100)  # fmt: skip
    statement = forms.CharField(
        label=_("Anything you want to tell us (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("response") == "confirmed" and not (data.get("party_number") or "").strip():
            self.add_error("party_number", _("Give your party membership number."))
        return data


class OpenHearingForm(forms.Form):
    """Open a hearing on a member's behalf."""

    statement = forms.CharField(label=_("What the member asked for"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ScheduleForm(forms.Form):
    """When and where a hearing is held."""

    when = forms.DateTimeField(label=_("Date and time"), help_text=_("YYYY-MM-DD HH:MM"))
    place = forms.CharField(label=_("Place or call link"), max_length=300)


class MinutesForm(forms.Form):
    """What was said at the hearing."""

    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))


class DecisionForm(forms.Form):
    """The hearing's decision, with reasons."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOME_CHOICES,
                                widget=forms.RadioSelect)  # fmt: skip
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        help_text=_("For 'must join by the deadline' (YYYY-MM-DD)."),
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "must_join" and not data.get("deadline"):
            self.add_error("deadline", _("'Must join by the deadline' needs the deadline."))
        return data
