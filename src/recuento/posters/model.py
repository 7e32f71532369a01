"""What a poster shows: a plain dataclass of public fields, and its JSON form.

The poster never decides what is public: whoever builds a :class:`PosterData` (the web
site, from the fields of a case marked public and with the family's consent; or a person
writing the JSON by hand) puts in it only what may be printed on a lamp post. The renderer
prints every field it is given and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recuento.errors import RecuentoError

__all__ = ["FACT_KEYS", "LANGS", "PosterData", "PosterError", "load_poster_json", "text"]

LANGS = ("es", "en")

#: Every word the poster prints itself, in Spanish and English.
TEXTS: dict[str, tuple[str, str]] = {
    "header": ("FICHA DE BÚSQUEDA", "MISSING PERSON"),
    "subheader": ("¿La has visto?", "Have you seen her?"),
    "folio": ("Folio", "Folio"),
    "issued": ("Emitida", "Issued"),
    "marks": ("Señas particulares", "Distinguishing marks"),
    "clothing": ("Vestimenta y pertenencias", "Clothing and belongings"),
    "circumstances": ("Hechos", "Circumstances"),
    "contact": (
        "Si tienes información, comunícate con",
        "If you have any information, contact",
    ),
    "verify": (
        "Escanea el código para verificar que esta ficha es auténtica y vigente, o "
        "para dejar un aviso anónimo:",
        "Scan the code to check that this poster is genuine and current, or to leave "
        "an anonymous tip:",
    ),
    "disclaimer": (
        "Difunde solo fichas vigentes. No publiques datos de la familia.",
        "Share only current posters. Do not publish the family's details.",
    ),
}

#: The facts a poster may show, in the order it shows them, with their labels.
FACT_KEYS: dict[str, tuple[str, str]] = {
    "age": ("Edad", "Age"),
    "sex": ("Sexo", "Sex"),
    "gender": ("Género", "Gender"),
    "height": ("Estatura", "Height"),
    "weight": ("Peso", "Weight"),
    "build": ("Complexión", "Build"),
    "skin_tone": ("Tez", "Skin tone"),
    "hair": ("Cabello", "Hair"),
    "eyes": ("Ojos", "Eyes"),
    "vulnerability": ("Condición", "Condition"),
    "last_seen": ("Vista por última vez", "Last seen"),
    "place": ("Lugar", "Place"),
    "place_type": ("Tipo de lugar", "Type of place"),
}


class PosterError(RecuentoError):
    """A poster cannot be made from what was given; the message says what to fix."""


def text(key: str, lang: str) -> str:
    """One of the poster's own words (:data:`TEXTS`) in ``lang``."""
    return TEXTS[key][LANGS.index(lang)]


