"""The cases app: access to every page, tiers per role, status, consent, remains, candidates."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)
pytest.importorskip("fpdf", reason="pip install 'recuento[web]' (fpdf2)")

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.cases import models as m  # noqa: E402

from .test_web_cases_factory import HIDDEN, REMAINS_CSV, jpeg_with_gps, make_case  # noqa: E402


@pytest.fixture
def world(make_user: Any, media_root: Any) -> dict[str, Any]:
    """A coordinator's case with a photo, a remains record, a candidate and a poster."""
    from recuento.web.cases.matching import rematch_case
    from recuento.web.cases.photos import clean_photo

    coordinator = make_user("coordinator")
    case = make_case(coordinator)
    clean = clean_photo(jpeg_with_gps())
    photo = m.Photo.objects.create(
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
    remains = m.Remains.objects.create(
        reference="PFSI-9",
        sex="F",
        age_min=15,
        age_max=22,
        found_date="2010-01-10",
        found_place="Juárez",
        condition="mummified",
        marks="tatuaje|antebrazo|izquierdo|rosa",
        created_by=coordinator,
    )
    rematch_case(case, coordinator)
    poster = m.Poster.objects.create(
        case=case, issued_by=coordinator, public_data={}, fields_shown=[]
    )
    return {
        "case": case,
        "photo": photo,
        "remains": remains,
        "poster": poster,
        "coordinator": coordinator,
    }


def _kwargs(world: dict[str, Any], needs: str) -> dict[str, Any]:
    case, poster = world["case"], world["poster"]
    return {
        "": {},
        "case": {"pk": case.pk},
        "photo": {"pk": world["photo"].pk},
        "poster": {"pk": case.pk, "folio": poster.folio},
        "remains": {"pk": world["remains"].pk},
    }[needs]


# (url name, what it names, wrong role (None: no role), right role)
GET_PAGES = [
    ("cases:cases", "", None, "reviewer"),
    ("cases:case_new", "", "analyst", "coordinator"),
    ("cases:case_export", "", None, "reviewer"),
    ("cases:case_import", "", "analyst", "coordinator"),
    ("cases:case", "case", None, "reviewer"),
    ("cases:case_edit", "case", "analyst", "coordinator"),
    ("cases:case_people", "case", "reviewer", "coordinator"),
    ("cases:case_consent", "case", "analyst", "coordinator"),
    ("cases:case_authorities", "case", "reviewer", "coordinator"),
    ("cases:photo", "photo", None, "analyst"),
    ("cases:poster_json", "poster", "analyst", "coordinator"),
    ("cases:poster_pdf", "poster", "reviewer", "coordinator"),
    ("cases:poster_png", "poster", "analyst", "coordinator"),
    ("cases:remains_list", "", None, "analyst"),
    ("cases:remains", "remains", None, "reviewer"),
    ("cases:remains_new", "", "reviewer", "analyst"),
    ("cases:remains_edit", "remains", "reviewer", "analyst"),
    ("cases:remains_import", "", "reviewer", "analyst"),
    ("cases:remains_tiers", "remains", "analyst", "coordinator"),
    ("cases:tips", "", "analyst", "coordinator"),
]
POST_ACTIONS = [
    ("cases:case_status", {"status": "missing"}, "analyst", "coordinator"),
    (
        "cases:mark_add",
        {"kind": "tattoo", "body_part": "hand", "tier": "public"},
        "analyst",
        "coordinator",
    ),
    ("cases:garment_add", {"garment": "tenis", "tier": "public"}, "reviewer", "coordinator"),
    ("cases:photo_add", {}, "analyst", "coordinator"),
    ("cases:poster_publish", {}, "analyst", "coordinator"),
    ("cases:poster_revoke", {}, "reviewer", "coordinator"),
]


def _make_publishable_poster(world: dict[str, Any]) -> None:
    from recuento.web.cases.publishing import publish

    class _Request:
        @staticmethod
        def build_absolute_uri(path: str) -> str:
            return f"https://recuento.example{path}"

    world["poster"] = publish(world["case"], world["coordinator"], _Request())  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), GET_PAGES)
