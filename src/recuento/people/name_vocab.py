"""Word lists that the name standardiser uses, all in folded form (see :func:`fold`).

The two long lists (common given names, common surnames) live in ``data/given_names.csv`` and
``data/surnames.csv`` and are read once, on first use. The short lists are here, each with the
reason it exists. All of them are vocabulary from naming customs, not records of people.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

__all__ = [
    "ABBREVIATIONS",
    "COMPOUND_SURNAMES",
    "DEVOTIONAL",
    "DE_SURNAMES",
    "GENERIC_GIVEN",
    "MARRIED_MARKERS",
    "PARTICLES",
    "SUFFIXES",
    "TITLES",
    "given_name_words",
    "surname_words",
]

#: Words that join a surname to what follows and are not names themselves. In a full name they
#: attach to the following word ("de la Cruz", "del Río", "van der Berg"); they are kept in the
#: standardised surname and dropped from the split-independent token set. "y" joins two
#: surnames ("Ortega y Gasset"); it attaches to the surname after it and is dropped from the
#: front of a standardised surname.
PARTICLES: frozenset[str] = frozenset(
    {
        "de",
        "del",
        "la",
        "las",
        "los",
        "y",
        "e",
        "van",
        "von",
        "der",
        "den",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "le",
        "della",
        "dalla",
    }
)

#: Abbreviations expanded in the standardised forms and in the token set, wherever they stand
#: (the expansion is the same in every position, so the token set does not depend on the
#: split). "Ma." and its variants are by far the commonest in Mexican lists; the surname
#: abbreviations (Hdez., Glez., Mtz.) come from hand-written registers.
ABBREVIATIONS: dict[str, str] = {
    "ma": "maria",
    "mria": "maria",
    "gpe": "guadalupe",
    "guad": "guadalupe",
    "fco": "francisco",
    "fca": "francisca",
    "jse": "jose",
    "jsus": "jesus",
    "gmo": "guillermo",
    "fdo": "fernando",
    "hdez": "hernandez",
    "hndz": "hernandez",
    "fdez": "fernandez",
    "glez": "gonzalez",
    "gzz": "gonzalez",
    "gonz": "gonzalez",
    "mtz": "martinez",
    "mtnez": "martinez",
    "rdz": "rodriguez",
    "rguez": "rodriguez",
    "rodz": "rodriguez",
    "gtz": "gutierrez",
    "gtrrez": "gutierrez",
    "sanchz": "sanchez",
    "sta": "santa",
    "sto": "santo",
}

#: Given names so common that they do not identify anyone: a blocking key on the first given
#: name skips them when another given name follows ("María Guadalupe" -> "guadalupe").
#: Measured on synthetic Mexican lists: blocking on "maría" tripled comparisons and lowered
#: recall (docs: shared/domain/linkage.md section 4.3).
GENERIC_GIVEN: frozenset[str] = frozenset({"maria", "jose", "juan", "ma", "j"})

#: Words that, after María / José / Juan and a particle, continue a compound given name
#: ("María de los Ángeles", "María del Carmen", "José de Jesús", "Juan de Dios") instead of
#: starting a surname. Keyed by the first given name. "Cruz" is left out: "de la Cruz" is one
#: of the commonest surnames, and "María de la Cruz López" is more often María + de la Cruz.
DEVOTIONAL: dict[str, frozenset[str]] = {
    "maria": frozenset(
        {
            "angeles",
            "asuncion",
            "belen",
            "carmen",
            "concepcion",
            "consuelo",
            "dolores",
            "esperanza",
            "fatima",
            "gracia",
            "guadalupe",
            "jesus",
            "lourdes",
            "luz",
            "mar",
            "mercedes",
            "milagros",
            "montserrat",
            "nieves",
            "paz",
            "pilar",
            "refugio",
            "remedios",
            "rocio",
            "rosario",
            "salud",
            "socorro",
            "soledad",
            "trinidad",
            "loreto",
            "angustias",
            "lucero",
            "o",
        }
    ),
    "jose": frozenset({"jesus", "dios", "guadalupe", "refugio", "trinidad"}),
    "juan": frozenset({"dios", "jesus"}),
}

#: Surnames that are written with a bare "de" and are surnames in their own right ("Díaz de
#: León", "Pérez de Anda", "Montes de Oca"). A final "de X" with X not listed here is read as
#: a married form ("López de Pérez": married to a Pérez). The list can never be complete; a
#: wrong reading only moves a word between the second surname and the married surname, and
#: the token set keeps it either way.
DE_SURNAMES: frozenset[str] = frozenset(
    {
        "leon",
        "jesus",
        "dios",
        "santiago",
        "anda",
        "haro",
        "alba",
        "lira",
        "luna",
        "avila",
        "lara",
        "hoyos",
        "loera",
        "oca",
        "leija",
        "leyva",
        "tagle",
        "icaza",
        "ita",
        "aquino",
        "arcos",
        "castro",
        "ocampo",
        "paz",
        "mora",
        "silva",
        "sousa",
        "souza",
        "anza",
        "villa",
        "vega",
        "toro",
        "gante",
        "lucio",
        "lucas",
        "nova",
        "cordoba",
        "gortari",
        "alva",
        "santos",
        "sales",
        "rosas",
        "rivas",
        "leo",
        "armas",
        "pablo",
    }
)

#: Compound surnames written as a surname, a particle and a surname, read as ONE surname when
#: a full name is split ("Gerardo Díaz de León" has the single surname Díaz de León).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "diaz de leon",
        "ponce de leon",
        "montes de oca",
        "martin del campo",
        "ruiz de velasco",
        "sanchez de tagle",
        "fernandez de cordoba",
        "gutierrez de velasco",
        "ladron de guevara",
        "perez de tejada",
    }
)

#: Words that mark the married surname that follows: "viuda de", "vda. de", "sra. de".
MARRIED_MARKERS: frozenset[str] = frozenset({"vda", "viuda", "vuda", "viud"})

#: Courtesy and professional titles removed from names ("Sra.", "Lic.", "Dr.").
TITLES: frozenset[str] = frozenset(
    {
        "sr",
        "sra",
        "srta",
        "senor",
        "senora",
        "senorita",
        "dona",
        "dr",
        "dra",
        "lic",
        "licda",
        "ing",
        "prof",
        "profa",
        "profr",
        "mtro",
        "mtra",
        "arq",
        "mr",
        "mrs",
    }
)

#: Generational suffixes removed from the end of a name ("John Smith Jr.").
SUFFIXES: frozenset[str] = frozenset({"jr", "ii", "iii", "iv", "hijo"})


def _read_words(filename: str) -> frozenset[str]:
    text = resources.files("recuento.people").joinpath("data", filename).read_text("utf-8")
    rows = csv.reader(text.splitlines())
    next(rows, None)  # header: name,group
    return frozenset(row[0].strip() for row in rows if row and row[0].strip())


@cache
def given_name_words() -> frozenset[str]:
    """Folded common given names (``data/given_names.csv``), read once.

    The list (Spanish female, Spanish male, English; column ``group``) was written for
    recuento from general knowledge of naming customs, not copied from any list. Compound
    names (María Guadalupe) need no entry: each word is listed.
    """
    return _read_words("given_names.csv")


@cache
def surname_words() -> frozenset[str]:
    """Folded common surnames (``data/surnames.csv``), read once.

    Hispanic (mostly Mexican) and a few English surnames, written for recuento from general
    knowledge. A word in both lists (cruz, martin, reyes) is ambiguous: the splitter reads it
    as a given name only when two surnames still follow it.
    """
    return _read_words("surnames.csv")