@dataclass(frozen=True)
class PosterData:
    """The public fields of one ficha, in one language, ready to print.

    Args:
        lang: ``es`` or ``en``: the language of the poster's own words (and, by the
            builder's choice, of the values).
        folio: the poster's folio, printed and encoded in the verification URL.
        verify_url: the public verification page the QR code opens.
        name: the person's name as it should be printed.
        facts: ``(key, value)`` pairs, keys from :data:`FACT_KEYS`.
        marks: one line per distinguishing mark.
        clothing: one line per garment or belonging.
        circumstances: a short public summary of the disappearance.
        contact: who to call: the collective's contact (the family's own phone only when
            the family chose to print it).
        issued: the date of issue as printed (ISO).
        photo: the photograph (JPEG or PNG bytes, metadata already stripped), or None.
    """

    lang: str
    folio: str
    verify_url: str
    name: str
    contact: str
    facts: tuple[tuple[str, str], ...] = ()
    marks: tuple[str, ...] = ()
    clothing: tuple[str, ...] = ()
    circumstances: str = ""
    issued: str = ""
    photo: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        problems = []
        if self.lang not in LANGS:
            problems.append(f"lang must be one of {', '.join(LANGS)}")
        for name in ("folio", "verify_url", "name", "contact"):
            if not str(getattr(self, name)).strip():
                problems.append(f"{name} is empty; every poster needs one")
        if self.verify_url and not self.verify_url.startswith(("https://", "http://")):
            problems.append("verify_url must be an http(s) address")
        unknown = sorted({k for k, _ in self.facts if k not in FACT_KEYS})
        if unknown:
            problems.append(f"unknown fact keys {', '.join(unknown)}; use {', '.join(FACT_KEYS)}")
        if problems:
            raise PosterError("The poster's data is not usable: " + "; ".join(problems) + ".")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the photo as base64) that :meth:`from_json` reads."""
        return {
            "lang": self.lang,
            "folio": self.folio,
            "verify_url": self.verify_url,
            "name": self.name,
            "contact": self.contact,
            "facts": [list(f) for f in self.facts],
            "marks": list(self.marks),
            "clothing": list(self.clothing),
            "circumstances": self.circumstances,
            "issued": self.issued,
            "photo_base64": (
                base64.b64encode(self.photo).decode("ascii") if self.photo is not None else None
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], base: Path | None = None) -> PosterData:
        """Read :meth:`to_json`'s form; ``photo`` may also name a file relative to ``base``."""
        if not isinstance(data, dict):
            raise PosterError("The poster's JSON must be an object; see docs/find.md.")
        allowed = {*cls.__dataclass_fields__, "photo_base64"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise PosterError(
                f"The poster's JSON has unknown keys: {', '.join(unknown)}; "
                "see docs/find.md for the keys it may hold."
            )
        photo: bytes | None = None
        if data.get("photo_base64"):
            try:
                photo = base64.b64decode(data["photo_base64"], validate=True)
            except (binascii.Error, ValueError) as e:
                raise PosterError("photo_base64 is not valid base64.") from e
        elif data.get("photo"):
            path = (base or Path.cwd()) / str(data["photo"])
            try:
                photo = path.read_bytes()
            except OSError as e:
                raise PosterError(
                    f"The photo {path.name} cannot be read ({e.strerror}); give a path "
                    "relative to the JSON file, or leave photo out."
                ) from e
        try:
            facts = tuple((str(k), str(v)) for k, v in data.get("facts", []))
        except (TypeError, ValueError) as e:
            raise PosterError("facts must be a list of [key, value] pairs.") from e
        return cls(
            lang=str(data.get("lang", "es")),
            folio=str(data.get("folio", "")),
            verify_url=str(data.get("verify_url", "")),
            name=str(data.get("name", "")),
            contact=str(data.get("contact", "")),
            facts=facts,
            marks=tuple(str(m) for m in data.get("marks", [])),
            clothing=tuple(str(c) for c in data.get("clothing", [])),
            circumstances=str(data.get("circumstances", "")),
            issued=str(data.get("issued", "")),
            photo=photo,
        )


def load_poster_json(path: str | Path, lang: str | None = None) -> PosterData:
    """Read a poster's data from a JSON file.

    The file holds one :meth:`PosterData.to_json` object, or an object with one per
    language (``{"es": {...}, "en": {...}}``, as the web site exports it); ``lang`` picks
    one (default: Spanish when both are there).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise PosterError(f"{path.name} cannot be read ({e.strerror}).") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PosterError(
            f"{path.name} is not valid UTF-8 JSON; export it again from the case page "
            "(Poster data) or see docs/find.md."
        ) from e
    if isinstance(data, dict) and set(data) <= set(LANGS) and data:
        chosen = lang or ("es" if "es" in data else next(iter(data)))
        if chosen not in data:
            raise PosterError(
                f"{path.name} has no poster in {chosen}; it has {', '.join(sorted(data))}."
            )
        data = data[chosen]
    elif isinstance(data, dict) and lang is not None:
        data = {**data, "lang": lang}
    return PosterData.from_json(data, base=path.parent)
