"""Surname frequencies of the simulated settings: a realistic UK roll, an unchanged Juárez one."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import numpy as np
import pytest

from recuento.simulate import simulate_population
from recuento.simulate.vocab import RARE_SURNAME_SHARE, load_vocabulary


@pytest.fixture(scope="module")
def uk_surnames() -> list[str]:
    pop = simulate_population(100_000, seed=81, setting="uk")
    return load_vocabulary("uk").surnames[pop.surname1].tolist()


def test_uk_surname_shares_are_close_to_those_of_great_britain(uk_surnames):
    # Approximate shares in Great Britain (general public knowledge, see RARE_SURNAME_SHARE):
    # Smith about 1.2% of people, Jones under 1%, the few hundred most common surnames about
    # 40%. Bands: Smith 1-1.5%, Jones 0.6-1%, the 318 listed surnames 35-45%. At 100,000
    # draws one standard deviation is 0.035 points for Smith and 0.15 for the listed share.
    n = len(uk_surnames)
    counts = Counter(uk_surnames)
    vocab = load_vocabulary("uk")
    listed = set(vocab.surnames[: len(vocab.surnames) - len(vocab.rare_surname_codes)].tolist())
    assert 0.010 <= counts["Smith"] / n <= 0.015
    assert 0.006 <= counts["Jones"] / n <= 0.010
    assert 0.35 <= sum(counts[s] for s in listed) / n <= 0.45


def test_no_uk_tail_surname_is_as_common_as_a_listed_one():
    vocab = load_vocabulary("uk")
    probs = vocab.surname_table.probs
    tail = vocab.rare_surname_codes
    assert len(tail) > 20_000
    assert probs[tail].max() < probs[: tail[0]].min()
    assert abs(probs[tail].sum() - RARE_SURNAME_SHARE["uk"]) < 1e-9


def test_uk_tail_surnames_look_english_and_are_not_listed_surnames():
    vocab = load_vocabulary("uk")
    tail = vocab.surnames[vocab.rare_surname_codes].tolist()
    listed = vocab.surnames[: vocab.rare_surname_codes[0]].tolist()
    assert not set(tail) & set(listed)
    assert all(re.fullmatch(r"[A-Z][a-z]{3,}", s) for s in tail)
    assert not re.search(r"(.)\1\1", "".join(tail))  # no letter three times in a row
    assert "Ashley" in tail and "Bradford" in tail


def test_juarez_surnames_drawn_with_a_seed_are_unchanged():
    # Golden value: the surnames of this population as drawn before the UK tail was made
    # per setting (commit fd56107). The Juárez setting must keep its draws for a seed.
    pop = simulate_population(20_000, seed=7, setting="juarez")
    vocab = load_vocabulary("juarez")
    codes = np.r_[pop.surname1, pop.surname2[pop.surname2 >= 0]]
    drawn = "\n".join(vocab.surnames[codes].tolist())
    assert len(vocab.surnames) == 1311
    assert RARE_SURNAME_SHARE["juarez"] == 0.08
    assert (
        hashlib.sha256(drawn.encode()).hexdigest()
        == "61815c222d851933a82814a0fb52efd30acbfd3cff78f814059010d7734cb3f5"
    )
