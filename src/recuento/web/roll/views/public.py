"""The public page a notified member reaches by the single-use link in their notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from recuento.web.roll import hearings as service
from recuento.web.roll.forms import AnswerForm
from recuento.web.roll.services import RollError

_STATUS = {"unknown": 404, "used": 410, "expired": 410}


@login_not_required
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm party membership with its number, or request a hearing. Shows nothing
    personal: whoever holds the link sees only the question."""
    try:
        notice = service.notice_for(token)
    except service.NoticeUnavailableError as e:
        return render(
            request, "roll/answer_unavailable.html", {"reason": e.reason}, status=_STATUS[e.reason]
        )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = service.answer(
                token,
                response=data["response"],
                party_number=data["party_number"],
                statement=data["statement"],
            )
        except service.NoticeUnavailableError as e:
            return render(
                request,
                "roll/answer_unavailable.html",
                {"reason": e.reason},
                status=_STATUS[e.reason],
            )
        except RollError as e:
            form.add_error(None, str(e))
        else:
            return render(request, "roll/answer_done.html", {"response": done.response})
    return render(request, "roll/answer.html", {"form": form, "notice": notice})
