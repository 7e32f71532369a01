"""Linkage uncertainty: cluster the scored pairs again under a range of thresholds, fit
LCMCR to each clustering's capture histories and pool the posterior draws.

:func:`pooled_draws` does it for the whole table and, with ``by``, for each stratum: a
stratum's draws are pooled over the configurations, and the total is then the sum of the
strata's draws within each configuration (the strata are independent), pooled likewise,
as the conditional estimate adds its strata up. A stratum that some configuration cannot
fit (fewer than three lists with records) keeps only its conditional estimate, and the
total then comes from the whole table. See :mod:`recuento.count.api` for the method and
what it was measured to do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from recuento.count.histories import histories_from_persons, stratified_histories
from recuento.errors import RecuentoError
from recuento.estimate import CaptureHistories
from recuento.estimate.api import stratum_seed
from recuento.estimate.dependent import resolve_dependent
from recuento.link.api import LinkResult
from recuento.link.cluster import cluster_pairs

#: (min_edge, min_average) clustering thresholds whose estimates are pooled: the best
#: clustering's (DEFAULT_MIN_EDGE, DEFAULT_MIN_AVERAGE), two looser and three stricter.
LINKAGE_CONFIGURATIONS: tuple[tuple[float, float], ...] = (
    (0.1, 0.1),
    (0.2, 0.2),
    (0.3, 0.3),
    (0.5, 0.4),
    (0.5, 0.5),
    (0.7, 0.4),
)
#: Draws per configuration: 2 chains of 1,000 (every fit gives as many, so draws of the
#: strata of one configuration can be added up).
CHAINS, SAMPLES = 2, 1000


@dataclass
class Pooled:
    """Posterior draws pooled over the linkage configurations.

    Attributes:
        total: draws of the total, or None when some configuration could not be fitted.
        strata: stratum label -> draws, for the strata every configuration could fit.
        strata_left_out: the strata some configuration could not fit.
        total_from_strata: whether the total is the sum of the strata (all of them pooled)
            rather than the whole table's.
        persons_by: distinct persons under each configuration (``"edge/average"``).
    """

    total: np.ndarray | None
    strata: dict[str, np.ndarray] = field(default_factory=dict)
    strata_left_out: list[str] = field(default_factory=list)
    total_from_strata: bool = False
    persons_by: dict[str, int] = field(default_factory=dict)


def pooled_draws(
    linked: LinkResult,
    tables: Sequence[pa.Table],
    lists: Sequence[str],
    *,
    seed: int,
    say: Callable[[str], None],
    by: str | None = None,
    dependent: tuple[tuple[str, ...], ...] = (),
    dependent_auto: bool = False,
) -> Pooled:
    """Cluster again under each of :data:`LINKAGE_CONFIGURATIONS` and pool LCMCR's draws."""
    left, right, probability = _pair_arrays(linked)
    fit = _Fitter(seed, dependent, dependent_auto)
    pooled = Pooled(None)
    clusterings: list[pa.Table] = []
    totals: list[np.ndarray | None] = []
    by_stratum: dict[str, list[np.ndarray | None]] = {}
    for k, (edge, average) in enumerate(LINKAGE_CONFIGURATIONS):
        say(f"linkage configuration {k + 1} of {len(LINKAGE_CONFIGURATIONS)}")
        clustering = cluster_pairs(
            linked.persons.num_rows,
            left,
            right,
            probability,
            min_edge=edge,
            min_average=average,
            must=linked.must,
            cannot=linked.cannot,
        )
        pooled.persons_by[f"{edge}/{average}"] = clustering.n_persons
        persons = linked.persons.select(["source", "id"]).append_column(
            "person_id", pa.array([str(v) for v in clustering.labels.tolist()])
        )
        clusterings.append(persons)
        if by is None:
            totals.append(fit(histories_from_persons(persons, lists), k))
            continue
        strata = stratified_histories(tables, persons, by).strata
        for i, (label, h) in enumerate(strata.items()):
            by_stratum.setdefault(label, [None] * k).append(fit(h, k, i))
        for draws in by_stratum.values():
            draws.extend([None] * (k + 1 - len(draws)))  # a stratum this clustering lacks
    for label, draws in by_stratum.items():
        if all(d is not None for d in draws):
            pooled.strata[label] = np.concatenate([d for d in draws if d is not None])
        else:
            pooled.strata_left_out.append(label)
    if by_stratum and not pooled.strata_left_out:
        # The strata are independent: within a clustering, the total's draws are the sums
        # of the strata's. Every fit gives CHAINS * SAMPLES draws, in clustering order, so
        # adding the pooled arrays adds the draws of the same clustering.
        pooled.total = np.sum(list(pooled.strata.values()), axis=0)
        pooled.total_from_strata = True
        return pooled
    if by is not None:
        say("linkage configurations: the whole table")
        totals = [fit(histories_from_persons(p, lists), k) for k, p in enumerate(clusterings)]
    if all(d is not None for d in totals):
        pooled.total = np.concatenate([d for d in totals if d is not None])
    return pooled


class _Fitter:
    """LCMCR's draws of N for one table of one configuration, or None when it cannot fit."""

    def __init__(
        self, seed: int, dependent: tuple[tuple[str, ...], ...], dependent_auto: bool
    ) -> None:
        self.seed, self.dependent, self.dependent_auto = seed, dependent, dependent_auto

    def __call__(
        self, h: CaptureHistories, k: int, stratum: int | None = None
    ) -> np.ndarray | None:
        from recuento.estimate.dependent_choice import choose_dependent, fit_choice
        from recuento.estimate.lcmcr import fit_lcmcr

        empty = [name for name, size in h.list_sizes().items() if size == 0]
        if empty:
            h = h.without_lists(empty)
        if h.n_lists < 3:
            return None
        seed = self.seed + k if stratum is None else stratum_seed(self.seed + k, stratum)
        try:
            if self.dependent_auto:
                choice = choose_dependent(h.patterns, h.counts)
                fit = fit_choice(
                    h.patterns, h.counts, choice, chains=CHAINS, samples=SAMPLES, seed=seed
                )
            else:
                groups, _ = resolve_dependent(self.dependent, h.lists)
                fit = fit_lcmcr(
                    h.patterns, h.counts, chains=CHAINS, samples=SAMPLES, seed=seed,
                    dependent=groups,
                )  # fmt: skip
        except RecuentoError:
            return None
        draws = np.asarray(fit.N_draws, dtype=np.float64).ravel()
        # A stratum's draws are added to the other strata's draw by draw.
        return draws if stratum is None or draws.size == CHAINS * SAMPLES else None


def _pair_arrays(linked: LinkResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scored pairs as record positions (in ``linked.persons``) and probabilities."""
    index = {
        key: k
        for k, key in enumerate(
            zip(
                linked.persons.column("source").to_pylist(),
                linked.persons.column("id").to_pylist(),
                strict=True,
            )
        )
    }
    pairs = linked.pairs

    def positions(side: str) -> np.ndarray:
        keys = zip(
            pairs.column(f"source_{side}").to_pylist(),
            pairs.column(f"id_{side}").to_pylist(),
            strict=True,
        )
        return np.array([index[key] for key in keys], dtype=np.int64)

    return positions("l"), positions("r"), pairs.column("match_probability").to_numpy()
