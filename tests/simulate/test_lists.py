"""Simulated lists: truth, error rates and recording styles."""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pytest

from recuento.errors import ProblemsError
from recuento.simulate import (
    ERROR_KINDS,
    STYLES,
    SimulatedLists,
    simulate_lists,
    simulate_population,
)

NAME_KINDS = (
    "nickname", "abbreviation", "drop_given", "typo", "missing_second_surname",
    "swapped_surnames", "married_surname",
)  # fmt: skip


def test_same_seeds_reproduce_the_lists_and_truth_exactly():
    pop = simulate_population(800, seed=1)
    a = simulate_lists(pop, seed=2)
    b = simulate_lists(simulate_population(800, seed=1), seed=2)
    c = simulate_lists(pop, seed=3)
    assert a.lists == b.lists
    assert a.truth == b.truth
    assert a.lists != c.lists


def test_every_record_has_a_true_person_who_is_captured_by_that_list(juarez_small):
    sim = juarez_small
    assert len(sim.truth) == sim.n_records
    for j, (name, source) in enumerate(sim.sources.items()):
        assert len(set(source.record_ids)) == len(source)  # ids unique within a list
        assert sim.captured[source.person, j].all()
        # Every captured person has at least one record; duplicates are the only extra.
        assert set(source.person.tolist()) == set(np.flatnonzero(sim.captured[:, j]).tolist())
        for rid, p in zip(source.record_ids[:50], source.person[:50].tolist(), strict=True):
            assert sim.truth[(name, rid)] == sim.population.person_id(p)


def test_documented_and_capture_histories_agree(juarez_small):
    sim = juarez_small
    histories = sim.capture_histories()
    assert len(histories) == 2**4 - 1
    assert all(any(pattern) for pattern in histories)
    assert sum(histories.values()) == sim.documented
    assert 0 < sim.documented <= sim.population_size
    persons = set()
    for source in sim.sources.values():
        persons.update(source.person.tolist())
    assert len(persons) == sim.documented


def test_lists_hold_a_few_within_list_duplicates(juarez_small):
    for source in juarez_small.sources.values():
        extra = len(source) - len(set(source.person.tolist()))
        assert 0 < extra < 0.1 * len(source)


def test_configured_error_rates_are_realised_within_binomial_tolerance(juarez_large_errors):
    # Each kind hits each eligible record independently with the configured rate, so the
    # number hit among n eligible records is Binomial(n, rate). Allow 4.5 standard
    # deviations: across the ~50 (list, kind) checks the chance of a false alarm for a
    # correct simulator is below 1e-3 (and the seed is fixed).
    sim = juarez_large_errors
    checked = 0
    for name, source in sim.sources.items():
        for kind in ERROR_KINDS:
            eligible = source.is_eligible(kind)
            n = int(eligible.sum())
            rate = sim.error_rates[name][kind]
            assert not (source.has_error(kind) & ~eligible).any()
            if n < 200:
                continue
            observed = float(source.has_error(kind)[eligible].mean())
            tolerance = 4.5 * math.sqrt(rate * (1 - rate) / n) + 1e-9
            assert abs(observed - rate) <= tolerance, (name, kind, observed, rate, n)
            checked += 1
    assert checked >= 40


def test_style_multipliers_shape_the_rates(juarez_large_errors):
    rates = juarez_large_errors.error_rates
    assert rates["fiscalia"]["nickname"] == pytest.approx(0.2 * 0.1)
    assert rates["prensa"]["missing_second_surname"] == pytest.approx(0.6)
    assert rates["prensa"]["birth_missing"] == pytest.approx(0.2)  # no column: never eligible
    assert not juarez_large_errors.sources["prensa"].is_eligible("birth_missing").any()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.upper().replace("Ñ", "\0"))
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\0", "Ñ")


def test_records_without_name_errors_carry_the_true_name(juarez_small):
    sim = juarez_small
    pop = sim.population
    source = sim.sources["ong"]
    given = pop.given_names(source.person)
    first, second = pop.surnames(source.person)
    name_bits = np.zeros(len(source), dtype=bool)
    for kind in NAME_KINDS:
        name_bits |= source.has_error(kind)
    cols = source.columns
    for i in np.flatnonzero(~name_bits).tolist():
        assert cols["Nombre(s)"][i] == given[i]
        assert cols["Apellido paterno"][i] == first[i]
        assert cols["Apellido materno"][i] == second[i]
    changed = 0
    for i in np.flatnonzero(name_bits).tolist():
        record = (cols["Nombre(s)"][i], cols["Apellido paterno"][i], cols["Apellido materno"][i])
        changed += record != (given[i], first[i], second[i])
    assert changed == int(name_bits.sum())