def test_case_page_redirects_anonymous_to_login(
    client: Any, world: Any, name: str, needs: str, wrong: Any, right: str
) -> None:
    url = reverse(name, kwargs=_kwargs(world, needs))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), GET_PAGES)
def test_case_page_is_403_for_a_role_without_the_action(
    client: Any, make_user: Any, world: Any, name: str, needs: str, wrong: Any, right: str
) -> None:
    url = reverse(name, kwargs=_kwargs(world, needs))
    client.force_login(make_user(wrong))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), GET_PAGES)
def test_case_page_is_200_for_a_role_with_the_action_and_never_cached(
    client: Any, make_user: Any, world: Any, name: str, needs: str, wrong: Any, right: str
) -> None:
    _make_publishable_poster(world)
    url = reverse(name, kwargs=_kwargs(world, needs))
    client.force_login(make_user(right))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("name", "data", "wrong", "right"), POST_ACTIONS)
def test_case_action_needs_login_and_the_right_role(
    client: Any, make_user: Any, world: Any, name: str, data: dict, wrong: str, right: str
) -> None:
    url = reverse(name, kwargs={"pk": world["case"].pk})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).url.startswith(reverse("accounts:login"))
    client.force_login(make_user(wrong))
    assert client.post(url, data).status_code == 403
    client.force_login(make_user(right))
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("cases:case", kwargs={"pk": world["case"].pk})


def test_family_pages_need_a_login_and_show_a_case_only_to_its_family(
    client: Any, make_user: Any, world: Any
) -> None:
    case = world["case"]
    url = reverse("cases:family_case", kwargs={"pk": case.pk})
    assert client.get(url).status_code == 302
    stranger = make_user(None)
    client.force_login(stranger)
    assert client.get(reverse("cases:family")).status_code == 200
    assert client.get(url).status_code == 404
    relative = make_user(None)
    case.family.add(relative)
    client.force_login(relative)
    assert client.get(url).status_code == 200


def test_collective_member_sees_collective_fields_but_not_authorities_or_secret(
    client: Any, make_user: Any, world: Any
) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("cases:case", kwargs={"pk": world["case"].pk})).content.decode()
    assert "Lupita" in page
    assert HIDDEN["aliases"] in page  # collective tier
    assert "MARCAPRIVADAX23" in page  # a collective-tier mark
    for name in ("curp", "companions", "family_phone", "medical_notes", "official_folio"):
        assert HIDDEN[name] not in page, name
    assert "PRENDAPRIVADAX24" not in page  # an authorities-tier garment


def test_coordinator_sees_every_tier(client: Any, world: Any) -> None:
    client.force_login(world["coordinator"])
    page = client.get(reverse("cases:case", kwargs={"pk": world["case"].pk})).content.decode()
    for name in ("curp", "companions", "family_phone", "medical_notes", "official_folio"):
        assert HIDDEN[name] in page, name


def test_without_collective_consent_a_member_sees_only_public_consented_fields(
    client: Any, make_user: Any, world: Any
) -> None:
    case = world["case"]
    case.consent_collective = False
    case.save()
    client.force_login(make_user("analyst"))
    page = client.get(reverse("cases:case", kwargs={"pk": case.pk})).content.decode()
    assert "Lupita" in page
    assert HIDDEN["aliases"] not in page
    assert "MARCAPRIVADAX23" not in page


def test_a_secret_tier_set_by_the_family_hides_a_name_from_the_collective(
    client: Any, make_user: Any, world: Any
) -> None:
    case = world["case"]
    case.tiers = {"surname_2": "secret"}
    case.save()
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("cases:case", kwargs={"pk": case.pk})).content.decode()
    assert "Sintética" not in page


