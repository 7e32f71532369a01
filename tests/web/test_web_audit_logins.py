"""Failed logins and lockouts are written to the audit log (issue 6: the web registry).

Every refusal of the login form is an entry: a wrong password (Django's
``user_login_failed``), a wrong or missing authenticator code, an attempt on a username
that is locked out; and the lockout itself. Each carries the account's username (never a
name that matches no account, never the password) and a keyed digest of the client's
address (never the address).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.cache import cache  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from recuento.web.accounts.forms import LOCKOUT_SECONDS, MAX_FAILED_LOGINS  # noqa: E402
from recuento.web.audit.log import verify  # noqa: E402
from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.audit.receivers import client_key  # noqa: E402

from .conftest import PASSWORD  # noqa: E402

WRONG = "no-es-esa-clave"
ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _no_failures_counted() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _login(client: Any, username: str, password: str = WRONG, **extra: str) -> Any:
    data = {"username": username, "password": password, **extra}
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR=ADDRESS)


def _details(action: str) -> list[dict[str, Any]]:
    return [e.detail for e in Entry.objects.filter(action=action).order_by("pk")]


def test_a_wrong_password_is_recorded_with_the_username_and_a_key_of_the_address(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    _login(client, user.username)
    entry = Entry.objects.get(action="login_failed")
    assert (entry.user_id, entry.object_type, entry.object_id) == (None, "user", str(user.pk))
    assert entry.detail == {
        "username": user.username,
        "reason": "password",
        "client": client_key(ADDRESS),
    }
    assert entry.at is not None


def test_the_address_and_the_password_are_never_written(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    for _ in range(MAX_FAILED_LOGINS + 1):
        _login(client, user.username)
    written = json.dumps([[e.username, e.object_id, e.detail] for e in Entry.objects.all()])
    assert ADDRESS not in written and WRONG not in written


def test_the_same_address_gives_the_same_key_and_another_address_another(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    _login(client, user.username)
    _login(client, user.username)
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": WRONG},
        REMOTE_ADDR="198.51.100.20",
    )
    keys = [d["client"] for d in _details("login_failed")]
    assert keys[0] == keys[1] != keys[2]


def test_a_wrong_authenticator_code_is_recorded_as_a_failed_login(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    _login(client, user.username, PASSWORD, otp_token="000000")
    _login(client, user.username, PASSWORD)  # no code at all
    assert [d["reason"] for d in _details("login_failed")] == ["code", "code"]
    assert {d["username"] for d in _details("login_failed")} == {user.username}


def test_the_failure_that_locks_a_username_out_records_one_lockout(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    for _ in range(MAX_FAILED_LOGINS - 1):
        _login(client, user.username)
    assert not Entry.objects.filter(action="lockout").exists()
    _login(client, user.username)
    entry = Entry.objects.get(action="lockout")
    assert entry.object_id == str(user.pk)
    assert entry.detail == {
        "username": user.username,
        "failures": MAX_FAILED_LOGINS,
        "seconds": LOCKOUT_SECONDS,
        "client": client_key(ADDRESS),
    }


def test_attempts_on_a_locked_out_username_are_recorded_without_checking_the_password(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    for _ in range(MAX_FAILED_LOGINS):
        _login(client, user.username)
    _login(client, user.username, PASSWORD)  # the right password: refused all the same
    _login(client, user.username)
    reasons = [d["reason"] for d in _details("login_failed")]
    assert reasons == ["password"] * MAX_FAILED_LOGINS + ["locked_out", "locked_out"]
    assert Entry.objects.filter(action="lockout").count() == 1
    assert not Entry.objects.filter(action="login").exists()


def test_a_lockout_of_a_name_that_matches_no_account_does_not_record_the_name(
    client: Any, db: Any
) -> None:
    # People type their password into the username field.
    for _ in range(MAX_FAILED_LOGINS + 1):
        _login(client, "pizarra-verde")
    entries = Entry.objects.filter(action__in=["login_failed", "lockout"])
    assert entries.count() == MAX_FAILED_LOGINS + 2
    assert {e.object_id for e in entries} == {""}
    assert all(e.detail["known_user"] is False for e in entries)
    assert "pizarra" not in json.dumps([[e.username, e.detail] for e in entries])


def test_the_chain_verifies_after_failed_logins_and_a_lockout(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    for _ in range(MAX_FAILED_LOGINS + 2):
        _login(client, user.username)
    result = verify()
    assert result.ok and result.checked == Entry.objects.count()
    assert Entry.objects.filter(action="lockout").count() == 1


def test_nothing_logged_at_info_or_above_holds_the_username_or_the_address(
    client: Any, make_user: Any, caplog: Any
) -> None:
    user = make_user("analyst")
    with caplog.at_level(logging.INFO):
        for _ in range(MAX_FAILED_LOGINS + 1):
            _login(client, user.username)
    logged = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert user.username not in logged and ADDRESS not in logged and WRONG not in logged
