"""The upload form: a list file and the name it goes by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from recuento.lists.mapping import ATTRIBUTE, CANONICAL_COLUMNS
from recuento.web.registry.models import Source

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    """A list file (CSV, XLSX or Parquet) and an optional name (the file stem by default)."""

    file = forms.FileField(
        label=_("List file"),
        help_text=_("CSV, XLSX or Parquet, one row per record."),
    )
    name = forms.CharField(
        label=_("Name of the list"),
        required=False,
        max_length=100,
        help_text=_("Letters, digits, - and _. The file name without extension by default."),
        validators=[
            RegexValidator(
                r"^[\w-]+\Z", _("Use only letters, digits, - and _ in the name of the list.")
            )
        ],
    )

    def clean_file(self) -> Any:
        """Only list formats, and not larger than the limit."""
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("The file must be CSV, XLSX or Parquet (%(suffixes)s)."),
                params={"suffixes": ", ".join(ALLOWED_SUFFIXES)},
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; bring it in with the command line."),
                params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload

    def clean(self) -> dict[str, Any]:
        """Default the name to the file stem; names are unique."""
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None and not cleaned.get("name"):
            stem = Path(upload.name).stem
            cleaned["name"] = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:100]
        name = cleaned.get("name")
        if name and Source.objects.filter(name=name).exists():
            self.add_error(
                "name",
                _("A list named %(name)s is already in the registry; choose another name.")
                % {"name": name},
            )
        return cleaned


class MappingForm(forms.Form):
    """One choice per column of the list: which canonical column it holds, or none.

    Several columns may be ``place`` (joined, in the order of the header); any other
    canonical column may be chosen for one column only.
    """

    def __init__(
        self, *args: Any, header: list[str], mapping: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        current: dict[str, str] = {}
        for canonical, headers in mapping.items():
            for h in [headers] if isinstance(headers, str) else headers:
                current[h] = canonical
        choices = [(ATTRIBUTE, _("(keep as an attribute)"))] + [
            (name, f"{name}: {description}") for name, description in CANONICAL_COLUMNS.items()
        ]
        for i, h in enumerate(header):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=h, choices=choices, initial=current.get(h, ATTRIBUTE)
            )

    def clean(self) -> dict[str, Any]:
        """Each canonical column but ``place`` at most once; report every clash at once."""
        cleaned: dict[str, Any] = super().clean() or {}
        chosen: dict[str, list[str]] = {}
        for i, h in enumerate(self.header):
            target = cleaned.get(f"col_{i}")
            if target and target not in (ATTRIBUTE, "place"):
                chosen.setdefault(target, []).append(h)
        clashes = [
            forms.ValidationError(
                _("%(column)s is chosen for several columns (%(headers)s); choose one."),
                params={"column": target, "headers": ", ".join(headers)},
            )
            for target, headers in chosen.items()
            if len(headers) > 1
        ]
        if clashes:
            raise forms.ValidationError(clashes)
        return cleaned

    def entries(self) -> dict[str, str]:
        """Header -> chosen column, for every column (a complete mapping)."""
        return {h: self.cleaned_data[f"col_{i}"] for i, h in enumerate(self.header)}