def test_viewing_a_case_is_audited_without_personal_values(
    client: Any, make_user: Any, world: Any
) -> None:
    client.force_login(make_user("reviewer"))
    client.get(reverse("cases:case", kwargs={"pk": world["case"].pk}))
    entry = Entry.objects.filter(object_type="case", action="view").latest("pk")
    assert entry.object_id == str(world["case"].pk)
    assert "Lupita" not in str(entry.detail)


def test_filing_a_case_records_it_audits_it_and_makes_the_author_coordinator(
    client: Any, make_user: Any, db: Any
) -> None:
    user = make_user("coordinator")
    client.force_login(user)
    response = client.post(
        reverse("cases:case_new"),
        {
            "given_names": "Ana",
            "surname_1": "Prueba",
            "last_seen_date": "21/03/2009",
            "age_min": "20",
            "age_max": "18",
        },
    )
    assert response.status_code == 200  # the age range is reversed
    response = client.post(
        reverse("cases:case_new"),
        {
            "given_names": "Ana",
            "surname_1": "Prueba",
            "last_seen_date": "21/03/2009",
            "age_min": "18",
            "age_max": "20",
        },
    )
    case = m.Case.objects.get()
    assert response.url == reverse("cases:case", kwargs={"pk": case.pk})
    assert case.last_seen_date == "2009-03-21"
    assert list(case.coordinators.all()) == [user]
    assert case.status_changes.get().new == "missing"
    entry = Entry.objects.get(object_type="case", action="create")
    assert "given_names" in entry.detail["fields"] and "Ana" not in str(entry.detail)


def test_photo_upload_strips_exif_and_gps(client: Any, world: Any) -> None:
    from PIL import Image

    case = world["case"]
    client.force_login(world["coordinator"])
    upload = SimpleUploadedFile("imagen.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(
        reverse("cases:photo_add", kwargs={"pk": case.pk}), {"image": upload, "tier": "collective"}
    )
    photo = case.photos.order_by("-pk").first()
    assert photo is not None and photo.tier == "collective"
    with photo.file.open("rb") as handle:
        stored = handle.read()
    assert b"CAMARAX25" not in stored
    with Image.open(__import__("io").BytesIO(stored)) as image:
        exif = image.getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825)
        assert "exif" not in image.info


def test_photo_upload_refuses_what_is_not_a_jpeg_or_png(client: Any, world: Any) -> None:
    case = world["case"]
    before = case.photos.count()
    client.force_login(world["coordinator"])
    upload = SimpleUploadedFile("imagen.gif", b"GIF89a" + b"\0" * 40, content_type="image/gif")
    response = client.post(
        reverse("cases:photo_add", kwargs={"pk": case.pk}),
        {"image": upload, "tier": "public"},
        follow=True,
    )
    assert case.photos.count() == before
    assert "JPEG" in response.content.decode()


def test_a_collective_photo_is_403_to_a_member_when_the_family_did_not_consent(
    client: Any, make_user: Any, world: Any
) -> None:
    photo = world["photo"]
    photo.tier = "collective"
    photo.save()
    case = world["case"]
    case.consent_collective = False
    case.save()
    client.force_login(make_user("analyst"))
    assert client.get(reverse("cases:photo", kwargs={"pk": photo.pk})).status_code == 403


def test_located_status_is_recorded_in_history_and_revokes_the_poster(
    client: Any, world: Any
) -> None:
    _make_publishable_poster(world)
    case, poster = world["case"], world["poster"]
    client.force_login(world["coordinator"])
    client.post(
        reverse("cases:case_status", kwargs={"pk": case.pk}),
        {"status": "located_alive", "note": ""},
    )
    case.refresh_from_db()
    poster.refresh_from_db()
    assert case.status == "located_alive"
    assert [c.new for c in case.status_changes.all()][-1] == "located_alive"
    assert poster.revoked_at is not None and poster.revoked_reason == "located"
    entry = Entry.objects.filter(action="status").latest("pk")
    assert entry.detail == {"old": "missing", "new": "located_alive", "posters_revoked": 1}


