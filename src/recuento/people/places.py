"""Places as lists write them, folded so that two spellings of one place compare equal.

:func:`normalise_place` folds case and accents, turns punctuation into spaces, collapses
whitespace and expands the abbreviations of Mexican addresses and place names, so that
``Cd. Juárez, Chih.``, ``CIUDAD JUAREZ CHIHUAHUA`` and ``Ciudad Juárez, Chihuahua`` are one
text. :func:`place_key` drops the generic words (ciudad, colonia, municipio, de...), so
that ``Juárez`` and ``Cd. Juárez`` share the key ``juarez``; :func:`places_compatible`
compares two places by their keys.

Abbreviations are expanded when they are a whole token, with or without their dot:
street types (``Av.``, ``Blvd.``, ``Calz.``, ``Priv.``...), kinds of place (``Cd.``, ``Col.``,
``Fracc.``, ``Mpio.``, ``Edo.``), saints (``Sta.``, ``Sto.``, ``Sn.``), titles (``Gral.``,
``Lic.``), cardinal points, ``s/n`` (*sin número*), ``No. 12``/``#12`` (*número*), ``C.P.``
and the abbreviations of the 32 Mexican states and of the United States. The full list is
:data:`EXPANSIONS` and the multi-letter forms in ``_BEFORE_TOKENS`` (``D.F.``, ``N.L.``,
``S.L.P.``, ``Edo. de Méx.``, ``E.U.A.``); docs/people.md lists them all.

``sin`` (Sinaloa) and ``mex`` are not expanded: ``sin`` is a word of addresses (*sin
número*) and ``mex`` may be the state or the country.
"""

from __future__ import annotations

import functools
import re

from recuento.people.missing import fold_text, is_unknown_marker

__all__ = [
    "EXPANSIONS",
    "GENERIC_WORDS",
    "is_unknown_marker",
    "normalise_place",
    "place_key",
    "places_compatible",
]

#: Abbreviation (one folded token) -> its expansion.
EXPANSIONS: dict[str, str] = {
    "cd": "ciudad",
    "col": "colonia",
    "fracc": "fraccionamiento",
    "frac": "fraccionamiento",
    "edo": "estado",
    "mpio": "municipio",
    "mpo": "municipio",
    "mun": "municipio",
    "av": "avenida",
    "ave": "avenida",
    "avda": "avenida",
    "blvd": "boulevard",
    "blvr": "boulevard",
    "bvd": "boulevard",
    "bulevar": "boulevard",
    "calz": "calzada",
    "carr": "carretera",
    "carret": "carretera",  # codespell:ignore carret
    "priv": "privada",
    "prol": "prolongacion",
    "cjon": "callejon",
    "cda": "cerrada",
    "and": "andador",
    "esq": "esquina",
    "sta": "santa",
    "sto": "santo",
    "gral": "general",
    "pte": "poniente",
    "ote": "oriente",  # codespell:ignore oriente
    "nte": "norte",
    "lic": "licenciado",
    "ing": "ingeniero",
    "dr": "doctor",
    "dra": "doctora",
    "prof": "profesor",  # codespell:ignore profesor
    "num": "numero",
    "cp": "codigo postal",
    "ej": "ejido",
    "ags": "aguascalientes",  # codespell:ignore ags
    "bc": "baja california",
    "bcs": "baja california sur",
    "camp": "campeche",
    "chis": "chiapas",
    "chih": "chihuahua",
    "coah": "coahuila",
    "dgo": "durango",
    "gto": "guanajuato",
    "gro": "guerrero",
    "hgo": "hidalgo",
    "jal": "jalisco",
    "mich": "michoacan",
    "mor": "morelos",  # codespell:ignore mor
    "nay": "nayarit",
    "nl": "nuevo leon",
    "oax": "oaxaca",
    "pue": "puebla",
    "qro": "queretaro",
    "qroo": "quintana roo",
    "slp": "san luis potosi",
    "son": "sonora",
    "tab": "tabasco",
    "tamps": "tamaulipas",
    "tlax": "tlaxcala",
    "ver": "veracruz",
    "yuc": "yucatan",
    "zac": "zacatecas",
    "cdmx": "ciudad de mexico",
    "df": "ciudad de mexico",
    "edomex": "estado de mexico",
    "eua": "estados unidos",
    "eeuu": "estados unidos",
    "usa": "estados unidos",
    "tx": "texas",
    "nm": "nuevo mexico",
}

#: Words that say what kind of place a name is, not which: dropped by :func:`place_key`.
GENERIC_WORDS = frozenset(
    {
        "ciudad",
        "colonia",
        "fraccionamiento",
        "estado",
        "municipio",
        "localidad",
        "poblado",
        "pueblo",
        "ejido",
        "barrio",
        "unidad",
        "habitacional",
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "y",
        "en",
    }
)

