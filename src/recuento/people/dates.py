"""Dates as lists of people write them, kept at the precision they were given.

A birth date may be known to the day (``02/03/1998``), to the month (``marzo de 1998``)
or only to the year (``1998``); a body's date of finding may be ``00/03/2004`` because the
day was not recorded. :class:`PartialDate` keeps exactly what is known, and
:func:`parse_date` reads the formats found in Mexican fichas, prosecutor lists, press
tables and spreadsheets. Nothing is invented: an unknown day stays unknown.

Formats read by :func:`parse_date` (text is matched after folding accents and case):

* ISO: ``1998-03-02``, ``1998-03-02T00:00:00`` (any time part is dropped), ``1998/03/02``,
  and partial ``1998``, ``1998-03``.
* Month and year: ``03/1998``, ``3-1998``, ``03.1998``.
* Numbers day first: ``02/03/1998``, ``2-3-1998``, ``02.03.1998``, ``2/3/98``; with
  ``day_first=False`` the same read month first. When the preferred reading is impossible
  and the other one is a valid date (``25/12/1998`` month first, ``12/25/1998`` day
  first) the other one is used: only one date can be meant.
* A time after the date is dropped: ``02/03/1998 00:00:00``, ``2/3/1998 12:00:00 a. m.``.
* Eight digits: ``19980302`` (year first) or, when that is not a date, ``02031998``;
  seven digits are eight whose leading zero a spreadsheet dropped (``2031998``).
* Month names and abbreviations in Spanish and English, in any case, with or without
  accents, with ``de``/``del``, commas, dots and weekday names ignored:
  ``3 de marzo de 1998``, ``martes 3 de marzo del 1998``, ``03-MAR-1998``, ``mar-98``,
  ``MAR 1998``, ``marzo de 1998``, ``1o de mayo de 2001``, ``1º de mayo``,
  ``primero de mayo de 2001``, ``sept``, ``setiembre``, ``March 3, 1998``, ``3 Mar 1998``.
* Qualifiers that keep the date inside its interval are ignored: ``a finales de marzo de
  1998`` is March 1998, ``principios de 1998`` is 1998 (also ``inicios``, ``mediados``,
  ``fines``, ``early``, ``mid``, ``late``, ``en``, ``el año``). ``aproximadamente 1998`` is
  *not* read: an approximate year may be another year.
* Unknown parts written as ``0``, ``00``, ``xx`` or ``??``: ``00/03/1998`` is March 1998,
  ``00/00/1998`` is 1998. A day without a month (``15/00/1998``) keeps only the year,
  since a day means nothing without its month.
* Two-digit years: ``yy > century_pivot`` is ``19yy``, otherwise ``20yy`` (see
  :data:`DEFAULT_CENTURY_PIVOT`).
* Numbers (from spreadsheets and Parquet): see :func:`parse_date`.

An impossible date (``31/02/1998``, month 13) gives ``None`` and the caller warns. A date
in the future or before 1900 is returned as written; :func:`plausible` tells the caller
whether to warn.
"""

from __future__ import annotations

import calendar
import datetime
import decimal
import functools
import math
import numbers
import re
from dataclasses import dataclass
from typing import Literal

from recuento.people.missing import fold_text, is_missing

__all__ = [
    "DEFAULT_CENTURY_PIVOT",
    "EXCEL_SERIAL_RANGE",
    "MAX_DATE_TEXT",
    "DateIssue",
    "PartialDate",
    "date_issue",
    "dates_compatible",
    "parse_date",
    "plausible",
]

#: Two-digit years above this are 19yy, the others 20yy: ``31`` is 1931, ``30`` is 2030.
#: The records recuento reads are about people alive from about 1920 and events from
#: 1993 to today (2026). A two-digit year up to 30 is far more likely an event or birth
#: in this century than a birth before 1931 (someone over 62 at the start of the
#: Juárez record), and the small margin past 2026 keeps files written in the next few
#: years readable. A date read into the future is still flagged by :func:`plausible`.
#: The pivot is a constant, not "this year", so the same file reads the same every year.
DEFAULT_CENTURY_PIVOT = 30

#: Whole numbers in this range are read as Excel serial day numbers (1900 date system):
#: 10000 is 1927-05-18 and 99999 is 2173-10-14. Smaller whole numbers from 1000 are years;
#: serials below 10000 (before 1927) are not plausible for these records and would
#: collide with years.
EXCEL_SERIAL_RANGE = (10_000, 99_999)

#: Text longer than this is not a date (the longest forms, with a weekday and a time, are
#: about 50 characters); it is refused before any work or caching.
MAX_DATE_TEXT = 80

