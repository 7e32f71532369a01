"""Capture scenarios: which lists exist and who each list records.

A scenario names its lists, gives each a :class:`~recuento.simulate.styles.ListStyle`, and
says how people are captured: each person ``i`` is on list ``j`` with probability
``p_ij``, drawn independently given ``p``. Heterogeneity enters through ``p``:

- :class:`LatentClassCapture`: each person belongs to a latent class ``k`` (drawn with the
  class weights) and ``p_ij = λ_jk``, as in the LCMCR model (Manrique-Vallier 2016) and
  HRDAG's simulations. Scenarios ``mv2016_sim1``, ``hrdag_sim4``, ``hrdag_sim5``.
- :class:`RaschCapture`: ``logit p_ij = logit p_j + z_i``, ``z_i ~ N(0, σ²)`` (continuous
  heterogeneity). Scenarios ``rasch_3lists``, ``rasch_4lists``.
- :class:`IndependentCapture`: ``p_ij = p_j`` (scenario ``indep_4lists``; with direct
  dependence between lists, the UK scenario ``uk_roll``).

A scenario may add direct dependence between lists: ``(source, target, log_odds)`` adds
``log_odds`` to the logit of the target list's probability for people on the source list
(families who report to the NGO they work with). The class weights of the reference
scenarios are proportions: ``mv2016_sim1`` used 1800 and 200 people, here 90% and 10% of
whatever population is given. The parameters are those of
``/work/shared/reference/mse/README.md`` (``simulation_summary.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recuento.errors import ProblemsError
from recuento.simulate.styles import STYLES, SimulationError


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class LatentClassCapture:
    """Latent classes with their weights and per-list capture probabilities.

    Attributes:
        weights: class weights (normalised on use).
        probs: ``probs[k][j]`` = probability that a person of class ``k`` is on list ``j``.
    """

    weights: tuple[float, ...]
    probs: tuple[tuple[float, ...], ...]

    @property
    def n_lists(self) -> int:
        """Number of lists."""
        return len(self.probs[0])

    def probabilities(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """An ``(n, K)`` array of capture probabilities, one row per person."""
        w = np.asarray(self.weights, dtype=np.float64)
        classes = rng.choice(len(w), size=n, p=w / w.sum())
        return np.asarray(self.probs, dtype=np.float64)[classes]


@dataclass(frozen=True)
class RaschCapture:
    """Continuous heterogeneity: ``logit p_ij = logit p_j + z_i``, ``z_i ~ N(0, sigma²)``."""

    probs: tuple[float, ...]
    sigma: float = 1.0

    @property
    def n_lists(self) -> int:
        """Number of lists."""
        return len(self.probs)

    def probabilities(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """An ``(n, K)`` array of capture probabilities, one row per person."""
        z = rng.normal(0.0, self.sigma, size=(n, 1))
        return _expit(_logit(np.asarray(self.probs, dtype=np.float64))[None, :] + z)


@dataclass(frozen=True)
class IndependentCapture:
    """Homogeneous, independent lists: ``p_ij = p_j``."""

    probs: tuple[float, ...]

    @property
    def n_lists(self) -> int:
        """Number of lists."""
        return len(self.probs)

    def probabilities(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """An ``(n, K)`` array of capture probabilities, one row per person."""
        return np.broadcast_to(np.asarray(self.probs, dtype=np.float64), (n, len(self.probs)))


CaptureModel = LatentClassCapture | RaschCapture | IndependentCapture


@dataclass(frozen=True)
class Scenario:
    """A set of lists, their styles and how they capture people.

    Attributes:
        name: the scenario's name.
        description: one line for help texts and the manifest.
        lists: list names, in the column order of capture histories.
        styles: the style name of each list (see :data:`recuento.simulate.styles.STYLES`).
        capture: the capture model.
        dependence: ``(source list, target list, log-odds)`` effects.
        reference_n: the population size the published scenario used, if any.
        setting: the population setting the scenario needs (``None``: any).
        year_effects: ``(list, first year, last year, log-odds)``: the list records events
            of those years more (positive) or less (negative) often, so that capture
            probabilities differ between strata of years.
    """

    name: str
    description: str
    lists: tuple[str, ...]
    styles: tuple[str, ...]
    capture: CaptureModel
    dependence: tuple[tuple[str, str, float], ...] = ()
    reference_n: int | None = None
    setting: str | None = None
    year_effects: tuple[tuple[str, int, int, float], ...] = ()

    def draw_order(self) -> list[int]:
        """List indexes in an order where every dependence source comes before its target."""
        order: list[int] = []
        remaining = list(range(len(self.lists)))
        while remaining:
            for j in remaining:
                sources = [self.lists.index(s) for s, t, _ in self.dependence if t == self.lists[j]]
                if all(s in order for s in sources):
                    order.append(j)
                    remaining.remove(j)
                    break
            else:
                raise SimulationError(f"scenario {self.name!r}: the list dependence has a cycle.")
        return order

    def capture_matrix(
        self, n: int, rng: np.random.Generator, event_years: np.ndarray | None = None
    ) -> np.ndarray:
        """Draw who is on which list: a boolean ``(n, K)`` array.

        Args:
            n: number of people.
            rng: the random generator.
            event_years: each person's event year, for the scenario's year effects (none
                applied when not given).
        """
        p = np.array(self.capture.probabilities(n, rng), dtype=np.float64)
        u = rng.random(p.shape)
        captured = np.zeros(p.shape, dtype=bool)
        for j in self.draw_order():
            pj = p[:, j]
            for name, first, last, log_odds in self.year_effects:
                if name == self.lists[j] and event_years is not None:
                    inside = (event_years >= first) & (event_years <= last)
                    pj = _expit(_logit(pj) + log_odds * inside)
            for source, target, log_odds in self.dependence:
                if target == self.lists[j]:
                    s = self.lists.index(source)
                    pj = _expit(_logit(pj) + log_odds * captured[:, s])
            captured[:, j] = u[:, j] < pj
        return captured

    def check(self) -> list[str]:
        """Problems with the scenario's definition (empty when it is usable)."""
        problems = []
        if len(self.lists) != len(self.styles):
            problems.append(f"scenario {self.name!r}: one style per list is needed")
        if len(set(self.lists)) != len(self.lists):
            problems.append(f"scenario {self.name!r}: list names must be distinct")
        for name in self.lists:
            if name in {"truth", "histories", "manifest", "population"}:
                problems.append(f"scenario {self.name!r}: {name!r} is the name of a truth file")
            if not name.replace("_", "").replace("-", "").isalnum():
                problems.append(
                    f"scenario {self.name!r}: list name {name!r} must be letters, digits, - or _"
                )
        if self.capture.n_lists != len(self.lists):
            problems.append(f"scenario {self.name!r}: the capture model has a different K")
        for style in self.styles:
            if style not in STYLES:
                problems.append(f"scenario {self.name!r}: unknown style {style!r}")
        for source, target, _ in self.dependence:
            if source not in self.lists or target not in self.lists:
                problems.append(f"scenario {self.name!r}: dependence names an unknown list")
        for name, first, last, _ in self.year_effects:
            if name not in self.lists or first > last:
                problems.append(f"scenario {self.name!r}: bad year effect for {name!r}")
        return problems


