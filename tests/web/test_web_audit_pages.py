"""The audit page for administrators, its CSV export, and what the accounts app records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from recuento.web.audit import schema  # noqa: E402
from recuento.web.audit.log import record  # noqa: E402
from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.audit.views import PER_PAGE  # noqa: E402

from .conftest import PASSWORD  # noqa: E402

PAGES = ["audit:log", "audit:log_json", "audit:export"]


def _content(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


@pytest.mark.parametrize("name", PAGES)
def test_audit_pages_redirect_anonymous_to_login(client: Any, db: Any, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["coordinator", "analyst", "reviewer", None])
def test_audit_pages_are_403_for_every_role_but_administrator(
    client: Any, make_user: Any, name: str, role: str | None
) -> None:
    client.force_login(make_user(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_audit_pages_are_200_for_an_administrator_and_never_cached(
    client: Any, make_user: Any, name: str
) -> None:
    client.force_login(make_user("administrator"))
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_an_intact_chain_and_the_guard(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    with translation.override("en"):
        page = client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The chain is intact." in page
    assert "The database refuses changes to the log." in page


def test_the_page_shows_where_the_chain_is_broken(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    entries = [record(None, "view", "person", n) for n in range(3)]
    with connection.cursor() as cursor:
        for statement in schema.uninstall_sql(connection.vendor):
            cursor.execute(statement)
        cursor.execute("UPDATE audit_entry SET action = 'edit' WHERE id = %s", [entries[1].pk])
    body = client.get(reverse("audit:log_json")).json()
    assert body["verification"]["ok"] is False
    assert body["verification"]["first_broken"] == entries[1].pk
    assert body["verification"]["guard"] is False
    page = client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"The chain is broken at entry {entries[1].pk}" in page
    assert "guard of the log is missing" in page


def test_the_whole_log_is_checked_on_demand(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    client.get(reverse("audit:log"))
    page = client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last check from the first entry:" in page and "?verify=full" in page
    full = client.get(reverse("audit:log"), {"verify": "full"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Checked from the first entry just now." in full.content.decode()
    body = client.get(reverse("audit:log_json"), {"verify": "full"}).json()["verification"]
    assert body["full"] is True and body["ok"] is True and body["last_full_check"]


def test_reading_the_log_is_itself_recorded_with_filter_names_only(
    client: Any, make_user: Any
) -> None:
    admin = make_user("administrator")
    client.force_login(admin)
    client.get(reverse("audit:log"), {"object_id": "secret-folio", "action": "view"})
    entry = Entry.objects.filter(object_type="audit_log").get()
    assert (entry.username, entry.action) == (admin.username, "view")
    assert entry.detail == {"filters": ["action", "object_id"]}


def test_filters_by_user_action_object_and_date(client: Any, make_user: Any) -> None:
    ana, bea = make_user("analyst", "ana"), make_user("analyst", "bea")
    record(ana, "view", "person", 1)
    record(bea, "view", "person", 2)
    record(ana, "change", "record", 1)
    old = record(ana, "view", "case", 9)
    client.force_login(make_user("administrator"))

    def ids(**query: str) -> list[str]:
        entries = client.get(reverse("audit:log_json"), query).json()["entries"]
        keys = ("username", "action", "object_type", "object_id")
        return [":".join(e[k] for k in keys) for e in entries]

    assert ids(user="bea", object_type="person") == ["bea:view:person:2"]
    assert ids(user="ana", action="change") == ["ana:change:record:1"]
    assert ids(object_type="person", object_id="1") == ["ana:view:person:1"]
    today = old.at.date()
    assert "ana:view:case:9" in ids(date_from=str(today), date_to=str(today))
    assert ids(date_to=str(today - dt.timedelta(days=1)), object_type="case") == []
    assert ids(date_from=str(today + dt.timedelta(days=1)), object_type="case") == []


def test_dates_in_the_wrong_order_are_a_form_error(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    page = client.get(
        reverse("audit:log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert "The first date comes after the second." in page.content.decode()


def test_the_log_is_paginated_newest_first(client: Any, make_user: Any) -> None:
    for n in range(PER_PAGE + 5):
        record(None, "view", "person", n)
    client.force_login(make_user("administrator"))
    first = client.get(reverse("audit:log_json"), {"object_type": "person"}).json()
    second = client.get(reverse("audit:log_json"), {"object_type": "person", "page": 2}).json()
    assert (first["count"], first["pages"], len(first["entries"])) == (PER_PAGE + 5, 2, PER_PAGE)
    assert first["entries"][0]["object_id"] == str(PER_PAGE + 4)
    assert [e["object_id"] for e in second["entries"]] == ["4", "3", "2", "1", "0"]
    page = client.get(reverse("audit:log"), {"object_type": "person"}).content.decode()
    assert "?object_type=person&amp;page=2" in page


def test_the_log_page_runs_a_fixed_number_of_queries(
    client: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(make_user("administrator"))
    for n in range(30):
        record(None, "view", "person", n, {"fields": ["sex"]})
    client.get(reverse("audit:log"))  # warm the session and permission caches
    # session, user, request savepoint in and out, permissions (one query); the check: newest
    # checkpoint, its entry, the entries after it, a new checkpoint, the last full check,
    # the guard; record (savepoint in and out, newest digest, insert); count, page
    with django_assert_num_queries(17):
        client.get(reverse("audit:log"))
    for n in range(30):
        record(None, "view", "person", n)
    with django_assert_num_queries(17):
        client.get(reverse("audit:log"))


def test_the_csv_export_has_every_filtered_entry_with_digests(client: Any, make_user: Any) -> None:
    ana = make_user("analyst", "ana")
    for n in range(3):
        record(ana, "view", "person", n, {"fields": ["sex"]})
    client.force_login(make_user("administrator"))
    response = client.get(reverse("audit:export"), {"user": "ana", "object_type": "person"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="recuento-audit-')
    rows = list(csv.DictReader(io.StringIO(_content(response))))
    assert [r["object_id"] for r in rows] == ["0", "1", "2"]
    stored = {e.pk: e.digest for e in Entry.objects.filter(username="ana")}
    assert {int(r["id"]): r["digest"] for r in rows} == stored
    assert json.loads(rows[0]["detail"]) == {"fields": ["sex"]}
    assert Entry.objects.filter(action="export", object_type="audit_log").count() == 1


def test_the_csv_export_never_starts_a_cell_with_a_formula(client: Any, make_user: Any) -> None:
    record(None, "view", "person", "=HYPERLINK(1)")
    client.force_login(make_user("administrator"))
    rows = list(csv.DictReader(io.StringIO(_content(client.get(reverse("audit:export"))))))
    assert "'=HYPERLINK(1)" in [r["object_id"] for r in rows]


# --- what the accounts app records (receivers) ---


def test_a_login_is_recorded(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    entry = Entry.objects.filter(action="login").get()
    assert (entry.user_id, entry.object_type, entry.object_id) == (user.pk, "user", str(user.pk))


def test_a_failed_login_of_an_account_is_recorded_with_its_username(
    client: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    client.post(reverse("accounts:login"), {"username": user.username, "password": "no-es-esa"})
    entry = Entry.objects.filter(action="login_failed").get()
    assert entry.user_id is None and entry.object_id == str(user.pk)
    assert entry.detail["username"] == user.username and entry.detail["reason"] == "password"


def test_a_failed_login_with_an_unknown_name_does_not_record_the_name(client: Any, db: Any) -> None:
    # People type their password into the username field: the name is never stored.
    client.post(reverse("accounts:login"), {"username": "pizarra-verde", "password": "x"})
    entry = Entry.objects.filter(action="login_failed").get()
    assert entry.object_id == "" and entry.detail["known_user"] is False
    assert "pizarra" not in json.dumps([entry.username, entry.object_id, entry.detail])


def test_a_logout_is_recorded(client: Any, make_user: Any) -> None:
    user = make_user("analyst")
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    assert Entry.objects.filter(action="logout", user=user).count() == 1


def test_role_changes_and_deactivation_are_recorded_with_who_made_them(
    client: Any, make_user: Any
) -> None:
    admin, person = make_user("administrator"), make_user("analyst")
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_edit", kwargs={"pk": person.pk}), {"roles": ["reviewer"]}
    )
    assert response.status_code == 302
    changes = Entry.objects.filter(object_type="user", object_id=str(person.pk), user=admin)
    name = person.username
    assert {(e.action, json.dumps(e.detail, sort_keys=True)) for e in changes} == {
        ("change", json.dumps({"fields": ["is_active"], "is_active": False, "username": name})),
        ("change_roles", json.dumps({"added": ["reviewer"], "username": name})),
        ("change_roles", json.dumps({"removed": ["analyst"], "username": name})),
    }
    assert changes.count() == 3


def test_a_new_user_is_recorded_without_the_password(client: Any, make_user: Any) -> None:
    admin = make_user("administrator")
    client.force_login(admin)
    password = "campo-algodonero-09"
    client.post(
        reverse("accounts:user_new"),
        {"username": "revisora", "password1": password, "password2": password,
         "roles": ["reviewer"]},
    )  # fmt: skip
    created = Entry.objects.get(action="create", object_type="user", user=admin)
    assert created.detail == {"username": "revisora"}
    assert password not in json.dumps([e.detail for e in Entry.objects.all()])


def test_a_password_change_is_recorded_by_field_name_only(make_user: Any) -> None:
    user = make_user("analyst")
    user.set_password("otra-clave-muy-larga")
    user.save()
    entry = Entry.objects.get(action="change", object_id=str(user.pk))
    assert entry.detail == {"username": user.username, "fields": ["password"]}
    assert entry.username == ""  # no request: nobody acted through the site


def test_the_last_login_timestamp_alone_records_no_change(make_user: Any) -> None:
    from django.contrib.auth.models import update_last_login

    user = make_user("analyst")
    update_last_login(None, user)
    assert not Entry.objects.filter(action="change").exists()


def test_the_audit_page_reads_in_spanish(client: Any, make_user: Any) -> None:
    client.force_login(make_user("administrator"))
    page = client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Bitácora de auditoría" in page and "La cadena está íntegra." in page
    assert "Descargar como CSV" in page
