"""Synthetic populations: the true people that simulated lists record.

:func:`simulate_population` draws ``n`` people at once with numpy (a million take a few
seconds): sex, given names (compound ones such as *María Guadalupe* are common), paternal
and maternal surnames from a heavy-tailed frequency table, the date of the event
(disappearance or death) and the age at the event, the birth date that goes with them, the
place, and a CURP-like key. Everything is synthetic; no real person is in it.

The CURP-like key follows the layout of Mexico's CURP (four letters from the names, the
birth date, sex, a state code, three consonants, a homoclave and a check digit) but its
check digit is deliberately wrong, so that it can never be mistaken for a real CURP.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recuento.simulate.styles import SimulationError
from recuento.simulate.vocab import FEMALE, MALE, Vocabulary, load_vocabulary

DEFAULT_YEARS: dict[str, tuple[int, int]] = {"juarez": (1993, 2023), "uk": (2015, 2017)}
"""Default range of event years (inclusive) per setting: in the UK setting the event is
joining the organisation."""

DEFAULT_SHARE_FEMALE: dict[str, float] = {"juarez": 0.8, "uk": 0.5}
"""Default share of women per setting."""

# Synthetic e-mail domains under the reserved .example top-level domain (RFC 2606): the
# shape of real addresses (a few big providers) without any address that could exist.
_EMAIL_DOMAINS = (
    "gmail.example", "hotmail.example", "outlook.example", "yahoo.example",
    "btinternet.example", "icloud.example", "proton.example",
)  # fmt: skip
_EMAIL_DOMAIN_P = (0.40, 0.18, 0.12, 0.10, 0.08, 0.07, 0.05)
_POSTCODE_UNIT = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the last part of UK postcodes

# CURP state codes: Chihuahua most of the time, then states people migrate from to Juárez.
_STATES = ("CH", "DG", "CL", "ZS", "VZ", "CO", "DF", "SP", "TS", "OC", "NE")
_STATE_P = (0.70, 0.07, 0.04, 0.05, 0.05, 0.03, 0.02, 0.01, 0.01, 0.01, 0.01)
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_PARTICLES = {"DE", "DEL", "LA", "LAS", "LOS", "Y", "MC", "MAC", "VAN", "VON", "DA", "DI"}
_COMMON_FIRST = {"MARIA", "MA.", "MA", "JOSE", "J.", "J"}


def _year_weights(years: tuple[int, int], setting: str) -> np.ndarray:
    """Relative number of events per year: in Juárez, the 2008-2012 peak; else uniform."""
    ys = np.arange(years[0], years[1] + 1)
    w = np.ones(len(ys))
    if setting == "juarez":
        w[(ys >= 2008) & (ys <= 2012)] = 3.5
        w[ys > 2012] = 1.6
    return w / w.sum()


@dataclass
class Population:
    """A synthetic population, one entry per person in each array (columnar).

    Attributes:
        setting: the vocabulary setting (``"juarez"``).
        seed: the seed it was drawn with.
        vocab: the vocabulary the codes refer to.
        sex: 0 = female, 1 = male (:data:`~recuento.simulate.vocab.FEMALE`, ``MALE``).
        given1, given2: codes into ``vocab.given_tokens``; ``given2`` is -1 when the given
            name is not compound.
        surname1, surname2: codes into ``vocab.surnames``; ``surname2`` is -1 for the few
            people registered with one surname.
        birth_date, event_date: ``datetime64[D]`` arrays.
        age: age in whole years at the event.
        place: codes into ``vocab.colonias`` / ``vocab.municipios``.
        curp_state, curp_key: state index and a random key used to build the CURP-like id.
        postcode, email: UK setting only (``None`` otherwise): a synthetic postcode in the
            area of the person's local group, and an address under a ``.example`` domain.
    """

    setting: str
    seed: int
    vocab: Vocabulary
    sex: np.ndarray
    given1: np.ndarray
    given2: np.ndarray
    surname1: np.ndarray
    surname2: np.ndarray
    birth_date: np.ndarray
    event_date: np.ndarray
    age: np.ndarray
    place: np.ndarray
    curp_state: np.ndarray
    curp_key: np.ndarray
    postcode: np.ndarray | None = None
    email: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of people (the true population size N)."""
        return len(self.sex)

    def person_id(self, index: int) -> str:
        """The person id of row ``index`` (``P0000042``)."""
        return f"P{index:07d}"

    def person_ids(self, indexes: np.ndarray | None = None) -> list[str]:
        """Person ids of the given rows (all rows by default)."""
        rows = range(self.n) if indexes is None else indexes.tolist()
        return [f"P{i:07d}" for i in rows]

    def given_names(self, indexes: np.ndarray | None = None) -> list[str]:
        """Given names as written formally (``"María Guadalupe"``)."""
        idx = np.arange(self.n) if indexes is None else indexes
        tokens = self.vocab.given_tokens
        first = tokens[self.given1[idx]].tolist()
        g2 = self.given2[idx]
        second = np.where(g2 >= 0, tokens[np.maximum(g2, 0)], "").tolist()
        return [f"{a} {b}" if b else a for a, b in zip(first, second, strict=True)]

    def surnames(self, indexes: np.ndarray | None = None) -> tuple[list[str], list[str]]:
        """(paternal, maternal) surnames; the maternal one is ``""`` when absent."""
        idx = np.arange(self.n) if indexes is None else indexes
        s2 = self.surname2[idx]
        first = self.vocab.surnames[self.surname1[idx]].tolist()
        second = np.where(s2 >= 0, self.vocab.surnames[np.maximum(s2, 0)], "").tolist()
        return first, second

    def curp(self, indexes: np.ndarray | None = None) -> list[str]:
        """CURP-like keys (layout of a CURP, check digit deliberately wrong)."""
        idx = np.arange(self.n) if indexes is None else indexes
        given = self.given_names(idx)
        first, second = self.surnames(idx)
        ymd = self.birth_date[idx].astype(str).tolist()
        sexes = self.sex[idx].tolist()
        states = self.curp_state[idx].tolist()
        keys = self.curp_key[idx].tolist()
        return [
            _curp(g, s1, s2, d, sx, _STATES[st], k)
            for g, s1, s2, d, sx, st, k in zip(
                given, first, second, ymd, sexes, states, keys, strict=True
            )
        ]

    def to_columns(self) -> dict[str, list[str]]:
        """The whole population as text columns (for a ``population.csv``): a CURP-like key
        in the Juárez setting, postcode and e-mail in the UK setting."""
        first, second = self.surnames()
        if self.postcode is not None and self.email is not None:
            extra = {"postcode": self.postcode.tolist(), "email": self.email.tolist()}
        else:
            extra = {"curp": self.curp()}
        return {
            "person_id": self.person_ids(),
            "sex": np.where(self.sex == FEMALE, "F", "M").tolist(),
            "given_names": self.given_names(),
            "first_surname": first,
            "second_surname": second,
            "birth_date": self.birth_date.astype(str).tolist(),
            "age": self.age.astype(str).tolist(),
            "event_date": self.event_date.astype(str).tolist(),
            "colonia": self.vocab.colonias[self.place].tolist(),
            "municipio": self.vocab.municipios[self.place].tolist(),
            **extra,
        }


