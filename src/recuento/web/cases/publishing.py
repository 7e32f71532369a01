"""Posters from cases: only public, consented fields; a folio; a signed verification URL.

:func:`public_fields` is the one place that decides what of a case may be seen by anyone:
the poster, its JSON export and the public verification page all go through it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from recuento.match import vocab
from recuento.posters import PosterData
from recuento.web.cases import models as m
from recuento.web.cases.tiers import CASE_SPECS, PUBLIC, publicly_visible


class PublishError(ValueError):
    """A poster cannot be published for this case; the message says why."""


def signature(folio: str) -> str:
    """The signature in a poster's verification URL (HMAC of the folio with the site key)."""
    key = hashlib.sha256(f"recuento-poster:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, folio.encode(), hashlib.sha256).hexdigest()[:20]


def verify_path(folio: str) -> str:
    return reverse("cases:verify", kwargs={"folio": folio, "sig": signature(folio)})


def _visible(case: m.Case, name: str) -> bool:
    return publicly_visible(case, CASE_SPECS[name])


def _range(low: float | None, high: float | None, unit: str) -> str:
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return f"{(low if low is not None else high):g}{unit}"
    return f"{low:g}–{high:g}{unit}"


_SEX = {"F": ("Mujer", "Female"), "M": ("Hombre", "Male"), "X": ("Otro / indeterminado", "Other")}
_SIDE = {
    "left": ("izquierdo", "left"),
    "right": ("derecho", "right"),
    "both": ("ambos lados", "both sides"),
    "centre": ("al centro", "centre"),
}


def public_fields(case: m.Case, lang: str) -> dict[str, Any]:
    """What anyone may see of a case, in ``lang``, with the names of the fields shown.

    Returns an empty selection when the family has not consented to publish or the case
    carries the safety flag.
    """
    i = 0 if lang == "es" else 1
    shown: list[str] = []
    facts: list[tuple[str, str]] = []

    def take(name: str, value: str, key: str | None = None) -> None:
        if value and _visible(case, name):
            shown.append(name)
            if key is not None:
                facts.append((key, value))

    names = [
        n
        for n in ("given_names", "surname_1", "surname_2")
        if getattr(case, n) and _visible(case, n)
    ]
    shown += names
    years = " años" if lang == "es" else ""
    take("age", _range(case.age_min, case.age_max, years), "age")
    take("sex", _SEX[case.sex][i] if case.sex else "", "sex")
    take("gender", case.gender, "gender")
    take("height", _range(case.height_min_cm, case.height_max_cm, " cm"), "height")
    take("weight", _range(case.weight_min_kg, case.weight_max_kg, " kg"), "weight")
    for name in ("build", "skin_tone", "hair", "eyes", "vulnerability"):
        take(name, getattr(case, name), name)
    last_seen = " ".join(
        v
        for n, v in (
            ("last_seen_date", case.last_seen_date),
            ("last_seen_time", case.last_seen_time),
        )
        if v and _visible(case, n)
    )
    if last_seen:
        shown += [
            n
            for n in ("last_seen_date", "last_seen_time")
            if getattr(case, n) and _visible(case, n)
        ]
        facts.append(("last_seen", last_seen))
    place_parts = [
        n
        for n in ("place_colonia", "place_municipality", "place_state")
        if getattr(case, n) and _visible(case, n)
    ]
    if place_parts:
        shown += place_parts
        facts.append(("place", ", ".join(getattr(case, n) for n in place_parts)))
    take("place_type", case.place_type, "place_type")
    circumstances = case.circumstances_summary if _visible(case, "circumstances_summary") else ""
    if circumstances:
        shown.append("circumstances_summary")
    allowed = bool(case.consent_public) and not case.safety_flag
    marks = []
    for mark in case.marks.all():
        if allowed and mark.tier == PUBLIC:
            parts = [
                vocab.mark_types()[mark.kind].label(lang),
                vocab.body_parts()[mark.body_part].label(lang),
            ]
            if mark.side:
                parts.append(_SIDE[mark.side][i])
            text = " ".join(parts[1:])
            marks.append(
                f"{parts[0].capitalize()} ({text})"
                + (f": {mark.description}" if mark.description else "")
            )
    if marks:
        shown.append("marks")
    clothing = [
        ", ".join(v for v in (g.garment, g.colour, g.description) if v)
        for g in case.clothing.all()
        if allowed and g.tier == PUBLIC
    ]
    if clothing:
        shown.append("clothing")
    contact = case.public_contact if _visible(case, "public_contact") else ""
    if allowed and case.show_family_phone and case.family_phone:
        contact = f"{contact} · {case.family_phone}" if contact else case.family_phone
        shown.append("family_phone")
    elif contact:
        shown.append("public_contact")
    name_text = " ".join(getattr(case, n) for n in names)
    return {
        "name": name_text,
        "facts": facts,
        "marks": marks,
        "clothing": clothing,
        "circumstances": circumstances,
        "contact": contact,
        "shown": shown,
    }


def public_photo(case: m.Case) -> m.Photo | None:
    """The poster's photo: the primary one, if it is public and the family consented."""
    if not case.consent_public or case.safety_flag:
        return None
    return case.photos.filter(primary=True, tier=PUBLIC).first()


def check_publishable(case: m.Case) -> None:
    """Raise :class:`PublishError` unless a poster may be made for this case."""
    if case.safety_flag:
        raise PublishError("safety")
    if not case.consent_public:
        raise PublishError("consent")
    if case.status != m.MISSING:
        raise PublishError("status")
    selection = public_fields(case, "es")
    if not selection["name"]:
        raise PublishError("name")
    if not selection["contact"]:
        raise PublishError("contact")


def publish(case: m.Case, user: Any, request: HttpRequest) -> m.Poster:
    """Issue a new poster for the case; earlier current ones are superseded."""
    check_publishable(case)
    poster = m.Poster(case=case, issued_by=user)
    url = request.build_absolute_uri(verify_path(poster.folio))
    data = {}
    for lang in ("es", "en"):
        selection = public_fields(case, lang)
        data[lang] = {
            "lang": lang,
            "folio": poster.folio,
            "verify_url": url,
            "name": selection["name"],
            "contact": selection["contact"],
            "facts": selection["facts"],
            "marks": selection["marks"],
            "clothing": selection["clothing"],
            "circumstances": selection["circumstances"],
            "issued": timezone.localdate().isoformat(),
        }
    now = timezone.now()
    case.posters.filter(revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=m.Poster.SUPERSEDED
    )
    poster.public_data = data
    poster.fields_shown = public_fields(case, "es")["shown"]
    poster.photo = public_photo(case)
    poster.save()
    return poster


def poster_data(poster: m.Poster, lang: str) -> PosterData:
    """The engine's data for a published poster (the photo read from storage)."""
    data = dict(poster.public_data[lang])
    photo = None
    if poster.photo is not None:
        with poster.photo.file.open("rb") as handle:
            photo = handle.read()
    return PosterData(
        lang=data["lang"],
        folio=data["folio"],
        verify_url=data["verify_url"],
        name=data["name"],
        contact=data["contact"],
        facts=tuple((k, v) for k, v in data["facts"]),
        marks=tuple(data["marks"]),
        clothing=tuple(data["clothing"]),
        circumstances=data["circumstances"],
        issued=data["issued"],
        photo=photo,
    )


def _printed(data: dict[str, Any]) -> set[str]:
    values = {data.get("name", ""), data.get("contact", ""), data.get("circumstances", "")}
    values |= {str(v) for _k, v in data.get("facts", [])}
    values |= set(data.get("marks", [])) | set(data.get("clothing", []))
    return {v for v in values if v}


def revoke_if_no_longer_public(case: m.Case) -> int:
    """Revoke current posters that print something no longer public (a tier raised, an item
    removed, consent narrowed); how many were revoked."""
    fresh = public_fields(case, "es")
    now = _printed({**fresh, "facts": fresh["facts"]})
    revoked = 0
    for poster in case.posters.filter(revoked_at__isnull=True):
        if _printed(poster.public_data.get("es", {})) - now:
            poster.revoked_at = timezone.now()
            poster.revoked_reason = m.Poster.WITHDRAWN
            poster.save(update_fields=["revoked_at", "revoked_reason"])
            revoked += 1
    return revoked


def revoke_current(case: m.Case, reason: str) -> int:
    """Revoke every current poster of the case; how many were revoked."""
    return case.posters.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