#: What is wrong with a cell's date, for the caller's warning.
DateIssue = Literal["unreadable", "implausible"]

_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 0 in Excel's 1900 system, past 1900-03-01


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to the day, the month or only the year.

    Partial dates order by their earliest day: ``1998 < 1998-01 < 1998-01-01``
    sorts the unknown parts first, so that sorting never fails on a mix of precisions.

    Args:
        year: 1 to 9999.
        month: 1 to 12, or None when unknown.
        day: a day that exists in that month, or None when unknown; needs a month.

    Raises:
        ValueError: for a date that cannot exist.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError("year must be between 1 and 9999")
        if self.month is None:
            if self.day is not None:
                raise ValueError("a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise ValueError("month must be between 1 and 12")
        if self.day is not None and not 1 <= self.day <= _days_in_month(self.year, self.month):
            raise ValueError("day does not exist in that month")

    @property
    def precision(self) -> Literal["day", "month", "year"]:
        """How much of the date is known."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def iso(self) -> str:
        """ISO 8601 text at the date's precision: ``1998-03-02``, ``1998-03`` or ``1998``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> datetime.date:
        """The first day the partial date may stand for."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day the partial date may stand for."""
        month = self.month or 12
        return datetime.date(self.year, month, self.day or _days_in_month(self.year, month))

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    # Written by hand rather than with dataclass(order=True): the generated methods compare
    # None with int and raise TypeError on a mix of precisions.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() >= other._key()

    def __str__(self) -> str:
        return self.iso

    @classmethod
    def from_date(cls, value: datetime.date) -> PartialDate:
        """The partial date of a full date (a datetime keeps only its date)."""
        return cls(value.year, value.month, value.day)


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    # A table rather than calendar.monthrange, which also computes a weekday: this runs
    # for every date of every list.
    if month == 2 and calendar.isleap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def plausible(
    d: PartialDate, *, today: datetime.date | None = None, earliest_year: int = 1900
) -> bool:
    """Whether a date can belong to a record about a living or recently living person.

    Args:
        d: the date.
        today: the reference day (default: the current date).
        earliest_year: dates whose latest possible day is before this year are implausible.

    Returns:
        False when the date is before ``earliest_year`` or could only be in the future.
    """
    reference = today if today is not None else datetime.date.today()
    return d.year >= earliest_year and d.earliest() <= reference


def dates_compatible(a: PartialDate, b: PartialDate) -> bool:
    """Whether two dates agree at the coarser of their precisions.

    ``1998`` is compatible with ``1998-03-02``; ``1998-03`` is not compatible with
    ``1998-04-01``.
    """
    if a.year != b.year:
        return False
    if a.month is None or b.month is None:
        return True
    if a.month != b.month:
        return False
    return a.day is None or b.day is None or a.day == b.day


def date_issue(
    value: object, parsed: PartialDate | None, *, today: datetime.date | None = None
) -> DateIssue | None:
    """What, if anything, deserves a warning about a cell and the date read from it.

    Args:
        value: the cell as read.
        parsed: what :func:`parse_date` made of it.
        today: the reference day for dates in the future (default: the current date).

    Returns:
        ``"unreadable"`` when the cell holds something that is not a valid date (and is
        not a marker of a missing value); ``"implausible"`` when the date is before 1900
        or in the future; None when there is nothing to say.
    """
    if parsed is None:
        return None if is_missing(value) else "unreadable"
    return None if plausible(parsed, today=today) else "implausible"


# ----------------------------------------------------------------------------------------
# Parsing


def parse_date(
    value: object, *, day_first: bool = True, century_pivot: int = DEFAULT_CENTURY_PIVOT
) -> PartialDate | None:
    """Read a date from a cell of a list.

    Args:
        value: the cell. Text is read in the formats listed in the module docstring.
            ``datetime.date`` and ``datetime.datetime`` (from Excel or Parquet) give a
            day-precision date. Whole numbers (``int``, or a ``float`` such as ``1998.0``)
            from 1000 to 9999 are years; in :data:`EXCEL_SERIAL_RANGE` they are Excel
            serial day numbers (a fractional part, the time of day, is dropped); with
            eight digits they are ``yyyymmdd`` (or ``ddmmyyyy`` when that is not a date),
            and with seven, ``dmmyyyy`` whose leading zero was lost. Any other number,
            ``None``, NaN, booleans and unknown markers give ``None``.
        day_first: read ``02/03/1998`` as 2 March (the default, Mexican practice) or,
            when False, as 3 February.
        century_pivot: two-digit years above it are 19yy, the others 20yy.

    Returns:
        The date at the precision given, or None when there is no date or it is not valid.
        Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > MAX_DATE_TEXT:
            return None
        return _parse_text(value, day_first, century_pivot)
    if isinstance(value, datetime.date):  # datetime.datetime and pandas.Timestamp too
        try:
            return PartialDate.from_date(value)
        except (ValueError, TypeError):
            return None
    if isinstance(value, numbers.Real | decimal.Decimal):
        return _parse_number(value, day_first)
    if type(value).__name__ == "datetime64":  # numpy, without importing it
        return _parse_text(str(value), day_first, century_pivot)
    return None


def _parse_number(value: numbers.Real | decimal.Decimal, day_first: bool) -> PartialDate | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number) or number < 0:
        return None
    whole = int(number)
    if whole != number:  # a time of day is only meaningful on a serial
        return _from_excel_serial(whole) if _is_serial(whole) else None
    if 1000 <= whole <= 9999:
        return PartialDate(whole)
    if _is_serial(whole):
        return _from_excel_serial(whole)
    if 1_000_000 <= whole <= 99_991_231:  # seven digits: a leading zero lost, 01021998
        return _from_eight_digits(f"{whole:08d}", day_first=day_first)
    return None


def _is_serial(number: int) -> bool:
    return EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]


def _from_excel_serial(serial: int) -> PartialDate:
    return PartialDate.from_date(_EXCEL_EPOCH + datetime.timedelta(days=serial))


def _from_eight_digits(digits: str, *, day_first: bool) -> PartialDate | None:
    if int(digits[:4]) >= 1000:
        ymd = _make(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if ymd is not None:
            return ymd
    first, second, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if year < 1000:
        return None
    return _day_month(first, second, year, day_first)


def _make(year: int, month: int | None, day: int | None) -> PartialDate | None:
    """A PartialDate, with 0 meaning unknown, or None when the parts cannot be a date."""
    if not 1 <= year <= 9999:
        return None
    if not month:
        return PartialDate(year)  # a day without its month means nothing
    if not 1 <= month <= 12:
        return None
    if not day:
        return PartialDate(year, month)
    if not 1 <= day <= _days_in_month(year, month):
        return None
    return PartialDate(year, month, day)


def _day_month(first: int, second: int, year: int, day_first: bool) -> PartialDate | None:
    """Read ``first/second/year`` in the preferred order, or the other when only it fits."""
    day, month = (first, second) if day_first else (second, first)
    preferred = _make(year, month, day)
    if preferred is not None:
        return preferred
    other = _make(year, day, month)
    return other if other is not None and other.month is not None else None


def _expand_year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) <= 2:
        return 1900 + year if year > pivot else 2000 + year
    return year


_UNKNOWN_PART = r"(?:\d{1,2}|xx?|\?\??)"
_TIME = (
    r"(?:[t ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*"
    r"(?:z|[+-]\d{2}:?\d{2}|[ap]\.?\s?m\.?|hrs?\.?|h)?)?"
)
_SEP = r"\s*[-/.]\s*"
_ISO = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})(?:{_SEP}(\d{{1,2}}))?{_TIME}")
_YEAR = re.compile(r"(\d{4})")
_MONTH_YEAR = re.compile(rf"({_UNKNOWN_PART}){_SEP}(\d{{4}})")
_NUMERIC = re.compile(
    rf"({_UNKNOWN_PART})\s*([-/.])\s*({_UNKNOWN_PART})\s*\2\s*(\d{{4}}|\d{{2}}){_TIME}"
)
_EIGHT = re.compile(r"\d{7,8}")
_SERIAL_TEXT = re.compile(r"(\d{5})(?:\.\d+)?")
_TRAILING_TIME = re.compile(_TIME.replace("[t ]", "[t ,]") + "$")

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "enero ene january jan",
        "febrero feb february",
        "marzo mar march",
        "abril abr april apr",
        "mayo may",
        "junio jun june",
        "julio jul july",
        "agosto ago agto august aug",
        "septiembre setiembre sep sept set sep september",
        "octubre oct october",
        "noviembre nov november",
        "diciembre dic december dec",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_IGNORED_WORDS = frozenset(
    [
        # Qualifiers that keep the date inside the interval its parts stand for:
        # "a finales de marzo de 1998" is some day of March 1998.
        "principios",
        "inicios",
        "mediados",
        "finales",
        "fines",
        "early",
        "mid",
        "late",
        "en",
        "in",
        "ano",
        "year",
        "las",
        "hrs",
        "horas",
        "de",
        "del",
        "el",
        "la",
        "los",
        "a",
        "of",
        "the",
        "on",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "lun",
        "mie",
        "jue",
        "vie",  # codespell:ignore vie
        "sab",
        "dom",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thurs",
        "fri",
        "sat",
        "sun",
    ]
)  # "mar" (martes) is not here: it is March
_DAY_WORDS = {"primero": 1, "first": 1}
_UNKNOWN_WORDS = frozenset({"x", "xx"})
_ORDINAL_SUFFIXES = frozenset({"o", "a", "ro", "er", "ero", "st", "nd", "rd", "th"})
_TOKEN = re.compile(r"[a-z]+|\d+|\?+")

# A token of a date written with words: ("num", value, digits) or ("month", value, 0).
# Digits 0 marks a number that can only be a day ("1o", "primero").
_Token = tuple[str, int, int]


@functools.lru_cache(maxsize=1 << 17)
def _parse_text(text: str, day_first: bool, pivot: int) -> PartialDate | None:
    folded = fold_text(text).strip(" .,;")
    if not folded:
        return None
    match = _ISO.fullmatch(folded)
    if match:
        year, month, day = match.groups()
        return _make(int(year), int(month), int(day) if day else None)
    match = _NUMERIC.fullmatch(folded)
    if match:
        first, _, second, year_text = match.groups()
        return _day_month(_part(first), _part(second), _expand_year(year_text, pivot), day_first)
    if _YEAR.fullmatch(folded):
        return _make(int(folded), None, None)
    match = _MONTH_YEAR.fullmatch(folded)
    if match:
        return _make(int(match.group(2)), _part(match.group(1)), None)
    if _EIGHT.fullmatch(folded):
        return _from_eight_digits(folded.zfill(8), day_first=day_first)
    match = _SERIAL_TEXT.fullmatch(folded)
    if match:
        serial = int(match.group(1))
        return _from_excel_serial(serial) if _is_serial(serial) else None
    if any(ch.isalpha() for ch in folded):
        return _parse_words(_TRAILING_TIME.sub("", folded), pivot)
    return None


def _part(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _parse_words(folded: str, pivot: int) -> PartialDate | None:
    """Dates with a month name: day, month and year in the orders people write them."""
    tokens: list[_Token] = []
    for raw in _TOKEN.findall(folded):
        if raw.isdigit():
            if len(raw) not in (1, 2, 4):
                return None
            tokens.append(("num", int(raw), len(raw)))
        elif raw in _MONTHS:
            tokens.append(("month", _MONTHS[raw], 0))
        elif raw in _DAY_WORDS:
            tokens.append(("num", _DAY_WORDS[raw], 0))
        elif raw in _UNKNOWN_WORDS or raw.startswith("?"):
            tokens.append(("num", 0, 0))
        elif (
            raw in _ORDINAL_SUFFIXES
            and tokens
            and tokens[-1][0] == "num"
            and tokens[-1][2] in (1, 2)
        ):
            tokens[-1] = ("num", tokens[-1][1], 0)  # "1o", "1ro", "1er", "1st": a day
        elif raw not in _IGNORED_WORDS:
            return None
    return _assemble(tokens, pivot)


def _as_year(token: _Token, pivot: int) -> int | None:
    kind, value, digits = token
    if kind != "num":
        return None
    if digits == 4:
        return value
    if digits == 2:
        return 1900 + value if value > pivot else 2000 + value
    return None


def _as_day(token: _Token) -> int | None:
    kind, value, digits = token
    return value if kind == "num" and digits in (0, 1, 2) else None


def _assemble(tokens: list[_Token], pivot: int) -> PartialDate | None:
    kinds = [t[0] for t in tokens]
    if len(tokens) == 1 and kinds[0] == "num" and tokens[0][2] == 4:
        return _make(tokens[0][1], None, None)  # "finales de 1998", "el año 1998"
    if kinds.count("month") != 1 or len(tokens) not in (2, 3):
        return None
    at = kinds.index("month")
    month = tokens[at][1]
    if len(tokens) == 2:
        other = tokens[1 - at]
        if at == 1 and other[2] != 4:
            return None  # "3 de marzo": no year
        year = _as_year(other, pivot)  # "marzo de 1998", "mar-98", "1998 marzo"
        return _make(year, month, None) if year is not None else None
    if at == 0:  # March 3, 1998; marzo 3 de 1998
        day, year = _as_day(tokens[1]), _as_year(tokens[2], pivot)
    elif at == 1 and tokens[0][2] == 4:  # 1998 mar 03
        day, year = _as_day(tokens[2]), tokens[0][1]
    elif at == 1:  # 3 de marzo de 1998, 03-MAR-98
        day, year = _as_day(tokens[0]), _as_year(tokens[2], pivot)
    else:
        return None
    if day is None or year is None:
        return None
    return _make(year, month, day)
