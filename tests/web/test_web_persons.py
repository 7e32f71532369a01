"""Persons: search ignoring accents, case and nicknames; persons of the newest finished run;
a person's records from every source; every view audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.registry.models import Record, Source  # noqa: E402
from recuento.web.registry.services import bring_in  # noqa: E402
from recuento.web.runs.models import Assignment, Run  # noqa: E402

# Synthetic records in two lists. Prensa 1 and ONG 10 are the same woman, spelled apart.
PRENSA = (
    "folio,nombre,fecha de nacimiento,sexo\n"
    "1,Guadalupe Pérez Cruz,1990-03-04,F\n"
    "2,JOSÉ LUIS ORTEGA,1979,M\n"
    "3,Ana Ruiz Soto,1985-01-01,F\n"
).encode()
ONG = (
    "folio,nombre,fecha de nacimiento,sexo\n10,Lupita Perez,1990,F\n11,María Gómez,2001-05-06,F\n"
).encode()


@pytest.fixture(autouse=True)
def _records_stored_at_once(settings: Any) -> None:
    # A list's records are stored by a background task; here it runs as it is queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _bring(name: str, content: bytes, user: Any) -> Source:
    return bring_in(SimpleUploadedFile(f"{name}.csv", content, "text/csv"), name=name, user=user)


@pytest.fixture
def lists(make_user: Any, media_root: Path) -> dict[str, Source]:
    user = make_user("analyst")
    return {"prensa": _bring("prensa", PRENSA, user), "ong": _bring("ong", ONG, user)}


def _run(user: Any, status: str = "done", **fields: Any) -> Run:
    return Run.objects.create(
        created_by=user, status=status, finished_at=fields.pop("finished_at", timezone.now())
    )


@pytest.fixture
def run(lists: dict[str, Source], make_user: Any) -> Run:
    """A finished run: prensa 1 + ong 10 are P1; prensa 2 is P2; the rest not assigned."""
    the_run = _run(make_user("analyst"))
    Assignment.objects.bulk_create(
        [
            Assignment(run=the_run, source=lists["prensa"], record_id="1", person_id="P1",
                       strength=0.93),
            Assignment(run=the_run, source=lists["ong"], record_id="10", person_id="P1",
                       strength=0.93),
            Assignment(run=the_run, source=lists["prensa"], record_id="2", person_id="P2"),
        ]
    )  # fmt: skip
    return the_run


def _search(client: Any, **params: Any) -> Any:
    return client.get(reverse("persons:search_json"), params).json()


def _ids(body: dict[str, Any]) -> list[list[tuple[str, str]]]:
    return [[(r["source"], r["record_id"]) for r in p["records"]] for p in body["persons"]]


@pytest.fixture
def viewer(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("reviewer"))
    return client


# Search ---------------------------------------------------------------------------------


def test_search_for_a_nickname_finds_the_formal_name(lists: Any, viewer: Any) -> None:
    body = _search(viewer, q="lupita")
    assert ("prensa", "1") in [i for p in _ids(body) for i in p]


def test_search_for_a_formal_name_finds_the_nickname(lists: Any, viewer: Any) -> None:
    body = _search(viewer, q="Guadalupe")
    assert ("ong", "10") in [i for p in _ids(body) for i in p]


def test_search_ignores_accents_and_case(lists: Any, viewer: Any) -> None:
    assert _ids(_search(viewer, q="jose ortega")) == [[("prensa", "2")]]
    assert _ids(_search(viewer, q="MARIA GOMEZ")) == [[("ong", "11")]]
    assert _ids(_search(viewer, q="maría gómez")) == [[("ong", "11")]]


def test_search_needs_every_word(lists: Any, viewer: Any) -> None:
    assert _ids(_search(viewer, q="ana ortega")) == []
    assert _ids(_search(viewer, q="ortega ana")) == []


def test_words_may_come_in_any_order(lists: Any, viewer: Any) -> None:
    assert _ids(_search(viewer, q="ortega jose")) == [[("prensa", "2")]]
    assert _ids(_search(viewer, q="cruz guadalupe perez")) == [[("prensa", "1")]]


def test_the_last_word_of_three_letters_or_more_matches_the_start_of_a_name(
    lists: Any, viewer: Any
) -> None:
    assert _ids(_search(viewer, q="Orte")) == [[("prensa", "2")]]
    assert _ids(_search(viewer, q="jose orte")) == [[("prensa", "2")]]
    assert _ids(_search(viewer, q="Or")) == []
    assert _ids(_search(viewer, q="orte jose")) == []  # only the last word may be unfinished


def test_search_filters_by_year_of_birth_and_sex(lists: Any, viewer: Any) -> None:
    ids = [i for p in _ids(_search(viewer, q="perez", birth_year=1990)) for i in p]
    assert sorted(ids) == [("ong", "10"), ("prensa", "1")]
    assert _ids(_search(viewer, q="perez", birth_year=1991)) == []
    assert _ids(_search(viewer, q="ortega", sex="F")) == []
    assert _ids(_search(viewer, q="ortega", sex="M")) == [[("prensa", "2")]]


def test_without_a_run_every_record_appears_on_its_own(lists: Any, viewer: Any) -> None:
    body = _search(viewer, q="perez")
    assert body["run"] is None
    assert sorted(_ids(body)) == [[("ong", "10")], [("prensa", "1")]]
    assert all(p["person_id"] is None for p in body["persons"])


def test_results_are_grouped_by_person_of_the_newest_finished_run(run: Run, viewer: Any) -> None:
    body = _search(viewer, q="perez")
    assert body["run"] == run.pk
    assert _ids(body) == [[("ong", "10"), ("prensa", "1")]]
    (person,) = body["persons"]
    assert person["person_id"] == "P1" and person["matched"] == 2
    assert person["sources"] == [{"name": "ong", "records": 1}, {"name": "prensa", "records": 1}]


def test_a_person_shows_all_their_records_even_those_the_search_did_not_match(
    run: Run, viewer: Any
) -> None:
    body = _search(viewer, q="lupita")
    assert _ids(body) == [[("ong", "10"), ("prensa", "1")]]


def test_runs_not_finished_do_not_group_records(run: Run, viewer: Any, make_user: Any) -> None:
    for status in ("queued", "running", "failed"):
        newer = _run(make_user("analyst"), status=status)
        Assignment.objects.create(
            run=newer, source=Source.objects.get(name="prensa"), record_id="3", person_id="PX"
        )
    assert _search(viewer, q="ana ruiz")["persons"][0]["person_id"] is None
    assert _search(viewer, q="perez")["run"] == run.pk


def test_the_newest_finished_run_wins(run: Run, viewer: Any, make_user: Any) -> None:
    newer = _run(make_user("analyst"), finished_at=timezone.now() + timezone.timedelta(hours=1))
    prensa, ong = Source.objects.get(name="prensa"), Source.objects.get(name="ong")
    Assignment.objects.bulk_create(
        [
            Assignment(run=newer, source=prensa, record_id="1", person_id="Q1"),
            Assignment(run=newer, source=ong, record_id="10", person_id="Q2"),
        ]
    )
    body = _search(viewer, q="perez")
    assert body["run"] == newer.pk
    assert sorted(p["person_id"] for p in body["persons"]) == ["Q1", "Q2"]


def test_search_page_lists_persons_with_links(run: Run, viewer: Any) -> None:
    response = viewer.get(reverse("persons:search"), {"q": "perez"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Guadalupe Pérez Cruz" in text and "Lupita Perez" in text
    assert reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"}) in text


def test_search_page_without_a_query_shows_only_the_form(lists: Any, viewer: Any) -> None:
    response = viewer.get(reverse("persons:search"))
    assert response.status_code == 200
    assert response.context["page"] is None
    assert not Entry.objects.filter(action="search").exists()


def test_search_is_audited_without_the_words_searched(lists: Any, viewer: Any) -> None:
    _search(viewer, q="Lupita", birth_year=1990)
    entry = Entry.objects.get(action="search")
    assert entry.object_type == "person"
    assert entry.detail["fields"] == ["name", "birth_year"]
    assert entry.detail["records_shown"] == 2
    assert "lupita" not in str(entry.detail).lower()


def test_a_bad_search_form_is_a_json_error(lists: Any, viewer: Any) -> None:
    response = viewer.get(reverse("persons:search_json"), {"q": "x", "birth_year": "abc"})
    body = response.json()
    assert response.status_code == 400
    assert body["ok"] is False and body["status"] == 400 and body["errors"]


# Pagination and query counts -------------------------------------------------------------


def _many(n: int, source: Source, run: Run | None = None) -> None:
    # Records written directly (as the upload writes them), all named Soto, each its own person.
    from recuento.web.persons.keys import record_keys, search_text
    from recuento.web.persons.models import NameKey

    records = Record.objects.bulk_create(
        [
            Record(source=source, record_id=f"m{i:03d}", full_name=f"Rosa Soto {i:03d}",
                   given_names="Rosa", first_surname="Soto",
                   search_text=search_text(record_keys(["rosa", "soto"])))
            for i in range(n)
        ]
    )  # fmt: skip
    NameKey.objects.bulk_create(
        [NameKey(record=r, key=k) for r in records for k in record_keys(["rosa", "soto"])]
    )
    if run is not None:  # two records a person, and the last on its own
        Assignment.objects.bulk_create(
            [
                Assignment(run=run, source=source, record_id=r.record_id, person_id=f"S{i // 2}")
                for i, r in enumerate(records[:-1])
            ]
        )


def test_search_is_paginated_by_twenty_persons(lists: Any, viewer: Any) -> None:
    _many(25, lists["ong"])
    first = _search(viewer, q="rosa soto")
    second = _search(viewer, q="rosa soto", page=2)
    assert first["persons_found"] == 25 and first["pages"] == 2
    assert len(first["persons"]) == 20 and len(second["persons"]) == 5
    page = viewer.get(reverse("persons:search"), {"q": "rosa soto"}).content.decode()
    assert "page=2" in page


def test_search_query_count_does_not_grow_with_the_results(
    run: Run, viewer: Any, django_assert_num_queries: Any
) -> None:
    url = reverse("persons:search")
    viewer.get(url, {"q": "rosa soto"})  # warm the session and permission caches
    from django.db import connection

    # Session, user, the permissions (one query), run, the words' key counts, the matching
    # records, the page's assignments and records, and
    # the audit entry (BEGIN, last digest, INSERT, COMMIT on SQLite; one more on PostgreSQL).
    expected = {"sqlite": 12, "postgresql": 13}[connection.vendor]
    with django_assert_num_queries(expected) as few:
        viewer.get(url, {"q": "guadalupe perez"})
    _many(41, Source.objects.get(name="ong"), run)
    with django_assert_num_queries(len(few.captured_queries)):
        viewer.get(url, {"q": "rosa soto"})


# A person, a record --------------------------------------------------------------------


def test_person_page_shows_records_from_every_list_and_the_weakest_link(
    run: Run, viewer: Any
) -> None:
    url = reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"})
    response = viewer.get(url, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Guadalupe Pérez Cruz" in text and "Lupita Perez" in text
    assert "0.930" in text
    body = viewer.get(
        reverse("persons:person_json", kwargs={"run": run.pk, "person_id": "P1"})
    ).json()
    assert body["person"]["weakest_link"] == pytest.approx(0.93)
    assert [s["name"] for s in body["person"]["sources"]] == ["ong", "prensa"]


def test_person_page_is_audited_with_counts_not_values(run: Run, viewer: Any) -> None:
    viewer.get(reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"}))
    entry = Entry.objects.get(action="view", object_type="person")
    assert entry.object_id == "P1"
    assert entry.username.startswith("reviewer")
    assert entry.detail == {
        "run": run.pk,
        "records": 2,
        "sources": sorted(Source.objects.values_list("pk", flat=True)),
    }


def test_person_page_reads_the_newest_run_once(
    run: Run, viewer: Any, django_assert_num_queries: Any
) -> None:
    url = reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"})
    viewer.get(url)  # warm the session
    from django.db import connection

    # Session, user, the permissions (one query), the newest finished run (the person's run
    # here: not read again), the person's assignments and records, and the audit entry
    # (BEGIN, last digest, INSERT, COMMIT on SQLite; one more on PostgreSQL).
    expected = {"sqlite": 10, "postgresql": 11}[connection.vendor]
    with django_assert_num_queries(expected):
        assert viewer.get(url).status_code == 200


def test_person_page_of_an_older_run_says_a_newer_one_has_finished(
    run: Run, viewer: Any, make_user: Any
) -> None:
    newer = _run(make_user("analyst"), finished_at=timezone.now() + timezone.timedelta(hours=1))
    url = reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"})
    text = viewer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Guadalupe Pérez Cruz" in text
    assert f"A newer run ({newer.pk}) has finished" in text
    body = viewer.get(
        reverse("persons:person_json", kwargs={"run": run.pk, "person_id": "P1"})
    ).json()
    assert body["newest_run"] == newer.pk and body["person"]["run"] == run.pk


def test_unknown_person_or_unfinished_run_is_404(run: Run, viewer: Any, make_user: Any) -> None:
    assert (
        viewer.get(reverse("persons:person", kwargs={"run": run.pk, "person_id": "P9"})).status_code
        == 404
    )
    queued = _run(make_user("analyst"), status="queued")
    Assignment.objects.create(
        run=queued, source=Source.objects.get(name="prensa"), record_id="1", person_id="P1"
    )
    url = reverse("persons:person_json", kwargs={"run": queued.pk, "person_id": "P1"})
    assert viewer.get(url).status_code == 404
    assert not Entry.objects.filter(object_type="person", action="view").exists()


def test_a_record_not_in_any_run_appears_as_itself_and_is_audited(run: Run, viewer: Any) -> None:
    record = Record.objects.get(source__name="prensa", record_id="3")
    response = viewer.get(reverse("persons:record", kwargs={"pk": record.pk}))
    assert response.status_code == 200
    assert "Ana Ruiz Soto" in response.content.decode()
    entry = Entry.objects.get(action="view", object_type="record")
    assert entry.object_id == str(record.pk)
    assert entry.detail == {"source": record.source_id}


def test_a_record_in_the_newest_run_leads_to_its_person(run: Run, viewer: Any) -> None:
    record = Record.objects.get(source__name="ong", record_id="10")
    response = viewer.get(reverse("persons:record", kwargs={"pk": record.pk}))
    assert response.status_code == 302
    assert response.url == reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"})
    as_json = viewer.get(reverse("persons:record_json", kwargs={"pk": record.pk}))
    assert as_json.url.endswith(".json")


def test_a_record_the_run_linked_but_no_longer_stored_is_listed_as_missing(
    run: Run, viewer: Any
) -> None:
    Record.objects.filter(source__name="ong", record_id="10").delete()
    body = viewer.get(
        reverse("persons:person_json", kwargs={"run": run.pk, "person_id": "P1"})
    ).json()
    assert body["person"]["missing_records"] == [{"source": "ong", "record_id": "10"}]


# Access --------------------------------------------------------------------------------


# Every page of the persons app; each gets the three access tests below.
PERSONS_URL_NAMES = {
    "persons:search",
    "persons:search_json",
    "persons:person",
    "persons:person_json",
    "persons:record",
    "persons:record_json",
}


def test_every_persons_page_has_the_access_tests() -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    names = {
        f"persons:{p.name}"
        for r in resolver.url_patterns
        if getattr(r, "namespace", None) == "persons"
        for p in r.url_patterns
    }
    assert names == PERSONS_URL_NAMES


def _persons_urls(run: Run) -> list[str]:
    record = Record.objects.get(source__name="prensa", record_id="3")
    person = {"run": run.pk, "person_id": "P1"}
    return [
        reverse("persons:search") + "?q=perez",
        reverse("persons:search_json") + "?q=perez",
        reverse("persons:person", kwargs=person),
        reverse("persons:person_json", kwargs=person),
        reverse("persons:record", kwargs={"pk": record.pk}),
        reverse("persons:record_json", kwargs={"pk": record.pk}),
    ]


def test_persons_pages_send_anonymous_visitors_to_login(client: Any, run: Run) -> None:
    for url in _persons_urls(run):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{reverse('accounts:login')}?next=")
    assert not Entry.objects.filter(object_type__in=["person", "record"]).exists()


def test_persons_pages_are_403_without_a_role(client: Any, make_user: Any, run: Run) -> None:
    # Every role may see persons: a user without a role is the wrong role here.
    client.force_login(make_user(None))
    for url in _persons_urls(run):
        assert client.get(url).status_code == 403
    assert not Entry.objects.filter(object_type__in=["person", "record"]).exists()


@pytest.mark.parametrize("role", ["reviewer", "analyst", "coordinator", "administrator"])
def test_persons_pages_are_200_for_every_role_and_never_cached(
    client: Any, make_user: Any, run: Run, role: str
) -> None:
    client.force_login(make_user(role))
    for url in _persons_urls(run):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]


def test_a_search_that_finds_nobody_writes_no_audit_entry(lists: Any, viewer: Any) -> None:
    assert _search(viewer, q="zzzz")["persons"] == []
    assert not Entry.objects.filter(action="search").exists()


def test_persons_pages_speak_spanish(run: Run, viewer: Any) -> None:
    search = viewer.get(reverse("persons:search"), {"q": "perez"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "1 persona encontrada" in search.content.decode()
    url = reverse("persons:person", kwargs={"run": run.pk, "person_id": "P1"})
    text = viewer.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Vínculo más débil" in text and "probabilidad de coincidencia 0,930" in text


def test_results_are_ordered_by_surname_ignoring_case_and_accents(lists: Any, viewer: Any) -> None:
    # Compared as written, "Á" sorts after every plain letter: Álvarez would come last.
    content = ("folio,nombre,apellido\n1,Rosa,SOTO\n2,rosa,Álvarez\n3,Rosa,Benítez\n").encode()
    from django.contrib.auth import get_user_model

    _bring("orden", content, get_user_model().objects.first())
    body = _search(viewer, q="rosa")
    assert [p["records"][0]["first_surname"] for p in body["persons"]] == [
        "Álvarez",
        "Benítez",
        "Soto",  # the reader tidies capitals
    ]


def test_search_form_keeps_what_was_asked_escaped_and_shows_errors(lists: Any, viewer: Any) -> None:
    page = viewer.get(
        reverse("persons:search"),
        {"q": '<b>"x', "sex": "F", "birth_year": "abc"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert 'value="&lt;b&gt;&quot;x"' in page and "<b>" not in page
    assert '<option value="F" selected>' in page
    assert "Enter a whole number." in page


def test_a_postcode_column_is_kept_among_the_records_other_columns(
    make_user: Any, media_root: Path
) -> None:
    # The reader maps the postcode for linkage; Record has no column for it, so it stays
    # visible on the record's page among the other columns, normalised.
    content = "folio,nombre,código postal,notas\n1,Ana Ruiz Soto,C.P. 32 000,x\n2,Rosa Díaz,,\n"
    _bring("padron", content.encode(), make_user("analyst"))
    records = Record.objects.filter(source__name="padron").order_by("record_id")
    assert [r.attributes for r in records] == [{"notas": "x", "postcode": "32000"}, {}]


def test_search_results_escape_the_names_they_show(lists: Any, viewer: Any) -> None:
    # The result lines are written in Python, not by the template: names as a list wrote
    # them must still reach the page escaped.
    from recuento.web.persons.keys import record_keys, search_text
    from recuento.web.persons.models import NameKey

    record = Record.objects.create(
        source=lists["ong"],
        record_id="x1",
        full_name="<i>Rosa</i> & Soto",
        given_names="Rosa",
        first_surname="Soto",
        birth_date="1990",
        search_text=search_text(record_keys(["rosa", "soto"])),
    )
    NameKey.objects.bulk_create([NameKey(record=record, key=k) for k in ["rosa", "soto"]])
    page = viewer.get(reverse("persons:search"), {"q": "rosa soto"}).content.decode()
    assert "&lt;i&gt;Rosa&lt;/i&gt; &amp; Soto" in page and "<i>Rosa</i>" not in page
    assert f'href="{reverse("persons:record", kwargs={"pk": record.pk})}"' in page
    assert ">1990<" in page and ">ong<" in page


def test_a_person_reads_the_records_and_lists_the_orm_reads(
    run: Run, lists: Any, make_user: Any
) -> None:
    from recuento.web.persons.search import person

    # A record the run assigned that is no longer stored, and a record of another person.
    Assignment.objects.create(run=run, source=lists["ong"], record_id="gone", person_id="P1")
    for person_id in ("P1", *Assignment.objects.values_list("person_id", flat=True)):
        found = person(run, person_id)
        assert found is not None
        assigned = Assignment.objects.filter(run=run, person_id=person_id)
        orm = [
            r
            for r in Record.objects.filter(
                source_id__in={a.source_id for a in assigned},
                record_id__in={a.record_id for a in assigned},
            )
            .select_related("source")
            .order_by("source__name", "record_id")
            if (r.source_id, r.record_id) in {(a.source_id, a.record_id) for a in assigned}
        ]
        assert [r.pk for r in found.records] == [r.pk for r in orm]
        for ours, theirs in zip(found.records, orm, strict=True):
            for field in Record._meta.concrete_fields:
                assert getattr(ours, field.attname) == getattr(theirs, field.attname)
            assert ours.source.name == theirs.source.name and ours.source.pk == theirs.source_id
        stored = {(r.source_id, r.record_id) for r in orm}
        assert found.missing == sorted(
            (a.source.name, a.record_id)
            for a in assigned
            if (a.source_id, a.record_id) not in stored
        )
        strengths = [a.strength for a in assigned if a.strength is not None]
        assert found.weakest == (min(strengths) if strengths else None)
    assert ("ong", "gone") in person(run, "P1").missing  # type: ignore[union-attr]
    assert person(run, "nobody") is None
