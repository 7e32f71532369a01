"""Dates as Mexican lists write them: table tests, edge cases and properties.

Every record here is synthetic; the dates are chosen to exercise a format, not taken from
any list.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.people.dates import (
    DEFAULT_CENTURY_PIVOT,
    PartialDate,
    date_issue,
    dates_compatible,
    parse_date,
    plausible,
)

D = PartialDate

# ----------------------------------------------------------------------------------------
# PartialDate


def test_partial_date_precision_and_iso_follow_the_known_parts() -> None:
    assert (D(1998).precision, D(1998).iso) == ("year", "1998")
    assert (D(1998, 3).precision, D(1998, 3).iso) == ("month", "1998-03")
    assert (D(1998, 3, 2).precision, D(1998, 3, 2).iso) == ("day", "1998-03-02")


def test_partial_date_interval_covers_every_day_it_may_stand_for() -> None:
    assert (D(1998).earliest(), D(1998).latest()) == (
        datetime.date(1998, 1, 1),
        datetime.date(1998, 12, 31),
    )
    # February of a leap year (2000 is divisible by 400) has 29 days, of 1900 only 28.
    assert D(2000, 2).latest() == datetime.date(2000, 2, 29)
    assert D(1900, 2).latest() == datetime.date(1900, 2, 28)
    assert D(1998, 3, 2).earliest() == D(1998, 3, 2).latest() == datetime.date(1998, 3, 2)


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [
        (1998, 13, None),
        (1998, 0, None),
        (1998, None, 3),
        (1998, 2, 29),
        (1998, 4, 31),
        (0, None, None),
    ],
)
def test_partial_date_rejects_dates_that_cannot_exist(
    year: int, month: int | None, day: int | None
) -> None:
    with pytest.raises(ValueError):
        D(year, month, day)


def test_partial_dates_of_mixed_precision_sort_unknown_parts_first() -> None:
    dates = [D(1998, 3, 2), D(1998), D(1997, 12, 31), D(1998, 3)]
    assert sorted(dates) == [D(1997, 12, 31), D(1998), D(1998, 3), D(1998, 3, 2)]


def test_partial_dates_are_hashable_values() -> None:
    assert {D(1998, 3), D(1998, 3)} == {D(1998, 3)}


# ----------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO, with and without a time, and partial
        ("1998-03-02", D(1998, 3, 2)),
        ("1998-03-02T00:00:00", D(1998, 3, 2)),
        ("1998-03-02 00:00:00", D(1998, 3, 2)),
        ("1998-03-02T14:30:00.000000000", D(1998, 3, 2)),
        ("1998-03-02T00:00:00Z", D(1998, 3, 2)),
        ("1998/03/02", D(1998, 3, 2)),
        ("1998", D(1998)),
        ("1998-03", D(1998, 3)),
        ("  1998  ", D(1998)),
        # month and year
        ("03/1998", D(1998, 3)),
        ("3-1998", D(1998, 3)),
        # day first, the Mexican default
        ("02/03/1998", D(1998, 3, 2)),
        ("2/3/1998", D(1998, 3, 2)),
        ("02-03-1998", D(1998, 3, 2)),
        ("02.03.1998", D(1998, 3, 2)),
        ("2/3/98", D(1998, 3, 2)),
        ("31/12/2009", D(2009, 12, 31)),
        ("29/02/2000", D(2000, 2, 29)),
        # spreadsheet exports with a time
        ("02/03/1998 00:00:00", D(1998, 3, 2)),
        ("2/3/1998 12:00:00 a. m.", D(1998, 3, 2)),
        ("2/3/1998 3:15 p.m.", D(1998, 3, 2)),
        # eight digits
        ("19980302", D(1998, 3, 2)),
        ("02031998", D(1998, 3, 2)),
        # Spanish month names, with and without accents and in capitals
        ("3 de marzo de 1998", D(1998, 3, 3)),
        ("3 DE MARZO DE 1998", D(1998, 3, 3)),
        ("3 marzo 1998", D(1998, 3, 3)),
        ("marzo de 1998", D(1998, 3)),
        ("Marzo 1998", D(1998, 3)),
        ("mar-98", D(1998, 3)),
        ("MAR 1998", D(1998, 3)),
        ("03-MAR-1998", D(1998, 3, 3)),
        ("03-mar-98", D(1998, 3, 3)),
        ("1o de mayo de 2001", D(2001, 5, 1)),
        ("1º de mayo de 2001", D(2001, 5, 1)),
        ("1ro. de mayo de 2001", D(2001, 5, 1)),
        ("primero de mayo de 2001", D(2001, 5, 1)),
        ("15 sept 2004", D(2004, 9, 15)),
        ("15 de setiembre de 2004", D(2004, 9, 15)),
        ("15 de SEPTIEMBRE de 2004", D(2004, 9, 15)),
        ("20 de dic. de 2010", D(2010, 12, 20)),
        ("martes 3 de marzo del 1998", D(1998, 3, 3)),
        ("Miércoles, 4 de marzo de 1998", D(1998, 3, 4)),
        ("marzo 3 de 1998", D(1998, 3, 3)),
        ("ENE 2005", D(2005, 1)),
        ("agosto, 2003", D(2003, 8)),
        ("1998 mar 03", D(1998, 3, 3)),
        # English month names
        ("March 3, 1998", D(1998, 3, 3)),
        ("3 Mar 1998", D(1998, 3, 3)),
        ("Dec 2004", D(2004, 12)),
        ("3rd March 1998", D(1998, 3, 3)),
    ],
)
def test_parse_date_reads_the_formats_of_mexican_lists(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00/03/1998", D(1998, 3)),
        ("0/3/1998", D(1998, 3)),
        ("xx/03/1998", D(1998, 3)),
        ("??/03/1998", D(1998, 3)),
        ("00/00/1998", D(1998)),
        ("1998-00-00", D(1998)),
        ("1998-03-00", D(1998, 3)),
        ("00/1998", D(1998)),
        ("?? de marzo de 1998", D(1998, 3)),
        # a day without its month means nothing: only the year is kept
        ("15/00/1998", D(1998)),
    ],
)
def test_parse_date_keeps_known_parts_when_day_or_month_is_marked_unknown(
    text: str, expected: PartialDate
) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/1998",  # February has no 31st
        "29/02/1999",  # 1999 is not a leap year
        "13/13/1998",  # no reading has a month 13
        "1998-13-01",
        "1998-02-30",
        "32/01/1998",
        "3 de marzo",  # no year
        "3/98",  # day and month? month and year? not said
        "32 de marzo de 1998",
        "3 de marzo y abril de 1998",
        "dos años antes",
        "0000",
        "1998-1999",
    ],
)
def test_parse_date_gives_none_for_impossible_or_incomplete_dates(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["", "   ", "n/d", "N/D", "S/D", "se desconoce", "-", "NULL"])
def test_parse_date_gives_none_for_unknown_markers(text: str) -> None:
    assert parse_date(text) is None


# ----------------------------------------------------------------------------------------
# Day and month order


def test_day_first_reads_02_03_as_2_march_and_month_first_as_3_february() -> None:
    assert parse_date("02/03/1998") == D(1998, 3, 2)
    assert parse_date("02/03/1998", day_first=False) == D(1998, 2, 3)


def test_a_first_number_above_12_is_a_day_whatever_the_preferred_order() -> None:
    assert parse_date("25/12/1998", day_first=True) == D(1998, 12, 25)
    assert parse_date("25/12/1998", day_first=False) == D(1998, 12, 25)


def test_a_second_number_above_12_is_a_day_even_when_day_first() -> None:
    # 12/25/1998 cannot be the 12th of a 25th month; only 25 December is possible.
    assert parse_date("12/25/1998") == D(1998, 12, 25)


def test_day_first_does_not_change_year_first_dates() -> None:
    assert parse_date("1998-03-02", day_first=False) == D(1998, 3, 2)


# ----------------------------------------------------------------------------------------
# Two-digit years


def test_two_digit_years_use_the_documented_pivot() -> None:
    pivot = DEFAULT_CENTURY_PIVOT
    above, at = f"{pivot + 1:02d}", f"{pivot:02d}"
    assert parse_date(f"2/3/{above}") == D(1900 + pivot + 1, 3, 2)
    assert parse_date(f"2/3/{at}") == D(2000 + pivot, 3, 2)


@pytest.mark.parametrize(
    ("text", "year"),
    [("1/1/00", 2000), ("1/1/09", 2009), ("1/1/26", 2026), ("1/1/93", 1993), ("1/1/99", 1999)],
)
def test_two_digit_years_of_the_juarez_period_read_in_the_right_century(
    text: str, year: int
) -> None:
    result = parse_date(text)
    assert result is not None
    assert result.year == year


def test_century_pivot_parameter_moves_the_boundary() -> None:
    assert parse_date("2/3/25", century_pivot=20) == D(1925, 3, 2)
    assert parse_date("2/3/25", century_pivot=25) == D(2025, 3, 2)
    assert parse_date("mar-25", century_pivot=20) == D(1925, 3)


# ----------------------------------------------------------------------------------------
# Values from spreadsheets and Parquet


def test_date_and_datetime_objects_give_day_precision() -> None:
    assert parse_date(datetime.date(1998, 3, 2)) == D(1998, 3, 2)
    assert parse_date(datetime.datetime(1998, 3, 2, 23, 59)) == D(1998, 3, 2)


def test_excel_serial_day_numbers_are_read_in_the_1900_system() -> None:
    # Excel (1900 system) counts days from 1899-12-30 for dates after 1900-02-28:
    # 1998-03-02 - 1899-12-30 = 35856 days (datetime arithmetic, checked below).
    serial = (datetime.date(1998, 3, 2) - datetime.date(1899, 12, 30)).days
    assert serial == 35856
    assert parse_date(35856) == D(1998, 3, 2)
    assert parse_date(35856.0) == D(1998, 3, 2)
    assert parse_date(35856.75) == D(1998, 3, 2)  # 18:00 on that day
    assert parse_date("35856") == D(1998, 3, 2)


def test_whole_numbers_from_1000_to_9999_are_years() -> None:
    assert parse_date(1998) == D(1998)
    assert parse_date(1998.0) == D(1998)
    assert parse_date("1998.0") == D(1998)


def test_eight_digit_numbers_are_year_month_day() -> None:
    assert parse_date(19980302) == D(1998, 3, 2)


@pytest.mark.parametrize(
    "value",
    [None, True, False, float("nan"), float("inf"), -5, 12, 1998.5, 123456, object(), b"1998"],
)
def test_other_values_give_none(value: object) -> None:
    assert parse_date(value) is None


def test_numpy_values_are_read_like_python_ones() -> None:
    np = pytest.importorskip("numpy")
    assert parse_date(np.int64(1998)) == D(1998)
    assert parse_date(np.float64(35856.0)) == D(1998, 3, 2)
    assert parse_date(np.datetime64("1998-03-02")) == D(1998, 3, 2)
    assert parse_date(np.datetime64("1998-03-02T10:00:00.000000000")) == D(1998, 3, 2)
    assert parse_date(np.datetime64("NaT")) is None


# ----------------------------------------------------------------------------------------
# Plausibility and compatibility


def test_plausible_flags_dates_in_the_future_or_before_1900() -> None:
    today = datetime.date(2026, 11, 25)
    assert plausible(D(1998, 3, 2), today=today)
    assert plausible(D(2026), today=today)  # some day of 2026 is not in the future
    assert not plausible(D(2026, 12), today=today)
    assert not plausible(D(2030, 3, 2), today=today)
    assert not plausible(D(1899, 12, 31), today=today)
    assert plausible(D(1900), today=today)


def test_parse_date_returns_implausible_dates_for_the_caller_to_flag() -> None:
    assert parse_date("2/3/1850") == D(1850, 3, 2)


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        (D(1998), D(1998, 3, 2), True),
        (D(1998, 3), D(1998, 3, 2), True),
        (D(1998, 3, 2), D(1998, 3, 2), True),
        (D(1998, 3), D(1998, 4, 1), False),
        (D(1998, 3, 2), D(1998, 3, 3), False),
        (D(1998), D(1999), False),
    ],
)
def test_dates_are_compatible_when_equal_at_the_coarser_precision(
    a: PartialDate, b: PartialDate, compatible: bool
) -> None:
    assert dates_compatible(a, b) is compatible
    assert dates_compatible(b, a) is compatible


# ----------------------------------------------------------------------------------------
# Properties

_DATE_ALPHABET = st.sampled_from(list("0123456789/-.: tTdeamrzoyjunlibx?ñáéº,"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet=_DATE_ALPHABET, max_size=30), st.booleans())
def test_parse_date_never_raises_on_arbitrary_text(text: str, day_first: bool) -> None:
    result = parse_date(text, day_first=day_first)
    assert result is None or isinstance(result, PartialDate)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.binary(), st.decimals()))
def test_parse_date_never_raises_on_arbitrary_scalars(value: object) -> None:
    result = parse_date(value)
    assert result is None or isinstance(result, PartialDate)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates())
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "year":
        return D(day.year)
    if precision == "month":
        return D(day.year, day.month)
    return D(day.year, day.month, day.day)


@settings(max_examples=200, deadline=None)
@given(partial_dates(), st.booleans())
def test_parse_date_of_iso_gives_back_the_same_partial_date(
    d: PartialDate, day_first: bool
) -> None:
    assert parse_date(d.iso, day_first=day_first) == d


@settings(max_examples=200, deadline=None)
@given(partial_dates())
def test_a_partial_date_is_compatible_with_every_day_in_its_interval(d: PartialDate) -> None:
    assert dates_compatible(d, PartialDate.from_date(d.earliest()))
    assert dates_compatible(d, PartialDate.from_date(d.latest()))
    assert d.earliest() <= d.latest()


# ----------------------------------------------------------------------------------------
# Issues for the caller's warnings


def test_trailing_punctuation_does_not_stop_a_date() -> None:
    assert parse_date("02/03/1998.") == D(1998, 3, 2)
    assert parse_date("3 de marzo de 1998.") == D(1998, 3, 3)


def test_text_too_long_to_be_a_date_is_refused() -> None:
    assert parse_date("3 de marzo de 1998 " + "x" * 100) is None


@pytest.mark.parametrize(
    ("value", "issue"),
    [
        ("02/03/1998", None),
        ("n/d", None),
        ("", None),
        (None, None),
        (float("nan"), None),
        ("31/02/1998", "unreadable"),
        ("la semana pasada", "unreadable"),
        ("2/3/2099", "implausible"),
        ("2/3/1850", "implausible"),
    ],
)
def test_date_issue_tells_missing_from_unreadable_and_implausible(
    value: object, issue: str | None
) -> None:
    today = datetime.date(2026, 11, 25)
    assert date_issue(value, parse_date(value), today=today) == issue


def test_seven_digits_are_a_date_whose_leading_zero_a_spreadsheet_dropped() -> None:
    # 02031998 typed into a numeric cell becomes 2031998.
    assert parse_date(2031998) == D(1998, 3, 2)
    assert parse_date("2031998") == D(1998, 3, 2)
    assert parse_date(2031998, day_first=False) == D(1998, 2, 3)


def test_eight_digits_never_read_a_year_below_1000() -> None:
    # 01020304 is neither yyyymmdd with a plausible year nor ddmmyyyy with a 4-digit year.
    assert parse_date("01020304") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02 / 03 / 1998", D(1998, 3, 2)),
        ("1998 - 03 - 02", D(1998, 3, 2)),
        ("a finales de marzo de 1998", D(1998, 3)),
        ("principios de 1998", D(1998)),
        ("mediados de 2004", D(2004)),
        ("en marzo de 1998", D(1998, 3)),
        ("mid-March 1998", D(1998, 3)),
        ("sábado 3 de marzo de 1998 a las 10:00 hrs", D(1998, 3, 3)),
    ],
)
def test_spaces_and_qualifiers_that_keep_the_interval_are_read(
    text: str, expected: PartialDate
) -> None:
    assert parse_date(text) == expected


def test_an_approximate_year_is_not_read_as_that_year() -> None:
    # "aproximadamente 1998" may be 1997 or 1999: returning 1998 would claim too much.
    assert parse_date("aproximadamente 1998") is None


def test_decimal_values_from_parquet_are_read_like_floats() -> None:
    from decimal import Decimal

    assert parse_date(Decimal("1998")) == D(1998)
    assert parse_date(Decimal("35856.5")) == D(1998, 3, 2)
