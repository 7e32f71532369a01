"""Two-factor login (TOTP): a user who turned it on needs the current code to log in."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

PASSWORD = "pizarra-verde-1987"  # the password make_user gives (conftest.py)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client: Any, username: str, **extra: str) -> Any:
    data = {"username": username, "password": PASSWORD, **extra}
    return client.post(reverse("accounts:login"), data)


def test_a_user_without_a_device_logs_in_with_the_password(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    response = _login(client, user.username)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_password_is_refused(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "x" * 14}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_user_with_a_device_needs_the_current_code(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    assert _login(client, user.username).status_code == 200
    assert "_auth_user_id" not in client.session
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    assert _login(client, user.username, otp_token=wrong).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_current_code_logs_in_and_verifies_the_session(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = _login(client, user.username, otp_token=_code(device))
    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id


def test_setup_page_turns_two_factor_on_with_a_valid_code(
    client: Any, make_user: Any, settings: Any
) -> None:
    # A wrong code delays the next try (django-otp's throttling); not what this test checks.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user("reviewer")
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["key"] and "otpauth://" in page.context["config_url"]
    refused = client.post(reverse("accounts:two_factor"), {"token": "000000x"})
    assert refused.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(reverse("accounts:two_factor"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_after_a_wrong_code_the_next_try_must_wait(client: Any, make_user: Any) -> None:
    user = make_user("reviewer")
    client.force_login(user)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"token": "000000x"})
    response = client.post(reverse("accounts:two_factor"), {"token": _code(device)})
    assert response.status_code == 200
    assert "wait" in response.content.decode() or "espere" in response.content.decode()


def test_five_failed_logins_lock_the_username_even_with_the_right_password(
    client: Any, make_user: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    user = make_user("analyst")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "x" * 14})
    response = _login(client, user.username)
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["__all__"]]
    assert codes == ["locked_out"]
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_a_post_without_a_password_does_not_clear_the_failed_logins(
    client: Any, make_user: Any
) -> None:
    # It used to: the form found no error of its own and cleared the count, so a guesser
    # could try four passwords, send one empty post, and try four more, forever.
    from django.core.cache import cache

    cache.clear()
    user = make_user("analyst")
    for _ in range(4):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "x" * 14})
    client.post(reverse("accounts:login"), {"username": user.username, "password": ""})
    client.post(reverse("accounts:login"), {"username": user.username, "password": "x" * 14})
    response = _login(client, user.username)
    codes = [e.code for e in response.context["form"].errors.as_data()["__all__"]]
    assert codes == ["locked_out"]
    assert "_auth_user_id" not in client.session
    cache.clear()
