"""Case pages: the list, filing and editing a ficha, tiers and consent, status, marks,
clothing, photos and posters. Every view and change is audited."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from recuento.match import REASON_LABELS
from recuento.posters import SIZES, render_pdf, render_png
from recuento.web.accounts.permissions import allowed, requires
from recuento.web.audit.log import record
from recuento.web.cases import forms as f
from recuento.web.cases import models as m
from recuento.web.cases.matching import rematch_case
from recuento.web.cases.publishing import (
    PublishError,
    poster_data,
    publish,
    revoke_current,
    revoke_if_no_longer_public,
    verify_path,
)
from recuento.web.cases.tiers import (
    AUTHORITIES,
    CASE_FIELDS,
    CONSENT_TIERS,
    LEVEL_ALL,
    RANK,
    FieldSpec,
    tier_of,
    viewer_level,
)
from recuento.web.cases.views.common import (
    case_sections,
    case_title,
    item_visible,
    lang,
    mark_text,
    remains_label,
    sections,
)

_PUBLISH_ERRORS = {
    "safety": gettext_lazy("The case carries the safety flag: no poster may be made."),
    "consent": gettext_lazy("The family has not consented to publish: record their consent first."),
    "status": gettext_lazy("Only a missing person's case can have a current poster."),
    "name": gettext_lazy("No public name: make the name public (Visibility and consent)."),
    "contact": gettext_lazy(
        "No public contact: fill the collective's contact, or let the family choose to "
        "print their phone."
    ),
}


def _case(pk: int) -> m.Case:
    return get_object_or_404(m.Case, pk=pk)


def _changed(form: Any) -> list[str]:
    return sorted(form.changed_data)


@requires("view_cases")
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case: its label, the name as the viewer may see it, status, open candidates."""
    level = viewer_level(request.user)
    cases = m.Case.objects.all()
    rows = [
        {
            "case": c,
            "title": case_title(c, level),
            "pending": c.candidates.filter(status=m.Candidate.PENDING).count(),
        }
        for c in cases
    ]
    record(request.user, "list", "case", "", {"count": len(rows)})
    return render(request, "cases/case_list.html", {"rows": rows})


