"""Notices to flagged members, their answers, and hearings.

A flag is a question to a person, never a verdict. The member is sent a notice (in Spanish
and English) with a single-use link; on that public page they can confirm their party
membership with its number or request a hearing. Neither answer changes their status: a
coordinator decides (:func:`recuento.web.roll.services.change_status`), or a hearing is
scheduled, minuted and decided with reasons (:func:`decide`), and only that decision
changes the status.

Sending mail: through Django's email backend. When the deployment configures none
(``EMAIL_BACKEND`` left at Django's default, SMTP to localhost), notices are written to
files under ``<data dir>/outbox`` instead of being sent, so nothing leaves the machine by
accident. To send by SMTP, set in the settings ``EMAIL_BACKEND =
"django.core.mail.backends.smtp.EmailBackend"``, ``EMAIL_HOST``, ``EMAIL_PORT``,
``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD`` (from the environment), ``EMAIL_USE_TLS`` and
``DEFAULT_FROM_EMAIL``. ``django.core.mail.backends.console.EmailBackend`` prints them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import smtplib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recuento.web.audit.log import record
from recuento.web.roll.models import Hearing, Member, Notice
from recuento.web.roll.services import RollError, change_status

NOTICE_DAYS = 30
"""How long a notice's link can be used."""

DJANGO_DEFAULT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

OUTCOME_STATUS = {
    "retain": "",
    "suspended_retained": "suspended_retained",
    "must_join": "must_join",
    "cancelled": "cancelled",
}
"""A hearing's outcome -> the administrator status it sets ("" clears it)."""

_TEXTS: dict[str, dict[str, str]] = {
    "must_join": {
        "es": (
            "Al comparar el padrón del movimiento con el del partido no encontramos su "
            "afiliación. Según los estatutos, los miembros deben afiliarse al partido antes "
            "del {deadline}."
        ),
        "en": (
            "When we compared the movement's roll with the party's, we could not find your "
            "party membership. Under the constitution, members must join the party by "
            "{deadline}."
        ),
    },
    "deemed_resigned": {
        "es": (
            "Al comparar el padrón del movimiento con la lista de expulsiones del partido, "
            "su nombre parece figurar en ella. Según los estatutos, quien ha sido expulsado "
            "del partido se considera que ha renunciado, con derecho a una audiencia."
        ),
        "en": (
            "When we compared the movement's roll with the party's expulsions list, your "
            "name appears to be on it. Under the constitution, those expelled from the party "
            "are deemed to have resigned, with a right to a hearing."
        ),
    },
    "review": {
        "es": (
            "Al comparar el padrón del movimiento con el del partido no pudimos confirmar "
            "su afiliación con certeza."
        ),
        "en": (
            "When we compared the movement's roll with the party's, we could not confirm "
            "your party membership with certainty."
        ),
    },
}

_COMMON = {
    "es": (
        "Esto puede ser un error: las comparaciones se equivocan con 2 a 4 de cada 100 "
        "personas. Nada ha cambiado todavía en su membresía.\n\n"
        "En esta página puede confirmar su afiliación con su número de afiliado al partido, "
        "o solicitar una audiencia:\n{link}\n\n"
        "El enlace sirve una sola vez y vence el {expires}."
    ),
    "en": (
        "This may be a mistake: such comparisons are wrong for 2 to 4 people in 100. "
        "Nothing has changed in your membership yet.\n\n"
        "On this page you can confirm your party membership with your party membership "
        "number, or request a hearing:\n{link}\n\n"
        "The link works once and expires on {expires}."
    ),
}

SUBJECT = "Su membresía / Your membership"


