"""The model's comparison names and level labels, in the reader's language.

The engine names comparisons and their levels in English (:mod:`recuento.link.model`);
these are the same words marked for translation, so the review queue shows them in
Spanish too. A label not listed here is shown as the engine wrote it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N

COMPARISONS = {
    "name": N("Name"),
    "birth": N("Birth"),
    "sex": N("Sex"),
    "event": N("Event date"),
    "place": N("Place"),
    "curp": N("CURP"),
    "email": N("E-mail"),
}

#: The record fields each comparison looks at (shown side by side on its row).
FIELDS = {
    "name": ("full_name", "given_names", "first_surname", "second_surname"),
    "birth": ("birth_date", "age"),
    "sex": ("sex",),
    "event": ("event_date",),
    "place": ("place",),
    "curp": (),
    "email": (),
}

FIELD_LABELS = {
    "full_name": N("full name"),
    "given_names": N("given names"),
    "first_surname": N("first surname"),
    "second_surname": N("second surname"),
    "birth_date": N("date of birth"),
    "age": N("age"),
    "sex": N("sex"),
    "event_date": N("event date"),
    "place": N("place"),
}

LEVELS = {
    label: label
    for label in (
        N("All other comparisons"),
        N("the same names"),
        N("the same names by sound"),
        N("the same two names"),
        N("one name holds all of the other (a surname or given name missing)"),
        N("two or more names in common, given names alike (nickname, spelling)"),
        N("three or more names in common"),
        N("two names in common, surnames alike"),
        N("two names in common"),
        N("given names and first surnames alike, one name in common"),
        N("one name in common, given names alike"),
        N("given names and surnames alike"),
        N("one name in common"),
        N("same date of birth"),
        N("day and month swapped"),
        N("same year and month"),
        N("same year of birth"),
        N("years of birth 1 apart"),
        N("ages and dates agree on the year of birth"),
        N("years of birth within 2 years"),
        N("Exact match on sex"),
        N("missing, or more than two years apart (no information)"),
        N("same day"),
        N("within a month"),
        N("within a year"),
        N("Exact match on place_key"),
        N("one place within the other"),
        N("Jaro-Winkler distance of place_key >= 0.9"),
        N("Exact match on curp"),
        N("Exact match on email"),
    )
}


def comparison_text(name: str) -> str:
    return _(COMPARISONS[name]) if name in COMPARISONS else name


def level_text(label: str) -> str:
    if label == "null":
        return _("missing in one record or both")
    return _(LEVELS[label]) if label in LEVELS else label


def field_text(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
