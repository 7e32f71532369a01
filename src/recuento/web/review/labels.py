"""The model's comparison names and level labels, in the reader's language.

The engine names comparisons and their levels in English (:mod:`recuento.link.model`);
these are the same words marked for translation, so the review queue shows them in
Spanish too. A label not listed here is shown as the engine wrote it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

COMPARISONS = {
    "name": gettext_noop("Name"),
    "birth": gettext_noop("Birth"),
    "sex": gettext_noop("Sex"),
    "event": gettext_noop("Event date"),
    "place": gettext_noop("Place"),
    "curp": gettext_noop("CURP"),
    "email": gettext_noop("E-mail"),
    "postcode": gettext_noop("Postcode"),
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
    "postcode": (),
}

FIELD_LABELS = {
    "full_name": gettext_noop("full name"),
    "given_names": gettext_noop("given names"),
    "first_surname": gettext_noop("first surname"),
    "second_surname": gettext_noop("second surname"),
    "birth_date": gettext_noop("date of birth"),
    "age": gettext_noop("age"),
    "sex": gettext_noop("sex"),
    "event_date": gettext_noop("event date"),
    "place": gettext_noop("place"),
}

LEVELS = {
    label: label
    for label in (
        gettext_noop("All other comparisons"),
        gettext_noop("the same names"),
        gettext_noop("the same names by sound"),
        gettext_noop("the same two names"),
        gettext_noop("one name holds all of the other (a surname or given name missing)"),
        gettext_noop("two or more names in common, given names alike (nickname, spelling)"),
        gettext_noop("three or more names in common"),
        gettext_noop("two names in common, surnames alike"),
        gettext_noop("two names in common"),
        gettext_noop("given names and first surnames alike, one name in common"),
        gettext_noop("one name in common, given names alike"),
        gettext_noop("given names and surnames alike"),
        gettext_noop("one name in common"),
        gettext_noop("same date of birth"),
        gettext_noop("day and month swapped"),
        gettext_noop("same year and month"),
        gettext_noop("same year of birth"),
        gettext_noop("years of birth 1 apart"),
        gettext_noop("ages and dates agree on the year of birth"),
        gettext_noop("years of birth within 2 years"),
        gettext_noop("Exact match on sex"),
        gettext_noop("missing"),
        gettext_noop("same day"),
        gettext_noop("within a month"),
        gettext_noop("within a year"),
        gettext_noop("within two years"),
        gettext_noop("Exact match on place_key"),
        gettext_noop("one place within the other"),
        gettext_noop("Jaro-Winkler distance of place_key >= 0.9"),
        gettext_noop("Exact match on curp"),
        gettext_noop("one typo apart"),
        gettext_noop("Exact match on email"),
        gettext_noop("Exact match on postcode"),
        gettext_noop("same district (outward code)"),
    )
}

#: The model's name levels come twice, the second time with this ending when a rare name
#: is among those in common (:func:`recuento.link.model._with_rarity`).
RARE_ENDING = ", a rare name among them"


def comparison_text(name: str) -> str:
    return _(COMPARISONS[name]) if name in COMPARISONS else name


def level_text(label: str) -> str:
    if label == "null":
        return _("missing in one record or both")
    if label.endswith(RARE_ENDING) and label.removesuffix(RARE_ENDING) in LEVELS:
        base = label.removesuffix(RARE_ENDING)
        return _("%(level)s, a rare name among them") % {"level": _(LEVELS[base])}
    return _(LEVELS[label]) if label in LEVELS else label


def field_text(name: str) -> str:
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
