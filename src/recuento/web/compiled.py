"""Queries that take nothing from the request, compiled by the ORM once per database.

Building a query through Django's ORM (filters, ordering, the SQL text) costs more on this
site than running it: the newest finished run, read by the persons and review pages on
every request, took 0.28 ms through the ORM and 0.08 ms as the same SQL run again
(100,000-record bench site). :func:`first` asks the ORM for a query's SQL and parameters
the first time, then runs exactly that SQL with those parameters, and reads the row as the
ORM would (the same model instance, with the same fields deferred).

Only for queries whose values are fixed in the code (no value from a request or a user).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import models, router

M = TypeVar("M", bound=models.Model)


@functools.cache
def _compiled(build: Callable[[], Any], alias: str) -> tuple[str, tuple[Any, ...]]:
    query = build()[:1].query
    sql, params = query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def _forget(*, setting: str, **kwargs: Any) -> None:
    """A test that changes the databases gets queries compiled anew."""
    if setting == "DATABASES":
        _compiled.cache_clear()


setting_changed.connect(_forget)


def first(model: type[M], build: Callable[[], models.QuerySet[M]]) -> M | None:
    """``build().first()``, with the SQL the ORM wrote for it the first time.

    Args:
        model: the model ``build`` queries.
        build: a function of no arguments returning the query (ordered); it must take
            nothing from a request: it is called once per process and database.
    """
    alias = router.db_for_read(model)
    sql, params = _compiled(build, alias)
    for row in model._default_manager.raw(sql, params, using=alias):
        return row
    return None
