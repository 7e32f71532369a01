"""Sessions and the logged-in user, read with SQL written out once (the site's session store
and authentication backend): the same answers as Django's own, checked on every request."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.backends import ModelBackend  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore as DjangoStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recuento.web.accounts.backends import RoleBackend  # noqa: E402
from recuento.web.accounts.sessions import SessionStore  # noqa: E402


def test_the_site_keeps_its_sessions_in_the_database_with_its_own_store(settings: Any) -> None:
    assert settings.SESSION_ENGINE == "recuento.web.accounts.sessions"


def test_a_session_reads_back_as_djangos_store_reads_it(db: Any) -> None:
    ours = SessionStore()
    ours["answer"] = {"a": [1, 2], "b": "ñandú"}
    ours.save()
    assert SessionStore(ours.session_key).load() == DjangoStore(ours.session_key).load()
    assert SessionStore(ours.session_key)["answer"] == {"a": [1, 2], "b": "ñandú"}


def test_an_unknown_or_expired_session_is_empty_and_forgotten(db: Any) -> None:
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    store = SessionStore()
    store["k"] = "v"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_an_expired_session_sends_the_user_to_the_login_page(client: Any, make_user: Any) -> None:
    client.force_login(make_user("reviewer"))
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_user_reads_back_as_djangos_backend_reads_them(make_user: Any) -> None:
    user = make_user("analyst")
    user.last_login = timezone.now()
    user.first_name = "Ana"
    user.save()
    ours, theirs = RoleBackend().get_user(user.pk), ModelBackend().get_user(user.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
        assert type(getattr(ours, field.attname)) is type(getattr(theirs, field.attname))
    assert not ours._state.adding and ours._state.db == theirs._state.db
    assert RoleBackend().get_user(user.pk + 1000) is None


def test_a_deactivated_user_is_logged_out_and_lost_roles_refused_on_the_next_page(
    client: Any, make_user: Any
) -> None:
    user = make_user("reviewer")
    client.force_login(user)
    assert client.get(reverse("review:queue")).status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert RoleBackend().get_user(user.pk) is None
    assert client.get(reverse("review:queue")).status_code == 302
    other = make_user("reviewer")
    client.force_login(other)
    assert client.get(reverse("review:queue")).status_code == 200
    other.groups.clear()
    assert client.get(reverse("review:queue")).status_code == 403  # roles read anew


def test_a_password_change_elsewhere_ends_the_session(client: Any, make_user: Any) -> None:
    user = make_user("reviewer")
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    user.set_password("otra-clave-mucho-mas-larga")
    user.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
