"""Queries the pages run on every request, compiled by the ORM once per database.

Building a query through Django's ORM (filters, ordering, the SQL text) costs more on this
site than running it: the newest finished run, read by the persons and review pages on
every request, took 0.28 ms through the ORM and 0.08 ms as the same SQL run again; the
review queue's first undecided pair (a ``NOT EXISTS`` over decisions in either order)
1.08 ms and 0.05 ms (100,000-record bench site). :func:`first` asks the ORM for a query's
SQL and parameters the first time, with marker numbers standing for the query's own values
(whole numbers only, such as a run's number), then runs exactly that SQL with the
parameters the ORM gave and the values in the markers' places, and reads the row as the ORM
would (the same model instance, with the same fields deferred).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


#: Marker values standing for a query's whole-number values while it is compiled (nothing
#: the site stores is near them).
_MARKERS = tuple(-987_654_321_000_000 - i for i in range(8))


class NotCompilableError(ValueError):
    """The ORM changed a value on its way into the SQL: such a query cannot be compiled
    once (use the ORM)."""


@functools.cache
def _compiled(
    build: Callable[..., Any], alias: str, values: int
) -> tuple[str, tuple[Any, ...], tuple[int | None, ...]]:
    """The SQL, its parameters, and for each parameter which value (by position) it is,
    or None for a constant of the query."""
    markers = _MARKERS[:values]
    query = build(*markers)[:1].query
    sql, params = query.get_compiler(using=alias).as_sql()
    slots = tuple(markers.index(p) if type(p) is int and p in markers else None for p in params)
    if {s for s in slots if s is not None} != set(range(values)):
        raise NotCompilableError(f"{build.__qualname__}: a value did not reach the SQL as is")
    return sql, tuple(params), slots


def _forget(*, setting: str, **kwargs: Any) -> None:
    """A test that changes the databases gets queries compiled anew."""
    if setting == "DATABASES":
        _compiled.cache_clear()


setting_changed.connect(_forget)


def first(model: type[M], build: Callable[..., models.QuerySet[M]], *values: int) -> M | None:
    """``build(*values).first()``, with the SQL the ORM wrote for it the first time.

    Args:
        model: the model ``build`` queries.
        build: a function returning the query (ordered) for ``values``; called once per
            process and database, with marker numbers.
        values: whole numbers the query compares columns with (at most 8).
    """
    if any(type(v) is not int for v in values) or len(values) > len(_MARKERS):
        raise TypeError("compiled.first takes whole numbers only")
    alias = router.db_for_read(model)
    sql, constants, slots = _compiled(build, alias, len(values))
    params = [c if slot is None else values[slot] for c, slot in zip(constants, slots, strict=True)]
    for row in model._default_manager.raw(sql, params, using=alias):
        return row
    return None


def from_row(model: type[M], alias: str, fields: Sequence[Any], row: Sequence[Any]) -> M:
    """A model instance from a row of ``fields``' columns read with written-out SQL,
    each value converted as the ORM converts it (SQLite's dates are text, its booleans
    numbers); the model's other fields are deferred, as with ``only()``."""
    connection = connections[alias]
    values = list(row)
    for i, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        for convert in (
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ):
            values[i] = convert(values[i], column, connection)
    return model.from_db(alias, [f.attname for f in fields], values)
