"""Properties that every count must have, on random elections (hypothesis).

* A count never elects more candidates than seats, never elects anyone twice, and fills
  every seat when there are enough candidates.
* Votes are conserved at every stage: candidates' votes + non-transferable papers + value
  lost to truncation = valid papers, exactly (the loss is reported, and never negative).
* With group quotas that can be met, the elected meet them.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recuento.ballots import Election, Lot, count_block, count_meek, count_stv
from recuento.ballots.results import CountResult

from .ballot_strategies import elections


def _check_conservation(result: CountResult) -> None:
    nt = loss = Decimal(0)
    for stage in result.stages:
        nt += stage.non_transferable
        loss += stage.loss
        assert stage.loss >= 0
        assert all(v >= 0 for v in stage.votes.values())
        assert sum(stage.votes.values()) + nt + loss == result.valid


def _check_seats(result: CountResult, election: Election) -> None:
    assert len(result.elected) == len(set(result.elected))
    assert len(result.elected) <= election.seats
    assert len(result.elected) == min(election.seats, len(election.candidates))


@settings(max_examples=150, deadline=None)
@given(elections())
def test_scottish_stv_fills_the_seats_and_conserves_votes(election: Election) -> None:
    result = count_stv(election, lot=Lot(seed=1))
    _check_seats(result, election)
    _check_conservation(result)
    # Truncation loses less than 0.00001 per paper moved in a surplus transfer, and nothing
    # in an exclusion.
    for stage in result.stages:
        assert stage.loss < Decimal("0.00001") * result.valid or stage.loss == 0
        assert stage.kind == "surplus" or stage.loss == 0


@settings(max_examples=100, deadline=None)
@given(elections())
def test_meek_fills_the_seats_and_conserves_votes_exactly(election: Election) -> None:
    result = count_meek(election, lot=Lot(seed=1))
    _check_seats(result, election)
    _check_conservation(result)
    assert result.loss_total == 0


@settings(max_examples=100, deadline=None)
@given(elections())
def test_block_vote_never_elects_more_than_the_seats(election: Election) -> None:
    assume(any(0 < len(seq) <= election.seats for seq, _ in election.ballots))
    result = count_block(election, lot=Lot(seed=1))
    assert len(set(result.elected)) == len(result.elected)
    assert len(result.elected) == min(election.seats, len(election.candidates))


@settings(max_examples=100, deadline=None)
@given(elections(groups=True), st.integers(1, 3))
def test_elected_meet_every_group_quota_that_can_be_met(election: Election, minimum: int) -> None:
    members = sum("g" in c.groups for c in election.candidates)
    minimum = min(minimum, members, election.seats)
    if minimum == 0:
        return
    for count in (count_stv, count_meek):
        result = count(election, quotas={"g": minimum}, lot=Lot(seed=2))
        _check_seats(result, election)
        elected = {c.name for c in election.candidates if "g" in c.groups} & set(result.elected)
        assert len(elected) >= minimum
