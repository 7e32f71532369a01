"""Group quotas by constrained exclusion: small counts checked by hand."""

from __future__ import annotations

import pytest

from recuento.ballots import Candidate, Election, count_meek, count_stv, parse_quota
from recuento.errors import BallotError


def _cands(spec: str) -> list[Candidate]:
    # "M1 M2 W:women" -> candidates; ":g1,g2" marks groups.
    out = []
    for token in spec.split():
        name, _, groups = token.partition(":")
        out.append(Candidate(name, frozenset(g for g in groups.split(",") if g)))
    return out


def test_a_quota_forces_the_exclusion_of_candidates_outside_the_group() -> None:
    # 100 papers, 2 seats: quota 34. At least 1 woman (W).
    # Stage 1: M1 40, M2 30, M3 20, W 10. M1 elected: a woman can still take the last seat.
    # Stage 2: M1's surplus 6 (papers show no next preference): 6 non-transferable.
    # Now 1 seat is left and 1 woman is needed: electing M2 or M3 would break the quota, so
    # both are blocked and excluded, the lowest first (stage 3: M3, stage 4: M2), although
    # W has fewer votes; W, the last continuing candidate, takes the seat (rule 52).
    e = Election.build(
        _cands("M1 M2 M3 W:women"), [((0,), 40), ((1,), 30), ((2,), 20), ((3,), 10)], seats=2
    )
    r = count_stv(e, quotas={"women": 1})
    assert [s.excluded for s in r.stages[2:]] == [("M3",), ("M2",)]
    assert r.elected == ("M1", "W")
    assert r.constraints == {"women": 1}
    # Without the quota: W (lowest) goes at stage 3, then M3; M2 takes the seat.
    assert count_stv(e).elected == ("M1", "M2")


def test_a_candidate_who_reaches_the_quota_is_not_elected_when_that_breaks_a_group_quota() -> None:
    # 100 papers, 2 seats: quota 34. Stage 1: M1 40, M2 35, W 25; both men reach the quota,
    # but electing both leaves no seat for a woman: M1 (more votes) is elected, M2 is
    # blocked, his surplus is never transferred, and he is excluded at stage 3 after M1's
    # surplus (stage 2). His 35 papers go to W (second preference): W 60, elected.
    e = Election.build(_cands("M1 M2 W:women"), [((0,), 40), ((1, 2), 35), ((2,), 25)], seats=2)
    r = count_stv(e, quotas={"women": 1})
    assert r.stages[0].elected == ("M1",)
    assert [(s.kind, s.subject) for s in r.stages[1:]] == [
        ("surplus", ("M1",)),
        ("exclusion", ("M2",)),
    ]
    assert r.stages[2].votes["W"] == 60
    assert r.elected == ("M1", "W")


def test_a_quota_already_met_changes_nothing() -> None:
    e = Election.build(_cands("W:women M1 M2"), [((0,), 50), ((1,), 30), ((2,), 20)], seats=2)
    assert count_stv(e, quotas={"women": 1}).elected == count_stv(e).elected == ("W", "M1")


def test_overlapping_groups_are_met_together() -> None:
    # 3 seats; at least 1 woman and 1 under-30. X is both; electing X meets both quotas, so
    # the two men with most votes can take the other seats.
    e = Election.build(
        _cands("M1 M2 X:women,under30 M3"),
        [((0,), 30), ((1,), 28), ((2,), 12), ((3,), 25)],
        seats=3,
    )
    assert set(count_stv(e).elected) == {"M1", "M2", "M3"}  # all three reach quota 24
    r = count_stv(e, quotas={"women": 1, "under30": 1})
    assert set(r.elected) == {"M1", "M2", "X"}


def test_meek_applies_quotas_the_same_way() -> None:
    e = Election.build(
        _cands("M1 M2 M3 W:women"), [((0,), 40), ((1,), 30), ((2,), 20), ((3,), 10)], seats=2
    )
    assert count_meek(e, quotas={"women": 1}).elected == ("M1", "W")


def test_impossible_quotas_are_refused_before_counting() -> None:
    e = Election.build(_cands("A:w B C"), [((0,), 1)], seats=2)
    with pytest.raises(BallotError, match="too few candidates in the groups"):
        count_stv(e, quotas={"w": 2})
    with pytest.raises(BallotError, match="no candidate belongs to the group 'x'"):
        count_stv(e, quotas={"x": 1})
    with pytest.raises(BallotError, match=r"the quota for 'w' \(3\) is more than the 2 seats"):
        count_stv(e, quotas={"w": 3})


def test_quota_text_is_group_colon_minimum() -> None:
    assert parse_quota("women:2") == ("women", 2)
    assert parse_quota(" under 30 : 1 ") == ("under 30", 1)
    with pytest.raises(BallotError, match="GROUP:MIN"):
        parse_quota("women=2")