def test_consent_changes_are_kept_as_history_and_withdrawal_revokes_posters(
    client: Any, world: Any
) -> None:
    _make_publishable_poster(world)
    case = world["case"]
    client.force_login(world["coordinator"])
    data = {f"tier_{s}": t for s, t in []}
    from recuento.web.cases.tiers import CASE_FIELDS, tier_of

    data = {f"tier_{s.name}": tier_of(case, s) for s in CASE_FIELDS}
    data.update({"consent_collective": "on", "note": "la madre, en persona"})
    response = client.post(reverse("cases:case_consent", kwargs={"pk": case.pk}), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.consent_public
    change = case.consent_changes.get()
    assert (change.tier, change.granted) == ("public", False)
    world["poster"].refresh_from_db()
    assert world["poster"].revoked_reason == "withdrawn"


def test_a_field_that_must_never_be_public_cannot_be_made_public(client: Any, world: Any) -> None:
    from recuento.web.cases.tiers import CASE_FIELDS, tier_of

    case = world["case"]
    client.force_login(world["coordinator"])
    data = {f"tier_{s.name}": tier_of(case, s) for s in CASE_FIELDS}
    data.update({"consent_public": "on", "consent_collective": "on", "tier_curp": "public"})
    response = client.post(reverse("cases:case_consent", kwargs={"pk": case.pk}), data)
    assert response.status_code == 200
    assert "tier_curp" in response.context["form"].errors


def test_importing_remains_validates_with_the_matcher_reader_and_stores_nothing_on_error(
    client: Any, make_user: Any, db: Any
) -> None:
    client.force_login(make_user("analyst"))
    bad = REMAINS_CSV.replace("momificado", "verde")
    response = client.post(
        reverse("cases:remains_import"), {"file": SimpleUploadedFile("remains.csv", bad.encode())}
    )
    assert response.status_code == 200
    assert m.Remains.objects.count() == 0
    page = response.content.decode()
    assert "línea 2, columna 11 (condition): estado no reconocido" in page


def test_importing_remains_matches_them_against_cases_and_audits(
    client: Any, world: Any, make_user: Any
) -> None:
    case = world["case"]
    client.force_login(make_user("analyst"))
    response = client.post(
        reverse("cases:remains_import"),
        {"file": SimpleUploadedFile("remains.csv", REMAINS_CSV.encode())},
    )
    assert response.status_code == 302
    first = m.Remains.objects.get(reference="PFSI-001")
    assert first.condition == "mummified" and first.found_date == "2010-01-10"
    found = case.candidates.get(remains=first)
    assert found.reasons and found.status == "pending"
    # The man's remains are excluded by sex: never a candidate.
    assert not case.candidates.filter(remains__reference="PFSI-002").exists()
    assert Entry.objects.filter(action="import", object_type="remains").exists()


def test_entering_remains_by_hand_rematches_and_reports_format_problems(
    client: Any, world: Any
) -> None:
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("cases:remains_new"),
        {"reference": "SEMEFO-7", "sex": "F", "marks": "tatuaje|ombliguito"},
    )
    assert response.status_code == 200
    assert "body part not recognised" in response.content.decode()
    response = client.post(
        reverse("cases:remains_new"),
        {
            "reference": "SEMEFO-7",
            "sex": "F",
            "found_date": "2011",
            "marks": "tatuaje|antebrazo|izquierdo|rosa",
        },
    )
    assert response.status_code == 302
    assert world["case"].candidates.filter(remains__reference="SEMEFO-7").exists()


def test_a_remains_reference_is_hidden_from_the_collective(
    client: Any, make_user: Any, world: Any
) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("cases:remains_list")).content.decode()
    assert "PFSI-9" not in page
    assert f"R-{world['remains'].pk:05d}" in page


def _candidate(world: dict[str, Any]) -> Any:
    return world["case"].candidates.get(remains=world["remains"])


