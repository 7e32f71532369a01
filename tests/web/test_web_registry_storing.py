"""A list's records are stored by a background task on the runs' queue, not in the upload
request (issue 6: the web registry): the source says ``storing``, then ``stored``, or
``failed`` with a message and no record at all."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.storage import default_storage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.compat import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from recuento.web.registry import services  # noqa: E402
from recuento.web.registry.models import Record, Source  # noqa: E402
from recuento.web.registry.services import fail_interrupted_storing  # noqa: E402
from recuento.web.runs.workers import worker_id  # noqa: E402

# Synthetic records; line 4 has no name (rejected).
CSV = (
    "folio,nombre,fecha de nacimiento,sexo\n"
    "1,Ana Pérez López,1990-03-04,F\n"
    "2,María Ruiz Soto,1985-07-01,F\n"
    "3,,1979-11-20,F\n"
).encode()


@pytest.fixture
def analyst(client: Any, make_user: Any, media_root: Path) -> Any:
    client.force_login(make_user("analyst"))
    return client


def _upload(client: Any, name: str = "prensa", content: bytes = CSV) -> Source:
    response = client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile(f"{name}.csv", content, "text/csv"), "name": name},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Source.objects.get(name=name)


def _work(monkeypatch: Any) -> None:
    """Carry out the queued tasks as ``runs_worker`` does, then return."""
    from django_tasks_db.management.commands import db_worker

    # Between tasks the worker drops stale connections: that would end this test's
    # transaction on PostgreSQL (as in test_web_runs).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id(),
        excluded_queue_names=[],
    ).run()


def _fresh(source: Source) -> Source:
    source.refresh_from_db()
    return source


def test_the_upload_answers_before_the_records_are_stored_and_queues_their_task(
    analyst: Any,
) -> None:
    source = _upload(analyst)
    assert source.status == Source.Status.STORING
    assert source.rows_accepted == 2 and not Record.objects.exists()
    task = DBTaskResult.objects.get()
    assert task.task_path == "recuento.web.registry.tasks.store_source"
    assert task.args_kwargs["args"] == [source.pk, "es"] and str(task.id) == source.task_id


def test_the_worker_stores_the_records_and_the_list_is_then_stored(
    analyst: Any, monkeypatch: Any
) -> None:
    source = _upload(analyst)
    _work(monkeypatch)
    assert _fresh(source).status == Source.Status.STORED
    assert Record.objects.filter(source=source).count() == source.rows_accepted == 2
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_source_page_and_its_json_say_storing_then_stored(
    analyst: Any, monkeypatch: Any
) -> None:
    source = _upload(analyst)
    page = analyst.get(reverse("registry:source", kwargs={"pk": source.pk})).content.decode()
    assert 'data-status="storing"' in page and 'id="source-progress"' in page
    url = reverse("registry:source_json", kwargs={"pk": source.pk})
    assert analyst.get(url).json()["source"]["status"] == "storing"
    listed = analyst.get(reverse("registry:sources_json")).json()["sources"]
    assert [s["status"] for s in listed] == ["storing"]
    _work(monkeypatch)
    page = analyst.get(reverse("registry:source", kwargs={"pk": source.pk})).content.decode()
    assert 'data-status="stored"' in page and 'id="source-progress"' not in page
    assert analyst.get(url).json()["source"]["status"] == "stored"


def test_a_failure_while_storing_leaves_no_record_and_a_message_without_values(
    analyst: Any, monkeypatch: Any
) -> None:
    real = services.store_records

    def half_then_fail(source: Source, result: Any) -> int:
        real(source, result)  # every record written, then it fails: none may stay
        raise OSError("disk full while writing Ana Pérez López")

    monkeypatch.setattr(services, "store_records", half_then_fail)
    source = _upload(analyst)
    _work(monkeypatch)
    source = _fresh(source)
    assert source.status == Source.Status.FAILED and not Record.objects.exists()
    assert "OSError" in source.status_message and "Ana" not in source.status_message
    page = analyst.get(reverse("registry:source", kwargs={"pk": source.pk})).content.decode()
    assert source.status_message.split("(")[0] in page
    assert reverse("registry:retry", kwargs={"pk": source.pk}) in page


def test_a_stored_file_changed_before_the_task_ran_is_not_stored(
    analyst: Any, monkeypatch: Any
) -> None:
    source = _upload(analyst)
    Path(default_storage.path(source.file.name)).write_bytes(CSV + "4,Rosa Díaz,1970,F\n".encode())
    _work(monkeypatch)
    source = _fresh(source)
    assert source.status == Source.Status.FAILED and "SHA-256" in source.status_message
    assert not Record.objects.exists()


def test_storing_again_after_a_failure_stores_the_records(analyst: Any, monkeypatch: Any) -> None:
    source = _upload(analyst)
    Source.objects.filter(pk=source.pk).update(status=Source.Status.FAILED, status_message="x")
    response = analyst.post(reverse("registry:retry", kwargs={"pk": source.pk}))
    assert response.status_code == 302
    assert _fresh(source).status == Source.Status.STORING
    _work(monkeypatch)
    assert _fresh(source).status == Source.Status.STORED
    assert Record.objects.filter(source=source).count() == 2


def test_storing_again_is_refused_unless_storing_failed(analyst: Any) -> None:
    source = _upload(analyst)
    url = reverse("registry:retry", kwargs={"pk": source.pk})
    response = analyst.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "not waiting to be stored again" in response.content.decode()
    assert DBTaskResult.objects.count() == 1


def test_storing_again_needs_a_login_and_the_upload_role(
    client: Any, make_user: Any, make_source: Any
) -> None:
    source = make_source(status=Source.Status.FAILED)
    url = reverse("registry:retry", kwargs={"pk": source.pk})
    assert client.post(url).url == f"{reverse('accounts:login')}?next={url}"
    client.force_login(make_user("reviewer"))
    assert client.post(url).status_code == 403
    client.force_login(make_user("analyst"))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert _fresh(source).status == Source.Status.STORING


def test_a_list_not_stored_yet_is_not_offered_to_a_linkage_run(
    analyst: Any, monkeypatch: Any
) -> None:
    source = _upload(analyst)
    form = analyst.get(reverse("runs:runs")).context["form"]
    assert source not in form.fields["sources"].queryset
    _work(monkeypatch)
    form = analyst.get(reverse("runs:runs")).context["form"]
    assert source in form.fields["sources"].queryset


def test_the_mapping_cannot_be_fixed_while_the_records_are_being_stored(analyst: Any) -> None:
    source = _upload(analyst)
    data = {"col_0": "id", "col_1": "full_name", "col_2": "birth_date", "col_3": "sex"}
    url = reverse("registry:mapping", kwargs={"pk": source.pk})
    response = analyst.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "being stored; fix the mapping when they are" in response.content.decode()
    assert not Record.objects.exists()


def test_fixing_the_mapping_of_a_failed_list_stores_its_records(analyst: Any) -> None:
    source = _upload(analyst)
    Source.objects.filter(pk=source.pk).update(status=Source.Status.FAILED, status_message="x")
    data = {"col_0": "id", "col_1": "full_name", "col_2": "birth_date", "col_3": "sex"}
    response = analyst.post(reverse("registry:mapping", kwargs={"pk": source.pk}), data)
    assert response.status_code == 302
    assert _fresh(source).status == Source.Status.STORED and source.status_message == ""
    assert Record.objects.filter(source=source).count() == 2


def test_a_worker_starting_fails_a_list_whose_storing_was_interrupted(
    analyst: Any, make_source: Any, monkeypatch: Any
) -> None:
    from django_tasks_db.management.commands import db_worker

    interrupted = _upload(analyst, "prensa")
    waiting = _upload(analyst, "ong")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    DBTaskResult.objects.filter(pk=interrupted.task_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[f"recuento:elsewhere:{gone.pid}:abcdefgh"],
    )
    no_task = make_source("sin_tarea", status=Source.Status.STORING)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("runs_worker", recover=True, batch=True, interval=0)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    assert _fresh(interrupted).status == Source.Status.FAILED
    assert "Guárdelos de nuevo" in interrupted.status_message  # the site's language
    assert not Record.objects.filter(source=interrupted).exists()
    assert _fresh(no_task).status == Source.Status.FAILED
    # A list whose task was still queued is stored by the worker as usual.
    assert _fresh(waiting).status == Source.Status.STORED


def test_recovery_leaves_a_list_whose_task_is_queued_or_running(analyst: Any) -> None:
    source = _upload(analyst)
    assert fail_interrupted_storing() == 0
    DBTaskResult.objects.filter(pk=source.task_id).update(status=TaskResultStatus.RUNNING)
    assert fail_interrupted_storing() == 0
    assert _fresh(source).status == Source.Status.STORING


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Storing the records failed"), ("es", "Guardar los registros")]
)
def test_a_failure_is_told_in_the_language_of_whoever_brought_the_list_in(
    client: Any, make_user: Any, media_root: Path, monkeypatch: Any, language: str, words: str
) -> None:
    def fail(source: Source, result: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(services, "store_records", fail)
    client.force_login(make_user("analyst"))
    client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile("prensa.csv", CSV, "text/csv"), "name": "prensa"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    _work(monkeypatch)
    assert words in Source.objects.get().status_message


def test_repeating_a_run_adds_only_lists_whose_records_are_stored(
    make_user: Any, make_source: Any
) -> None:
    from recuento.web.runs.models import Run
    from recuento.web.runs.services import sources_for_repeat

    first = make_source("prensa")
    run = Run.objects.create(created_by=make_user("analyst"), status=Run.Status.DONE)
    run.sources.set([first])
    later = timezone.now() + dt.timedelta(seconds=1)
    stored = make_source("ong", uploaded_at=later)
    make_source("familias", uploaded_at=later, status=Source.Status.STORING)
    make_source("fiscalia", uploaded_at=later, status=Source.Status.FAILED)
    assert sources_for_repeat(run) == [first, stored]
