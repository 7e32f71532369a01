"""Every comparison and level of the person model is shown in Spanish on the review page."""

from __future__ import annotations

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)


def _model_labels() -> list[tuple[str, str]]:
    from recuento.link.model import settings

    model = settings().get_settings("duckdb").as_dict()
    return [
        (c["output_column_name"], level["label_for_charts"])
        for c in model["comparisons"]
        for level in c["comparison_levels"]
        if not level.get("is_null_level")
    ]


def test_every_comparison_and_level_of_the_model_has_a_spanish_text() -> None:
    from django.utils import translation

    from recuento.web.review.labels import comparison_text, level_text

    untranslated = []
    with translation.override("es"):
        for comparison, label in _model_labels():
            if comparison_text(comparison) == comparison:
                untranslated.append(comparison)
            if level_text(label) == label:
                untranslated.append(label)
    assert untranslated == []


def test_a_rare_name_level_reads_as_its_level_with_the_rarity() -> None:
    from django.utils import translation

    from recuento.web.review.labels import level_text

    label = "two names in common, surnames alike, a rare name among them"
    with translation.override("es"):
        assert level_text(label) == (
            "dos nombres en común, apellidos parecidos, con un nombre poco común entre ellos"
        )