@lru_cache(maxsize=65536)
def _ascii_upper(text: str) -> str:
    text = text.upper().replace("Ñ", "\0")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\0", "Ñ")


@lru_cache(maxsize=65536)
def _main_word(name: str, skip_common: bool = False) -> str:
    words = [w for w in _ascii_upper(name).split() if w not in _PARTICLES]
    if skip_common and len(words) > 1 and words[0] in _COMMON_FIRST:
        words = words[1:]
    return words[0] if words else "X"


@lru_cache(maxsize=65536)
def _first_internal(word: str, vowels: bool) -> str:
    for c in word[1:]:
        if (c in "AEIOU") == vowels and c.isalpha():
            return "X" if c == "Ñ" else c
    return "X"


def _curp(given: str, s1: str, s2: str, iso: str, sex: int, state: str, key: int) -> str:
    w1, w2, wg = _main_word(s1), _main_word(s2) if s2 else "X", _main_word(given, True)
    head = w1[0] + _first_internal(w1, True) + w2[0] + wg[0]
    head = head.replace("Ñ", "X")
    year = int(iso[:4])
    body = iso[2:4] + iso[5:7] + iso[8:10] + ("M" if sex == FEMALE else "H") + state
    cons = _first_internal(w1, False) + _first_internal(w2, False) + _first_internal(wg, False)
    homoclave = str(key % 10) if year < 2000 else "ABCDEFGHIJKLMNPQRSTUVWXYZ"[key % 25]
    stem = head + body + cons + homoclave
    total = sum(_CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(stem))
    check = (10 - total % 10) % 10
    return stem + str((check + 1) % 10)  # deliberately not the valid check digit


