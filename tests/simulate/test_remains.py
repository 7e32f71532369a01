"""The synthetic missing/remains generator, now in recuento.simulate."""

from __future__ import annotations

from recuento.simulate import synthetic_pairs


def test_the_same_seed_gives_the_same_cases_remains_and_truth():
    a = synthetic_pairs(20, extra_remains=30, seed=9)
    b = synthetic_pairs(20, extra_remains=30, seed=9)
    assert a == b
    assert a != synthetic_pairs(20, extra_remains=30, seed=10)


def test_each_case_has_exactly_one_true_remains_record_among_the_others():
    data = synthetic_pairs(25, extra_remains=40, seed=2)
    ids = [r.id for r in data.remains]
    assert len(ids) == len(set(ids)) == 65
    assert sorted(data.truth) == sorted(c.id for c in data.missing)
    assert len(set(data.truth.values())) == 25
    assert set(data.truth.values()) <= set(ids)
