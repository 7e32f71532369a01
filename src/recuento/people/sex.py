"""Sex as lists write it: ``F``, ``M``, ``X`` or unknown.

Codes (after folding case and accents; full words, abbreviations with or without a dot):

* ``"F"``: f, fem, femenino, femenina, mujer, mujeres, niña, female, woman, girl.
* ``"M"``: m, masc, masculino, masculina, hombre, hombres, varón, niño, h, male, man,
  boy.
* ``"X"``: x, no binario, no binaria, nb, otro, otra, intersexual, intersex, non-binary,
  nonbinary, other.

The letter ``M`` is ambiguous in Mexico. Internationally it is *masculino* (F/M), but the
CURP and many Mexican forms use H/M, where ``M`` is *mujer* and ``H`` is *hombre*. By
default ``M`` is read as male; a list whose sex column uses H and M must be read with
``letters="HM"``. :func:`detect_letter_convention` looks at a column's values and says
which convention it uses (``"HM"`` when an ``H`` appears and no ``F``), so the caller can
choose per list and warn when it cannot tell. ``H`` alone is always *hombre*.

Trans women and men (``mujer trans``, ``mujer transgénero``, ``hombre trans``, ``trans
woman``...) are read by their gender, ``"F"`` and ``"M"``: the lists recuento links are
counts of women and men as their families and the observatories name them, and
feminicide observatories count trans women as women. The sex estimated from remains is
a different thing; :func:`mentions_trans` lets the matching of missing persons with
remains relax a sex exclusion for such records instead of excluding a true match.

INEGI's numeric codes (1 hombre, 2 mujer, 9 no especificado) are read only with
``inegi_codes=True``: other sources use 1 and 2 the other way round, and a bare number
says nothing about which convention a list uses.

Unknown markers (see :mod:`recuento.people.missing`) and anything not listed give
``None``; :func:`is_unknown_marker` tells the caller whether a ``None`` deserves a warning.
"""

from __future__ import annotations

import decimal
import functools
import numbers
import re
from collections.abc import Iterable
from typing import Literal

from recuento.people.missing import fold_text, is_unknown_marker

__all__ = [
    "Sex",
    "detect_letter_convention",
    "is_unknown_marker",
    "mentions_trans",
    "parse_sex",
]

Sex = Literal["F", "M", "X"]

_FEMALE = frozenset(
    [
        "f",
        "fem",
        "femenino",
        "femenina",
        "mujer",
        "mujeres",
        "nina",
        "ninas",
        "female",
        "woman",
        "women",
        "girl",
    ]
)
_MALE = frozenset(
    [
        "m",
        "masc",
        "masculino",
        "masculina",
        "hombre",
        "hombres",
        "varon",
        "varones",
        "nino",
        "ninos",
        "h",
        "male",
        "man",
        "men",
        "boy",
    ]
)
_OTHER = frozenset(  # compared without spaces: "no binario", "non-binary"
    [
        "x",
        "nb",
        "otro",
        "otra",
        "otre",
        "intersexual",
        "intersex",
        "intersexo",
        "other",
        "nobinario",
        "nobinaria",
        "nobinarie",
        "nonbinary",
        "generonobinario",
    ]
)
_TRANS = re.compile(r"\btrans(?:genero|gender|exual)?\b")
_TRANS_WOMAN = re.compile(
    r"^(?:mujer trans(?:genero|exual)?|trans(?:genero|exual)? mujer|"
    r"trans(?:gender)? woman|woman trans|mtf|transfemenina|transfemenino|mujer transgenero)$"
)
_TRANS_MAN = re.compile(
    r"^(?:hombre trans(?:genero|exual)?|trans(?:genero|exual)? hombre|"
    r"trans(?:gender)? man|man trans|ftm|transmasculino|transmasculina)$"
)
_PUNCTUATION = re.compile(r"[^a-z0-9 -]+")


def parse_sex(
    value: object, *, letters: Literal["FM", "HM"] = "FM", inegi_codes: bool = False
) -> Sex | None:
    """Read sex from a cell of a list.

    Args:
        value: the cell: text, or a number when ``inegi_codes`` is set.
        letters: ``"FM"`` (default) reads ``M`` as male; ``"HM"`` reads ``M`` as *mujer*.
        inegi_codes: read 1 as male and 2 as female (INEGI: 1 hombre, 2 mujer).

    Returns:
        ``"F"``, ``"M"``, ``"X"``, or None when unknown or not recognised. Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > 40:  # not a sex code; refused before any work or caching
            return None
        return _parse_text(value, letters, inegi_codes)
    if inegi_codes and isinstance(value, numbers.Real | decimal.Decimal):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if number == 1:
            return "M"
        if number == 2:
            return "F"
        return None
    return None


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str, letters: str, inegi_codes: bool) -> Sex | None:
    folded = _PUNCTUATION.sub(" ", fold_text(text)).replace("-", " ")
    folded = " ".join(folded.split())
    if not folded:
        return None
    if folded == "m" and letters == "HM":
        return "F"
    if folded in _FEMALE:
        return "F"
    if folded in _MALE:
        return "M"
    if folded.replace(" ", "") in _OTHER:
        return "X"
    if _TRANS_WOMAN.match(folded):
        return "F"
    if _TRANS_MAN.match(folded):
        return "M"
    if inegi_codes and folded in {"1", "2"}:
        return "M" if folded == "1" else "F"
    return None


def mentions_trans(value: object) -> bool:
    """Whether a sex or gender cell says the person is trans.

    Args:
        value: the cell.

    Returns:
        True for texts such as ``mujer trans``, ``transgénero``, ``trans woman``.
    """
    if not isinstance(value, str):
        return False
    folded = fold_text(value)
    return bool(_TRANS.search(folded)) or folded in {"mtf", "ftm"} or "transfem" in folded


def detect_letter_convention(values: Iterable[object]) -> Literal["FM", "HM"] | None:
    """Which single-letter convention a sex column uses.

    Args:
        values: the column's cells.

    Returns:
        ``"HM"`` when some cell is ``H`` and none is ``F``; ``"FM"`` when some cell is
        ``F`` and none is ``H``; None when the column has both or neither (the letters do
        not settle it: ask the user).
    """
    seen: set[str] = set()
    for value in values:
        if isinstance(value, str):
            letter = fold_text(value).strip(". ")
            if letter in {"h", "f"}:
                seen.add(letter)
                if len(seen) == 2:
                    return None
    if seen == {"h"}:
        return "HM"
    if seen == {"f"}:
        return "FM"
    return None
