"""Ages as lists state them, and whether they agree with the dates of a record.

An age in a list of people is the age *at the event* (disappearance, death, finding), in
completed years. Lists write it as a number (``23``, ``23.0`` from a spreadsheet), with a
unit (``23 años``, ``23 AÑOS``, ``23 years``), approximately (``aproximadamente 23``), as a range
(``20-25``, ``entre 20 y 25``, ``20 a 25 años``, the estimated range of unidentified
remains), open-ended (``25+``, ``mayor de 60``) or with a word (``adolescente``).
:func:`parse_age` turns each into an :class:`AgeRange` of whole years, inclusive.

Rules (each a choice, stated so that users can check it):

* A fraction of a year is dropped: ``23.5`` is 23 completed years.
* Months, weeks and days give the completed years: ``6 meses`` is 0, ``18 meses`` is 1;
  ``1 año 6 meses`` is 1.
* Words of approximation (``aproximadamente`` and its abbreviation, ``cerca de``, ``como``,
  ``alrededor de``, ``unos``, ``about``, ``approx.``, ``~``) are dropped and the number
  kept as stated: how much to allow for is the comparison's business
  (``tolerance_years`` of :func:`age_consistent`), not the parser's.
* A reversed range (``25-20``) is read as ``20-25``.
* Open ranges: ``25+``, ``25 o más``, ``25 y más``, ``más de 25``, ``mayor de 25``,
  ``>25``, ``>=25``, ``over 25`` are 25 to :data:`MAX_AGE`. Everyday Spanish does not
  keep "more than" and "at least" apart (*mayor de edad* means 18 or more), so neither
  do we. ``menor de 18``, ``<18``, ``under 18`` are 0 to 17.
* Decades: ``30s``, ``30's``, ``30 y tantos``, ``treintas``, ``treinta y tantos``,
  ``treintaitantos`` are 30 to 39 (likewise for the other decades, from ``veintes`` and
  ``veintitantos``).
* Life-stage words follow Mexican law where it defines them: ``niña``/``niño`` 0 to 11
  and ``adolescente`` 12 to 17 (Ley General de los Derechos de Niñas, Niños y
  Adolescentes, art. 5: children are under twelve, adolescents from twelve to under
  eighteen); ``menor de edad`` 0 to 17 and ``mayor de edad``/``adulta``/``adulto`` 18 to
  :data:`MAX_AGE`; ``joven`` 12 to 29 (Ley del Instituto Mexicano de la Juventud, art. 2);
  ``adulta mayor``/``adulto mayor``/``anciana``/``anciano`` 60 to :data:`MAX_AGE` (Ley de
  los Derechos de las Personas Adultas Mayores, art. 3). Where no law defines the word:
  ``recién nacida``/``recién nacido`` 0, ``bebé``/``lactante`` 0 to 1. English
  equivalents (child, teenager, adult, elderly, newborn, baby) map the same way.
* Numbers in words (``veintitrés``) are not read. Anything else, a negative age or an
  age above :data:`MAX_AGE` gives ``None``.
"""

from __future__ import annotations

import decimal
import functools
import math
import numbers
import re
from dataclasses import dataclass

from recuento.errors import RecuentoError
from recuento.people.dates import PartialDate
from recuento.people.missing import fold_text

__all__ = [
    "MAX_AGE",
    "AgeRange",
    "ImpossibleAgeError",
    "age_at",
    "age_consistent",
    "parse_age",
]

#: The oldest age accepted, in years.
MAX_AGE = 120


class ImpossibleAgeError(RecuentoError, ValueError):
    """An age was asked for at an event that happened before the person was born."""


@dataclass(frozen=True, slots=True)
class AgeRange:
    """Ages in completed years, from ``low`` to ``high`` inclusive.

    Raises:
        ValueError: when ``low`` is negative or greater than ``high``.
    """

    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low < 0 or self.low > self.high:
            raise ValueError("an age range needs 0 <= low <= high")

    @property
    def exact(self) -> bool:
        """Whether the range is a single age."""
        return self.low == self.high

    def overlaps(self, other: AgeRange, *, tolerance_years: int = 0) -> bool:
        """Whether the two ranges share an age once each is widened by the tolerance."""
        return self.low <= other.high + tolerance_years and other.low <= self.high + tolerance_years

    def __str__(self) -> str:
        return str(self.low) if self.exact else f"{self.low}-{self.high}"


