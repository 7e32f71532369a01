"""The whole story through the site's pages, as the issue's acceptance test describes it:
file a ficha, publish its poster, check that no non-public field is in the PDF text or on the
public page, verify the folio from the URL printed on the poster, enter remains that match,
see the candidate, review it, confirm it on DNA, and see the poster revoked."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)
pytest.importorskip("pypdf", reason="pip install 'recuento[dev]' (pypdf reads the poster's text)")

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from recuento.web.cases import models as m  # noqa: E402
from recuento.web.cases.tiers import CASE_FIELDS  # noqa: E402

from .test_web_cases_factory import HIDDEN, PUBLIC, hidden_markers, jpeg_with_gps  # noqa: E402


def _form(values: dict[str, Any]) -> dict[str, str]:
    return {
        k: "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
        for k, v in values.items()
    }


def test_file_publish_verify_match_review_confirm(make_user: Any, media_root: Any) -> None:
    coordinator, analyst, reviewer = (
        make_user("coordinator"),
        make_user("analyst"),
        make_user("reviewer"),
    )
    site = Client(HTTP_ACCEPT_LANGUAGE="en")
    site.force_login(coordinator)

    # File the ficha: public values, and a value in every field that is not public.
    response = site.post(
        reverse("cases:case_new"), _form({**PUBLIC, **HIDDEN, "lat": 31.73, "lon": -106.48})
    )
    case = m.Case.objects.get()
    assert response.url == reverse("cases:case", kwargs={"pk": case.pk})
    site.post(
        reverse("cases:mark_add", kwargs={"pk": case.pk}),
        {
            "kind": "tattoo",
            "body_part": "forearm",
            "side": "left",
            "description": "rosa Lupita",
            "tier": "public",
        },
    )
    site.post(
        reverse("cases:mark_add", kwargs={"pk": case.pk}),
        {
            "kind": "scar",
            "body_part": "abdomen",
            "description": "MARCAPRIVADAX23",
            "tier": "secret",
        },
    )
    site.post(
        reverse("cases:garment_add", kwargs={"pk": case.pk}),
        {"garment": "blusa", "colour": "roja", "tier": "public"},
    )
    site.post(
        reverse("cases:photo_add", kwargs={"pk": case.pk}),
        {"image": SimpleUploadedFile("f.jpg", jpeg_with_gps()), "tier": "public", "primary": "on"},
    )

    # Without the family's consent there is no poster.
    site.post(reverse("cases:poster_publish", kwargs={"pk": case.pk}))
    assert not case.posters.exists()
    tiers = {f"tier_{s.name}": s.tier for s in CASE_FIELDS}
    site.post(
        reverse("cases:case_consent", kwargs={"pk": case.pk}),
        {**tiers, "consent_public": "on", "consent_collective": "on", "note": "la madre"},
    )
    site.post(reverse("cases:poster_publish", kwargs={"pk": case.pk}))
    poster = case.posters.get()
    page = site.get(reverse("cases:case", kwargs={"pk": case.pk})).content.decode()
    pdf_url = reverse("cases:poster_pdf", kwargs={"pk": case.pk, "folio": poster.folio})
    assert pdf_url in page  # the button

    pdf = site.get(pdf_url, {"lang": "es", "size": "letter"}).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Lupita Prueba Sintética" in text and poster.folio in text and "rosa Lupita" in text
    for marker in hidden_markers():
        assert marker not in text, marker

    # Anyone who scans the QR code (its URL is printed under it) sees it is genuine.
    printed = re.search(r"https?://\S+/cases/v/\S+/", text)
    assert printed is not None
    public = Client(HTTP_ACCEPT_LANGUAGE="en")
    path = printed.group(0).split("testserver", 1)[1]
    answer = public.get(path).content.decode()
    assert "is genuine and current" in answer
    for marker in hidden_markers():
        assert marker not in answer, marker

    # A forensic service's list comes in; the matching remains become a candidate.
    site.force_login(analyst)
    csv_text = (
        "id,sex,age_min,age_max,height_min_cm,height_max_cm,found_date,found_place,lat,lon,"
        "condition,marks,clothing\n"
        "PFSI-77,F,15,22,150,165,2010-01-10,Juárez,,,momificado,"
        "tatuaje|antebrazo|izquierdo|rosa,blusa|roja|\n"
    )
    site.post(
        reverse("cases:remains_import"), {"file": SimpleUploadedFile("pfsi.csv", csv_text.encode())}
    )
    candidate = case.candidates.get()
    site.force_login(reviewer)
    page = site.get(reverse("cases:case", kwargs={"pk": case.pk})).content.decode()
    assert reverse("cases:remains", kwargs={"pk": candidate.remains_id}) in page
    site.post(
        reverse("cases:candidate_review", kwargs={"pk": case.pk, "cid": candidate.pk}),
        {"status": "possible", "reason": "tatuaje y blusa"},
    )

    # Confirmed only on a primary identifier; then she is identified and the poster revoked.
    site.force_login(coordinator)
    site.post(
        reverse("cases:candidate_confirm", kwargs={"pk": case.pk, "cid": candidate.pk}),
        {"evidence_type": "dna", "evidence_reference": "Laboratorio X, dictamen 1/2011"},
    )
    site.post(reverse("cases:case_status", kwargs={"pk": case.pk}), {"status": "identified"})
    candidate.refresh_from_db()
    assert candidate.status == "confirmed"
    answer = public.get(path).content.decode()
    assert "has been revoked" in answer and "Lupita" not in answer
