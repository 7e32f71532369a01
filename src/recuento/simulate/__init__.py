"""Synthetic populations and lists of people with known truth.

For the demo, the tests and the benchmarks: a population of synthetic people
(:func:`simulate_population`), lists that capture them with heterogeneous probabilities
and each source's own recording style and errors (:func:`simulate_lists`), and the files a
user would receive, with the truth beside them (:func:`write_lists`); and missing persons
with their degraded remains among others, for matching (:func:`synthetic_pairs`). Nothing here
describes a real person.

Example:
    >>> from recuento.simulate import simulate_population, simulate_lists
    >>> pop = simulate_population(2000, seed=1)
    >>> sim = simulate_lists(pop, scenario="juarez", seed=1)
    >>> sim.documented <= sim.population_size
    True
"""

from recuento.simulate.lists import (
    SimulatedLists,
    SourceList,
    resolve_error_rates,
    simulate_lists,
)
from recuento.simulate.population import Population, simulate_population
from recuento.simulate.remains import SyntheticMatching, synthetic_pairs
from recuento.simulate.scenarios import SCENARIOS, Scenario, get_scenario
from recuento.simulate.styles import (
    DEFAULT_ERROR_RATE,
    ERROR_KINDS,
    FILE_FORMATS,
    STYLES,
    ListStyle,
    SimulationError,
)
from recuento.simulate.vocab import SETTINGS
from recuento.simulate.write import write_lists

__all__ = [
    "DEFAULT_ERROR_RATE",
    "ERROR_KINDS",
    "FILE_FORMATS",
    "SCENARIOS",
    "SETTINGS",
    "STYLES",
    "ListStyle",
    "Population",
    "Scenario",
    "SimulatedLists",
    "SimulationError",
    "SourceList",
    "SyntheticMatching",
    "get_scenario",
    "resolve_error_rates",
    "simulate_lists",
    "simulate_population",
    "synthetic_pairs",
    "write_lists",
]
