"""Addresses of the site's pages without reversing each one: :func:`link` and ``{% link %}``.

Django's ``reverse`` (and the ``{% url %}`` tag) takes about 60 microseconds an address on
this site, and a page of search results or of the review queue writes dozens. :func:`link`
reverses a URL name once per process (and script prefix) with marker values, then writes
each address by putting the values in its place: the address ``reverse`` gives, for whole
numbers of ``<int:...>`` parts and for values made only of ASCII letters, digits, ``-`` and
``_`` in parts that take text (``<str:...>``, ``<slug:...>``: ``reverse`` writes them as they
are). Any other value goes through ``reverse`` itself, so a value a URL does not accept
still raises ``NoReverseMatch``.

Templates use ``{% load links %}`` and ``{% link 'app:page' pk=object.pk %}`` as they would
``{% url %}`` (keyword arguments only; the address is escaped the same way).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, reverse

register = template.Library()

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
#: An address's literal pieces, its keys in order, and the keys whose part takes text.
_Parts = tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]
#: Marker values: digits, so that ``<int:...>`` and ``<str:...>`` parts both accept them.
_MARKER = "900000000{}9"


@functools.cache
def _parts(prefix: str, name: str, keys: tuple[str, ...]) -> _Parts | None:
    """The literal pieces of ``name``'s address around its values, the keys in the order
    they appear, and the keys whose part takes text (not only digits); None when the
    address cannot be written this way (``reverse`` then decides)."""
    markers = {key: _MARKER.format(i) for i, key in enumerate(keys)}
    try:
        address = reverse(name, kwargs=markers)
    except NoReverseMatch:
        return None
    if not keys:
        return (address,), (), frozenset()
    by_marker = {marker: key for key, marker in markers.items()}
    pieces = re.split(f"({'|'.join(markers.values())})", address)
    order = tuple(by_marker[p] for p in pieces[1::2])
    if sorted(order) != sorted(keys):  # a value missing from the address, or repeated
        return None
    text = set()
    for key in keys:
        try:
            reverse(name, kwargs={**markers, key: "qz"})
        except NoReverseMatch:
            continue  # digits only (``<int:...>``)
        text.add(key)
    return tuple(pieces[0::2]), order, frozenset(text)


def _forget(*, setting: str, **kwargs: Any) -> None:
    """A test that points the site at other URLs gets addresses reversed anew."""
    if setting in ("ROOT_URLCONF", "INSTALLED_APPS"):
        _parts.cache_clear()


setting_changed.connect(_forget)


def _text(value: Any, text: bool) -> str | None:
    """The value as ``reverse`` would write it in the address, when that is certain: a
    whole number, or plain text where the part takes text."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if text and isinstance(value, str) and _PLAIN.fullmatch(value):
        return value
    return None


def link(name: str, **kwargs: Any) -> str:
    """``reverse(name, kwargs=kwargs)``, without reversing it again for each value."""
    found = _parts(get_script_prefix(), name, tuple(sorted(kwargs)))
    if found is None:
        return reverse(name, kwargs=kwargs)
    pieces, order, text = found
    out = [pieces[0]]
    for key, piece in zip(order, pieces[1:], strict=True):
        value = _text(kwargs[key], key in text)
        if value is None:
            return reverse(name, kwargs=kwargs)
        out += [value, piece]
    return "".join(out)


@register.simple_tag(name="link")
def link_tag(name: str, **kwargs: Any) -> str:
    """``{% link 'app:page' key=value %}``: the address, as ``{% url %}`` writes it."""
    return link(name, **kwargs)
