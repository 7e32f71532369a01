"""Site-wide pages: the home page, the health check and the error pages.

Errors on ``.json`` URLs answer with one JSON body, ``{"ok": false, "error": str,
"errors": [str], "status": int}``; elsewhere with the 403/404/500 templates.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@transaction.non_atomic_requests
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """What the user may do, as links (the navigation shows only allowed pages).

    It only reads: outside the request's transaction, it never takes SQLite's write lock.
    """
    return render(request, "home.html")


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 and ``ok`` when the site answers (for deployments; no login, no database)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"ok": False, "error": message, "errors": [message], "status": status}, status=status
    )


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: JSON on ``.json`` URLs, the 403 page otherwise."""
    if request.path.endswith(".json"):
        return _json_error(_("Your roles do not allow this page."), 403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON on ``.json`` URLs, the 404 page otherwise."""
    if request.path.endswith(".json"):
        return _json_error(_("There is no page at this address."), 404)
    return defaults.page_not_found(request, exception)
