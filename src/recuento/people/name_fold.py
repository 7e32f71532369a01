"""The comparison form of a piece of text: :func:`fold`.

Folding is the first step of every name comparison in recuento. It is kept in its own small
module because :mod:`recuento.people.names`, :mod:`recuento.people.nicknames` and
:mod:`recuento.people.phonetic` all need it and must not import each other in a circle.
:func:`recuento.people.names.fold` is the public name.

Hand-written rather than taken from a library (``unidecode``, ``text-unidecode``): those
transliterate every script to ASCII, which turns a name written in another script into an
unrelated Latin spelling; here only marks are removed and a handful of Latin letters without a
decomposition are mapped, and everything else is left as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold"]

# Apostrophe-like characters. Between two letters they join the letters (O'Brien -> obrien,
# D'Angelo -> dangelo); anywhere else they become a space like other punctuation.
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u02b9\u2032"
_INNER_APOSTROPHE = re.compile(rf"(?<=\w)[{_APOSTROPHES}](?=\w)")

# Latin letters that carry no Unicode decomposition into base letter + mark.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ſ": "s",
    }
)

# Anything that is not a letter or a digit separates words. ``\w`` also matches "_", which is
# punctuation here.
_SEPARATORS = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Return the comparison form of ``text``.

    Steps, in order: apostrophes between two letters are dropped (``O'Brien`` -> ``obrien``);
    Unicode NFKC normalisation (ligatures, full-width and superscript forms become plain
    letters: ``Mª`` -> ``ma``); case folding; accents and other combining marks removed
    (``ñ`` -> ``n``, ``ü`` -> ``u``, ``ç`` -> ``c``); a few Latin letters without a
    decomposition mapped (``ø`` -> ``o``, ``æ`` -> ``ae``, ``ł`` -> ``l``); every run of
    characters that are neither letters nor digits becomes one space; leading and trailing
    spaces removed.

    Args:
        text: Any text. Letters of other scripts are kept (without their marks).

    Returns:
        The folded text, ``""`` when nothing is left.

    Examples:
        >>> fold("  María  Guadalupe LÓPEZ-de la Cruz ")
        'maria guadalupe lopez de la cruz'
        >>> fold("O'Brien, Ñuñez")
        'obrien nunez'
        >>> fold("...")
        ''
    """
    if text.isascii():
        if not text:
            return ""
        text = _INNER_APOSTROPHE.sub("", text).lower()
        return _SEPARATORS.sub(" ", text).strip()
    text = _INNER_APOSTROPHE.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    # Separators first, while accented letters are still single (word) characters.
    text = _SEPARATORS.sub(" ", text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFD", text)
        if max(text) < "\u0100":
            # Latin-1 letters all decompose into an ASCII letter and marks: drop the marks.
            text = decomposed.encode("ascii", "ignore").decode("ascii")
        else:
            text = "".join(c for c in decomposed if not unicodedata.combining(c))
            # A mark can sit on a letter mapped above (ǽ is æ and an acute, ǿ is ø and
            # an acute): map again once the marks are gone.
            text = text.translate(_LETTERS)
            # Recompose what is left (letters of other scripts) so equal text folds equally.
            text = unicodedata.normalize("NFC", text)
    return text.strip()
