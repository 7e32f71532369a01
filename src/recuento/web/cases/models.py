"""Cases (fichas), their marks, clothing, photos, status history and consents; posters;
unidentified remains; candidate matches; anonymous tips.

Every field of a case or remains record has a visibility tier (:mod:`.tiers`); the family's
consent is recorded per tier, with its history. Photos are stored without their metadata.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recuento.match import vocab
from recuento.web.cases.tiers import PUBLIC, TIER_CHOICES

MISSING = "missing"
LOCATED_ALIVE = "located_alive"
LOCATED_DEAD = "located_dead"
IDENTIFIED = "identified"
STATUS_CHOICES = [
    (MISSING, _("Missing")),
    (LOCATED_ALIVE, _("Located alive")),
    (LOCATED_DEAD, _("Located dead")),
    (IDENTIFIED, _("Identified")),
]
SEX_CHOICES = [("F", _("Female")), ("M", _("Male")), ("X", _("Other / undetermined"))]
SIDE_CHOICES = [
    ("left", _("left")),
    ("right", _("right")),
    ("both", _("both")),
    ("centre", _("centre")),
]
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_folio(prefix: str = "RC") -> str:
    """A random public folio such as ``RC-7K3M-9QXD`` (no 0/O, 1/I confusions)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def _vocab_choices(table: vocab.Vocabulary) -> list[tuple[str, str]]:
    return [(k, f"{table[k].es} / {table[k].en}") for k in table.keys]


def mark_type_choices() -> list[tuple[str, str]]:
    return _vocab_choices(vocab.mark_types())


def body_part_choices() -> list[tuple[str, str]]:
    return _vocab_choices(vocab.body_parts())


def condition_choices() -> list[tuple[str, str]]:
    return _vocab_choices(vocab.conditions())


def _text(label: Any, length: int = 200) -> models.CharField:
    return models.CharField(label, max_length=length, blank=True)


def _number(label: Any) -> models.FloatField:
    return models.FloatField(label, null=True, blank=True)


class Case(models.Model):
    """A missing person's case: the ficha, its tiers and consents, its coordinators."""

    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=MISSING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_cases",
        blank=True,
        verbose_name=_("coordinators (receive the tips)"),
    )
    family = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="family_cases",
        blank=True,
        verbose_name=_("family accounts (see released candidates)"),
    )
    tiers: Any = models.JSONField(_("tier of each field (overrides)"), default=dict, blank=True)
    consent_public = models.BooleanField(
        _("family consents to publish public fields"), default=False
    )
    consent_collective = models.BooleanField(
        _("family consents to share with the collective"), default=False
    )
    consent_authorities = models.BooleanField(
        _("family consents to share with authorities"), default=False
    )
    safety_flag = models.BooleanField(_("risk to the family: do not publish"), default=False)
    safety_note = models.TextField(_("safety note"), blank=True)
    show_family_phone = models.BooleanField(
        _("the family chose to print their own phone on the poster"), default=False
    )
    # The case.
    official_folio = _text(_("official folio"))
    investigation_file = _text(_("investigation file"))
    receiving_authority = _text(_("authority that received the report"))
    report_date = _text(_("date of the report"), 10)
    case_type = _text(_("type of case"), 40)
    # Identity.
    given_names = _text(_("given names"))
    surname_1 = _text(_("first surname"))
    surname_2 = _text(_("second surname"))
    aliases = _text(_("nicknames"))
    birth_date = _text(_("date of birth"), 10)
    age_min = _number(_("age at disappearance, from"))
    age_max = _number(_("age at disappearance, to"))
    sex = models.CharField(_("sex"), max_length=1, choices=SEX_CHOICES, blank=True)
    gender = _text(_("gender"), 60)
    nationality = _text(_("nationality"), 80)
    birthplace = _text(_("place of birth"))
    indigenous = _text(_("indigenous people"), 100)
    vulnerability = _text(_("vulnerability"))
    occupation = _text(_("occupation and schooling"))
    curp = _text(_("CURP"), 18)
    # Description.
    height_min_cm = _number(_("height from (cm)"))
    height_max_cm = _number(_("height to (cm)"))
    weight_min_kg = _number(_("weight from (kg)"))
    weight_max_kg = _number(_("weight to (kg)"))
    build = _text(_("build"), 60)
    skin_tone = _text(_("skin tone"), 60)
    hair = _text(_("hair"))
    eyes = _text(_("eyes"), 60)
    # Medical references.
    medical_notes = models.TextField(_("surgeries, implants, fractures, illnesses"), blank=True)
    dental_notes = models.TextField(_("dental notes"), blank=True)
    blood_type = _text(_("blood type"), 8)
    dna_status = _text(_("DNA reference status"), 60)
    # The disappearance.
    last_seen_date = _text(_("date last seen"), 10)
    last_seen_time = _text(_("time last seen"), 5)
    place_state = _text(_("state"), 80)
    place_municipality = _text(_("municipality"), 120)
    place_colonia = _text(_("neighbourhood (colonia)"), 120)
    lat = _number(_("latitude"))
    lon = _number(_("longitude"))
    place_type = _text(_("type of place"), 80)
    circumstances_summary = models.TextField(
        _("circumstances (public summary)"), blank=True, max_length=600
    )
    circumstances = models.TextField(_("circumstances"), blank=True)
    route_and_places = models.TextField(_("places she frequented, routes"), blank=True)
    companions = models.TextField(_("who she was with, last person to see her"), blank=True)
    phone_social = models.TextField(_("her phone and social media"), blank=True)
    vehicle = _text(_("vehicle"))
    # Contacts.
    reporter_name = _text(_("person reporting"))
    reporter_relation = _text(_("relationship"), 60)
    family_phone = _text(_("family's phone"), 40)
    protection_measures = models.TextField(_("protection measures"), blank=True)
    public_contact = _text(_("contact for the poster (the collective)"))

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"case {self.pk}"

    @property
    def label(self) -> str:
        return f"C-{self.pk:05d}"


