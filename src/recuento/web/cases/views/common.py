"""Helpers shared by the cases app's views: what a viewer sees of a record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from recuento.web.cases import models as m
from recuento.web.cases.tiers import (
    CASE_FIELDS,
    COLLECTIVE,
    LEVEL_ALL,
    LEVEL_COLLECTIVE,
    RANK,
    REMAINS_FIELDS,
    SECTIONS,
    TIER_CHOICES,
    FieldSpec,
    case_field_visible,
    publicly_visible,
    remains_field_visible,
    tier_of,
)

TIER_LABELS = dict(TIER_CHOICES)


def lang() -> str:
    return "es" if (get_language() or "").startswith("es") else "en"


def _value(obj: Any, spec: FieldSpec) -> str:
    values = []
    for column in spec.cols:
        value = getattr(obj, column)
        display = getattr(obj, f"get_{column}_display", None)
        if display is not None and value:
            value = display()
        if value is not None and value != "":
            values.append(f"{value:g}" if isinstance(value, float) else str(value))
    if len(values) == 2 and values[0] == values[1]:
        return values[0]
    separator = " – " if spec.name in _RANGES else ", "
    return separator.join(values)


_RANGES = {"age", "height", "weight", "pmi"}


def mark_text(mark: m.Mark, language: str) -> str:
    """A mark in one language: ``Tatuaje · antebrazo (izquierdo): rosa``."""
    from recuento.match import vocab

    sides = {
        "left": ("izquierdo", "left"),
        "right": ("derecho", "right"),
        "both": ("ambos lados", "both sides"),
        "centre": ("al centro", "centre"),
    }
    i = 0 if language == "es" else 1
    text = vocab.mark_types()[mark.kind].label(language).capitalize()
    text += f" · {vocab.body_parts()[mark.body_part].label(language)}"
    if mark.side:
        text += f" ({sides[mark.side][i]})"
    return text + (f": {mark.description}" if mark.description else "")


def sections(obj: Any, specs: tuple[FieldSpec, ...], visible: Any) -> list[dict[str, Any]]:
    """The visible, filled fields of a record, grouped by section, with their tier."""
    out: dict[str, list[dict[str, Any]]] = {}
    for spec in specs:
        if not visible(spec):
            continue
        value = _value(obj, spec)
        if not value:
            continue
        tier = tier_of(obj, spec)
        out.setdefault(spec.section, []).append(
            {
                "name": spec.name,
                "label": spec.label,
                "value": value,
                "tier": tier,
                "tier_label": TIER_LABELS[tier],
            }
        )
    return [{"label": SECTIONS[k], "fields": v} for k, v in out.items()]


def case_sections(case: m.Case, level: int) -> list[dict[str, Any]]:
    return sections(case, CASE_FIELDS, lambda s: case_field_visible(case, s, level))


def remains_sections(remains: m.Remains, level: int) -> list[dict[str, Any]]:
    return sections(remains, REMAINS_FIELDS, lambda s: remains_field_visible(remains, s, level))


def item_visible(case: m.Case, tier: str, level: int) -> bool:
    """Whether a mark, garment or photo of the case (with its own tier) is shown."""
    if level >= LEVEL_ALL:
        return True
    if level >= LEVEL_COLLECTIVE and case.consent_collective:
        return RANK[tier] <= RANK[COLLECTIVE]
    return tier == "public" and bool(case.consent_public) and not case.safety_flag


def case_title(case: m.Case, level: int) -> str:
    """The name as this viewer may see it, or the case's label."""
    names = [
        getattr(case, n)
        for n in ("given_names", "surname_1", "surname_2")
        if getattr(case, n) and case_field_visible(case, _spec(n), level)
    ]
    return " ".join(names) or case.label


def _spec(name: str) -> FieldSpec:
    from recuento.web.cases.tiers import CASE_SPECS

    return CASE_SPECS[name]


def remains_label(remains: m.Remains, level: int) -> str:
    from recuento.web.cases.tiers import REMAINS_SPECS

    if remains_field_visible(remains, REMAINS_SPECS["reference"], level):
        return remains.reference
    return f"R-{remains.pk:05d}"


__all__ = [
    "case_sections",
    "case_title",
    "item_visible",
    "lang",
    "publicly_visible",
    "remains_label",
    "remains_sections",
    "sections",
]
