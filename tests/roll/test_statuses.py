"""Membership statuses from dates, by hand-built cases (CiviCRM's rules, documented in
recuento.roll.statuses): New 3 months from joining, Current to the end date, Grace 1 month
after it, Expired after that."""

from __future__ import annotations

import datetime as dt

import pytest

from recuento.roll import (
    AdminStatus,
    DateStatus,
    Membership,
    Rules,
    add_months,
    counts_by_group,
    counts_over_time,
    date_status,
    may_vote,
    month_starts,
    renew,
    status_code,
)

D = dt.date
JOIN = D(2017, 1, 15)
END = D(2018, 1, 14)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2017, 1, 14), None),  # the day before joining: not begun
        (D(2017, 1, 15), DateStatus.NEW),  # the join date itself
        (D(2017, 4, 14), DateStatus.NEW),  # join + 3 months - 1 day
        (D(2017, 4, 15), DateStatus.CURRENT),  # join + 3 months
        (D(2018, 1, 14), DateStatus.CURRENT),  # the end date is inclusive
        (D(2018, 1, 15), DateStatus.GRACE),  # the day after the end
        (D(2018, 2, 14), DateStatus.GRACE),  # end + 1 month, inclusive
        (D(2018, 2, 15), DateStatus.EXPIRED),
    ],
)
def test_date_status_boundaries_are_the_documented_ones(
    on: dt.date, expected: DateStatus | None
) -> None:
    assert date_status(JOIN, END, on) == expected


def test_membership_without_end_date_stays_current() -> None:
    assert date_status(JOIN, None, D(2040, 1, 1)) is DateStatus.CURRENT


def test_short_membership_that_ended_within_three_months_is_in_grace_not_new() -> None:
    # Joined 15 Jan, ended 31 Jan: on 10 Feb it is past the end (grace), although New would
    # last until 15 April.
    assert date_status(JOIN, D(2017, 1, 31), D(2017, 2, 10)) is DateStatus.GRACE


def test_rules_are_parameters() -> None:
    rules = Rules(new_months=1, grace_months=0)
    assert date_status(JOIN, END, D(2017, 2, 15), rules) is DateStatus.CURRENT
    assert date_status(JOIN, END, D(2018, 1, 15), rules) is DateStatus.EXPIRED


def test_negative_rule_parameters_are_refused_all_at_once() -> None:
    with pytest.raises(ValueError, match=r"new_months.*grace_months"):
        Rules(new_months=-1, grace_months=-2)


def test_add_months_clips_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(D(2017, 1, 31), 1) == D(2017, 2, 28)
    assert add_months(D(2016, 1, 31), 1) == D(2016, 2, 29)
    assert add_months(D(2017, 11, 30), 3) == D(2018, 2, 28)
    assert add_months(D(2017, 3, 15), -3) == D(2016, 12, 15)


def test_administrator_status_overrides_the_computed_one() -> None:
    on = D(2017, 6, 1)
    assert status_code(JOIN, END, "", on) == "current"
    assert status_code(JOIN, END, "must_join", on) == "must_join"
    assert status_code(JOIN, END, "", D(2016, 1, 1)) == "not_started"


def test_unknown_administrator_status_is_refused() -> None:
    with pytest.raises(ValueError):
        status_code(JOIN, END, "expelled", D(2017, 6, 1))


def test_renewal_from_current_or_grace_extends_from_the_old_end_date() -> None:
    # Current (before the end) and Grace (within a month after): the new term starts the
    # day after the old end, 15 Jan 2018, and lasts 12 months less a day.
    assert renew(END, D(2017, 12, 1)) == (D(2018, 1, 15), D(2019, 1, 14))
    assert renew(END, D(2018, 2, 1)) == (D(2018, 1, 15), D(2019, 1, 14))


def test_renewal_from_expired_runs_from_the_renewal_date() -> None:
    assert renew(END, D(2018, 6, 1)) == (D(2018, 6, 1), D(2019, 5, 31))


def test_may_vote_follows_statuses_and_the_must_join_deadline() -> None:
    at = D(2017, 6, 1)
    assert may_vote(JOIN, END, "", at)
    assert not may_vote(JOIN, END, "", D(2018, 3, 1))  # expired
    assert may_vote(JOIN, END, "", D(2018, 2, 1))  # grace still counts
    assert not may_vote(JOIN, END, "", D(2016, 12, 31))  # not begun
    assert may_vote(JOIN, END, "suspended_retained", at)  # suspended, not expelled
    for status in ("pending_verification", "deemed_resigned", "cancelled", "deceased"):
        assert not may_vote(JOIN, END, status, at), status
    deadline = D(2017, 7, 1)
    assert may_vote(JOIN, END, AdminStatus.MUST_JOIN, D(2017, 7, 1), deadline=deadline)
    assert not may_vote(JOIN, END, AdminStatus.MUST_JOIN, D(2017, 7, 2), deadline=deadline)


def test_counts_per_group_and_over_time_by_hand() -> None:
    members = [
        Membership("Leeds", D(2017, 1, 15), END),
        Membership("Leeds", D(2016, 1, 1), D(2016, 12, 31)),
        Membership("Hackney", D(2016, 12, 15), None, "must_join"),
    ]
    by_group = counts_by_group(members, D(2017, 2, 1))
    # Leeds: one New (joined 15 Jan), one ended 31 Dec (Grace until 31 Jan, so on 1 Feb
    # Expired); Hackney: must_join (the administrator status overrides New).
    assert by_group == {"Hackney": {"must_join": 1}, "Leeds": {"new": 1, "expired": 1}}
    days = month_starts(D(2016, 12, 20), D(2017, 2, 3))
    assert days == [D(2016, 12, 1), D(2017, 1, 1), D(2017, 2, 1)]
    series = counts_over_time(members, days)
    # 1 Dec: only the 2016 member has begun (Current); Hackney begins on 15 Dec.
    assert series[0][1] == {"current": 1}
    # 1 Jan: the 2016 member is in Grace; the first Leeds member has not begun.
    assert series[1][1] == {"grace": 1, "must_join": 1}
    assert series[2][1] == {"new": 1, "expired": 1, "must_join": 1}


def test_counts_over_time_follow_the_history_of_administrator_statuses() -> None:
    # Set must_join on 10 Feb, cleared by a decision on 10 Mar: counted as must_join only
    # on 1 Mar; on 1 Feb and 1 Apr the computed status (New, then Current) applies.
    member = Membership(
        "Leeds",
        D(2017, 1, 15),
        None,
        "",
        history=((D(2017, 2, 10), "must_join"), (D(2017, 3, 10), "")),
    )
    days = [D(2017, 2, 1), D(2017, 3, 1), D(2017, 4, 1), D(2017, 5, 1)]
    series = [dict(c) for _, c in counts_over_time([member], days)]
    assert series == [{"new": 1}, {"must_join": 1}, {"new": 1}, {"current": 1}]
