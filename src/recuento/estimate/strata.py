"""Strata: which group each person is counted in, and how values are binned.

HRDAG estimates each stratum (a year, a region, an age group...) separately, because
people in a stratum are more alike in how likely lists are to record them, and adds the
strata up. ``recuento estimate persons.csv --by COLUMN[:BIN]`` does the same.

Binning (``BIN``):

* none given: dates (every non-empty value a full or partial date: ``1998``,
  ``1998-03``, ``1998-03-07``, ``07/03/1998``) are grouped by **year**; a column named
  ``age`` or ``edad`` whose values are whole numbers is grouped in **10-year** bands
  (``20-29``); any other column is used **as written** (surrounding spaces removed);
* ``year``: dates by year (``1998``);
* ``month``: dates by month (``1998-03``); a value with only a year is missing;
* ``decade``: dates by decade (``1990-1999``);
* a whole number ``W`` (``age:5``): numbers in bands of width ``W`` from 0 (``20-24``);
* ``raw``: the value as written, even for dates and ages.

A value that cannot be binned counts as missing. A person whose records disagree goes to
the stratum most of their records give (ties: the first in sort order); people with no
value at all form the stratum ``(missing)``. Both are reported as notes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from recuento.errors import EstimationError

MISSING = "(missing)"
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_NAMED = ("year", "month", "decade", "raw")


@dataclass(frozen=True)
class ByColumn:
    """A ``--by`` request: the column and how to bin it (``None``: decide from the data)."""

    column: str
    binning: str | None = None


def parse_by(spec: str) -> ByColumn:
    """Read ``COLUMN`` or ``COLUMN:BIN`` (see the module docstring).

    Raises:
        EstimationError: an unknown binning.
    """
    column, sep, binning = spec.rpartition(":") if ":" in spec else (spec, "", "")
    column = column.strip()
    binning = binning.strip().lower()
    if not sep:
        return ByColumn(spec.strip(), None)
    if not column:
        raise EstimationError(f"--by {spec!r}: name the column before ':' (e.g. --by year).")
    if binning in _NAMED:
        return ByColumn(column, binning)
    if binning.isdigit() and int(binning) > 0:
        return ByColumn(column, binning)
    raise EstimationError(
        f"--by {spec!r}: unknown binning {binning!r}. Use year, month, decade, raw or a "
        "band width such as 10 (e.g. --by age:10)."
    )


def _date_parts(value: object) -> tuple[int, int | None] | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.year, value.month
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        month = int(m.group(2)) if m.group(2) else None
        if month is not None and not 1 <= month <= 12:
            return None
        return int(m.group(1)), month
    m = _DMY.match(text)
    if m:
        month = int(m.group(2))
        return (int(m.group(3)), month) if 1 <= month <= 12 else None
    return None


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(float(text)) if _INT.match(text) else None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def choose_binning(column: str, values: Iterable[object]) -> str:
    """Decide the binning of a column when none was given (see the module docstring)."""
    present = [v for v in values if not _empty(v)]
    if not present:
        return "raw"
    if all(_date_parts(v) is not None for v in present):
        return "year"
    if column.strip().lower() in ("age", "edad") and all(_number(v) is not None for v in present):
        return "10"
    return "raw"


def bin_value(value: object, binning: str) -> str | None:
    """The stratum label of one value, or ``None`` when it is missing or cannot be binned."""
    if _empty(value):
        return None
    if binning == "raw":
        return str(value).strip()
    if binning in ("year", "month", "decade"):
        parts = _date_parts(value)
        if parts is None:
            return None
        year, month = parts
        if binning == "year":
            return f"{year:04d}"
        if binning == "decade":
            start = year - year % 10
            return f"{start:04d}-{start + 9:04d}"
        return None if month is None else f"{year:04d}-{month:02d}"
    width = int(binning)
    number = _number(value)
    if number is None or number < 0:
        return None
    start = number - number % width
    return f"{start}-{start + width - 1}" if width > 1 else str(start)


def sort_key(label: str) -> tuple[int, float, str]:
    """Order labels naturally: numbers and bands by their start, text after, missing last."""
    if label == MISSING:
        return (2, 0.0, label)
    m = re.match(r"^(-?\d+)", label)
    if m:
        return (0, float(m.group(1)), label)
    return (1, 0.0, label)


def person_label(labels: list[str | None]) -> tuple[str, bool]:
    """The stratum of one person from the labels of their records.

    Returns:
        ``(label, conflicting)``: the most frequent non-missing label (ties broken by
        :func:`sort_key`), or :data:`MISSING`; ``conflicting`` is true when the records
        gave different labels.
    """
    present = [x for x in labels if x is not None]
    if not present:
        return MISSING, False
    counts = Counter(present)
    top = max(counts.values())
    best = min((lab for lab, c in counts.items() if c == top), key=sort_key)
    return best, len(counts) > 1
