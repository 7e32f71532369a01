"""Candidate review: possible or excluded with a reason; confirmation only on a primary
identifier; release to the family. And the family's own view of their case."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.cases import forms as f
from recuento.web.cases import models as m


def _candidate(pk: int, cid: int) -> m.Candidate:
    return get_object_or_404(
        m.Candidate.objects.select_related("case", "remains"), pk=cid, case_id=pk
    )


@require_POST
@requires("review_candidates")
def candidate_review(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """Mark a candidate possible or excluded, with the reason (a confirmed one stays so)."""
    candidate = _candidate(pk, cid)
    form = f.ReviewForm(request.POST)
    if candidate.status == m.Candidate.CONFIRMED:
        messages.error(request, _("A confirmed identification is not reviewed again."))
    elif form.is_valid():
        old = candidate.status
        candidate.status = form.cleaned_data["status"]
        candidate.review_reason = form.cleaned_data["reason"]
        candidate.reviewed_by = request.user
        candidate.reviewed_at = timezone.now()
        candidate.save()
        record(
            request.user,
            "review",
            "candidate",
            candidate.pk,
            {"case": pk, "remains": candidate.remains_id, "old": old, "new": candidate.status},
        )
        messages.success(request, _("Candidate reviewed."))
    else:
        messages.error(request, _("Choose possible or excluded and give the reason."))
    return redirect("cases:case", pk=pk)


@require_POST
@requires("confirm_identifications")
def candidate_confirm(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """Confirm an identification: only with DNA, dental or fingerprint evidence recorded."""
    candidate = _candidate(pk, cid)
    form = f.ConfirmForm(request.POST)
    if candidate.status != m.Candidate.POSSIBLE:
        messages.error(request, _("Only a candidate reviewed as possible can be confirmed."))
    elif form.is_valid():
        candidate.status = m.Candidate.CONFIRMED
        candidate.evidence_type = form.cleaned_data["evidence_type"]
        candidate.evidence_reference = form.cleaned_data["evidence_reference"]
        candidate.reviewed_by = request.user
        candidate.reviewed_at = timezone.now()
        candidate.save()
        record(
            request.user,
            "confirm",
            "candidate",
            candidate.pk,
            {"case": pk, "remains": candidate.remains_id, "evidence_type": candidate.evidence_type},
        )
        messages.success(
            request,
            _("Identification confirmed. Change the case's status when the family has been told."),
        )
    else:
        messages.error(request, _("A confirmation needs the primary identifier and its reference."))
    return redirect("cases:case", pk=pk)


@require_POST
@requires("edit_cases")
def candidate_release(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """Show (or hide again) a reviewed candidate's status to the family's accounts."""
    candidate = _candidate(pk, cid)
    if candidate.status == m.Candidate.PENDING:
        messages.error(request, _("Review the candidate before releasing it to the family."))
        return redirect("cases:case", pk=pk)
    candidate.released_to_family = not candidate.released_to_family
    candidate.released_at = timezone.now() if candidate.released_to_family else None
    candidate.save(update_fields=["released_to_family", "released_at"])
    record(
        request.user,
        "release",
        "candidate",
        candidate.pk,
        {"case": pk, "released": candidate.released_to_family, "status": candidate.status},
    )
    return redirect("cases:case", pk=pk)


def family_home(request: HttpRequest) -> HttpResponse:
    """The cases this account follows as family (any logged-in user; none when not family)."""
    cases = list(request.user.family_cases.all())
    record(request.user, "list", "case", "", {"page": "family", "count": len(cases)})
    return render(request, "cases/family_home.html", {"cases": cases})


def family_case(request: HttpRequest, pk: int) -> HttpResponse:
    """What the family sees: the status, its history, and the candidates released to them."""
    case = get_object_or_404(m.Case, pk=pk)
    if not case.family.filter(pk=request.user.pk).exists():
        raise Http404
    record(request.user, "view", "case", case.pk, {"page": "family"})
    released = case.candidates.filter(released_to_family=True).exclude(status=m.Candidate.PENDING)
    return render(
        request,
        "cases/family_case.html",
        {"case": case, "history": case.status_changes.all(), "released": released},
    )
