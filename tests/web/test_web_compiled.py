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


def test_a_query_with_a_value_is_the_orms_with_that_value(make_user: Any, make_source: Any) -> None:
    from recuento.web.review.services import decide
    from recuento.web.review.views import _undecided
    from recuento.web.runs.models import UncertainPair

    analyst, reviewer = make_user("analyst"), make_user("reviewer")
    prensa, ong = make_source("prensa"), make_source("ong")
    runs = [Run.objects.create(created_by=analyst, status=Run.Status.DONE) for _ in range(2)]
    pairs = [
        UncertainPair.objects.create(
            run=runs[k % 2],
            left_source=prensa,
            left_id=f"l{k}",
            right_source=ong,
            right_id=f"r{k}",
            probability=0.5,
            match_weight=0.0,
            impact=(k % 3) / 3,
        )
        for k in range(12)
    ]
    for pair in [None, *pairs]:
        if pair is not None:
            decide(reviewer, pair, "same")
        for run in runs:
            ours = first(UncertainPair, _undecided, run.pk)
            assert ours == _undecided(run.pk).first()
    assert first(UncertainPair, _undecided, runs[0].pk + 100) is None


def test_a_value_the_orm_changes_on_its_way_is_refused() -> None:
    from recuento.web.compiled import NotCompilableError

    with pytest.raises(NotCompilableError):
        first(Run, lambda v: Run.objects.filter(progress__gt=v).order_by("pk"), 1)
    with pytest.raises(TypeError):
        first(Run, lambda v: Run.objects.filter(pk=v).order_by("pk"), "1")  # type: ignore[arg-type]
