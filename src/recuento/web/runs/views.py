"""Runs pages: the list of runs and the form to start one, a run's progress and result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.runs.forms import RunForm
from recuento.web.runs.models import Run
from recuento.web.runs.services import (
    RunError,
    run_dependent,
    run_dependent_auto,
    sources_for_repeat,
    start_run,
)
from recuento.web.runs.stages import stage_text


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "es"


def _summary(run: Run) -> dict[str, Any]:
    result = run.result or {}
    return {
        "id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "stage": run.stage,
        "stage_text": stage_text(run.stage),
        "message": run.message,
        "created_by": run.created_by.get_username(),
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "sources": sorted(run.source_hashes),
        "source_hashes": run.source_hashes,
        "parameters": run.parameters,
        "decisions_applied": run.decisions_applied,
        "persons": result.get("persons"),
        "documented": result.get("documented"),
        "estimate": result.get("estimate"),
        "lower": result.get("lower"),
        "upper": result.get("upper"),
        "level": result.get("level"),
    }


@requires("run_linkage")
def run_list(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Every run, newest first, and the form to start one (``index.json``: the runs)."""
    runs = Run.objects.select_related("created_by").order_by("-created_at", "-pk")
    if fmt == "json":
        return JsonResponse({"ok": True, "runs": [_summary(r) for r in runs]})
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_run(
                request.user,
                form.cleaned_data["sources"],
                by=form.cleaned_data["by"],
                seed=form.cleaned_data["seed"],
                lang=_lang(),
                dependent=form.cleaned_data["dependent"],
                dependent_auto=form.cleaned_data["dependent_auto"],
            )
        except RunError as e:
            form.add_error(None, str(e))
        else:
            record(request.user, "start", "run", run.pk, {"sources": sorted(run.source_hashes)})
            messages.success(request, _("Run %(number)s is queued.") % {"number": run.pk})
            return redirect("runs:run", pk=run.pk)
    runs = runs.annotate(n_sources=Count("sources"))
    return render(request, "runs/run_list.html", {"runs": runs, "form": form})


@requires("run_linkage")
def run_detail(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """A run: its progress while it runs (``<pk>.json`` is polled), then its result."""
    run = get_object_or_404(Run.objects.select_related("created_by"), pk=pk)
    if fmt == "json":
        return JsonResponse({"ok": True, "run": _summary(run)})
    sources = list(run.sources.order_by("name"))
    return render(
        request,
        "runs/run_detail.html",
        {
            "run": run,
            "summary": _summary(run),
            "sources": sources,
            "result": run.result or {},
            "strata": (run.result or {}).get("strata") or [],
            "warnings": (run.result or {}).get("warnings_es" if _lang() == "es" else "warnings")
            or (run.result or {}).get("warnings")
            or [],
            "busy": run.status in (Run.Status.QUEUED, Run.Status.RUNNING),
            "uncertain": run.uncertain_pairs.count() if run.status == Run.Status.DONE else 0,
        },
    )


@requires("run_linkage")
@require_POST
def repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again: the same lists and any brought in since, with the decisions made since."""
    earlier = get_object_or_404(Run, pk=pk)
    try:
        run = start_run(
            request.user,
            sources_for_repeat(earlier),
            by=earlier.parameters.get("by") or "",
            seed=int(earlier.parameters.get("seed", 1)),
            lang=_lang(),
            repeats=earlier,
            dependent=run_dependent(earlier),
            dependent_auto=run_dependent_auto(earlier),
        )
    except RunError as e:
        messages.error(request, str(e))
        return redirect("runs:run", pk=earlier.pk)
    record(
        request.user,
        "start",
        "run",
        run.pk,
        {"repeats": earlier.pk, "sources": sorted(run.source_hashes)},
    )
    messages.success(request, _("Run %(number)s is queued.") % {"number": run.pk})
    return redirect("runs:run", pk=run.pk)


@requires("view_counts")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's HTML report, as a download."""
    run = get_object_or_404(Run, pk=pk, status=Run.Status.DONE)
    if not run.report or not default_storage.exists(run.report):
        raise Http404("no report")
    record(request.user, "download", "report", run.pk)
    return FileResponse(
        default_storage.open(run.report, "rb"),
        as_attachment=True,
        filename=f"recuento-run-{run.pk}.html",
        content_type="text/html; charset=utf-8",
    )