_GENERIC_STYLES = ("prensa", "ong", "fiscalia", "familias", "english")


def _generic_lists(k: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = tuple(f"list{j + 1}" for j in range(k))
    return names, tuple(_GENERIC_STYLES[j % len(_GENERIC_STYLES)] for j in range(k))


def _reference(name: str, description: str, capture: CaptureModel, n: int) -> Scenario:
    lists, styles = _generic_lists(capture.n_lists)
    return Scenario(name, description, lists, styles, capture, reference_n=n)


SCENARIOS: dict[str, Scenario] = {
    "juarez": Scenario(
        name="juarez",
        description=(
            "Ciudad Juárez: a newspaper, an NGO, the prosecutor and families' reports; two "
            "latent groups (cases that drew attention, cases that did not), families "
            "reporting to the NGO, and coverage that changes over the years"
        ),
        lists=("prensa", "ong", "fiscalia", "familias"),
        styles=("prensa", "ong", "fiscalia", "familias"),
        capture=LatentClassCapture(
            weights=(0.3, 0.7),
            probs=((0.75, 0.45, 0.70, 0.45), (0.20, 0.08, 0.25, 0.15)),
        ),
        dependence=(("familias", "ong", 1.2),),
        setting="juarez",
        # The prosecutor's records of the 1990s are poor; the NGO was most active in
        # 2001-2007; in the 2008-2012 peak the press could not cover every case.
        year_effects=(
            ("fiscalia", 1993, 1997, -1.0),
            ("ong", 2001, 2007, 0.5),
            ("prensa", 2008, 2012, -0.5),
        ),
    ),
    "uk_roll": Scenario(
        name="uk_roll",
        description=(
            "A UK movement's roll against a party's roll and the party's expulsions: with "
            "1,000,000 people, about 20,000 movement members, 500,000 party members and "
            "2,000 expelled; most movement members are party members, the expelled are not"
        ),
        lists=("movement", "party", "expelled"),
        styles=("uk_movement", "uk_party", "uk_expelled"),
        capture=IndependentCapture(probs=(0.005, 0.5, 0.002)),
        # P(movement | party) = 0.035 against 0.005 otherwise; the expelled are off the
        # party roll and often in the movement (logit 0.005 + 4 gives 0.21).
        dependence=(
            ("expelled", "party", -9.0),
            ("party", "movement", 1.98),
            ("expelled", "movement", 4.0),
        ),
        setting="uk",
    ),
    "mv2016_sim1": _reference(
        "mv2016_sim1",
        "Manrique-Vallier (2016) simulation 1: two latent classes (90%/10%), five lists",
        LatentClassCapture(
            weights=(1800, 200),
            probs=((0.033, 0.033, 0.099, 0.132, 0.033), (0.66, 0.825, 0.759, 0.99, 0.693)),
        ),
        2000,
    ),
    "hrdag_sim4": _reference(
        "hrdag_sim4",
        "HRDAG simulation 4: three latent classes (80%/10%/10%), five lists",
        LatentClassCapture(
            weights=(1600, 200, 200),
            probs=(
                (0.1, 0.05, 0.15, 0.2, 0.1),
                (0.5, 0.4, 0.6, 0.4, 0.5),
                (0.8, 0.9, 0.6, 0.7, 0.7),
            ),
        ),
        2000,
    ),
    "hrdag_sim5": _reference(
        "hrdag_sim5",
        "HRDAG simulation 5: two latent classes (80%/20%) with opposite list preferences",
        LatentClassCapture(
            weights=(1600, 400),
            probs=((0.113, 0.113, 0.199, 0.832, 0.733), (0.86, 0.925, 0.859, 0.19, 0.193)),
        ),
        2000,
    ),
    "rasch_4lists": _reference(
        "rasch_4lists",
        "Continuous (Rasch) heterogeneity, four lists, sigma = 1",
        RaschCapture(probs=(0.15, 0.20, 0.25, 0.10), sigma=1.0),
        3000,
    ),
    "rasch_3lists": _reference(
        "rasch_3lists",
        "Continuous (Rasch) heterogeneity, three lists, sigma = 1",
        RaschCapture(probs=(0.20, 0.25, 0.30), sigma=1.0),
        3000,
    ),
    "indep_4lists": _reference(
        "indep_4lists",
        "Four independent lists without heterogeneity",
        IndependentCapture(probs=(0.3, 0.25, 0.2, 0.35)),
        1000,
    ),
}
"""Built-in scenarios by name."""


def first_lists(scenario: Scenario, k: int) -> Scenario:
    """The scenario restricted to its first ``k`` lists (the others never existed).

    Capture probabilities of the kept lists are unchanged; dependence on a dropped list is
    dropped with it.

    Raises:
        SimulationError: ``k`` is not between 1 and the number of lists.
    """
    n = len(scenario.lists)
    if not 1 <= k <= n:
        raise SimulationError(
            f"scenario {scenario.name!r} has {n} lists; ask for between 1 and {n} (got {k})."
        )
    if k == n:
        return scenario
    capture: CaptureModel
    if isinstance(scenario.capture, LatentClassCapture):
        probs = tuple(row[:k] for row in scenario.capture.probs)
        capture = LatentClassCapture(scenario.capture.weights, probs)
    elif isinstance(scenario.capture, RaschCapture):
        capture = RaschCapture(scenario.capture.probs[:k], scenario.capture.sigma)
    else:
        capture = IndependentCapture(scenario.capture.probs[:k])
    kept = scenario.lists[:k]
    return Scenario(
        name=f"{scenario.name}[:{k}]",
        description=f"{scenario.description} (first {k} lists)",
        lists=kept,
        styles=scenario.styles[:k],
        capture=capture,
        dependence=tuple(d for d in scenario.dependence if d[0] in kept and d[1] in kept),
        reference_n=scenario.reference_n,
        setting=scenario.setting,
        year_effects=tuple(e for e in scenario.year_effects if e[0] in kept),
    )


def get_scenario(scenario: str | Scenario) -> Scenario:
    """Look a scenario up by name (or check one given as an object).

    Raises:
        SimulationError: the name is unknown or the scenario is not valid.
    """
    if isinstance(scenario, Scenario):
        found = scenario
    elif scenario in SCENARIOS:
        found = SCENARIOS[scenario]
    else:
        raise SimulationError(
            f"unknown scenario {scenario!r}; the scenarios are: {', '.join(SCENARIOS)}."
        )
    problems = found.check()
    if problems:
        raise ProblemsError(f"scenario {found.name!r} is not valid:", problems)
    return found
