"""Blocking recall: the share of true pairs that the blocking rules ever compare.

A pair of records that no blocking rule compares is never scored, so it can never be
linked, however good the model: the share of true pairs that at least one rule compares
is a ceiling on pairwise recall (the *recall ceiling*). Missed pairs look like extra
people, so this is measured, not assumed.

:func:`blocking_recall` measures it exactly against known truth, without generating the
blocked pairs of the whole data: only pairs *within* a true person are ever joined, so the
cost grows with the number of true pairs, not with the square of the records. For each rule
the records are joined on the person and on the rule's own condition (arrays exploded as
Splink explodes them for ``block_on(..., arrays_to_explode=...)``), and a pair counts as
compared when at least one rule joins it (a union over rules, not a sum: most true pairs
are caught by several rules).

:func:`clustered_blocking_recall` is the estimate available without truth: the same
measurement with the persons a linkage found standing in for the truth, i.e. the share of
pairs of records put in the same person that some rule compares directly (the rest were
joined only through other records). It is **optimistic**: true pairs that no rule compares
and that no chain of links brings together end up in different persons and are invisible
to it. A low value is a warning (the linkage relies on chaining); a high value is not proof
of a high ceiling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

#: Prepared columns described for the missed pairs by default (those present are used).
PROFILE_COLUMNS = (
    "given_main",
    "given_formal",
    "given_phonetic",
    "first_surname_phonetic",
    "second_surname_phonetic",
    "name_tokens_phonetic",
    "token_pairs",
    "birth_date",
    "birth_year_low",
    "birth_year_high",
    "event_year",
    "place_key",
)

_RECORDS = "__recuento__recall_records"


@dataclass(frozen=True)
class RuleRecall:
    """What one blocking rule catches among the true pairs.

    Attributes:
        rule: the rule's SQL (and the arrays it explodes), as Splink writes it.
        caught: true pairs this rule compares.
        only_this_rule: true pairs no other rule compares (what dropping it would lose).
    """

    rule: str
    caught: int
    only_this_rule: int


@dataclass(frozen=True)
class ColumnProfile:
    """How the missed true pairs compare on one column (counts of missed pairs).

    ``missing``: either record has no value; ``equal``: the same value; ``overlap``
    (array columns only): different arrays with an element in common; ``different``:
    the rest.
    """

    column: str
    missing: int
    equal: int
    overlap: int
    different: int


@dataclass(frozen=True)
class BlockingRecall:
    """The recall ceiling of a set of blocking rules against a partition of the records.

    Attributes:
        records: records with a person (records without one are left out).
        true_pairs: pairs of records of the same person.
        compared: those that at least one rule compares.
        rules: per rule, in the order given.
        missed_within_source / missed_across_sources: missed pairs inside one list, and
            between two lists.
        missed_by_sources: missed pairs per (source, source) pair, sorted names.
        profile: how the missed pairs compare on each profiled column.
    """

    records: int
    true_pairs: int
    compared: int
    rules: tuple[RuleRecall, ...] = ()
    missed_within_source: int = 0
    missed_across_sources: int = 0
    missed_by_sources: dict[tuple[str, str], int] = field(default_factory=dict)
    profile: tuple[ColumnProfile, ...] = ()

    @property
    def missed(self) -> int:
        return self.true_pairs - self.compared

    @property
    def recall(self) -> float:
        """The share of true pairs compared (1.0 when there are no true pairs)."""
        return self.compared / self.true_pairs if self.true_pairs else 1.0


def _codes(values: Sequence[object]) -> np.ndarray:
    """Integer codes of ``values``; -1 for None (no person)."""
    index: dict[object, int] = {}
    return np.fromiter(
        (-1 if v is None else index.setdefault(v, len(index)) for v in values),
        np.int64,
        len(values),
    )


def _labels_from(prepared: pa.Table, truth: pa.Table | Sequence[object]) -> list[object]:
    """The person of each prepared record, from a ``source,id,person`` table or a sequence."""
    if not isinstance(truth, pa.Table):
        labels = list(truth)
        if len(labels) != prepared.num_rows:
            raise ValueError(
                f"the truth has {len(labels)} labels for {prepared.num_rows} records; give one "
                "person per prepared record, in the same order, or a source,id,person table."
            )
        return labels
    person = next((c for c in ("person", "person_id") if c in truth.column_names), None)
    missing = [c for c in ("source", "id") if c not in truth.column_names]
    if person is None or missing:
        raise ValueError(
            "the truth table needs the columns source, id and person (or person_id); it has "
            f"{', '.join(truth.column_names)}."
        )
    lookup = {
        (str(s), str(i)): p
        for s, i, p in zip(
            truth.column("source").to_pylist(),
            truth.column("id").to_pylist(),
            truth.column(person).to_pylist(),
            strict=True,
        )
    }
    return [
        lookup.get((str(s), str(i)))
        for s, i in zip(
            prepared.column("source").to_pylist(), prepared.column("id").to_pylist(), strict=True
        )
    ]


def _rule_sql(rule: Any) -> tuple[str, list[str]]:
    """A rule's join condition (``l.`` / ``r.``) and the array columns it explodes."""
    if hasattr(rule, "get_blocking_rule"):
        arrays = list(rule.arrays_to_explode or [])
        return rule.get_blocking_rule("duckdb").blocking_rule_sql, arrays
    if isinstance(rule, str):
        return rule, []
    raise TypeError(
        f"a blocking rule must be a Splink rule (block_on(...)) or SQL text, not "
        f"{type(rule).__name__}."
    )


