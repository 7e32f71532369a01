"""The runs' background task (django-tasks, carried out by the database-backed worker)."""

from __future__ import annotations

from django_tasks import task

from recuento.web.runs import services


@task()
def link_run(run_pk: int) -> None:
    """Link and count the sources of run ``run_pk``; the outcome is stored on the run."""
    services.execute_run(run_pk)
