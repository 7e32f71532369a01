"""The counts dashboard: the newest finished run's count, per stratum, charts, the report.

The count is the run's stored result (``Run.result``, the JSON contract of
:meth:`recuento.count.CountResult.to_dict`); nothing is computed here but the charts,
drawn with :mod:`recuento.report.svg` as inline SVG. The HTML report is served as a
download to users who may see counts, never as a static file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from recuento.count.api import BLOCKING_RECALL_WARN_BELOW
from recuento.report import svg
from recuento.report.text import Lang, number, percent, share
from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record as audit
from recuento.web.runs.models import Run


def _lang() -> Lang:
    return "es" if (get_language() or "").startswith("es") else "en"


def _finite(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


@dataclass(frozen=True)
class Line:
    """One row of the totals or strata table, numbers formatted for the language."""

    label: str
    documented: str
    estimate: str
    lower: str
    upper: str
    undocumented: str
    method: str
    warnings: list[str]


def _line(label: str, part: dict[str, Any], lang: Lang) -> Line:
    documented = _finite(part.get("documented"))
    estimate = _finite(part.get("estimate"))
    lower = _finite(part.get("lower"))
    upper = _finite(part.get("upper"))
    missing = None if estimate is None or documented is None else estimate - documented
    return Line(
        label=label,
        documented=number(documented, lang),
        estimate=number(estimate, lang) if estimate is not None else _("no estimate"),
        lower=number(lower, lang) if lower is not None else "",
        upper=number(upper, lang) if upper is not None else (_("no upper bound") if lower else ""),
        undocumented=number(missing, lang) if missing is not None else "",
        method=str(part.get("method") or ""),
        warnings=[str(w) for w in part.get("warnings") or []],
    )


@dataclass(frozen=True)
class BlockingRecall:
    """The blocking recall estimate of the count's linkage, formatted for the language.

    Attributes:
        value: ``98.7% (1,234 of 1,250)``: the share of pairs of records put in one person
            that a blocking rule compared directly, and the two counts; or a sentence
            saying there was nothing to measure (no person has two records).
        estimate: the share itself (None: nothing to measure).
        low: below :data:`recuento.count.api.BLOCKING_RECALL_WARN_BELOW`.
        limit: that threshold as a percentage.
    """

    value: str
    estimate: float | None
    low: bool
    limit: str


def _blocking_recall(result: dict[str, Any], lang: Lang) -> BlockingRecall | None:
    """The ``blocking_recall`` entry of a stored count (None: a count made before it was
    measured, or without it)."""
    recall = result.get("blocking_recall")
    if not isinstance(recall, dict):
        return None
    estimate = _finite(recall.get("estimate"))
    limit = percent(BLOCKING_RECALL_WARN_BELOW, lang)
    if estimate is None:
        value = _("nothing to measure (no person has two records)")
        return BlockingRecall(value=value, estimate=None, low=False, limit=limit)
    value = _("%(share)s (%(compared)s of %(pairs)s)") % {
        "share": share(estimate, lang),
        "compared": number(_finite(recall.get("pairs_compared")), lang),
        "pairs": number(_finite(recall.get("pairs_in_persons")), lang),
    }
    return BlockingRecall(
        value=value, estimate=estimate, low=estimate < BLOCKING_RECALL_WARN_BELOW, limit=limit
    )


def _charts(result: dict[str, Any], lang: Lang) -> list[SafeString]:
    def fmt(x: float) -> str:
        return number(x, lang)

    rows = [(_("total"), result)]
    strata = [s for s in result.get("strata") or [] if isinstance(s, dict)]
    rows += [(str(s.get("stratum", "")), s) for s in strata]
    charts = [
        svg.interval_chart(
            [label for label, _part in rows],
            [int(_finite(part.get("documented")) or 0) for _label, part in rows],
            [
                (
                    _finite(part.get("estimate")),
                    _finite(part.get("lower")),
                    _finite(part.get("upper")),
                )
                for _label, part in rows
            ],
            _("Documented persons and the estimate with its interval"),
            (_("documented"), _("estimate and interval")),
            fmt,
        )
    ]
    configurations = result.get("persons_by_configuration") or {}
    if isinstance(configurations, dict) and configurations:
        labels = sorted(configurations)
        charts.append(
            svg.bar_chart(
                labels,
                [float(configurations[k]) for k in labels],
                _("Distinct persons under each linkage configuration"),
                fmt,
            )
        )
    # The SVG is built by recuento.report.svg, which escapes every text it draws.
    return [mark_safe(c) for c in charts]


def _context(run: Run | None) -> dict[str, Any]:
    lang = _lang()
    result = run.result if run is not None and isinstance(run.result, dict) else None
    if result is None:
        return {"run": run, "result": None}
    level = _finite(result.get("level"))
    strata = [s for s in result.get("strata") or [] if isinstance(s, dict)]
    return {
        "run": run,
        "result": result,
        "level": percent(level, lang) if level is not None else "",
        "total": _line(_("total"), result, lang),
        "by": result.get("by") or "",
        "strata": [_line(str(s.get("stratum", "")), s, lang) for s in strata],
        "lists": [str(x) for x in result.get("lists") or []],
        "warnings": [str(w) for w in result.get("warnings") or []],
        "persons": result.get("persons"),
        "blocking_recall": _blocking_recall(result, lang),
        "charts": _charts(result, lang),
        "has_report": bool(run is not None and run.report),
    }


def newest_run() -> Run | None:
    """The newest finished run (status ``done``), with its count, or None."""
    return (
        Run.objects.filter(status=Run.Status.DONE)
        .order_by(F("finished_at").desc(nulls_last=True), "-pk")
        .first()
    )


@requires("view_counts")
def dashboard(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The newest finished run's count (``index.json``: the stored result as JSON)."""
    run = newest_run()
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "run": run.pk if run is not None else None,
                "finished_at": run.finished_at.isoformat()
                if run is not None and run.finished_at
                else None,
                "count": run.result if run is not None else None,
                "report": bool(run is not None and run.report),
            }
        )
    return render(request, "counts/dashboard.html", _context(run))


def report_path(run: Run) -> Path:
    """The run's report file, checked to lie inside ``MEDIA_ROOT``.

    Raises:
        Http404: the run has no report, or its path leaves the media directory, or the
            file is gone.
    """
    if not run.report:
        raise Http404("no report")
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / run.report).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404("no report")
    return path


@transaction.non_atomic_requests
@requires("view_counts")
def report(request: HttpRequest, run: int) -> HttpResponse:
    """Download a finished run's HTML report (as an attachment)."""
    the_run = get_object_or_404(Run, pk=run, status=Run.Status.DONE)
    path = report_path(the_run)
    audit(request.user, "download", "report", the_run.pk, {"run": the_run.pk})
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"recuento-run-{the_run.pk}-report.html",
        content_type="text/html; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
