"""A phonetic key for Spanish names, as spoken in Mexico.

Names in lists are written down from speech, by many hands: Vázquez / Vásquez / Basquez,
Hernández / Ernandez, Jiménez / Giménez / Ximénez all name the same family. Soundex and
Metaphone encode English spelling; Spanish needs its own rules (seseo, yeísmo, silent h,
b = v). The key keeps the vowels (Spanish writes them as it says them, and dropping them would
merge Mario and María), so it is a *spelling-variant* key, not a coarse bucket.

Hand-written because no maintained library implements a Spanish phonetic key (the
``jellyfish`` and ``abydos`` encoders are English or generic).

Rules, applied to the folded word (:func:`~recuento.people.names.fold`: lower case, accents
removed, so ``ñ`` has already become ``n`` and ``ü`` ``u``):

==  =====================================================  ==============================
#   rule                                                   example
==  =====================================================  ==============================
1   ``h`` is silent (except in ``ch``)                     Hernández = Ernandez
2   ``ch`` -> ``x`` (``x`` in the key always means ch)     Chávez -> xabes
3   ``b``, ``v``, ``w`` -> ``b``                           Vázquez = Basquez, Oswaldo = Osvaldo
4   ``z``, ``s``, and ``c`` before e, i -> ``s``           Cervantes = Servantes, Zavala = Savala
5   ``c`` elsewhere, ``k``, ``q`` -> ``k``; the ``u`` of   Quiroz = Kiroz
    ``qu`` is silent
6   ``g`` before e, i -> ``j``; ``j`` -> ``j``             Giménez = Jiménez
7   ``gu`` before e, i -> ``g`` (the u is silent; written  Guerrero -> gerero, Agüero = Aguero
    ``gü`` the u is heard, but capitals drop the
    diaeresis, so both are ``g``)
8   ``x`` at the start before a, e, i, u -> ``j``          Ximénez = Jiménez, Xavier = Javier
    (old spellings); at the start before o or a
    consonant -> ``s`` (Nahuatl: Xóchitl); in the words
    México/Mexía/Oaxaca/Texas -> ``j``; elsewhere -> ``ks``
    (Máximo, Félix)
9   ``ll`` -> ``y`` (yeísmo)                               Yáñez = Llanes
10  ``y`` before a vowel -> ``y``; elsewhere (end of a     Godoy -> godoi, Ysabel = Isabel
    word, before a consonant) it is the vowel ``i``
11  ``ñ`` -> ``n``: lists in capitals write Ñ as N, so     Yáñez = Yanez
    ``ny`` would split the spellings that matter most
12  ``ph`` -> ``f``                                        Raphael = Rafael
13  ``n`` before ``b``/``v`` -> ``m`` (said m)             Anbrosio = Ambrosio
14  the same code twice in a row is written once           Barrera = Barera, Saavedra = Savedra
15  vowels are kept, including final ones                  Mario != María
==  =====================================================  ==============================

Other characters: digits and punctuation separate words; letters of other scripts are kept
as they are.
"""

from __future__ import annotations

from functools import lru_cache

from recuento.people.name_fold import fold

__all__ = ["phonetic_key"]

_VOWELS = frozenset("aeiou")
_FRONT = frozenset("ei")
# Words in which a medial x sounds like j (old spellings kept in place names and surnames).
_X_AS_J_PREFIXES = ("mexi", "oaxa", "texa")


def _x_code(word: str, i: int, nxt: str) -> str:
    if i == 0:
        return "j" if nxt in "aeiu" and nxt else "s"
    if i == 2 and word.startswith(_X_AS_J_PREFIXES):
        return "j"
    return "ks"


@lru_cache(maxsize=1 << 15)
def _word_key(word: str) -> str:
    """Phonetic key of one folded word (rules in the module docstring)."""
    codes: list[str] = []
    n = len(word)
    i = 0
    while i < n:
        c = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        step = 1
        if c == "h":
            code = ""
        elif c == "c":
            if nxt == "h":
                code, step = "x", 2
            elif nxt in _FRONT and nxt:
                code = "s"
            else:
                code = "k"
        elif c == "q":
            code = "k"
            if nxt == "u":
                step = 2
        elif c == "g":
            after = word[i + 2] if i + 2 < n else ""
            if nxt in _FRONT and nxt:
                code = "j"
            elif nxt == "u" and after in _FRONT and after:
                code, step = "g", 2
            else:
                code = "g"
        elif c == "x":
            code = _x_code(word, i, nxt)
        elif c in "zs":
            code = "s"
        elif c in "bvw":
            code = "b"
        elif c == "l" and nxt == "l":
            code, step = "y", 2
        elif c == "y":
            code = "y" if nxt in _VOWELS and nxt else "i"
        elif c == "p" and nxt == "h":
            code, step = "f", 2
        elif c == "n" and nxt in "bvw" and nxt:
            code = "m"
        elif c == "k":
            code = "k"
        elif c.isdigit():
            code = ""
        else:
            code = c
        for char in code:
            if not codes or codes[-1] != char:
                codes.append(char)
        i += step
    return "".join(codes)


@lru_cache(maxsize=1 << 16)
def phonetic_key(text: str) -> str:
    """Spanish phonetic key of a name; several words give their keys joined by spaces.

    Args:
        text: Any text; it is folded first (see :func:`~recuento.people.names.fold`).

    Returns:
        The key, ``""`` when no letters are left. Words whose key is empty (a lone "h") are
        left out.

    Examples:
        >>> phonetic_key("Vázquez"), phonetic_key("Basquez")
        ('baskes', 'baskes')
        >>> phonetic_key("Ximénez Hernández")
        'jimenes ernandes'
    """
    keys = (_word_key(w) for w in fold(text).split())
    return " ".join(k for k in keys if k)
