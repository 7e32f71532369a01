"""Registry pages: the sources, bringing a list in, one source's mapping and rejects."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.lists.messages import REJECT_REASONS, WARNINGS
from recuento.web.accounts.permissions import requires
from recuento.web.registry.forms import MappingForm, UploadForm
from recuento.web.registry.models import Source
from recuento.web.registry.services import (
    NeedsMappingError,
    StoredUpload,
    UploadError,
    bring_in,
    bring_in_stored,
    discard,
    header_of,
    remap,
    store_again,
)

_PENDING = "registry_pending_upload"


def _lang() -> str:
    return "es" if (get_language() or "").startswith("es") else "en"


def _summary(source: Source) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "filename": source.filename,
        "sha256": source.sha256,
        "size_bytes": source.size_bytes,
        "uploaded_by": source.uploaded_by.get_username(),
        "uploaded_at": source.uploaded_at.isoformat(),
        "rows_read": source.rows_read,
        "rows_accepted": source.rows_accepted,
        "rows_rejected": source.rows_rejected,
        "status": source.status,
        "status_message": source.status_message,
    }


@requires("view_sources")
def source_list(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Every source, newest first (``index.json``: the same as JSON)."""
    sources = Source.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")
    if fmt == "json":
        return JsonResponse({"ok": True, "sources": [_summary(s) for s in sources]})
    return render(request, "registry/source_list.html", {"sources": sources})


@requires("upload_sources")
def upload(request: HttpRequest) -> HttpResponse:
    """Bring a list in; on success go to its page (mapping and rejects)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = bring_in(
                form.cleaned_data["file"], name=form.cleaned_data["name"], user=request.user
            )
        except NeedsMappingError as e:
            request.session[_PENDING] = asdict(e.pending)
            messages.warning(request, str(e))
            return redirect("registry:upload_mapping")
        except UploadError as e:
            form.add_error("file", str(e))
        else:
            same = Source.objects.filter(sha256=source.sha256).exclude(pk=source.pk).first()
            if same is not None:
                messages.warning(
                    request,
                    _("The same file was already brought in as %(name)s.") % {"name": same.name},
                )
            messages.success(request, _brought_in(source))
            return redirect("registry:source", pk=source.pk)
    return render(request, "registry/upload.html", {"form": form})


def _brought_in(source: Source) -> str:
    return _("List %(name)s brought in; its records are being stored.") % {"name": source.name}


def _reason(code: str, lang: str) -> str:
    sentences = REJECT_REASONS.get(code)
    return sentences[lang] if sentences else code  # type: ignore[index]


def _warning(code: str, lang: str) -> str:
    sentences = WARNINGS.get(code)
    return sentences[lang] if sentences else code  # type: ignore[index]


@requires("view_sources")
def source_detail(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """One source: provenance, counts, the mapping, rejects with reasons (or ``<pk>.json``)."""
    source = get_object_or_404(Source.objects.select_related("uploaded_by", "remapped_by"), pk=pk)
    lang = _lang()
    context: dict[str, Any] = {
        "source": source,
        "mapping": [
            (canonical, header if isinstance(header, str) else " + ".join(header))
            for canonical, header in sorted(source.mapping.items())
        ],
        "rejects": [
            {"number": r["number"], "reason": _reason(r["reason"], lang)} for r in source.rejects
        ],
        "rejects_by_reason": [
            (_reason(code, lang), n) for code, n in sorted(source.rejects_by_reason.items())
        ],
        "warnings": [(_warning(code, lang), n) for code, n in sorted(source.warnings.items())],
        "rejects_truncated": source.rows_rejected > len(source.rejects),
        "storing": source.status == Source.Status.STORING,
    }
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "source": {
                    **_summary(source),
                    "format": source.format,
                    "header": source.header,
                    "mapping": source.mapping,
                    "attributes": source.attributes,
                    "column_entries": source.column_entries,
                    "rejects": [{**r, "text": _reason(r["reason"], lang)} for r in source.rejects],
                    "rejects_by_reason": source.rejects_by_reason,
                    "warnings": source.warnings,
                    "notes": source.notes,
                    "unit": source.unit,
                },
            }
        )
    return render(request, "registry/source_detail.html", context)


@requires("upload_sources")
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Fix a source's column mapping; the stored file is read again with it."""
    source = get_object_or_404(Source, pk=pk)
    form = MappingForm(request.POST or None, header=source.header, mapping=source.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            remap(source, form.entries(), user=request.user)
        except UploadError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("List %(name)s read again with the new mapping.") % {"name": source.name}
            )
            return redirect("registry:source", pk=source.pk)
    return render(request, "registry/mapping.html", {"source": source, "form": form})


@requires("upload_sources")
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Store a source's records again after storing them failed."""
    source = get_object_or_404(Source, pk=pk)
    try:
        store_again(source)
    except UploadError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("The records of list %(name)s are being stored again.") % {"name": source.name},
        )
    return redirect("registry:source", pk=source.pk)


@requires("upload_sources")
def upload_mapping(request: HttpRequest) -> HttpResponse:
    """Map the columns of an upload whose names were not recognised, then bring it in."""
    raw = request.session.get(_PENDING)
    if raw is None:
        return redirect("registry:upload")
    pending = StoredUpload(**raw)
    if request.method == "POST" and "cancel" in request.POST:
        discard(pending)
        del request.session[_PENDING]
        return redirect("registry:upload")
    try:
        header = header_of(pending)
    except UploadError as e:
        discard(pending)
        del request.session[_PENDING]
        messages.error(request, str(e))
        return redirect("registry:upload")
    form = MappingForm(request.POST or None, header=header, mapping={})
    if request.method == "POST" and form.is_valid():
        try:
            source = bring_in_stored(pending, user=request.user, entries=form.entries())
        except UploadError as e:
            form.add_error(None, str(e))
        else:
            del request.session[_PENDING]
            messages.success(request, _brought_in(source))
            return redirect("registry:source", pk=source.pk)
    return render(request, "registry/upload_mapping.html", {"pending": pending, "form": form})
