"""Small Scottish STV counts that can be checked by hand; the derivation is in each test."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from recuento.ballots import Election, Lot, count_stv
from recuento.errors import BallotError


def test_largest_surplus_is_transferred_first_whatever_the_ballot_order() -> None:
    # 100 valid papers, 3 seats: quota = floor(100 / 4) + 1 = 26.
    # Stage 1: A 30 (surplus 4), B 50 (surplus 24), C 10, D 10; A and B elected.
    # Rule 49: B's surplus (24) goes before A's (4) although A comes first on the ballot.
    # Stage 2: B's 50 papers all go to D at 24 x 1 / 50 = 0.48: D 10 + 24 = 34, elected.
    e = Election.build(list("ABCD"), [((0, 2), 30), ((1, 3), 50), ((2,), 10), ((3,), 10)], seats=3)
    r = count_stv(e)
    assert r.quota == 26
    assert r.stages[1].kind == "surplus" and r.stages[1].subject == ("B",)
    assert r.stages[1].transfer_values == {"1.00000": "0.48000"}
    assert r.stages[1].votes["D"] == D("34")
    assert r.elected == ("B", "A", "D")  # order of election: by votes within a stage
    assert len(r.stages) == 2  # seats filled: A's surplus is never transferred


def test_transfer_values_are_truncated_to_five_places_and_the_loss_is_reported() -> None:
    # 75 valid papers, 3 seats: quota = floor(75 / 4) + 1 = 19.
    # Stage 1: A 30, B 12, C 17, D 16. A elected, surplus 11.
    # Stage 2 (A's surplus): transfer value 11 x 1 / 30 = 0.366666... -> 0.36666 (truncated).
    #   B receives 30 x 0.36666 = 10.99980 -> 22.99980, elected; loss 11 - 10.9998 = 0.0002.
    # Stage 3 (B's surplus 3.99980, weighted inclusive Gregory: all of B's papers):
    #   12 first-preference papers (value 1): 3.9998 x 1 / 22.9998 = 0.173905... -> 0.17390;
    #      they show no further preference: non-transferable 12 x 0.17390 = 2.08680.
    #   30 papers received at 0.36666: 3.9998 x 0.36666 / 22.9998 = 0.063764... -> 0.06376;
    #      next preference C: C 17 + 30 x 0.06376 = 18.91280 (< 19).
    #   loss 3.9998 - 2.0868 - 1.9128 = 0.0002.
    # Stage 4: D (16) is lowest and excluded; D's papers are exhausted: non-transferable 16.
    #   C is the only continuing candidate for the one seat left: elected (rule 52).
    e = Election.build(list("ABCD"), [((0, 1, 2), 30), ((1,), 12), ((2,), 17), ((3,), 16)], seats=3)
    r = count_stv(e)
    s2, s3, s4 = r.stages[1], r.stages[2], r.stages[3]
    assert s2.transfer_values == {"1.00000": "0.36666"}
    assert (s2.votes["B"], s2.loss, s2.non_transferable) == (D("22.9998"), D("0.0002"), 0)
    assert s3.transfer_values == {"1.00000": "0.17390", "0.36666": "0.06376"}
    assert (s3.votes["C"], s3.non_transferable, s3.loss) == (D("18.9128"), D("2.0868"), D("0.0002"))
    assert s3.votes["B"] == 19 and s3.transfers["B"] == D("-3.9998")
    assert (s4.kind, s4.excluded, s4.elected) == ("exclusion", ("D",), ("C",))
    assert s4.non_transferable == 16
    assert r.elected == ("A", "B", "C")
    assert r.loss_total == D("0.0004") and r.non_transferable_total == D("18.0868")


def test_an_exclusion_tie_is_broken_by_the_most_recent_earlier_stage() -> None:
    # 36 valid papers, 2 seats: quota = floor(36 / 3) + 1 = 13.
    # Stage 1: A 20, B 6, C 5, D 3, E 2. A elected (surplus 7).
    # Stage 2: A's surplus: A's 20 papers show no further preference: 7 non-transferable.
    # Stage 3: E (2) excluded; both papers go to C: C 7.
    # Stage 4: D (3) excluded; one paper to B (B 7), two exhausted.
    # Stage 5: B and C are equal (7) and one must go. The most recent earlier stage at which
    #   they differed is stage 3 (B 6, C 7): B is excluded, C elected. (Looking at the
    #   *first* stage instead, B 6 > C 5, would have excluded C.)
    e = Election.build(
        list("ABCDE"),
        [((0,), 20), ((1,), 6), ((2,), 5), ((3, 1), 1), ((3,), 2), ((4, 2), 2)],
        seats=2,
    )
    r = count_stv(e)
    assert [s.kind for s in r.stages] == ["first", "surplus", "exclusion", "exclusion", "exclusion"]
    assert r.stages[4].excluded == ("B",)
    assert r.elected == ("A", "C")
    (tie,) = r.ties
    assert (tie.stage, tie.kind, tie.candidates) == (5, "exclusion", ("B", "C"))
    assert (tie.method, tie.decided_at, tie.chosen) == ("earlier_stage", 3, "B")


def _even_tie() -> Election:
    # 2 seats, 14 papers: quota = floor(14 / 3) + 1 = 5. A 8 elected, surplus 3; A's papers go
    # nowhere. Then B 3 and C 3 are equal at every stage: only a lot can exclude one.
    return Election.build(list("ABC"), [((0,), 8), ((1,), 3), ((2,), 3)], seats=2)


def test_a_tie_equal_at_every_stage_needs_a_recorded_lot() -> None:
    with pytest.raises(BallotError, match=r"A lot is needed at stage 3 \(exclusion\) between 2"):
        count_stv(_even_tie())


def test_an_explicit_lot_decides_and_is_recorded() -> None:
    r = count_stv(_even_tie(), lot=Lot(choices=["C"]))
    assert r.elected == ("A", "B")
    assert [(t.method, t.chosen, t.decided_at) for t in r.ties] == [("lot", "C", None)]


def test_a_recorded_lot_naming_someone_not_tied_is_refused() -> None:
    with pytest.raises(BallotError, match="not among the 2 tied at stage 3"):
        count_stv(_even_tie(), lot=Lot(choices=["A"]))


def test_a_seeded_lot_is_reproducible() -> None:
    first = count_stv(_even_tie(), lot=Lot(seed=7)).elected
    assert all(count_stv(_even_tie(), lot=Lot(seed=7)).elected == first for _ in range(3))


def test_withdrawn_candidates_are_skipped_and_blank_papers_are_invalid() -> None:
    # B withdrawn: the 4 papers "B, C" count for C at stage 1; the blank paper is invalid.
    # Valid 10, 1 seat: quota 6. A 5, C 5: no quota; C and A tie at every stage... except that
    # there is only stage 1, so a lot is needed; give one.
    e = Election.build(
        list("ABC"), [((0,), 5), ((1, 2), 4), ((2,), 1), ((), 1)], seats=1, withdrawn=[1]
    )
    r = count_stv(e, lot=Lot(choices=["A"]))
    assert (r.valid, r.invalid) == (10, 1)
    assert r.stages[0].votes == {"A": 5, "B": 0, "C": 5}
    assert r.elected == ("C",)


def test_an_election_with_only_blank_papers_is_an_error() -> None:
    with pytest.raises(BallotError, match="no valid paper"):
        count_stv(Election.build(["A", "B"], [((), 3)], seats=1))


def test_equal_candidates_elected_together_are_listed_in_ballot_order_without_a_lot() -> None:
    # 100 papers, 2 seats: quota 34. A and B both have 50 at stage 1: both are elected, so
    # the order in which they are listed changes nothing and needs no lot; the tie is
    # still recorded. (With seats filled, their equal surpluses are never transferred.)
    e = Election.build(["A", "B"], [((0,), 50), ((1,), 50)], seats=2)
    r = count_stv(e)
    assert r.elected == ("A", "B")
    assert [(t.kind, t.method) for t in r.ties] == [("election_order", "ballot_order")]


def test_equal_surpluses_need_earlier_stages_or_a_lot() -> None:
    # 3 seats, 100 papers: quota 26. A 35 and B 35 (surpluses 9 each) at stage 1, C 20,
    # D 10: whose surplus goes first is a rule 49 tie with no earlier stage: a lot.
    e = Election.build(list("ABCD"), [((0, 2), 35), ((1, 3), 35), ((2,), 20), ((3,), 10)], seats=3)
    with pytest.raises(BallotError, match=r"stage 2 \(surplus_order\)"):
        count_stv(e)
    r = count_stv(e, lot=Lot(choices=["B"]))
    assert r.stages[1].subject == ("B",)
    assert [(t.kind, t.method, t.chosen) for t in r.ties][-1] == ("surplus_order", "lot", "B")