def test_review_needs_a_reason_and_is_kept_when_matching_runs_again(
    client: Any, make_user: Any, world: Any
) -> None:
    from recuento.web.cases.matching import rematch_case

    candidate = _candidate(world)
    url = reverse("cases:candidate_review", kwargs={"pk": world["case"].pk, "cid": candidate.pk})
    client.force_login(make_user("reviewer"))
    client.post(url, {"status": "excluded", "reason": ""})
    candidate.refresh_from_db()
    assert candidate.status == "pending"
    client.post(url, {"status": "excluded", "reason": "dental chart differs"})
    candidate.refresh_from_db()
    assert candidate.status == "excluded" and candidate.review_reason == "dental chart differs"
    rematch_case(world["case"], None)
    candidate.refresh_from_db()
    assert candidate.status == "excluded"
    assert Entry.objects.filter(action="review", object_type="candidate").exists()


def test_confirmation_needs_the_action_a_possible_candidate_and_a_primary_identifier(
    client: Any, make_user: Any, world: Any
) -> None:
    candidate = _candidate(world)
    pk = world["case"].pk
    confirm = reverse("cases:candidate_confirm", kwargs={"pk": pk, "cid": candidate.pk})
    evidence = {"evidence_type": "dna", "evidence_reference": "Lab X, dictamen 12/2011"}
    client.force_login(make_user("reviewer"))
    assert client.post(confirm, evidence).status_code == 403
    client.force_login(world["coordinator"])
    client.post(confirm, evidence)  # still pending: refused
    candidate.refresh_from_db()
    assert candidate.status == "pending"
    client.post(
        reverse("cases:candidate_review", kwargs={"pk": pk, "cid": candidate.pk}),
        {"status": "possible", "reason": "tattoo"},
    )
    client.post(confirm, {"evidence_type": "hair colour", "evidence_reference": "x"})
    candidate.refresh_from_db()
    assert candidate.status == "possible"
    client.post(confirm, evidence)
    candidate.refresh_from_db()
    assert (candidate.status, candidate.evidence_type) == ("confirmed", "dna")
    assert Entry.objects.filter(action="confirm", object_type="candidate").exists()


def test_confirmed_without_evidence_is_refused_by_the_database(world: Any) -> None:
    from django.db import IntegrityError, transaction

    candidate = _candidate(world)
    candidate.status = "confirmed"
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate.save()


def test_the_family_sees_only_released_reviewed_candidates(
    client: Any, make_user: Any, world: Any
) -> None:
    case = world["case"]
    candidate = _candidate(world)
    relative = make_user(None)
    case.family.add(relative)
    release = reverse("cases:candidate_release", kwargs={"pk": case.pk, "cid": candidate.pk})
    client.force_login(world["coordinator"])
    client.post(release)  # pending: cannot be released
    candidate.refresh_from_db()
    assert not candidate.released_to_family
    client.post(
        reverse("cases:candidate_review", kwargs={"pk": case.pk, "cid": candidate.pk}),
        {"status": "excluded", "reason": "otra estatura"},
    )
    client.force_login(relative)
    family_url = reverse("cases:family_case", kwargs={"pk": case.pk})
    assert "otra estatura" not in client.get(family_url).content.decode()
    client.force_login(world["coordinator"])
    client.post(release)
    client.force_login(relative)
    page = client.get(family_url).content.decode()
    assert "otra estatura" in page
    assert "PFSI-9" not in page


def test_case_pages_speak_spanish_by_default(client: Any, world: Any) -> None:
    client.force_login(world["coordinator"])
    page = client.get(reverse("cases:case", kwargs={"pk": world["case"].pk})).content.decode()
    assert "Señas particulares" in page and "Restos candidatos" in page
    page = client.get(reverse("cases:remains_import")).content.decode()
    assert "Importar la lista de un servicio forense" in page


