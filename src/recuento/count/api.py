"""The main job: link the lists, then estimate how many people no list recorded.

Missed and false links change the capture histories, so an estimate computed from one
clustering pretends the linkage is certain. :func:`count_tables` reports two estimates:

- **conditional**: from the best clustering alone (the usual practice, and what
  ``recuento link`` then ``recuento estimate`` would give);
- **with linkage uncertainty** (the top-level numbers): the records are clustered again
  under a documented range of clustering thresholds (:data:`LINKAGE_CONFIGURATIONS`), each
  clustering's capture histories get an LCMCR posterior, and the posterior draws of all
  configurations are pooled with equal weight, so the interval widens by as much as the
  linkage decision moves the count. This follows the spirit of Sadinle (2018, Annals of
  Applied Statistics 12(2)), who pooled posterior draws over linkage configurations drawn
  from a Bayesian linkage posterior; drawing configurations from a range of thresholds is
  the simpler, documented approximation the issue allows.

  The range lies on both sides of the best clustering (:data:`DEFAULT_MIN_EDGE` /
  :data:`DEFAULT_MIN_AVERAGE`, 0.3/0.3): two looser configurations link more and find
  fewer people, three stricter ones link less and find more. A first range had the best
  clustering at its loosest end, so the pooled posterior leaned towards a larger N: with
  record errors six times as frequent as the default, when the linkage misses links and
  the estimate is already too high, its interval covered the truth less often than the
  conditional one (0.25 against 0.40 on ``indep_4lists``). With the range on both sides,
  0.55 against 0.40; at three times the default errors 0.95 against 0.80, and 0.90
  against 0.65 on ``hrdag_sim5`` (the first range: 0.55); with the default errors nothing
  moved beyond a replicate (BENCHMARKS.md, "Session 10"; docs/report.md).

The linkage diagnostics include the **blocking recall estimate**
(:func:`recuento.link.recall.clustered_blocking_recall`, on the best clustering): the
share of pairs of records put in the same person that some blocking rule compares
directly. It is an upper bound on the share of true pairs ever compared (true pairs left
in different persons are invisible to it); below :data:`BLOCKING_RECALL_WARN_BELOW` the
count warns, since the linkage then relies on chaining records and the pairs it never
compared look like extra people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from recuento.estimate import (
    CaptureHistories,
    EstimateResult,
    HistoriesInput,
    LCMCRSettings,
    estimate,
    read_persons,
)
from recuento.estimate.dependent import check_auto, check_dependent, resolve_dependent
from recuento.estimate.messages import Text
from recuento.link.api import (
    DEFAULT_MIN_AVERAGE,
    DEFAULT_MIN_EDGE,
    Decision,
    LinkResult,
    link_tables,
)
from recuento.link.cluster import cluster_pairs
from recuento.link.recall import BlockingRecall

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
#: A blocking recall estimate below this gets a warning.
BLOCKING_RECALL_WARN_BELOW = 0.95


@dataclass
class CountResult:
    """What counting produced.

    Attributes:
        link: the linkage (persons, pairs, model).
        conditional: the estimate from the best clustering alone.
        estimate, lower, upper, level: the estimate and interval with linkage uncertainty
            (None when no estimate is possible).
        persons_by_configuration: distinct persons under each clustering configuration.
        warnings: sentences about what the data cannot support.
        blocking_recall: the blocking recall estimate on the best clustering (the share of
            pairs of records in one person that some blocking rule compares directly; an
            optimistic upper bound), None when linkage did not run (a single record).
    """

    link: LinkResult
    conditional: EstimateResult
    estimate: float | None
    lower: float | None
    upper: float | None
    level: float
    persons_by_configuration: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    with_linkage_uncertainty: bool = False
    blocking_recall: BlockingRecall | None = None

    @property
    def documented(self) -> int:
        return self.conditional.documented

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: the estimate contract plus records, persons and conditional."""
        conditional = self.conditional.to_dict()
        return {
            "documented": self.documented,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "level": self.level,
            # The pooled draws always come from LCMCR, whatever the conditional method.
            "method": "lcmcr with linkage uncertainty"
            if self.with_linkage_uncertainty
            else conditional["method"],
            "with_linkage_uncertainty": self.with_linkage_uncertainty,
            "lists": conditional["lists"],
            "warnings": [*self.warnings, *conditional["warnings"]],
            "persons": self.link.n_persons,
            "persons_by_configuration": self.persons_by_configuration,
            "blocking_recall": blocking_recall_dict(self.blocking_recall),
            "conditional": conditional,
            **(
                {"by": conditional["by"], "strata": conditional["strata"]}
                if "strata" in conditional
                else {}
            ),
        }


