"""What recuento says about rows: reject reasons and field warnings, in Spanish and English.

Each reason and warning has a stable code (used in JSON output, in ``*.rejects.csv`` and in
tests) and a sentence in each language. None of the sentences contains a record value:
they say what kind of problem a row has, and the row's line says where.
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["es", "en"]

REJECT_REASONS: dict[str, dict[Lang, str]] = {
    "no_id": {
        "en": "the record has no id: its id column is empty. Give it an id, or map no id "
        "column so that recuento numbers the rows itself",
        "es": "el registro no tiene identificador: su columna de id está vacía. Asígnele uno, "
        "o no asigne columna de id para que recuento numere las filas",
    },
    "no_name": {
        "en": "the record has no name of any kind, so it cannot be a person record",
        "es": "el registro no tiene ningún nombre, así que no puede ser el registro de una persona",
    },
    "duplicate_row": {
        "en": "the row repeats an earlier row exactly (same id, same values)",
        "es": "la fila repite exactamente una fila anterior (mismo id, mismos valores)",
    },
    "too_many_fields": {
        "en": "the row has more fields than the header: usually a delimiter inside a value "
        "that is not quoted. Quote that value or remove the extra delimiter",
        "es": "la fila tiene más campos que el encabezado: casi siempre un separador dentro de "
        "un valor sin comillas. Ponga ese valor entre comillas o quite el separador",
    },
}

WARNINGS: dict[str, dict[Lang, str]] = {
    "short_row": {
        "en": "the row has fewer fields than the header; the missing fields were read as empty",
        "es": "la fila tiene menos campos que el encabezado; los que faltan se leyeron vacíos",
    },
    "unparseable_birth_date": {
        "en": "the date of birth could not be read as a date; it was left empty",
        "es": "la fecha de nacimiento no se pudo leer como fecha; se dejó vacía",
    },
    "unparseable_event_date": {
        "en": "the date of the event could not be read as a date; it was left empty",
        "es": "la fecha del hecho no se pudo leer como fecha; se dejó vacía",
    },
    "implausible_birth_date": {
        "en": "the date of birth is before 1900 or in the future; it was kept, check it",
        "es": "la fecha de nacimiento es anterior a 1900 o futura; se conservó, revísela",
    },
    "implausible_event_date": {
        "en": "the date of the event is before 1900 or in the future; it was kept, check it",
        "es": "la fecha del hecho es anterior a 1900 o futura; se conservó, revísela",
    },
    "birth_after_event": {
        "en": "the date of birth is after the date of the event",
        "es": "la fecha de nacimiento es posterior a la fecha del hecho",
    },
    "unparseable_age": {
        "en": "the age could not be read as an age or an age range; it was left empty",
        "es": "la edad no se pudo leer como edad o rango de edad; se dejó vacía",
    },
    "age_inconsistent": {
        "en": "the age does not agree with the dates of birth and of the event",
        "es": "la edad no concuerda con las fechas de nacimiento y del hecho",
    },
    "unrecognised_sex": {
        "en": "the sex could not be read (expected F, M or X, mujer, hombre...); it was left empty",
        "es": "el sexo no se pudo leer (se esperaba F, M o X, mujer, hombre...); se dejó vacío",
    },
    "duplicate_id": {
        "en": "another record of this list has the same id; this one was kept with a suffix "
        "(~2, ~3...) added to its id",
        "es": "otro registro de esta lista tiene el mismo id; este se conservó con un sufijo "
        "(~2, ~3...) añadido a su id",
    },
    "malformed_curp": {
        "en": "the CURP does not have the form of a CURP (18 letters and digits); it was kept",
        "es": "la CURP no tiene la forma de una CURP (18 letras y dígitos); se conservó",
    },
    "malformed_email": {
        "en": "the e-mail address does not look like one; it was kept",
        "es": "el correo electrónico no parece válido; se conservó",
    },
}


def default_lang() -> Lang:
    """Spanish when the environment's locale is Spanish, English otherwise."""
    for variable in ("RECUENTO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def reject_message(code: str, lang: Lang = "en") -> str:
    """The sentence for a reject reason code."""
    return REJECT_REASONS[code][lang]


def warning_message(code: str, lang: Lang = "en") -> str:
    """The sentence for a field warning code."""
    return WARNINGS[code][lang]