# Multi-token forms, handled on the folded text before punctuation becomes spaces.
_BEFORE_TOKENS = (
    (re.compile(r"\bs\s*/\s*n\b"), " sin numero "),
    (re.compile(r"\bc\s*\.\s*p\s*\.?(?=\s*\d)"), " codigo postal "),
    (re.compile(r"\bu\s*\.?\s*hab\b\.?"), " unidad habitacional "),
    (re.compile(r"\bunid\s*\.?\s*hab\b\.?"), " unidad habitacional "),
    (re.compile(r"\bno\s*\.\s*(?=\d)"), " numero "),
    (re.compile(r"\bn[o0]\s*(?=\d)"), " numero "),
    (re.compile(r"#\s*(?=\d)"), " numero "),
    (re.compile(r"\bedo\s*\.?\s*(?:de\s+)?mex\b\.?"), " estado de mexico "),
    (re.compile(r"\bn\s*\.\s*l\s*\.(?=\s|$|,)"), " nuevo leon "),
    (re.compile(r"\bq\s*\.\s*roo\b"), " quintana roo "),
    (re.compile(r"\bs\s*\.\s*l\s*\.\s*p\b\.?"), " san luis potosi "),
    (re.compile(r"\bb\s*\.\s*c\s*\.\s*s\b\.?"), " baja california sur "),
    (re.compile(r"\bb\s*\.\s*c\b\.?"), " baja california "),
    (re.compile(r"\bd\s*\.\s*f\b\.?"), " ciudad de mexico "),
    (re.compile(r"\be\s*\.?\s*u\s*\.?\s*a\b\.?"), " estados unidos "),
    (re.compile(r"\bee\s*\.?\s*uu\b\.?"), " estados unidos "),
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# "sn" and "s" before a name are "san": "Sn. Lorenzo". Only "sn", since "s" alone is ambiguous.
_SAN = "sn"


def _one_pass(folded: str) -> str:
    for pattern, replacement in _BEFORE_TOKENS:
        folded = pattern.sub(replacement, folded)
    tokens = _NON_WORD.sub(" ", folded).split()
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token == _SAN and i + 1 < len(tokens) and not tokens[i + 1].isdigit():
            out.append("san")
        else:
            out.append(EXPANSIONS.get(token, token))
    return " ".join(out)


@functools.lru_cache(maxsize=1 << 16)
def _normalise_text(text: str) -> str | None:
    if is_unknown_marker(text):
        return None
    # A second pass sees forms that punctuation hid in the first ("no-5" becomes "no 5",
    # then "numero 5"); repeating until nothing changes makes the result idempotent.
    result = _one_pass(fold_text(text))
    for _ in range(4):
        again = _one_pass(result)
        if again == result:
            break
        result = again
    return result or None


def normalise_place(value: object) -> str | None:
    """Fold a place for comparison.

    Args:
        value: the cell: text, or a number (a postal code) which is read as its text.

    Returns:
        Lower-case ASCII words separated by single spaces, abbreviations expanded (see the
        module docstring), or None for a missing value. Idempotent. Never raises.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = int(value) if value.is_integer() else value
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        return None
    return _normalise_text(value)


@functools.lru_cache(maxsize=1 << 16)
def _key(normalised: str) -> str:
    return " ".join(t for t in normalised.split() if t not in GENERIC_WORDS)


def place_key(value: object) -> str | None:
    """The distinctive words of a place, for matching places written differently.

    ``Cd. Juárez``, ``Ciudad Juárez`` and ``Juárez`` all give ``juarez``;
    ``Col. Centro, Cd. Juárez, Chih.`` gives ``centro juarez chihuahua``.

    Args:
        value: the cell.

    Returns:
        The normalised place without the words of :data:`GENERIC_WORDS`, or None when
        nothing distinctive is left.
    """
    normalised = normalise_place(value)
    if normalised is None:
        return None
    return _key(normalised) or None


def places_compatible(a: object, b: object) -> bool | None:
    """Whether two places may name the same place: one's key words are all in the other's.

    ``Juárez`` is compatible with ``Cd. Juárez, Chih.``; ``Juárez`` is not compatible
    with ``Chihuahua``.

    Returns:
        None when either place is missing; otherwise whether the key words of one are a
        subset of the other's.
    """
    key_a, key_b = place_key(a), place_key(b)
    if key_a is None or key_b is None:
        return None
    words_a, words_b = set(key_a.split()), set(key_b.split())
    return words_a <= words_b or words_b <= words_a
