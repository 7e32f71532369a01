"""Standardised person names: display parts, comparison forms and split-independent tokens.

:func:`standardise_name` turns whatever name columns a list has (a full name, given names,
first and second surname, in any combination) into a :class:`PersonName`. The display fields
keep the original spelling; the ``*_std`` fields are folded (see :func:`fold`) with
abbreviations expanded; ``tokens`` is the set of name words of the whole name, which does not
depend on how a full name was split. The split heuristic is
:func:`~recuento.people.name_split.split_full_name` (documented there and in
``docs/people.md``).

Everything here runs on every record of lists of a million rows, so the pure functions are
cached with :func:`functools.lru_cache`: names repeat heavily (María Guadalupe Hernández López
is many women).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from recuento.people.name_fold import fold
from recuento.people.name_split import (
    NameOrder,
    Word,
    _groups,
    _is_particle_group,
    extract_aliases,
    only_given_names,
    split_full_name,
    split_surnames,
    split_text,
    split_words,
    take_married,
    tidy_words,
    words_of_part,
)
from recuento.people.name_vocab import (
    GENERIC_GIVEN,
    MARRIED_MARKERS,
    PARTICLES,
    SUFFIXES,
    TITLES,
    given_name_words,
    surname_words,
)
from recuento.people.nicknames import formal_names, nickname_table

__all__ = [
    "PersonName",
    "clear_name_caches",
    "fold",
    "split_full_name",
    "split_surnames",
    "standardise_name",
]

# Words that are never part of the token set: particles, titles, suffixes, "viuda".
_NOT_TOKENS = PARTICLES | TITLES | SUFFIXES | MARRIED_MARKERS | {"sr"}


@dataclass(frozen=True, slots=True)
class PersonName:
    """A standardised name. See :func:`standardise_name`.

    Attributes:
        given_names: Display form of the given names (original spelling, whitespace tidied,
            an ALL-CAPS value title-cased), or None.
        first_surname: Display form of the first (paternal) surname, or None.
        second_surname: Display form of the second (maternal) surname, or None. A married
            form stays here for display ("Sánchez de Pérez", or "de Pérez").
        given_std: Folded given names, abbreviations expanded ("maria guadalupe").
        first_surname_std: Folded first surname, particles kept ("de la cruz").
        second_surname_std: Folded second surname without the married form.
        given_main: The given name that identifies, for blocking: the first given word,
            skipping a leading María/José/Juan or an initial when another follows.
        given_formal: Sorted folded formal forms the given names may stand for: a nickname
            gives its formal names' words (lupita -> guadalupe), any other word itself.
        married_surname_std: Folded surname of a married form ("de Pérez" -> "perez").
        tokens: Sorted, de-duplicated folded words of the whole name, without particles,
            titles and single letters; the same however the name was split.
        initials: Initials of the given names ("jl" for José Luis).
        split_guessed: True when the parts came from splitting a full name heuristically.
        aliases: Folded aliases found in parentheses or quotes ("(Lupita)").
    """

    given_names: str | None
    first_surname: str | None
    second_surname: str | None
    given_std: str | None
    first_surname_std: str | None
    second_surname_std: str | None
    given_main: str | None
    given_formal: tuple[str, ...]
    married_surname_std: str | None
    tokens: tuple[str, ...]
    initials: str
    split_guessed: bool
    aliases: tuple[str, ...] = ()


def _keys(words: tuple[Word, ...]) -> list[str]:
    """Folded, expanded words (a hyphenated word gives several)."""
    return [k for w in words for k in w.key.split()]


def _surname_std(words: tuple[Word, ...]) -> str | None:
    keys = _keys(words)
    # "y"/"e" join two surnames ("Ortega y Gasset"); in front of the second it is dropped.
    while keys and keys[0] in {"y", "e"} and len(keys) > 1:
        keys = keys[1:]
    return " ".join(keys) or None


def _second_and_married(
    words: tuple[Word, ...], first_present: bool
) -> tuple[str | None, str | None]:
    """Standardised second surname and married surname from the second-surname words."""
    groups = _groups(words)
    rest, married = take_married(groups, min_before=0 if first_present else 1)
    if not married:
        return _surname_std(words), None
    married_keys = [k for g in married for w in g for k in w.key.split()]
    married_keys = [k for k in married_keys if k not in MARRIED_MARKERS]
    if married_keys and married_keys[0] == "de":
        married_keys = married_keys[1:]
    second = tuple(w for g in rest for w in g)
    return _surname_std(second), " ".join(married_keys) or None


def _given_main(keys: list[str]) -> str | None:
    content = [k for k in keys if k not in PARTICLES]
    for i, key in enumerate(content):
        if i + 1 < len(content) and (key in GENERIC_GIVEN or len(key) == 1):
            continue
        return key
    return None


def _given_formal(keys: list[str]) -> tuple[str, ...]:
    known = given_name_words()
    out: set[str] = set()
    for key in keys:
        if key in PARTICLES or key in TITLES or len(key) < 2:
            continue
        formals = formal_names(key) or None  # the table, then regular diminutives
        if formals is None:
            out.add(key)
            continue
        for formal in formals:
            out.update(w for w in formal.split() if w not in PARTICLES)
        if key in known:
            out.add(key)
    return tuple(sorted(out))


def _token_set(words: tuple[Word, ...]) -> frozenset[str]:
    return frozenset(k for k in _keys(words) if len(k) > 1 and k not in _NOT_TOKENS)


class _GivenInfo(NamedTuple):
    display: str | None
    std: str | None
    main: str | None
    formal: tuple[str, ...]
    initials: str
    tokens: frozenset[str]


class _SurnameInfo(NamedTuple):
    display: str | None
    std: str | None
    married: str | None
    tokens: frozenset[str]


# Per-part caches: given names and surnames repeat far more than whole names do.
@lru_cache(maxsize=1 << 15)
def _given_info(given: tuple[Word, ...]) -> _GivenInfo:
    keys = _keys(given)
    return _GivenInfo(
        display=tidy_words(given),
        std=" ".join(keys) or None,
        main=_given_main(keys),
        formal=_given_formal(keys),
        initials="".join(k[0] for k in keys if k not in PARTICLES),
        tokens=_token_set(given),
    )


@lru_cache(maxsize=1 << 15)
def _first_info(first: tuple[Word, ...], alone: bool) -> _SurnameInfo:
    """The first surname; ``alone`` when there is no second surname (married form allowed)."""
    std, married_std = _surname_std(first), None
    if alone and first:
        rest, married = take_married(_groups(first), min_before=1)
        if married:
            std = _surname_std(tuple(w for g in rest for w in g))
            _, married_std = _second_and_married(
                tuple(w for g in married for w in g), first_present=True
            )
    return _SurnameInfo(tidy_words(first), std, married_std, _token_set(first))


@lru_cache(maxsize=1 << 15)
def _second_info(second: tuple[Word, ...], first_present: bool) -> _SurnameInfo:
    if not second:
        return _SurnameInfo(None, None, None, frozenset())
    std, married_std = _second_and_married(second, first_present=first_present)
    return _SurnameInfo(tidy_words(second), std, married_std, _token_set(second))


def _looks_like_full_name(words: tuple[Word, ...]) -> bool:
    """True when given-names words obviously hold a whole name ("María López Pérez")."""
    if only_given_names(words):
        return False
    parts = split_words(words)
    if not parts.first or not parts.given:
        return False
    surname_groups = _groups(parts.first + parts.second)
    given = given_name_words() | frozenset(nickname_table())
    surnames = surname_words()
    if any(len(g) == 1 and g[0].key in given for g in surname_groups):
        return False
    known = any(_is_particle_group(g) or _keys(g)[-1] in surnames for g in surname_groups)
    return known or parts.n_groups >= 4


def _fill_from_full_name(
    full_name: str,
    given: tuple[Word, ...],
    first: tuple[Word, ...],
    second: tuple[Word, ...],
) -> tuple[tuple[Word, ...], tuple[Word, ...], tuple[Word, ...]]:
    """Fill missing parts from the full name when its split agrees with the parts present.

    When it does not agree, only missing given names are filled: the words of the full name
    that are not words of the surnames.
    """
    split = split_text(full_name)
    present = ((given, split.given), (first, split.first), (second, split.second))
    if all(not mine or _keys(mine) == _keys(theirs) for mine, theirs in present):
        return given or split.given, first or split.first, second or split.second
    if not given:
        surname_keys = set(_keys(first + second))
        words = split.given + split.first + split.second
        # Through words_of again: the display must read back as the same words.
        given = words_of_part(tidy_words([w for w in words if w.key not in surname_keys]) or "")
    return given, first, second


def _split_first_surname(words: tuple[Word, ...]) -> tuple[tuple[Word, ...], tuple[Word, ...]]:
    """Split a first-surname value holding both surnames ("López Hernández") when plain."""
    groups = _groups(words)
    if (
        len(groups) >= 2
        and all(len(g) == 1 for g in groups)
        and not any(g[0].key in MARRIED_MARKERS for g in groups)
    ):
        return groups[0], tuple(w for g in groups[1:] for w in g)
    return words, ()


def _build(
    given: tuple[Word, ...],
    first: tuple[Word, ...],
    second: tuple[Word, ...],
    split_guessed: bool,
    aliases: tuple[str, ...],
) -> PersonName:
    g = _given_info(given)
    f = _first_info(first, not second)
    s = _second_info(second, bool(first))
    return PersonName(
        given_names=g.display,
        first_surname=f.display,
        second_surname=s.display,
        given_std=g.std,
        first_surname_std=f.std,
        second_surname_std=s.std,
        given_main=g.main,
        given_formal=g.formal,
        married_surname_std=s.married or f.married,
        tokens=tuple(sorted(g.tokens | f.tokens | s.tokens)),
        initials=g.initials,
        split_guessed=split_guessed,
        aliases=aliases,
    )


@lru_cache(maxsize=1 << 18)
def standardise_name(
    *,
    full_name: str | None = None,
    given_names: str | None = None,
    first_surname: str | None = None,
    second_surname: str | None = None,
    name_order: NameOrder = "auto",
) -> PersonName:
    """Standardise a person's name from whatever name columns a record has.

    Rules for combining the inputs:

    - Any surname present: the parts are used as given. A first surname holding two plain
      surnames and no second surname ("López Hernández") is split into both. Missing parts
      are filled from ``full_name`` when its split agrees with the parts present; when it
      does not, missing given names are the words of ``full_name`` that are not surnames.
    - No surname: ``full_name`` (if present) is split with
      :func:`~recuento.people.name_split.split_full_name`; otherwise ``given_names`` is used,
      and split the same way when it obviously holds a whole name (a comma, or a known
      surname or particle after given names: "María López Pérez").

    Never raises on any text. Standardising the display parts of a result again gives the
    same standardised fields and tokens.

    Args:
        full_name: The whole name in one value.
        given_names: Given names (nombre(s)).
        first_surname: First, paternal surname (primer apellido, apellido paterno).
        second_surname: Second, maternal surname (segundo apellido, apellido materno).
        name_order: how the list writes full names (``auto``: decided name by name; see
            :func:`~recuento.people.name_split.detect_name_order`).

    Returns:
        The standardised name (all fields None or empty when nothing usable was given).

    Examples:
        >>> n = standardise_name(full_name="Ma. Guadalupe López de la Cruz")
        >>> n.given_std, n.first_surname_std, n.second_surname_std, n.given_main
        ('maria guadalupe', 'lopez', 'de la cruz', 'guadalupe')
        >>> n.tokens
        ('cruz', 'guadalupe', 'lopez', 'maria')
    """
    aliases: list[str] = []

    def clean(text: str | None) -> tuple[Word, ...]:
        if not text:
            return ()
        text, found = extract_aliases(text)
        aliases.extend(found)
        return words_of_part(text)

    given = clean(given_names)
    first = clean(first_surname)
    second = clean(second_surname)
    if first or second:
        guessed = False
        if first and not second:
            first, second = _split_first_surname(first)
            guessed = bool(second)
        if full_name and not (given and first and second):
            text, found = extract_aliases(full_name)
            aliases.extend(found)
            filled = _fill_from_full_name(text, given, first, second)
            guessed = guessed or filled != (given, first, second)
            given, first, second = filled
        return _build(given, first, second, guessed, tuple(aliases))
    if full_name:
        text, found = extract_aliases(full_name)
        parts = split_text(text, name_order)
        if parts.given or parts.first or parts.second:
            aliases.extend(found)
            return _build(parts.given, parts.first, parts.second, True, tuple(aliases))
    if given and given_names is not None:
        text, _ = extract_aliases(given_names)
        parts = split_text(text)
        if parts.comma and parts.given and parts.first:
            return _build(parts.given, parts.first, parts.second, True, tuple(aliases))
        # Decided on the display text, which is what standardising the result again sees.
        if _looks_like_full_name(given):
            parts = split_words(given)
            return _build(parts.given, parts.first, parts.second, True, tuple(aliases))
    return _build(given, (), (), False, tuple(aliases))


def clear_name_caches() -> None:
    """Empty the caches of name standardisation, folding, nicknames and phonetic keys.

    The caches are bounded (about 250,000 whole names and smaller per-part caches, a few
    hundred MB at most); a long-running process that has finished with a set of lists can
    give the memory back with this.
    """
    from recuento.people import name_fold, name_split, nicknames, phonetic

    for cached in (
        standardise_name,
        _given_info,
        _first_info,
        _second_info,
        name_fold.fold,
        name_split._word,
        name_split._title_word,
        name_split.words_of_part,
        nicknames.formal_names,
        nicknames.could_be_same_given_name,
        phonetic.phonetic_key,
        phonetic._word_key,
    ):
        cached.cache_clear()
