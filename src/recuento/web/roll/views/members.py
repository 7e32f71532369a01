"""Members: the list, one member, status decisions, importing the roll, counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.roll import counts_by_group, counts_over_time, month_starts
from recuento.web.accounts.permissions import allowed, requires
from recuento.web.audit.log import record
from recuento.web.registry.services import store_upload
from recuento.web.roll.charts import line_chart
from recuento.web.roll.forms import ImportForm, MemberFilterForm, OpenHearingForm, StatusForm
from recuento.web.roll.models import STATUS_LABELS, Member, RollImport
from recuento.web.roll.services import RULES, RollError, change_status, import_roll, memberships

PAGE_SIZE = 100
CHART_MONTHS = 24
STATUS_ORDER = (
    *("new", "current", "grace", "expired", "not_started", "pending_verification"),
    *("must_join", "deemed_resigned", "suspended_retained", "cancelled", "deceased"),
)


def _on(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@requires("view_members")
def member_list(request: HttpRequest) -> HttpResponse:
    """Members with their status today, by local group and status (100 a page)."""
    today = timezone.localdate()
    form = MemberFilterForm(
        request.GET or None, statuses=[(c, STATUS_LABELS[c]) for c in STATUS_ORDER]
    )
    members = Member.objects.select_related("local_group").order_by("member_id")
    status = ""
    if form.is_valid():
        if form.cleaned_data["group"] is not None:
            members = members.filter(local_group=form.cleaned_data["group"])
        if form.cleaned_data["q"]:
            members = members.filter(member_id__icontains=form.cleaned_data["q"])
        status = form.cleaned_data["status"]
        if status and status not in ("new", "current", "grace", "expired", "not_started"):
            members = members.filter(admin_status=status)
        elif status:
            members = members.filter(Q(admin_status=""))
    rows = [(m, m.status_on(today, RULES)) for m in members]
    if status in ("new", "current", "grace", "expired", "not_started"):
        rows = [(m, s) for m, s in rows if s == status]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record(request.user, "view", "member_list", "", {"page": page.number, "status": status})
    return render(
        request,
        "roll/member_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(m, s, STATUS_LABELS[s]) for m, s in page.object_list],
            "today": today,
            "total": len(rows),
        },
    )


@requires("view_members")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One member: dates, status, history of decisions, flags, notices, hearings."""
    member = get_object_or_404(Member.objects.select_related("local_group"), pk=pk)
    today = timezone.localdate()
    code = member.status_on(today, RULES)
    record(request.user, "view", "member", member.pk)
    return render(
        request,
        "roll/member_detail.html",
        {
            "member": member,
            "status": STATUS_LABELS[code],
            "may_vote": member.may_vote_on(today, RULES),
            "changes": member.changes.select_related("by").order_by("-at", "-pk"),
            "flags": member.flags.select_related("check_run").order_by("-pk")[:10],
            "notices": member.notices.order_by("-created_at"),
            "hearings": member.hearings.order_by("-requested_at"),
            "status_form": StatusForm(initial={"status": member.admin_status}),
            "hearing_form": OpenHearingForm(),
            "can_manage": allowed(request.user, action="manage_members"),
            "can_hear": allowed(request.user, action="decide_hearings"),
            "status_labels": STATUS_LABELS,
        },
    )


@require_POST
@requires("manage_members")
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on a member's administrator status (with its reason)."""
    member = get_object_or_404(Member, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            change_status(
                member,
                form.cleaned_data["status"] or "",
                user=request.user,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
            )
        except RollError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Status decision recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("roll:member", pk=member.pk)


@requires("manage_members")
def roll_import(request: HttpRequest) -> HttpResponse:
    """Import (or re-import) the roll; show the past imports with their rejects."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored, sha, _size = store_upload(upload)
        try:
            batch = import_roll(
                Path(default_storage.path(stored)),
                filename=upload.name or "",
                stored=stored,
                sha256=sha,
                user=request.user,
            )
        except RollError as e:
            form.add_error("file", str(e))
        else:
            messages.success(
                request,
                _(
                    "Roll imported: %(created)d members added, %(updated)d updated, "
                    "%(rejected)d rows rejected."
                )
                % {
                    "created": batch.created,
                    "updated": batch.updated,
                    "rejected": batch.rows_rejected,
                },
            )
            return redirect("roll:import")
    imports = RollImport.objects.select_related("imported_by")[:20]
    return render(request, "roll/import.html", {"form": form, "imports": imports})


def _counts_context(on: dt.date) -> dict[str, Any]:
    members = memberships(Member.objects.select_related("local_group"))
    by_group = counts_by_group(members, on, RULES)
    codes = [c for c in STATUS_ORDER if any(c in counter for counter in by_group.values())]
    totals: Counter[str] = Counter()
    for counter in by_group.values():
        totals.update(counter)
    first = min((m.join for m in members), default=on)
    days = month_starts(max(first, on.replace(day=1) - dt.timedelta(days=31 * CHART_MONTHS)), on)
    series = counts_over_time(members, days, RULES)
    admin = frozenset(STATUS_ORDER[5:])
    chart = line_chart(
        series,
        [(str(STATUS_LABELS[c]), frozenset({c})) for c in ("new", "current", "grace", "expired")]
        + [(_("Administrator statuses"), admin)],
    )
    return {
        "on": on,
        "codes": codes,
        "labels": [STATUS_LABELS[c] for c in codes],
        "groups": [
            (g or "—", [counter.get(c, 0) for c in codes], sum(counter.values()))
            for g, counter in by_group.items()
        ],
        "totals": [totals.get(c, 0) for c in codes],
        "total": sum(totals.values()),
        "chart": chart,
        "series": [(day, dict(counter)) for day, counter in series],
    }


@requires("view_members")
def counts(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Members per local group and status on a day, and over the last 24 months."""
    context = _counts_context(_on(request))
    record(request.user, "view", "member_counts", "", {"on": context["on"].isoformat()})
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "on": context["on"].isoformat(),
                "statuses": context["codes"],
                "groups": {
                    g: dict(zip(context["codes"], row, strict=True))
                    for g, row, _t in context["groups"]
                },
                "over_time": [{"day": d.isoformat(), **c} for d, c in context["series"]],
            }
        )
    return render(request, "roll/counts.html", context)
