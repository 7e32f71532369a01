"""Spanish and English: every catalog complete and compiled, pages follow the browser.

The site's catalog is ``src/recuento/web/locale``; apps keep their own in
``<app>/locale``. Every catalog's compiled ``django.mo`` is committed (the site speaks
Spanish without gettext installed), so the tests compare each ``.mo`` with its ``.po``
entry by entry: a ``.po`` changed without ``compilemessages`` fails here, whatever the
files' dates (a fresh checkout gives them all the same date).
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

import recuento.web  # noqa: E402

WEB = Path(recuento.web.__file__).parent
CATALOGS = sorted(WEB.glob("**/locale/es/LC_MESSAGES/django.po"))
COMPILE = "cd src/recuento/web && python -m recuento.web compilemessages"


def _name(po: Path) -> str:
    app = po.relative_to(WEB).parts[0]
    return "site" if app == "locale" else app


# --- a minimal reader of .po files ---


@dataclass
class PoEntry:
    """One message: context, singular, plural, translations; fuzzy or obsolete flags."""

    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] | None = None
    fuzzy: bool = False

    def catalog_items(self) -> dict[Any, str]:
        """The entries ``msgfmt`` writes for this message, keyed as GNUTranslations does."""
        forms = self.msgstr or {}
        if self.fuzzy or not forms or not all(forms.values()):
            return {}  # msgfmt leaves out fuzzy and untranslated messages
        key = self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"
        if self.plural is None:
            return {key: forms[0]}
        return {(key, n): text for n, text in forms.items()}


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    body = line.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted .po string: {line!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body[1:-1])


def read_po(path: Path) -> list[PoEntry]:
    """Every live (not obsolete ``#~``) message of a .po file, the header included."""
    entries: list[PoEntry] = []
    entry, field = PoEntry(), ""

    def finish() -> None:
        nonlocal entry
        if entry.msgstr is not None:
            entries.append(entry)
        entry = PoEntry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry.msgstr is not None:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            text = _unquote(line)
        else:
            if keyword in ("msgctxt", "msgid") and entry.msgstr is not None:
                finish()
            field, text = keyword, _unquote(rest)
        if field == "msgctxt":
            entry.context = (entry.context or "") + text
        elif field == "msgid":
            entry.msgid += text
        elif field == "msgid_plural":
            entry.plural = (entry.plural or "") + text
        elif field == "msgstr" or field.startswith("msgstr["):
            n = int(field[7:-1]) if field.startswith("msgstr[") else 0
            entry.msgstr = entry.msgstr or {}
            entry.msgstr[n] = entry.msgstr.get(n, "") + text
        else:
            raise ValueError(f"{path}: unexpected line {raw!r}")
    finish()
    return entries


def test_the_po_reader_reads_contexts_plurals_continuations_and_flags(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "Viejo"\n\n'
        'msgctxt "role"\nmsgid "Review"\nmsgstr "Revisión"\n\n'
        'msgid "%(n)s entry"\nmsgid_plural "%(n)s entries"\nmsgstr[0] "%(n)s entrada"\n'
        'msgstr[1] "%(n)s entradas"\n\n'
        'msgid ""\n"A \\"long\\" "\n"one"\nmsgstr ""\n"Una \\"larga\\""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Ido"\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [e.msgid for e in entries] == ["", "Old", "Review", "%(n)s entry", 'A "long" one']
    assert entries[0].msgstr == {0: "Language: es\n"}
    assert entries[1].fuzzy and entries[1].catalog_items() == {}
    assert entries[2].catalog_items() == {"role\x04Review": "Revisión"}
    assert entries[3].catalog_items() == {
        ("%(n)s entry", 0): "%(n)s entrada",
        ("%(n)s entry", 1): "%(n)s entradas",
    }
    assert entries[4].catalog_items() == {'A "long" one': 'Una "larga"'}


# --- every catalog: complete, compiled ---


def test_there_is_a_site_catalog_and_it_is_substantial() -> None:
    assert WEB / "locale" / "es" / "LC_MESSAGES" / "django.po" in CATALOGS
    assert len(read_po(WEB / "locale" / "es" / "LC_MESSAGES" / "django.po")) > 50


@pytest.mark.parametrize("po", CATALOGS, ids=_name)
def test_every_spanish_message_is_translated_and_none_is_fuzzy(po: Path) -> None:
    entries = read_po(po)
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    untranslated = [e.msgid for e in entries if e.msgid and not all((e.msgstr or {}).values())]
    assert fuzzy == [], f"{po}: fuzzy entries (check and remove the flag)"
    assert untranslated == [], f"{po}: untranslated entries"


@pytest.mark.parametrize("po", CATALOGS, ids=_name)
def test_the_compiled_catalog_matches_its_po(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `{COMPILE}` and commit it"
    with mo.open("rb") as handle:
        compiled: dict[Any, str] = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for entry in read_po(po):
        expected.update(entry.catalog_items())
    # msgfmt leaves the POT-Creation-Date line out of the compiled header.
    for catalog in (expected, compiled):
        catalog[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", catalog.get("", ""))
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys())
    both = expected.keys() & compiled.keys()
    changed = sorted(str(k) for k in both if expected[k] != compiled[k])
    assert (stale, changed) == ([], []), f"{mo} differs from {po.name}: run `{COMPILE}`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (GNU gettext) is absent")
def test_every_message_of_the_site_is_in_a_catalog(tmp_path: Path) -> None:
    # makemessages on a copy of the site: each string goes to its app's catalog, or the
    # site's when the app has none. A string missing (or left untranslated) shows here.
    copy = tmp_path / "web"
    shutil.copytree(WEB, copy, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "recuento.web", "makemessages", "-l", "es", "--no-location",
         "--ignore", "migrations/*"],
        cwd=copy, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "RECUENTO_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    missing = {}
    for po in sorted(copy.glob("**/locale/es/LC_MESSAGES/django.po")):
        gaps = [
            e.msgid
            for e in read_po(po)
            if e.msgid and (e.fuzzy or not all((e.msgstr or {}).values()))
        ]
        if gaps:
            missing[_name(WEB / po.relative_to(copy))] = gaps
    if missing:
        lines = [f"{catalog}: {len(gaps)}, e.g. {gaps[:8]}" for catalog, gaps in missing.items()]
        pytest.fail(
            "messages missing or untranslated in these catalogs (run makemessages in the "
            "app's directory, see docs/web.md, and translate them):\n" + "\n".join(lines)
        )


# --- pages ---


def test_pages_follow_the_browser_language(client: Any, make_user: Any) -> None:
    client.force_login(make_user("analyst"))
    spanish = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cargar una lista" in spanish and 'lang="es"' in spanish
    assert "Bring a list in" in english and 'lang="en"' in english


def test_the_language_switch_works_before_login(client: Any, db: Any) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es")
    assert 'lang="en"' in page.content.decode()


def test_role_names_translate() -> None:
    from recuento.web.accounts.permissions import ROLE_LABELS

    with translation.override("es"):
        assert str(ROLE_LABELS["reviewer"]) == "Revisión"
    with translation.override("en"):
        assert str(ROLE_LABELS["reviewer"]) == "Reviewer"
