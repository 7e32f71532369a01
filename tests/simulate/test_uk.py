"""The UK membership setting: rolls with postcodes, e-mails, local groups (issue 8)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from recuento.simulate import ERROR_KINDS, SimulationError, simulate_lists, simulate_population
from recuento.simulate.vocab import FEMALE, load_vocabulary

POSTCODE = re.compile(r"^[A-Z]{1,2}\d{1,2} \d[ABDEFGHJLNPQRSTUWXYZ]{2}$")


@pytest.fixture(scope="module")
def uk_roll():
    pop = simulate_population(60000, seed=51, setting="uk")
    return simulate_lists(
        pop, scenario="uk_roll", seed=52, error_rate=dict.fromkeys(ERROR_KINDS, 0.2)
    )


def test_uk_people_have_one_surname_a_postcode_an_example_email_and_adult_ages():
    pop = simulate_population(3000, seed=53, setting="uk")
    assert (pop.surname2 == -1).all()
    assert pop.postcode is not None and pop.email is not None
    assert all(POSTCODE.match(p) for p in pop.postcode.tolist())
    assert all(e.endswith(".example") and e.count("@") == 1 for e in pop.email.tolist())
    assert pop.age.min() >= 18 and pop.age.max() <= 86
    assert abs(float((pop.sex == FEMALE).mean()) - 0.5) < 4.5 * math.sqrt(0.25 / 3000)
    years = set((pop.event_date.astype("datetime64[Y]").astype(int) + 1970).tolist())
    assert years == {2015, 2016, 2017}


def test_the_uk_vocabulary_has_150_local_groups_with_postcode_areas():
    vocab = load_vocabulary("uk")
    assert len(vocab.colonias) == len(set(vocab.colonias.tolist())) == 150
    assert all(re.match(r"^[A-Z]{1,2}$", a) for a in vocab.postcode_areas.tolist())
    assert vocab.abbreviations["William"][-1] == "W."


def test_uk_roll_sizes_and_overlaps_follow_the_scenario(uk_roll):
    captured = uk_roll.captured
    movement, party, expelled = captured[:, 0], captured[:, 1], captured[:, 2]
    n = len(movement)
    assert not (party & expelled).any()  # the expelled are off the party roll
    assert abs(party.mean() - 0.5) < 0.01
    assert 0.015 < movement.mean() < 0.025  # about 20,000 per million
    assert party[movement].mean() > 0.8
    assert expelled.sum() < 0.004 * n


def test_uk_error_kinds_are_realised_within_binomial_tolerance(uk_roll):
    # As for the Juárez lists: Binomial(n eligible, rate), 4.5 standard deviations.
    for name, source in uk_roll.sources.items():
        for kind in ("moved", "email_changed", "surname_changed", "nickname", "typo"):
            eligible = source.is_eligible(kind)
            n = int(eligible.sum())
            if n < 200:
                continue
            rate = uk_roll.error_rates[name][kind]
            observed = float(source.has_error(kind)[eligible].mean())
            assert abs(observed - rate) <= 4.5 * math.sqrt(rate * (1 - rate) / n), (name, kind)


def test_moves_and_new_addresses_change_the_recorded_values(uk_roll):
    pop = uk_roll.population
    party = uk_roll.sources["party"]
    assert pop.postcode is not None and pop.email is not None
    true_postcode = pop.postcode[party.person]
    recorded = np.array(party.columns["Postcode"], dtype=object)
    moved = party.has_error("moved")
    assert (recorded[moved] != true_postcode[moved]).all()
    assert (recorded[~moved] == true_postcode[~moved]).all()
    assert all(POSTCODE.match(p) for p in recorded[moved].tolist())
    emails = np.array(party.columns["Email address"], dtype=object)
    changed = party.has_error("email_changed")
    assert (emails[changed] != pop.email[party.person][changed]).all()


def test_naming_customs_decide_which_surname_errors_apply(uk_roll, juarez_small):
    for source in uk_roll.sources.values():
        for kind in ("married_surname", "missing_second_surname", "swapped_surnames"):
            assert not source.is_eligible(kind).any()
    for source in juarez_small.sources.values():
        assert not source.is_eligible("surname_changed").any()
        assert not source.is_eligible("moved").any()


def test_uk_roll_lists_use_english_headers(uk_roll):
    assert uk_roll.sources["movement"].headers[:3] == [
        "Membership number",
        "First name",
        "Last name",
    ]
    assert uk_roll.sources["party"].headers[0] == "Member ID"
    assert uk_roll.sources["expelled"].headers[:2] == ["Case no.", "Name"]


def test_a_scenario_for_one_setting_refuses_a_population_of_another():
    with pytest.raises(SimulationError, match="needs a population of the 'uk' setting"):
        simulate_lists(simulate_population(100, seed=1), scenario="uk_roll", seed=1)
