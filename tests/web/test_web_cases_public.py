"""What anyone can see: the poster (PDF text, PNG), the verification page, anonymous tips."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)
pytest.importorskip("pypdf", reason="pip install 'recuento[dev]' (pypdf reads the poster's text)")

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.cases import models as m  # noqa: E402

from .test_web_cases_factory import hidden_markers, jpeg_with_gps, make_case  # noqa: E402


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user("coordinator")


@pytest.fixture
def case(coordinator: Any, media_root: Any) -> Any:
    from recuento.web.cases.photos import clean_photo

    case = make_case(coordinator)
    clean = clean_photo(jpeg_with_gps())
    m.Photo.objects.create(
        case=case,
        file=clean.content,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        sha256=clean.sha256,
        tier="public",
        primary=True,
        uploaded_by=coordinator,
    )
    return case


def _publish(client: Any, case: Any, user: Any) -> Any:
    client.force_login(user)
    client.post(reverse("cases:poster_publish", kwargs={"pk": case.pk}))
    client.logout()
    return case.posters.get(revoked_at__isnull=True)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("size", ["letter", "a4", "square", "story"])
def test_poster_pdf_shows_public_fields_and_no_other(
    client: Any, case: Any, coordinator: Any, lang: str, size: str
) -> None:
    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    url = reverse("cases:poster_pdf", kwargs={"pk": case.pk, "folio": poster.folio})
    response = client.get(url, {"size": size, "lang": lang})
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Lupita Prueba Sintética" in text
    assert poster.folio in text
    assert "Colectivo de prueba 656 000 0000" in text
    assert ("Señas particulares" if lang == "es" else "Distinguishing marks") in text
    assert "rosa Lupita" in text and "blusa" in text
    for marker in hidden_markers():
        assert marker not in text, marker
    assert "6561234599" not in text  # the family's phone


def test_poster_shows_the_family_phone_only_when_the_family_chose_it(
    client: Any, case: Any, coordinator: Any
) -> None:
    case.show_family_phone = True
    case.save()
    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    response = client.get(
        reverse("cases:poster_pdf", kwargs={"pk": case.pk, "folio": poster.folio})
    )
    assert "6561234599" in _pdf_text(response.content)


def test_poster_png_is_an_image_of_the_asked_size(client: Any, case: Any, coordinator: Any) -> None:
    from PIL import Image

    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    response = client.get(
        reverse("cases:poster_png", kwargs={"pk": case.pk, "folio": poster.folio}),
        {"size": "story"},
    )
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (1080, 1920)


def test_poster_json_holds_no_hidden_value_and_records_the_fields_shown(
    client: Any, case: Any, coordinator: Any
) -> None:
    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    response = client.get(
        reverse("cases:poster_json", kwargs={"pk": case.pk, "folio": poster.folio})
    )
    payload = json.loads(response.content)
    assert set(payload) == {"es", "en"}
    dumped = json.dumps(
        {k: {**v, "photo_base64": None} for k, v in payload.items()}, ensure_ascii=False
    )
    for marker in hidden_markers():
        assert marker not in dumped, marker
    assert "curp" not in poster.fields_shown and "given_names" in poster.fields_shown
    entry = Entry.objects.get(action="publish_poster")
    assert entry.detail["folio"] == poster.folio


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent_public": False}, "consented to publish"),
        ({"safety_flag": True}, "safety flag"),
        ({"status": "located_dead"}, "missing person"),
    ],
)
def test_no_poster_without_consent_with_the_safety_flag_or_once_located(
    client: Any, case: Any, coordinator: Any, change: dict, message: str
) -> None:
    for key, value in change.items():
        setattr(case, key, value)
    case.save()
    client.force_login(coordinator)
    with __import__("django").utils.translation.override("en"):
        response = client.post(
            reverse("cases:poster_publish", kwargs={"pk": case.pk}),
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert not case.posters.exists()
    assert message in response.content.decode()


def test_verification_page_is_public_says_current_and_shows_only_public_fields(
    client: Any, case: Any, coordinator: Any
) -> None:
    from recuento.web.cases.publishing import verify_path

    poster = _publish(client, case, coordinator)
    response = client.get(verify_path(poster.folio), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "is genuine and current" in page and "Lupita" in page
    for marker in hidden_markers():
        assert marker not in page, marker
    assert "6561234599" not in page
    assert Entry.objects.filter(action="verify", object_id=poster.folio, user=None).exists()


def test_verification_page_says_revoked_without_any_detail_once_she_is_located(
    client: Any, case: Any, coordinator: Any
) -> None:
    from recuento.web.cases.publishing import verify_path

    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    client.post(reverse("cases:case_status", kwargs={"pk": case.pk}), {"status": "located_alive"})
    client.logout()
    page = client.get(verify_path(poster.folio), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "has been revoked" in page
    assert "Lupita" not in page and "Colectivo de prueba" not in page


def test_a_forged_folio_or_signature_is_not_genuine(
    client: Any, case: Any, coordinator: Any
) -> None:
    poster = _publish(client, case, coordinator)
    forged = reverse("cases:verify", kwargs={"folio": poster.folio, "sig": "0" * 20})
    response = client.get(forged, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "not genuine" in response.content.decode()
    assert "Lupita" not in response.content.decode()


def _all_stored_text() -> str:
    """Every text cell of every table in the database."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks += [str(v) for row in cursor.fetchall() for v in row if v is not None]
    return "\n".join(chunks)


