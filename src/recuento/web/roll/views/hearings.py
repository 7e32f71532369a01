"""Hearings: the list, one hearing (schedule, minutes, decision), opening one by hand."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.roll import hearings as service
from recuento.web.roll.forms import DecisionForm, MinutesForm, OpenHearingForm, ScheduleForm
from recuento.web.roll.models import STATUS_LABELS, Hearing, Member
from recuento.web.roll.services import RollError


@requires("decide_hearings")
def hearing_list(request: HttpRequest) -> HttpResponse:
    """Every hearing, undecided first."""
    hearings = Hearing.objects.select_related("member", "member__local_group").order_by(
        "decided_at", "-requested_at"
    )
    record(request.user, "view", "hearing_list")
    return render(request, "roll/hearing_list.html", {"hearings": hearings})


@requires("decide_hearings")
def hearing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One hearing; POST ``action`` = schedule, minutes or decide."""
    hearing = get_object_or_404(
        Hearing.objects.select_related("member", "notice", "decided_by"), pk=pk
    )
    forms: dict[str, Any] = {
        "schedule": ScheduleForm(
            initial={"when": hearing.scheduled_for, "place": hearing.place}, prefix="schedule"
        ),
        "minutes": MinutesForm(initial={"minutes": hearing.minutes}, prefix="minutes"),
        "decide": DecisionForm(prefix="decide"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        classes: dict[str, type[django_forms.Form]] = {
            "schedule": ScheduleForm,
            "minutes": MinutesForm,
            "decide": DecisionForm,
        }
        if action in classes:
            form = classes[action](request.POST, prefix=action)
            forms[action] = form
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if action == "schedule":
                        service.schedule(hearing, when=data["when"], place=data["place"],
                                         user=request.user)  # fmt: skip
                    elif action == "minutes":
                        service.minute(hearing, minutes=data["minutes"], user=request.user)
                    else:
                        service.decide(hearing, outcome=data["outcome"], reasons=data["reasons"],
                                       deadline=data["deadline"], user=request.user)  # fmt: skip
                except RollError as e:
                    form.add_error(None, str(e))
                else:
                    messages.success(request, _("Hearing updated."))
                    return redirect("roll:hearing", pk=hearing.pk)
    else:
        record(request.user, "view", "hearing", hearing.pk, {"member": hearing.member_id})
    member = hearing.member
    return render(
        request,
        "roll/hearing_detail.html",
        {
            "hearing": hearing,
            "member": member,
            "status": STATUS_LABELS[member.status_on(timezone.localdate())],
            "forms": forms,
        },
    )


@require_POST
@requires("decide_hearings")
def open_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a hearing a member asked for by letter, phone or in person."""
    member = get_object_or_404(Member, pk=pk)
    form = OpenHearingForm(request.POST)
    statement = form.cleaned_data["statement"] if form.is_valid() else ""
    hearing = service.open_hearing(member, user=request.user, statement=statement)
    messages.success(request, _("Hearing opened."))
    return redirect("roll:hearing", pk=hearing.pk)