def make_postcodes(areas: list[str], rng: np.random.Generator) -> list[str]:
    """Synthetic UK-format postcodes (``LS6 2QT``) in the given postcode areas."""
    n = len(areas)
    district = rng.integers(1, 21, n).tolist()
    sector = rng.integers(0, 10, n).tolist()
    u1 = rng.integers(0, len(_POSTCODE_UNIT), n).tolist()
    u2 = rng.integers(0, len(_POSTCODE_UNIT), n).tolist()
    units = _POSTCODE_UNIT
    return [
        f"{a}{d} {s}{units[x]}{units[y]}"
        for a, d, s, x, y in zip(areas, district, sector, u1, u2, strict=True)
    ]


@lru_cache(maxsize=65536)
def _email_word(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.split()[0].lower() if name else "x")
    return "".join(c for c in folded if c.isascii() and c.isalnum()) or "x"


def make_emails(given: list[str], surnames: list[str], rng: np.random.Generator) -> list[str]:
    """Synthetic e-mail addresses built from names, under reserved ``.example`` domains."""
    n = len(given)
    pattern = rng.integers(0, 5, n).tolist()
    number = rng.integers(1, 100, n).tolist()
    domain = rng.choice(len(_EMAIL_DOMAINS), size=n, p=_EMAIL_DOMAIN_P).tolist()
    out = []
    for g, s, k, num, d in zip(given, surnames, pattern, number, domain, strict=True):
        first, last = _email_word(g), _email_word(s.replace("'", "").replace("-", ""))
        local = (
            f"{first}.{last}",
            f"{first}{last}{num}",
            f"{first[0]}{last}",
            f"{first}_{last}{num}",
            f"{last}.{first}",
        )[k]
        out.append(f"{local}@{_EMAIL_DOMAINS[d]}")
    return out


