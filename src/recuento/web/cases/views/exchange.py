"""Cases as ``missing.csv``, the matching interchange format: export and import.

Export (``view_cases``): every case, one row each, with only the fields the user may see
(:mod:`recuento.web.cases.tiers`) and never a field, mark or garment at the secret tier;
the id is the case's label. Import (``edit_cases``): a ``missing.csv`` creates one case per
row, all rows or none. The file is validated by :func:`recuento.match.read_missing` (every
problem with its line and column), plus what a stored ficha needs beyond the matcher (a
mark's type and body part, the length of each stored text); an id that is the label of a
case already stored here is refused, so that importing an export again does not duplicate
it. Imported fields keep their default tiers, and the family's consents start withdrawn.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from recuento.match import MissingPerson, read_missing
from recuento.match.records import MISSING_COLUMNS, MatchDataError
from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.cases import forms as f
from recuento.web.cases import models as m
from recuento.web.cases.matching import case_row, clothing_cell, marks_cell, rematch_case
from recuento.web.cases.tiers import (
    CASE_SPECS,
    SECRET,
    case_field_visible,
    tier_of,
    viewer_level,
)
from recuento.web.cases.views.common import item_visible
from recuento.web.cases.views.problems import problem_in_language

#: Columns of the export: the required ones, then the optional ones the engine reads.
EXPORT_COLUMNS = (*MISSING_COLUMNS, "dental", "eyes", "hair")
#: The field (and its tier) behind each exported column; the place, marks and clothing are
#: assembled from their parts, each with its own tier.
COLUMN_FIELDS = {
    "sex": "sex",
    "age_min": "age",
    "age_max": "age",
    "height_min_cm": "height",
    "height_max_cm": "height",
    "last_seen_date": "last_seen_date",
    "lat": "place_point",
    "lon": "place_point",
    "dental": "dental_notes",
    "eyes": "eyes",
    "hair": "hair",
}
PLACE_PARTS = ("place_colonia", "place_municipality", "place_state")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _exported(case: m.Case, name: str, level: int) -> bool:
    spec = CASE_SPECS[name]
    return case_field_visible(case, spec, level) and tier_of(case, spec) != SECRET


def _item_exported(case: m.Case, tier: str, level: int) -> bool:
    return item_visible(case, tier, level) and tier != SECRET


def export_row(case: m.Case, level: int) -> dict[str, str]:
    """The case as a ``missing.csv`` row, as a viewer at ``level`` may see it."""
    full = case_row(case)
    row = {"id": case.label}
    for column, name in COLUMN_FIELDS.items():
        row[column] = str(full[column]) if _exported(case, name, level) else ""
    row["last_seen_place"] = ", ".join(
        getattr(case, n) for n in PLACE_PARTS if getattr(case, n) and _exported(case, n, level)
    )
    row["marks"] = marks_cell(k for k in case.marks.all() if _item_exported(case, k.tier, level))
    row["clothing"] = clothing_cell(
        g for g in case.clothing.all() if _item_exported(case, g.tier, level)
    )
    return row


@requires("view_cases")
def case_export(request: HttpRequest) -> HttpResponse:
    """Every case as ``missing.csv`` (UTF-8 with a BOM, for spreadsheets), audited."""
    level = viewer_level(request.user)
    cases = list(m.Case.objects.order_by("pk").prefetch_related("marks", "clothing"))
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for case in cases:
        writer.writerow(export_row(case, level))
    record(
        request.user,
        "export",
        "case",
        "",
        {"format": "missing.csv", "count": len(cases), "level": level},
    )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="missing.csv"'
    return response


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


def _rows(path: Path) -> tuple[list[str], list[_Row]]:
    """The file's header and non-empty rows with their first line, as the engine reads them."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        rows, previous = [], reader.line_num
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if any(c.strip() for c in cells):
                rows.append(_Row(start, dict(zip(header, cells, strict=False))))
    return header, rows


def _items(text: str, size: int) -> list[list[str]]:
    out = []
    for item in (i.strip() for i in text.split(";")):
        if item:
            parts = [p.strip() for p in item.split("|")]
            out.append(parts + [""] * (size - len(parts)))
    return out


