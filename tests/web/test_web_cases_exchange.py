"""Cases as missing.csv: export at the user's tiers, import all-or-nothing, problems in Spanish."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.cases import models as m  # noqa: E402

from .test_web_cases_factory import HIDDEN, make_case  # noqa: E402

GOOD = (
    "id,sex,age_min,age_max,height_min_cm,height_max_cm,last_seen_date,last_seen_place,"
    "lat,lon,marks,clothing,dental\n"
    'F-1,mujer,17,18,155,160,2009-03-21,"Centro, Juárez, Chihuahua",31.7,-106.4,'
    "tatuaje|antebrazo|izquierdo|rosa Lupita,blusa|roja|de tirantes,corona oro\n"
    "F-2,F,20,25,,,2010,Juárez,,,,,\n"
)


def _export(client: Any) -> list[dict[str, str]]:
    response = client.get(reverse("cases:case_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="missing.csv"'
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _import(client: Any, text: str, name: str = "missing.csv", **extra: Any) -> Any:
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("cases:case_import"), {"file": upload}, **extra)


def test_export_holds_only_the_fields_a_collective_member_may_see(
    client: Any, make_user: Any, db: Any
) -> None:
    coordinator = make_user("coordinator")
    make_case(coordinator)
    client.force_login(make_user("reviewer"))
    response = client.get(reverse("cases:case_export"))
    text = response.content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["sex"] == "F" and row["age_min"] == "17" and row["last_seen_date"] == "2009-03-21"
    assert row["last_seen_place"] == "Juárez, Chihuahua"
    assert "MARCAPRIVADAX23" in row["marks"]  # a collective-tier mark
    assert "PRENDAPRIVADAX24" not in text  # an authorities-tier garment
    assert HIDDEN["dental_notes"] not in text  # authorities tier
    assert row["lat"] == row["lon"] == ""  # coordinates: authorities tier
    for value in HIDDEN.values():
        assert value not in text


def test_export_never_holds_a_secret_field_even_for_a_coordinator(
    client: Any, make_user: Any, db: Any
) -> None:
    coordinator = make_user("coordinator")
    case = make_case(coordinator)
    client.force_login(coordinator)
    (row,) = _export(client)
    assert row["dental"] == HIDDEN["dental_notes"] and row["lat"] == "31.7391"
    assert "PRENDAPRIVADAX24" in row["clothing"]
    case.tiers = {"dental_notes": "secret", "hair": "secret"}
    case.save()
    case.clothing.filter(garment="anillo").update(tier="secret")
    (row,) = _export(client)
    assert row["dental"] == "" and row["hair"] == ""
    assert "PRENDAPRIVADAX24" not in row["clothing"]


def test_export_without_the_family_consent_holds_only_public_fields(
    client: Any, make_user: Any, db: Any
) -> None:
    make_case(make_user("coordinator"), consent=False, collective=False)
    client.force_login(make_user("reviewer"))
    (row,) = _export(client)
    assert set(row.values()) == {row["id"], ""}


def test_export_is_audited_without_personal_values(client: Any, make_user: Any, db: Any) -> None:
    make_case(make_user("coordinator"))
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    _export(client)
    entry = Entry.objects.filter(object_type="case", action="export").latest("pk")
    assert entry.user == reviewer
    assert entry.detail == {"format": "missing.csv", "count": 1, "level": 1}


def test_import_creates_every_case_with_marks_clothing_and_candidates(
    client: Any, make_user: Any, db: Any
) -> None:
    coordinator = make_user("coordinator")
    m.Remains.objects.create(
        reference="PFSI-1",
        sex="F",
        age_min=15,
        age_max=22,
        found_date="2010-01-10",
        condition="mummified",
        marks="tatuaje|antebrazo|izquierdo|rosa",
        created_by=coordinator,
    )
    client.force_login(coordinator)
    response = _import(client, GOOD)
    assert response.status_code == 302 and response.url == reverse("cases:cases")
    first, second = m.Case.objects.order_by("pk")
    assert first.sex == "F" and first.age_min == 17 and first.height_max_cm == 160
    assert (first.place_colonia, first.place_municipality, first.place_state) == (
        "Centro",
        "Juárez",
        "Chihuahua",
    )
    assert first.lat == 31.7 and first.dental_notes == "corona oro"
    mark = first.marks.get()
    assert (mark.kind, mark.body_part, mark.side, mark.description) == (
        "tattoo",
        "forearm",
        "left",
        "rosa Lupita",
    )
    garment = first.clothing.get()
    assert (garment.garment, garment.colour, garment.description) == (
        "blusa",
        "roja",
        "de tirantes",
    )
    assert second.last_seen_date == "2010" and second.place_municipality == "Juárez"
    assert first.coordinators.filter(pk=coordinator.pk).exists()
    assert not first.consent_public and not first.consent_collective
    assert first.candidates.filter(remains__reference="PFSI-1").exists()
    entry = Entry.objects.filter(object_type="case", action="import").latest("pk")
    assert entry.detail == {"file_rows": 2, "created": 2}


def test_round_trip_export_then_import_gives_the_same_rows(
    client: Any, make_user: Any, db: Any
) -> None:
    coordinator = make_user("coordinator")
    make_case(coordinator, place_colonia="Centro")
    client.force_login(coordinator)
    _import(client, GOOD)
    before = _export(client)
    assert len(before) == 3
    m.Case.objects.all().delete()
    text = io.StringIO()
    writer = csv.DictWriter(text, list(before[0]))
    writer.writeheader()
    writer.writerows({**r, "id": f"X{i}"} for i, r in enumerate(before))
    response = _import(client, text.getvalue())
    assert response.status_code == 302
    after = _export(client)
    assert [{**r, "id": ""} for r in after] == [{**r, "id": ""} for r in before]


def test_importing_an_export_again_is_refused_and_stores_nothing(
    client: Any, make_user: Any, db: Any
) -> None:
    coordinator = make_user("coordinator")
    make_case(coordinator)
    client.force_login(coordinator)
    exported = client.get(reverse("cases:case_export")).content.decode("utf-8-sig")
    response = _import(client, exported, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert m.Case.objects.count() == 1
    page = response.content.decode()
    assert "line 2, column 1 (id): this id is the label of a case already stored here" in page


def test_import_is_all_or_nothing_and_lists_every_problem_with_line_and_column(
    client: Any, make_user: Any, db: Any
) -> None:
    client.force_login(make_user("coordinator"))
    bad = GOOD + (
        'F-3,F,30,20,,,ayer,,,,"tatuaje|antebrazo|izquierdo|una\nrosa",,\n'
        "F-4,F,,,,,,,,,|mano||,|roja|,\n"
        "F-1,,,,,,,,,,,,\n"
    )
    response = _import(client, bad, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert m.Case.objects.count() == 0
    page = response.content.decode()
    assert "line 4, column 4 (age_max): smaller than age_min" in page
    assert "line 4, column 7 (last_seen_date): not a date" in page
    # a row after a cell spanning two lines starts on line 6
    assert (
        "line 6, column 11 (marks): item 1: a ficha&#x27;s mark needs its type and body part"
        in page
    )
    assert "line 6, column 12 (clothing): item 1: a ficha&#x27;s garment needs its name" in page
    assert "line 7, column 1 (id): this id is already used on line 2" in page
    entry = Entry.objects.filter(object_type="case", action="import").latest("pk")
    assert entry.detail == {"refused": 5}


def test_import_problems_show_in_spanish_on_a_spanish_page(
    client: Any, make_user: Any, db: Any
) -> None:
    client.force_login(make_user("coordinator"))
    bad = GOOD.replace("155,160", "160,155").replace("2010,", "ayer,")
    response = _import(client, bad, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert "missing.csv: 2 problema(s) en el archivo de personas desaparecidas" in page
    assert "línea 2, columna 6 (height_max_cm): menor que height_min_cm" in page
    assert "línea 3, columna 7 (last_seen_date): no es una fecha" in page
    assert ", line " not in page and "problem(s) in the" not in page
    assert "Importar casos de un missing.csv" in page
    listing = client.get(reverse("cases:cases"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Exportar los casos que puedes ver (missing.csv)" in listing


def test_a_file_that_is_not_utf8_is_refused_with_how_to_fix_it(
    client: Any, make_user: Any, db: Any
) -> None:
    client.force_login(make_user("coordinator"))
    upload = SimpleUploadedFile("lista.csv", GOOD.encode("latin-1"))
    response = client.post(
        reverse("cases:case_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "lista.csv: not UTF-8 text." in page and "CSV UTF-8" in page
    assert m.Case.objects.count() == 0


def test_import_needs_edit_cases(client: Any, make_user: Any, db: Any) -> None:
    url = reverse("cases:case_import")
    upload = SimpleUploadedFile("missing.csv", GOOD.encode())
    assert client.post(url, {"file": upload}).url.startswith(reverse("accounts:login"))
    client.force_login(make_user("analyst"))
    upload = SimpleUploadedFile("missing.csv", GOOD.encode())
    assert client.post(url, {"file": upload}).status_code == 403
    assert m.Case.objects.count() == 0


def test_every_engine_problem_has_a_spanish_wording() -> None:
    from recuento.match import MatchDataError, parse_missing_rows, parse_remains_rows
    from recuento.web.cases.views.problems import spanish

    base = {"id": "1", "last_seen_date": "", "last_seen_place": "", "lat": "", "lon": ""}
    rows = [
        {**base, "sex": "quizá", "age_min": "x", "age_max": "300"},
        {**base, "id": "1", "height_min_cm": "170", "height_max_cm": "160", "lat": "31"},
        {**base, "id": "", "marks": "nube|codo|arriba|x;a|b|c|d|e", "clothing": "a|b|c|d"},
        {**base, "id": "4", "last_seen_date": "ayer"},
    ]
    messages: list[str] = []
    for parse, data in ((parse_missing_rows, rows), (parse_remains_rows, [{"condition": "x"}])):
        try:
            parse(data)
        except MatchDataError as e:
            messages += [e.summary, *e.problems]
    assert len(messages) > 12
    for message in messages:
        translated = spanish(message)
        assert translated != message, message
        assert " line " not in translated and "not " not in translated, translated


def test_remains_import_problems_name_the_file_line_after_blank_lines_and_multiline_cells(
    client: Any, make_user: Any, db: Any
) -> None:
    from .test_web_cases_factory import REMAINS_CSV

    client.force_login(make_user("analyst"))
    header, first, second = REMAINS_CSV.strip("\n").split("\n")
    mark = "tatuaje|antebrazo|izquierdo|rosa Lupita"
    first = first.replace(mark, '"' + mark.replace(" ", "\n") + '"')  # a cell on 2 lines
    bad = "\n".join([header, "", first, second.replace("esqueletizado", "verde")]) + "\n"
    response = client.post(
        reverse("cases:remains_import"),
        {"file": SimpleUploadedFile("remains.csv", bad.encode())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert m.Remains.objects.count() == 0
    assert "remains.csv, line 5, column 11 (condition)" in response.content.decode()
