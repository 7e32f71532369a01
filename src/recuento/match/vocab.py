"""Controlled vocabularies for matching, in Spanish and English, with synonyms.

The tables live in ``data/*.csv`` and are read once, on first use:

* ``body_parts.csv``: body locations of marks and the parts next to each (a tattoo recorded on
  the forearm by a family may be recorded on the wrist or the elbow by a forensic service);
* ``mark_types.csv``: kinds of distinguishing mark and the tissue that carries them
  (``skin`` marks are lost on skeletal or burned remains; ``bone`` and ``object`` marks last);
* ``conditions.csv``: the condition of remains, with how much the age and height ranges are
  widened before an exclusion (see :mod:`recuento.match.exclude`);
* ``garments.csv`` and ``colours.csv``: clothing and effects, and their colours, with a
  group (garments) or family (colours) for partial agreement;
* ``motifs.csv``: common words of tattoo and clothing descriptions in both languages
  (``rosa``/``rose``), so that a Spanish and an English description share their keywords.

Every lookup folds its text first (accents removed, lower case); Spanish adjectives also
match in their feminine and plural forms (``rojo``, ``roja``, ``rojos``, ``rojas``). The
tables were written for recuento from general knowledge of the Mexican ficha (JAL
``parte_cuerpo``, ``tipo_sena``, ``prenda``), not copied from any list.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from recuento.people.missing import fold_text

__all__ = [
    "SIDES",
    "STOPWORDS",
    "Term",
    "Vocabulary",
    "body_parts",
    "colours",
    "conditions",
    "description_tokens",
    "garments",
    "mark_types",
    "motifs",
    "neighbours",
    "side_key",
]


@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a vocabulary.

    Args:
        key: the canonical key (English, snake case), used in code and in files.
        es: the Spanish label.
        en: the English label.
        extra: the other columns of the table (``group``, ``family``, ``tissue``...).
    """

    key: str
    es: str
    en: str
    extra: dict[str, str]

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``"es"`` or ``"en"``)."""
        return self.es if lang == "es" else self.en


def _spanish_forms(word: str) -> list[str]:
    """A folded word and its feminine and plural forms (``rojo``: roja, rojos, rojas)."""
    forms = [word]
    if " " in word:
        return forms
    if word.endswith("o"):
        forms += [word[:-1] + "a", word + "s", word[:-1] + "as"]
    elif word.endswith(("a", "e")):
        forms.append(word + "s")
    elif word[-1:].isalpha():
        forms.append(word + "es")
    return forms


class Vocabulary:
    """A table of terms with a folded-synonym index.

    Args:
        name: the table's name (used in messages).
        terms: the entries, in file order.
        inflect: also index Spanish feminine and plural forms of each label and synonym.
    """

    def __init__(self, name: str, terms: list[Term], *, inflect: bool = False) -> None:
        self.name = name
        self.terms = {t.key: t for t in terms}
        self.keys = [t.key for t in terms]
        #: The position of each key in :attr:`keys` (its code in arrays).
        self.position = {key: i for i, key in enumerate(self.keys)}
        self._index: dict[str, str] = {}
        for term in terms:
            words = [term.key.replace("_", " "), term.es, term.en]
            words += [s for s in term.extra.get("synonyms", "").split(";") if s.strip()]
            for word in words:
                folded = fold_text(word)
                for form in _spanish_forms(folded) if inflect else [folded]:
                    self._index.setdefault(form, term.key)

    def lookup(self, text: str) -> str | None:
        """The key of ``text`` (a label or synonym in either language), or None."""
        folded = fold_text(text).replace("-", " ").replace("_", " ")
        folded = " ".join(folded.split())
        return self._index.get(folded) or self._index.get(folded.replace(" ", ""))

    def __getitem__(self, key: str) -> Term:
        return self.terms[key]

    def __contains__(self, key: object) -> bool:
        return key in self.terms

    def __len__(self) -> int:
        return len(self.terms)


def _read(filename: str, *, inflect: bool = False) -> Vocabulary:
    text = resources.files("recuento.match").joinpath("data", filename).read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    terms = []
    for row in rows:
        extra = {k: v for k, v in row.items() if k not in {"key", "es", "en"}}
        terms.append(Term(row["key"], row["es"], row["en"], extra))
    return Vocabulary(filename.removesuffix(".csv"), terms, inflect=inflect)


@cache
def body_parts() -> Vocabulary:
    """Body locations of marks (``data/body_parts.csv``)."""
    return _read("body_parts.csv")


@cache
def neighbours() -> dict[str, frozenset[str]]:
    """The parts next to each body part, made symmetric (if A touches B, B touches A)."""
    table: dict[str, set[str]] = {key: set() for key in body_parts().keys}
    for term in body_parts().terms.values():
        for other in term.extra["neighbours"].split(";"):
            if other:
                table[term.key].add(other)
                table[other].add(term.key)
    return {key: frozenset(value) for key, value in table.items()}


@cache
def mark_types() -> Vocabulary:
    """Kinds of distinguishing mark (``data/mark_types.csv``)."""
    return _read("mark_types.csv")


@cache
def conditions() -> Vocabulary:
    """Conditions of remains and their widening (``data/conditions.csv``)."""
    return _read("conditions.csv", inflect=True)


@cache
def garments() -> Vocabulary:
    """Garments, accessories and effects (``data/garments.csv``)."""
    return _read("garments.csv")


@cache
def colours() -> Vocabulary:
    """Colours of clothing (``data/colours.csv``)."""
    return _read("colours.csv", inflect=True)


@cache
def motifs() -> Vocabulary:
    """Description keywords shared by both languages (``data/motifs.csv``)."""
    return _read("motifs.csv")


#: Sides of the body. Keys: ``left``, ``right``, ``both``, ``centre``.
SIDES: dict[str, tuple[str, str]] = {
    "left": ("izquierdo", "left"),
    "right": ("derecho", "right"),
    "both": ("ambos lados", "both sides"),
    "centre": ("centro", "centre"),
}
_SIDE_WORDS = {
    "izquierdo": "left",
    "izquierda": "left",
    "izq": "left",
    "izda": "left",
    "i": "left",
    "left": "left",
    "l": "left",
    "derecho": "right",
    "derecha": "right",
    "der": "right",
    "dcha": "right",
    "d": "right",
    "right": "right",
    "r": "right",
    "ambos": "both",
    "ambas": "both",
    "ambos lados": "both",
    "bilateral": "both",
    "both": "both",
    "both sides": "both",
    "centro": "centre",
    "central": "centre",
    "medio": "centre",
    "centre": "centre",
    "center": "centre",
    "middle": "centre",
    "midline": "centre",
    "linea media": "centre",
}


def side_key(text: str) -> str | None:
    """The key of a side (``izquierda`` → ``left``), or None when not recognised."""
    folded = " ".join(fold_text(text).replace(".", " ").split())
    return _SIDE_WORDS.get(folded)


#: Words that carry no identifying information in a description, in both languages.
_STOPWORD_TEXT = """
a al algo algun alguna as con de del desde donde dos e el ella en entre es esta este ese
esa hay la las le lo los mas muy ni no o otra otro para pero por que se sin sobre su sus
tiene un una uno unos unas y ya color tipo marca parte lado
an and are at be by for from has have her his in is it its of on or that the their there
this to was with without colour color type side part
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_TOKEN = re.compile(r"[a-z0-9]+")


@cache
def _canonical_word(word: str) -> str:
    key = motifs().lookup(word)
    if key is not None:
        return key
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        return word[:-2]  # corazones -> corazon
    if len(word) > 3 and word.endswith("s"):
        return word[:-1]
    return word


def description_tokens(text: str) -> frozenset[str]:
    """The keywords of a free-text description, folded and made language-neutral.

    Stopwords are dropped; a word of ``data/motifs.csv`` in either language becomes its key
    (``mariposa`` and ``butterfly`` both give ``butterfly``); other words lose a plural
    ``s``/``es`` so that ``rosas`` and ``rosa`` agree. Two-word motifs (``virgen de
    guadalupe``) are recognised as well as single words.

    Args:
        text: a description (of a mark, a garment or a dental note).

    Returns:
        The set of keywords.
    """
    words = _TOKEN.findall(fold_text(text))
    tokens: set[str] = set()
    for first, second in itertools.pairwise(words):
        key = motifs().lookup(f"{first} {second}")
        if key is not None:
            tokens.add(key)
    for word in words:
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        tokens.add(_canonical_word(word))
    return frozenset(tokens)
