"""Vocabulary for synthetic people: given names, surnames, places and name variants.

The vocabulary is frequency-weighted word lists, not personal records. Each *setting* (the
Mexican ``"juarez"`` setting today; a UK membership roll is planned, see
:data:`SETTINGS`) has its own files under ``recuento/simulate/data/``:

- ``<prefix>_given_names.csv``: ``name,sex,role,weight``; ``role`` is ``single`` (used
  alone), ``first`` or ``second`` (the two elements of a compound given name such as
  *María Guadalupe* or *José Luis*).
- ``<prefix>_surnames.csv``: ``surname,weight``. A synthetic rare tail is added in code
  (:func:`_rare_surnames`) so that, at any size, some surnames are rare and term frequency
  matters as it does in real lists.
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


@cache
def load_vocabulary(setting: str = "juarez", rare_surname_share: float = 0.08) -> Vocabulary:
    """Load the vocabulary of a setting (cached).

    Args:
        setting: one of :data:`SETTINGS`.
        rare_surname_share: share of surname draws that come from the synthetic rare tail.

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
    tail = _rare_surnames(set(listed))
    # Zipf-like weights inside the tail, scaled so that the tail is `rare_surname_share`.
    ranks = np.arange(1, len(tail) + 1, dtype=np.float64)
    tail_w = 1.0 / ranks**0.6
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
