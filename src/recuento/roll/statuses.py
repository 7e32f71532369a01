"""Membership statuses: computed from dates, or set by an administrator.

The rules follow CiviCRM's membership model (the de facto standard for membership
organisations; see ``docs`` and ``../shared/domain/membership-and-ballots.md``):

- **New** from the join date until ``new_months`` after it (default 3), unless the
  membership has already ended;
- **Current** from then until the end date (inclusive); a membership with no end date
  (life or unlimited) stays Current;
- **Grace** after the end date until ``grace_months`` after it (default 1, inclusive);
- **Expired** after that.

Before the start date a membership has no computed status (``None``): it has not begun.

Administrator statuses are never assigned by a rule; a person sets them with a reason and
the change is recorded (who, when, why). While one is set it is the member's status:

- ``pending_verification``: a new member whose party membership is not verified yet;
- ``must_join``: an existing member who must join the party by the deadline;
- ``deemed_resigned``: deemed to have resigned (expelled by the party), hearing requested;
- ``suspended_retained``: suspended by the party, retained (remains a member);
- ``cancelled``: membership ended by a decision (for instance a hearing's);
- ``deceased``.

Renewals (:func:`renew`): from Current or Grace the new term runs from the old end date;
from Expired (or with no end date), from the renewal date.

All functions here are pure (no database, no Django); months are calendar months, a day
past the end of a shorter month is clipped to its last day (31 January + 1 month is 28 or
29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class DateStatus(StrEnum):
    """A status computed from the membership's dates."""

    NEW = "new"
    CURRENT = "current"
    GRACE = "grace"
    EXPIRED = "expired"


class AdminStatus(StrEnum):
    """A status only an administrator (or a hearing's decision) sets."""

    PENDING_VERIFICATION = "pending_verification"
    MUST_JOIN = "must_join"
    DEEMED_RESIGNED = "deemed_resigned"
    SUSPENDED_RETAINED = "suspended_retained"
    CANCELLED = "cancelled"
    DECEASED = "deceased"


LABELS: dict[str, tuple[str, str]] = {
    "new": ("New", "Nuevo"),
    "current": ("Current", "Vigente"),
    "grace": ("Grace", "En periodo de gracia"),
    "expired": ("Expired", "Vencido"),
    "not_started": ("Not started", "Aún no comienza"),
    "pending_verification": ("Pending verification", "Pendiente de verificación"),
    "must_join": ("Must join by deadline", "Debe afiliarse antes de la fecha límite"),
    "deemed_resigned": (
        "Deemed resigned (hearing requested)",
        "Se considera que renunció (audiencia solicitada)",
    ),
    "suspended_retained": (
        "Suspended by party (retained)",
        "Suspendido por el partido (se mantiene)",
    ),
    "cancelled": ("Cancelled", "Cancelado"),
    "deceased": ("Deceased", "Fallecido"),
}
"""Status code -> (English label, Spanish label); ``not_started`` is the code used when a
membership has not begun."""

NOT_STARTED = "not_started"

VOTING_DATE_STATUSES = frozenset({DateStatus.NEW, DateStatus.CURRENT, DateStatus.GRACE})
"""Computed statuses that count as a member in good standing (may vote)."""

NON_VOTING_ADMIN_STATUSES = frozenset(
    {
        AdminStatus.PENDING_VERIFICATION,
        AdminStatus.DEEMED_RESIGNED,
        AdminStatus.CANCELLED,
        AdminStatus.DECEASED,
    }
)
"""Administrator statuses that take the vote away while they are set. ``suspended_retained``
keeps it (suspended, not expelled: the member remains); ``must_join`` keeps it until its
deadline (see :func:`may_vote`)."""


