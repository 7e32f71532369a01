"""Who is acting: the request's user, for audit entries written by signal receivers.

Signals such as ``m2m_changed`` (a user's roles) carry no request. This middleware keeps
the current request in a context variable for the duration of the request, so
:func:`acting_user` can name who made the change. Outside a request (a management command,
the first administrator created by ``recuento serve``) there is nobody: the entry's user
is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("recuento_audit_request", default=None)


def acting_user() -> Any:
    """The logged-in user of the request being served, or None."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


class ActingUserMiddleware:
    """Remember the request while it is served (after ``AuthenticationMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