def _place(text: str) -> dict[str, str]:
    """``colonia, municipality, state`` (as exported) into the three fields."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return {}
    if len(parts) == 1:
        return {"place_municipality": parts[0]}
    if len(parts) == 2:
        return {"place_municipality": parts[0], "place_state": parts[1]}
    return {
        "place_colonia": ", ".join(parts[:-2]),
        "place_municipality": parts[-2],
        "place_state": parts[-1],
    }


def _limit(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)


class _Checks:
    """What a stored ficha needs beyond what the matcher checks (same wording as the engine)."""

    def __init__(self, source: str, header: list[str]) -> None:
        self.source, self.header = source, header
        self.problems: list[str] = []

    def add(self, line: int, column: str, what: str) -> None:
        number = self.header.index(column) + 1 if column in self.header else 0
        self.problems.append(f"{self.source}, line {line}, column {number} ({column}): {what}")

    def length(self, line: int, column: str, text: str, limit: int, what: str = "") -> None:
        if limit and len(text) > limit:
            self.add(line, column, f"{what}longer than {limit} characters; shorten it")

    def row(self, row: _Row, labels: set[str]) -> None:
        cells, line = row.cells, row.line
        if (cells.get("id") or "").strip().upper() in labels:
            self.add(
                line,
                "id",
                "this id is the label of a case already stored here; import only new "
                "cases (remove the row or give it another id)",
            )
        for column in ("eyes", "hair"):
            self.length(line, column, (cells.get(column) or "").strip(), _limit(m.Case, column))
        for name, text in _place((cells.get("last_seen_place") or "").strip()).items():
            self.length(line, "last_seen_place", text, _limit(m.Case, name))
        for n, (kind, part, _side, description, *_rest) in enumerate(
            _items(cells.get("marks") or "", 4), start=1
        ):
            if not kind or not part:
                self.add(line, "marks", f"item {n}: a ficha's mark needs its type and body part")
            self.length(line, "marks", description, _limit(m.Mark, "description"), f"item {n}: ")
        for n, (garment, colour, description, *_rest) in enumerate(
            _items(cells.get("clothing") or "", 3), start=1
        ):
            if not garment:
                self.add(line, "clothing", f"item {n}: a ficha's garment needs its name")
            for field, text in (
                ("garment", garment),
                ("colour", colour),
                ("description", description),
            ):
                self.length(line, "clothing", text, _limit(m.Garment, field), f"item {n}: ")


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.-]", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:100]
    return base.lstrip(".") or "missing.csv"


def read_file(
    data: bytes, name: str, read: Callable[[Path], list[Any]]
) -> tuple[list[Any], list[_Row], list[str], MatchDataError | None]:
    """Run the engine's file reader (``read_missing`` or ``read_remains``) on uploaded bytes.

    The bytes are written under the upload's own (made safe) name, so the engine's problems
    name the user's file, and its line numbers count blank lines and cells that span lines.

    Returns:
        The records (empty on error), the rows with their first line (in the same order),
        the header, and the engine's problems (None when it found none).

    Raises:
        MatchDataError: the rows cannot be read at all (not UTF-8 text).
    """
    with tempfile.TemporaryDirectory(prefix="recuento-upload-") as folder:
        path = Path(folder) / _safe_name(name)
        path.write_bytes(data)
        engine: MatchDataError | None = None
        records: list[Any] = []
        try:
            records = read(path)
        except MatchDataError as e:
            if not (e.problems and ", line " in e.problems[0]):
                raise  # not UTF-8: the rows cannot be read
            engine = e
        header, rows = _rows(path)
    return records, rows, header, engine


def read_upload(data: bytes, name: str) -> tuple[list[MissingPerson], list[_Row]]:
    """Validate an uploaded ``missing.csv``: the records and their rows, or every problem.

    Raises:
        MatchDataError: every problem, with line and column (the engine's, then the ficha's).
    """
    records, rows, header, engine = read_file(data, name, read_missing)
    labels = {f"C-{pk:05d}" for pk in m.Case.objects.values_list("pk", flat=True)}
    checks = _Checks(_safe_name(name), header)
    for row in rows:
        checks.row(row, labels)
    if engine is not None or checks.problems:
        problems = [*(engine.problems if engine else []), *checks.problems]
        raise MatchDataError(
            f"{_safe_name(name)}: {len(problems)} problem(s) in the missing file; fix them "
            "all and import again (see docs/match.md for the format).",
            problems,
        )
    return records, rows


def _fields(rec: MissingPerson, cells: dict[str, str]) -> dict[str, Any]:
    return {
        "sex": rec.sex or "",
        "age_min": rec.age_min,
        "age_max": rec.age_max,
        "height_min_cm": rec.height_min_cm,
        "height_max_cm": rec.height_max_cm,
        "last_seen_date": rec.last_seen.iso if rec.last_seen else "",
        "lat": rec.lat,
        "lon": rec.lon,
        "dental_notes": (cells.get("dental") or "").strip(),
        "eyes": rec.eyes,
        "hair": rec.hair,
        **_place(rec.place),
    }


@requires("edit_cases")
def case_import(request: HttpRequest) -> HttpResponse:
    """Create cases from a ``missing.csv``: every row or none, every problem listed."""
    form = f.MissingImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = _safe_name(upload.name or "missing.csv")
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise MatchDataError(f"{name}: larger than 20 MB.", ["split the file"])
            records, rows = read_upload(upload.read(), name)
        except MatchDataError as e:
            problems = [problem_in_language(p) for p in (e.summary, *e.problems)]
            record(request.user, "import", "case", "", {"refused": len(e.problems)})
        else:
            with transaction.atomic():
                created = [
                    _create(request, rec, row) for rec, row in zip(records, rows, strict=True)
                ]
                record(
                    request.user,
                    "import",
                    "case",
                    "",
                    {"file_rows": len(rows), "created": len(created)},
                )
                for case in created:
                    rematch_case(case, request.user)
            messages.success(
                request, _("%(count)d cases filed from the file.") % {"count": len(created)}
            )
            return redirect("cases:cases")
    return render(
        request,
        "cases/case_import.html",
        {"form": form, "problems": problems, "columns": ", ".join(MISSING_COLUMNS)},
    )


def _create(request: HttpRequest, rec: MissingPerson, row: _Row) -> m.Case:
    values = _fields(rec, row.cells)
    case = m.Case.objects.create(created_by=request.user, **values)
    case.coordinators.add(request.user)
    m.StatusChange.objects.create(case=case, new=case.status, by=request.user)
    for mark in rec.marks:
        m.Mark.objects.create(
            case=case,
            kind=mark.type or "",
            body_part=mark.body_part or "",
            side=mark.side or "",
            description=mark.description,
        )
    for garment, colour, description, *_rest in _items(row.cells.get("clothing") or "", 3):
        m.Garment.objects.create(case=case, garment=garment, colour=colour, description=description)
    filled = sorted(k for k, v in values.items() if v not in ("", None))
    record(request.user, "create", "case", case.pk, {"fields": filled, "via": "import"})
    return case
