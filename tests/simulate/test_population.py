"""Synthetic populations: reproducible, internally consistent, Mexican-looking."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

import numpy as np
import pytest

from recuento.simulate import SimulationError, simulate_population
from recuento.simulate.population import _CURP_ALPHABET
from recuento.simulate.vocab import FEMALE, load_vocabulary


def test_same_seed_gives_the_same_population_and_another_seed_does_not():
    a = simulate_population(500, seed=3).to_columns()
    b = simulate_population(500, seed=3).to_columns()
    c = simulate_population(500, seed=4).to_columns()
    assert a == b
    assert a["given_names"] != c["given_names"]


def test_age_is_whole_years_between_birth_and_event_dates():
    pop = simulate_population(2000, seed=5)
    cols = pop.to_columns()
    for birth, event, age in zip(cols["birth_date"], cols["event_date"], cols["age"], strict=True):
        b, e = dt.date.fromisoformat(birth), dt.date.fromisoformat(event)
        expected = e.year - b.year - ((e.month, e.day) < (b.month, b.day))
        assert int(age) == expected
        assert 10 <= expected <= 76


def test_event_dates_fall_within_the_configured_years():
    pop = simulate_population(3000, seed=6, years=(1995, 1999))
    years = pop.event_date.astype("datetime64[Y]").astype(int) + 1970
    assert years.min() >= 1995 and years.max() <= 1999
    assert set(years.tolist()) == {1995, 1996, 1997, 1998, 1999}


def test_share_of_women_is_realised_within_binomial_tolerance():
    # 20,000 Bernoulli(0.8) draws: sd = sqrt(0.8 * 0.2 / 20000) = 0.0028; allow 4.5 sd.
    pop = simulate_population(20000, seed=7, share_female=0.8)
    share = float((pop.sex == FEMALE).mean())
    assert abs(share - 0.8) < 4.5 * math.sqrt(0.8 * 0.2 / 20000)


def test_compound_given_names_are_common_and_never_repeat_an_element():
    pop = simulate_population(5000, seed=8)
    names = pop.given_names()
    compound = [n for n in names if " " in n]
    assert 0.25 < len(compound) / len(names) < 0.55
    assert Counter(names)["María Guadalupe"] > 50
    assert all(pop.given1[pop.given2 >= 0] != pop.given2[pop.given2 >= 0])


def test_surname_frequencies_are_heavy_tailed():
    pop = simulate_population(50000, seed=9)
    first, _ = pop.surnames()
    counts = Counter(first)
    top = [s for s, _ in counts.most_common(5)]
    assert {"Hernández", "García"} <= set(top)
    # The ten most common cover a large share, and many surnames appear only a few times.
    top10 = sum(c for _, c in counts.most_common(10)) / len(first)
    assert 0.2 < top10 < 0.4
    assert sum(1 for c in counts.values() if c <= 3) > 100


def test_curp_like_keys_have_the_curp_layout_but_a_wrong_check_digit():
    pop = simulate_population(300, seed=10)
    layout = re.compile(r"^[A-Z]{4}\d{6}[HM][A-Z]{2}[A-Z]{3}[0-9A-Z]\d$")
    for key, birth in zip(pop.curp(), pop.birth_date.astype(str).tolist(), strict=True):
        assert layout.match(key), key
        assert key[4:10] == birth[2:4] + birth[5:7] + birth[8:10]
        total = sum(_CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(key[:17]))
        assert int(key[17]) != (10 - total % 10) % 10


def test_vocabulary_holds_no_duplicate_entries_within_a_table():
    vocab = load_vocabulary("juarez")
    assert len(set(vocab.surnames.tolist())) == len(vocab.surnames)
    for table in vocab.given.values():
        assert len(set(table.codes.tolist())) == len(table.codes)
        assert np.isclose(table.probs.sum(), 1.0)


def test_bad_arguments_are_reported_together():
    with pytest.raises(SimulationError) as info:
        simulate_population(0, seed=1, share_female=2.0)
    assert "n must be at least 1" in str(info.value)
    assert "share_female" in str(info.value)


def test_unknown_setting_names_the_known_ones():
    with pytest.raises(SimulationError, match="the settings are: juarez, uk"):
        simulate_population(10, seed=1, setting="atlantis")
