"""The first administrator: created from the environment once, with a strong password."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from recuento.cli.serve_cmd import ServeError, _first_administrator  # noqa: E402
from recuento.web.accounts.bootstrap import (  # noqa: E402
    AdministratorError,
    create_administrator,
    needs_administrator,
)
from recuento.web.accounts.permissions import ADMINISTRATOR, allowed  # noqa: E402


def test_first_administrator_has_the_administrator_role_and_every_action(db: Any) -> None:
    assert needs_administrator()
    user = create_administrator("coordinacion", "lluvia-de-marzo-42")
    assert list(user.groups.values_list("name", flat=True)) == [ADMINISTRATOR]
    assert allowed(user, action="manage_users")
    assert not needs_administrator()


def test_a_weak_password_is_refused_with_every_reason_and_without_the_password(db: Any) -> None:
    with pytest.raises(AdministratorError) as info:
        create_administrator("ana", "12345")
    message = str(info.value)
    assert "too short" in message and "entirely numeric" in message
    assert "12345" not in message


def test_without_a_terminal_or_variables_serve_says_what_to_set(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECUENTO_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("RECUENTO_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("recuento.cli.serve_cmd._stdin_is_terminal", lambda: False)
    with pytest.raises(ServeError, match="set RECUENTO_ADMIN_USERNAME and RECUENTO_ADMIN_PASSWORD"):
        _first_administrator()


def test_serve_creates_the_administrator_from_the_environment(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECUENTO_ADMIN_USERNAME", "coordinacion")
    monkeypatch.setenv("RECUENTO_ADMIN_PASSWORD", "lluvia-de-marzo-42")
    _first_administrator()
    assert not needs_administrator()


def test_serve_without_the_web_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import sys

    from click.testing import CliRunner

    from recuento.cli import cli

    monkeypatch.setitem(sys.modules, "django_otp", None)  # as if not installed
    result = CliRunner().invoke(cli, ["serve", "--setup-only", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: the recuento web site needs django-otp, not installed here; install the web "
        "extra with: pip install 'recuento[web]'\n"
    )


def test_waitress_trusts_no_proxy_unless_behind_tls() -> None:
    from recuento.cli.serve_cmd import waitress_proxy_options

    assert waitress_proxy_options({}) == {}
    assert waitress_proxy_options({"RECUENTO_HTTPS": "1"}) == {
        "trusted_proxy": "127.0.0.1",
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
    }
    options = waitress_proxy_options({"RECUENTO_HTTPS": "1", "RECUENTO_TRUSTED_PROXY": "10.0.0.2"})
    assert options["trusted_proxy"] == "10.0.0.2"


def test_uploads_are_spooled_inside_the_private_data_directory() -> None:
    from django.conf import settings

    assert settings.FILE_UPLOAD_TEMP_DIR.parent == settings.DATA_DIR
    assert settings.FILE_UPLOAD_TEMP_DIR.is_dir()


def test_first_start_on_a_terminal_asks_for_the_administrator(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click
    from click.testing import CliRunner

    monkeypatch.delenv("RECUENTO_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("RECUENTO_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("recuento.cli.serve_cmd._stdin_is_terminal", lambda: True)
    command = click.command()(lambda: _first_administrator())
    password = "lluvia-de-marzo-42"
    result = CliRunner().invoke(command, input=f"coordinacion\n{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    assert "Administrator coordinacion created." in result.output
    assert password not in result.output
    assert not needs_administrator()
