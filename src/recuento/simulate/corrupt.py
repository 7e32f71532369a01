"""Record errors: how a source's record of a person departs from the truth.

A :class:`Draft` holds the records of one list before they are written out: the true values
of each recorded person, which the functions here corrupt. Every error kind of
:data:`~recuento.simulate.styles.ERROR_KINDS` is applied in a fixed order; for each kind the
records where it *can* happen (eligible: a compound given name for ``drop_given``, a day of
12 or less for ``day_month_swap``...) are marked in ``eligible`` and a share ``rate`` of them,
drawn independently, get it and are marked in ``errors``. So the realised rate of a kind
among its eligible records is binomial with the configured rate, which the tests check.

Which records are hit is drawn with numpy; the edit itself (a typo in one word) runs in
Python on the hit records only, so a million records cost a few seconds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from recuento.simulate.population import make_emails, make_postcodes
from recuento.simulate.styles import ERROR_BIT, ListStyle
from recuento.simulate.vocab import FEMALE, Vocabulary

_COMMON_FIRST = {"María", "José", "Juan"}


@dataclass
class Draft:
    """The records of one list while they are being made (all arrays one entry per record).

    Attributes:
        person: population row of each record.
        sex: sex code of each record's person.
        age: true age at the event.
        g1, g2: given-name elements (``g2`` is ``""`` when there is none).
        s1, s2: paternal and maternal surnames (``""`` when absent).
        birth: true birth date (``datetime64[D]``).
        birth_precision: 3 = day, 1 = year only, 0 = missing.
        birth_swapped: write day and month of the birth date swapped.
        recorded_age: the age the source writes.
        event: the event date the source writes (``datetime64[D]``).
        municipio: the municipio of the place (formal form).
        municipio_form: index into the municipio's forms (``vocab.place_forms``).
        postcode, email: UK setting only (empty strings otherwise).
        errors, eligible: bit masks of error kinds (see ``ERROR_BIT``).
    """

    person: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    g1: list[str]
    g2: list[str]
    s1: list[str]
    s2: list[str]
    birth: np.ndarray
    birth_precision: np.ndarray
    birth_swapped: np.ndarray
    recorded_age: np.ndarray
    event: np.ndarray
    municipio: list[str]
    municipio_form: np.ndarray
    postcode: list[str]
    email: list[str]
    errors: np.ndarray
    eligible: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def _hit(
    draft: Draft, kind: str, eligible: np.ndarray, rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Mark ``eligible`` records for ``kind``; return the indexes of those that get it."""
    bit = ERROR_BIT[kind]
    draft.eligible[eligible] |= bit
    hits = np.flatnonzero(eligible & (rng.random(len(draft)) < rate))
    draft.errors[hits] |= bit
    return hits


def _in(values: list[str], table: Mapping[str, object]) -> np.ndarray:
    return np.fromiter(map(table.__contains__, values), dtype=bool, count=len(values))


def _nonempty(values: list[str]) -> np.ndarray:
    return np.fromiter(map(bool, values), dtype=bool, count=len(values))


