"""Splitting a full name into given names, first surname and second surname.

The heuristic is documented on :func:`split_full_name` and in ``docs/people.md`` ("Names").
Linkage must not depend on it: :class:`recuento.people.names.PersonName` also carries the
set of name tokens, which is the same however a name was split.

Words are handled as :class:`Word` pairs (display spelling, comparison key) and grouped: a
group is one name word together with the particles before it ("de la Cruz").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import Literal, NamedTuple

from recuento.people.name_fold import fold
from recuento.people.name_vocab import (
    ABBREVIATIONS,
    COMPOUND_SURNAMES,
    DE_SURNAMES,
    DEVOTIONAL,
    MARRIED_MARKERS,
    PARTICLES,
    SUFFIXES,
    TITLES,
    given_name_words,
    surname_words,
)
from recuento.people.nicknames import nickname_table

__all__ = [
    "Word",
    "only_given_names",
    "split_full_name",
    "split_surnames",
    "split_words",
    "tidy_words",
    "words_of",
]

#: Words that join the next word into one surname but are kept as name words ("San Martín",
#: "Mc Donald").
JOINERS: frozenset[str] = frozenset({"san", "santa", "santo", "mc", "mac"})
_JOINING = PARTICLES | JOINERS

# "Mª", "Ma.ª", "Maª": the feminine ordinal indicator after M or Ma abbreviates María.
_MA_ORDINAL = re.compile(r"(?i)^ma?\.?[ª\u1d43]\.?$")
# A dot glued to the next word ("Ma.Guadalupe") separates the words.
_GLUED_DOT = re.compile(r"\.(?=[^\W\d_ª\u1d43])")
# Aliases: "(Lupita)", "\"Chuy\"", "«La Güera»", "alias El Chino".
_ALIAS = re.compile(r"\(([^()]*)\)?|\"([^\"]*)\"?|“([^”]*)”?|«([^»]*)»?|\[([^\]]*)\]?")
_ALIAS_HINT = re.compile(r"[(\"“«\[]|(?i:alias|a\.?k\.?a|apod)")
_ALIAS_DELIMITERS = re.compile(r"[()\"“”«»\[\]]")
_ALIAS_PREFIX = re.compile(r"^(?:alias|aka|a k a|apodo|apodado)\b\s*")
_ALIAS_WORD = re.compile(r"(?i)(?<![^\W_])(?:alias|a\.k\.a\.|aka|apodo|apodado)(?![^\W_])")


# Titles ("Sra.", "Lic.") and generational suffixes ("Jr.") are not names, wherever they stand.
_DROPPED = TITLES | SUFFIXES | {"sr"}


class Word(NamedTuple):
    """One word of a name: its display spelling and its comparison key.

    ``key`` is the folded word with abbreviations expanded ("Ma." -> "maria"). It is ``""``
    for punctuation and may hold several words for a hyphenated one ("lopez portillo").
    """

    display: str
    key: str


@lru_cache(maxsize=1 << 16)
def _word(display: str) -> Word:
    if _MA_ORDINAL.match(display):
        return Word(display, "maria")
    folded = fold(display)
    if " " in folded:
        key = " ".join(ABBREVIATIONS.get(part, part) for part in folded.split())
    else:
        key = ABBREVIATIONS.get(folded, folded)
    return Word(display, key)


@lru_cache(maxsize=1 << 14)
def _title_word(word: str) -> str:
    """Title-case one word of an ALL-CAPS name: "LÓPEZ" -> "López", "DE" -> "de"."""
    if fold(word) in _JOINING - JOINERS:
        return word.lower()
    out = []
    upper_next = True
    for char in word:
        out.append(char.upper() if upper_next else char.lower())
        upper_next = not char.isalnum()
    return "".join(out)


def extract_aliases(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove aliases (in parentheses, quotes, or after "alias") from a name.

    Returns:
        The name without aliases, and the folded aliases found.
    """
    if _ALIAS_HINT.search(text) is None:
        return text, ()
    original = text
    aliases: list[str] = []
    if any(c in text for c in '("“«['):

        def keep(match: re.Match[str]) -> str:
            inner = next((g for g in match.groups() if g is not None), "")
            folded = _ALIAS_PREFIX.sub("", fold(inner))
            if folded:
                aliases.append(folded)
            return " "

        text = _ALIAS.sub(keep, text)
    found = _ALIAS_WORD.search(text)
    if found is not None:
        folded = fold(text[found.end() :])
        if folded:
            aliases.append(folded)
        text = text[: found.start()]
    if not fold(text):
        # Nothing but an "alias": a quoted value ('"Lupita"') is the name itself.
        return _ALIAS_WORD.sub(" ", _ALIAS_DELIMITERS.sub(" ", original)), ()
    return text, tuple(aliases)


