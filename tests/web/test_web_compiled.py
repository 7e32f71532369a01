"""``compiled.first``: the row the ORM's ``first()`` reads, with SQL compiled once."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.utils import timezone  # noqa: E402

from recuento.web.compiled import first  # noqa: E402
from recuento.web.persons import search  # noqa: E402
from recuento.web.review import views as review  # noqa: E402
from recuento.web.runs.models import Run  # noqa: E402


def test_the_newest_run_is_the_orms_first_row_and_follows_new_runs(make_user: Any) -> None:
    analyst = make_user("analyst")
    assert search.newest_run() is None and review.newest_run() is None
    now = timezone.now()
    for minutes, status in ((0, Run.Status.DONE), (5, Run.Status.FAILED), (3, Run.Status.DONE)):
        Run.objects.create(
            created_by=analyst,
            status=status,
            result={},
            finished_at=now + timezone.timedelta(minutes=minutes),
        )
        for ours, orm in (
            (search.newest_run(), search._newest_runs().first()),
            (review.newest_run(), review._newest_runs().first()),
        ):
            assert ours == orm and ours is not None
            assert ours.get_deferred_fields() == orm.get_deferred_fields()
            assert (ours.finished_at, ours.created_at, ours.status) == (
                orm.finished_at,
                orm.created_at,
                orm.status,
            )
    assert first(Run, lambda: Run.objects.filter(status="queued").order_by("pk")) is None
