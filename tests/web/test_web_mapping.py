"""Fixing a source's mapping by hand: the stored file is read again with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.web.registry.models import Source  # noqa: E402

# Synthetic records; "dato x" is a date of birth under a header no synonym knows.
CSV = "folio,nombre,dato x\n1,Ana Pérez López,1990-03-04\n2,María Ruiz Soto,1985\n".encode()


@pytest.fixture(autouse=True)
def _records_stored_at_once(settings: Any) -> None:
    # A list's records are stored by a background task; here it runs as it is queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def source(client: Any, make_user: Any, media_root: Path) -> Source:
    client.force_login(make_user("analyst"))
    client.post(
        reverse("registry:upload"), {"file": SimpleUploadedFile("ong.csv", CSV, "text/csv")}
    )
    return Source.objects.get()


def _post(client: Any, source: Source, *choices: str) -> Any:
    data = {f"col_{i}": c for i, c in enumerate(choices)}
    return client.post(reverse("registry:mapping", kwargs={"pk": source.pk}), data)


def test_form_starts_from_the_detected_mapping(client: Any, source: Source) -> None:
    form = client.get(reverse("registry:mapping", kwargs={"pk": source.pk})).context["form"]
    assert [form[f"col_{i}"].initial for i in range(3)] == ["id", "full_name", "attribute"]
    assert source.header == ["folio", "nombre", "dato x"]


def test_fixed_mapping_is_applied_and_recorded_with_who_and_when(
    client: Any, source: Source
) -> None:
    response = _post(client, source, "id", "full_name", "birth_date")
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.mapping["birth_date"] == "dato x"
    assert "dato x" not in source.attributes
    assert source.column_entries == {"folio": "id", "nombre": "full_name", "dato x": "birth_date"}
    assert source.remapped_by is not None and source.remapped_at is not None
    assert (source.rows_read, source.rows_accepted) == (2, 2)


def test_one_column_chosen_twice_is_a_form_error(client: Any, source: Source) -> None:
    response = _post(client, source, "id", "full_name", "full_name")
    assert response.status_code == 200
    assert "full_name" in str(response.context["form"].non_field_errors())
    source.refresh_from_db()
    assert source.remapped_at is None


def test_a_mapping_without_a_name_is_refused_and_the_source_kept(
    client: Any, source: Source
) -> None:
    response = _post(client, source, "id", "attribute", "birth_date")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    source.refresh_from_db()
    assert source.mapping["full_name"] == "nombre" and source.remapped_at is None


# Synthetic; no header is a known name synonym, so the reader cannot find a name.
NO_NAME = "clave,quien,dato x\n7,Rosa Díaz,1990\n8,Luz Mora,1991\n".encode()


def _upload_unnamed(client: Any) -> Any:
    return client.post(
        reverse("registry:upload"),
        {"file": SimpleUploadedFile("colectivo.csv", NO_NAME, "text/csv")},
    )


def test_upload_mapping_page_is_protected(client: Any, make_user: Any) -> None:
    url = reverse("registry:upload_mapping")
    assert client.get(url).url == f"{reverse('accounts:login')}?next={url}"
    client.force_login(make_user("reviewer"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("analyst"))
    assert client.get(url).url == reverse("registry:upload")  # nothing pending


def test_a_list_without_a_recognised_name_is_mapped_by_hand_then_brought_in(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    response = _upload_unnamed(client)
    assert response.url == reverse("registry:upload_mapping")
    form = client.get(response.url).context["form"]
    assert [form[f"col_{i}"].label for i in range(3)] == ["clave", "quien", "dato x"]
    done = client.post(response.url, {"col_0": "id", "col_1": "full_name", "col_2": "birth_date"})
    source = Source.objects.get()
    assert done.url == reverse("registry:source", kwargs={"pk": source.pk})
    assert source.mapping == {"id": "clave", "full_name": "quien", "birth_date": "dato x"}
    assert source.column_entries["quien"] == "full_name"
    assert (source.rows_read, source.rows_accepted) == (2, 2)


def test_cancelling_the_mapping_of_a_new_upload_deletes_the_file(
    client: Any, make_user: Any, media_root: Path
) -> None:
    client.force_login(make_user("analyst"))
    url = _upload_unnamed(client).url
    assert list((media_root / "sources").glob("*.csv"))
    client.post(url, {"cancel": "1"})
    assert not list((media_root / "sources").glob("*.csv"))
    assert not Source.objects.exists()
