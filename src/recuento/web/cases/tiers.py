"""Visibility tiers of case and remains fields, and who may see what.

Every field has a tier (public, collective, authorities, secret) with a default here that a
case may override (``Case.tiers``). The family's consent is recorded per tier. Who sees a
field:

* the public (posters, the verification page): tier ``public``, with the family's consent to
  publish, and never when the case carries the safety flag;
* members of the collective (action ``view_cases``): tiers ``public`` and ``collective``
  when the family consented to share with the collective; otherwise only what is public;
* coordinators (action ``view_restricted_fields``): every tier (they hold the case for the
  family; the ``authorities`` consent scopes what may be handed to an authority, and
  ``secret`` fields are never exported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from recuento.web.accounts.permissions import allowed

PUBLIC = "public"
COLLECTIVE = "collective"
AUTHORITIES = "authorities"
SECRET = "secret"
TIERS = (PUBLIC, COLLECTIVE, AUTHORITIES, SECRET)
RANK = {t: i for i, t in enumerate(TIERS)}
TIER_CHOICES = [
    (PUBLIC, _("Public")),
    (COLLECTIVE, _("Collective")),
    (AUTHORITIES, _("Authorities")),
    (SECRET, _("Secret")),
]
#: Tiers the family consents to, one by one (secret fields are never shared).
CONSENT_TIERS = (PUBLIC, COLLECTIVE, AUTHORITIES)

#: Viewer levels.
LEVEL_PUBLIC = 0
LEVEL_COLLECTIVE = 1
LEVEL_ALL = 3


@dataclass(frozen=True)
class FieldSpec:
    """A field (or a group of columns shown together) and its default tier.

    ``public_allowed`` False: the field can never be made public (a CURP, a family phone,
    coordinates, the investigation file).
    """

    name: str
    label: str | Promise
    tier: str
    columns: tuple[str, ...] = ()
    public_allowed: bool = True
    section: str = "identity"

    @property
    def cols(self) -> tuple[str, ...]:
        return self.columns or (self.name,)


def _f(
    name: str, label: Any, tier: str, *columns: str, section: str, public: bool = True
) -> FieldSpec:
    return FieldSpec(name, label, tier, tuple(columns), public, section)


SECTIONS = {
    "case": _("The case"),
    "identity": _("Identity"),
    "description": _("Physical description"),
    "medical": _("Medical and biometric references"),
    "event": _("The disappearance"),
    "contacts": _("Family and contacts"),
}

CASE_FIELDS: tuple[FieldSpec, ...] = (
    _f("official_folio", _("Official folio (RNPDNO / FUB)"), AUTHORITIES, section="case"),
    _f("investigation_file", _("Investigation file"), SECRET, section="case", public=False),
    _f("receiving_authority", _("Authority that received the report"), AUTHORITIES, section="case"),
    _f("report_date", _("Date of the report"), AUTHORITIES, section="case"),
    _f("case_type", _("Type of case"), COLLECTIVE, section="case"),
    _f("given_names", _("Given names"), PUBLIC, section="identity"),
    _f("surname_1", _("First surname"), PUBLIC, section="identity"),
    _f("surname_2", _("Second surname"), PUBLIC, section="identity"),
    _f("aliases", _("Nicknames"), COLLECTIVE, section="identity"),
    _f("birth_date", _("Date of birth"), AUTHORITIES, section="identity"),
    _f("age", _("Age at disappearance"), PUBLIC, "age_min", "age_max", section="identity"),
    _f("sex", _("Sex"), PUBLIC, section="identity"),
    _f("gender", _("Gender"), PUBLIC, section="identity"),
    _f("nationality", _("Nationality"), AUTHORITIES, section="identity"),
    _f("birthplace", _("Place of birth"), AUTHORITIES, section="identity"),
    _f("indigenous", _("Indigenous people"), COLLECTIVE, section="identity"),
    _f(
        "vulnerability",
        _("Vulnerability (disability, pregnancy, minor, migrant)"),
        PUBLIC,
        section="identity",
    ),
    _f("occupation", _("Occupation and schooling"), COLLECTIVE, section="identity"),
    _f("curp", _("CURP"), SECRET, section="identity", public=False),
    _f("height", _("Height (cm)"), PUBLIC, "height_min_cm", "height_max_cm", section="description"),
    _f("weight", _("Weight (kg)"), PUBLIC, "weight_min_kg", "weight_max_kg", section="description"),
    _f("build", _("Build"), PUBLIC, section="description"),
    _f("skin_tone", _("Skin tone"), PUBLIC, section="description"),
    _f("hair", _("Hair (colour, type, length)"), PUBLIC, section="description"),
    _f("eyes", _("Eyes"), PUBLIC, section="description"),
    _f(
        "medical_notes",
        _("Surgeries, implants, fractures, illnesses"),
        AUTHORITIES,
        section="medical",
    ),
    _f("dental_notes", _("Dental notes"), AUTHORITIES, section="medical"),
    _f("blood_type", _("Blood type"), AUTHORITIES, section="medical"),
    _f("dna_status", _("DNA reference status"), COLLECTIVE, section="medical"),
    _f("last_seen_date", _("Date last seen"), PUBLIC, section="event"),
    _f("last_seen_time", _("Time last seen"), PUBLIC, section="event"),
    _f("place_state", _("State"), PUBLIC, section="event"),
    _f("place_municipality", _("Municipality"), PUBLIC, section="event"),
    _f("place_colonia", _("Neighbourhood (colonia)"), PUBLIC, section="event"),
    _f("place_point", _("Coordinates"), AUTHORITIES, "lat", "lon", section="event", public=False),
    _f("place_type", _("Type of place"), PUBLIC, section="event"),
    _f("circumstances_summary", _("Circumstances (public summary)"), PUBLIC, section="event"),
    _f("circumstances", _("Circumstances"), COLLECTIVE, section="event"),
    _f("route_and_places", _("Places she frequented, routes"), COLLECTIVE, section="event"),
    _f(
        "companions",
        _("Who she was with, last person to see her"),
        SECRET,
        section="event",
        public=False,
    ),
    _f("phone_social", _("Her phone and social media"), SECRET, section="event", public=False),
    _f("vehicle", _("Vehicle"), AUTHORITIES, section="event"),
    _f(
        "reporter",
        _("Person reporting and relationship"),
        SECRET,
        "reporter_name",
        "reporter_relation",
        section="contacts",
        public=False,
    ),
    _f("family_phone", _("Family's phone"), SECRET, section="contacts", public=False),
    _f("protection_measures", _("Protection measures"), SECRET, section="contacts", public=False),
    _f("public_contact", _("Contact for the poster (the collective)"), PUBLIC, section="contacts"),
)
CASE_SPECS = {s.name: s for s in CASE_FIELDS}

REMAINS_FIELDS: tuple[FieldSpec, ...] = (
    _f("reference", _("Forensic folio (PFSI / SEMEFO)"), AUTHORITIES, section="case"),
    _f("probable_name", _("Probable name"), SECRET, section="case", public=False),
    _f("found_date", _("Date found"), PUBLIC, section="event"),
    _f("intake_date", _("Date of intake at the forensic service"), AUTHORITIES, section="event"),
    _f("found_place", _("Place found (municipality)"), PUBLIC, section="event"),
    _f(
        "find_point",
        _("Coordinates of the finding"),
        SECRET,
        "lat",
        "lon",
        section="event",
        public=False,
    ),
    _f("site_type", _("Type of site"), PUBLIC, section="event"),
    _f("remains_type", _("Type of remains"), PUBLIC, section="description"),
    _f("condition", _("Condition of the remains"), PUBLIC, section="description"),
    _f("mni", _("Minimum number of individuals"), AUTHORITIES, section="description"),
    _f("sex", _("Estimated sex"), PUBLIC, section="description"),
    _f("age", _("Estimated age"), PUBLIC, "age_min", "age_max", section="description"),
    _f(
        "height",
        _("Estimated height (cm)"),
        PUBLIC,
        "height_min_cm",
        "height_max_cm",
        section="description",
    ),
    _f(
        "pmi",
        _("Post-mortem interval (days)"),
        AUTHORITIES,
        "pmi_min_days",
        "pmi_max_days",
        section="description",
    ),
    _f("cause_of_death", _("Cause and manner of death"), AUTHORITIES, section="medical"),
    _f("marks", _("Marks and tattoos observed"), COLLECTIVE, section="description"),
    _f("clothing", _("Clothing and effects"), PUBLIC, section="description"),
    _f("dental_notes", _("Dental notes (post mortem)"), AUTHORITIES, section="medical"),
    _f("custody", _("Custody (institution, location)"), AUTHORITIES, section="case"),
    _f(
        "disposition", _("Disposition (common grave, plot, delivered)"), AUTHORITIES, section="case"
    ),
)
REMAINS_SPECS = {s.name: s for s in REMAINS_FIELDS}


def viewer_level(user: Any) -> int:
    """How deep ``user`` sees: every tier, the collective's, or nothing (-1)."""
    if allowed(user, action="view_restricted_fields"):
        return LEVEL_ALL
    if allowed(user, action="view_cases"):
        return LEVEL_COLLECTIVE
    return -1


