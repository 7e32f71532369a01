"""``link`` and ``{% link %}``: the addresses ``reverse`` and ``{% url %}`` give, reversed once."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.template import engines  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.urls.base import set_script_prefix  # noqa: E402

from recuento.web.links import link  # noqa: E402

CASES: list[tuple[str, dict[str, Any]]] = [
    ("home", {}),
    ("review:queue", {}),
    ("review:pair", {"pk": 0}),
    ("review:pair", {"pk": 7}),
    ("review:pair", {"pk": 123456789012}),
    ("review:decide", {"pk": 42}),
    ("registry:source", {"pk": 3}),
    ("persons:person", {"run": 1, "person_id": "P0004721"}),
    ("persons:person", {"run": 12, "person_id": "a-b_C9"}),
    # Values reverse quotes or refuses: handed to reverse itself.
    ("persons:person", {"run": 1, "person_id": "Ñandú 3"}),
    ("persons:person", {"run": 1, "person_id": "x?y#z%"}),
    ("persons:person", {"run": 1, "person_id": "900000000{}9"}),
    ("persons:record", {"pk": 5}),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_link_is_the_address_reverse_gives(name: str, kwargs: dict[str, Any]) -> None:
    assert link(name, **kwargs) == reverse(name, kwargs=kwargs)


def test_values_a_url_refuses_are_refused_as_reverse_refuses_them() -> None:
    for kwargs in ({"pk": -1}, {"pk": "x"}, {"pk": True}, {}, {"pk": 1, "other": 2}):
        with pytest.raises(NoReverseMatch):
            reverse("review:pair", kwargs=kwargs)
        with pytest.raises(NoReverseMatch):
            link("review:pair", **kwargs)
    with pytest.raises(NoReverseMatch):
        link("persons:person", run=1, person_id="a/b")


def test_link_follows_the_script_prefix() -> None:
    try:
        set_script_prefix("/recuento/")
        assert (
            link("review:pair", pk=9) == "/recuento/review/9/" == reverse("review:pair", args=[9])
        )
    finally:
        set_script_prefix("/")
    assert link("review:pair", pk=9) == "/review/9/"


def test_the_tag_writes_what_the_url_tag_writes() -> None:
    django = engines["django"]
    ours = django.from_string(
        "{% load links %}{% link 'persons:person' run=run person_id=pid %}|{% link 'home' %}"
    )
    theirs = django.from_string("{% url 'persons:person' run=run person_id=pid %}|{% url 'home' %}")
    for pid in ("P1", "a&b", "x y"):
        context = {"run": 3, "pid": pid}
        assert ours.render(context) == theirs.render(context)
