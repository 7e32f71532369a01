"""Linkage runs: starting one, the task that links and counts, progress, failures, repeats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.registry.models import Source  # noqa: E402
from recuento.web.runs.models import Assignment, Run, UncertainPair  # noqa: E402
from recuento.web.runs.services import (  # noqa: E402
    execute_run,
    fail_interrupted_runs,
    impact,
    jsonable,
    sources_for_repeat,
    start_run,
)
from recuento.web.runs.stages import stage_text  # noqa: E402

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Synthetic records: Ana appears on both lists, spelt alike; the others once.
PRENSA = (
    "folio,nombre,fecha de nacimiento,sexo\n"
    "1,Ana Pérez López,1990-03-04,F\n"
    "2,María Ruiz Soto,1985-07-01,F\n"
    "3,Rosa Núñez Díaz,1979-11-20,F\n"
).encode()
ONG = (
    "clave,nombre,nacimiento,sexo\n"
    "a,Ana Perez Lopez,1990-03-04,F\n"
    "b,Lucía Gómez Vera,2001-02-02,F\n"
    "c,,1970-01-01,F\n"
).encode()

# (url name, what the URL names, wrong role, right role, method)
PROTECTED = [
    ("runs:runs", None, "reviewer", "analyst", "get"),
    ("runs:runs_json", None, "reviewer", "analyst", "get"),
    ("runs:run", "run", "reviewer", "analyst", "get"),
    ("runs:run_json", "run", "reviewer", "coordinator", "get"),
    ("runs:repeat", "run", "reviewer", "analyst", "post"),
    ("runs:report", "done_run", "reviewer", "analyst", "get"),
]


def upload(client: Any, content: bytes, name: str) -> Source:
    response = client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile(f"{name}.csv", content, "text/csv"), "name": name},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Source.objects.get(name=name)


@pytest.fixture
def analyst(client: Any, make_user: Any) -> Any:
    user = make_user("analyst")
    client.force_login(user)
    return user


@pytest.fixture
def two_lists(client: Any, analyst: Any, media_root: Path) -> list[Source]:
    # Their records stored as they are brought in (a task, here run at once).
    with override_settings(TASKS=IMMEDIATE):
        return [upload(client, PRENSA, "prensa"), upload(client, ONG, "ong")]


@pytest.fixture
def make_run(make_user: Any, make_source: Any, media_root: Path) -> Any:
    def make(status: str = Run.Status.QUEUED, **fields: Any) -> Run:
        run = Run.objects.create(created_by=make_user("analyst"), status=status, **fields)
        run.sources.set([make_source(f"lista{run.pk}")])
        if status == Run.Status.DONE:
            report = media_root / "reports" / f"run-{run.pk}.html"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text("<html>informe</html>")
            Run.objects.filter(pk=run.pk).update(
                report=f"reports/run-{run.pk}.html", result={"persons": 2}
            )
            run.refresh_from_db()
        return run

    return make


def url_for(name: str, needs: str | None, make_run: Any) -> str:
    if needs is None:
        return reverse(name)
    run = make_run(Run.Status.DONE if needs == "done_run" else Run.Status.FAILED)
    return reverse(name, kwargs={"pk": run.pk})


@pytest.mark.parametrize(("name", "needs", "wrong", "right", "method"), PROTECTED)
def test_runs_pages_send_anonymous_visitors_to_login(
    client: Any, make_run: Any, name: str, needs: str, wrong: str, right: str, method: str
) -> None:
    url = url_for(name, needs, make_run)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(("name", "needs", "wrong", "right", "method"), PROTECTED)
def test_runs_pages_are_403_for_a_role_without_the_action(
    client: Any,
    make_user: Any,
    make_run: Any,
    name: str,
    needs: str,
    wrong: str,
    right: str,
    method: str,
) -> None:
    url = url_for(name, needs, make_run)
    client.force_login(make_user(wrong))
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("name", "needs", "wrong", "right", "method"), PROTECTED)
def test_runs_pages_answer_the_right_role(
    client: Any,
    make_user: Any,
    make_run: Any,
    name: str,
    needs: str,
    wrong: str,
    right: str,
    method: str,
) -> None:
    url = url_for(name, needs, make_run)
    client.force_login(make_user(right))
    with override_settings(TASKS=IMMEDIATE):
        response = getattr(client, method)(url)
    # Repeating answers with a redirect to the new run; every other page with 200.
    assert response.status_code == (302 if method == "post" else 200)
    if method == "get":
        assert "no-store" in response["Cache-Control"]


def test_starting_a_run_queues_a_task_and_records_the_lists_hashes(
    client: Any, two_lists: list[Source]
) -> None:
    from django_tasks_db.models import DBTaskResult

    response = client.post(
        reverse("runs:runs"), {"sources": [s.pk for s in two_lists], "by": "", "seed": "7"}
    )
    run = Run.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("runs:run", kwargs={"pk": run.pk})
    assert run.status == Run.Status.QUEUED
    assert run.parameters["seed"] == 7
    assert run.source_hashes == {s.name: s.sha256 for s in two_lists}
    assert run.source_hashes["prensa"] == hashlib.sha256(PRENSA).hexdigest()
    task = DBTaskResult.objects.get()
    assert str(task.id) == run.task_id
    assert task.args_kwargs["args"] == [run.pk]
    assert Entry.objects.filter(action="start", object_type="run", object_id=str(run.pk)).exists()


def test_the_form_offers_every_list_checked_by_default(
    client: Any, two_lists: list[Source]
) -> None:
    text = client.get(reverse("runs:runs")).content.decode()
    for source in two_lists:
        assert f'value="{source.pk}"' in text
    assert text.count("checked") >= 2


def test_a_run_without_lists_is_refused_by_the_form(client: Any, two_lists: list[Source]) -> None:
    response = client.post(reverse("runs:runs"), {"by": "", "seed": "1"})
    assert response.status_code == 200
    assert not Run.objects.exists()


@pytest.mark.slow
def test_the_task_links_counts_and_stores_everything(
    client: Any, analyst: Any, two_lists: list[Source], media_root: Path
) -> None:
    with override_settings(TASKS=IMMEDIATE):
        client.post(reverse("runs:runs"), {"sources": [s.pk for s in two_lists], "seed": "1"})
    run = Run.objects.get()
    assert run.status == Run.Status.DONE, run.message
    assert run.progress == 1.0 and run.started_at and run.finished_at
    # Five accepted records (ONG's third has no name): each gets exactly one person.
    assignments = list(Assignment.objects.filter(run=run))
    assert len(assignments) == 5
    persons = {(a.source.name, a.record_id): a.person_id for a in assignments}
    assert persons[("prensa", "1")] == persons[("ong", "a")]
    assert len(set(persons.values())) == 4
    assert run.result["persons"] == 4
    assert run.result["records"] == 6 and run.result["rejected"] == 1
    assert run.result["lists"] == ["prensa", "ong"]
    # Two lists: the engine warns, in English and (stored beside it) in Spanish.
    assert len(run.result["warnings_es"]) == len(run.result["warnings"]) > 0
    json.dumps(run.result, allow_nan=False)
    report = media_root / run.report
    assert run.report.startswith("reports/") and report.exists()
    assert "<html" in report.read_text(encoding="utf-8")[:500].lower()
    page = client.get(reverse("runs:run", kwargs={"pk": run.pk})).content.decode()
    assert "4" in page and reverse("runs:report", kwargs={"pk": run.pk}) in page
    download = client.get(reverse("runs:report", kwargs={"pk": run.pk}))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]


def test_a_run_whose_file_changed_fails_with_a_safe_message_and_keeps_earlier_runs(
    client: Any, two_lists: list[Source], make_user: Any, media_root: Path
) -> None:
    earlier = Run.objects.create(
        created_by=make_user("analyst"), status=Run.Status.DONE, result={"persons": 9}
    )
    Assignment.objects.create(run=earlier, source=two_lists[0], record_id="1", person_id="P1")
    stored = media_root / two_lists[0].file.name
    stored.write_bytes(PRENSA.replace(b"Ana", b"Eva"))
    run = start_run(make_user("analyst"), two_lists)
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    # In the language of whoever started it (Spanish here).
    assert "SHA-256" in run.message and "prensa" in run.message and "cambió" in run.message
    assert "Eva" not in run.message and "Ana" not in run.message
    assert not Assignment.objects.filter(run=run).exists()
    assert not UncertainPair.objects.filter(run=run).exists()
    earlier.refresh_from_db()
    assert earlier.result == {"persons": 9}
    assert Assignment.objects.filter(run=earlier).count() == 1
    page = client.get(reverse("runs:run", kwargs={"pk": run.pk})).content.decode()
    assert "SHA-256" in page


def test_a_run_whose_file_is_missing_fails_saying_so(
    two_lists: list[Source], make_user: Any, media_root: Path
) -> None:
    (media_root / two_lists[1].file.name).unlink()
    run = start_run(make_user("analyst"), two_lists, lang="en")
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert "missing" in run.message and "ong" in run.message


def test_an_unexpected_error_is_stored_without_its_text(
    two_lists: list[Source], make_user: Any, media_root: Path
) -> None:
    # A stratum column that is not a column: the engine's own error, safe to show.
    run = start_run(make_user("analyst"), two_lists, by="nonexistent")
    execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert "nonexistent" in run.message


def test_a_run_is_carried_out_once(two_lists: list[Source], make_user: Any) -> None:
    run = start_run(make_user("analyst"), two_lists)
    Run.objects.filter(pk=run.pk).update(status=Run.Status.FAILED, message="x")
    execute_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.message) == (Run.Status.FAILED, "x")


def test_progress_json_reports_status_progress_and_stage_in_the_readers_language(
    client: Any, make_user: Any, make_run: Any
) -> None:
    run = make_run(Run.Status.RUNNING, progress=0.4, stage="scoring pairs")
    client.force_login(make_user("analyst"))
    body = client.get(
        reverse("runs:run_json", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["ok"] is True
    assert (body["run"]["status"], body["run"]["progress"]) == ("running", 0.4)
    assert body["run"]["stage_text"] == "scoring pairs of records"
    page = client.get(reverse("runs:run", kwargs={"pk": run.pk})).content.decode()
    assert reverse("runs:run_json", kwargs={"pk": run.pk}) in page
    assert "<progress" in page


def test_stages_are_translated_with_their_numbers() -> None:
    with translation.override("es"):
        assert stage_text("linkage configuration 2 of 6") != "linkage configuration 2 of 6"
        assert "2" in stage_text("linkage configuration 2 of 6")
        assert stage_text("clustering") != "clustering"
        whole = "linkage configurations: the whole table"  # said by recuento.count.pooling
        assert (
            stage_text(whole) == "estimando la tabla completa con cada configuración de vinculación"
        )
    with translation.override("en"):
        assert stage_text("reading list 1 of 3") == "reading list 1 of 3"
        assert stage_text("something new") == "something new"


def test_repeating_takes_the_same_lists_and_those_brought_in_since(
    client: Any, two_lists: list[Source], make_user: Any, make_source: Any
) -> None:
    first = start_run(make_user("analyst"), two_lists[:1], by="sex", seed=5)
    newer = make_source("familias")
    assert {s.name for s in sources_for_repeat(first)} == {"prensa", "ong", "familias"} - (
        set() if two_lists[1].uploaded_at > first.created_at else {"ong"}
    )
    response = client.post(reverse("runs:repeat", kwargs={"pk": first.pk}))
    again = Run.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("runs:run", kwargs={"pk": again.pk})
    assert newer.name in again.source_hashes and "prensa" in again.source_hashes
    assert again.parameters["by"] == "sex" and again.parameters["seed"] == 5
    assert again.parameters["repeats"] == first.pk


def test_runs_list_pins_its_query_count(
    client: Any, make_user: Any, make_run: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(make_user("analyst"))
    for _ in range(3):
        make_run(Run.Status.DONE)
    client.get(reverse("runs:runs"))
    # session, user, savepoint, permissions (one query), lists for the form (2), runs, release
    with django_assert_num_queries(8):
        client.get(reverse("runs:runs"))
    for _ in range(3):
        make_run(Run.Status.FAILED)
    with django_assert_num_queries(8):
        client.get(reverse("runs:runs"))
    with django_assert_num_queries(6):
        client.get(reverse("runs:runs_json"))


def test_runs_json_lists_every_run_with_its_numbers(
    client: Any, make_user: Any, make_run: Any
) -> None:
    run = make_run(Run.Status.DONE)
    client.force_login(make_user("analyst"))
    body = client.get(reverse("runs:runs_json")).json()
    assert body["ok"] is True
    assert [r["id"] for r in body["runs"]] == [run.pk]
    assert body["runs"][0]["persons"] == 2


def test_interrupted_runs_are_marked_failed_and_their_partial_rows_removed(make_run: Any) -> None:
    running = make_run(Run.Status.RUNNING)
    # What it had stored before it was interrupted is not kept.
    Assignment.objects.create(
        run=running, source=running.sources.get(), record_id="1", person_id="P1"
    )
    queued = make_run(Run.Status.QUEUED)
    assert fail_interrupted_runs() == 1
    assert not Assignment.objects.filter(run=running).exists()
    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.status == Run.Status.FAILED and "iníciela de nuevo" in running.message
    assert queued.status == Run.Status.QUEUED


def test_impact_is_highest_at_one_half_and_doubles_across_lists() -> None:
    assert impact(0.5, False, False) == pytest.approx(1.0)
    assert impact(0.5, True, True) == pytest.approx(2.0)
    assert impact(0.8, False, False) == pytest.approx(impact(0.2, False, False))
    assert impact(0.8, False, False) < impact(0.6, False, False)
    assert impact(1.0, True, False) == 0.0


def test_jsonable_turns_numpy_and_nan_into_json() -> None:
    import numpy as np

    assert jsonable({"a": np.float64(1.5), "b": float("nan"), "c": [np.int64(2)]}) == {
        "a": 1.5,
        "b": None,
        "c": [2],
    }


@pytest.mark.slow
def test_the_database_worker_carries_out_a_queued_run(
    two_lists: list[Source], make_user: Any, media_root: Path, monkeypatch: Any
) -> None:
    from django_tasks_db.management.commands import db_worker

    # Between tasks the worker drops stale connections; on PostgreSQL that would end this
    # test's transaction (the serve test runs the worker for real, in its own process).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    run = start_run(make_user("analyst"), two_lists)
    call_command("runs_worker", batch=True, interval=0)
    run.refresh_from_db()
    assert run.status == Run.Status.DONE, run.message
    assert run.result["persons"] == 4


def test_run_page_shows_the_engines_warnings_in_the_readers_language(
    client: Any, make_user: Any, make_run: Any
) -> None:
    run = make_run(Run.Status.DONE)
    Run.objects.filter(pk=run.pk).update(
        result={"persons": 2, "warnings": ["Too few lists."], "warnings_es": ["Muy pocas listas."]}
    )
    client.force_login(make_user("analyst"))
    url = reverse("runs:run", kwargs={"pk": run.pk})
    assert "Muy pocas listas." in client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Too few lists." in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


FISCALIA = (
    "expediente,nombre,fecha de nacimiento,sexo\n"
    "F1,Ana Pérez López,1990-03-04,F\n"
    "F2,Rosa Nuñez Diaz,1979-11-20,F\n"
    "F3,Elena Cruz Mora,1995-05-05,F\n"
).encode()


@pytest.fixture
def three_lists(client: Any, two_lists: list[Source]) -> list[Source]:
    with override_settings(TASKS=IMMEDIATE):
        return [*two_lists, upload(client, FISCALIA, "fiscalia")]


def test_a_run_keeps_the_lists_named_as_feeding_one_another_and_shows_them(
    client: Any, three_lists: list[Source]
) -> None:
    response = client.post(
        reverse("runs:runs"),
        {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": " prensa + ong "},
    )
    run = Run.objects.get()
    assert response.status_code == 302
    assert run.parameters["dependent"] == [["prensa", "ong"]]
    page = client.get(reverse("runs:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert "Listas que se alimentan entre sí" in text and "<code>prensa+ong</code>" in text
    # Repeating the run models the same lists as dependent.
    client.post(reverse("runs:repeat", kwargs={"pk": run.pk}))
    again = Run.objects.exclude(pk=run.pk).get()
    assert again.parameters["dependent"] == [["prensa", "ong"]]


def test_lists_named_as_dependent_must_be_among_those_chosen_said_in_the_readers_language(
    client: Any, three_lists: list[Source]
) -> None:
    chosen = {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": "ong+familias"}
    page = client.post(reverse("runs:runs"), chosen, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and not Run.objects.exists()
    assert "ninguna lista se llama &#x27;familias&#x27;" in page.content.decode()
    page = client.post(reverse("runs:runs"), chosen, HTTP_ACCEPT_LANGUAGE="en")
    assert "no list is called &#x27;familias&#x27;" in page.content.decode()
    # Two of three lists leave one other list to compare them with; all three, none.
    chosen["dependent"] = "prensa+ong+fiscalia"
    page = client.post(reverse("runs:runs"), chosen, HTTP_ACCEPT_LANGUAGE="en")
    assert "fewer than two separate variables" in page.content.decode()
    assert not Run.objects.exists()


@pytest.mark.slow
def test_the_task_models_the_lists_named_as_dependent(
    client: Any, three_lists: list[Source]
) -> None:
    with override_settings(TASKS=IMMEDIATE):
        client.post(
            reverse("runs:runs"),
            {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": "prensa+ong"},
        )
    run = Run.objects.get()
    assert run.status == Run.Status.DONE, run.message
    assert run.result["conditional"]["diagnostics"]["dependent"] == [["prensa", "ong"]]


def test_a_run_can_leave_the_dependent_lists_to_the_data_and_says_so(
    client: Any, three_lists: list[Source]
) -> None:
    chosen = {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": " auto "}
    response = client.post(reverse("runs:runs"), chosen)
    run = Run.objects.get()
    assert response.status_code == 302
    assert run.parameters["dependent_auto"] is True and "dependent" not in run.parameters
    page = client.get(reverse("runs:run", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="es")
    assert "elegidas a partir de los datos (auto)" in page.content.decode()
    client.post(reverse("runs:repeat", kwargs={"pk": run.pk}))
    again = Run.objects.exclude(pk=run.pk).get()
    assert again.parameters["dependent_auto"] is True


def test_auto_and_named_lists_together_are_refused_in_the_readers_language(
    client: Any, three_lists: list[Source]
) -> None:
    chosen = {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": "auto, prensa+ong"}
    page = client.post(reverse("runs:runs"), chosen, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and "indique una cosa o la otra" in page.content.decode()
    page = client.post(reverse("runs:runs"), chosen, HTTP_ACCEPT_LANGUAGE="en")
    assert "give one or the other" in page.content.decode()
    assert not Run.objects.exists()


@pytest.mark.slow
def test_the_task_asks_the_data_for_the_dependent_lists(
    client: Any, three_lists: list[Source]
) -> None:
    with override_settings(TASKS=IMMEDIATE):
        client.post(
            reverse("runs:runs"),
            {"sources": [s.pk for s in three_lists], "seed": "1", "dependent": "auto"},
        )
    run = Run.objects.get()
    assert run.status == Run.Status.DONE, run.message
    # Three lists leave no degrees of freedom to test: LCMCR as published, and it says so.
    chosen = run.result["conditional"]["diagnostics"]["dependent_auto"]
    assert chosen["alternatives"] == [[]]
    assert chosen["fit_check_without"]["checked"] is False