def test_zero_error_rate_gives_clean_records():
    pop = simulate_population(1500, seed=31)
    sim = simulate_lists(pop, seed=32, error_rate=0.0)
    for source in sim.sources.values():
        assert not source.errors.any()
    fiscalia = sim.sources["fiscalia"]
    first, second = pop.surnames(fiscalia.person)
    expected = [
        _fold(" ".join(p for p in (a, b, g) if p))
        for a, b, g in zip(first, second, pop.given_names(fiscalia.person), strict=True)
    ]
    assert fiscalia.columns["NOMBRE"] == expected
    births = pop.birth_date[fiscalia.person].astype(str).tolist()
    assert fiscalia.columns["FECHA NAC"] == [f"{b[8:10]}/{b[5:7]}/{b[:4]}" for b in births]
    assert fiscalia.columns["EDAD"] == [str(a) for a in pop.age[fiscalia.person].tolist()]


_DATE_PATTERNS = {
    "iso": r"\d{4}-\d{2}-\d{2}",
    "dmy": r"\d{2}/\d{2}/\d{4}",
    "dmy_short": r"\d{1,2}/\d{1,2}/\d{2}",
    "es_long": r"\d{1,2} de [a-z]+ de \d{4}",
    "en_long": r"\d{1,2} [A-Z][a-z]+ \d{4}",
}


def _matches_style_dates(values: list[str], formats: list[str], partial: bool) -> bool:
    alternatives = [_DATE_PATTERNS[f] for f in formats] + ([r"\d{4}", ""] if partial else [])
    pattern = re.compile("^(?:" + "|".join(alternatives) + ")$")
    return all(pattern.match(v) for v in values)


def test_each_list_is_written_in_its_scenario_style(juarez_small):
    sim: SimulatedLists = juarez_small
    for name, style_name in zip(sim.scenario.lists, sim.scenario.styles, strict=True):
        source = sim.sources[name]
        style = STYLES[style_name]
        assert source.headers == list(style.headers)
        rows = sim.lists[name]
        assert list(rows[0]) == list(style.headers)
        if style.has("birth_date"):
            values = source.columns[source.header_of("birth_date") or ""]
            assert _matches_style_dates(values, list(style.birth_formats), partial=True)
        if style.has("event_date"):
            values = source.columns[source.header_of("event_date") or ""]
            assert _matches_style_dates(values, list(style.event_formats), partial=False)
        if style.has("sex"):
            assert set(source.columns[source.header_of("sex") or ""]) <= set(style.sex_labels)
    fiscalia = sim.sources["fiscalia"].columns
    assert all(v == _fold(v) for v in fiscalia["NOMBRE"])  # capitals, no accents
    assert any(v.startswith("CI-") for v in fiscalia["EXPEDIENTE"])
    assert any(fiscalia["CURP"]) and not all(fiscalia["CURP"])
    assert "Fecha de nacimiento" not in sim.sources["prensa"].headers  # age only
    assert any(re.search(r"[áéíóúñ]", v) for v in sim.sources["prensa"].columns["Nombre"])


def test_surnames_first_style_puts_the_paternal_surname_first():
    pop = simulate_population(400, seed=41)
    sim = simulate_lists(pop, seed=42, error_rate=0.0)
    fiscalia = sim.sources["fiscalia"]
    first, _ = pop.surnames(fiscalia.person)
    for name, surname in zip(fiscalia.columns["NOMBRE"], first, strict=True):
        assert name.startswith(_fold(surname) + " ")


def test_unknown_error_kind_and_bad_rates_are_reported_together():
    pop = simulate_population(50, seed=1)
    with pytest.raises(ProblemsError) as info:
        simulate_lists(pop, seed=1, error_rate={"tyop": 0.1, "nickname": 3.0})
    assert len(info.value.problems) == 2
    assert "unknown error kind 'tyop'" in str(info.value)


def test_lists_maps_each_name_to_rows_keyed_by_the_source_headers(juarez_small):
    sim = juarez_small
    assert list(sim.lists) == ["prensa", "ong", "fiscalia", "familias"]
    assert len(sim.lists) == 4 and "ong" in sim.lists and "nope" not in sim.lists
    ong = sim.lists["ong"]
    assert len(ong) == len(sim.sources["ong"])
    assert ong[0]["Folio"] == sim.sources["ong"].record_ids[0]
    assert sim.truth[("ong", ong[0]["Folio"])].startswith("P")