@requires("edit_cases")
def case_new(request: HttpRequest) -> HttpResponse:
    """File a new ficha; its author becomes a coordinator of the case."""
    form = f.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.created_by = request.user
        case.save()
        case.coordinators.add(request.user)
        m.StatusChange.objects.create(case=case, new=case.status, by=request.user)
        record(request.user, "create", "case", case.pk, {"fields": _changed(form)})
        rematch_case(case, request.user)
        messages.success(request, _("Case %(label)s filed.") % {"label": case.label})
        return redirect("cases:case", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@requires("view_cases")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case, showing only the fields, marks, clothing and photos the viewer may see."""
    case = _case(pk)
    level = viewer_level(request.user)
    record(request.user, "view", "case", case.pk, {"level": level})
    label = 0 if lang() == "es" else 1
    candidates = [
        {
            "c": c,
            "remains_label": remains_label(c.remains, level),
            "now_excluded": ", ".join(REASON_LABELS[r][label] for r in c.engine_excluded),
        }
        for c in case.candidates.select_related("remains").order_by("status", "rank", "pk")
    ]
    is_coordinator = case.coordinators.filter(pk=request.user.pk).exists()
    context = {
        "case": case,
        "title": case_title(case, level),
        "sections": case_sections(case, level),
        "marks": [
            {"mark": k, "text": mark_text(k, lang())}
            for k in case.marks.all()
            if item_visible(case, k.tier, level)
        ],
        "clothing": [g for g in case.clothing.all() if item_visible(case, g.tier, level)],
        "photos": [p for p in case.photos.all() if item_visible(case, p.tier, level)],
        "history": case.status_changes.select_related("by"),
        "consents": case.consent_changes.select_related("by") if level >= LEVEL_ALL else [],
        "posters": [(p, verify_path(p.folio)) for p in case.posters.all()],
        "candidates": candidates,
        "lang": lang(),
        "full": level >= LEVEL_ALL,
        "status_form": f.StatusForm(initial={"status": case.status}),
        "mark_form": f.MarkForm(),
        "garment_form": f.GarmentForm(),
        "photo_form": f.PhotoForm(),
        "review_form": f.ReviewForm(),
        "confirm_form": f.ConfirmForm(),
        "tips_count": case.tips.filter(read_at__isnull=True).count()
        if is_coordinator and allowed(request.user, action="read_tips")
        else None,
        "sizes": list(SIZES),
    }
    return render(request, "cases/case_detail.html", context)


@requires("edit_cases")
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the ficha's data; matching runs again for the case."""
    case = _case(pk)
    form = f.CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.updated_at = timezone.now()
        case.save()
        record(request.user, "change", "case", case.pk, {"fields": _changed(form)})
        rematch_case(case, request.user)
        messages.success(request, _("Case %(label)s saved.") % {"label": case.label})
        return redirect("cases:case", pk=case.pk)
    record(request.user, "view", "case", case.pk, {"page": "edit"})
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@requires("edit_cases")
def case_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Who coordinates the case and which family accounts follow it."""
    case = _case(pk)
    form = f.PeopleForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request.user, "change", "case", case.pk, {"fields": _changed(form)})
        messages.success(request, _("Case %(label)s saved.") % {"label": case.label})
        return redirect("cases:case", pk=case.pk)
    record(request.user, "view", "case", case.pk, {"page": "people"})
    return render(request, "cases/case_people.html", {"form": form, "case": case})


@requires("edit_cases")
def case_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's consent per tier (with its history), the safety flag and field tiers.

    Withdrawing consent to publish, or raising the safety flag, revokes current posters.
    """
    case = _case(pk)
    if not allowed(request.user, action="view_restricted_fields"):
        raise PermissionDenied("view_restricted_fields")
    initial = {
        "consent_public": case.consent_public,
        "consent_collective": case.consent_collective,
        "consent_authorities": case.consent_authorities,
        "show_family_phone": case.show_family_phone,
        "safety_flag": case.safety_flag,
    }
    form = f.ConsentForm(request.POST or None, initial=initial, specs=CASE_FIELDS, obj=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = []
        for tier in CONSENT_TIERS:
            name = f"consent_{tier}"
            if data[name] != getattr(case, name):
                m.ConsentChange.objects.create(
                    case=case, tier=tier, granted=data[name], note=data["note"], by=request.user
                )
                setattr(case, name, data[name])
                changed.append(name)
        for name in ("show_family_phone", "safety_flag"):
            if data[name] != getattr(case, name):
                setattr(case, name, data[name])
                changed.append(name)
        tiers, old = form.tiers(), case.tiers or {}
        changed += [f"tier_{k}" for k in set(tiers) | set(old) if tiers.get(k) != old.get(k)]
        case.tiers = tiers
        case.updated_at = timezone.now()
        case.save()
        withdrawn = not case.consent_public or case.safety_flag
        revoked = revoke_current(case, m.Poster.WITHDRAWN) if withdrawn else 0
        revoked += revoke_if_no_longer_public(case)
        if revoked:
            messages.warning(request, _("The current poster was revoked."))
        record(request.user, "consent", "case", case.pk, {"fields": sorted(set(changed))})
        messages.success(request, _("Case %(label)s saved.") % {"label": case.label})
        return redirect("cases:case", pk=case.pk)
    record(request.user, "view", "case", case.pk, {"page": "consent"})
    return render(request, "cases/case_consent.html", {"form": form, "case": case})


@requires("view_restricted_fields")
def case_authorities(request: HttpRequest, pk: int) -> HttpResponse:
    """What may be handed to an authority: the public, collective and authorities tiers,
    only with the family's consent to share with authorities (secret fields never)."""
    case = _case(pk)
    shared = case.consent_authorities
    record(request.user, "view", "case", case.pk, {"page": "authorities", "consent": shared})

    def visible(spec: FieldSpec) -> bool:
        return shared and RANK[tier_of(case, spec)] <= RANK[AUTHORITIES]

    def item(tier: str) -> bool:
        return shared and RANK[tier] <= RANK[AUTHORITIES]

    context = {
        "case": case,
        "shared": shared,
        "sections": sections(case, CASE_FIELDS, visible),
        "marks": [mark_text(k, lang()) for k in case.marks.all() if item(k.tier)],
        "clothing": [g for g in case.clothing.all() if item(g.tier)],
    }
    return render(request, "cases/case_authorities.html", context)


@require_POST
@requires("edit_cases")
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the status; a located person's posters are revoked at once."""
    case = _case(pk)
    form = f.StatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] != case.status:
        old, new = case.status, form.cleaned_data["status"]
        m.StatusChange.objects.create(
            case=case, old=old, new=new, note=form.cleaned_data["note"], by=request.user
        )
        case.status = new
        case.updated_at = timezone.now()
        case.save(update_fields=["status", "updated_at"])
        revoked = revoke_current(case, m.Poster.LOCATED) if new != m.MISSING else 0
        record(
            request.user,
            "status",
            "case",
            case.pk,
            {"old": old, "new": new, "posters_revoked": revoked},
        )
        rematch_case(case, request.user)
        messages.success(request, _("Status changed."))
    return redirect("cases:case", pk=case.pk)


@require_POST
@requires("edit_cases")
def mark_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = f.MarkForm(request.POST)
    if form.is_valid():
        mark = form.save(commit=False)
        mark.case = case
        mark.save()
        record(request.user, "change", "case", case.pk, {"added": "mark", "tier": mark.tier})
        rematch_case(case, request.user)
    else:
        messages.error(request, _("The mark was not added: fill its type and body part."))
    return redirect("cases:case", pk=case.pk)


@require_POST
@requires("edit_cases")
def garment_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    form = f.GarmentForm(request.POST)
    if form.is_valid():
        garment = form.save(commit=False)
        garment.case = case
        garment.save()
        record(request.user, "change", "case", case.pk, {"added": "garment", "tier": garment.tier})
        rematch_case(case, request.user)
    else:
        messages.error(request, _("The garment was not added: name the garment or belonging."))
    return redirect("cases:case", pk=case.pk)


@require_POST
@requires("edit_cases")
def item_delete(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    case = _case(pk)
    model = {"mark": m.Mark, "garment": m.Garment, "photo": m.Photo}.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=item, case=case)
    if isinstance(obj, m.Photo):
        obj.file.delete(save=False)
    obj.delete()
    revoked = revoke_if_no_longer_public(case)
    if revoked:
        messages.warning(request, _("The current poster was revoked."))
    record(request.user, "change", "case", case.pk, {"removed": kind, "posters_revoked": revoked})
    rematch_case(case, request.user)
    return redirect("cases:case", pk=case.pk)


@require_POST
@requires("edit_cases")
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a photo: type and size checked, stored without EXIF/GPS or any metadata."""
    case = _case(pk)
    form = f.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        clean = form.cleaned_data["image"]
        if form.cleaned_data["primary"]:
            case.photos.update(primary=False)
        photo = m.Photo.objects.create(
            case=case,
            file=clean.content,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            sha256=clean.sha256,
            caption=form.cleaned_data["caption"],
            tier=form.cleaned_data["tier"],
            primary=form.cleaned_data["primary"],
            uploaded_by=request.user,
        )
        record(
            request.user,
            "change",
            "case",
            case.pk,
            {"added": "photo", "photo": photo.pk, "tier": photo.tier},
        )
        messages.success(request, _("Photo added, without its metadata."))
    else:
        for error in form.errors.get("image", []) or [_("The photo was not added.")]:
            messages.error(request, error)
    return redirect("cases:case", pk=case.pk)


@requires("view_cases")
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A case or remains photo, to a viewer whose level reaches its tier."""
    obj = get_object_or_404(m.Photo.objects.select_related("case", "remains"), pk=pk)
    level = viewer_level(request.user)
    if obj.case is not None:
        visible = item_visible(obj.case, obj.tier, level)
        record(request.user, "view", "case", obj.case_id, {"photo": obj.pk})
    else:
        from recuento.web.cases.tiers import COLLECTIVE, RANK

        visible = level >= LEVEL_ALL or RANK[obj.tier] <= RANK[COLLECTIVE]
        record(request.user, "view", "remains", obj.remains_id, {"photo": obj.pk})
    if not visible:
        raise PermissionDenied("tier")
    with obj.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=obj.content_type)
    response["Content-Disposition"] = "inline"
    return response


