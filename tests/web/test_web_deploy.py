"""Production settings: ``check --deploy`` is clean, missing deployment facts are refused,
and behind a TLS proxy a login works with HSTS and ``__Host-`` cookies.

The web tests' own process runs the local settings, so the production ones run in a
subprocess: this file run as a script (``python test_web_deploy.py``) migrates a fresh
SQLite database with the production settings and prints what a browser would see.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "recuento.web.settings_production"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECUENTO_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        RECUENTO_DATA_DIR=str(tmp_path / "data"),
        RECUENTO_HTTPS="1",
        RECUENTO_ALLOWED_HOSTS="recuento.example.org",
    )
    env.update(values)
    return {k: v for k, v in env.items() if v != ""}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )


def test_check_deploy_reports_no_issue_with_the_production_settings(tmp_path: Path) -> None:
    # --fail-level WARNING: any warning, not only errors, makes the command fail.
    result = _run(
        [sys.executable, "-m", "recuento.web", "check", "--deploy", "--fail-level", "WARNING"],
        _env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_site_settings_alone_are_not_fit_for_production(tmp_path: Path) -> None:
    # The local settings (plain HTTP on 127.0.0.1) are what check --deploy warns about:
    # this is why the production module exists.
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="recuento.web.settings", RECUENTO_HTTPS="")
    result = _run([sys.executable, "-m", "recuento.web", "check", "--deploy"], env)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"RECUENTO_HTTPS": ""}, "set RECUENTO_HTTPS=1"),
        ({"RECUENTO_ALLOWED_HOSTS": ""}, "set RECUENTO_ALLOWED_HOSTS"),
        ({"RECUENTO_DEBUG": "1"}, "unset it"),
    ],
    ids=["no-https", "no-hosts", "debug"],
)
def test_serve_refuses_production_settings_without_a_deployment_fact(
    tmp_path: Path, values: dict[str, str], says: str
) -> None:
    recuento = Path(sys.executable).with_name("recuento")
    result = _run([str(recuento), "serve", "--setup-only"], _env(tmp_path, **values))
    assert result.returncode == 1
    assert says in result.stderr and "Traceback" not in result.stderr


def test_behind_the_proxy_a_login_works_with_hsts_and_host_only_cookies(tmp_path: Path) -> None:
    result = _run([sys.executable, str(Path(__file__))], _env(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_http"] == [301, "https://recuento.example.org/accounts/login/"]
    assert seen["login_page"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["csrf_cookie"] == ["__Host-recuento-csrf", True]
    assert seen["login"] == 302
    assert seen["session_cookie"] == ["__Host-recuento-session", True, True]
    assert seen["home"] == 200


def test_the_deployment_guide_names_every_variable_the_settings_read() -> None:
    guide = (ROOT / "docs" / "web-deploy.md").read_text(encoding="utf-8")
    sources = [
        ROOT / "src/recuento/web/settings.py",
        ROOT / "src/recuento/web/settings_production.py",
        ROOT / "src/recuento/web/config.py",
        ROOT / "src/recuento/cli/serve_cmd.py",
    ]
    names = set()
    for source in sources:
        names |= set(re.findall(r"\bRECUENTO_[A-Z_]+\b", source.read_text(encoding="utf-8")))
    assert names, "no RECUENTO_ variable found: the sources moved"
    assert sorted(n for n in names if n not in guide) == []


def _behind_the_proxy() -> dict[str, object]:
    """What a browser sees through the TLS proxy (run in the subprocess)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from recuento.web.accounts.bootstrap import create_administrator

    call_command("migrate", interactive=False, verbosity=0)
    setup_test_environment()  # answers the test client's host besides the allowed ones
    create_administrator("coordinacion", "pizarra-verde-1987")
    host = {"HTTP_HOST": "recuento.example.org"}
    plain = Client(**host).get("/accounts/login/")
    proxied = {**host, "HTTP_X_FORWARDED_PROTO": "https"}
    browser = Client(enforce_csrf_checks=True, **proxied)
    page = browser.get("/accounts/login/")
    csrf = page.cookies["__Host-recuento-csrf"]
    login = browser.post(
        "/accounts/login/",
        {
            "username": "coordinacion",
            "password": "pizarra-verde-1987",
            "csrfmiddlewaretoken": csrf.value,
        },
        HTTP_REFERER="https://recuento.example.org/accounts/login/",
    )
    session = login.cookies.get("__Host-recuento-session")
    return {
        "plain_http": [plain.status_code, plain.get("Location")],
        "login_page": page.status_code,
        "hsts": page.get("Strict-Transport-Security"),
        "csrf_cookie": [csrf.key, bool(csrf["secure"])],
        "login": login.status_code,
        "session_cookie": [session.key, bool(session["secure"]), bool(session["httponly"])]
        if session is not None
        else None,
        "home": browser.get("/").status_code,
    }


if __name__ == "__main__":
    print(json.dumps(_behind_the_proxy()))
