"""Markers that mean "no value here", shared by every field of a person record.

Lists written by hand mark a missing value in many ways: an empty cell, a dash, ``N/D``
(*no disponible*), ``S/D`` (*sin dato*), ``se desconoce``, ``no especificado``, ``NULL``
exported from a database, ``#N/A`` from a spreadsheet formula. None of them is a value,
and none of them deserves a warning: the record simply does not say. A value that is not
a marker and still cannot be parsed (``31/02/1998``, ``ciento tres``) is different, and
the caller warns about it.

:func:`is_unknown_marker` decides which is which. It compares a *compact* form of the
text: accents folded, lower case, and every character that is not a letter or a digit
removed, so that ``N/D``, ``n.d.``, ``N / D`` and ``nd`` are one marker, and text made only
of punctuation (``-``, ``--``, ``?``, ``...``) is a marker too.

Numeric codes for "not specified" (INEGI uses 9, 99 or 999 depending on the field) are
*not* markers here: ``99`` is a possible age. A caller that knows a column uses such a
code maps it before parsing.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["UNKNOWN_MARKERS", "compact", "fold_text", "is_missing", "is_unknown_marker"]

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

#: Compact forms (see :func:`compact`) of the texts that mean "no value".
UNKNOWN_MARKERS: frozenset[str] = frozenset(
    {
        "",  # empty, or only punctuation: "-", "--", "?", "...", "/"
        # Spanish
        "nd",  # n/d, no disponible / no determinado
        "sd",  # s/d, sin dato
        "ne",  # n/e, no especificado
        "na",  # n/a, no aplica
        "sindato",
        "sindatos",
        "sininformacion",
        "sininfo",
        "sinespecificar",
        "sinregistro",
        "sedesconoce",
        "desconocido",
        "desconocida",
        "desconocidos",
        "desconocidas",
        "noespecificado",
        "noespecificada",
        "noespecifica",
        "noaplica",
        "nosesabe",
        "nosabe",
        "nodisponible",
        "noidentificado",
        "noidentificada",
        "noregistrado",
        "noregistrada",
        "noreportado",
        "noreportada",
        "ignorado",
        "ignorada",
        "seignora",
        "ninguno",
        "ninguna",
        "vacio",
        # English
        "unknown",
        "notknown",
        "unk",
        "notspecified",
        "unspecified",
        "notapplicable",
        "notavailable",
        "notstated",
        "missing",
        "none",
        # Exports from databases and dataframes
        "null",
        "nil",
        "nan",
        "nat",
    }
)


@functools.lru_cache(maxsize=1 << 16)
def fold_text(text: str) -> str:
    """Fold text for comparison: accents removed, lower case, whitespace collapsed.

    ``ñ`` becomes ``n`` and ``ü`` becomes ``u``, as everywhere recuento compares text
    (the original is kept for display by the caller). Ordinal indicators fold to
    letters (``1º`` to ``1o``) by compatibility decomposition.

    Args:
        text: any string.

    Returns:
        The folded text, stripped.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def compact(text: str) -> str:
    """The folded text with everything but ASCII letters and digits removed.

    Args:
        text: any string.

    Returns:
        For example ``"nd"`` for ``"N / D."``.
    """
    return _NOT_ALNUM.sub("", fold_text(text))


@functools.lru_cache(maxsize=1 << 14)
def is_unknown_marker(text: str) -> bool:
    """Whether ``text`` is one of the ways lists write "no value".

    Spreadsheet error values (``#N/A``, ``#¡VALOR!``, ``#REF!``, ``#DIV/0!``) count as
    markers: they are a formula's failure, not a value from the record.

    Args:
        text: the cell's text.

    Returns:
        True for an empty cell, punctuation only, or a marker of :data:`UNKNOWN_MARKERS`.
    """
    stripped = text.strip()
    if stripped.startswith("#") and (stripped.endswith("!") or stripped.upper() == "#N/A"):
        return True
    return compact(stripped) in UNKNOWN_MARKERS


_MISSING_TYPES = frozenset({"NAType", "NaTType", "NoneType"})  # pandas.NA, pandas.NaT, None


def is_missing(value: object) -> bool:
    """Whether a cell holds no value at all: None, NaN, pandas' NA or NaT, or a marker.

    Callers warn about a value that does not parse only when it is *not* missing.

    Args:
        value: the cell, of any type.

    Returns:
        True for None, a float NaN, ``pandas.NA``, ``pandas.NaT``, numpy's ``NaT``, and text
        for which :func:`is_unknown_marker` is true.
    """
    if isinstance(value, str):
        return is_unknown_marker(value)
    if type(value).__name__ in _MISSING_TYPES:
        return True
    if isinstance(value, float):
        return value != value
    if type(value).__name__ in {"datetime64", "timedelta64", "float64", "float32"}:
        return str(value) in {"NaT", "nan"}
    return False
