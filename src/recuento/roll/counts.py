"""Counts of members per local group and over time, from their dates and statuses."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recuento.roll.statuses import DEFAULT_RULES, Rules, add_months, date_status, status_code


@dataclass(frozen=True)
class Membership:
    """What the counts need of one member (no name, nothing personal).

    Attributes:
        group: the local group's name ("" for none).
        join: the join date.
        end: the end date of the current term (None: no end).
        admin: the administrator status code ("" for none).
        start: the start of the current term (None: the join date).
        history: the administrator status changes as (day, new status), oldest first;
            when given, the administrator status on a past day is the last one set on or
            before it ("" before the first), instead of ``admin``.
    """

    group: str
    join: dt.date
    end: dt.date | None
    admin: str = ""
    start: dt.date | None = None
    history: tuple[tuple[dt.date, str], ...] = ()

    def admin_on(self, day: dt.date) -> str:
        """The administrator status in force on ``day``."""
        if not self.history:
            return self.admin
        status = ""
        for changed, new in self.history:
            if changed > day:
                break
            status = new
        return status


def counts_by_group(
    members: Iterable[Membership], on: dt.date, rules: Rules = DEFAULT_RULES
) -> dict[str, Counter[str]]:
    """Status code -> number of members, per local group, on the day ``on`` (the
    administrator status in force that day when the members carry their history)."""
    out: dict[str, Counter[str]] = {}
    for m in members:
        code = status_code(m.join, m.end, m.admin_on(on), on, rules, start=m.start)
        out.setdefault(m.group, Counter())[code] += 1
    return dict(sorted(out.items()))


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from ``first``'s month to ``last``'s, in order."""
    day = first.replace(day=1)
    out = []
    while day <= last:
        out.append(day)
        day = add_months(day, 1)
    return out


def counts_over_time(
    members: Sequence[Membership],
    days: Sequence[dt.date],
    rules: Rules = DEFAULT_RULES,
) -> list[tuple[dt.date, Counter[str]]]:
    """Status code -> number of members on each of ``days``.

    A member is counted from the day the membership begins. The administrator status on
    each day comes from the member's ``history`` when it is given; otherwise the one set
    now is used for every day.
    """
    out = []
    for day in days:
        counter: Counter[str] = Counter()
        for m in members:
            if date_status(m.join, m.end, day, rules, start=m.start) is None:
                continue
            admin = m.admin_on(day)
            counter[status_code(m.join, m.end, admin, day, rules, start=m.start)] += 1
        out.append((day, counter))
    return out
