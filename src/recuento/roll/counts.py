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
    """

    group: str
    join: dt.date
    end: dt.date | None
    admin: str = ""
    start: dt.date | None = None


def counts_by_group(
    members: Iterable[Membership], on: dt.date, rules: Rules = DEFAULT_RULES
) -> dict[str, Counter[str]]:
    """Status code -> number of members, per local group, on the day ``on``."""
    out: dict[str, Counter[str]] = {}
    for m in members:
        code = status_code(m.join, m.end, m.admin, on, rules, start=m.start)
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

    A member is counted from the day the membership begins. Administrator statuses are
    the ones set now (their history is the web site's): this shows, for each day, the
    computed status as it was for members with none, and the current administrator status
    otherwise.
    """
    out = []
    for day in days:
        counter: Counter[str] = Counter()
        for m in members:
            if date_status(m.join, m.end, day, rules, start=m.start) is None:
                continue
            counter[status_code(m.join, m.end, m.admin, day, rules, start=m.start)] += 1
        out.append((day, counter))
    return out
