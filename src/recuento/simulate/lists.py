"""Lists that capture a synthetic population, with the truth kept beside them.

:func:`simulate_lists` draws who each list records (a scenario of
:mod:`recuento.simulate.scenarios`), adds a few within-list duplicates, applies each
source's record errors (:mod:`recuento.simulate.corrupt`) and writes each record the way its
source writes (:mod:`recuento.simulate.render`). The result, :class:`SimulatedLists`, keeps
for every record the true person, and the error kinds the record carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product

import numpy as np

from recuento.errors import ProblemsError
from recuento.simulate.corrupt import Draft, apply_errors
from recuento.simulate.population import Population
from recuento.simulate.render import render_columns
from recuento.simulate.scenarios import Scenario, get_scenario
from recuento.simulate.styles import (
    DEFAULT_ERROR_RATE,
    ERROR_BIT,
    ERROR_KINDS,
    KIND_WEIGHTS,
    STYLES,
    ListStyle,
    SimulationError,
)


@dataclass
class SourceList:
    """One simulated list: its records as the source wrote them, and their truth.

    Attributes:
        name: the list's name (the file stem when written).
        style: how the source writes.
        columns: header -> values, in column order, one value per record.
        record_ids: the id of each record (also the first column).
        person: the population row of each record's true person.
        errors: bit mask of the error kinds each record carries (``ERROR_BIT``).
        eligible: bit mask of the error kinds each record could have carried.
    """

    name: str
    style: ListStyle
    columns: dict[str, list[str]]
    record_ids: list[str]
    person: np.ndarray
    errors: np.ndarray
    eligible: np.ndarray

    def __len__(self) -> int:
        return len(self.record_ids)

    @property
    def headers(self) -> list[str]:
        """The list's headers, in column order."""
        return list(self.columns)

    def header_of(self, field_name: str) -> str | None:
        """The header the source uses for a canonical field, or ``None``."""
        return dict(self.style.columns).get(field_name)

    def rows(self) -> list[dict[str, str]]:
        """The records as dicts keyed by the source's headers."""
        headers = self.headers
        return [
            dict(zip(headers, values, strict=True))
            for values in zip(*self.columns.values(), strict=True)
        ]

    def has_error(self, kind: str) -> np.ndarray:
        """Boolean array: which records carry error ``kind``."""
        return (self.errors & ERROR_BIT[kind]) != 0

    def is_eligible(self, kind: str) -> np.ndarray:
        """Boolean array: which records could have carried error ``kind``."""
        return (self.eligible & ERROR_BIT[kind]) != 0


