"""Forms: an election's rules and candidates, the electorate, the codes, the paper."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from recuento.web.elections.models import BLOCK, METHOD_CHOICES, YESNO, Election
from recuento.web.elections.services import (
    ElectionError,
    check_rules,
    parse_candidates,
)

_QUOTA = re.compile(r"^\s*(?P<group>[\w-]+)\s*:\s*(?P<min>\d+)\s*$")
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class DateTimeLocal(forms.DateTimeInput):
    """The browser's date-and-time picker (times in UTC, the site's time zone)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def parse_quotas(text: str) -> dict[str, int]:
    """``women:2, under30:1`` -> ``{"women": 2, "under30": 1}``.

    Raises:
        forms.ValidationError: an item is not ``GROUP:MIN`` or a group is repeated.
    """
    quotas: dict[str, int] = {}
    for item in (p for p in re.split(r"[,\n]", text) if p.strip()):
        m = _QUOTA.match(item)
        if m is None:
            raise forms.ValidationError(
                _("Write each quota as GROUP:MIN, for example women:2, separated by commas.")
            )
        if m.group("group") in quotas:
            raise forms.ValidationError(_("A group has two quotas; give one."))
        quotas[m.group("group")] = int(m.group("min"))
    return quotas


class ElectionForm(forms.ModelForm):
    """The rules of an election and its candidates."""

    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=_("Ignored for a consultation."),
    )
    quotas_text = forms.CharField(
        label=_("Group quotas"),
        required=False,
        help_text=_(
            "STV and Meek only: at least MIN elected from GROUP, e.g. women:2. Mark each "
            "candidate's groups after the name: Ana García [women]."
        ),
    )
    candidates_text = forms.CharField(
        label=_("Candidates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One per line, in ballot order; groups in brackets after the name. A "
            "consultation needs none: its options are yes, no and abstain."
        ),
    )

    class Meta:
        model = Election
        fields = ("title", "description", "method", "seats", "opens_at", "closes_at")
        widgets: ClassVar[dict[str, Any]] = {
            "opens_at": DateTimeLocal(),
            "closes_at": DateTimeLocal(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Select(choices=METHOD_CHOICES),
        }
        help_texts: ClassVar[dict[str, Any]] = {
            "opens_at": _("UTC."),
            "closes_at": _("UTC."),
            "description": _("The question of a consultation, or what is being elected."),
        }

    def clean_quotas_text(self) -> dict[str, int]:
        """The quotas as a dict."""
        return parse_quotas(self.cleaned_data.get("quotas_text") or "")

    def clean(self) -> dict[str, Any]:
        """Times in order, candidates readable, rules countable; every problem at once."""
        cleaned: dict[str, Any] = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Voting must close after it opens."))
        method = cleaned.get("method")
        if method == YESNO:
            cleaned["candidates"] = []
            cleaned["seats"] = 1
        else:
            try:
                cleaned["candidates"] = parse_candidates(cleaned.get("candidates_text") or "")
            except ElectionError as e:
                self.add_error("candidates_text", str(e))
                return cleaned
        quotas = cleaned.get("quotas_text")
        if method and isinstance(quotas, dict) and cleaned.get("seats"):
            for problem in check_rules(method, cleaned["seats"], quotas, cleaned["candidates"]):
                self.add_error(None, problem)
        return cleaned


class ElectorateForm(forms.Form):
    """Where the electorate comes from, and its cut-off."""

    cutoff = forms.DateTimeField(
        label=_("Cut-off"),
        widget=DateTimeLocal(),
        help_text=_("Members eligible at this moment (UTC) may vote."),
    )
    source = forms.ChoiceField(
        label=_("Take the voters from"),
        choices=(
            ("roll", _("The member roll (members eligible at the cut-off)")),
            ("csv", _("An uploaded list of voters")),
        ),
    )
    file = forms.FileField(
        label=_("List of voters"),
        required=False,
        help_text=_("CSV, XLSX or Parquet with columns id, a name and email."),
    )

    def clean(self) -> dict[str, Any]:
        """A file is needed for an uploaded list, of a list format and not too large."""
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("file")
        if cleaned.get("source") == "csv":
            if upload is None:
                self.add_error("file", _("Choose the file with the list of voters."))
            elif Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
                self.add_error("file", _("The file must be CSV, XLSX or Parquet."))
            elif upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", _("The file is larger than 50 MB."))
        return cleaned


class CodesForm(forms.Form):
    """The form in which the codes are handed out (produced once)."""

    FORMATS = (
        ("csv", _("A code sheet (CSV: member, name, email, code, voting page) for mail merge")),
        ("emails", _("One message per voter, in Spanish and English (text file)")),
    )
    format = forms.ChoiceField(label=_("Produce"), choices=FORMATS, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_(
            "I understand that the codes are shown this once and never stored: the file "
            "must be kept safe until the codes are handed out, then destroyed."
        )
    )


class VoteForm(forms.Form):
    """The paper: the voting code and the choices, built for the election's method."""

    code = forms.CharField(
        label=_("Your voting code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.election = election
        self.candidates = list(election.candidates.order_by("position"))
        n = len(self.candidates)
        if election.method == YESNO:
            self.fields["answer"] = forms.TypedChoiceField(
                label=election.description or election.title,
                choices=[(c.position, c.name) for c in self.candidates],
                coerce=int,
                widget=forms.RadioSelect,
            )
        elif election.is_ranked:
            for c in self.candidates:
                self.fields[f"rank_{c.position}"] = forms.TypedChoiceField(
                    label=c.name,
                    choices=[("", "—"), *((i, str(i)) for i in range(1, n + 1))],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        else:
            self.fields["marks"] = forms.TypedMultipleChoiceField(
                label=_("Mark up to %(k)d") % {"k": election.seats},
                choices=[(c.position, c.name) for c in self.candidates],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def choices(self) -> dict[int, int] | list[int]:
        """What was marked: ``{position: rank}`` for ranked methods, else positions."""
        data = self.cleaned_data
        if self.election.method == YESNO:
            return [data["answer"]]
        if self.election.is_ranked:
            return {
                c.position: data[f"rank_{c.position}"]
                for c in self.candidates
                if data.get(f"rank_{c.position}") is not None
            }
        return list(data.get("marks") or [])

    @property
    def rank_fields(self) -> list[Any]:
        """The bound ranking fields, in ballot order (for the template)."""
        return [self[f"rank_{c.position}"] for c in self.candidates if self.election.is_ranked]

    @property
    def is_block(self) -> bool:
        """Whether the paper is a block vote."""
        return self.election.method == BLOCK


class ReceiptForm(forms.Form):
    """Look a receipt up on the published list of ballots."""

    receipt = forms.CharField(label=_("Receipt"), max_length=40)