def blocking_recall_share(recall: BlockingRecall | None) -> float | None:
    """The estimate as a share, or None when no record was put with another (nothing to see)."""
    if recall is None or recall.true_pairs == 0:
        return None
    return recall.recall


def blocking_recall_dict(recall: BlockingRecall | None) -> dict[str, Any] | None:
    """The estimate in the JSON contract: ``estimate`` (a share, or null when no person has
    two records), ``pairs_in_persons`` (pairs of records put in the same person) and
    ``pairs_compared`` (those some blocking rule compares directly)."""
    if recall is None:
        return None
    return {
        "estimate": blocking_recall_share(recall),
        "pairs_in_persons": recall.true_pairs,
        "pairs_compared": recall.compared,
    }


def blocking_recall_is_low(recall: BlockingRecall | None) -> bool:
    """Whether the estimate is below :data:`BLOCKING_RECALL_WARN_BELOW`."""
    share = blocking_recall_share(recall)
    return share is not None and share < BLOCKING_RECALL_WARN_BELOW


def blocking_recall_warning(recall: BlockingRecall | None) -> Text | None:
    """The warning for a low blocking recall estimate (English, with its Spanish), or None."""
    share = blocking_recall_share(recall)
    if share is None or not blocking_recall_is_low(recall):
        return None
    en_share = f"{share * 100:.1f}%"
    es_share = f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"
    limit = f"{BLOCKING_RECALL_WARN_BELOW * 100:g}"
    return Text(
        f"Only {en_share} of the pairs of records put in the same person were compared "
        f"directly by a blocking rule (below {limit}%): the linkage relies on chaining "
        "records through others. True pairs it never compared may have been left apart, "
        "and missed links look like extra people. This share is optimistic (it cannot see "
        "pairs left apart), so the true share may be lower still.",
        f"Solo el {es_share} de los pares de registros puestos en la misma persona se "
        "comparó directamente con una regla de bloqueo (menos del "
        f"{limit.replace('.', ',')}\u00a0%): el enlace depende de encadenar registros a "
        "través de otros. Pares verdaderos que nunca comparó pueden haber quedado "
        "separados, y los enlaces perdidos parecen personas de más. Esta proporción es "
        "optimista (no ve los pares que quedaron separados), así que la verdadera puede "
        "ser aún menor.",
    )


def histories_from_persons(persons: pa.Table, lists: Sequence[str]) -> CaptureHistories:
    """Capture histories from ``source`` and ``person_id`` columns (one row per record)."""
    index = {name: j for j, name in enumerate(lists)}
    on: dict[str, int] = {}
    for source, person in zip(
        persons.column("source").to_pylist(), persons.column("person_id").to_pylist(), strict=True
    ):
        on[person] = on.get(person, 0) | (1 << index[source])
    masks, counts = np.unique(np.fromiter(on.values(), np.int64, len(on)), return_counts=True)
    patterns = (masks[:, None] >> np.arange(len(lists))) & 1
    return CaptureHistories.from_patterns(list(lists), patterns, counts)