def apply_errors(
    draft: Draft,
    style: ListStyle,
    rates: Mapping[str, float],
    vocab: Vocabulary,
    rng: np.random.Generator,
) -> None:
    """Apply every error kind to ``draft`` in place, at ``rates`` (kind -> probability)."""
    py = random.Random(int(rng.integers(2**63)))
    g1, g2, s1, s2 = draft.g1, draft.g2, draft.s1, draft.s2
    nick, abbr = vocab.nicknames, vocab.abbreviations

    # Given names: nickname, then a dropped element, then an abbreviation.
    # María Guadalupe is called Lupita, not Mary: a leading María/José/Juan of a compound
    # name is not where a nickname comes from. Options are worked out once per distinct
    # given name (a few hundred), not once per record.
    pairs: dict[tuple[str, str], list[str]] = {}
    for a, b in set(zip(g1, g2, strict=True)):
        pairs[(a, b)] = [t for t in ((b,) if a in _COMMON_FIRST and b else (a, b)) if t in nick]
    has_options = {pair: bool(options) for pair, options in pairs.items()}
    ok = np.fromiter(
        map(has_options.__getitem__, zip(g1, g2, strict=True)), dtype=bool, count=len(g1)
    )
    for i in _hit(draft, "nickname", ok, rates["nickname"], rng).tolist():
        g1[i], g2[i] = py.choice(nick[py.choice(pairs[(g1[i], g2[i])])]), ""

    for i in _hit(draft, "drop_given", _nonempty(g2), rates["drop_given"], rng).tolist():
        keep_second = not g2[i].startswith("de") and (
            py.random() < (0.7 if g1[i] in _COMMON_FIRST else 0.4)
        )
        g1[i], g2[i] = (g2[i], "") if keep_second else (g1[i], "")

    ok = _in(g1, abbr) | _in(g2, abbr)
    for i in _hit(draft, "abbreviation", ok, rates["abbreviation"], rng).tolist():
        if g1[i] in abbr and (g2[i] not in abbr or py.random() < 0.7):
            g1[i] = py.choice(abbr[g1[i]])
        else:
            g2[i] = py.choice(abbr[g2[i]])

    # Surnames.
    has_s2 = _nonempty(s2)
    for i in _hit(draft, "missing_second_surname", has_s2, rates["missing_second_surname"], rng):
        s2[i] = ""
    ok = _nonempty(s1) & _nonempty(s2)
    ok &= np.fromiter((a != b for a, b in zip(s1, s2, strict=True)), dtype=bool, count=len(s1))
    for i in _hit(draft, "swapped_surnames", ok, rates["swapped_surnames"], rng).tolist():
        s1[i], s2[i] = s2[i], s1[i]
    adult_women = (draft.sex == FEMALE) & (draft.age >= 18) & _nonempty(s1)
    ok = adult_women & (vocab.naming == "es")
    hits = _hit(draft, "married_surname", ok, rates["married_surname"], rng)
    husbands = vocab.surnames[vocab.surname_table.draw(rng, len(hits))].tolist()
    for i, husband in zip(hits.tolist(), husbands, strict=True):
        married = husband if husband.startswith("de") else f"de {husband}"
        s2[i] = married if (not s2[i] or py.random() < 0.6) else f"{s2[i]} {married}"
    ok = adult_women & (vocab.naming == "en")
    hits = _hit(draft, "surname_changed", ok, rates["surname_changed"], rng).tolist()
    news = vocab.surnames[vocab.surname_table.draw(rng, len(hits))].tolist()
    for i, new in zip(hits, news, strict=True):
        while new == s1[i]:
            new = py.choice(vocab.surnames)
        s1[i] = new

    # A typo in one name element, last, so that it can fall on any of the above.
    ok = _nonempty(g1) | _nonempty(s1) | _nonempty(s2)
    for i in _hit(draft, "typo", ok, rates["typo"], rng).tolist():
        parts = [(0, g1[i], 0.3), (1, g2[i], 0.1), (2, s1[i], 0.35), (3, s2[i], 0.25)]
        parts = [p for p in parts if p[1]]
        which, word, _ = py.choices(parts, weights=[w for *_, w in parts])[0]
        new = typo(word, py)
        (g1, g2, s1, s2)[which][i] = new

    # Dates and ages.
    n = len(draft)
    has_birth = np.full(n, style.has("birth_date"))
    hits = _hit(draft, "birth_missing", has_birth, rates["birth_missing"], rng)
    draft.birth_precision[hits] = 0
    ok = has_birth & (draft.birth_precision == 3)
    hits = _hit(draft, "birth_year_only", ok, rates["birth_year_only"], rng)
    draft.birth_precision[hits] = 1
    month = draft.birth.astype("datetime64[M]")
    day = (draft.birth - month.astype("datetime64[D]")).astype(np.int64) + 1
    month_no = (month - draft.birth.astype("datetime64[Y]").astype("datetime64[M]")).astype(
        np.int64
    ) + 1
    ok = has_birth & (draft.birth_precision == 3) & (day <= 12) & (day != month_no)
    hits = _hit(draft, "day_month_swap", ok, rates["day_month_swap"], rng)
    draft.birth_swapped[hits] = True

    hits = _hit(draft, "age_off_by_one", np.full(n, style.has("age")), rates["age_off_by_one"], rng)
    step = np.where(rng.random(len(hits)) < 0.5, -1, 1)
    draft.recorded_age[hits] = np.maximum(draft.recorded_age[hits] + step, 0)
    draft.recorded_age[hits] += draft.recorded_age[hits] == draft.age[hits]  # 0 - 1 -> 1

    ok = np.full(n, style.has("event_date"))
    hits = _hit(draft, "event_shift", ok, rates["event_shift"], rng)
    weeks = rng.random(len(hits)) < 0.6
    days = np.where(weeks, rng.integers(7, 43, len(hits)), rng.integers(43, 181, len(hits)))
    sign = np.where(rng.random(len(hits)) < 0.5, -1, 1)
    draft.event[hits] += (sign * days).astype("timedelta64[D]")

    has_place = style.has("place") or style.has("municipio")
    forms = vocab.place_forms
    variants = {m: has_place and len(forms[m]) > 1 for m in set(draft.municipio)}
    ok = np.fromiter(map(variants.__getitem__, draft.municipio), dtype=bool, count=n)
    for i in _hit(draft, "place_variant", ok, rates["place_variant"], rng).tolist():
        draft.municipio_form[i] = py.randrange(1, len(forms[draft.municipio[i]]))

    # Addresses (UK setting): a move changes the postcode, a new e-mail address.
    ok = _nonempty(draft.postcode) & style.has("postcode")
    hits = _hit(draft, "moved", ok, rates["moved"], rng)
    areas = [
        _area(draft.postcode[i])
        if py.random() < 0.7
        else vocab.postcode_areas[vocab.place_table.draw(rng, 1)[0]]
        for i in hits.tolist()
    ]
    for i, new in zip(hits.tolist(), make_postcodes(areas, rng), strict=True):
        draft.postcode[i] = new if new != draft.postcode[i] else new[:-1] + "Z"
    ok = _nonempty(draft.email) & style.has("email")
    hits = _hit(draft, "email_changed", ok, rates["email_changed"], rng)
    idx = hits.tolist()
    given = [f"{g1[i]} {g2[i]}".strip() for i in idx]
    for i, new in zip(idx, make_emails(given, [s1[i] for i in idx], rng), strict=True):
        draft.email[i] = new if new != draft.email[i] else new.replace("@", "1@", 1)