def test_remains_photo_needs_manage_remains_and_is_stored_without_gps(
    client: Any, make_user: Any, world: Any
) -> None:
    remains = world["remains"]
    url = reverse("cases:remains_photo_add", kwargs={"pk": remains.pk})

    def upload() -> dict[str, Any]:
        image = SimpleUploadedFile("ropa.jpg", jpeg_with_gps(), content_type="image/jpeg")
        return {"image": image, "tier": "collective", "caption": "blusa"}

    assert client.post(url, upload()).url.startswith(reverse("accounts:login"))
    client.force_login(make_user("reviewer"))
    assert client.post(url, upload()).status_code == 403
    client.force_login(make_user("analyst"))
    assert client.post(url, upload()).status_code == 302
    photo = remains.photos.get()
    with photo.file.open("rb") as handle:
        assert b"CAMARAX25" not in handle.read()
    assert client.get(reverse("cases:photo", kwargs={"pk": photo.pk})).status_code == 200


def test_remains_tiers_can_hide_a_field_from_the_collective(
    client: Any, make_user: Any, world: Any
) -> None:
    from recuento.web.cases.tiers import REMAINS_FIELDS, tier_of

    remains = world["remains"]
    client.force_login(world["coordinator"])
    data = {f"tier_{s.name}": tier_of(remains, s) for s in REMAINS_FIELDS}
    data["tier_found_place"] = "secret"
    response = client.post(reverse("cases:remains_tiers", kwargs={"pk": remains.pk}), data)
    assert response.status_code == 302
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("cases:remains", kwargs={"pk": remains.pk})).content.decode()
    assert "Juárez" not in page
    assert "Momificado" in page or "mummified" in page.lower()


def test_candidate_reasons_are_shown_only_to_those_who_review_candidates(
    client: Any, make_user: Any, world: Any
) -> None:
    candidate = _candidate(world)
    reason = candidate.reasons[0]["es"]
    url = reverse("cases:case", kwargs={"pk": world["case"].pk})
    client.force_login(make_user("reviewer"))
    assert reason in client.get(url).content.decode()
    client.force_login(make_user("analyst"))
    assert reason not in client.get(url).content.decode()


def test_raising_a_printed_fields_tier_revokes_the_current_poster(client: Any, world: Any) -> None:
    from recuento.web.cases.tiers import CASE_FIELDS, tier_of

    _make_publishable_poster(world)
    case, poster = world["case"], world["poster"]
    client.force_login(world["coordinator"])
    data = {f"tier_{s.name}": tier_of(case, s) for s in CASE_FIELDS}
    data.update({"consent_public": "on", "consent_collective": "on", "tier_hair": "collective"})
    client.post(reverse("cases:case_consent", kwargs={"pk": case.pk}), data)
    poster.refresh_from_db()
    assert poster.revoked_reason == "withdrawn"


def test_removing_a_printed_mark_revokes_the_current_poster(client: Any, world: Any) -> None:
    _make_publishable_poster(world)
    case, poster = world["case"], world["poster"]
    mark = case.marks.get(tier="public")
    client.force_login(world["coordinator"])
    url = reverse("cases:item_delete", kwargs={"pk": case.pk, "kind": "mark", "item": mark.pk})
    client.post(url)
    poster.refresh_from_db()
    assert not case.marks.filter(pk=mark.pk).exists()
    assert poster.revoked_reason == "withdrawn"


def test_matching_again_is_audited_with_counts(client: Any, world: Any) -> None:
    case = world["case"]
    client.force_login(world["coordinator"])
    client.post(
        reverse("cases:mark_add", kwargs={"pk": case.pk}),
        {"kind": "tattoo", "body_part": "hand", "tier": "public"},
    )
    entry = Entry.objects.filter(action="match", object_type="case").latest("pk")
    assert entry.object_id == str(case.pk)
    assert set(entry.detail) == {"new", "kept", "removed"}


