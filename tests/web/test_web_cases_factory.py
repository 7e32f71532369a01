"""Factories for the cases app's tests (synthetic people only; no tests here)."""

from __future__ import annotations

import io
from typing import Any

#: Values of the fields that are not public by default: none may reach a poster.
HIDDEN = {
    "official_folio": "FOLIOOFICIALX1",
    "investigation_file": "CARPETAX2",
    "receiving_authority": "AUTORIDADX3",
    "report_date": "1999-12-31",
    "case_type": "TIPOCASOX4",
    "aliases": "APODOX5",
    "birth_date": "1991-04-02",
    "nationality": "NACIONX6",
    "birthplace": "NACIOX7",
    "indigenous": "PUEBLOX8",
    "occupation": "OCUPAX9",
    "curp": "CURPX10AAAAAAAAAA",
    "medical_notes": "MEDICOX11",
    "dental_notes": "DENTALX12",
    "blood_type": "BX13",
    "dna_status": "ADNX14",
    "circumstances": "HECHOSPRIVADOSX15",
    "route_and_places": "RUTASX16",
    "companions": "ACOMPANANTEX17",
    "phone_social": "TELREDESX18",
    "vehicle": "VEHICULOX19",
    "reporter_name": "REPORTAX20",
    "reporter_relation": "PARENTX21",
    "family_phone": "6561234599",
    "protection_measures": "PROTECCIONX22",
}
HIDDEN_NUMBERS = {"lat": 31.7391, "lon": -106.4872}

PUBLIC = {
    "given_names": "Lupita",
    "surname_1": "Prueba",
    "surname_2": "Sintética",
    "age_min": 17.0,
    "age_max": 17.0,
    "sex": "F",
    "height_min_cm": 155.0,
    "height_max_cm": 160.0,
    "hair": "negro, largo",
    "last_seen_date": "2009-03-21",
    "place_municipality": "Juárez",
    "place_state": "Chihuahua",
    "circumstances_summary": "Salió del trabajo en el centro.",
    "public_contact": "Colectivo de prueba 656 000 0000",
}


def make_case(user: Any, *, consent: bool = True, collective: bool = True, **fields: Any) -> Any:
    """A case with public values, every non-public field filled with a marker, a public and a
    collective mark, and a public and a collective garment."""
    from recuento.web.cases import models as m

    values = {**PUBLIC, **HIDDEN, **HIDDEN_NUMBERS, **fields}
    case = m.Case.objects.create(
        created_by=user, consent_public=consent, consent_collective=collective, **values
    )
    case.coordinators.add(user)
    m.Mark.objects.create(
        case=case, kind="tattoo", body_part="forearm", side="left", description="rosa Lupita"
    )
    m.Mark.objects.create(
        case=case,
        kind="scar",
        body_part="abdomen",
        description="MARCAPRIVADAX23",
        tier="collective",
    )
    m.Garment.objects.create(case=case, garment="blusa", colour="roja", description="de tirantes")
    m.Garment.objects.create(
        case=case, garment="anillo", description="PRENDAPRIVADAX24", tier="authorities"
    )
    return case


def hidden_markers() -> list[str]:
    return [*HIDDEN.values(), "MARCAPRIVADAX23", "PRENDAPRIVADAX24", "31.73", "106.48"]


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF with a GPS position and a camera model."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (120, 80, 60))
    exif = Image.Exif()
    exif[0x0110] = "CAMARAX25"  # Model
    gps = {1: "N", 2: (31.0, 44.0, 20.0), 3: "W", 4: (106.0, 29.0, 14.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


REMAINS_CSV = (
    "id,sex,age_min,age_max,height_min_cm,height_max_cm,found_date,found_place,lat,lon,"
    "condition,marks,clothing\n"
    "PFSI-001,F,15,22,150,165,2010-01-10,Juárez,,,momificado,"
    "tatuaje|antebrazo|izquierdo|rosa Lupita,blusa|roja|tirantes\n"
    "PFSI-002,M,30,40,170,180,2010-02-01,Juárez,,,esqueletizado,,\n"
)
