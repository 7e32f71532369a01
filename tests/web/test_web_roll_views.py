"""The roll's pages: who may see them, importing, decisions, counts, eligibility flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.roll.models import (  # noqa: E402
    EligibilityCheck,
    Flag,
    Hearing,
    LocalGroup,
    Member,
    RollImport,
    StatusChange,
)

from .test_web_roll_helpers import ROLL_CSV, make_member  # noqa: E402

# (url name, needs a member pk, action): every page of the roll behind a login.
PAGES = [
    ("roll:members", False, "view_members"),
    ("roll:member", True, "view_members"),
    ("roll:counts", False, "view_members"),
    ("roll:counts_json", False, "view_members"),
    ("roll:import", False, "manage_members"),
    ("roll:eligibility", False, "manage_members"),
    ("roll:hearings", False, "decide_hearings"),
]
# Who lacks each action among the roles (analyst: view only; reviewer: none of the roll).
WRONG_ROLE = {"view_members": "reviewer", "manage_members": "analyst", "decide_hearings": "analyst"}
POSTS = [
    ("roll:member_status", "manage_members"),
    ("roll:notify", "manage_members"),
    ("roll:open_hearing", "decide_hearings"),
]


# Every page of the roll app, for the site-wide check in test_web_access.py: the GET pages
# (PAGES and the hearing and check pages) and the POST actions (POSTS) get the three access
# tests here; roll:answer is public on purpose (a single-use link, test_web_roll_hearings.py).
ROLL_URL_NAMES = {
    *(name for name, _pk, _action in PAGES),
    *(name for name, _action in POSTS),
    "roll:hearing",
    "roll:check",
    "roll:answer",
}


def test_every_roll_page_has_the_access_tests() -> None:
    from django.urls import get_resolver

    names = {
        f"roll:{p.name}"
        for r in get_resolver().url_patterns
        if getattr(r, "namespace", None) == "roll"
        for p in r.url_patterns
    }
    assert names == ROLL_URL_NAMES


def _url(name: str, pk: int | None) -> str:
    return reverse(name, args=[pk]) if pk is not None else reverse(name)


@pytest.mark.parametrize(("name", "with_pk", "action"), PAGES)
def test_requires_login_and_permissions(
    client: Any, make_user: Any, name: str, with_pk: bool, action: str
) -> None:
    member = make_member("M1")
    url = _url(name, member.pk if with_pk else None)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(make_user(WRONG_ROLE[action]))
    assert client.get(url).status_code == 403
    client.force_login(make_user("coordinator"))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "action"), POSTS)
def test_changes_require_login_and_permission(
    client: Any, make_user: Any, name: str, action: str
) -> None:
    member = make_member("M1")
    url = reverse(name, args=[member.pk])
    response = client.post(url, {})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(make_user(WRONG_ROLE[action]))
    assert client.post(url, {}).status_code == 403
    assert not StatusChange.objects.exists() and not Hearing.objects.exists()


def test_hearing_and_check_pages_require_their_permissions(client: Any, make_user: Any) -> None:
    member = make_member("M1")
    hearing = Hearing.objects.create(member=member)
    check = EligibilityCheck.objects.create(
        by=make_user("coordinator"), mode="pprl", deadline=dt.date(2017, 7, 1)
    )
    for url, wrong in (
        (reverse("roll:hearing", args=[hearing.pk]), "analyst"),
        (reverse("roll:check", args=[check.pk]), "analyst"),
    ):
        assert client.get(url).status_code == 302
        client.force_login(make_user(wrong))
        assert client.get(url).status_code == 403
        client.force_login(make_user("administrator"))
        assert client.get(url).status_code == 200
        client.logout()


def test_roll_link_is_in_the_header_for_those_who_may_see_members(
    client: Any, make_user: Any
) -> None:
    client.force_login(make_user("analyst"))
    assert reverse("roll:members") in client.get(reverse("home")).content.decode()
    client.force_login(make_user("reviewer"))
    assert reverse("roll:members") not in client.get(reverse("home")).content.decode()


def test_import_adds_members_and_groups_and_reports_rejects(
    client: Any, make_user: Any, media_root: Any
) -> None:
    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    response = client.post(
        reverse("roll:import"), {"file": SimpleUploadedFile("roll.csv", ROLL_CSV, "text/csv")}
    )
    assert response.status_code == 302
    batch = RollImport.objects.get()
    # Four rows: M4 has no join date and is rejected with its reason.
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (4, 3, 1)
    assert batch.rejects == [{"number": 5, "reason": "no_join_date"}]
    assert sorted(Member.objects.values_list("member_id", flat=True)) == ["M1", "M2", "M3"]
    assert sorted(LocalGroup.objects.values_list("name", flat=True)) == ["Hackney", "Leeds"]
    ana = Member.objects.get(member_id="M1")
    assert (ana.join_date, ana.end_date) == (dt.date(2017, 1, 15), dt.date(2018, 1, 14))
    entry = Entry.objects.get(action="import")
    assert entry.user == coordinator and entry.detail["rows_rejected"] == 1
    page = client.get(reverse("roll:import")).content.decode()
    assert "no_join_date" in page


def test_reimport_updates_the_roll_but_never_the_administrator_status(
    client: Any, make_user: Any, media_root: Any
) -> None:
    client.force_login(make_user("coordinator"))
    member = make_member("M1", admin_status="suspended_retained", end_date=None)
    client.post(
        reverse("roll:import"), {"file": SimpleUploadedFile("roll.csv", ROLL_CSV, "text/csv")}
    )
    member.refresh_from_db()
    assert member.end_date == dt.date(2018, 1, 14)
    assert member.admin_status == "suspended_retained"
    assert RollImport.objects.get().updated == 1


def test_unreadable_roll_is_a_form_error_and_stores_nothing(
    client: Any, make_user: Any, media_root: Any
) -> None:
    client.force_login(make_user("coordinator"))
    response = client.post(
        reverse("roll:import"),
        {"file": SimpleUploadedFile("roll.csv", b"id,colour\n1,red\n", "text/csv")},
    )
    assert response.status_code == 200
    assert "roll.csv" in response.content.decode()
    assert not Member.objects.exists() and not RollImport.objects.exists()


def test_status_decision_through_the_page_is_recorded_with_its_reason(
    client: Any, make_user: Any
) -> None:
    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    member = make_member("M1")
    response = client.post(
        reverse("roll:member_status", args=[member.pk]),
        {"status": "must_join", "deadline": "2017-07-01", "reason": "not on the party's roll"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.admin_status, member.status_deadline) == ("must_join", dt.date(2017, 7, 1))
    change = StatusChange.objects.get()
    assert (change.by, change.reason) == (coordinator, "not on the party's roll")
    page = client.get(reverse("roll:member", args=[member.pk])).content.decode()
    assert "not on the party&#x27;s roll" in page


def test_status_decision_without_a_reason_changes_nothing(client: Any, make_user: Any) -> None:
    client.force_login(make_user("coordinator"))
    member = make_member("M1")
    client.post(reverse("roll:member_status", args=[member.pk]), {"status": "cancelled"})
    member.refresh_from_db()
    assert member.admin_status == "" and not StatusChange.objects.exists()


def test_viewing_a_member_is_audited_without_personal_values(client: Any, make_user: Any) -> None:
    analyst = make_user("analyst")
    client.force_login(analyst)
    member = make_member("M1", full_name="Ana Smith")
    client.get(reverse("roll:member", args=[member.pk]))
    entry = Entry.objects.get(action="view", object_type="member")
    assert entry.user == analyst and entry.object_id == str(member.pk)
    assert "Ana" not in str(entry.detail)


def test_member_list_query_count_does_not_grow_with_members(client: Any, make_user: Any) -> None:
    client.force_login(make_user("analyst"))
    make_member("M1")
    url = reverse("roll:members")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(2, 30):
        make_member(f"M{i}", group=f"G{i % 5}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "M29" in page.content.decode()


def test_member_list_filters_by_computed_status(client: Any, make_user: Any) -> None:
    client.force_login(make_user("analyst"))
    make_member("M1", end_date=None)  # current
    make_member("M2", end_date=dt.date(2017, 2, 1))  # expired long ago
    text = client.get(reverse("roll:members"), {"status": "expired"}).content.decode()
    assert "M2" in text and ">M1<" not in text


def test_counts_page_has_a_table_per_group_and_an_svg_chart(client: Any, make_user: Any) -> None:
    client.force_login(make_user("analyst"))
    make_member("M1", group="Leeds")
    make_member("M2", group="Leeds", end_date=None)
    make_member("M3", group="Hackney", end_date=None, admin_status="suspended_retained")
    page = client.get(reverse("roll:counts"), {"on": "2017-06-01"}).content.decode()
    assert "<svg" in page and "<polyline" in page
    assert "Leeds" in page and "Hackney" in page
    data = client.get(reverse("roll:counts_json"), {"on": "2017-06-01"}).json()
    assert data["groups"]["Leeds"]["current"] == 2
    assert data["groups"]["Hackney"]["suspended_retained"] == 1
    assert data["over_time"][-1]["day"] == "2017-06-01"


def test_counts_page_in_spanish(client: Any, make_user: Any) -> None:
    client.force_login(make_user("analyst"))
    make_member("M1")
    with translation.override("es"):
        page = client.get(reverse("roll:counts"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Miembros por grupo local" in page


STATUSES_CSV = (
    b"id,status,status_en,status_es,deadline,roll_probability,roll_similarity,roll_token,"
    b"expelled_probability,expelled_similarity,expelled_token,note\n"
    b"M1,eligible,,,,0.999,,t1,,,,\n"
    b"M2,must_join,,,2017-07-01,0.001,,,,,,\n"
    b"M3,deemed_resigned,,,,,,,0.99,,t9,\n"
    b"X9,review,,,,0.5,,t3,,,,\n"
)


def test_imported_statuses_flag_members_and_change_no_status(
    client: Any, make_user: Any, media_root: Any
) -> None:
    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    for member_id in ("M1", "M2", "M3"):
        make_member(member_id)
    response = client.post(
        reverse("roll:eligibility"),
        {
            "mode": "pprl",
            "deadline": "2017-07-01",
            "statuses": SimpleUploadedFile("statuses.csv", STATUSES_CSV, "text/csv"),
        },
    )
    assert response.status_code == 302
    check = EligibilityCheck.objects.get()
    assert check.counts == {"eligible": 1, "must_join": 1, "deemed_resigned": 1}
    assert check.unmatched == 1  # X9 is not a member
    flags = dict(Member.objects.values_list("member_id", "flag"))
    assert flags == {"M1": "eligible", "M2": "must_join", "M3": "deemed_resigned"}
    assert set(Member.objects.values_list("admin_status", flat=True)) == {""}
    assert not StatusChange.objects.exists()
    assert Flag.objects.get(member__member_id="M3").expelled_probability == 0.99
    assert Entry.objects.get(action="eligibility_check").user == coordinator
    page = client.get(response.url).content.decode()
    assert "M2" in page and "M3" in page


def test_statuses_file_without_a_status_column_is_a_form_error(
    client: Any, make_user: Any, media_root: Any
) -> None:
    client.force_login(make_user("coordinator"))
    make_member("M1")
    response = client.post(
        reverse("roll:eligibility"),
        {
            "mode": "pprl",
            "deadline": "2017-07-01",
            "statuses": SimpleUploadedFile("s.csv", b"id,flag\nM1,x\n", "text/csv"),
        },
    )
    assert response.status_code == 200
    # The site speaks Spanish by default.
    assert "s.csv no tiene la columna status" in response.content.decode()
    assert not EligibilityCheck.objects.exists()


def test_counts_over_time_use_the_recorded_decisions(client: Any, make_user: Any) -> None:
    from recuento.web.roll.services import change_status

    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    member = make_member("M1", join_date=dt.date(2016, 1, 1), end_date=None)
    change_status(member, "suspended_retained", user=coordinator, reason="party letter")
    today = dt.date.today()
    data = client.get(reverse("roll:counts_json"), {"on": today.isoformat()}).json()
    assert data["groups"]["Leeds"] == {"suspended_retained": 1}
    # Before the decision (made today) the member counted as Current.
    assert data["over_time"][-2]["current"] == 1
    assert "suspended_retained" not in data["over_time"][-2]
    earlier = client.get(reverse("roll:counts_json"), {"on": "2017-06-01"}).json()
    assert earlier["groups"]["Leeds"] == {"current": 1}
