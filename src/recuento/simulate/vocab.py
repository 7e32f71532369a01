"""Vocabulary for synthetic people: given names, surnames, places and name variants.

The vocabulary is frequency-weighted word lists, not personal records. Each *setting* (the
Mexican ``"juarez"`` setting and the UK membership roll ``"uk"``, see
:data:`SETTINGS`) has its own files under ``recuento/simulate/data/``:

- ``<prefix>_given_names.csv``: ``name,sex,role,weight``; ``role`` is ``single`` (used
  alone), ``first`` or ``second`` (the two elements of a compound given name such as
  *María Guadalupe* or *José Luis*).
- ``<prefix>_surnames.csv``: ``surname,weight``. A synthetic rare tail is added in code
  (:func:`_rare_surnames`, :func:`_rare_english_surnames`), a share of draws set per setting
  (:data:`RARE_SURNAME_SHARE`), so that, at any size, some surnames are rare and term
  frequency matters as it does in real lists.
- ``<prefix>_places.csv``: ``colonia,municipio,weight`` and, for the UK, ``postcode`` (the
  postcode area); in the UK setting the "colonia" is the local group and the "municipio"
  its town.
- ``<prefix>_variants.csv``: ``name,variant,kind``; how a given name may be written
  instead of the formal one (``nickname`` or ``abbreviation``). This table belongs to the
  simulator alone: it is written independently of the linkage code's nickname table, so
  that linkage is never tested against its own dictionary.

Lines starting with ``#`` are comments. Weights are relative within a table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from recuento.simulate.styles import SimulationError

SETTINGS: dict[str, str] = {
    "juarez": "mx",
    "uk": "uk",
}
"""Known settings and the prefix of their vocabulary files: ``juarez`` (Mexican names, two
surnames, colonias of Ciudad Juárez) and ``uk`` (British names, one surname, the 150 local
groups of a membership movement with their towns and postcode areas)."""

NAMING: dict[str, str] = {"juarez": "es", "uk": "en"}
"""Naming custom of each setting: ``es`` (two surnames, married form "de ...") or ``en``."""

COMPOUND_SHARE: dict[str, dict[int, float]] = {
    "juarez": {0: 0.42, 1: 0.33},
    "uk": {0: 0.2, 1: 0.2},
}
"""Share of compound given names (a middle name, in the UK), by sex code."""

RARE_SURNAME_SHARE: dict[str, float] = {"juarez": 0.08, "uk": 0.60}
"""Share of surname draws that come from the synthetic rare tail, by setting.

- ``juarez``: 8%, as since the first version of the simulator (changing it would change every
  Juárez population drawn with a given seed).
- ``uk``: 60%. The target shares are approximate, from general public knowledge of British
  surname frequencies (not from a register): Smith is roughly 1.2% of people in Great
  Britain, Jones under 1%, and the few hundred most common surnames cover well under half
  of the population, about 40%. ``uk_surnames.csv`` weighs its 318 surnames in bearers per
  100,000 (Smith 1,200; 39,460 in all), so with 60% in the tail Smith is about 1.2% of draws
  and the listed surnames about 40%. (Before, with 8% in the tail and steeper weights, Smith
  was 9.4% of a simulated roll and Jones 5.3%: a 500,000-member roll held thousands of
  David Smiths.)
"""

FEMALE, MALE = 0, 1
"""Codes of the ``sex`` array of a population."""


@dataclass(frozen=True)
class WeightedTable:
    """Codes into a token array with the probability of drawing each."""

    codes: np.ndarray
    probs: np.ndarray

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` codes with replacement, following the weights."""
        if size == 0:
            return np.zeros(0, dtype=np.int32)
        return self.codes[rng.choice(len(self.codes), size=size, p=self.probs)]


