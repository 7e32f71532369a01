"""Invariants that hold for any population size, seed, scenario and error rate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.simulate import SCENARIOS, simulate_lists, simulate_population


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=2**32),
    scenario=st.sampled_from(sorted(SCENARIOS)),
    error_rate=st.sampled_from([0.0, 0.05, 0.3, 1.0]),
    duplicate_rate=st.sampled_from([None, 0.0, 1.0]),
)
def test_truth_is_consistent_for_any_parameters(n, seed, scenario, error_rate, duplicate_rate):
    setting = SCENARIOS[scenario].setting or "juarez"
    pop = simulate_population(n, seed=seed, setting=setting)
    sim = simulate_lists(
        pop, scenario=scenario, seed=seed, error_rate=error_rate, duplicate_rate=duplicate_rate
    )
    histories = sim.capture_histories()
    assert sum(histories.values()) == sim.documented <= sim.population_size == n
    assert all(any(pattern) for pattern in histories)
    assert len(sim.truth) == sim.n_records
    for name, source in sim.sources.items():
        assert len(set(source.record_ids)) == len(source)
        assert all(len(values) == len(source) for values in source.columns.values())
        assert not (source.errors & ~source.eligible).any()
        if duplicate_rate == 0.0:
            assert len(set(source.person.tolist())) == len(source)
        if error_rate == 0.0:
            assert not source.errors.any()
        for row in sim.lists[name][:5]:
            assert all(isinstance(v, str) for v in row.values())
