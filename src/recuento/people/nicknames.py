"""Nicknames (hipocorísticos) and the formal given names they may stand for.

The table is ``data/nicknames.csv`` (columns ``nickname,formal,language,note``), one row per
(nickname, formal name) pair, written for recuento from knowledge of Spanish (mostly Mexican)
and English naming customs; no open list of Spanish hipocorísticos exists to copy.

A nickname maps to **several** formal names (Beto -> Alberto, Roberto, Humberto, ...), and
two nicknames are the same given name only when they share a formal name: mapping each
nickname to one canonical name would call Alberto and Roberto equal through Beto (the design
problem raised in Splink issue #906,
https://github.com/moj-analytical-services/splink/issues/906). Hence
:func:`could_be_same_given_name` compares sets of formal names.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

from recuento.errors import RecuentoError
from recuento.people.name_fold import fold
from recuento.people.name_vocab import GENERIC_GIVEN, PARTICLES, given_name_words

__all__ = [
    "NameDataError",
    "could_be_same_given_name",
    "formal_names",
    "is_nickname",
    "nickname_rows",
    "nickname_table",
]


class NameDataError(RecuentoError):
    """A name data file bundled with recuento is damaged."""


@cache
def nickname_rows() -> tuple[tuple[str, str, str, str], ...]:
    """Rows of ``data/nicknames.csv`` as written (nickname, formal, language, note)."""
    text = resources.files("recuento.people").joinpath("data", "nicknames.csv").read_text("utf-8")
    reader = csv.reader(text.splitlines())
    header = next(reader)
    if header != ["nickname", "formal", "language", "note"]:
        raise NameDataError(
            "recuento's bundled file recuento/people/data/nicknames.csv does not start with the "
            "header nickname,formal,language,note; the installation is damaged: reinstall "
            "recuento, or fix the header if you edited the file."
        )
    return tuple((r[0], r[1], r[2], r[3]) for r in reader if r)


@cache
def nickname_table() -> Mapping[str, tuple[str, ...]]:
    """Folded nickname -> sorted folded formal names it may stand for; read once.

    Returns:
        A read-only mapping. Formal names may have several words ("maria eugenia").

    Examples:
        >>> nickname_table()["beto"][:2]
        ('adalberto', 'alberto')
    """
    table: dict[str, set[str]] = {}
    for nickname, formal, _language, _note in nickname_rows():
        key, value = fold(nickname), fold(formal)
        if key and value and key != value:
            table.setdefault(key, set()).add(value)
    return MappingProxyType({k: tuple(sorted(v)) for k, v in table.items()})


@lru_cache(maxsize=1 << 14)
def formal_names(name: str) -> tuple[str, ...]:
    """Folded formal names that a given name may stand for, ``()`` when it is not a nickname.

    Args:
        name: One given name, folded or not ("Lupita", "CHUY", "beto").

    Returns:
        Sorted folded formal names; ``()`` for a formal name or an unknown word.

    Examples:
        >>> formal_names("Lupita")
        ('guadalupe',)
        >>> formal_names("Guadalupe")
        ()
    """
    folded = fold(name)
    return nickname_table().get(folded) or _diminutive_of(folded)


#: Spanish diminutive endings and what the name ends with without them, longest first:
#: Carmencita -> Carmen, Anita -> Ana, Martita -> Marta, Pedrito -> Pedro, Luisito -> Luis.
_DIMINUTIVES = (
    ("cita", ("",)),
    ("cito", ("",)),
    ("ita", ("a", "")),
    ("ito", ("o", "")),
)


def _diminutive_of(folded: str) -> tuple[str, ...]:
    """Known given names a regular diminutive not in the table stands for (``()`` if none).

    Only names in the given-name vocabulary count, so an ordinary word ending in -ita is
    never turned into something else; a diminutive that is itself a known given name
    (Margarita, Benito) is left alone.
    """
    known = given_name_words()
    if " " in folded or folded in known:
        return ()
    for ending, replacements in _DIMINUTIVES:
        if folded.endswith(ending) and len(folded) > len(ending) + 1:
            stem = folded[: -len(ending)]
            for replacement in replacements:  # Angelita: Ángela before Ángel
                if stem + replacement in known:
                    return (stem + replacement,)
    return ()


def is_nickname(name: str) -> bool:
    """True when ``name`` (folded or not) is a known nickname.

    Examples:
        >>> is_nickname("Chuy"), is_nickname("Jesús")
        (True, False)
    """
    return fold(name) in nickname_table()


def _formal_words(name: str) -> frozenset[str]:
    """Formal forms, word by word, that the words of a folded given name may stand for.

    A nickname contributes the words of its formal names (Maru -> maria, eugenia); it also
    contributes itself when it is a given name in its own right (Nancy, Lisa). Any other word
    stands for itself. Particles and single letters are ignored.
    """
    words: set[str] = set()
    known = given_name_words()
    for word in name.split():
        if word in PARTICLES or len(word) < 2:
            continue
        formals = formal_names(word) or None
        if formals is None:
            words.add(word)
            continue
        for formal in formals:
            words.update(w for w in formal.split() if w not in PARTICLES)
        if word in known:
            words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1 << 14)
def could_be_same_given_name(a: str, b: str) -> bool:
    """True when two given names could be the same person's given name.

    Two names agree when they are equal once folded, or when they share a formal form: a
    nickname stands for each of its formal names (Lupita ~ Guadalupe, Beto ~ Roberto), but two
    nicknames of different formal names do not agree (Robin and Rob are not made equal through
    a shared canonical name). For names of several words ("María Guadalupe"), the words are
    compared as sets of formal forms; a shared María, José or Juan only counts when one side
    has nothing else ("José" ~ "José Luis", but "María Elena" is not "María Guadalupe").

    Args:
        a: A given name, folded or not.
        b: Another given name.

    Returns:
        Whether the two may be the same given name.

    Examples:
        >>> could_be_same_given_name("Lupita", "María Guadalupe")
        True
        >>> could_be_same_given_name("Beto", "Roberto")
        True
        >>> could_be_same_given_name("Alberto", "Roberto")
        False
    """
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    wa, wb = _formal_words(fa), _formal_words(fb)
    shared = wa & wb
    if not shared:
        return False
    if shared - GENERIC_GIVEN:
        return True
    return not (wa - GENERIC_GIVEN) or not (wb - GENERIC_GIVEN)
