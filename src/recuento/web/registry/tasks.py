"""The registry's background task (django-tasks, on the database queue the runs use)."""

from __future__ import annotations

from django_tasks import task

from recuento.web.registry import services


@task()
def store_source(source_pk: int, lang: str = "es") -> None:
    """Store the records of source ``source_pk``; the outcome is stored on the source, with
    a message in ``lang`` if it failed."""
    services.store_source_records(source_pk, lang)
