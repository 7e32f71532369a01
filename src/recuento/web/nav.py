"""The site's navigation, gathered from the installed apps.

Each app's :class:`~django.apps.AppConfig` may declare ``nav``: a tuple of
:class:`NavItem`. The header shows the items whose action the user may perform, in the
order of ``INSTALLED_APPS``, so no app edits a shared template to appear in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    """One link of the header.

    Attributes:
        url_name: the namespaced URL name (``app:page``).
        label: the link's text (lazily translated).
        action: the named action a user needs to see the link.
    """

    url_name: str
    label: str | Promise
    action: str


def items() -> list[NavItem]:
    """Every app's nav items, in ``INSTALLED_APPS`` order."""
    return [item for config in apps.get_app_configs() for item in getattr(config, "nav", ())]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``nav``, the ``(url, label)`` pairs this user may follow."""
    from recuento.web.accounts.permissions import allowed

    user = request.user
    if not user.is_authenticated:
        return {"nav": []}
    links = []
    for item in items():
        if not allowed(user, action=item.action):
            continue
        try:
            links.append((reverse(item.url_name), item.label))
        except NoReverseMatch:
            # An app whose pages are not wired yet; tests check every item resolves.
            continue
    return {"nav": links}