@dataclass(frozen=True)
class Rules:
    """The parameters of the computed statuses.

    Attributes:
        new_months: how long after joining a member is New (CiviCRM: 3).
        grace_months: how long after the end date a member is in Grace (CiviCRM: 1).
        term_months: the length of a renewal (12: a year).
    """

    new_months: int = 3
    grace_months: int = 1
    term_months: int = 12

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be a whole number of months, 0 or more (got {value!r})"
            for name, value in (
                ("new_months", self.new_months),
                ("grace_months", self.grace_months),
                ("term_months", self.term_months),
            )
            if not isinstance(value, int) or value < 0
        ]
        if problems:
            raise ValueError("; ".join(problems))


DEFAULT_RULES = Rules()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clipped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def date_status(
    join: dt.date,
    end: dt.date | None,
    on: dt.date,
    rules: Rules = DEFAULT_RULES,
    *,
    start: dt.date | None = None,
) -> DateStatus | None:
    """The status computed from a membership's dates on the day ``on``.

    Args:
        join: the join date (New is counted from it).
        end: the end date of the current term (None: no end).
        on: the day to compute the status for.
        rules: the parameters.
        start: the start of the current term (after a renewal); the join date if None.

    Returns:
        New, Current, Grace or Expired; None before the membership starts.

    Examples:
        >>> date_status(dt.date(2017, 1, 15), dt.date(2018, 1, 14), dt.date(2017, 2, 1))
        <DateStatus.NEW: 'new'>
    """
    begins = min(join, start) if start is not None else join
    if on < begins:
        return None
    if end is not None and on > end:
        if on <= add_months(end, rules.grace_months):
            return DateStatus.GRACE
        return DateStatus.EXPIRED
    if on < add_months(join, rules.new_months):
        return DateStatus.NEW
    return DateStatus.CURRENT


def status_code(
    join: dt.date,
    end: dt.date | None,
    admin: str | None,
    on: dt.date,
    rules: Rules = DEFAULT_RULES,
    *,
    start: dt.date | None = None,
) -> str:
    """The member's status code on ``on``: the administrator's if set, else the computed one
    (``not_started`` before the start)."""
    if admin:
        return AdminStatus(admin).value
    computed = date_status(join, end, on, rules, start=start)
    return computed.value if computed is not None else NOT_STARTED


def may_vote(
    join: dt.date,
    end: dt.date | None,
    admin: str | None,
    at: dt.date,
    rules: Rules = DEFAULT_RULES,
    *,
    start: dt.date | None = None,
    deadline: dt.date | None = None,
) -> bool:
    """Whether the member is in good standing on ``at`` (may vote, stand, be counted).

    The rule: the computed status is New, Current or Grace on ``at``; and no administrator
    status that takes the vote away is set (pending verification, deemed resigned,
    cancelled, deceased). ``must_join`` keeps the vote until its ``deadline`` (inclusive):
    a member who had to join by then and has not had the status cleared by a decision is
    not counted after it. Their status does not change: only a decision changes it.
    """
    computed = date_status(join, end, at, rules, start=start)
    if computed not in VOTING_DATE_STATUSES:
        return False
    if not admin:
        return True
    status = AdminStatus(admin)
    if status in NON_VOTING_ADMIN_STATUSES:
        return False
    if status is AdminStatus.MUST_JOIN:
        return deadline is None or at <= deadline
    return True


def renew(
    end: dt.date | None,
    on: dt.date,
    rules: Rules = DEFAULT_RULES,
    *,
    join: dt.date | None = None,
) -> tuple[dt.date, dt.date]:
    """The new term's (start, end) when a member renews on ``on``.

    From Current or Grace (``on`` at most ``grace_months`` after the old end) the term
    extends from the old end date: start is the day after it. From Expired or with no end
    date, the term runs from ``on``. The end is ``term_months`` after the start, less a day.
    """
    if end is not None and on <= add_months(end, rules.grace_months):
        begins = end + dt.timedelta(days=1)
    else:
        begins = on
    if join is not None and begins < join:
        begins = join
    return begins, add_months(begins, rules.term_months) - dt.timedelta(days=1)
