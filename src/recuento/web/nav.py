"""The site's navigation, gathered from the installed apps.

Each app's :class:`~django.apps.AppConfig` may declare ``nav``: a tuple of
:class:`NavItem`. The header shows the items whose action the user may perform, in the
order of ``INSTALLED_APPS``, so no app edits a shared template to appear in the menu.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
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


@functools.cache
def _links(prefix: str) -> tuple[tuple[str, str | Promise, str], ...]:
    """``(url, label, action)`` of every item whose page is wired, for one script prefix:
    the same on every request, so worked out once per process (reversing a URL name is not
    free, and every page shows the header)."""
    links = []
    for item in items():
        try:
            links.append((reverse(item.url_name), item.label, item.action))
        except NoReverseMatch:
            # An app whose pages are not wired yet; tests check every item resolves.
            continue
    return tuple(links)


#: The header's other links (home, the user's own pages, the language switch...), by the
#: name the header uses.
SITE_URLS = {
    "home": "home",
    "sources": "registry:sources",
    "users": "accounts:users",
    "profile": "accounts:profile",
    "logout": "accounts:logout",
    "set_language": "set_language",
}


@functools.cache
def _site_urls(prefix: str) -> MappingProxyType[str, str]:
    """The header's other links for one script prefix, reversed once per process (six
    ``{% url %}`` tags on every page cost as much as the rest of the header's links)."""
    return MappingProxyType({key: reverse(name) for key, name in SITE_URLS.items()})


def _forget_links(*, setting: str, **kwargs: Any) -> None:
    """A test that points the site at other URLs gets links reversed anew."""
    if setting in ("ROOT_URLCONF", "INSTALLED_APPS"):
        _links.cache_clear()
        _site_urls.cache_clear()


setting_changed.connect(_forget_links)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``nav``, the ``(url, label)`` pairs this user may follow, and
    ``site_urls``, the header's other links (:data:`SITE_URLS`)."""
    from recuento.web.accounts.permissions import allowed

    prefix = get_script_prefix()
    user = request.user
    if not user.is_authenticated:
        return {"nav": [], "site_urls": _site_urls(prefix)}
    links = _links(prefix)
    return {
        "nav": [(url, label) for url, label, action in links if allowed(user, action=action)],
        "site_urls": _site_urls(prefix),
    }