@dataclass(frozen=True)
class Vocabulary:
    """Every word a synthetic population of one setting is made of.

    Attributes:
        setting: the setting name (``"juarez"``, ``"uk"``).
        naming: ``"es"`` or ``"en"`` (see :data:`NAMING`).
        given_tokens: every given-name element (``"María"``, ``"de Jesús"``), indexed by the
            population's ``given1``/``given2`` codes.
        given: weighted tables keyed ``(sex, role)``, roles ``single``, ``first``, ``second``.
        compound_share: share of compound given names, by sex code.
        surnames: every surname, indexed by the population's ``surname1``/``surname2`` codes.
        surname_table: the weighted table of surname codes.
        rare_surname_codes: codes of the synthetic rare tail.
        colonias, municipios: parallel arrays, one entry per place.
        place_table: the weighted table of place codes.
        postcode_areas: postcode area of each place (UK), else empty strings.
        place_forms: municipio -> the ways it is written (formal form first).
        nicknames, abbreviations: formal given-name element -> variants.
    """

    setting: str
    naming: str
    given_tokens: np.ndarray
    given: dict[tuple[int, str], WeightedTable]
    compound_share: dict[int, float]
    surnames: np.ndarray
    surname_table: WeightedTable
    rare_surname_codes: np.ndarray
    colonias: np.ndarray
    municipios: np.ndarray
    place_table: WeightedTable
    postcode_areas: np.ndarray
    place_forms: dict[str, tuple[str, ...]]
    nicknames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("recuento.simulate").joinpath("data", filename).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _probs(weights: list[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


# Pieces for the synthetic rare-surname tail. Real Mexican lists hold thousands of surnames
# that each appear a handful of times; a few hundred listed surnames cannot show that at a
# million people, so rare surnames are built from Spanish and Basque-like pieces. They are
# plausible-looking words, drawn rarely; they are not taken from any list of people.
_TAIL_PREFIXES = (
    "Alda", "Arri", "Bere", "Echa", "Eliza", "Galar", "Goye", "Ibar", "Itur", "Lasa",
    "Larra", "Mendi", "Olave", "Orma", "Sala", "Ugal", "Urqui", "Zaba", "Zubi", "Arme",
    "Bece", "Cara", "Carva", "Cama", "Vala", "Villa", "Segu", "Tala", "Tore", "Mont",
    "Mira", "Quin", "Sepul", "Albe", "Boni", "Cor", "Fra", "Gal", "Mar", "Pal", "Sal",
    "Val", "Can", "Riv", "Ber", "Lum", "Ocam", "Tolo", "Chi", "Huer", "Maci", "Naran",
)  # fmt: skip
_TAIL_SUFFIXES = (
    "ola", "ena", "iz", "ez", "ano", "edo", "ita", "aga", "illo", "ueta", "ondo", "ares",
    "ibe", "ales", "uste", "rrieta", "goitia", "zábal", "chea", "guren", "ndia", "rena",
    "veda", "llo", "rra", "mendi", "dero", "sco", "zarra", "nda", "lla", "res", "tes", "gui",
    "ñez", "lde", "beitia", "nte", "rdo", "jal",
)  # fmt: skip
_VOWELS = set("aeiouáéíóú")


def _rare_surnames(exclude: set[str]) -> list[str]:
    """Synthetic rare surnames: a prefix and a suffix joined so that consonants and vowels
    alternate at the seam (``Mendi`` + ``zábal``, ``Cor`` + ``ales``)."""
    out: list[str] = []
    for prefix in _TAIL_PREFIXES:
        for suffix in _TAIL_SUFFIXES:
            if (prefix[-1] in _VOWELS) == (suffix[0] in _VOWELS):
                continue
            word = prefix + suffix
            if word not in exclude:
                out.append(word)
    return sorted(set(out))


# Pieces for the English synthetic tail (UK setting): the first and second elements of
# English place-name surnames (Ash-ley, Brad-ford, Whit-worth, Kil-ington), with an optional
# linking syllable (Thorn-er-ton, Sand-en-wood). Invented combinations, some of which happen
# to be real surnames or places; they are not taken from any list of people.
_EN_TAIL_FIRST = (
    "Ash", "Ather", "Bain", "Bar", "Barn", "Bed", "Bell", "Birk",  # codespell:ignore
    "Black", "Bland",
    "Bol", "Brad", "Bram", "Brent", "Brid", "Brom", "Brook", "Bur", "Cal", "Cars",
    "Chad", "Chat", "Chel", "Chis", "Clay", "Clif", "Cold", "Cot", "Crad", "Cran",
    "Craw", "Dal", "Dar", "Den", "Dray", "Dun", "Eg", "Ell", "Els", "Em",
    "Ever", "Fair", "Farn", "Fel", "Fen", "Foss", "Gar", "Glad", "Gold", "Grim",
    "Hal", "Ham", "Har", "Hart", "Hat", "Haw", "Hay", "Hol", "Horn", "Hux",  # codespell:ignore
    "Ick", "Ilk", "Kel", "Ken", "Kil", "Kings", "Kirk", "Lang", "Lath", "Lea",
    "Lid", "Lin", "Lock", "Lof", "Mal", "Mar", "Mel", "Mid", "Mil", "Mor",
    "Nor", "Oak", "Ock", "Ord", "Ot", "Pad", "Pen", "Pick", "Prest", "Rad",
    "Ram", "Rav", "Red", "Rid", "Rock", "Rom", "Ros", "Rud", "Sal", "Sand",
    "Shap", "Shel", "Sher", "Shir", "Sid", "Skel", "Stan", "Stap",  # codespell:ignore
    "Stock", "Stow",
    "Sut", "Swin", "Tad", "Tam", "Thorn", "Thurs", "Tod", "Tren", "Up", "Wad",
    "Wal", "War", "Wel", "Wes", "Whit", "Wick", "Wil", "Win", "Wool", "Wor",  # codespell:ignore
    "Wych", "Yar",
)  # fmt: skip
_EN_TAIL_LINKS = ("", "e", "er", "ing", "en", "el")
_EN_TAIL_SECOND = (
    "ley", "worth", "ington", "ford", "by", "ham", "ton", "field", "well", "wood", "more",
    "stone", "bridge", "hurst", "combe", "den", "don", "stead", "thorpe", "wick", "cliffe",
    "dale", "brook", "burn", "shaw", "croft", "gate", "low", "bury", "wright", "ridge", "cott",
    "hall", "land", "sall", "mere",
)  # fmt: skip
_EN_VOWELS = set("aeiouy")
_EN_TAIL_ORDER_SEED = 20260
"""Seed of the fixed order in which English tail surnames get their weights (not alphabetical,
so that common and rare tail surnames are spread over the alphabet)."""


def _rare_english_surnames(exclude: set[str]) -> list[str]:
    """Synthetic rare English surnames (about 27,700): a first element, an optional linking
    syllable and a second element (``Ash`` + ``ley``, ``Thorn`` + ``er`` + ``ton``); no link
    before a second element that starts with a vowel, no two vowels at the seam, no letter
    three times in a row."""
    out: set[str] = set()
    for first in _EN_TAIL_FIRST:
        for link in _EN_TAIL_LINKS:
            left = first + link
            for second in _EN_TAIL_SECOND:
                starts_with_vowel = second[0] in _EN_VOWELS
                if link and starts_with_vowel:
                    continue
                if left[-1] in _EN_VOWELS and starts_with_vowel:
                    continue
                if left[-2:] == second[0] * 2:
                    continue
                word = left + second
                if word not in exclude:
                    out.add(word)
    return sorted(out)


def _tail_weights(setting: str, n_listed: int, n_tail: int) -> np.ndarray:
    """Relative weights of the tail surnames (before scaling to the tail's share).

    Juárez: ``1 / rank**0.6`` in alphabetical order, as since the first simulator. UK: the
    tail continues the listed surnames' ranks with a Zipf law, ``1 / (n_listed + rank)``,
    ranks in a fixed shuffled order; its most common surname is then about 0.04% of draws,
    below the least common listed one, and the median one a few per 500,000.
    """
    ranks = np.arange(1, n_tail + 1, dtype=np.float64)
    if setting == "juarez":
        return 1.0 / ranks**0.6
    order = np.random.default_rng(_EN_TAIL_ORDER_SEED).permutation(n_tail)
    return 1.0 / (n_listed + ranks[order])


@cache
def load_vocabulary(setting: str = "juarez", rare_surname_share: float | None = None) -> Vocabulary:
    """Load the vocabulary of a setting (cached).

    Args:
        setting: one of :data:`SETTINGS`.
        rare_surname_share: share of surname draws that come from the synthetic rare tail;
            by default the setting's (:data:`RARE_SURNAME_SHARE`).

    Raises:
        SimulationError: the setting is unknown.
    """
    if setting not in SETTINGS:
        raise SimulationError(
            f"unknown setting {setting!r}; the settings are: {', '.join(sorted(SETTINGS))}."
        )
    prefix = SETTINGS[setting]
    given_rows = _read_rows(f"{prefix}_given_names.csv")
    tokens = sorted({row["name"] for row in given_rows})
    token_code = {t: i for i, t in enumerate(tokens)}
    given: dict[tuple[int, str], WeightedTable] = {}
    for sex_code, sex_letter in ((FEMALE, "F"), (MALE, "M")):
        for role in ("single", "first", "second"):
            rows = [r for r in given_rows if r["sex"] == sex_letter and r["role"] == role]
            given[(sex_code, role)] = WeightedTable(
                codes=np.array([token_code[r["name"]] for r in rows], dtype=np.int32),
                probs=_probs([float(r["weight"]) for r in rows]),
            )

    surname_rows = _read_rows(f"{prefix}_surnames.csv")
    listed = [r["surname"] for r in surname_rows]
    listed_weights = [float(r["weight"]) for r in surname_rows]
    if rare_surname_share is None:
        rare_surname_share = RARE_SURNAME_SHARE[setting]
    if setting == "juarez":
        tail = _rare_surnames(set(listed))
    else:
        tail = _rare_english_surnames(set(listed))
    # Zipf-like weights inside the tail, scaled so that the tail is `rare_surname_share`.
    tail_w = _tail_weights(setting, len(listed), len(tail))
    tail_w *= rare_surname_share / (1.0 - rare_surname_share) * sum(listed_weights) / tail_w.sum()
    surnames = np.array(listed + tail, dtype=object)
    surname_table = WeightedTable(
        codes=np.arange(len(surnames), dtype=np.int32),
        probs=_probs(listed_weights + list(tail_w)),
    )

    place_rows = _read_rows(f"{prefix}_places.csv")
    place_table = WeightedTable(
        codes=np.arange(len(place_rows), dtype=np.int32),
        probs=_probs([float(r["weight"]) for r in place_rows]),
    )

    nicknames: dict[str, list[str]] = {}
    abbreviations: dict[str, list[str]] = {}
    for row in _read_rows(f"{prefix}_variants.csv"):
        target = nicknames if row["kind"] == "nickname" else abbreviations
        target.setdefault(row["name"], []).append(row["variant"])
    naming = NAMING[setting]
    if naming == "en":  # English lists write initials for any given name
        for token in tokens:
            abbreviations.setdefault(token, []).append(f"{token[0]}.")
    municipios = sorted({r["municipio"] for r in place_rows})
    if naming == "es":
        place_forms = {m: municipio_forms(m) for m in municipios}
    else:
        place_forms = {m: (m,) for m in municipios}

    return Vocabulary(
        setting=setting,
        naming=naming,
        given_tokens=np.array(tokens, dtype=object),
        given=given,
        compound_share=COMPOUND_SHARE[setting],
        surnames=surnames,
        surname_table=surname_table,
        rare_surname_codes=np.arange(len(listed), len(surnames), dtype=np.int32),
        colonias=np.array([r["colonia"] for r in place_rows], dtype=object),
        municipios=np.array([r["municipio"] for r in place_rows], dtype=object),
        place_table=place_table,
        postcode_areas=np.array([r.get("postcode") or "" for r in place_rows], dtype=object),
        place_forms=place_forms,
        nicknames={k: tuple(v) for k, v in nicknames.items()},
        abbreviations={k: tuple(v) for k, v in abbreviations.items()},
    )


MUNICIPIO_FORMS: dict[str, tuple[str, ...]] = {
    "Juárez": ("Ciudad Juárez", "Cd. Juárez", "Juárez", "Juárez, Chih.", "Cd. Juarez"),
    "Chihuahua": ("Chihuahua", "Chihuahua, Chih.", "Chihuahua capital"),
    "Cuauhtémoc": ("Cuauhtémoc", "Cd. Cuauhtémoc", "Cuauhtémoc, Chih."),
    "Delicias": ("Delicias", "Cd. Delicias", "Delicias, Chih."),
    "Hidalgo del Parral": ("Hidalgo del Parral", "Parral", "Parral, Chih."),
    "Nuevo Casas Grandes": ("Nuevo Casas Grandes", "N. Casas Grandes", "NCG"),
    "Guadalupe": ("Guadalupe", "Guadalupe D.B.", "Guadalupe, Chih."),
    "Práxedis G. Guerrero": ("Práxedis G. Guerrero", "Praxedis", "Práxedis Guerrero"),
}
"""Ways a municipio is written: the first form is the formal one, the others variants."""


def municipio_forms(municipio: str) -> tuple[str, ...]:
    """The ways a list may write a municipio of Chihuahua (the formal form first)."""
    return MUNICIPIO_FORMS.get(municipio, (municipio, f"{municipio}, Chih."))
