"""Public pages (no login): a poster's verification, anonymous tips; and the tips inbox."""

from __future__ import annotations

import hmac

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.cases import forms as f
from recuento.web.cases import models as m
from recuento.web.cases.publishing import signature
from recuento.web.cases.tips import allow_tip
from recuento.web.cases.views.common import lang


def _poster(folio: str, sig: str) -> m.Poster | None:
    poster = m.Poster.objects.select_related("case").filter(folio=folio).first()
    if poster is None or not hmac.compare_digest(sig, signature(folio)):
        return None
    return poster


@login_not_required
@never_cache
def verify(request: HttpRequest, folio: str, sig: str) -> HttpResponse:
    """Is this poster genuine and current? Shows only what the poster itself printed.

    A revoked poster shows no name, photo or detail: only that it is no longer current.
    """
    poster = _poster(folio, sig)
    if poster is not None:  # forged folios are not logged: anyone could flood the log
        record(None, "verify", "poster", folio, {"current": poster.current})
    current = poster is not None and poster.current and poster.case.status == m.MISSING
    data = poster.public_data.get(lang(), {}) if poster is not None and current else {}
    response = render(
        request,
        "cases/verify.html",
        {"poster": poster, "current": current, "data": data, "folio": folio, "sig": sig},
        status=200 if poster is not None else 404,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
def tip(request: HttpRequest, folio: str, sig: str) -> HttpResponse:
    """An anonymous tip about the person of a current poster: no login, no address kept."""
    poster = _poster(folio, sig)
    if poster is None or not poster.current:
        raise Http404
    form = f.TipForm(request.POST or None)
    if request.method == "POST":
        if not allow_tip(request):
            return render(request, "cases/tip.html", {"form": form, "limited": True}, status=429)
        if form.is_valid():
            saved = m.Tip.objects.create(case=poster.case, text=form.cleaned_data["text"])
            record(None, "create", "tip", saved.pk, {"case": poster.case_id})
            messages.success(request, _("Thank you. Your tip was sent to the collective."))
            return redirect("cases:verify", folio=folio, sig=sig)
    return render(request, "cases/tip.html", {"form": form, "limited": False})


@requires("read_tips")
def tips(request: HttpRequest) -> HttpResponse:
    """The tips of the cases this user coordinates, newest first; they are marked read."""
    received = list(
        m.Tip.objects.filter(case__coordinators=request.user).select_related("case").distinct()
    )
    unread = [t.pk for t in received if t.read_at is None]
    m.Tip.objects.filter(pk__in=unread).update(read_at=timezone.now())
    for t in received:
        record(request.user, "view", "tip", t.pk, {"case": t.case_id})
    return render(request, "cases/tips.html", {"tips": received, "unread": set(unread)})
