"""Ages: parsing as lists write them, ages at an event, and the consistency flag.

The age_at and age_consistent cases are derived by hand in each test; all records are
synthetic.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.errors import RecuentoError
from recuento.people.ages import (
    MAX_AGE,
    AgeRange,
    ImpossibleAgeError,
    age_at,
    age_consistent,
    parse_age,
)
from recuento.people.dates import PartialDate as D

A = AgeRange

# ----------------------------------------------------------------------------------------
# Parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("23", A(23, 23)),
        (23, A(23, 23)),
        (23.0, A(23, 23)),
        ("23.0", A(23, 23)),
        (23.9, A(23, 23)),  # completed years
        ("23,5", A(23, 23)),
        ("23 años", A(23, 23)),
        ("23 AÑOS", A(23, 23)),
        ("23 ANOS", A(23, 23)),
        ("23 años de edad", A(23, 23)),
        ("23a", A(23, 23)),
        ("23 years", A(23, 23)),
        ("35 years old", A(35, 35)),
        ("aprox. 23", A(23, 23)),  # codespell:ignore aprox
        ("Aproximadamente 23 años", A(23, 23)),
        ("~23", A(23, 23)),
        ("edad: 23", A(23, 23)),
        ("0", A(0, 0)),
        ("120", A(120, 120)),
    ],
)
def test_parse_age_reads_a_single_age(value: object, expected: AgeRange) -> None:
    assert parse_age(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20-25", A(20, 25)),
        ("20 - 25", A(20, 25)),
        ("20 a 25 años", A(20, 25)),
        ("entre 20 y 25", A(20, 25)),
        ("entre 20 y 25 años", A(20, 25)),
        ("de 20 a 25 años", A(20, 25)),
        ("between 20 and 25", A(20, 25)),
        ("20 to 25", A(20, 25)),
        ("25-20", A(20, 25)),  # reversed: read in order
    ],
)
def test_parse_age_reads_ranges_of_estimated_ages(text: str, expected: AgeRange) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25+", A(25, MAX_AGE)),
        ("25 o más", A(25, MAX_AGE)),
        ("más de 25", A(25, MAX_AGE)),
        ("mayor de 60", A(60, MAX_AGE)),
        (">25", A(25, MAX_AGE)),
        ("over 25", A(25, MAX_AGE)),
        ("menor de 18", A(0, 17)),
        ("<18", A(0, 17)),
        ("under 1", A(0, 0)),
    ],
)
def test_parse_age_reads_open_ranges_as_documented(text: str, expected: AgeRange) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 meses", A(0, 0)),
        ("11 meses", A(0, 0)),
        ("18 meses", A(1, 1)),  # 18 / 12 = 1.5 -> 1 completed year
        ("3 semanas", A(0, 0)),
        ("10 días", A(0, 0)),
        ("1 año 6 meses", A(1, 1)),
        ("2 años y 3 meses", A(2, 2)),
    ],
)
def test_parse_age_counts_months_weeks_and_days_as_completed_years(
    text: str, expected: AgeRange
) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30's", A(30, 39)),
        ("30s", A(30, 39)),
        ("treintas", A(30, 39)),
        ("treinta y tantos", A(30, 39)),
        ("treintaitantos", A(30, 39)),
        ("veintitantos", A(20, 29)),
        ("cuarentas", A(40, 49)),
    ],
)
def test_parse_age_reads_decades(text: str, expected: AgeRange) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ley General de los Derechos de Niñas, Niños y Adolescentes, art. 5
        ("niña", A(0, 11)),
        ("NIÑO", A(0, 11)),
        ("adolescente", A(12, 17)),
        ("menor de edad", A(0, 17)),
        ("mayor de edad", A(18, MAX_AGE)),
        ("adulta", A(18, MAX_AGE)),
        # Ley del Instituto Mexicano de la Juventud, art. 2
        ("joven", A(12, 29)),
        # Ley de los Derechos de las Personas Adultas Mayores, art. 3
        ("adulta mayor", A(60, MAX_AGE)),
        ("recién nacida", A(0, 0)),
        ("bebé", A(0, 1)),
    ],
)
def test_parse_age_maps_life_stage_words_to_their_legal_ranges(
    text: str, expected: AgeRange
) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        "",
        "n/d",
        "se desconoce",
        "-3",
        -3,
        "121",
        121,
        121.0,
        float("nan"),
        "abc",
        "veintitrés",
        "ciento tres",
        object(),
    ],
)
def test_parse_age_gives_none_for_missing_invalid_or_out_of_range(value: object) -> None:
    assert parse_age(value) is None


def test_age_range_refuses_negative_or_reversed_bounds() -> None:
    with pytest.raises(ValueError):
        AgeRange(-1, 3)
    with pytest.raises(ValueError):
        AgeRange(5, 3)


# ----------------------------------------------------------------------------------------
# Ages at an event


def test_age_at_day_precision_turns_on_the_birthday() -> None:
    # Born 1998-03-02. On 2020-03-01 the 22nd birthday has not come: 2020 - 1998 - 1 = 21.
    assert age_at(D(1998, 3, 2), D(2020, 3, 1)) == A(21, 21)
    # On 2020-03-02 it has: 2020 - 1998 = 22.
    assert age_at(D(1998, 3, 2), D(2020, 3, 2)) == A(22, 22)


def test_age_at_with_a_birth_year_only_spans_two_ages() -> None:
    # Born some day of 1998, event 2020-06-15.
    # Youngest: born 1998-12-31, birthday not yet reached on 06-15: 2020 - 1998 - 1 = 21.
    # Oldest: born 1998-01-01, birthday passed: 2020 - 1998 = 22.
    assert age_at(D(1998), D(2020, 6, 15)) == A(21, 22)


def test_age_at_with_both_dates_to_the_year_spans_two_ages() -> None:
    # Youngest: born 1998-12-31, event 2020-01-01: 21. Oldest: born 1998-01-01, event
    # 2020-12-31: 22.
    assert age_at(D(1998), D(2020)) == A(21, 22)


def test_age_at_with_months_known_on_both_sides() -> None:
    # Born March 1998, event March 2020: youngest born 03-31 and event 03-01 -> 21;
    # oldest born 03-01 and event 03-31 -> 22.
    assert age_at(D(1998, 3), D(2020, 3)) == A(21, 22)
    # Born March 1998, event May 2020: every birthday of March has passed by May -> 22.
    assert age_at(D(1998, 3), D(2020, 5)) == A(22, 22)


def test_age_at_29_february_birthday_comes_on_1_march_in_common_years() -> None:
    # Born 2000-02-29. On 2021-02-28 (2021 is not leap) the birthday has not come: 20.
    assert age_at(D(2000, 2, 29), D(2021, 2, 28)) == A(20, 20)
    assert age_at(D(2000, 2, 29), D(2021, 3, 1)) == A(21, 21)


def test_age_at_same_year_birth_and_event_can_be_zero() -> None:
    # Born sometime in 2020, event 2020-06-15: youngest would be negative (born after the
    # event) and is clamped at 0; oldest, born 2020-01-01: 0.
    assert age_at(D(2020), D(2020, 6, 15)) == A(0, 0)


def test_age_at_event_before_birth_is_an_error() -> None:
    with pytest.raises(ImpossibleAgeError):
        age_at(D(2000, 5, 1), D(1999, 12, 31))
    assert issubclass(ImpossibleAgeError, RecuentoError)


# ----------------------------------------------------------------------------------------
# Consistency


def test_age_consistent_is_none_when_something_is_missing() -> None:
    assert age_consistent(None, D(1998), D(2020)) is None
    assert age_consistent(A(22, 22), None, D(2020)) is None
    assert age_consistent(A(22, 22), D(1998), None) is None


def test_age_consistent_accepts_the_computed_age() -> None:
    # Born 1998-03-02, event 2020-03-01: 21 (see above).
    assert age_consistent(A(21, 21), D(1998, 3, 2), D(2020, 3, 1)) is True


def test_age_consistent_forgives_one_year_by_default() -> None:
    # True age 21: 22 (counted at the next birthday) and 20 are within one year.
    assert age_consistent(A(22, 22), D(1998, 3, 2), D(2020, 3, 1)) is True
    assert age_consistent(A(20, 20), D(1998, 3, 2), D(2020, 3, 1)) is True
    # 23 is two years off.
    assert age_consistent(A(23, 23), D(1998, 3, 2), D(2020, 3, 1)) is False
    assert age_consistent(A(23, 23), D(1998, 3, 2), D(2020, 3, 1), tolerance_years=2) is True
    assert age_consistent(A(22, 22), D(1998, 3, 2), D(2020, 3, 1), tolerance_years=0) is False


def test_age_consistent_compares_ranges_by_overlap() -> None:
    # Remains estimated 25-35; born 1980, found 2010 -> possible ages 29-30: overlap.
    assert age_consistent(A(25, 35), D(1980), D(2010)) is True
    # Estimated 15-20 -> 29-30 is 9 years away even at the top of the range.
    assert age_consistent(A(15, 20), D(1980), D(2010)) is False


def test_age_consistent_is_false_when_the_event_precedes_the_birth() -> None:
    assert age_consistent(A(0, 0), D(2000, 5, 1), D(1999, 12, 31)) is False


# ----------------------------------------------------------------------------------------
# Properties


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"[0-9 a-zñ.,+<>~-]{0,20}", fullmatch=True))
def test_parse_age_never_raises_and_stays_in_range(text: str) -> None:
    result = parse_age(text)
    assert result is None or 0 <= result.low <= result.high <= MAX_AGE


@settings(max_examples=200, deadline=None)
@given(st.dates(), st.dates())
def test_age_at_contains_the_exact_age_of_every_compatible_pair(
    b: datetime.date, e: datetime.date
) -> None:
    birth, event = min(b, e), max(b, e)
    exact = event.year - birth.year - ((event.month, event.day) < (birth.month, birth.day))
    for coarse_birth in (D(birth.year), D(birth.year, birth.month)):
        for coarse_event in (D(event.year), D(event.year, event.month)):
            possible = age_at(coarse_birth, coarse_event)
            assert possible.low <= exact <= possible.high
            assert possible.high - possible.low <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 años (aprox.)", A(23, 23)),  # codespell:ignore aprox
        ("23 aprox", A(23, 23)),  # codespell:ignore aprox
        ("23, aproximadamente", A(23, 23)),
        ("30 y tantos", A(30, 39)),
        ("23 años.", A(23, 23)),
    ],
)
def test_parse_age_reads_approximations_written_after_the_age(
    text: str, expected: AgeRange
) -> None:
    assert parse_age(text) == expected


def test_text_too_long_to_be_an_age_is_refused() -> None:
    assert parse_age("23 " + "a" * 100) is None


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.decimals()))
def test_parse_age_never_raises_on_arbitrary_scalars(value: object) -> None:
    result = parse_age(value)
    assert result is None or 0 <= result.low <= result.high <= MAX_AGE


def test_decimal_values_from_parquet_are_read_like_floats() -> None:
    from decimal import Decimal

    assert parse_age(Decimal("23.5")) == A(23, 23)
