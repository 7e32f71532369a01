"""The roll's operations. Views call these; every change is a transaction, is logged in
the roll's own history where it concerns a status, and in the audit log.

The electorate contract (used by :mod:`recuento.web.elections`):
:func:`eligible_members` returns the members in good standing at a cut-off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recuento.roll import AdminStatus, Membership, Rules, read_roll
from recuento.web.audit.log import record
from recuento.web.roll.models import LocalGroup, Member, RollImport, StatusChange

RULES = Rules()
"""The status rules the site uses (CiviCRM's defaults: New 3 months, Grace 1 month)."""


class RollError(Exception):
    """A roll operation cannot be done; the message is safe to show (no personal value)."""


def _day(at: dt.datetime | dt.date | None) -> dt.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, dt.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def eligible_members(at: dt.datetime | dt.date | None = None) -> list[Member]:
    """The members eligible to vote at the cut-off ``at``, ordered by membership number.

    This is the electorate contract: a member is eligible when, on the cut-off's day (in
    the site's time zone), their status computed from the dates is New, Current or Grace,
    and no administrator status that takes the vote away is set (pending verification,
    deemed resigned, cancelled, deceased). Suspended by party (retained) keeps the vote;
    must join by the deadline keeps it until the deadline recorded with that status,
    inclusive. See :func:`recuento.roll.may_vote` for the rule and
    :mod:`recuento.roll.statuses` for the dates.

    The administrator statuses are those set when this is called: freeze the electorate
    (store the returned members) at the cut-off rather than calling this again later.

    Args:
        at: the cut-off (an aware datetime, a date, or None for today).

    Returns:
        The eligible :class:`~recuento.web.roll.models.Member` objects, with
        ``local_group`` loaded.
    """
    day = _day(at)
    members = Member.objects.select_related("local_group").order_by("member_id")
    return [m for m in members.iterator(chunk_size=2000) if m.may_vote_on(day, RULES)]


def memberships(members: Iterable[Member]) -> list[Membership]:
    """What the engine's counts need of each member (no personal value), with the history
    of their administrator statuses (from the recorded decisions, in the site's time zone)."""
    history: dict[int, list[tuple[dt.date, str]]] = {}
    for member_id, at, new in StatusChange.objects.order_by("at", "pk").values_list(
        "member_id", "at", "new_status"
    ):
        history.setdefault(member_id, []).append((timezone.localtime(at).date(), new))
    return [
        Membership(
            group=m.local_group.name if m.local_group is not None else "",
            join=m.join_date,
            end=m.end_date,
            admin=m.admin_status,
            start=m.start_date,
            history=tuple(history.get(m.pk, ())),
        )
        for m in members
    ]


def import_roll(path: Path, *, filename: str, stored: str, sha256: str, user: Any) -> RollImport:
    """Read a roll file and add or update its members, in one transaction.

    Members are matched on their membership number. An update changes the roll's fields
    (name, dates, group...) but never the administrator status, which only a recorded
    decision changes; members absent from the file are left as they are.

    Raises:
        RollError: the file cannot be read as a roll (the message names the uploaded file,
            never the stored path, and holds no record value), or it has no member.
    """
    from recuento.errors import RecuentoError

    try:
        roll = read_roll(path, name="roll", workers=1)
    except RecuentoError as e:
        raise RollError(str(e).replace(str(path), filename or "the file")) from e
    if not roll.members:
        raise RollError(
            _(
                "%(file)s: no row could be read as a member (every row was rejected); check "
                "that it has a membership number, a name and a join date column."
            )
            % {"file": filename}
        )
    with transaction.atomic():
        groups = {g.name: g for g in LocalGroup.objects.all()}
        existing = {m.member_id: m for m in Member.objects.all()}
        batch = RollImport.objects.create(
            filename=filename[:255],
            file=stored,
            sha256=sha256,
            imported_by=user,
            rows_read=roll.read,
            rows_accepted=roll.accepted,
            rows_rejected=roll.rejected,
            rejects=[{"number": n, "reason": r} for n, r in roll.rejects[:1000]],
            columns=roll.columns,
        )
        created = updated = 0
        new: list[Member] = []
        changed: list[Member] = []
        fields = ("full_name", "birth_date", "email", "postcode", "local_group", "join_date",
                  "end_date", "last_import")  # fmt: skip
        for row in roll.members:
            group = None
            if row.group:
                group = groups.get(row.group)
                if group is None:
                    group = groups[row.group] = LocalGroup.objects.create(name=row.group[:200])
            values = {
                "full_name": row.full_name[:300],
                "birth_date": row.birth_date[:10],
                "email": row.email[:254],
                "postcode": row.postcode[:20],
                "local_group": group,
                "join_date": row.join,
                "end_date": row.end,
                "last_import": batch,
            }
            member = existing.get(row.member_id)
            if member is None:
                member = Member(member_id=row.member_id[:100], **values)
                existing[row.member_id] = member
                new.append(member)
                created += 1
            else:
                for field, value in values.items():
                    setattr(member, field, value)
                if member.pk is not None:
                    changed.append(member)
                updated += 1
        Member.objects.bulk_create(new, batch_size=1000)
        Member.objects.bulk_update(changed, fields, batch_size=1000)
        batch.created, batch.updated = created, updated
        batch.save(update_fields=["created", "updated"])
        record(
            user,
            "import",
            "roll",
            batch.pk,
            {"rows_read": roll.read, "rows_accepted": roll.accepted,
             "rows_rejected": roll.rejected, "created": created, "updated": updated},
        )  # fmt: skip
    return batch


def change_status(
    member: Member,
    new_status: str,
    *,
    user: Any,
    reason: str,
    deadline: dt.date | None = None,
    hearing: Any = None,
) -> StatusChange:
    """Set (or clear, with ``""``) a member's administrator status: a recorded decision.

    Args:
        member: the member.
        new_status: an :class:`~recuento.roll.AdminStatus` code, or "" to clear it (the
            status is then computed from the dates).
        user: who decides.
        reason: why (required).
        deadline: for ``must_join``, the date by which the member must join.
        hearing: the hearing whose decision this is, if any.

    Raises:
        RollError: no reason, an unknown status, or ``must_join`` without a deadline.
    """
    reason = (reason or "").strip()
    problems = []
    if not reason:
        problems.append(_("a status change needs its reason"))
    if new_status and new_status not in {s.value for s in AdminStatus}:
        problems.append(_("unknown administrator status %(status)r") % {"status": new_status})
    if new_status == AdminStatus.MUST_JOIN and deadline is None:
        problems.append(_("'must join by deadline' needs the deadline"))
    if problems:
        raise RollError("; ".join(problems) + ".")
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        old = locked.admin_status
        locked.admin_status = new_status
        locked.status_deadline = deadline if new_status == AdminStatus.MUST_JOIN else None
        locked.save(update_fields=["admin_status", "status_deadline"])
        change = StatusChange.objects.create(
            member=locked,
            by=user,
            old_status=old,
            new_status=new_status,
            deadline=locked.status_deadline,
            reason=reason,
            kind="hearing" if hearing is not None else "decision",
            hearing=hearing,
        )
        record(
            user,
            "change_status",
            "member",
            locked.pk,
            {"old_status": old, "new_status": new_status, "kind": change.kind,
             "status_change": change.pk},
        )  # fmt: skip
    member.admin_status = locked.admin_status
    member.status_deadline = locked.status_deadline
    return change
