"""Search keys of a record and of a query: folded name words and nickname-formal forms.

A record's keys are the folded words of its name (accents and case removed by
:func:`recuento.people.name_fold.fold`; particles such as *de*, *la* left out) plus, for
each word that is a known nickname, the words of the formal names it may stand for
(:mod:`recuento.people.nicknames`): a record of "Lupita" has the keys ``lupita`` and
``guadalupe``, so a search for "Guadalupe" finds it, and a search for "Lupita" finds a
record of "Guadalupe" because the query's words are expanded the same way.

A query word matches a record when one of its alternatives (the word itself, or a formal
name it is a nickname of) is one of the record's keys; the last word of the query, when it
has :data:`PREFIX_MIN_LENGTH` letters or more, also matches keys that start with it (it may
not be finished: "Lupe Guad" finds Guadalupe). Every word of the query must match.

Nothing here imports Django: the same functions serve the upload (writing the keys) and
the search page (reading them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recuento.people.name_fold import fold
from recuento.people.name_vocab import GENERIC_GIVEN, PARTICLES
from recuento.people.nicknames import formal_names

#: Longest key kept (a longer "word" is noise: the rest is dropped, not the record).
MAX_KEY_LENGTH = 64
#: The query's last word, when at least this long, also matches keys that start with it.
PREFIX_MIN_LENGTH = 3
#: Words of a query beyond this many are ignored (each one adds a condition).
MAX_QUERY_WORDS = 6


def _formal_words(word: str, *, specific: bool) -> set[str]:
    """Words of the formal names a nickname may stand for (empty for other words).

    With ``specific``, a formal name of several words contributes only its words that are
    not María/José/Juan (Maru -> eugenia, not every María), unless it has no other word.
    """
    out: set[str] = set()
    for formal in formal_names(word):
        words = [w for w in formal.split() if w not in PARTICLES and len(w) > 1]
        if specific:
            rare = [w for w in words if w not in GENERIC_GIVEN]
            words = rare or words
        out.update(words)
    return out


def record_keys(tokens: Iterable[str], given_formal: Iterable[str] = ()) -> list[str]:
    """The search keys of one record, sorted.

    Args:
        tokens: the record's folded name words (``name_tokens`` of the person schema);
            unfolded words are folded here.
        given_formal: the formal forms of its given names (``given_formal``), if known.
    """
    keys: set[str] = set()
    for raw in tokens:
        for word in fold(raw).split():
            if word in PARTICLES or not word:
                continue
            keys.add(word)
            keys.update(_formal_words(word, specific=False))
    for formal in given_formal:
        keys.update(w for w in fold(formal).split() if w not in PARTICLES and len(w) > 1)
    return sorted(k[:MAX_KEY_LENGTH] for k in keys if k)


def search_text(keys: Sequence[str]) -> str:
    """The ``search_text`` column: the keys separated by spaces."""
    return " ".join(keys)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: what it matches.

    Attributes:
        word: the folded word as typed.
        exact: keys it matches exactly (the word and the formal names it may stand for).
        prefix: keys starting with this match too (``None``: the word is too short).
    """

    word: str
    exact: tuple[str, ...]
    prefix: str | None


def parse_query(text: str) -> list[QueryWord]:
    """The words of a search query, folded, without particles, at most
    :data:`MAX_QUERY_WORDS` (duplicates dropped); only the last may match as a prefix."""
    folded: list[str] = []
    for word in fold(text or "").split():
        word = word[:MAX_KEY_LENGTH]
        if word not in PARTICLES and word not in folded:
            folded.append(word)
    folded = folded[:MAX_QUERY_WORDS]
    words: list[QueryWord] = []
    for i, word in enumerate(folded):
        exact = tuple(sorted({word} | _formal_words(word, specific=True)))
        last = i == len(folded) - 1
        prefix = word if last and len(word) >= PREFIX_MIN_LENGTH else None
        words.append(QueryWord(word, exact, prefix))
    return words


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``.

    Keys are folded (lower-case letters and digits), so incrementing the last character
    is enough: ``"guad"`` -> ``"guae"``; ``key >= prefix and key < bound`` is then a range
    an index answers, on SQLite and on PostgreSQL alike.
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
