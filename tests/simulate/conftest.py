"""Shared simulated data for the simulate tests (built once per session: it is read-only)."""

from __future__ import annotations

import pytest

from recuento.simulate import SimulatedLists, simulate_lists, simulate_population


@pytest.fixture(scope="session")
def juarez_small() -> SimulatedLists:
    """A small Juárez simulation with default error rates."""
    return simulate_lists(simulate_population(3000, seed=11), scenario="juarez", seed=12)


@pytest.fixture(scope="session")
def juarez_large_errors() -> SimulatedLists:
    """A larger Juárez simulation where every error kind has base rate 0.2."""
    from recuento.simulate import ERROR_KINDS

    pop = simulate_population(30000, seed=21)
    return simulate_lists(pop, seed=22, error_rate=dict.fromkeys(ERROR_KINDS, 0.2))