def _pairs_sql(condition: str, arrays: list[str], columns: list[str]) -> str:
    """True pairs (a < b) joined by one rule; arrays exploded as Splink explodes them."""
    source = _RECORDS
    if arrays:
        from splink.internals.dialects import SplinkDialect

        dialect = SplinkDialect.from_string("duckdb")
        exploded = [_quote(a) for a in arrays]
        others = [_quote(c) for c in columns if c not in arrays]
        source = "(" + dialect.explode_arrays_sql(_RECORDS, exploded, others) + ")"
    return (
        f"SELECT DISTINCT l.unique_id AS a, r.unique_id AS b FROM {source} AS l "
        f"JOIN {source} AS r ON l.__person = r.__person AND ({condition}) "
        "WHERE l.unique_id < r.unique_id"
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _profile_sql(column: str, is_list: bool) -> str:
    c = _quote(column)
    missing = f"(l.{c} IS NULL OR r.{c} IS NULL)"
    equal = f"(l.{c} = r.{c})"
    overlap = f"(len(list_intersect(l.{c}, r.{c})) > 0)" if is_list else "false"
    return (
        f"count(*) FILTER (WHERE {missing}), "
        f"count(*) FILTER (WHERE NOT {missing} AND {equal}), "
        f"count(*) FILTER (WHERE NOT {missing} AND NOT {equal} AND {overlap}), "
        f"count(*) FILTER (WHERE NOT {missing} AND NOT {equal} AND NOT {overlap})"
    )


def blocking_recall(
    prepared: pa.Table,
    rules: Sequence[Any],
    truth: pa.Table | Sequence[object],
    *,
    profile_columns: Sequence[str] | None = None,
) -> BlockingRecall:
    """Measure the share of true pairs that at least one blocking rule compares.

    Args:
        prepared: the prepared records (:func:`recuento.link.prepare.prepare`), with
            ``unique_id``, ``source``, ``id`` and the columns the rules use.
        rules: blocking rules (``block_on(...)``, e.g.
            :func:`recuento.link.model.blocking_rules`), or SQL text over ``l.`` and ``r.``.
        truth: a ``source,id,person`` table (records it does not name are left out), or
            the person of each prepared record in order (None for none).
        profile_columns: prepared columns on which to describe the missed pairs
            (default :data:`PROFILE_COLUMNS`, those present).

    Returns:
        The counts: true pairs, compared pairs, per rule, and a description of the
        missed pairs that holds counts only, never a record's values.
    """
    import duckdb

    labels = _codes(_labels_from(prepared, truth))
    keep = labels >= 0
    records = prepared.filter(pa.array(keep)).append_column(
        "__person", pa.array(labels[keep], pa.int64())
    )
    sizes = np.bincount(labels[keep]) if keep.any() else np.zeros(0, np.int64)
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    con = duckdb.connect()
    try:
        con.register(_RECORDS, records)
        rule_sqls = [_rule_sql(rule) for rule in rules]
        union = " UNION ALL ".join(
            f"SELECT a, b, {k} AS rule FROM ({_pairs_sql(sql, arrays, records.column_names)})"
            for k, (sql, arrays) in enumerate(rule_sqls)
        )
        if union:
            con.execute(f"CREATE TEMP TABLE caught AS {union}")
        else:
            con.execute("CREATE TEMP TABLE caught (a BIGINT, b BIGINT, rule INTEGER)")
        compared = con.execute("SELECT count(*) FROM (SELECT DISTINCT a, b FROM caught)")
        n_compared = int(compared.fetchall()[0][0])
        per_rule = dict(con.execute("SELECT rule, count(*) FROM caught GROUP BY rule").fetchall())
        only = dict(
            con.execute(
                "SELECT only_rule, count(*) FROM (SELECT a, b, min(rule) AS only_rule, "
                "count(*) AS n FROM caught GROUP BY a, b) WHERE n = 1 GROUP BY only_rule"
            ).fetchall()
        )
        con.execute(
            f"CREATE TEMP TABLE missed AS SELECT l.unique_id AS a, r.unique_id AS b "
            f"FROM {_RECORDS} AS l JOIN {_RECORDS} AS r ON l.__person = r.__person "
            "AND l.unique_id < r.unique_id "
            "ANTI JOIN (SELECT DISTINCT a, b FROM caught) AS c "
            "ON c.a = l.unique_id AND c.b = r.unique_id"
        )
        missed_join = (
            f"FROM missed AS m JOIN {_RECORDS} AS l ON l.unique_id = m.a "
            f"JOIN {_RECORDS} AS r ON r.unique_id = m.b"
        )
        by_sources: dict[tuple[str, str], int] = {}
        for s1, s2, n in con.execute(
            "SELECT least(l.source, r.source), greatest(l.source, r.source), count(*) "
            f"{missed_join} GROUP BY ALL ORDER BY ALL"
        ).fetchall():
            by_sources[(str(s1), str(s2))] = int(n)
        profile = []
        wanted = PROFILE_COLUMNS if profile_columns is None else tuple(profile_columns)
        for column in wanted:
            if column not in records.column_names:
                if profile_columns is not None:
                    raise ValueError(f"profile column {column!r} is not in the prepared records")
                continue
            is_list = pa.types.is_list(records.schema.field(column).type) or pa.types.is_large_list(
                records.schema.field(column).type
            )
            counts = con.execute(f"SELECT {_profile_sql(column, is_list)} {missed_join}")
            row = counts.fetchall()[0]  # an aggregate without GROUP BY: exactly one row
            profile.append(ColumnProfile(column, *(int(v) for v in row)))
    finally:
        con.close()
    descriptions = [sql + (f" (exploding {', '.join(a)})" if a else "") for sql, a in rule_sqls]
    within = sum(n for (s1, s2), n in by_sources.items() if s1 == s2)
    return BlockingRecall(
        records=int(keep.sum()),
        true_pairs=true_pairs,
        compared=n_compared,
        rules=tuple(
            RuleRecall(d, int(per_rule.get(k, 0)), int(only.get(k, 0)))
            for k, d in enumerate(descriptions)
        ),
        missed_within_source=within,
        missed_across_sources=sum(by_sources.values()) - within,
        missed_by_sources=by_sources,
        profile=tuple(profile),
    )


def clustered_blocking_recall(
    prepared: pa.Table, rules: Sequence[Any], person_ids: pa.Table | Sequence[object]
) -> BlockingRecall:
    """Estimate the recall ceiling without truth, from the persons a linkage found.

    The share of pairs of records placed in the same person that at least one rule compares
    directly. Optimistic (see the module's notes): it cannot see true pairs left in
    different persons. Use :func:`blocking_recall` whenever truth exists.

    Args:
        prepared: the prepared records.
        rules: the blocking rules used.
        person_ids: the found person of each prepared record in order, or a
            ``source,id,person_id`` table (``LinkResult.persons``).
    """
    return blocking_recall(prepared, rules, person_ids, profile_columns=())
