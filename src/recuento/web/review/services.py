"""Review decisions: recording them (append-only, audited) and handing them to the engine.

A pair is named by its two records (source and record id) in a canonical order, so a
decision outlives the run that showed the pair; the newest decision on a pair is the one
that counts, and *unsure* leaves the pair to the model.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.db import connections, router, transaction

from recuento.web.audit.log import record
from recuento.web.compiled import from_row
from recuento.web.registry.models import Source
from recuento.web.review.models import PairDecision
from recuento.web.runs.models import UncertainPair

#: (left source pk, left id, right source pk, right id), canonical order.
PairKey = tuple[int, str, int, str]


def canonical(source_a: int, id_a: str, source_b: int, id_b: str) -> PairKey:
    """The pair's key with the smaller (source, id) on the left."""
    if (source_a, id_a) <= (source_b, id_b):
        return (source_a, id_a, source_b, id_b)
    return (source_b, id_b, source_a, id_a)


class NamesRecords(Protocol):
    """Anything naming a pair's two records: an :class:`UncertainPair`, or its values as
    the review queue reads them."""

    @property
    def left_source_id(self) -> int: ...
    @property
    def left_id(self) -> str: ...
    @property
    def right_source_id(self) -> int: ...
    @property
    def right_id(self) -> str: ...


def key_of(pair: NamesRecords) -> PairKey:
    return canonical(pair.left_source_id, pair.left_id, pair.right_source_id, pair.right_id)


def decide(user: Any, pair: UncertainPair, decision: str, note: str = "") -> PairDecision:
    """Record ``user``'s decision on ``pair`` (a new row; earlier ones stay) and audit it."""
    if decision not in PairDecision.Decision.values:
        raise ValueError(f"unknown decision {decision!r}")
    ls, li, rs, ri = key_of(pair)
    with transaction.atomic():
        made = PairDecision.objects.create(
            left_source_id=ls,
            left_id=li,
            right_source_id=rs,
            right_id=ri,
            decision=decision,
            note=note,
            decided_by=user,
        )
        record(
            user,
            "decide",
            "pair",
            made.pk,
            {"decision": decision, "run": pair.run_id, "uncertain_pair": pair.pk},
        )
    return made


def _decisions(conditions: list[tuple[str, list[Any]]]) -> list[PairDecision]:
    """Decisions whose columns are among the given values (``[(field name, values)]``),
    newest first, with who made each (``decided_by``: their number and user name), read
    with the SQL written out: the ORM took longer to build these queries than to run them
    (a queue page's 100 record ids in IN lists: 0.58 ms)."""
    alias = router.db_for_read(PairDecision)
    q = connections[alias].ops.quote_name
    user_model = get_user_model()
    meta, users = PairDecision._meta, user_model._meta
    fields = meta.concrete_fields
    user_fields = (users.pk, users.get_field(user_model.USERNAME_FIELD))
    where = " AND ".join(
        f"d.{q(meta.get_field(name).column)} IN ({', '.join(['%s'] * len(values))})"
        for name, values in conditions
    )
    sql = (
        f"SELECT {', '.join(f'd.{q(f.column)}' for f in fields)}, "
        f"{', '.join(f'u.{q(f.column)}' for f in user_fields)} "
        f"FROM {q(meta.db_table)} d INNER JOIN {q(users.db_table)} u "
        f"ON u.{q(users.pk.column)} = d.{q(meta.get_field('decided_by').column)} "
        f"WHERE {where} "
        f"ORDER BY d.{q(meta.get_field('decided_at').column)} DESC, d.{q(meta.pk.column)} DESC"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [v for _name, values in conditions for v in values])
        rows = cursor.fetchall()
    found = []
    n = len(fields)
    for row in rows:
        d = from_row(PairDecision, alias, fields, row[:n])
        # As select_related("decided_by") leaves it (the user's other fields deferred).
        d._state.fields_cache["decided_by"] = from_row(user_model, alias, user_fields, row[n:])
        found.append(d)
    return found