def _area(postcode: str) -> str:
    """The postcode area: the letters that start the postcode (``LS`` of ``LS6 2QT``)."""
    letters = []
    for c in postcode:
        if not c.isalpha():
            break
        letters.append(c)
    return "".join(letters)


# Spelling errors. Phonetic confusions common in Mexican Spanish (b/v, s/z/c, ll/y, silent
# h, g/j, x/j) and keyboard slips (a neighbouring key, a dropped, doubled or swapped letter).
_PHONETIC: tuple[tuple[str, str], ...] = (
    ("b", "v"), ("v", "b"), ("B", "V"), ("V", "B"), ("z", "s"), ("s", "z"), ("Z", "S"),
    ("ce", "se"), ("ci", "si"), ("se", "ce"), ("si", "ci"), ("ll", "y"), ("y", "ll"),
    ("H", ""), ("h", ""), ("ge", "je"), ("gi", "ji"), ("je", "ge"), ("ji", "gi"),
    ("x", "j"), ("qu", "k"), ("ñ", "n"), ("rr", "r"), ("ch", "sh"),
)  # fmt: skip
_KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "oñ", "a": "qsz", "s": "adwz", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "kño", "ñ": "lp", "z": "asx",
    "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """A misspelling of ``word`` that differs from it (phonetic confusion or keyboard slip).

    Accent-only changes are not counted as typos (sources drop accents as a matter of
    style), so the result always differs from ``word`` in its letters.

    Example:
        >>> typo("Hernández", random.Random(3)) != "Hernández"
        True
    """
    if rng.random() < 0.6:
        # Take the rules from a random starting point and apply the first that fits, at a
        # random place.
        k = rng.randrange(len(_PHONETIC))
        for old, new in _PHONETIC[k:] + _PHONETIC[:k]:
            places = _find_all(word, old)
            if old.lower() == "h":
                places = [i for i in places if i == 0 or word[i - 1] not in "cC"]
            if not places:
                continue
            start = rng.choice(places)
            out = word[:start] + new + word[start + len(old) :]
            if len(out.strip()) > 1 and _fold(out) != _fold(word):
                return out
    return _keyboard_slip(word, rng)


def _find_all(word: str, part: str) -> list[int]:
    places, i = [], word.find(part)
    while i >= 0:
        places.append(i)
        i = word.find(part, i + 1)
    return places


def _fold(text: str) -> str:
    return text.lower().translate(str.maketrans("áéíóúü", "aeiouu"))


def _keyboard_slip(word: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 2:
        return word + word[-1]
    for _ in range(20):
        i = rng.choice(letters[1:])  # the first letter is rarely mistyped
        op = rng.randrange(4)
        c = word[i]
        if op == 0 and c.lower() in _KEYBOARD:
            new_c = rng.choice(_KEYBOARD[c.lower()])
            out = word[:i] + (new_c.upper() if c.isupper() else new_c) + word[i + 1 :]
        elif op == 1 and len(letters) > 3:
            out = word[:i] + word[i + 1 :]
        elif op == 2:
            out = word[:i] + c + word[i:]
        elif i + 1 < len(word) and word[i + 1].isalpha():
            out = word[:i] + word[i + 1] + c + word[i + 2 :]
        else:
            continue
        if _fold(out) != _fold(word):
            return out
    return word + word[-1]
