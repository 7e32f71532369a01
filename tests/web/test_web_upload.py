"""Bringing a list in: the file's hash, who and when, the mapping, rejects with reasons."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from recuento.lists.messages import REJECT_REASONS  # noqa: E402
from recuento.web.registry.models import Source  # noqa: E402

# Synthetic records. Line 4 has an id but no name of any kind: rejected (no_name).
CSV = (
    "folio,nombre,fecha de nacimiento\n"
    "1,Ana Pérez López,1990-03-04\n"
    "2,María Ruiz Soto,1985\n"
    "3,,1970-01-01\n"
).encode()


def _upload(client: Any, content: bytes = CSV, filename: str = "prensa.csv", **data: str) -> Any:
    return client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile(filename, content, "text/csv"), **data},
    )


def test_upload_records_the_source_with_its_hash_who_and_counts(
    client: Any, make_user: Any, media_root: Path
) -> None:
    analyst = make_user("analyst")
    client.force_login(analyst)
    response = _upload(client)
    source = Source.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:source", kwargs={"pk": source.pk})
    assert source.name == "prensa"
    assert source.filename == "prensa.csv"
    assert source.sha256 == hashlib.sha256(CSV).hexdigest()
    assert source.size_bytes == len(CSV)
    assert source.uploaded_by == analyst
    assert (source.rows_read, source.rows_accepted, source.rows_rejected) == (3, 2, 1)
    assert source.mapping["full_name"] == "nombre"
    assert source.rejects == [{"number": 4, "reason": "no_name"}]


def test_uploaded_file_is_kept_under_its_hash_readable_by_the_owner_only(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    _upload(client)
    stored = media_root / "sources" / f"{hashlib.sha256(CSV).hexdigest()}.csv"
    assert stored.read_bytes() == CSV
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_source_page_shows_the_mapping_and_each_reject_with_its_reason(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    page = client.get(_upload(client).url)
    text = page.content.decode()
    assert "full_name" in text and "nombre" in text
    assert REJECT_REASONS["no_name"]["es"] in text
    with translation.override("en"):
        english = client.get(page.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="en").content
    assert REJECT_REASONS["no_name"]["en"] in english.decode()


def test_source_page_shows_no_record_value(client: Any, make_user: Any, media_root: Path) -> None:
    client.force_login(make_user("analyst"))
    text = client.get(_upload(client).url).content.decode()
    assert "Ana" not in text and "1990-03-04" not in text


def test_upload_of_a_file_that_is_not_a_list_is_a_form_error(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    response = _upload(client, b"%PDF-1.4", filename="informe.pdf")
    assert response.status_code == 200
    assert "CSV, XLSX" in response.content.decode()
    assert not Source.objects.exists()


def test_upload_of_an_unreadable_list_names_the_uploaded_file_not_the_stored_path(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    # Two columns with the same header: the reader cannot tell them apart.
    response = _upload(client, b"folio,nombre,nombre\n1,a,b\n", filename="repetida.csv")
    text = response.content.decode()
    assert response.status_code == 200
    assert "repetida.csv" in text and str(media_root) not in text
    assert not Source.objects.exists()
    assert not list((media_root / "sources").glob("*.csv"))


def test_a_second_list_with_the_same_name_is_refused(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    _upload(client)
    response = _upload(client, name="prensa")
    assert response.status_code == 200
    assert Source.objects.count() == 1


def test_the_same_file_under_another_name_is_accepted_with_a_warning(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    _upload(client)
    page = client.get(_upload(client, name="prensa-2").url)
    assert Source.objects.count() == 2
    warnings = [str(m) for m in page.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "prensa" in warnings[0]


def test_source_list_pins_its_query_count(
    client: Any, make_user: Any, make_source: Any, django_assert_num_queries: Any
) -> None:
    for i in range(5):
        make_source(f"lista{i}")
    client.force_login(make_user("analyst"))
    # session, user, the request's savepoint and its release, permissions (the user's and
    # their groups', one query), then one query for every source with its uploader: 6,
    # whatever the number of sources.
    with django_assert_num_queries(6):
        assert client.get(reverse("registry:sources")).status_code == 200


def test_upload_of_an_xlsx_list_is_read_by_rows(
    client: Any, make_user: Any, media_root: Path
) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["folio", "nombre"], [1, "Ana Pérez López"], [2, None]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(make_user("analyst"))
    _upload(client, buffer.getvalue(), filename="fiscalia.xlsx")
    source = Source.objects.get()
    assert (source.format, source.unit) == ("xlsx", "row")
    assert (source.rows_read, source.rows_accepted, source.rows_rejected) == (2, 1, 1)
    assert source.sha256 == hashlib.sha256(buffer.getvalue()).hexdigest()


def test_json_twins_carry_the_same_facts_as_the_pages(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    _upload(client)
    source = Source.objects.get()
    listing = client.get(reverse("registry:sources_json")).json()
    detail = client.get(reverse("registry:source_json", kwargs={"pk": source.pk})).json()
    assert listing["ok"] and [s["sha256"] for s in listing["sources"]] == [source.sha256]
    assert detail["source"]["mapping"]["full_name"] == "nombre"
    assert detail["source"]["rejects"][0]["reason"] == "no_name"
    assert (detail["source"]["rows_read"], detail["source"]["rows_rejected"]) == (3, 1)


def test_a_name_taken_after_the_form_check_is_a_clean_error(
    make_user: Any, media_root: Path
) -> None:
    from recuento.web.registry.services import UploadError, bring_in

    user = make_user("analyst")
    bring_in(SimpleUploadedFile("prensa.csv", CSV), name="prensa", user=user)
    with pytest.raises(UploadError, match="prensa"):
        bring_in(
            SimpleUploadedFile("otra.csv", CSV + b"4,Eva Luna Paz,1999\n"), name="prensa", user=user
        )
    assert Source.objects.count() == 1
    assert len(list((media_root / "sources").glob("*.csv"))) == 1
