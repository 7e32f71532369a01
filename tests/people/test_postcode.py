"""Standardising postcodes: capitals, no spaces or punctuation, unknown markers null."""

from __future__ import annotations

import pytest

from recuento.people.record import PERSON_SCHEMA, standardise_record


@pytest.mark.parametrize(
    ("raw", "standard"),
    [
        ("sw1a 1aa", "SW1A1AA"),
        (" M13-9PL ", "M139PL"),
        ("2607", "2607"),
        (2607, "2607"),
        (2607.0, "2607"),  # a number read from Excel
        ("C.P. 32000", "32000"),  # the Mexican "código postal" prefix
        ("CP32000", "32000"),
        ("cp 32000", "32000"),
        ("90210-1234", "902101234"),
        ("", None),
        ("   ", None),
        ("N/D", None),
        ("sin dato", None),
        ("-", None),
        (None, None),
    ],
)
def test_postcodes_are_capitals_without_spaces_or_punctuation(
    raw: object, standard: str | None
) -> None:
    values, warnings = standardise_record({"full_name": "Ana López", "postcode": raw})
    assert values["postcode"] == standard
    assert warnings == []


def test_a_record_without_a_postcode_column_has_a_null_postcode() -> None:
    values, _ = standardise_record({"full_name": "Ana López"})
    assert values["postcode"] is None
    assert "postcode" in PERSON_SCHEMA.names
