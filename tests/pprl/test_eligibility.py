"""Eligibility statuses: the decision table, and a run on the small synthetic rolls."""

from __future__ import annotations

import datetime as dt

import pytest

from recuento.pprl.eligibility import STATUSES, Thresholds, decide, eligibility
from recuento.pprl.encode import encode_table
from recuento.pprl.keys import PPRLError

SECRET = b"test-secret-of-thirty-two-bytes!"
T = Thresholds(match=0.95, review=0.05)


@pytest.mark.parametrize(
    ("roll", "expelled", "status"),
    [
        (0.99, None, "eligible"),
        (None, None, "must_join"),
        (0.01, 0.01, "must_join"),
        (0.5, None, "review"),
        (0.99, 0.2, "review"),
        (None, 0.99, "deemed_resigned"),
        (0.3, 0.99, "deemed_resigned"),
        (0.99, 0.99, "review"),
    ],
)
def test_status_from_the_best_candidates(roll, expelled, status):
    rb = (roll, 0.9, "t") if roll is not None else None
    eb = (expelled, 0.9, "x") if expelled is not None else None
    assert decide(rb, eb, T) == status


def test_every_status_has_english_and_spanish_labels_and_review_says_uncertain():
    assert STATUSES["review"] == ("uncertain (review)", "incierto (revisar)")
    assert all(en and es for en, es in STATUSES.values())


def test_eligibility_on_synthetic_rolls_matches_the_truth_for_nearly_every_member(uk_rolls):
    members = encode_table(uk_rolls.movement, SECRET)
    roll = encode_table(uk_rolls.party, SECRET)
    expelled = encode_table(uk_rolls.expelled, SECRET)
    ids = uk_rolls.movement.column("id").to_pylist()
    rows, counts = eligibility(members, ids, roll, expelled, dt.date(2017, 7, 1))
    assert [r["id"] for r in rows] == ids
    assert sum(counts.values()) == len(ids)
    party = {uk_rolls.truth[("party", i)] for i in uk_rolls.party.column("id").to_pylist()}
    gone = {uk_rolls.truth[("expelled", i)] for i in uk_rolls.expelled.column("id").to_pylist()}
    wrong = 0
    for row in rows:
        person = uk_rolls.truth[("movement", row["id"])]
        expected = "eligible" if person in party else (
            "deemed_resigned" if person in gone else "must_join"
        )  # fmt: skip
        if row["status"] not in (expected, "review"):
            wrong += 1
        if row["status"] == "must_join":
            assert row["deadline"] == "2017-07-01"
        if row["status"] == "eligible":
            assert float(row["roll_probability"]) >= 0.95 and row["roll_token"]
    # A flat contradiction (eligible for someone not on the roll, or the reverse) is rare;
    # the grey zone goes to review.
    assert wrong <= 0.02 * len(rows)
    assert counts["review"] < 0.15 * len(rows)


def test_unordered_thresholds_are_refused(uk_rolls):
    members = encode_table(uk_rolls.movement.slice(0, 5), SECRET)
    with pytest.raises(PPRLError, match="must be above 0 and at most the match threshold"):
        eligibility(members, ["a"] * 5, members, None, dt.date(2017, 7, 1), Thresholds(0.5, 0.9))