def notice_text(flag: str, *, link: str, deadline: dt.date | None, expires: dt.date) -> str:
    """The notice's text, in Spanish then English (no personal value but the link)."""
    if flag not in _TEXTS:
        raise RollError(f"no notice is sent for the flag {flag!r}")
    parts = []
    for lang in ("es", "en"):
        when = deadline.isoformat() if deadline is not None else "—"
        parts.append(_TEXTS[flag][lang].format(deadline=when))
        parts.append(_COMMON[lang].format(link=link, expires=expires.isoformat()))
    return "\n\n".join(parts[:2]) + "\n\n— — —\n\n" + "\n\n".join(parts[2:]) + "\n"


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def email_backend(configured: str, overridden: bool) -> str:
    """The backend notices use: the configured one, or the file backend when the settings
    leave Django's default (SMTP to localhost) in place."""
    if overridden or configured != DJANGO_DEFAULT_BACKEND:
        return configured
    return FILE_BACKEND


def email_connection() -> Any:
    """The configured email backend, or files under ``<data dir>/outbox`` when none is."""
    backend = email_backend(settings.EMAIL_BACKEND, settings.is_overridden("EMAIL_BACKEND"))
    if backend != FILE_BACKEND or settings.EMAIL_BACKEND == FILE_BACKEND:
        return get_connection(backend)
    outbox = Path(settings.DATA_DIR) / "outbox"
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    return get_connection(FILE_BACKEND, file_path=str(outbox))


def notify(member: Member, *, user: Any, link_for: Any, deadline: dt.date | None) -> Notice:
    """Create a notice for a flagged member and send it.

    Args:
        member: a member flagged must_join, deemed_resigned or review.
        user: who sends it.
        link_for: called with the token, returns the absolute URL of the answer page.
        deadline: the joining deadline to state (for must_join).

    Raises:
        RollError: the member is not flagged for a notice, has no email address, or the
            message cannot be sent (then no notice is stored).
    """
    if member.flag not in _TEXTS:
        raise RollError(
            _("Only members flagged must join, deemed resigned or review are notified.")
        )
    if not member.email:
        raise RollError(
            _(
                "This member has no email address on the roll: contact them another way "
                "and record their answer as a hearing request or a decision."
            )
        )
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=NOTICE_DAYS)
    body = notice_text(
        member.flag, link=link_for(token), deadline=deadline, expires=timezone.localdate(expires)
    )
    with transaction.atomic():
        notice = Notice.objects.create(
            member=member,
            flag=member.flag,
            deadline=deadline,
            created_by=user,
            token_digest=token_digest(token),
            expires_at=expires,
            subject=SUBJECT,
            body=body,
        )
        message = EmailMessage(SUBJECT, body, to=[member.email], connection=email_connection())
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as e:
            # Nothing is stored: the transaction is rolled back with this error.
            raise RollError(
                _(
                    "The notice could not be sent (%(error)s); check the email settings "
                    "(EMAIL_HOST, EMAIL_PORT...) or leave them unset to write notices to the "
                    "outbox folder."
                )
                % {"error": type(e).__name__}
            ) from e
        notice.sent = True
        notice.save(update_fields=["sent"])
        record(user, "notify", "member", member.pk, {"notice": notice.pk, "flag": member.flag})
    return notice


