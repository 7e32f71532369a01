"""Site-wide pages: the home page, the health check and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """What the user may do, as links (the navigation shows only allowed pages)."""
    return render(request, "home.html")


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 and ``ok`` when the site answers (for deployments; no login, no database)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
