"""Notices, the public answer page and hearings: only a decision changes a status."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.roll import hearings  # noqa: E402
from recuento.web.roll.models import Hearing, Member, Notice, StatusChange  # noqa: E402

from .test_web_roll_helpers import make_member  # noqa: E402


def _flagged(flag: str = "must_join", **fields: Any) -> Member:
    return make_member("M1", flag=flag, **fields)


def _notify(client: Any, member: Member) -> str:
    response = client.post(reverse("roll:notify", args=[member.pk]))
    assert response.status_code == 302
    return response.url


def _token(mailoutbox: Any) -> str:
    found = re.search(r"/roll/answer/([\w-]+)/", mailoutbox[-1].body)
    assert found is not None
    return found.group(1)


def test_notice_is_sent_in_spanish_and_english_with_a_single_use_link(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    member = _flagged()
    _notify(client, member)
    (mail,) = mailoutbox
    assert mail.to == [member.email]
    assert "Su membresía" in mail.subject and "Your membership" in mail.subject
    assert "los miembros deben afiliarse al partido" in mail.body
    assert "must join the party" in mail.body
    token = _token(mailoutbox)
    notice = Notice.objects.get()
    assert notice.sent and notice.created_by == coordinator
    assert token not in notice.token_digest and len(notice.token_digest) == 64
    entry = Entry.objects.get(action="notify")
    assert entry.user == coordinator and entry.object_id == str(member.pk)


def test_eligible_or_unflagged_members_are_not_notified(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    client.force_login(make_user("coordinator"))
    member = _flagged("eligible")
    _notify(client, member)
    assert not mailoutbox and not Notice.objects.exists()


def test_answer_page_is_public_and_shows_nothing_personal(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    client.force_login(make_user("coordinator"))
    member = _flagged(full_name="Ana Smith")
    _notify(client, member)
    client.logout()
    token = _token(mailoutbox)
    page = client.get(reverse("roll:answer", args=[token]))
    assert page.status_code == 200
    # Random tokens (the link's and the CSRF one) spell "M1" now and then: leave them out.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode())
    text = text.replace(token, "")
    assert 'csrfmiddlewaretoken" value' not in text
    assert "Ana" not in text and member.email not in text and "M1" not in text


def test_confirming_with_a_party_number_uses_the_link_and_changes_no_status(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    client.force_login(make_user("coordinator"))
    member = _flagged()
    _notify(client, member)
    client.logout()
    url = reverse("roll:answer", args=[_token(mailoutbox)])
    response = client.post(url, {"response": "confirmed", "party_number": "L123456"})
    assert response.status_code == 200
    notice = Notice.objects.get()
    assert (notice.response, notice.party_number) == ("confirmed", "L123456")
    assert notice.used_at is not None
    member.refresh_from_db()
    assert member.admin_status == "" and not StatusChange.objects.exists()
    entry = Entry.objects.get(action="answer_notice")
    assert entry.user is None and entry.detail["response"] == "confirmed"
    assert "L123456" not in str(entry.detail)
    # Single use: the link is spent.
    again = client.post(url, {"response": "hearing"})
    assert again.status_code == 410
    assert client.get(url).status_code == 410


def test_confirming_without_a_number_is_refused(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    client.force_login(make_user("coordinator"))
    _notify(client, _flagged())
    client.logout()
    url = reverse("roll:answer", args=[_token(mailoutbox)])
    response = client.post(url, {"response": "confirmed", "party_number": " "})
    assert response.status_code == 200
    assert Notice.objects.get().used_at is None


def test_unknown_and_expired_links_are_refused(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    assert client.get(reverse("roll:answer", args=["nope"])).status_code == 404
    client.force_login(make_user("coordinator"))
    _notify(client, _flagged())
    client.logout()
    Notice.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("roll:answer", args=[_token(mailoutbox)])).status_code == 410


def test_full_hearing_only_the_decision_changes_the_status(
    client: Any, make_user: Any, mailoutbox: Any
) -> None:
    coordinator = make_user("coordinator")
    client.force_login(coordinator)
    member = _flagged("deemed_resigned")
    _notify(client, member)
    client.logout()
    answer = reverse("roll:answer", args=[_token(mailoutbox)])
    client.post(answer, {"response": "hearing", "statement": "I was never expelled."})
    hearing = Hearing.objects.get()
    assert hearing.statement == "I was never expelled." and hearing.notice == Notice.objects.get()
    member.refresh_from_db()
    assert member.admin_status == ""

    client.force_login(coordinator)
    url = reverse("roll:hearing", args=[hearing.pk])
    # Deciding before the hearing is held (no minutes) is refused, and changes nothing.
    refused = client.post(
        url, {"action": "decide", "decide-outcome": "cancelled", "decide-reasons": "x"}
    )
    assert refused.status_code == 200
    member.refresh_from_db()
    assert member.admin_status == "" and not StatusChange.objects.exists()

    client.post(url, {"action": "schedule", "schedule-when": "2017-08-01 18:00",
                      "schedule-place": "Leeds office"})  # fmt: skip
    client.post(url, {"action": "minutes", "minutes-minutes": "Heard the member."})
    response = client.post(
        url,
        {"action": "decide", "decide-outcome": "retain",
         "decide-reasons": "Another person of the same name was expelled."},
    )  # fmt: skip
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.stage == "decided" and hearing.decided_by == coordinator
    assert hearing.place == "Leeds office" and hearing.minutes == "Heard the member."
    change = StatusChange.objects.get()
    assert (change.kind, change.hearing, change.new_status) == ("hearing", hearing, "")
    assert change.reason == "Another person of the same name was expelled."
    actions = list(Entry.objects.values_list("action", flat=True))
    for expected in ("answer_notice", "schedule_hearing", "minute_hearing", "decide_hearing"):
        assert expected in actions
    # Decided is final here.
    client.post(url, {"action": "minutes", "minutes-minutes": "changed"})
    hearing.refresh_from_db()
    assert hearing.minutes == "Heard the member."


def test_hearing_decision_cancelling_the_membership_sets_that_status(make_user: Any) -> None:
    coordinator = make_user("coordinator")
    member = _flagged("deemed_resigned")
    hearing = hearings.open_hearing(member, user=coordinator, statement="by letter")
    hearings.schedule(hearing, when=timezone.now(), place="online", user=coordinator)
    hearings.minute(hearing, minutes="The member did not attend.", user=coordinator)
    hearings.decide(hearing, outcome="cancelled", reasons="Expulsion confirmed.", user=coordinator)
    member.refresh_from_db()
    assert member.admin_status == "cancelled"
    assert not member.may_vote_on(dt.date(2017, 6, 1))


def test_hearing_decision_needs_reasons(make_user: Any) -> None:
    coordinator = make_user("coordinator")
    hearing = hearings.open_hearing(_flagged(), user=coordinator)
    hearings.schedule(hearing, when=timezone.now(), place="online", user=coordinator)
    hearings.minute(hearing, minutes="Heard.", user=coordinator)
    with translation.override("en"), pytest.raises(hearings.RollError, match="reasons"):
        hearings.decide(hearing, outcome="retain", reasons=" ", user=coordinator)
    assert Hearing.objects.get().decided_at is None


def test_hearing_posts_need_decide_hearings(client: Any, make_user: Any) -> None:
    hearing = Hearing.objects.create(member=_flagged())
    client.force_login(make_user("analyst"))
    url = reverse("roll:hearing", args=[hearing.pk])
    response = client.post(url, {"action": "minutes", "minutes-minutes": "x"})
    assert response.status_code == 403
    assert Hearing.objects.get().minutes == ""


def test_default_django_backend_writes_notices_to_files_instead_of_smtp() -> None:
    assert hearings.email_backend(hearings.DJANGO_DEFAULT_BACKEND, False) == hearings.FILE_BACKEND
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert hearings.email_backend(smtp, True) == smtp
    console = "django.core.mail.backends.console.EmailBackend"
    assert hearings.email_backend(console, False) == console


def test_notify_never_redirects_off_the_site(client: Any, make_user: Any, mailoutbox: Any) -> None:
    client.force_login(make_user("coordinator"))
    member = _flagged()
    response = client.post(
        reverse("roll:notify", args=[member.pk]), {"next": "https://attacker.example/"}
    )
    assert response.url == reverse("roll:member", args=[member.pk])


def test_a_notice_that_cannot_be_sent_is_a_clear_error_and_stores_nothing(
    client: Any, make_user: Any, settings: Any
) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(make_user("coordinator"))
    member = _flagged()
    response = client.post(
        reverse("roll:notify", args=[member.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The notice could not be sent" in response.content.decode()
    assert not Notice.objects.exists()
    assert not Entry.objects.filter(action="notify").exists()