class StatusChange(models.Model):
    """One change of a case's status (the history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    old = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    new = models.CharField(max_length=20, choices=STATUS_CHOICES)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")


class ConsentChange(models.Model):
    """One change of the family's consent for a tier (the history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_changes")
    tier = models.CharField(max_length=20, choices=TIER_CHOICES)
    granted = models.BooleanField()
    note = models.TextField(_("how the consent was given (who, where)"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")


class Mark(models.Model):
    """A distinguishing mark of the missing person, by body location."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="marks")
    kind = models.CharField(_("type of mark"), max_length=40, choices=mark_type_choices)
    body_part = models.CharField(_("body part"), max_length=40, choices=body_part_choices)
    side = models.CharField(_("side"), max_length=10, choices=SIDE_CHOICES, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=TIER_CHOICES, default=PUBLIC)

    class Meta:
        ordering = ("pk",)


class Garment(models.Model):
    """A garment or belonging she had when she disappeared."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clothing")
    garment = models.CharField(_("garment or belonging"), max_length=80)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    description = models.CharField(
        _("description (brand, size, material)"), max_length=300, blank=True
    )
    tier = models.CharField(_("tier"), max_length=20, choices=TIER_CHOICES, default=PUBLIC)

    class Meta:
        ordering = ("pk",)


class Remains(models.Model):
    """An unidentified-remains record (a forensic service's entry or a brigade's finding)."""

    reference = models.CharField(_("forensic folio (PFSI / SEMEFO)"), max_length=100, unique=True)
    probable_name = _text(_("probable name"))
    found_date = _text(_("date found"), 10)
    intake_date = _text(_("date of intake"), 10)
    found_place = _text(_("place found (municipality)"))
    lat = _number(_("latitude"))
    lon = _number(_("longitude"))
    site_type = _text(_("type of site"), 80)
    remains_type = _text(_("type of remains"), 80)
    condition = models.CharField(
        _("condition"), max_length=40, blank=True, choices=condition_choices
    )
    mni = models.PositiveIntegerField(_("minimum number of individuals"), null=True, blank=True)
    sex = models.CharField(_("estimated sex"), max_length=1, choices=SEX_CHOICES, blank=True)
    age_min = _number(_("estimated age from"))
    age_max = _number(_("estimated age to"))
    height_min_cm = _number(_("estimated height from (cm)"))
    height_max_cm = _number(_("estimated height to (cm)"))
    pmi_min_days = _number(_("post-mortem interval from (days)"))
    pmi_max_days = _number(_("post-mortem interval to (days)"))
    cause_of_death = _text(_("cause and manner of death"))
    marks = models.TextField(
        _("marks: one per line or ';', type|body part|side|description"), blank=True
    )
    clothing = models.TextField(
        _("clothing and effects: one per line or ';', garment|colour|description"), blank=True
    )
    dental_notes = models.TextField(_("dental notes"), blank=True)
    custody = _text(_("custody"))
    disposition = _text(_("disposition"))
    tiers: Any = models.JSONField(_("tier of each field (overrides)"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-found_date", "reference")
        verbose_name = _("remains record")
        verbose_name_plural = _("remains records")

    def __str__(self) -> str:
        return f"remains {self.pk}"


class Photo(models.Model):
    """A photograph of a case or remains record, stored without its metadata (EXIF, GPS)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos", null=True)
    remains = models.ForeignKey(Remains, on_delete=models.CASCADE, related_name="photos", null=True)
    file = models.FileField(upload_to="case-photos/", max_length=255)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=TIER_CHOICES, default=PUBLIC)
    primary = models.BooleanField(_("the photo for the poster"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-primary", "pk")


class Poster(models.Model):
    """A published poster: its folio, what it showed, and whether it is still current."""

    LOCATED = "located"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    REVOKED_CHOICES = (
        (LOCATED, _("she was located")),
        (WITHDRAWN, _("withdrawn by the collective or the family")),
        (SUPERSEDED, _("replaced by a newer poster")),
    )

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="posters")
    folio = models.CharField(max_length=20, unique=True, default=new_folio)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=20, choices=REVOKED_CHOICES, blank=True)
    fields_shown: Any = models.JSONField(default=list)
    public_data: Any = models.JSONField(default=dict)
    photo = models.ForeignKey(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-issued_at", "-pk")

    @property
    def current(self) -> bool:
        return self.revoked_at is None


class Candidate(models.Model):
    """A remains record proposed for a case by :mod:`recuento.match`, and its review."""

    PENDING = "pending"
    POSSIBLE = "possible"
    EXCLUDED = "excluded"
    CONFIRMED = "confirmed"
    STATUS_CHOICES = (
        (PENDING, _("pending review")),
        (POSSIBLE, _("possible")),
        (EXCLUDED, _("excluded")),
        (CONFIRMED, _("confirmed")),
    )
    EVIDENCE_CHOICES = (
        ("dna", _("DNA")),
        ("dental", _("dental records")),
        ("fingerprints", _("fingerprints")),
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="candidates")
    remains = models.ForeignKey(Remains, on_delete=models.CASCADE, related_name="candidates")
    rank = models.PositiveIntegerField(null=True)
    score = models.FloatField(default=0)
    components: Any = models.JSONField(default=dict)
    reasons: Any = models.JSONField(default=list)  # [{"component", "points", "es", "en"}]
    engine_excluded: Any = models.JSONField(default=list)  # reasons, when an edit now excludes it
    computed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=PENDING)
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    evidence_type = models.CharField(
        _("primary identifier"), max_length=20, choices=EVIDENCE_CHOICES, blank=True
    )
    evidence_reference = models.CharField(
        _("evidence reference (laboratory, report number, authority)"), max_length=300, blank=True
    )
    released_to_family = models.BooleanField(default=False)
    released_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("rank", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("case", "remains"), name="cases_candidate_one_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | ~models.Q(evidence_type=""),
                name="cases_candidate_confirmed_needs_evidence",
            ),
        )


class Tip(models.Model):
    """An anonymous tip about a case. No IP address, no account, the day only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tips")
    text = models.TextField(_("tip"), max_length=4000)
    received_on = models.DateField(default=timezone.localdate)
    read_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-received_on", "-pk")
