"""Capture scenarios: each realises the capture probabilities it states."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recuento.simulate import SCENARIOS, STYLES, SimulationError, simulate_lists
from recuento.simulate import simulate_population as population
from recuento.simulate.scenarios import (
    IndependentCapture,
    LatentClassCapture,
    RaschCapture,
    Scenario,
    first_lists,
    get_scenario,
)

N = 20000


def _marginal(scenario: Scenario) -> np.ndarray:
    """Expected share of the population on each list."""
    capture = scenario.capture
    if isinstance(capture, IndependentCapture):
        return np.asarray(capture.probs)
    if isinstance(capture, LatentClassCapture):
        w = np.asarray(capture.weights, dtype=float)
        return (w / w.sum()) @ np.asarray(capture.probs)
    assert isinstance(capture, RaschCapture)
    # E[expit(logit p + z)], z ~ N(0, sigma²), by Gauss-Hermite quadrature (probabilists').
    x, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / w.sum()
    logit = np.log(np.asarray(capture.probs) / (1 - np.asarray(capture.probs)))
    return (w[:, None] / (1 + np.exp(-(logit[None, :] + capture.sigma * x[:, None])))).sum(0)


@pytest.mark.parametrize("name", [n for n, s in SCENARIOS.items() if not s.dependence])
def test_reference_scenarios_realise_their_marginal_capture_probabilities(name):
    # Each person's presence on list j is Bernoulli with marginal probability p̄_j (the
    # latent class or z is drawn independently per person), so the count on list j is
    # Binomial(N, p̄_j): allow 4.5 standard deviations.
    scenario = SCENARIOS[name]
    rng = np.random.default_rng(5)
    captured = scenario.capture_matrix(N, rng)
    expected = _marginal(scenario)
    for j, p in enumerate(expected):
        assert abs(captured[:, j].mean() - p) <= 4.5 * math.sqrt(p * (1 - p) / N), (name, j)


def test_latent_classes_make_lists_positively_dependent():
    # hrdag_sim4: people in the high-capture classes are on several lists, so being on
    # list 1 raises the chance of being on list 2 well above its marginal.
    captured = SCENARIOS["hrdag_sim4"].capture_matrix(N, np.random.default_rng(6))
    on1 = captured[:, 0]
    assert captured[on1, 1].mean() > 2 * captured[~on1, 1].mean()


def test_independent_lists_are_independent_within_tolerance():
    captured = SCENARIOS["indep_4lists"].capture_matrix(N, np.random.default_rng(7))
    on1 = captured[:, 0]
    diff = captured[on1, 1].mean() - captured[~on1, 1].mean()
    assert abs(diff) < 4.5 * math.sqrt(0.25 * 0.75 * (1 / on1.sum() + 1 / (~on1).sum()))


def test_juarez_families_reporting_raises_the_ngo_capture():
    captured = SCENARIOS["juarez"].capture_matrix(N, np.random.default_rng(8))
    ong, familias = captured[:, 1], captured[:, 3]
    assert ong[familias].mean() > ong[~familias].mean() + 0.2


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_makes_styled_lists_with_consistent_truth(name):
    scenario = SCENARIOS[name]
    setting = scenario.setting or "juarez"
    sim = simulate_lists(population(1500, seed=9, setting=setting), scenario=name, seed=10)
    assert sim.list_names == list(scenario.lists)
    histories = sim.capture_histories()
    assert len(histories) == 2 ** len(scenario.lists) - 1
    assert sum(histories.values()) == sim.documented <= sim.population_size
    for list_name, style in zip(scenario.lists, scenario.styles, strict=True):
        assert sim.sources[list_name].headers == list(STYLES[style].headers)


def test_reference_scenarios_use_english_headers_on_the_fifth_list():
    sim = simulate_lists(population(500, seed=1), scenario="mv2016_sim1", seed=2)
    assert sim.sources["list5"].headers[:3] == ["Record ID", "First name", "Surname"]


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(SimulationError, match="the scenarios are: juarez, uk_roll, mv2016_sim1"):
        get_scenario("kosovo")


def test_a_custom_scenario_with_a_dependence_cycle_is_refused():
    scenario = Scenario(
        name="loop",
        description="two lists that each depend on the other",
        lists=("a", "b"),
        styles=("prensa", "ong"),
        capture=IndependentCapture(probs=(0.3, 0.3)),
        dependence=(("a", "b", 1.0), ("b", "a", 1.0)),
    )
    with pytest.raises(SimulationError, match="cycle"):
        simulate_lists(population(50, seed=1), scenario=scenario, seed=1)


def test_first_lists_keeps_the_capture_of_the_kept_lists():
    full = SCENARIOS["juarez"]
    three = first_lists(full, 3)
    assert three.lists == ("prensa", "ong", "fiscalia")
    assert three.dependence == ()  # familias -> ong went with familias
    assert isinstance(three.capture, LatentClassCapture)
    assert three.capture.probs == tuple(row[:3] for row in full.capture.probs)
    sim = simulate_lists(population(300, seed=1), scenario=three, seed=2)
    assert len(next(iter(sim.capture_histories()))) == 3
    with pytest.raises(SimulationError, match="ask for between 1 and 4"):
        first_lists(full, 5)


def test_juarez_year_effects_make_strata_differ():
    # The prosecutor records fewer events of 1993-1997 (log-odds -1); across 20,000
    # people the difference in capture rates is far beyond sampling error.
    scenario = SCENARIOS["juarez"]
    years = np.random.default_rng(9).integers(1993, 2024, N)
    captured = scenario.capture_matrix(N, np.random.default_rng(10), years)
    fiscalia = captured[:, 2]
    early = (years >= 1993) & (years <= 1997)
    assert fiscalia[early].mean() < fiscalia[~early].mean() - 0.05
    without = scenario.capture_matrix(N, np.random.default_rng(10))  # no years: no effects
    assert abs(without[early, 2].mean() - without[~early, 2].mean()) < 0.03


def test_capture_histories_by_stratum_add_up_to_the_whole():
    sim = simulate_lists(population(2000, seed=11), seed=12)
    total = sim.capture_histories()
    for by in ("year", "sex", "municipio"):
        strata = sim.capture_histories_by(by)
        assert len(strata) > 1
        for pattern, count in total.items():
            assert sum(h[pattern] for h in strata.values()) == count
    assert set(sim.capture_histories_by("sex")) == {"F", "M"}
    with pytest.raises(SimulationError, match="cannot stratify by 'colour'"):
        sim.capture_histories_by("colour")