@require_POST
@requires("publish_posters")
def poster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a poster: only public fields with consent; earlier posters are superseded."""
    case = _case(pk)
    try:
        poster = publish(case, request.user, request)
    except PublishError as e:
        messages.error(request, str(_PUBLISH_ERRORS[str(e)]))
        return redirect("cases:case", pk=case.pk)
    record(
        request.user,
        "publish_poster",
        "case",
        case.pk,
        {"folio": poster.folio, "fields": poster.fields_shown},
    )
    messages.success(request, _("Poster %(folio)s published.") % {"folio": poster.folio})
    return redirect("cases:case", pk=case.pk)


@require_POST
@requires("publish_posters")
def poster_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(pk)
    revoked = revoke_current(case, m.Poster.WITHDRAWN)
    record(request.user, "revoke_poster", "case", case.pk, {"revoked": revoked})
    messages.success(request, _("The current poster was revoked."))
    return redirect("cases:case", pk=case.pk)


def _poster(pk: int, folio: str) -> m.Poster:
    return get_object_or_404(m.Poster, case_id=pk, folio=folio)


@requires("publish_posters")
def poster_file(request: HttpRequest, pk: int, folio: str, fmt: str) -> HttpResponse:
    """The poster as PDF or PNG (``?size=letter|a4|square|story&lang=es|en``)."""
    poster = _poster(pk, folio)
    language = request.GET.get("lang", lang())
    size = request.GET.get("size", "letter" if fmt == "pdf" else "square")
    if language not in ("es", "en") or size not in SIZES:
        raise Http404
    data = poster_data(poster, language)
    content = render_pdf(data, size) if fmt == "pdf" else render_png(data, size)
    record(
        request.user,
        "download_poster",
        "case",
        pk,
        {"folio": folio, "format": fmt, "size": size, "lang": language},
    )
    response = HttpResponse(
        content, content_type="application/pdf" if fmt == "pdf" else "image/png"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ficha-{folio}-{size}-{language}.{fmt}"'
    )
    return response


@requires("publish_posters")
def poster_json(request: HttpRequest, pk: int, folio: str) -> HttpResponse:
    """The poster's public data in both languages, for ``recuento poster``."""
    poster = _poster(pk, folio)
    payload = {lang_: poster_data(poster, lang_).to_json() for lang_ in ("es", "en")}
    record(request.user, "download_poster", "case", pk, {"folio": folio, "format": "json"})
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="ficha-{folio}.json"'
    return response
