"""Records stored at upload: one per accepted row, with search keys; replaced on a remap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.web.persons.keys import parse_query, record_keys  # noqa: E402
from recuento.web.persons.models import NameKey  # noqa: E402
from recuento.web.registry.models import Record, Source  # noqa: E402

# Synthetic records. Line 5 has no name: rejected, so no record.
CSV = (
    "folio,nombre,fecha de nacimiento,sexo,edad,municipio,nota\n"
    "1,Lupita Pérez de la Cruz,1990-03-04,F,25,Juárez,a\n"
    "2,MARÍA JOSÉ ÑÚÑEZ,1985,f,,Chihuahua,b\n"
    "3,Chuy Ortega,03/02/1979,M,40,,c\n"
    "4,,1970-01-01,F,,,d\n"
).encode()


@pytest.fixture(autouse=True)
def _records_stored_at_once(settings: Any) -> None:
    # A list's records are stored by a background task; here it runs as it is queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(client: Any, content: bytes = CSV, name: str = "prensa") -> Any:
    return client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile(f"{name}.csv", content, "text/csv"), "name": name},
    )


@pytest.fixture
def analyst_client(client: Any, make_user: Any, media_root: Path) -> Any:
    client.force_login(make_user("analyst"))
    return client


def test_upload_stores_one_record_per_accepted_row(analyst_client: Any) -> None:
    assert _upload(analyst_client).status_code == 302
    source = Source.objects.get()
    records = list(Record.objects.filter(source=source).order_by("record_id"))
    assert len(records) == source.rows_accepted == 3
    first = records[0]
    assert (first.record_id, first.full_name) == ("1", "Lupita Pérez de la Cruz")
    assert (first.sex, first.birth_date, first.age) == ("F", "1990-03-04", 25)
    assert first.place == "Juárez"
    assert first.attributes == {"nota": "a"}
    assert records[2].birth_date == "1979-02-03"


def test_search_text_holds_folded_words_and_formal_names_of_nicknames(
    analyst_client: Any,
) -> None:
    _upload(analyst_client)
    texts = dict(Record.objects.values_list("record_id", "search_text"))
    assert set(texts["1"].split()) >= {"lupita", "guadalupe", "perez", "cruz"}
    assert "de" not in texts["1"].split() and "la" not in texts["1"].split()
    assert set(texts["2"].split()) >= {"maria", "jose", "nunez"}
    assert set(texts["3"].split()) >= {"chuy", "jesus", "ortega"}


def test_name_keys_are_indexed_one_row_per_key(analyst_client: Any) -> None:
    _upload(analyst_client)
    record = Record.objects.get(record_id="1")
    keys = sorted(NameKey.objects.filter(record=record).values_list("key", flat=True))
    assert keys == record.search_text.split()


def test_fixing_the_mapping_replaces_the_sources_records(analyst_client: Any) -> None:
    _upload(analyst_client)
    source = Source.objects.get()
    before = set(Record.objects.values_list("pk", flat=True))
    # Map "nota" as the id: every record now carries the note as its id.
    data = {
        f"col_{i}": c
        for i, c in enumerate(["attribute", "full_name", "birth_date", "sex", "age", "place", "id"])
    }
    response = analyst_client.post(reverse("registry:mapping", kwargs={"pk": source.pk}), data)
    assert response.status_code == 302
    ids = sorted(Record.objects.filter(source=source).values_list("record_id", flat=True))
    assert ids == ["a", "b", "c"]
    assert not before & set(Record.objects.values_list("pk", flat=True))
    assert NameKey.objects.filter(record__source=source).count() == sum(
        len(r.split()) for r in Record.objects.values_list("search_text", flat=True)
    )


def test_a_record_that_cannot_be_stored_leaves_the_source_and_its_records_as_they_were(
    analyst_client: Any,
) -> None:
    long_id = "x" * 201
    content = CSV.replace(b",a\n", f",{long_id}\n".encode())
    _upload(analyst_client, content)
    source = Source.objects.get()
    kept = list(Record.objects.order_by("pk").values_list("pk", "record_id"))
    data = {
        f"col_{i}": c
        for i, c in enumerate(["attribute", "full_name", "birth_date", "sex", "age", "place", "id"])
    }
    response = analyst_client.post(reverse("registry:mapping", kwargs={"pk": source.pk}), data)
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert "longer than 200" in errors and long_id not in errors
    source.refresh_from_db()
    assert source.remapped_at is None and source.mapping["id"] == "folio"
    assert list(Record.objects.order_by("pk").values_list("pk", "record_id")) == kept


def test_a_list_whose_records_cannot_be_stored_stores_none_and_says_why(
    analyst_client: Any,
) -> None:
    content = CSV.replace(b"\n1,", ("\n" + "9" * 201 + ",").encode(), 1)
    response = _upload(analyst_client, content)
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.status == Source.Status.FAILED
    assert "longer than 200" in source.status_message
    assert not Record.objects.exists()
    page = analyst_client.get(reverse("registry:source", kwargs={"pk": source.pk}))
    assert "longer than 200" in page.content.decode()


def test_record_keys_fold_accents_and_expand_nicknames() -> None:
    keys = record_keys(["Lupita", "PÉREZ", "de"])
    assert "guadalupe" in keys and "perez" in keys and "de" not in keys


def test_query_words_expand_nicknames_but_not_to_every_maria() -> None:
    (lupita,) = parse_query("Lupita")
    assert "guadalupe" in lupita.exact
    (maru,) = parse_query("Maru")
    assert "maria" not in maru.exact
    assert [w.word for w in parse_query("José de la CRUZ")] == ["jose", "cruz"]


def test_a_list_larger_than_a_batch_is_stored_whole(analyst_client: Any) -> None:
    from recuento.web.persons.store import BATCH

    n = BATCH + 1234
    rows = "".join(f"{i},Rosa Soto {i}\n" for i in range(n))
    assert _upload(analyst_client, ("folio,nombre\n" + rows).encode()).status_code == 302
    assert Record.objects.count() == n
    assert NameKey.objects.filter(key="rosa").count() == n
    assert Record.objects.get(record_id=str(n - 1)).full_name == f"Rosa Soto {n - 1}"


def test_attributes_with_accents_quotes_and_backslashes_are_stored_as_written(
    analyst_client: Any,
) -> None:
    note = 'Niña "la güera", C:\\ruta\\x; línea\tcon tabulador'
    content = "folio,nombre,observación\n" + f'1,Rosa Soto,"{note.replace(chr(34), 2 * chr(34))}"\n'
    assert _upload(analyst_client, content.encode()).status_code == 302
    assert Record.objects.get().attributes == {"observación": note}