def _stratified_histories(tables: Sequence[pa.Table], persons: pa.Table, by: str) -> HistoriesInput:
    """Capture histories per stratum of a record column (``COLUMN`` or ``COLUMN:BIN``).

    The column is one of the standardised record's (``event_date``, ``birth_date``,
    ``sex``, ``place``...); a person goes to the stratum most of their records give, as
    :func:`recuento.estimate.read_persons` does with a persons file.
    """
    import tempfile
    from pathlib import Path

    import pyarrow.csv as pcsv

    from recuento.errors import EstimationError

    column = by.split(":", 1)[0]
    stacked = pa.concat_tables([t for t in tables if t.num_rows])
    if column not in stacked.column_names or column in {"warnings", "attributes"}:
        usable = ", ".join(
            c for c in stacked.column_names if c not in {"warnings", "attributes", "row"}
        )
        raise EstimationError(
            f"--by {column!r}: no such column in the standardised records; use one of {usable}."
        )
    values = stacked.column(column)
    if not pa.types.is_string(values.type):
        values = pa.array([None if v is None else str(v) for v in values.to_pylist()])
    table = pa.table(
        {
            "source": persons.column("source"),
            "id": persons.column("id"),
            "person_id": persons.column("person_id"),
            column: values,
        }
    )
    with tempfile.TemporaryDirectory(prefix="recuento-strata-") as folder:
        path = Path(folder) / "persons.csv"
        pcsv.write_csv(table, path)
        return read_persons(path, by=by)


def count_tables(
    tables: Sequence[pa.Table],
    lists: Sequence[str],
    *,
    by: str | None = None,
    level: float = 0.95,
    seed: int = 1,
    method: str = "auto",
    model: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    decisions: Sequence[Decision] = (),
    dependent: tuple[tuple[str, ...], ...] = (),
    dependent_auto: bool = False,
) -> CountResult:
    """Link the lists' records, then estimate the population with linkage uncertainty.

    Args:
        tables: person tables, one per list (what ``read_list`` returns as ``.table``).
        lists: the lists' names, in order (empty lists included: they are lists too).
        by: estimate per stratum of a record column (``COLUMN`` or ``COLUMN:BIN``, as
            ``recuento estimate --by``); strata are conditional on the best clustering.
        level: the interval's level.
        seed: seed of training and sampling.
        method: estimation method for the conditional estimate (``auto``, ``lcmcr``,
            ``loglinear``).
        model: a saved linkage model to reuse.
        progress: called with a short description of each step.
        decisions: people's decisions on pairs, ``(source_l, id_l, source_r, id_r, same)``;
            they override the model in the best clustering and in every configuration
            drawn for linkage uncertainty.
        dependent: groups of list names that may depend on one another within a latent
            class (:mod:`recuento.estimate.dependent`), for every LCMCR fit: the
            conditional estimate and each linkage configuration. Checked before linking.
        dependent_auto: choose the dependent pair from the data instead
            (:mod:`recuento.estimate.dependent_choice`), for each table on its own: the
            conditional one (each stratum's with ``by``) and each linkage configuration's.
    """
    check_auto(dependent, dependent_auto)
    check_dependent(dependent, list(lists))
    say = progress or (lambda _: None)
    linked = link_tables(
        tables,
        model=model,
        min_edge=DEFAULT_MIN_EDGE,
        min_average=DEFAULT_MIN_AVERAGE,
        seed=seed,
        progress=say,
        decisions=decisions,
        estimate_blocking_recall=True,
    )
    say("estimating")
    histories = histories_from_persons(linked.persons, lists)
    data: CaptureHistories | HistoriesInput = histories
    if by is not None:
        data = _stratified_histories(tables, linked.persons, by)
    conditional = estimate(
        data,
        method=method,
        level=level,
        seed=seed,
        lcmcr=LCMCRSettings(dependent=dependent, dependent_auto=dependent_auto),
    )
    warnings: list[str] = _decision_warnings(linked)
    recall_warning = blocking_recall_warning(linked.blocking_recall)
    if recall_warning is not None:
        warnings.append(recall_warning)
    pooled, persons_by = _pooled(linked, lists, seed, say, dependent, dependent_auto)
    if pooled is None or conditional.estimate is None:
        warnings.append(
            "The estimate could not carry linkage uncertainty (too few lists or records for "
            "the latent-class model); the numbers are conditional on the best clustering."
        )
        return CountResult(
            linked,
            conditional,
            conditional.estimate,
            conditional.lower,
            conditional.upper,
            level,
            persons_by,
            warnings,
            blocking_recall=linked.blocking_recall,
        )
    tail = (1 - level) / 2
    lower, median, upper = np.quantile(pooled, [tail, 0.5, 1 - tail])
    return CountResult(
        linked,
        conditional,
        float(median),
        float(lower),
        float(upper),
        level,
        persons_by,
        warnings,
        with_linkage_uncertainty=True,
        blocking_recall=linked.blocking_recall,
    )


