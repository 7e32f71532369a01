"""Linking lists of people: prepared records in, persons out.

:func:`link_tables` runs the whole linkage on DuckDB (embedded, no server): prepare the
records of every list, train the model without labels (or reuse a saved one), score the
blocked pairs, and cluster them into persons. Each record gets a ``person_id`` and the
weakest link that holds its person together; pairs near the decision are returned for
review.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from recuento.errors import RecuentoError
from recuento.link.cluster import cluster_pairs, unscored_pairs_within
from recuento.link.prepare import PREPARED_COLUMNS, prepare
from recuento.link.recall import BlockingRecall, clustered_blocking_recall
from recuento.link.train import (
    EM_MIN_FILLED,
    PRIOR_FLOOR_WEIGHT,
    logit2,
    prior_fixed_point,
    set_prior,
    train,
)

#: Default clustering thresholds, chosen on simulated Juárez-like lists (docs/linkage.md).
DEFAULT_MIN_EDGE = 0.3
DEFAULT_MIN_AVERAGE = 0.3
#: Pairs scored at least this are kept (for clustering averages and for review).
_KEEP_PROBABILITY = 0.01
#: Lists with more records than this are trained on a random sample of this many.
TRAINING_SAMPLE = 250_000
#: DuckDB scores the pairs of this many records (on one side of each pair) at a time:
#: scoring a million records at once spilled to disk and took 1,311 s; in eight parts,
#: 204 s and a third of the memory (BENCHMARKS.md).
SCORING_PART_RECORDS = 125_000
#: Unblocked pairs inside groups of links of at most this many records are scored as well,
#: so that clustering weighs them by the model and not as zeros (docs/linkage.md).
GROUP_SCORING_LIMIT = 100
#: Pairs with a probability in this band are "uncertain" and listed for review.
UNCERTAIN_BAND = (0.2, 0.8)


class LinkageError(RecuentoError):
    """Linkage cannot run on what it was given."""


@dataclass
class LinkResult:
    """What linkage produced.

    Attributes:
        persons: one row per record: ``source``, ``id``, ``person_id``, ``person_records``
            (how many records the person has), ``weakest_link`` (the probability of the
            weakest merge holding the person together; null for a single record).
        pairs: scored pairs (probability >= 0.01): ``source_l``, ``id_l``, ``source_r``,
            ``id_r``, ``match_probability``, ``match_weight``, ``same_person``.
        model: the trained model (Splink's JSON settings), reusable with ``model=``.
        prior: the probability that two random records are the same person.
        seconds: time spent per step.
        must, cannot: the people's decisions that were applied, as pairs of row numbers
            of ``persons`` (same person / different persons).
        decisions_unmatched: decisions naming a record that is not among the linked ones.
        decision_conflicts: "same" decisions left apart because they contradict
            "different" ones (row-number pairs).
        blocking_recall: when asked for (``estimate_blocking_recall=True``), the share of
            pairs of records put in the same person that some blocking rule compares
            directly (:func:`recuento.link.recall.clustered_blocking_recall`; optimistic);
            None otherwise.
    """

    persons: pa.Table
    pairs: pa.Table
    model: dict[str, Any]
    prior: float
    seconds: dict[str, float] = field(default_factory=dict)
    must: list[tuple[int, int]] = field(default_factory=list)
    cannot: list[tuple[int, int]] = field(default_factory=list)
    decisions_unmatched: int = 0
    decision_conflicts: list[tuple[int, int]] = field(default_factory=list)
    blocking_recall: BlockingRecall | None = None

    @property
    def n_persons(self) -> int:
        return len(set(self.persons.column("person_id").to_pylist()))

    def uncertain_pairs(self, band: tuple[float, float] = UNCERTAIN_BAND) -> pa.Table:
        """Pairs whose probability falls in ``band``: the ones a person should review."""
        p = self.pairs.column("match_probability").to_pylist()
        keep = [band[0] <= v <= band[1] for v in p]
        return self.pairs.filter(pa.array(keep, pa.bool_()))


def _present_columns(prepared: pa.Table, share: float = 0.0) -> set[str]:
    """The prepared columns filled in at least two records (and ``share`` of them)."""
    present = set()
    for name in PREPARED_COLUMNS:
        column = prepared.column(name)
        filled = column.length() - column.null_count
        if filled >= 2 and filled >= share * column.length():
            present.add(name)
    return present


def link_tables(
    tables: Sequence[pa.Table],
    *,
    model: dict[str, Any] | None = None,
    min_edge: float = DEFAULT_MIN_EDGE,
    min_average: float = DEFAULT_MIN_AVERAGE,
    seed: int = 1,
    backend: str = "duckdb",
    spark_master: str | None = None,
    progress: Callable[[str], None] | None = None,
    decisions: Sequence[Decision] = (),
    training_sample: int = TRAINING_SAMPLE,
    estimate_blocking_recall: bool = False,
    group_limit: int = GROUP_SCORING_LIMIT,
) -> LinkResult:
    """Link and deduplicate the records of several lists at once.

    Args:
        tables: one table per list, with the columns of
            :data:`recuento.people.record.PERSON_SCHEMA` (what ``read_list`` returns).
        model: a saved model (``LinkResult.model``) to reuse instead of training: its m and
            u; the prior is estimated again for these records.
        min_edge: links weaker than this never join records (the ``--threshold``).
        min_average: groups join only if their average link reaches this.
        seed: seed of the random pair sampling in training.
        backend: ``duckdb`` (embedded, default) or ``spark`` (see
            :mod:`recuento.link.backends`).
        spark_master: the Spark master URL (``local[*]`` by default).
        progress: called with a short description of each step.
        decisions: people's decisions ``(source_l, id_l, source_r, id_r, same)`` that
            override the model: ``same=True`` joins the two records' persons, ``False``
            keeps them apart (see :func:`recuento.link.cluster.cluster`). The newest
            decision for a pair should be the only one given.
        training_sample: lists with more records than this train the model on a random
            sample of this many records (the prior is still set from every scored pair).
        estimate_blocking_recall: also estimate, on the persons found, the share of their
            pairs of records that some blocking rule compares directly
            (``LinkResult.blocking_recall``). It joins only records within one person, so
            it costs little beside the linkage.
        group_limit: pairs that no blocking rule compared are scored too when both
            records lie in one group of at most this many records joined by links of at
            least ``min_edge`` (:func:`recuento.link.cluster.unscored_pairs_within`); 0
            scores only the blocked pairs.

    Raises:
        LinkageError: there is nothing to link.
    """
    from splink import Linker

    from recuento.link.backends import apply_model, database_api, register
    from recuento.link.model import settings

    say = progress or (lambda _: None)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    tables = [t for t in tables if t.num_rows]
    if not tables:
        raise LinkageError("no accepted records to link: every list is empty or fully rejected.")
    prepared = prepare(tables)
    n = prepared.num_rows
    seconds["prepare"] = time.perf_counter() - start

    # Splink warns about levels it could not train (a column no pair disagrees on, say);
    # nothing a user can act on, so only its errors are let through.
    logging.getLogger("splink").setLevel(logging.ERROR)
    if n == 1:
        return _single(prepared, seconds)
    api = database_api(backend, spark_master=spark_master)
    records = register(api, prepared, "__recuento__records")
    present = _present_columns(prepared)
    em_present = _present_columns(prepared, EM_MIN_FILLED)
    linker = Linker(records, settings(present, dialect=backend), log_level=logging.ERROR)
    if model is not None:
        apply_model(linker, model)
        prior = float(model.get("probability_two_random_records_match", 1e-4))
        set_prior(linker, prior)
    elif n > training_sample:
        # Training on a random sample bounds its cost: m and u are properties of pairs, and
        # a few hundred thousand records hold plenty of them; the prior is set again below
        # from every scored pair. (At a million records, EM on everything took longer than
        # the whole of the rest.)
        step = time.perf_counter()
        say(f"training on a random sample of {training_sample:,} records")
        rows = np.sort(np.random.default_rng(seed).choice(n, training_sample, replace=False))
        sample = register(api, prepared.take(pa.array(rows)), "__recuento__training")
        trainer = Linker(sample, settings(present, dialect=backend), log_level=logging.ERROR)
        prior = train(trainer, training_sample, seed=seed, progress=say, present=em_present)
        apply_model(linker, trainer.misc.save_model_to_json())
        set_prior(linker, prior)
        seconds["train"] = time.perf_counter() - step
    else:
        step = time.perf_counter()
        prior = train(linker, n, seed=seed, progress=say, present=em_present)
        seconds["train"] = time.perf_counter() - step

    step = time.perf_counter()
    left, right, w = _score(linker, n, backend, say)
    # One scoring serves both: the prior's fixed point from the weights of every scored
    # pair (0.01 bins of log2 odds), then every weight moved to the new prior (a prior only
    # shifts every weight by a constant). A reused model's prior is estimated again too:
    # m and u carry over between lists, the prior does not (it falls as lists grow: a
    # model trained on 245,000 records and reused on a million would score with a prior
    # four times too high).
    bins, counts = np.unique(np.round(w, 2), return_counts=True)
    new = prior_fixed_point(bins, prior, n * (n - 1) / 2, counts=counts)
    shift = logit2(new) - logit2(prior)
    prior = new
    set_prior(linker, prior)
    w = w + shift
    if group_limit > 2:
        extra_l, extra_r = unscored_pairs_within(
            n, left, right, 1.0 / (1.0 + np.exp2(-w)), min_edge=min_edge, max_records=group_limit
        )
        if extra_l.size:
            say(f"scoring {extra_l.size:,} pairs that may join a person and no rule compared")
            extra_w = _score_listed(linker, api, extra_l, extra_r)
            left = np.concatenate([left, extra_l])
            right = np.concatenate([right, extra_r])
            w = np.concatenate([w, extra_w])
    keep = w >= logit2(_KEEP_PROBABILITY)
    w = w[keep]
    probability = 1.0 / (1.0 + np.exp2(-w))
    pairs = pa.table(
        {
            "unique_id_l": pa.array(left[keep], pa.int64()),
            "unique_id_r": pa.array(right[keep], pa.int64()),
            "match_probability": pa.array(probability, pa.float64()),
            "match_weight": pa.array(w, pa.float64()),
        }
    )
    seconds["predict"] = time.perf_counter() - step

    must, cannot, unmatched = _resolve_decisions(prepared, decisions)
    pairs = _apply_decisions(pairs, must, cannot)

    say("clustering")
    step = time.perf_counter()
    left = pairs.column("unique_id_l").to_numpy()
    right = pairs.column("unique_id_r").to_numpy()
    probability = pairs.column("match_probability").to_numpy()
    clustering = cluster_pairs(
        n,
        left,
        right,
        probability,
        min_edge=min_edge,
        min_average=min_average,
        must=must,
        cannot=cannot,
    )
    seconds["cluster"] = time.perf_counter() - step
    recall = None
    if estimate_blocking_recall:
        from recuento.link.model import blocking_rules

        say("estimating blocking recall")
        step = time.perf_counter()
        recall = clustered_blocking_recall(
            prepared, blocking_rules(present), clustering.labels.tolist()
        )
        seconds["blocking_recall"] = time.perf_counter() - step
    persons = _persons_table(prepared, clustering.labels, clustering.weakest_link)
    pairs_out = _pairs_table(prepared, pairs, clustering.labels)
    saved = linker.misc.save_model_to_json()
    saved["probability_two_random_records_match"] = prior
    seconds["total"] = time.perf_counter() - start
    return LinkResult(
        persons,
        pairs_out,
        saved,
        prior,
        seconds,
        must=must,
        cannot=cannot,
        decisions_unmatched=unmatched,
        decision_conflicts=clustering.conflicts,
        blocking_recall=recall,
    )


def _score(
    linker: Any, n: int, backend: str, say: Callable[[str], None]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every blocked pair above the prior floor: left ids, right ids, match weights.

    On DuckDB the records are scored in parts (each part's records against all), each
    part's pairs fetched and its table dropped before the next: memory stays bounded and
    each part is a step of progress. Spark manages its own memory: one part.
    """
    parts = max(1, -(-n // SCORING_PART_RECORDS)) if backend == "duckdb" else 1
    lefts, rights, weights = [], [], []
    for part in range(1, parts + 1):
        say("scoring pairs" if parts == 1 else f"scoring pairs (part {part} of {parts})")
        scored = linker.inference.predict_chunk(
            left_chunk=(part, parts),
            right_chunk=(1, 1),
            threshold_match_weight=PRIOR_FLOOR_WEIGHT,
            warning_mode="never",
        )
        part_left, part_right, part_weight = _fetch_scored(linker, scored)
        lefts.append(part_left)
        rights.append(part_right)
        weights.append(part_weight)
    return (
        np.concatenate(lefts).astype(np.int64),
        np.concatenate(rights).astype(np.int64),
        np.concatenate(weights).astype(float),
    )


def _score_listed(linker: Any, api: Any, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Match weights of the listed pairs (record numbers, left < right), in their order.

    Pairs scoring under the kept probability come back at that floor's weight minus one:
    they are dropped with the rest below it.
    """
    from recuento.link.backends import register

    listed = register(
        api,
        pa.table(
            {
                "match_key": pa.array(np.zeros(left.size, dtype=np.int64)).cast(pa.string()),
                "join_key_l": pa.array(left, pa.int64()),
                "join_key_r": pa.array(right, pa.int64()),
            }
        ),
        "__recuento__listed_pairs",
    )
    linker.table_management.register_blocked_pairs_for_predict(listed)
    floor = logit2(_KEEP_PROBABILITY)
    try:
        scored = linker.inference.predict(threshold_match_weight=floor, warning_mode="never")
        got_left, got_right, got_weight = _fetch_scored(linker, scored)
    finally:
        listed.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    n = int(max(left.max(), right.max())) + 1
    weight = np.full(left.size, floor - 1.0)
    keys = left * n + right
    order = np.argsort(keys)
    found = np.searchsorted(keys[order], got_left.astype(np.int64) * n + got_right)
    weight[order[found]] = got_weight
    return weight


def _fetch_scored(linker: Any, scored: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left ids, right ids and match weights of Splink's scored pairs; their table dropped."""
    try:
        table = _query(
            linker, f"select unique_id_l, unique_id_r, match_weight from {scored.physical_name}"
        )
    finally:
        scored.drop_table_from_database_and_remove_from_cache()
    return (
        table.column("unique_id_l").to_numpy(zero_copy_only=False).astype(np.int64),
        table.column("unique_id_r").to_numpy(zero_copy_only=False).astype(np.int64),
        table.column("match_weight").to_numpy(zero_copy_only=False).astype(float),
    )


#: A person's decision on a pair: ``(source_l, id_l, source_r, id_r, same_person)``.
Decision = tuple[str, str, str, str, bool]


def _resolve_decisions(
    prepared: pa.Table, decisions: Sequence[Decision]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int]:
    """Decisions as row-number pairs (same, different), and how many name no linked record."""
    if not decisions:
        return [], [], 0
    sources = prepared.column("source").to_pylist()
    row = {
        key: k for k, key in enumerate(zip(sources, prepared.column("id").to_pylist(), strict=True))
    }
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    unmatched = 0
    for source_l, id_l, source_r, id_r, same in decisions:
        a, b = row.get((source_l, id_l)), row.get((source_r, id_r))
        if a is None or b is None or a == b:
            unmatched += 1
            continue
        (must if same else cannot).append((min(a, b), max(a, b)))
    return must, cannot, unmatched


def _apply_decisions(
    pairs: pa.Table, must: list[tuple[int, int]], cannot: list[tuple[int, int]]
) -> pa.Table:
    """Decided pairs carry probability 1 (same) or 0 (different); unscored "same" pairs are added.

    Their match weight is left as the model scored it (null for a pair it never scored).
    """
    if not must and not cannot:
        return pairs
    decided = {pair: 1.0 for pair in must} | {pair: 0.0 for pair in cannot}
    left = pairs.column("unique_id_l").to_pylist()
    right = pairs.column("unique_id_r").to_pylist()
    probability = pairs.column("match_probability").to_pylist()
    weight: list[float | None] = pairs.column("match_weight").to_pylist()
    seen: set[tuple[int, int]] = set()
    for k, (a, b) in enumerate(zip(left, right, strict=True)):
        key = (min(a, b), max(a, b))
        if key in decided:
            probability[k] = decided[key]
            seen.add(key)
    for key in must:
        if key not in seen:
            left.append(key[0])
            right.append(key[1])
            probability.append(1.0)
            weight.append(None)
            seen.add(key)
    return pa.table(
        {
            "unique_id_l": pa.array(left, pairs.schema.field("unique_id_l").type),
            "unique_id_r": pa.array(right, pairs.schema.field("unique_id_r").type),
            "match_probability": pa.array(probability, pa.float64()),
            "match_weight": pa.array(weight, pa.float64()),
        }
    )


def _query(linker: Any, sql: str) -> pa.Table:
    """Run SQL where the pairs are (DuckDB or Spark); the result as Arrow, its table dropped."""
    result = linker.misc.query_sql(sql)
    try:
        return result.as_pyarrow_table()
    finally:
        result.drop_table_from_database_and_remove_from_cache()


def _person_ids(labels: Sequence[int]) -> list[str]:
    """P000001, P000002... in order of each person's first record."""
    numbering: dict[int, int] = {}
    width = max(6, len(str(len(labels))))
    out = []
    for label in labels:
        number = numbering.setdefault(label, len(numbering) + 1)
        out.append(f"P{number:0{width}d}")
    return out


def _persons_table(prepared: pa.Table, labels: Any, weakest: dict[int, float]) -> pa.Table:
    labels_list = [int(v) for v in labels]
    sizes: dict[int, int] = {}
    for label in labels_list:
        sizes[label] = sizes.get(label, 0) + 1
    return pa.table(
        {
            "source": prepared.column("source"),
            "id": prepared.column("id"),
            "person_id": pa.array(_person_ids(labels_list), pa.string()),
            "person_records": pa.array([sizes[v] for v in labels_list], pa.int32()),
            "weakest_link": pa.array([weakest.get(v) for v in labels_list], pa.float64()),
        }
    )


def _pairs_table(prepared: pa.Table, pairs: pa.Table, labels: Any) -> pa.Table:
    source = prepared.column("source").to_pylist()
    ids = prepared.column("id").to_pylist()
    left = pairs.column("unique_id_l").to_pylist()
    right = pairs.column("unique_id_r").to_pylist()
    return pa.table(
        {
            "source_l": pa.array([source[i] for i in left], pa.string()),
            "id_l": pa.array([ids[i] for i in left], pa.string()),
            "source_r": pa.array([source[i] for i in right], pa.string()),
            "id_r": pa.array([ids[i] for i in right], pa.string()),
            "match_probability": pairs.column("match_probability"),
            "match_weight": pairs.column("match_weight"),
            "same_person": pa.array(
                [bool(labels[a] == labels[b]) for a, b in zip(left, right, strict=True)],
                pa.bool_(),
            ),
        }
    )


def _single(prepared: pa.Table, seconds: dict[str, float]) -> LinkResult:
    persons = _persons_table(prepared, [0], {})
    empty = pa.table(
        {
            "source_l": pa.array([], pa.string()),
            "id_l": pa.array([], pa.string()),
            "source_r": pa.array([], pa.string()),
            "id_r": pa.array([], pa.string()),
            "match_probability": pa.array([], pa.float64()),
            "match_weight": pa.array([], pa.float64()),
            "same_person": pa.array([], pa.bool_()),
        }
    )
    return LinkResult(persons, empty, {}, 0.0, seconds)


def load_model(path: Path) -> dict[str, Any]:
    """Read a saved model (JSON) for reuse.

    Raises:
        LinkageError: the file cannot be read or is not a recuento/Splink model.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LinkageError(
            f"{path}: cannot read the model ({e}). Use a file saved by "
            "`recuento link --save-model`."
        ) from e
    if not isinstance(data, dict) or "comparisons" not in data:
        raise LinkageError(
            f"{path}: this is not a linkage model (no comparisons). Use a file saved by "
            "`recuento link --save-model`."
        )
    return data