# ----------------------------------------------------------------------------------------
# Ages from dates


def _completed_years(birth: tuple[int, int, int], event: tuple[int, int, int]) -> int:
    """Age in completed years; someone born on 29 February has a birthday on 1 March."""
    years = event[0] - birth[0]
    return years - 1 if (event[1], event[2]) < (birth[1], birth[2]) else years


def age_at(birth: PartialDate, event: PartialDate) -> AgeRange:
    """The ages a person may have had at an event, given the precision of both dates.

    The age is monotone in both dates, so the youngest possible age is reached with the
    latest birth day and the earliest event day, and the oldest with the earliest birth
    day and the latest event day.

    Args:
        birth: the date of birth.
        event: the date of the event.

    Returns:
        The range of possible ages in completed years.

    Raises:
        ImpossibleAgeError: when the event is certainly before the birth.
    """
    b0, b1 = birth.earliest(), birth.latest()
    e0, e1 = event.earliest(), event.latest()
    youngest = _completed_years((b1.year, b1.month, b1.day), (e0.year, e0.month, e0.day))
    oldest = _completed_years((b0.year, b0.month, b0.day), (e1.year, e1.month, e1.day))
    if e1 < b0:
        raise ImpossibleAgeError("the event date is before the birth date")
    return AgeRange(max(youngest, 0), max(oldest, 0))


def age_consistent(
    age: AgeRange | None,
    birth: PartialDate | None,
    event: PartialDate | None,
    *,
    tolerance_years: int = 1,
) -> bool | None:
    """Whether a stated age can be the age at the event, given the birth date.

    Args:
        age: the stated age at the event.
        birth: the date of birth.
        event: the date of the event.
        tolerance_years: how many years of misreporting to forgive on each side (ages
            are often given a year off, for example counted at the next birthday).

    Returns:
        None when something is missing and the check cannot be made; False when the
        stated age cannot be the age at the event, even with the tolerance (or the event
        is before the birth); True otherwise.
    """
    if age is None or birth is None or event is None:
        return None
    try:
        possible = age_at(birth, event)
    except ImpossibleAgeError:
        return False
    return age.overlaps(possible, tolerance_years=tolerance_years)


# ----------------------------------------------------------------------------------------
# Parsing