def _decision_warnings(linked: LinkResult) -> list[str]:
    warnings = []
    if linked.decisions_unmatched:
        warnings.append(
            f"{linked.decisions_unmatched} review decision(s) name records that are not among "
            "the linked ones (a list left out, or a record since removed); they were ignored."
        )
    if linked.decision_conflicts:
        warnings.append(
            f"{len(linked.decision_conflicts)} 'same person' decision(s) contradict 'different "
            "persons' decisions through other records; those records were kept apart. Review "
            "the decisions on these persons again."
        )
    return warnings


def _pooled(
    linked: LinkResult,
    lists: Sequence[str],
    seed: int,
    say: Callable[[str], None],
    dependent: tuple[tuple[str, ...], ...] = (),
    dependent_auto: bool = False,
) -> tuple[np.ndarray | None, dict[str, int]]:
    from recuento.errors import RecuentoError
    from recuento.estimate.dependent_choice import choose_dependent, fit_choice
    from recuento.estimate.lcmcr import fit_lcmcr

    source = linked.persons.column("source").to_pylist()
    ids = {
        (s, i): k
        for k, (s, i) in enumerate(
            zip(source, linked.persons.column("id").to_pylist(), strict=True)
        )
    }
    pairs = linked.pairs
    left = np.array(
        [
            ids[k]
            for k in zip(
                pairs.column("source_l").to_pylist(), pairs.column("id_l").to_pylist(), strict=True
            )
        ],
        dtype=np.int64,
    )
    right = np.array(
        [
            ids[k]
            for k in zip(
                pairs.column("source_r").to_pylist(), pairs.column("id_r").to_pylist(), strict=True
            )
        ],
        dtype=np.int64,
    )
    probability = pairs.column("match_probability").to_numpy()
    draws: list[np.ndarray] = []
    persons_by: dict[str, int] = {}
    for k, (edge, average) in enumerate(LINKAGE_CONFIGURATIONS):
        say(f"linkage configuration {k + 1} of {len(LINKAGE_CONFIGURATIONS)}")
        clustering = cluster_pairs(
            len(source),
            left,
            right,
            probability,
            min_edge=edge,
            min_average=average,
            must=linked.must,
            cannot=linked.cannot,
        )
        persons_by[f"{edge}/{average}"] = clustering.n_persons
        table = pa.table(
            {
                "source": source,
                "person_id": pa.array([str(v) for v in clustering.labels.tolist()]),
            }
        )
        h = histories_from_persons(table, lists)
        if h.n_lists < 3 or sum(1 for v in h.list_sizes().values() if v) < 3:
            return None, persons_by
        groups, _ = resolve_dependent(dependent, h.lists)
        try:
            if dependent_auto:
                choice = choose_dependent(h.patterns, h.counts)
                fit = fit_choice(
                    h.patterns, h.counts, choice, chains=2, samples=1000, seed=seed + k
                )
            else:
                fit = fit_lcmcr(
                    h.patterns, h.counts, chains=2, samples=1000, seed=seed + k, dependent=groups
                )
        except RecuentoError:
            return None, persons_by
        draws.append(np.asarray(fit.N_draws).ravel())
    return np.concatenate(draws), persons_by