def test_editing_remains_matches_again_with_the_new_values_not_a_cached_list(
    client: Any, make_user: Any, world: Any
) -> None:
    from recuento.web.cases.forms import REMAINS_DATA_FIELDS

    remains, case = world["remains"], world["case"]
    assert case.candidates.filter(remains=remains).exists()
    client.force_login(make_user("analyst"))
    data = {k: getattr(remains, k) for k in REMAINS_DATA_FIELDS}
    data = {k: "" if v is None else v for k, v in data.items()}
    data["sex"] = "M"
    response = client.post(reverse("cases:remains_edit", kwargs={"pk": remains.pk}), data)
    assert response.status_code == 302
    assert not case.candidates.filter(remains=remains).exists()  # now excluded by sex


def _post_kwargs(world: dict[str, Any], needs: str) -> dict[str, Any]:
    case = world["case"]
    if needs == "candidate":
        return {"pk": case.pk, "cid": _candidate(world).pk}
    if needs == "mark":
        return {"pk": case.pk, "kind": "mark", "item": case.marks.first().pk}
    return {"pk": world["remains"].pk}


# (url name, what it names, data, wrong role, right role)
POST_OTHER = [
    ("cases:item_delete", "mark", {}, "reviewer", "coordinator"),
    (
        "cases:candidate_review",
        "candidate",
        {"status": "possible", "reason": "x"},
        "analyst",
        "reviewer",
    ),
    ("cases:candidate_confirm", "candidate", {}, "reviewer", "coordinator"),
    ("cases:candidate_release", "candidate", {}, "reviewer", "coordinator"),
    ("cases:remains_photo_add", "remains", {}, "reviewer", "analyst"),
]


@pytest.mark.parametrize(("name", "needs", "data", "wrong", "right"), POST_OTHER)
def test_other_case_actions_need_login_and_the_right_role(
    client: Any,
    make_user: Any,
    world: Any,
    name: str,
    needs: str,
    data: dict,
    wrong: str,
    right: str,
) -> None:
    url = reverse(name, kwargs=_post_kwargs(world, needs))
    assert client.post(url, data).url.startswith(reverse("accounts:login"))
    client.force_login(make_user(wrong))
    assert client.post(url, data).status_code == 403
    client.force_login(make_user(right))
    assert client.post(url, data).status_code == 302


#: Every URL of the cases app, each with its access tests in these modules (for
#: tests/web/test_web_access.py's inventory of pages).
PUBLIC_PAGES = {"cases:verify", "cases:tip"}
LOGGED_IN_PAGES = {"cases:family", "cases:family_case"}
CASES_URL_NAMES = (
    {n for n, *_ in GET_PAGES}
    | {n for n, *_ in POST_ACTIONS}
    | {n for n, *_ in POST_OTHER}
    | PUBLIC_PAGES
    | LOGGED_IN_PAGES
)


def test_every_cases_page_has_its_access_tests() -> None:
    from django.urls import get_resolver

    resolver = get_resolver().namespace_dict["cases"][1]
    names = {f"cases:{p.name}" for p in resolver.url_patterns if p.name}
    assert names == CASES_URL_NAMES


def test_the_authorities_page_needs_their_consent_and_never_shows_secret_fields(
    client: Any, world: Any
) -> None:
    case = world["case"]
    url = reverse("cases:case_authorities", kwargs={"pk": case.pk})
    client.force_login(world["coordinator"])
    page = client.get(url).content.decode()
    assert HIDDEN["official_folio"] not in page and "Lupita" not in page
    case.consent_authorities = True
    case.save()
    page = client.get(url).content.decode()
    for name in ("official_folio", "medical_notes", "aliases", "birth_date"):
        assert HIDDEN[name] in page, name
    for name in ("curp", "companions", "family_phone", "investigation_file", "reporter_name"):
        assert HIDDEN[name] not in page, name
    assert "PRENDAPRIVADAX24" in page  # an authorities-tier garment
    entry = Entry.objects.filter(object_type="case", action="view").latest("pk")
    assert entry.detail == {"page": "authorities", "consent": True}