def parse_age(value: object) -> AgeRange | None:
    """Read an age from a cell of a list.

    Args:
        value: an ``int``, a ``float`` (its fraction is dropped), text in the forms of
            the module docstring, or None.

    Returns:
        The age range, or None when there is no age or it cannot be one. Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return _parse_text(value) if len(value) <= _MAX_AGE_TEXT else None
    if isinstance(value, numbers.Real | decimal.Decimal):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
        return _single(number)
    return None


def _single(number: float) -> AgeRange | None:
    if not math.isfinite(number) or number < 0 or number >= MAX_AGE + 1:
        return None
    years = int(number)
    return AgeRange(years, years)


def _between(low: int, high: int) -> AgeRange | None:
    low, high = min(low, high), max(low, high)
    if low < 0 or high > MAX_AGE:
        return None
    return AgeRange(low, high)


_DECADE_WORDS = {
    "veint": 20,
    "treint": 30,
    "cuarent": 40,
    "cincuent": 50,
    "sesent": 60,
    "setent": 70,
    "ochent": 80,
    "novent": 90,
}
_STAGES: dict[str, tuple[int, int]] = {
    "nina": (0, 11),
    "nino": (0, 11),
    "child": (0, 11),
    "adolescente": (12, 17),
    "teenager": (12, 17),
    "adolescent": (12, 17),
    "menor de edad": (0, 17),
    "menor": (0, 17),
    "minor": (0, 17),
    "mayor de edad": (18, MAX_AGE),
    "adulta": (18, MAX_AGE),
    "adulto": (18, MAX_AGE),
    "adult": (18, MAX_AGE),
    "joven": (12, 29),
    "adulta mayor": (60, MAX_AGE),
    "adulto mayor": (60, MAX_AGE),
    "anciana": (60, MAX_AGE),
    "anciano": (60, MAX_AGE),
    "tercera edad": (60, MAX_AGE),
    "elderly": (60, MAX_AGE),
    "recien nacida": (0, 0),
    "recien nacido": (0, 0),
    "newborn": (0, 0),
    "bebe": (0, 1),
    "lactante": (0, 1),
    "baby": (0, 1),
    "infant": (0, 1),
}

_MAX_AGE_TEXT = 60  # longer text is not an age; refused before any work or caching
_NUM = r"(\d{1,3}(?:[.,]\d+)?)"
_APPROX = re.compile(
    r"^(?:(?:aprox(?:imadamente)?|"  # codespell:ignore aprox
    r"approx(?:imately)?|cerca de|alrededor de|como|unos|unas|"
    r"about|around|circa|ca|edad|age|de)\b\.?|~|\+/-|\+-|±)\s*:?\s*"
)
_APPROX_AFTER = re.compile(
    r"[\s,]*\(?\s*(?:aprox(?:imadamente)?|"  # codespell:ignore aprox
    r"approx(?:imately)?|ca|circa)\b\.?\s*\)?$"
)
_UNIT_YEARS = r"(?:anos|ano|a|years|year|yrs|yr|y|yo|anos de edad|de edad|cumplidos|years old)"
_SINGLE = re.compile(
    rf"{_NUM}\s*(?:{_UNIT_YEARS}\.?(?:,?\s*(?:y\s+|and\s+)?\d+\s*(?:meses|mes|months?))?)?"
)
_SUB_YEAR = re.compile(
    rf"{_NUM}\s*(meses|mes|months|month|semanas|semana|weeks|week|dias|dia|days|day)"
)
_RANGE = re.compile(
    rf"(?:entre|de|between|from)?\s*{_NUM}\s*(?:{_UNIT_YEARS})?\s*(?:-|a|y|to|and|al|/)\s*"
    rf"{_NUM}\s*(?:{_UNIT_YEARS}\.?)?"
)
_OPEN_UP = re.compile(
    rf"(?:(?:mas de|mayor de|mayor a|over|more than|at least|>=?|≥)\s*{_NUM}|"
    rf"{_NUM}\s*(?:\+|o mas|y mas|or more|or older))\s*(?:{_UNIT_YEARS}\.?)?"
)
_OPEN_DOWN = re.compile(
    r"(?:menos de|menor de|menor a|under|less than|younger than|<)\s*"
    rf"{_NUM}\s*(?:{_UNIT_YEARS}\.?)?"
)
_DECADE_NUM = re.compile(r"(?:los\s+)?([1-9]0)\s*(?:'?\s*s|\s+y\s+tantos)")
_DECADE_WORD = re.compile(r"(?:los\s+)?([a-z]+?)(?:as|aitantos|a y tantos|itantos|es|e y tantos)")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@functools.lru_cache(maxsize=1 << 14)
def _parse_text(text: str) -> AgeRange | None:
    folded = fold_text(text).strip(" ,;")
    previous = None
    while previous != folded:  # "aproximadamente, edad: 23", "23 años (aproximadamente)"
        previous = folded
        folded = _APPROX_AFTER.sub("", _APPROX.sub("", folded)).strip(" ,;")
    if not folded:
        return None
    if folded in _STAGES:
        low, high = _STAGES[folded]
        return AgeRange(low, high)
    match = _SUB_YEAR.fullmatch(folded)
    if match:
        amount, unit = _number(match.group(1)), match.group(2)
        per_year = (
            12
            if unit.startswith(("mes", "month"))
            else 52
            if unit.startswith(("sem", "week"))
            else 365
        )
        return _single(amount / per_year)
    match = _SINGLE.fullmatch(folded)
    if match:
        return _single(_number(match.group(1)))
    match = _RANGE.fullmatch(folded)
    if match:
        return _between(int(_number(match.group(1))), int(_number(match.group(2))))
    match = _OPEN_UP.fullmatch(folded)
    if match:
        low = int(_number(match.group(1) or match.group(2)))
        return _between(low, MAX_AGE) if low <= MAX_AGE else None
    match = _OPEN_DOWN.fullmatch(folded)
    if match:
        bound = math.ceil(_number(match.group(1)))
        return _between(0, bound - 1) if bound >= 1 else None
    match = _DECADE_NUM.fullmatch(folded)
    if match:
        start = int(match.group(1))
        return _between(start, start + 9)
    match = _DECADE_WORD.fullmatch(folded)
    if match and match.group(1) in _DECADE_WORDS:
        start = _DECADE_WORDS[match.group(1)]
        return _between(start, start + 9)
    return None
