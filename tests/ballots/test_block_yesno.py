"""Block vote and yes/no consultations: small counts checked by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from recuento.ballots import Election, Lot, count_block, count_yesno, tally
from recuento.errors import BallotError


def test_block_vote_elects_the_seats_with_most_marks_and_rejects_over_marked_papers() -> None:
    # 2 seats, so a paper may mark 1 or 2 candidates.
    # Marks: A 5 + 2 = 7, B 5 + 3 = 8, C 4, D 3 (the paper "A B C" marks 3: invalid).
    e = Election.build(
        list("ABCD"),
        [((0, 1), 5), ((2,), 4), ((1, 3), 3), ((0,), 2), ((0, 1, 2), 1), ((), 2)],
        seats=2,
    )
    r = count_block(e)
    assert r.elected == ("B", "A")
    assert r.stages[0].votes == {"A": 7, "B": 8, "C": 4, "D": 3}
    assert (r.valid, r.invalid) == (14, 3)
    assert (r.extra["blank"], r.extra["over_marked"]) == (2, 1)


def test_block_vote_tie_for_the_last_seat_is_decided_by_a_recorded_lot() -> None:
    # A 6 is sure of a seat; B and C tie on 4 for the second: a lot decides.
    e = Election.build(list("ABC"), [((0, 1), 4), ((0, 2), 2), ((2,), 2)], seats=2)
    with pytest.raises(BallotError, match=r"A lot is needed at stage 1 \(last_seat\)"):
        count_block(e)
    r = count_block(e, lot=Lot(choices=["C"]))
    assert r.elected == ("A", "C")
    (tie,) = r.ties
    assert (tie.kind, tie.candidates, tie.method, tie.chosen) == (
        "last_seat",
        ("B", "C"),
        "lot",
        "C",
    )


def test_block_vote_ties_among_sure_winners_need_no_lot() -> None:
    # A and B tie on 3 but both are elected: no lot is drawn, ballot order lists them.
    e = Election.build(list("ABC"), [((0, 1), 3), ((2,), 1)], seats=2)
    r = count_block(e)
    assert r.elected == ("A", "B") and r.ties == ()


def test_yes_no_counts_abstentions_invalid_papers_and_turnout() -> None:
    # yes 60, no 30; abstentions: 10 blank + 5 marked "abstain"; 2 papers mark two options.
    # cast = 107 of an electorate of 200: turnout 53.50 %; yes share 60 / 90 = 66.67 %.
    e = Election.build(
        ["Sí / Yes", "No", "Abstención"],
        [((0,), 60), ((1,), 30), ((), 10), ((2,), 5), ((0, 1), 2)],
    )
    r = count_yesno(e, electorate=200)
    x = r.extra
    assert (x["yes"], x["no"], x["abstentions"], r.invalid, x["cast"]) == (60, 30, 15, 2, 107)
    assert (x["turnout"], x["yes_share"], x["no_share"]) == ("53.50", "66.67", "33.33")
    assert x["outcome"] == "carried" and r.elected == ("Sí / Yes",)
    assert r.valid == 90


def test_yes_no_two_thirds_majority_must_be_exceeded() -> None:
    # 60 yes of 90: exactly 2/3, which does not exceed 2/3: not carried.
    e = Election.build(["Yes", "No"], [((0,), 60), ((1,), 30)])
    assert count_yesno(e, majority=Fraction(2, 3)).extra["outcome"] == "not_carried"
    assert count_yesno(e, majority=Fraction(3, 5)).extra["outcome"] == "carried"


def test_yes_no_exact_tie_is_reported_as_a_tie() -> None:
    e = Election.build(["Yes", "No"], [((0,), 5), ((1,), 5)])
    r = count_yesno(e)
    assert r.extra["outcome"] == "tie" and r.elected == ()


def test_yes_no_refuses_files_with_other_than_two_or_three_options() -> None:
    e = Election.build(list("ABCD"), [((0,), 1)])
    with pytest.raises(BallotError, match="needs 2 options"):
        count_yesno(e)


def test_yes_no_refuses_an_electorate_smaller_than_the_papers() -> None:
    e = Election.build(["Yes", "No"], [((0,), 5)])
    with pytest.raises(BallotError, match="smaller than the papers cast"):
        count_yesno(e, electorate=3)


def test_tally_refuses_options_that_do_not_apply_to_the_method() -> None:
    e = Election.build(["Yes", "No"], [((0,), 5)])
    with pytest.raises(BallotError, match="apply only to --method stv or meek"):
        tally(e, method="block", quotas={"w": 1})
    with pytest.raises(BallotError, match="--electorate applies only"):
        tally(e, method="stv", electorate=10)
    with pytest.raises(BallotError, match="Unknown counting method"):
        tally(e, method="borda")