def words_of(text: str) -> tuple[Word, ...]:
    """The words of one name part, without punctuation-only words, titles and suffixes.

    Titles ("Sra.", "Lic.") and generational suffixes ("Jr.") are dropped wherever they
    stand, unless nothing else is left.
    An ALL-CAPS part is title-cased for display ("DE LA CRUZ" -> "de la Cruz").
    """
    if "," in text:  # a comma is never part of a name; the comma form is read before this
        text = text.replace(",", " ")
    if "." in text:
        text = _GLUED_DOT.sub(". ", text)
    raw = text.split()
    if text.isupper():
        raw = [_title_word(w) for w in raw]
    words = [w for w in map(_word, raw) if w.key]
    kept = [w for w in words if w.key not in _DROPPED]
    if kept or not words:
        return tuple(kept)
    return (words[-1],)  # only titles or suffixes: keep one, not nothing


# Parts (a given-names or surname column) repeat heavily; whole names much less.
words_of_part = lru_cache(maxsize=1 << 16)(words_of)


def tidy_words(words: tuple[Word, ...] | list[Word]) -> str | None:
    """Display form of some words: joined by single spaces, ``None`` for none."""
    return " ".join(w.display for w in words) or None


# --- groups -------------------------------------------------------------------------------

Group = tuple[Word, ...]


def _groups(words: tuple[Word, ...] | list[Word]) -> list[Group]:
    """Group each name word with the particles before it; trailing particles join the last."""
    groups: list[Group] = []
    pending: list[Word] = []
    for word in words:
        pending.append(word)
        if word.key not in _JOINING:
            groups.append(tuple(pending))
            pending = []
    if pending:
        if groups:
            groups[-1] = groups[-1] + tuple(pending)
        else:
            groups.append(tuple(pending))
    return groups


def _key(group: Group) -> str:
    """Key of the name word of a group (its last non-particle word)."""
    for word in reversed(group):
        if word.key not in _JOINING:
            return word.key
    return group[-1].key


def _is_particle_group(group: Group) -> bool:
    return len(group) > 1 and group[0].key in PARTICLES


def _is_bare_de(group: Group) -> bool:
    return len(group) == 2 and group[0].key == "de"


@lru_cache(maxsize=1)
def _given_vocabulary() -> frozenset[str]:
    return given_name_words() | frozenset(nickname_table())


def only_given_names(words: tuple[Word, ...]) -> bool:
    """True when every word group is a given name ("María de los Ángeles", "Juan Carlos")."""
    groups = _merge_devotional(_groups(words), surnames_before=False, at_end=True)
    return bool(groups) and all(_given_like(g) for g in groups)


def _given_like(group: Group) -> bool:
    """A given name (or a compound "María de la Luz" already merged into one group)."""
    if len(group) == 1:
        return group[0].key in _given_vocabulary()
    return group[0].key in DEVOTIONAL and group[1].key in PARTICLES


def _clear_given(group: Group) -> bool:
    """A given name that is not also a common surname."""
    return _given_like(group) and (len(group) > 1 or group[0].key not in surname_words())


