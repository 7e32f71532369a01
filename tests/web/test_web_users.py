"""Administrators create users, give roles, deactivate; nobody locks the site out."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.web.accounts.permissions import allowed  # noqa: E402


def test_administrator_creates_a_user_with_roles(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "revisora",
            "password1": "campo-algodonero-09",
            "password2": "campo-algodonero-09",
            "roles": ["reviewer"],
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="revisora")
    assert list(user.groups.values_list("name", flat=True)) == ["reviewer"]
    assert allowed(user, action="review_pairs") and not allowed(user, action="view_sources")


def test_a_weak_password_is_a_form_error(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    response = client.post(
        reverse("accounts:user_new"),
        {"username": "nueva", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not get_user_model().objects.filter(username="nueva").exists()


def test_administrator_changes_roles_and_deactivates(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    person = make_user("analyst")
    url = reverse("accounts:user_edit", kwargs={"pk": person.pk})
    assert client.post(url, {"roles": ["coordinator"]}).status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert list(person.groups.values_list("name", flat=True)) == ["coordinator"]


def test_an_administrator_cannot_demote_themselves(client: Any, make_user: Any) -> None:
    admin = make_user("administrator")
    make_user("administrator")
    client.force_login(admin)
    url = reverse("accounts:user_edit", kwargs={"pk": admin.pk})
    response = client.post(url, {"roles": ["analyst"], "is_active": "on"})
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["__all__"]]
    assert codes == ["self_demotion"]
    assert allowed(admin, action="manage_users")


def test_the_last_active_administrator_cannot_be_removed(make_user: Any) -> None:
    from recuento.web.accounts.forms import UserRolesForm

    # Only administrators manage users today, so this guards a future role that may; the
    # form is checked directly, with an editor who is not an administrator.
    last = make_user("administrator")
    form = UserRolesForm(
        {"roles": ["analyst"], "is_active": "on"}, user=last, editor=make_user(None)
    )
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["__all__"]] == ["last_administrator"]
