"""Spanish and English: the catalog is complete, pages follow the browser, a switch works."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

import recuento.web  # noqa: E402

LOCALE = Path(recuento.web.__file__).parent / "locale" / "es" / "LC_MESSAGES"


def _entries(po: str) -> list[tuple[str, str]]:
    entries = []
    for block in po.split("\n\n"):
        match = re.search(r'msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n")
        if match:
            msgid, msgstr = ("".join(re.findall(r'"(.*)"', g)) for g in match.groups())
            entries.append((msgid, msgstr))
    return entries


def test_every_spanish_message_is_translated_and_none_is_fuzzy() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    entries = _entries(po)
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries if msgid and not msgstr]
    assert untranslated == []


@pytest.fixture
def compiled() -> None:
    mo, po = LOCALE / "django.mo", LOCALE / "django.po"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pytest.skip(
            "the Spanish catalog is not compiled or older than django.po: run "
            "`cd src/recuento/web && python -m recuento.web compilemessages`"
        )


def test_pages_follow_the_browser_language(client: Any, make_user: Any, compiled: None) -> None:
    client.force_login(make_user("analyst"))
    spanish = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cargar una lista" in spanish and 'lang="es"' in spanish
    assert "Bring a list in" in english and 'lang="en"' in english


def test_the_language_switch_works_before_login(client: Any, db: Any, compiled: None) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="en"' in page.content.decode()


def test_role_names_translate(compiled: None) -> None:
    from recuento.web.accounts.permissions import ROLE_LABELS

    with translation.override("es"):
        assert str(ROLE_LABELS["reviewer"]) == "Revisión"
    with translation.override("en"):
        assert str(ROLE_LABELS["reviewer"]) == "Reviewer"