def _surname_like(group: Group) -> bool:
    return _is_particle_group(group) or (
        len(group) == 1 and group[0].key in surname_words() and not _given_like(group)
    )


def _merge_devotional(
    groups: list[Group], surnames_before: bool, at_end: bool = False
) -> list[Group]:
    """Merge "María" + "de los Ángeles" into one compound given-name group.

    Merged when the compound starts the name and a surname can still follow (another group
    comes after), when it ends a surnames-first name (``surnames_before``), or anywhere in a
    value known to hold given names only (``at_end``). A second given name is not merged:
    "Dulce María de la Cruz" is Dulce María + de la Cruz.
    """
    out: list[Group] = []
    i = 0
    while i < len(groups):
        group = groups[i]
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if (
            nxt is not None
            and len(group) == 1
            and group[0].key in DEVOTIONAL
            and _is_particle_group(nxt)
            and _key(nxt) in DEVOTIONAL[group[0].key]
            and ((i == 0 and i + 2 < len(groups)) or (surnames_before and i >= 2) or at_end)
        ):
            out.append(group + nxt)
            i += 2
            continue
        out.append(group)
        i += 1
    return out


def _merge_compounds(groups: list[Group]) -> list[Group]:
    """Merge the groups of a known compound surname ("Díaz" + "de León") into one."""
    out: list[Group] = []
    for group in groups:
        if (
            out
            and _is_particle_group(group)
            and len(out[-1]) == 1
            and f"{out[-1][0].key} {' '.join(w.key for w in group)}" in COMPOUND_SURNAMES
        ):
            out[-1] = out[-1] + group
        else:
            out.append(group)
    return out


def take_married(groups: list[Group], min_before: int) -> tuple[list[Group], list[Group]]:
    """Separate a trailing married form ("de Pérez", "Vda. de Pérez") from surname groups.

    A final bare "de X" is a married form when X is not one of the surnames written with
    "de" (:data:`~recuento.people.name_vocab.DE_SURNAMES`) and at least ``min_before``
    groups precede it. "Vda."/"viuda" followed by one group is always a married form.
    """
    if len(groups) >= 2 and len(groups[-2]) == 1 and groups[-2][0].key in MARRIED_MARKERS:
        return groups[:-2], groups[-2:]
    last = groups[-1] if groups else None
    if (
        last is not None
        and len(groups) > min_before
        and _is_bare_de(last)
        and last[1].key not in DE_SURNAMES
    ):
        return groups[:-1], [last]
    return groups, []


