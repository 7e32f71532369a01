"""The audit page for administrators: read, filter, verify and export the log."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from recuento.web.accounts.permissions import requires
from recuento.web.audit import schema
from recuento.web.audit.forms import FilterForm
from recuento.web.audit.log import check, last_full_check, record
from recuento.web.audit.models import Entry

PER_PAGE = 50
CSV_COLUMNS = (
    "id", "at", "username", "action", "object_type", "object_id", "detail", "previous", "digest"
)  # fmt: skip


def _row(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "username": entry.username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
        "previous": entry.previous,
        "digest": entry.digest,
    }


def _status(*, full: bool) -> dict[str, Any]:
    result = check(full=full)
    connection = connections[router.db_for_read(Entry)]
    last_full = last_full_check()
    return {
        "ok": result.ok,
        "checked": result.checked,
        "first_broken": result.first_broken,
        "head": result.head,
        "guard": schema.guard_installed(connection),
        "full": full,
        "last_full_check": last_full.at.isoformat() if last_full is not None else None,
        "last_full_check_at": last_full.at if last_full is not None else None,
    }


@requires("view_audit_log")
def log_page(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Entries newest first, filtered and paginated, with the chain's verification.

    The chain is checked from the newest checkpoint on; ``?verify=full`` checks it from
    the first entry (seconds per hundred thousand entries). ``log.json`` answers the same
    page as JSON.
    """
    form = FilterForm(request.GET or None)
    entries = form.filter(Entry.objects.order_by("-pk"))
    # Checked before recording this visit: record() holds the log's lock until the
    # request ends, and a check must not make other audited requests wait.
    status = _status(full=request.GET.get("verify") == "full")
    record(request.user, "view", "audit_log", "", {"filters": form.used()})
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    if fmt == "json":
        status.pop("last_full_check_at")
        return JsonResponse(
            {
                "ok": True,
                "verification": status,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "count": page.paginator.count,
                "entries": [_row(e) for e in page.object_list],
            }
        )
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "status": status, "query": query.urlencode()},
    )


def _cell(value: str) -> str:
    # A cell starting with = + - @ (or a tab or carriage return) is a formula to a
    # spreadsheet: quote it so that opening the export never runs anything.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        row = _row(entry)
        row["detail"] = json.dumps(entry.detail, sort_keys=True, ensure_ascii=False)
        yield writer.writerow([_cell(str(row[c])) for c in CSV_COLUMNS])


@requires("view_audit_log")
def export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV, oldest first, with their digests (a copy to keep)."""
    form = FilterForm(request.GET or None)
    entries = form.filter(Entry.objects.order_by("pk"))
    record(request.user, "export", "audit_log", "", {"filters": form.used()})
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recuento-audit-{stamp}.csv"'
    return response