def test_anonymous_tip_needs_no_login_stores_no_ip_and_reaches_the_coordinators(
    client: Any, case: Any, coordinator: Any, make_user: Any
) -> None:
    from recuento.web.cases.publishing import signature

    poster = _publish(client, case, coordinator)
    url = reverse("cases:tip", kwargs={"folio": poster.folio, "sig": signature(poster.folio)})
    ip = "203.0.113.77"
    assert client.get(url, REMOTE_ADDR=ip).status_code == 200
    response = client.post(url, {"text": "La vi en la parada del camión."}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    tip = m.Tip.objects.get()
    assert tip.case == case
    stored = _all_stored_text()
    assert ip not in stored
    assert hashlib.sha256(ip.encode()).hexdigest() not in stored
    assert Entry.objects.filter(action="create", object_type="tip", user=None).exists()
    # Routed to the case's coordinators, and to nobody else, even with read_tips.
    client.force_login(make_user("coordinator"))
    assert "parada del cami" not in client.get(reverse("cases:tips")).content.decode()
    client.force_login(coordinator)
    assert "parada del cami" in client.get(reverse("cases:tips")).content.decode()
    assert Entry.objects.filter(action="view", object_type="tip", object_id=str(tip.pk)).exists()


def test_tips_are_rate_limited_per_sender(client: Any, case: Any, coordinator: Any) -> None:
    from django.core.cache import cache

    from recuento.web.cases.publishing import signature
    from recuento.web.cases.tips import MAX_TIPS_PER_WINDOW

    cache.clear()
    poster = _publish(client, case, coordinator)
    url = reverse("cases:tip", kwargs={"folio": poster.folio, "sig": signature(poster.folio)})
    for _ in range(MAX_TIPS_PER_WINDOW):
        assert client.post(url, {"text": "aviso"}, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert client.post(url, {"text": "aviso"}, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert client.post(url, {"text": "aviso"}, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert m.Tip.objects.count() == MAX_TIPS_PER_WINDOW + 1
    cache.clear()


def test_no_tip_for_a_revoked_poster(client: Any, case: Any, coordinator: Any) -> None:
    from recuento.web.cases.publishing import signature

    poster = _publish(client, case, coordinator)
    client.force_login(coordinator)
    client.post(reverse("cases:poster_revoke", kwargs={"pk": case.pk}))
    client.logout()
    url = reverse("cases:tip", kwargs={"folio": poster.folio, "sig": signature(poster.folio)})
    assert client.get(url).status_code == 404


def test_a_newer_poster_supersedes_the_current_one(
    client: Any, case: Any, coordinator: Any
) -> None:
    first = _publish(client, case, coordinator)
    second = _publish(client, case, coordinator)
    first.refresh_from_db()
    assert first.revoked_reason == "superseded" and second.current