def _surname_units(groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """Split surname groups into (first surname, second surname) groups.

    Two groups or fewer: one each. More: particle groups join the group before them
    ("Díaz" + "de León"); if more than two remain, the first is the first surname and the
    rest is the second.
    """
    if len(groups) <= 2:
        return groups[:1], groups[1:]
    units: list[Group] = []
    for group in groups:
        if units and _is_particle_group(group):
            units[-1] = units[-1] + group
        else:
            units.append(group)
    return units[:1], units[1:]


class Split(NamedTuple):
    """Words of each part of a split name; ``second`` includes a married form."""

    given: tuple[Word, ...]
    first: tuple[Word, ...]
    second: tuple[Word, ...]
    n_groups: int
    comma: bool


def _flat(groups: list[Group]) -> tuple[Word, ...]:
    return tuple(chain.from_iterable(groups))


def _split_surnames(groups: list[Group], min_before: int) -> tuple[list[Group], list[Group]]:
    rest, married = take_married(_merge_compounds(groups), min_before)
    first, second = _surname_units(rest)
    return first, second + married


def _split_given_first(groups: list[Group]) -> tuple[list[Group], list[Group], list[Group]]:
    m = len(groups)
    if m == 1:  # one word: a given name, unless it can only be a surname ("Pérez")
        if _surname_like(groups[0]):
            return [], groups, []
        return groups, [], []
    if _clear_given(groups[-1]) and all(_clear_given(g) for g in groups):
        return groups, [], []
    k = 1
    surnames = surname_words()
    while k < m - 1 and _given_like(groups[k]):
        ambiguous = len(groups[k]) == 1 and groups[k][0].key in surnames
        if ambiguous and m - (k + 1) < 2:
            break
        k += 1
    rest = groups[k:]
    # More than two surname groups: leading unknown words (neither a known surname nor a
    # particle group) are more likely unlisted given names ("Xóchitl Citlali López Pérez").
    while len(rest) > 2 and len(rest[0]) == 1 and rest[0][0].key not in surnames:
        k += 1
        rest = groups[k:]
    first, second = _surname_units(rest)
    return groups[:k], first, second


NameOrder = Literal["auto", "given_first", "surnames_first"]


def _looks_surnames_first(groups: list[Group]) -> bool:
    return (
        len(groups) >= 2
        and not _given_like(groups[0])
        and _surname_like(groups[0])
        and (_clear_given(groups[-1]) or _clear_given(groups[-1][-1:]))
    )


def _looks_given_first(groups: list[Group]) -> bool:
    return (
        len(groups) >= 2
        and _clear_given(groups[0])
        and (_surname_like(groups[-1]) or not _given_like(groups[-1]))
    )


def detect_name_order(full_names: Iterable[str], *, min_votes: int = 20) -> NameOrder:
    """How a list writes full names: ``surnames_first``, ``given_first`` or ``auto``.

    Official Mexican lists write *PATERNO MATERNO NOMBRE(S)*; newspapers write the given
    names first. One name is often ambiguous (a rare surname, a surname that is also a given
    name), but a list is consistent, so each name whose order is clear casts a vote; an
    order wins with at least ``min_votes`` votes and four in five of them. Names with a
    comma say their order themselves and do not vote.
    """
    first = given = 0
    for name in full_names:
        if not name or "," in name:
            continue
        groups = _groups(words_of(name))
        if len(groups) < 3:
            continue
        if _looks_surnames_first(groups):
            first += 1
        elif _looks_given_first(groups):
            given += 1
    votes = first + given
    if votes >= min_votes:
        if first >= 0.8 * votes:
            return "surnames_first"
        if given >= 0.8 * votes:
            return "given_first"
    return "auto"


def split_words(words: tuple[Word, ...], order: NameOrder = "auto") -> Split:
    """Split the words of a full name (no comma handling); see :func:`split_full_name`.

    ``order`` forces the list's order (see :func:`detect_name_order`); ``auto`` decides name
    by name.
    """
    groups = _groups(words)
    if not groups:
        return Split((), (), (), 0, False)
    if order == "auto":
        surnames_first = _looks_surnames_first(groups)
    else:
        surnames_first = order == "surnames_first" and len(groups) >= 2
    if any(len(g) > 1 for g in groups[1:]):  # only a particle group can be merged
        groups = _merge_compounds(_merge_devotional(groups, surnames_before=surnames_first))
    groups, married = take_married(groups, min_before=2)
    n = len(groups) + len(married)
    if not groups:  # "Vda. de Pérez" alone
        return Split((), _flat(married), (), n, False)
    if surnames_first and len(groups) >= 2:
        k = len(groups) - 1
        while k > 1 and _given_like(groups[k - 1]):
            k -= 1
        first, second = _surname_units(groups[:k])
        return Split(_flat(groups[k:]), _flat(first), _flat(second + married), n, False)
    given, first, second = _split_given_first(groups)
    if married and not first:
        first, married = married, []
    return Split(_flat(given), _flat(first), _flat(second + married), n, False)


def split_text(full_name: str, order: NameOrder = "auto") -> Split:
    """Split a full name given as text (handles the "surnames, given names" comma form)."""
    if "," in full_name:
        surnames_text, _, given_text = full_name.partition(",")
        given = words_of_part(given_text)
        groups = _groups(words_of_part(surnames_text))
        if not groups:  # ", María López": no surnames before the comma
            return split_words(given)
        first, second = _split_surnames(groups, min_before=1)
        return Split(given, _flat(first), _flat(second), len(groups) + len(given), True)
    return split_words(words_of(full_name), order)


def split_surnames(surnames: str) -> tuple[str | None, str | None]:
    """Split a value holding both surnames ("apellidos") into first and second surname.

    The same rules as the surnames part of :func:`split_full_name`: particles stay with their
    surname, known compound surnames stay whole, a married form stays at the end of the
    second surname; with more than two groups the first is the first surname and the rest
    the second.

    Examples:
        >>> split_surnames("LOPEZ DE LA CRUZ")
        ('Lopez', 'de la Cruz')
        >>> split_surnames("Díaz de León Ramírez")
        ('Díaz de León', 'Ramírez')
    """
    text, _aliases = extract_aliases(surnames)
    first, second = _split_surnames(_groups(words_of_part(text)), min_before=1)
    return tidy_words(_flat(first)), tidy_words(_flat(second))


def split_full_name(full_name: str) -> tuple[str | None, str | None, str | None]:
    """Split a full name into (given names, first surname, second surname).

    A heuristic for Spanish names as written in Mexican lists (English names work too); it
    never fails, and it can be wrong, which is why linkage also uses the split-independent
    token set of :class:`~recuento.people.names.PersonName`. Rules, in order:

    1. Aliases in parentheses or quotes, or after "alias", are removed; titles ("Sra.",
       "Lic.") and suffixes ("Jr.") are dropped; an ALL-CAPS name is title-cased for display.
    2. A comma means surnames first: "LÓPEZ DE LA CRUZ, MARÍA GUADALUPE".
    3. Particles (de, del, la, las, los, y, van, von, da, di, ...) and "San"/"Santa" attach to
       the word after them: "de la Cruz" is one surname.
    4. Compound given names with a particle stay together when they start the name and a
       surname follows: "María de los Ángeles", "María del Carmen", "José de Jesús", "Juan
       de Dios" (not "María de la Cruz": de la Cruz is a common surname). Compounds without a
       particle (María Guadalupe, José Luis, Juan Carlos) follow from rule 7.
    5. Known compound surnames ("Díaz de León", "Montes de Oca", "Martín del Campo") are one
       surname. A final "de X" after a surname is a married form ("María López de Pérez"),
       kept at the end of the second surname, unless X is a surname written with "de"
       ("Pérez de León").
    6. Surnames first without a comma ("LÓPEZ HERNÁNDEZ MARÍA") when the first word is a
       known surname and not a given name and the last word is a given name that is not also
       a surname; the trailing given names are the given names.
    7. Otherwise given names first: the first word is a given name, and so is each following
       known given name (data/given_names.csv and the nicknames) while a surname remains; a
       word that is also a common surname (Cruz, Martín, Reyes) only while two remain. A name
       made only of given names that are not surnames ("Juan Carlos") has no surname.
    8. What follows is the surnames: one group -> first surname; two -> first and second;
       more -> leading unknown words join the given names, particle groups join the group
       before them (Díaz de León), then the first is the first surname and the rest the
       second.

    Args:
        full_name: A full name in any order and case.

    Returns:
        Display forms (original spelling, whitespace tidied), ``None`` for a missing part.

    Examples:
        >>> split_full_name("María Guadalupe López de la Cruz")
        ('María Guadalupe', 'López', 'de la Cruz')
        >>> split_full_name("LOPEZ DE LA CRUZ, MARIA GUADALUPE")
        ('Maria Guadalupe', 'Lopez', 'de la Cruz')
        >>> split_full_name("John Michael Smith")
        ('John Michael', 'Smith', None)
    """
    text, _aliases = extract_aliases(full_name)
    parts = split_text(text)
    return tidy_words(parts.given), tidy_words(parts.first), tidy_words(parts.second)