class NoticeUnavailableError(RollError):
    """The link is unknown, already used or expired; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def notice_for(token: str) -> Notice:
    """The notice a link's token opens.

    Raises:
        NoticeUnavailableError: ``unknown``, ``used`` or ``expired``.
    """
    notice = (
        Notice.objects.select_related("member").filter(token_digest=token_digest(token)).first()
    )
    if notice is None:
        raise NoticeUnavailableError("unknown")
    if notice.used_at is not None:
        raise NoticeUnavailableError("used")
    if notice.expires_at <= timezone.now():
        raise NoticeUnavailableError("expired")
    return notice


def answer(token: str, *, response: str, party_number: str = "", statement: str = "") -> Notice:
    """Record a member's answer to a notice; the link is used up. No status changes.

    Args:
        token: the link's token.
        response: ``confirmed`` (with ``party_number``) or ``hearing``.
        party_number: the party membership number given.
        statement: what the member wants to say.

    Raises:
        NoticeUnavailableError: the link cannot be used.
        RollError: ``confirmed`` without a number, or an unknown response.
    """
    if response not in {"confirmed", "hearing"}:
        raise RollError(_("The answer must be a confirmation or a hearing request."))
    if response == "confirmed" and not party_number.strip():
        raise RollError(_("A confirmation needs the party membership number."))
    with transaction.atomic():
        notice = notice_for(token)
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.used_at is not None:  # another request answered in between
            raise NoticeUnavailableError("used")
        locked.used_at = timezone.now()
        locked.response = response
        locked.party_number = party_number.strip()[:100]
        locked.statement = statement.strip()
        locked.save(update_fields=["used_at", "response", "party_number", "statement"])
        detail: dict[str, Any] = {"notice": locked.pk, "response": response}
        if response == "hearing":
            hearing = Hearing.objects.create(
                member_id=locked.member_id, notice=locked, statement=locked.statement
            )
            detail["hearing"] = hearing.pk
        record(None, "answer_notice", "member", locked.member_id, detail)
    return locked


def open_hearing(member: Member, *, user: Any, statement: str = "") -> Hearing:
    """Open a hearing on a member's behalf (asked for by letter, phone, in person)."""
    with transaction.atomic():
        hearing = Hearing.objects.create(member=member, statement=statement.strip())
        record(user, "open_hearing", "member", member.pk, {"hearing": hearing.pk})
    return hearing


def schedule(hearing: Hearing, *, when: dt.datetime, place: str, user: Any) -> Hearing:
    """Set or move a hearing's date and place.

    Raises:
        RollError: the hearing is decided already.
    """
    _undecided(hearing)
    with transaction.atomic():
        hearing.scheduled_for = when
        hearing.place = place.strip()[:300]
        hearing.save(update_fields=["scheduled_for", "place"])
        record(user, "schedule_hearing", "hearing", hearing.pk, {"member": hearing.member_id})
    return hearing


def minute(hearing: Hearing, *, minutes: str, user: Any) -> Hearing:
    """Record (or correct) a hearing's minutes, before its decision.

    Raises:
        RollError: the hearing is decided already, or has not been scheduled.
    """
    _undecided(hearing)
    if hearing.scheduled_for is None:
        raise RollError(_("Schedule the hearing before recording its minutes."))
    with transaction.atomic():
        hearing.minutes = minutes.strip()
        hearing.save(update_fields=["minutes"])
        record(user, "minute_hearing", "hearing", hearing.pk, {"member": hearing.member_id})
    return hearing


def decide(
    hearing: Hearing,
    *,
    outcome: str,
    reasons: str,
    user: Any,
    deadline: dt.date | None = None,
) -> Hearing:
    """Decide a hearing with reasons; the decision sets the member's status.

    Raises:
        RollError: decided already, not held (no minutes), no reasons, unknown outcome, or
            ``must_join`` without a deadline. Nothing is stored then.
    """
    _undecided(hearing)
    problems = []
    if not hearing.minutes.strip():
        problems.append(_("record the hearing's minutes before deciding"))
    if not reasons.strip():
        problems.append(_("a decision needs its reasons"))
    if outcome not in OUTCOME_STATUS:
        problems.append(_("unknown decision %(outcome)r") % {"outcome": outcome})
    if outcome == "must_join" and deadline is None:
        problems.append(_("'must join by the deadline' needs the deadline"))
    if problems:
        raise RollError("; ".join(problems).capitalize() + ".")
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        _undecided(locked)
        locked.outcome = outcome
        locked.reasons = reasons.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.save(update_fields=["outcome", "reasons", "decided_at", "decided_by"])
        change_status(
            locked.member,
            OUTCOME_STATUS[outcome],
            user=user,
            reason=locked.reasons,
            deadline=deadline,
            hearing=locked,
        )
        record(user, "decide_hearing", "hearing", locked.pk, {"member": locked.member_id,
                                                                "outcome": outcome})  # fmt: skip
    return locked


def _undecided(hearing: Hearing) -> None:
    if hearing.decided_at is not None:
        raise RollError(_("This hearing has been decided; its decision is final here."))