class _RowsByList(Mapping[str, list[dict[str, str]]]):
    """list name -> rows, built on first access and kept."""

    def __init__(self, sources: dict[str, SourceList]) -> None:
        self._sources = sources
        self._rows: dict[str, list[dict[str, str]]] = {}

    def __getitem__(self, name: str) -> list[dict[str, str]]:
        if name not in self._rows:
            self._rows[name] = self._sources[name].rows()
        return self._rows[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def error_names(mask: int) -> list[str]:
    """The error kinds in a bit mask, in :data:`ERROR_KINDS` order."""
    return [kind for kind, bit in ERROR_BIT.items() if mask & bit]


@dataclass
class SimulatedLists:
    """Simulated lists with their known truth.

    Attributes:
        population: the true population.
        scenario: the capture scenario.
        seed: the seed of :func:`simulate_lists`.
        sources: list name -> :class:`SourceList`, in scenario order.
        error_rates: list name -> error kind -> the rate applied among eligible records.
        captured: boolean ``(N, K)`` array: which person is on which list.
    """

    population: Population
    scenario: Scenario
    seed: int
    sources: dict[str, SourceList]
    error_rates: dict[str, dict[str, float]]
    captured: np.ndarray = field(repr=False)

    @property
    def list_names(self) -> list[str]:
        """List names in scenario order (the column order of capture histories)."""
        return list(self.sources)

    @cached_property
    def lists(self) -> Mapping[str, list[dict[str, str]]]:
        """list name -> rows, each a dict keyed by that source's own headers.

        A read-only mapping that builds a list's rows the first time they are asked for, so
        that iterating over the names of a million-record simulation costs nothing.
        """
        return _RowsByList(self.sources)

    @cached_property
    def truth(self) -> dict[tuple[str, str], str]:
        """(list name, record id) -> true person id."""
        return {(source, rid): pid for source, rid, pid, _ in self.truth_rows()}

    def truth_rows(self) -> Iterator[tuple[str, str, str, str]]:
        """(list name, record id, person id, error kinds joined by ``;``) per record."""
        names: dict[int, str] = {}
        for name, source in self.sources.items():
            pids = self.population.person_ids(source.person)
            for rid, pid, mask in zip(source.record_ids, pids, source.errors.tolist(), strict=True):
                if mask not in names:
                    names[mask] = ";".join(error_names(mask))
                yield name, rid, pid, names[mask]

    @property
    def population_size(self) -> int:
        """The true population size N (documented or not)."""
        return self.population.n

    @property
    def documented(self) -> int:
        """Number of distinct persons on at least one list."""
        return int(self.captured.any(axis=1).sum())

    @property
    def n_records(self) -> int:
        """Number of records over all lists."""
        return sum(len(s) for s in self.sources.values())

    def capture_histories(self) -> dict[tuple[int, ...], int]:
        """Number of documented persons per capture pattern (true linkage).

        Every pattern except all-zero is present (with count 0 when no one has it), in
        lexicographic order with the first list most significant, as in the reference
        histories; the counts sum to :attr:`documented`.
        """
        return _histories(self.captured)

    def capture_histories_by(self, by: str) -> dict[str, dict[tuple[int, ...], int]]:
        """True capture histories per stratum of the population.

        Args:
            by: ``"year"`` (of the event), ``"sex"`` (``F``/``M``) or ``"municipio"`` (the
                town in the UK setting).

        Returns:
            stratum -> histories as in :meth:`capture_histories`, strata sorted.

        Raises:
            SimulationError: ``by`` is not one of those.
        """
        pop = self.population
        if by == "year":
            keys = (pop.event_date.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
        elif by == "sex":
            keys = np.where(pop.sex == 0, "F", "M")
        elif by == "municipio":
            keys = pop.vocab.municipios[pop.place].astype(str)
        else:
            raise SimulationError(f"cannot stratify by {by!r}: use year, sex or municipio.")
        return {
            str(key): _histories(self.captured[keys == key]) for key in np.unique(keys).tolist()
        }


def _histories(captured: np.ndarray) -> dict[tuple[int, ...], int]:
    k = captured.shape[1]
    weights = 1 << np.arange(k - 1, -1, -1)
    counts = np.bincount(captured.astype(np.int64) @ weights, minlength=2**k)
    patterns = [p for p in product((0, 1), repeat=k) if any(p)]
    return {p: int(counts[int("".join(map(str, p)), 2)]) for p in patterns}


def resolve_error_rates(
    error_rate: float | Mapping[str, float] | None, scenario: Scenario
) -> dict[str, dict[str, float]]:
    """Per list, the probability of each error kind among eligible records.

    A number ``r`` gives kind ``k`` on a list of style ``s`` the rate
    ``r * KIND_WEIGHTS[k] * s.multiplier(k)``, capped at 1. A mapping sets the base rate of
    the kinds it names (``{"typo": 0.1}``) and leaves the others at their default
    (``DEFAULT_ERROR_RATE * KIND_WEIGHTS[k]``); the style multiplier still applies.

    Raises:
        ProblemsError: a rate is negative or not a number, or a kind is unknown.
    """
    problems: list[str] = []
    base = {k: DEFAULT_ERROR_RATE * w for k, w in KIND_WEIGHTS.items()}
    if isinstance(error_rate, Mapping):
        for kind, rate in error_rate.items():
            if kind not in ERROR_KINDS:
                problems.append(
                    f"unknown error kind {kind!r}; the kinds are {', '.join(ERROR_KINDS)}"
                )
            elif not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
                problems.append(f"the rate of {kind!r} must be a number between 0 and 1")
            else:
                base[kind] = float(rate)
    elif error_rate is not None:
        if not isinstance(error_rate, int | float) or not 0.0 <= error_rate <= 1.0:
            problems.append("error_rate must be a number between 0 and 1, or a mapping")
        else:
            base = {k: float(error_rate) * w for k, w in KIND_WEIGHTS.items()}
    if problems:
        raise ProblemsError("the error rates are not valid:", problems)
    return {
        name: {k: min(1.0, base[k] * STYLES[style].multiplier(k)) for k in ERROR_KINDS}
        for name, style in zip(scenario.lists, scenario.styles, strict=True)
    }


def simulate_lists(
    population: Population,
    *,
    scenario: str | Scenario = "juarez",
    seed: int,
    error_rate: float | Mapping[str, float] | None = None,
    duplicate_rate: float | None = None,
) -> SimulatedLists:
    """Draw the lists of a scenario from a population, with their truth.

    Args:
        population: the true population (:func:`~recuento.simulate.simulate_population`).
        scenario: a scenario name of :data:`~recuento.simulate.scenarios.SCENARIOS` or a
            :class:`~recuento.simulate.scenarios.Scenario`.
        seed: the random seed; the same population, scenario, seed and rates give the
            same lists, byte for byte.
        error_rate: base rate of record errors: a number (0 for clean lists), or a mapping
            from error kind to rate (see :func:`resolve_error_rates`). Default
            :data:`~recuento.simulate.styles.DEFAULT_ERROR_RATE`.
        duplicate_rate: share of each list's persons recorded twice; default: the style's.

    Returns:
        The lists and their truth.

    Raises:
        SimulationError: the scenario or a rate is not valid.
        ProblemsError: the error rates are not valid.

    Example:
        >>> from recuento.simulate import simulate_population
        >>> sim = simulate_lists(simulate_population(500, seed=1), seed=2)
        >>> sim.list_names
        ['prensa', 'ong', 'fiscalia', 'familias']
    """
    scen = get_scenario(scenario)
    if scen.setting is not None and scen.setting != population.setting:
        raise SimulationError(
            f"scenario {scen.name!r} needs a population of the {scen.setting!r} setting, "
            f"not {population.setting!r}: draw it with setting={scen.setting!r}."
        )
    rates = resolve_error_rates(error_rate, scen)
    if duplicate_rate is not None and not 0.0 <= duplicate_rate <= 1.0:
        raise SimulationError("duplicate_rate must be a number between 0 and 1.")
    capture_rng = np.random.default_rng([seed, 2])
    event_years = population.event_date.astype("datetime64[Y]").astype(np.int64) + 1970
    captured = scen.capture_matrix(population.n, capture_rng, event_years)
    sources: dict[str, SourceList] = {}
    for j, (name, style_name) in enumerate(zip(scen.lists, scen.styles, strict=True)):
        style = STYLES[style_name]
        rng = np.random.default_rng([seed, 3, j])
        dup = style.duplicate_rate if duplicate_rate is None else duplicate_rate
        sources[name] = _make_list(
            name, style, population, np.flatnonzero(captured[:, j]), rates[name], dup, rng
        )
    return SimulatedLists(population, scen, seed, sources, rates, captured)


def _make_list(
    name: str,
    style: ListStyle,
    population: Population,
    persons: np.ndarray,
    rates: Mapping[str, float],
    duplicate_rate: float,
    rng: np.random.Generator,
) -> SourceList:
    twice = persons[rng.random(len(persons)) < duplicate_rate]
    person = rng.permutation(np.concatenate([persons, twice]))
    m = len(person)
    first, second = population.surnames(person)
    tokens = population.vocab.given_tokens
    g2 = population.given2[person]
    event = population.event_date[person].copy()
    share, mean_days = style.event_delay
    if share > 0:
        delayed = rng.random(m) < share
        delay = np.rint(rng.exponential(mean_days, size=m)).astype(np.int64) * delayed
        event = event + delay.astype("timedelta64[D]")
    draft = Draft(
        person=person,
        sex=population.sex[person],
        age=population.age[person].astype(np.int64),
        g1=tokens[population.given1[person]].tolist(),
        g2=np.where(g2 >= 0, tokens[np.maximum(g2, 0)], "").tolist(),
        s1=first,
        s2=second,
        birth=population.birth_date[person],
        birth_precision=np.full(m, 3, dtype=np.int8),
        birth_swapped=np.zeros(m, dtype=bool),
        recorded_age=population.age[person].astype(np.int64),
        event=event,
        municipio=population.vocab.municipios[population.place[person]].tolist(),
        municipio_form=np.zeros(m, dtype=np.int64),
        postcode=[""] * m if population.postcode is None else population.postcode[person].tolist(),
        email=[""] * m if population.email is None else population.email[person].tolist(),
        errors=np.zeros(m, dtype=np.uint32),
        eligible=np.zeros(m, dtype=np.uint32),
    )
    apply_errors(draft, style, rates, population.vocab, rng)
    record_ids = [style.id_format.format(i + 1) for i in range(m)]
    columns = render_columns(draft, style, population, record_ids, rng)
    return SourceList(name, style, columns, record_ids, person, draft.errors, draft.eligible)