def tier_of(obj: Any, spec: FieldSpec) -> str:
    """The field's tier on this record: its override, or the default."""
    tier = (obj.tiers or {}).get(spec.name, spec.tier)
    if tier not in RANK or (tier == PUBLIC and not spec.public_allowed):
        return spec.tier
    return str(tier)


def publicly_visible(case: Any, spec: FieldSpec) -> bool:
    """Whether a case field may be printed or shown to anyone (posters, verification)."""
    return (
        spec.public_allowed
        and tier_of(case, spec) == PUBLIC
        and bool(case.consent_public)
        and not case.safety_flag
    )


def case_field_visible(case: Any, spec: FieldSpec, level: int) -> bool:
    """Whether a viewer at ``level`` sees this case field (see the module's rules)."""
    if level >= LEVEL_ALL:
        return True
    if level >= LEVEL_COLLECTIVE and case.consent_collective:
        return RANK[tier_of(case, spec)] <= RANK[COLLECTIVE]
    return publicly_visible(case, spec)


def remains_field_visible(remains: Any, spec: FieldSpec, level: int) -> bool:
    """Whether a viewer at ``level`` sees this remains field (no family consent applies)."""
    if level >= LEVEL_ALL:
        return True
    return level >= LEVEL_COLLECTIVE and RANK[tier_of(remains, spec)] <= RANK[COLLECTIVE]