def simulate_population(
    n: int,
    *,
    seed: int,
    setting: str = "juarez",
    share_female: float | None = None,
    years: tuple[int, int] | None = None,
    single_surname_share: float = 0.01,
) -> Population:
    """Draw a synthetic population of ``n`` people.

    Args:
        n: the true population size N (>= 1).
        seed: the random seed; the same seed gives the same population.
        setting: the vocabulary setting: ``"juarez"`` (the disappeared and murdered women
            of Ciudad Juárez; the event is the disappearance or death) or ``"uk"`` (members
            of a UK movement; the event is joining; each person has a postcode and an
            e-mail address).
        share_female: share of women; default 0.8 for Juárez, 0.5 for the UK.
        years: first and last year of the events, inclusive; default 1993-2023 for Juárez,
            2015-2017 for the UK.
        single_surname_share: share of people registered with one surname only (the UK
            setting always has one surname).

    Returns:
        The population, with every array of length ``n``.

    Raises:
        SimulationError: an argument is out of range or the setting is unknown.

    Example:
        >>> pop = simulate_population(1000, seed=1)
        >>> pop.n
        1000
    """
    if setting not in DEFAULT_YEARS:
        load_vocabulary(setting)  # raises the unknown-setting error
    share_female = DEFAULT_SHARE_FEMALE[setting] if share_female is None else share_female
    years = DEFAULT_YEARS[setting] if years is None else years
    problems = []
    if n < 1:
        problems.append(f"n must be at least 1 (got {n})")
    if not 0.0 <= share_female <= 1.0:
        problems.append(f"share_female must be between 0 and 1 (got {share_female})")
    if years[0] > years[1] or years[0] < 1900:
        problems.append(f"years must be (first, last) with 1900 <= first <= last (got {years})")
    if not 0.0 <= single_surname_share <= 1.0:
        problems.append("single_surname_share must be between 0 and 1")
    if problems:
        raise SimulationError("cannot simulate the population: " + "; ".join(problems) + ".")
    vocab = load_vocabulary(setting)
    rng = np.random.default_rng([seed, 1])

    sex = np.where(rng.random(n) < share_female, FEMALE, MALE).astype(np.uint8)
    given1 = np.zeros(n, dtype=np.int32)
    given2 = np.full(n, -1, dtype=np.int32)
    for code in (FEMALE, MALE):
        who = np.flatnonzero(sex == code)
        compound = rng.random(len(who)) < vocab.compound_share[code]
        single_rows, compound_rows = who[~compound], who[compound]
        given1[single_rows] = vocab.given[(code, "single")].draw(rng, len(single_rows))
        given1[compound_rows] = vocab.given[(code, "first")].draw(rng, len(compound_rows))
        given2[compound_rows] = vocab.given[(code, "second")].draw(rng, len(compound_rows))
        # "María María" and "José José" do not happen: redraw the second element.
        for _ in range(10):
            same = compound_rows[given1[compound_rows] == given2[compound_rows]]
            if len(same) == 0:
                break
            given2[same] = vocab.given[(code, "second")].draw(rng, len(same))
        same = compound_rows[given1[compound_rows] == given2[compound_rows]]
        given2[same] = -1

    surname1 = vocab.surname_table.draw(rng, n).astype(np.int32)
    surname2 = vocab.surname_table.draw(rng, n).astype(np.int32)
    surname2[rng.random(n) < single_surname_share] = -1
    if vocab.naming == "en":
        surname2[:] = -1

    year_p = _year_weights(years, setting)
    event_year = years[0] + rng.choice(len(year_p), size=n, p=year_p)
    start = (event_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = (event_year - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    length = (end - start).astype(np.int64)
    event_date = start + (rng.random(n) * length).astype(np.int64)

    age = _draw_ages(rng, sex) if setting == "juarez" else _draw_adult_ages(rng, n)
    # A birth date `age` years and a random part of a year before the event; the age is then
    # recomputed from the two dates so that all three always agree.
    offset = (age * 365.2425 + rng.random(n) * 365.0).astype(np.int64)
    birth_date = event_date - offset
    for _ in range(3):  # leap days can leave a birth date a day off the drawn age
        got = _age_at(birth_date, event_date)
        birth_date = birth_date - (got < age).astype("timedelta64[D]")
        birth_date = birth_date + (got > age).astype("timedelta64[D]")
    age = _age_at(birth_date, event_date)

    place = vocab.place_table.draw(rng, n).astype(np.int32)
    curp_state = rng.choice(len(_STATES), size=n, p=_STATE_P).astype(np.int8)
    curp_key = rng.integers(0, 2**31 - 1, size=n, dtype=np.int64)
    postcode = email = None
    if vocab.naming == "en":
        postcode = np.array(make_postcodes(vocab.postcode_areas[place].tolist(), rng), dtype=object)
        tokens = vocab.given_tokens
        email = np.array(
            make_emails(tokens[given1].tolist(), vocab.surnames[surname1].tolist(), rng),
            dtype=object,
        )
    return Population(
        setting=setting,
        seed=seed,
        vocab=vocab,
        sex=sex,
        given1=given1,
        given2=given2,
        surname1=surname1,
        surname2=surname2,
        birth_date=birth_date,
        event_date=event_date,
        age=age,
        place=place,
        curp_state=curp_state,
        curp_key=curp_key,
        postcode=postcode,
        email=email,
    )


def _draw_ages(rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
    """Ages at the event: girls and young women dominate among women victims."""
    n = len(sex)
    band = np.where(
        sex == FEMALE,
        rng.choice(3, size=n, p=(0.55, 0.30, 0.15)),
        rng.choice(3, size=n, p=(0.15, 0.55, 0.30)),
    )
    low = np.where(sex == FEMALE, np.array([12, 23, 36])[band], np.array([13, 18, 36])[band])
    high = np.where(sex == FEMALE, np.array([22, 35, 75])[band], np.array([17, 35, 70])[band])
    return (low + (rng.random(n) * (high - low + 1)).astype(np.int64)).astype(np.int64)


def _draw_adult_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages of members of a political organisation: adults, older ages well represented."""
    band = rng.choice(4, size=n, p=(0.2, 0.25, 0.35, 0.2))
    low, high = np.array([18, 30, 45, 65])[band], np.array([29, 44, 64, 85])[band]
    return (low + (rng.random(n) * (high - low + 1)).astype(np.int64)).astype(np.int64)


def _age_at(birth: np.ndarray, event: np.ndarray) -> np.ndarray:
    """Whole years between two ``datetime64[D]`` arrays (vectorised)."""
    by, bm, bd = split_dates(birth)
    ey, em, ed = split_dates(event)
    before = (em < bm) | ((em == bm) & (ed < bd))
    return (ey - by - before).astype(np.int16)


def split_dates(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of a ``datetime64[D]`` array."""
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    y = years.astype(np.int64) + 1970
    m = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    d = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d
