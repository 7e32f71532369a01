"""Remains pages: the list, entering one, importing a forensic service's remains.csv."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from recuento.match import read_remains
from recuento.match.records import REMAINS_COLUMNS, MatchDataError
from recuento.web.accounts.permissions import allowed, requires
from recuento.web.audit.log import record
from recuento.web.cases import forms as f
from recuento.web.cases import models as m
from recuento.web.cases.matching import rematch_all
from recuento.web.cases.tiers import (
    COLLECTIVE,
    LEVEL_ALL,
    RANK,
    REMAINS_FIELDS,
    viewer_level,
)
from recuento.web.cases.views.common import case_title, remains_label, remains_sections
from recuento.web.cases.views.exchange import read_file
from recuento.web.cases.views.problems import problem_in_language

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@requires("view_cases")
def remains_list(request: HttpRequest) -> HttpResponse:
    level = viewer_level(request.user)
    rows = [{"r": r, "label": remains_label(r, level)} for r in m.Remains.objects.all()]
    record(request.user, "list", "remains", "", {"count": len(rows)})
    return render(request, "cases/remains_list.html", {"rows": rows})


@requires("view_cases")
def remains_detail(request: HttpRequest, pk: int) -> HttpResponse:
    remains = get_object_or_404(m.Remains, pk=pk)
    level = viewer_level(request.user)
    record(request.user, "view", "remains", remains.pk, {"level": level})
    candidates = [
        {"c": c, "case_title": case_title(c.case, level)}
        for c in remains.candidates.select_related("case").order_by("-score")
    ]
    return render(
        request,
        "cases/remains_detail.html",
        {
            "remains": remains,
            "label": remains_label(remains, level),
            "sections": remains_sections(remains, level),
            "candidates": candidates,
            "photos": [
                p
                for p in remains.photos.all()
                if level >= LEVEL_ALL or RANK[p.tier] <= RANK[COLLECTIVE]
            ],
            "photo_form": f.PhotoForm(),
        },
    )


@requires("manage_remains")
def remains_tiers(request: HttpRequest, pk: int) -> HttpResponse:
    """The tier of each field of a remains record (needs every tier in sight)."""
    remains = get_object_or_404(m.Remains, pk=pk)
    if not allowed(request.user, action="view_restricted_fields"):
        raise PermissionDenied("view_restricted_fields")
    form = f.TiersForm(request.POST or None, specs=REMAINS_FIELDS, obj=remains)
    if request.method == "POST" and form.is_valid():
        tiers, old = form.tiers(), remains.tiers or {}
        changed = sorted(f"tier_{k}" for k in set(tiers) | set(old) if tiers.get(k) != old.get(k))
        remains.tiers = tiers
        remains.save(update_fields=["tiers"])
        record(request.user, "change", "remains", remains.pk, {"fields": changed})
        return redirect("cases:remains", pk=remains.pk)
    record(request.user, "view", "remains", remains.pk, {"page": "tiers"})
    return render(request, "cases/remains_tiers.html", {"form": form, "remains": remains})


@requires("manage_remains")
def remains_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of the remains or of their clothing and effects, stored without metadata."""
    remains = get_object_or_404(m.Remains, pk=pk)
    if request.method != "POST":
        return redirect("cases:remains", pk=remains.pk)
    form = f.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        clean = form.cleaned_data["image"]
        photo = m.Photo.objects.create(
            remains=remains,
            file=clean.content,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            sha256=clean.sha256,
            caption=form.cleaned_data["caption"],
            tier=form.cleaned_data["tier"],
            uploaded_by=request.user,
        )
        record(request.user, "change", "remains", remains.pk, {"added": "photo", "photo": photo.pk})
        messages.success(request, _("Photo added, without its metadata."))
    else:
        for error in form.errors.get("image", []) or [_("The photo was not added.")]:
            messages.error(request, error)
    return redirect("cases:remains", pk=remains.pk)


def _save_and_match(request: HttpRequest, form: f.RemainsForm, action: str) -> m.Remains:
    remains = form.save(commit=False)
    if remains.pk is None:
        remains.created_by = request.user
    remains.updated_at = timezone.now()
    remains.save()
    record(request.user, action, "remains", remains.pk, {"fields": sorted(form.changed_data)})
    counts = rematch_all(request.user)
    messages.success(
        request,
        _("Saved; matched again against %(cases)d cases: %(new)d new candidates.")
        % {"cases": counts["cases"], "new": counts["new"]},
    )
    return remains


@requires("manage_remains")
def remains_new(request: HttpRequest) -> HttpResponse:
    form = f.RemainsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        remains = _save_and_match(request, form, "create")
        return redirect("cases:remains", pk=remains.pk)
    return render(request, "cases/remains_form.html", {"form": form, "remains": None})


@requires("manage_remains")
def remains_edit(request: HttpRequest, pk: int) -> HttpResponse:
    remains = get_object_or_404(m.Remains, pk=pk)
    form = f.RemainsForm(request.POST or None, instance=remains)
    if request.method == "POST" and form.is_valid():
        _save_and_match(request, form, "change")
        return redirect("cases:remains", pk=remains.pk)
    record(request.user, "view", "remains", remains.pk, {"page": "edit"})
    return render(request, "cases/remains_form.html", {"form": form, "remains": remains})


@requires("manage_remains")
def remains_import(request: HttpRequest) -> HttpResponse:
    """Import a forensic service's ``remains.csv``: all rows or none; known folios updated.

    The file is validated by :mod:`recuento.match`'s reader (every problem listed with line
    and column); then every row is stored in one transaction and every case matched again.
    """
    form = f.RemainsImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "remains.csv"
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise MatchDataError(f"{name}: larger than 20 MB.", [_("Split the file.")])
            parsed, rows, _header, engine = read_file(upload.read(), name, read_remains)
            if engine is not None:
                raise engine
        except MatchDataError as e:
            problems = [problem_in_language(p) for p in (e.summary, *e.problems)]
        else:
            created = updated = 0
            with transaction.atomic():
                for row, rec in zip((r.cells for r in rows), parsed, strict=True):
                    values = {
                        "sex": rec.sex or "",
                        "age_min": rec.age_min,
                        "age_max": rec.age_max,
                        "height_min_cm": rec.height_min_cm,
                        "height_max_cm": rec.height_max_cm,
                        "found_date": rec.found.iso if rec.found else "",
                        "found_place": rec.place,
                        "lat": rec.lat,
                        "lon": rec.lon,
                        "condition": rec.condition or "",
                        "marks": (row.get("marks") or "").strip(),
                        "clothing": (row.get("clothing") or "").strip(),
                        "dental_notes": (row.get("dental") or "").strip(),
                        "pmi_min_days": rec.pmi_min_days,
                        "pmi_max_days": rec.pmi_max_days,
                        "updated_at": timezone.now(),
                    }
                    _obj, was_created = m.Remains.objects.update_or_create(
                        reference=rec.id,
                        defaults=values,
                        create_defaults={**values, "created_by": request.user},
                    )
                    created += was_created
                    updated += not was_created
                record(
                    request.user,
                    "import",
                    "remains",
                    "",
                    {"file_rows": len(rows), "created": created, "updated": updated},
                )
                counts = rematch_all(request.user)
            messages.success(
                request,
                _(
                    "%(created)d remains records added and %(updated)d updated; "
                    "%(new)d new candidates."
                )
                % {"created": created, "updated": updated, "new": counts["new"]},
            )
            return redirect("cases:remains_list")
    return render(
        request,
        "cases/remains_import.html",
        {"form": form, "problems": problems, "columns": ", ".join(REMAINS_COLUMNS)},
    )