def decisions_on(key: PairKey) -> list[PairDecision]:
    """Every decision on the pair ``key`` (canonical order), newest first (one query)."""
    names = ("left_source", "left_id", "right_source", "right_id")
    return _decisions([(name, [value]) for name, value in zip(names, key, strict=True)])


def latest_for(pairs: Sequence[NamesRecords]) -> dict[PairKey, PairDecision]:
    """The newest decision on each of ``pairs`` that has one (one query), with who made it.

    The query asks for decisions whose left and right record ids are among the pairs'
    (an index range, simple to plan however many pairs a page shows); the exact pairs are
    picked here.
    """
    keys = {key_of(p) for p in pairs}
    if not keys:
        return {}
    newest: dict[PairKey, PairDecision] = {}
    for d in _decisions(
        [
            ("left_id", sorted({k[1] for k in keys})),
            ("right_id", sorted({k[3] for k in keys})),
            ("left_source", sorted({k[0] for k in keys})),
            ("right_source", sorted({k[2] for k in keys})),
        ]
    ):
        key = (d.left_source_id, d.left_id, d.right_source_id, d.right_id)
        if key in keys:
            newest.setdefault(key, d)
    return newest


def latest_decisions(sources: Iterable[Source]) -> dict[PairKey, str]:
    """The newest decision on every pair whose two records are in ``sources``."""
    ids = [s.pk for s in sources]
    newest: dict[PairKey, str] = {}
    rows = (
        PairDecision.objects.filter(left_source_id__in=ids, right_source_id__in=ids)
        .order_by("-decided_at", "-pk")
        .values_list("left_source_id", "left_id", "right_source_id", "right_id", "decision")
    )
    for ls, li, rs, ri, decision in rows.iterator(chunk_size=5000):
        newest.setdefault((ls, li, rs, ri), decision)
    return newest


def engine_decisions(sources: Sequence[Source]) -> list[tuple[str, str, str, str, bool]]:
    """The decisions a run over ``sources`` applies: ``(source_l, id_l, source_r, id_r,
    same)`` with list names, newest per pair, *unsure* left out."""
    names = {s.pk: s.name for s in sources}
    return [
        (names[ls], li, names[rs], ri, decision == PairDecision.Decision.SAME)
        for (ls, li, rs, ri), decision in sorted(latest_decisions(sources).items())
        if decision != PairDecision.Decision.UNSURE
    ]


class Neighbour(NamedTuple):
    """A pair next to another in the queue's order (its number)."""

    pk: int


@functools.cache
def _neighbours_sql(alias: str) -> tuple[str, str]:
    """The pair before and the pair after a given one in the queue's order (``-impact``,
    ``pk``) among its run's pairs: the ORM's queries, written out once per database (the
    pair page reads both on every request; built through the ORM they took longer than
    they ran)."""
    q = connections[alias].ops.quote_name
    meta = UncertainPair._meta
    table, pk = q(meta.db_table), q(meta.pk.column)
    run, impact = q(meta.get_field("run").column), q(meta.get_field("impact").column)
    head = f"SELECT {pk} FROM {table} WHERE {run} = %s AND "
    before = f"{head}({impact} > %s OR ({impact} = %s AND {pk} < %s)) "
    after = f"{head}({impact} < %s OR ({impact} = %s AND {pk} > %s)) "
    return (
        f"{before}ORDER BY {impact} ASC, {pk} DESC LIMIT 1",
        f"{after}ORDER BY {impact} DESC, {pk} ASC LIMIT 1",
    )


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "DATABASES":
        _neighbours_sql.cache_clear()


setting_changed.connect(_forget)


def neighbours(pair: UncertainPair) -> tuple[Neighbour | None, Neighbour | None]:
    """The pairs just before and just after ``pair`` in the review queue's order."""
    alias = router.db_for_read(UncertainPair)
    params = [pair.run_id, pair.impact, pair.impact, pair.pk]
    found: list[Neighbour | None] = []
    with connections[alias].cursor() as cursor:
        for sql in _neighbours_sql(alias):
            cursor.execute(sql, params)
            row = cursor.fetchone()
            found.append(Neighbour(row[0]) if row is not None else None)
    return found[0], found[1]
