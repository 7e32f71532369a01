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

  With ``by``, each stratum's draws are pooled the same way and the total is the sum of
  the strata's (:mod:`recuento.count.pooling`).

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

from recuento.count.histories import histories_from_persons, stratified_histories
from recuento.count.pooling import LINKAGE_CONFIGURATIONS, pooled_draws
from recuento.estimate import (
    CaptureHistories,
    EstimateResult,
    HistoriesInput,
    LCMCRSettings,
    estimate,
)
from recuento.estimate.dependent import check_auto, check_dependent
from recuento.estimate.messages import Text
from recuento.link.api import (
    DEFAULT_MIN_AVERAGE,
    DEFAULT_MIN_EDGE,
    Decision,
    LinkResult,
    link_tables,
)
from recuento.link.recall import BlockingRecall

__all__ = [
    "BLOCKING_RECALL_WARN_BELOW",
    "LINKAGE_CONFIGURATIONS",
    "CountResult",
    "blocking_recall_dict",
    "blocking_recall_is_low",
    "blocking_recall_share",
    "blocking_recall_warning",
    "count_tables",
    "histories_from_persons",
]

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
        strata_with_linkage: with ``by``, stratum label -> (estimate, lower, upper) with
            linkage uncertainty, for the strata every configuration could fit; the others
            have only their conditional estimate.
        total_from_strata: whether the total with linkage uncertainty is the sum of the
            strata's (every stratum pooled) rather than the whole table's.
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
    strata_with_linkage: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    total_from_strata: bool = False

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
                {
                    "by": conditional["by"],
                    "total_from": "strata"
                    if self.total_from_strata
                    else ("whole table" if self.with_linkage_uncertainty else None),
                    "strata": [self._stratum(s) for s in conditional["strata"]],
                }
                if "strata" in conditional
                else {}
            ),
        }

    def _stratum(self, conditional: dict[str, Any]) -> dict[str, Any]:
        """A stratum with linkage uncertainty where it was pooled, else its conditional one."""
        pooled = self.strata_with_linkage.get(conditional["stratum"])
        if pooled is None:
            return {**conditional, "with_linkage_uncertainty": False}
        estimate_, lower, upper = pooled
        return {
            **conditional,
            "estimate": estimate_,
            "lower": lower,
            "upper": upper,
            "method": "lcmcr with linkage uncertainty",
            "with_linkage_uncertainty": True,
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
            ``recuento estimate --by``); each stratum gets an estimate with linkage
            uncertainty too, and the total is then the sum of the strata's.
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
        data = stratified_histories(tables, linked.persons, by)
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
    pooled = pooled_draws(
        linked,
        tables,
        lists,
        seed=seed,
        say=say,
        by=by,
        dependent=dependent,
        dependent_auto=dependent_auto,
    )
    tail = (1 - level) / 2

    def summary(draws: np.ndarray) -> tuple[float, float, float]:
        lower, median, upper = np.quantile(draws, [tail, 0.5, 1 - tail])
        return float(median), float(lower), float(upper)

    strata = {label: summary(draws) for label, draws in pooled.strata.items()}
    # No conditional estimate, no total with linkage uncertainty either. With strata that
    # means a stratum has no estimate at all, which the estimate's own warning says.
    total = None if conditional.estimate is None else pooled.total
    if pooled.strata_left_out:
        warnings.append(_strata_left_out_warning(pooled.strata_left_out, total is not None))
    if total is None:
        if pooled.total is None or by is None:
            warnings.append(
                "The estimate could not carry linkage uncertainty (too few lists or records "
                "for the latent-class model); the numbers are conditional on the best "
                "clustering."
            )
        return CountResult(
            linked,
            conditional,
            conditional.estimate,
            conditional.lower,
            conditional.upper,
            level,
            pooled.persons_by,
            warnings,
            blocking_recall=linked.blocking_recall,
            strata_with_linkage=strata,
        )
    median, lower, upper = summary(total)
    return CountResult(
        linked,
        conditional,
        median,
        lower,
        upper,
        level,
        pooled.persons_by,
        warnings,
        with_linkage_uncertainty=True,
        blocking_recall=linked.blocking_recall,
        strata_with_linkage=strata,
        total_from_strata=pooled.total_from_strata,
    )


def _strata_left_out_warning(labels: list[str], with_total: bool) -> Text:
    names = ", ".join(labels)
    en_total, es_total = (
        ("; the total with linkage uncertainty comes from the whole table", "; el total con "
         "incertidumbre del enlace viene de la tabla completa")
        if with_total
        else ("", "")
    )  # fmt: skip
    return Text(
        f"Strata that could not carry linkage uncertainty: {names} (fewer than 3 lists with "
        "records under some clustering); their numbers are conditional on the best "
        f"clustering{en_total}.",
        f"Estratos que no pudieron incluir la incertidumbre del enlace: {names} (menos de 3 "
        "listas con registros con alguna agrupación); sus cifras están "
        f"condicionadas a la mejor agrupación{es_total}.",  # codespell:ignore
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
