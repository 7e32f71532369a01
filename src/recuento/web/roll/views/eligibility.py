"""Eligibility checks and notices to flagged members."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.registry.services import store_upload
from recuento.web.roll import eligibility as checks
from recuento.web.roll.forms import EligibilityForm
from recuento.web.roll.hearings import notify
from recuento.web.roll.models import EligibilityCheck, Member, Notice
from recuento.web.roll.services import RollError


@requires("manage_members")
def eligibility(request: HttpRequest) -> HttpResponse:
    """Run a check (plaintext) or import a statuses file; list the checks and the flagged."""
    form = EligibilityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["mode"] == "pprl":
                upload = data["statuses"]
                stored, _sha, _size = store_upload(upload)
                check = checks.import_statuses(
                    Path(default_storage.path(stored)),
                    filename=upload.name or "",
                    deadline=data["deadline"],
                    user=request.user,
                )
            else:
                paths = []
                for upload in (data["roll"], data.get("expelled")):
                    paths.append(
                        Path(default_storage.path(store_upload(upload)[0])) if upload else None
                    )
                roll_path = paths[0]
                assert roll_path is not None  # the form requires it in this mode
                check = checks.check_plaintext(
                    roll_path,
                    paths[1],
                    names=(data["roll"].name, data["expelled"].name if data["expelled"] else None),
                    deadline=data["deadline"],
                    user=request.user,
                )
        except RollError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _(
                    "Check recorded. No member's status has changed: the flags are questions to "
                    "the members."
                ),
            )
            return redirect("roll:check", pk=check.pk)
    record(request.user, "view", "eligibility_checks")
    return render(
        request,
        "roll/eligibility.html",
        {"form": form, "checks": EligibilityCheck.objects.select_related("by")[:20]},
    )


@requires("manage_members")
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One check: the counts, and the flagged members with the evidence."""
    check = get_object_or_404(EligibilityCheck.objects.select_related("by"), pk=pk)
    flagged = (
        check.flags.exclude(flag="eligible").select_related("member").order_by("member__member_id")
    )
    notified = set(
        Notice.objects.filter(member__in=[f.member_id for f in flagged]).values_list(
            "member_id", flat=True
        )
    )
    record(request.user, "view", "eligibility_check", check.pk)
    return render(
        request,
        "roll/check_detail.html",
        {"check": check, "flagged": flagged, "notified": notified},
    )


@require_POST
@requires("manage_members")
def notify_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a flagged member a notice with a single-use link to answer it."""
    member = get_object_or_404(Member, pk=pk)
    last = member.flags.select_related("check_run").order_by("-pk").first()
    deadline = last.check_run.deadline if last is not None else None
    try:
        notify(
            member,
            user=request.user,
            link_for=lambda token: request.build_absolute_uri(reverse("roll:answer", args=[token])),
            deadline=deadline,
        )
    except RollError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Notice sent."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("roll:member", args=[member.pk])
    return redirect(back)
