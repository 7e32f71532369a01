"""Template context: ``can.<action>`` is true when the user may perform that action."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from recuento.web.accounts.permissions import ACTION_NAMES, allowed


class _Can:
    """Lazy lookups ``can.view_sources`` for templates (an unknown action is false)."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def __getitem__(self, action: str) -> bool:
        return action in ACTION_NAMES and allowed(self._user, action=action)


def allowed_actions(request: HttpRequest) -> dict[str, Any]:
    """Add ``can`` to every template's context."""
    return {"can": _Can(request.user)}
