"""The roll's services: the electorate contract, recorded status changes, the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.utils import translation  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.roll.models import StatusChange  # noqa: E402
from recuento.web.roll.services import RollError, change_status, eligible_members  # noqa: E402

from .test_web_roll_helpers import make_member  # noqa: E402

D = dt.date


def test_eligible_members_follow_dates_and_administrator_statuses(make_user: Any) -> None:
    coordinator = make_user("coordinator")
    make_member("M1")  # current on 1 June 2017
    make_member("M2", end_date=D(2017, 4, 30))  # grace until 30 May, expired on 1 June
    make_member("M3", join_date=D(2017, 7, 1), end_date=None)  # not begun on 1 June
    suspended = make_member("M4")
    change_status(suspended, "suspended_retained", user=coordinator, reason="party letter")
    resigned = make_member("M5")
    change_status(resigned, "deemed_resigned", user=coordinator, reason="on expulsions list")
    joining = make_member("M6")
    change_status(
        joining, "must_join", user=coordinator, reason="not on the roll", deadline=D(2017, 7, 1)
    )
    cutoff = dt.datetime(2017, 6, 1, 12, tzinfo=dt.UTC)
    assert [m.member_id for m in eligible_members(cutoff)] == ["M1", "M4", "M6"]
    # After the deadline the member who had to join is no longer counted.
    later = [m.member_id for m in eligible_members(D(2017, 7, 2))]
    assert later == ["M1", "M3", "M4"]


def test_status_change_is_recorded_with_who_when_why_and_audited(make_user: Any) -> None:
    coordinator = make_user("coordinator")
    member = make_member("M1")
    change = change_status(member, "pending_verification", user=coordinator, reason="new member")
    member.refresh_from_db()
    assert member.admin_status == "pending_verification"
    assert (change.by, change.old_status, change.new_status, change.reason) == (
        coordinator,
        "",
        "pending_verification",
        "new member",
    )
    assert change.at is not None
    entry = Entry.objects.get(action="change_status")
    assert (entry.user, entry.object_type, entry.object_id) == (
        coordinator,
        "member",
        str(member.pk),
    )
    assert entry.detail["new_status"] == "pending_verification"
    assert "Member" not in str(entry.detail)  # no personal value in the audit detail


def test_status_change_without_reason_or_deadline_changes_nothing(make_user: Any) -> None:
    coordinator = make_user("coordinator")
    member = make_member("M1")
    with translation.override("en"), pytest.raises(RollError, match=r"reason.*deadline"):
        change_status(member, "must_join", user=coordinator, reason=" ")
    member.refresh_from_db()
    assert member.admin_status == ""
    assert not StatusChange.objects.exists()
    assert not Entry.objects.filter(action="change_status").exists()
