"""Synthetic missing persons and degraded remains, with the true pairs known.

For tests and the matching benchmark. Each synthetic woman has a description as a family
gives it (age, height, marks, clothing at disappearance, sometimes dental notes); when
she is found, a remains record describes her as a forensic service would after time has
passed: the condition follows the time to the finding (recognisable in the first days,
decomposed or mummified in the desert, skeletal after a year, sometimes burned), age and
height are estimated as ranges, clothing is partly lost and its colours fade, skin marks
become unreadable on skeletal or burned remains, are recorded on a neighbouring body part,
on the other side, or as a generic mark, and description words are lost. Other remains
(people nobody reported in this list) and decoys (records that copy a case's kind of tattoo,
location and clothing) share the file.

The forensic estimates err, but never by more than the widening the exclusion allows for
that condition (:mod:`recuento.match.exclude`): "no true match excluded" then tests the
code, not the anthropologist. Nothing here describes a real person.

Example:
    >>> from recuento.simulate import synthetic_pairs
    >>> data = synthetic_pairs(5, extra_remains=10, seed=1)
    >>> len(data.missing), len(data.remains), len(data.truth)
    (5, 15, 5)
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, replace

from recuento.match import vocab
from recuento.match.index import Tolerances
from recuento.match.records import Garment, Mark, MissingPerson, Remains
from recuento.people.dates import PartialDate

__all__ = ["SyntheticMatching", "synthetic_pairs"]

_CENTRE = (31.69, -106.42)  # Ciudad Juárez
_START = datetime.date(1995, 1, 1).toordinal()
_END = datetime.date(2012, 12, 31).toordinal()

_MARK_TYPES = [
    ("tattoo", 45),
    ("scar", 20),
    ("mole", 12),
    ("birthmark", 5),
    ("piercing", 8),
    ("fracture", 4),
    ("prosthesis", 3),
    ("amputation", 1),
    ("malformation", 2),
]
_PARTS = {
    "tattoo": [
        "forearm",
        "wrist",
        "back",
        "ankle",
        "shoulder",
        "hand",
        "lower_back",
        "chest",
        "neck",
        "thigh",
        "leg",
        "finger",
        "nape",
        "upper_arm",
        "hip",
        "foot",
        "breast",
    ],
    "scar": [
        "abdomen",
        "knee",
        "face",
        "hand",
        "forearm",
        "leg",
        "upper_arm",
        "chest",
        "finger",
        "foot",
        "head",
    ],
    "mole": ["face", "neck", "back", "chest", "upper_arm", "abdomen", "leg", "shoulder"],
    "birthmark": ["back", "thigh", "neck", "abdomen", "upper_arm", "face", "buttock"],
    "piercing": ["ear", "nose", "navel", "mouth", "face"],
    "fracture": ["forearm", "leg", "wrist", "upper_arm", "ankle", "finger"],
    "prosthesis": ["hip", "knee", "leg", "mouth"],
    "amputation": ["finger", "hand", "foot", "leg"],
    "malformation": ["hand", "foot", "finger", "leg"],
}
_CENTRAL = {"back", "lower_back", "chest", "abdomen", "nape", "navel", "neck", "mouth", "nose"}
_MOTIFS = [
    "rose",
    "butterfly",
    "heart",
    "star",
    "cross",
    "virgin",
    "flower",
    "bird",
    "moon",
    "name",
    "sun",
    "skull",
    "angel",
    "infinity",
    "tribal",
    "dolphin",
    "snake",
    "dragon",
    "crown",
    "feather",
    "cat",
    "anchor",
    "fish",
    "leaf",
    "date",
]
_SCAR_WORDS = [
    "cesárea",
    "quirúrgica",
    "quemadura",
    "accidente",
    "lineal",
    "queloide",
    "operación",
    "apendicitis",
    "vertical",
    "horizontal",
    "irregular",
    "puntos",
]
_MOLE_WORDS = ["pequeño", "grande", "oscuro", "café", "abultado", "redondo", "plano"]
_BRANDS = [
    "nike",
    "adidas",
    "levis",
    "converse",
    "puma",
    "vans",
    "zara",
    "shein",
    "coppel",
    "andrea",
    "flexi",
    "reebok",
    "aeropostale",
    "hollister",
    "guess",
    "skechers",
    "oggi",
    "furor",
    "cklass",
    "bershka",
]
_PRINTS = [
    "estampado",
    "letras",
    "brillos",
    "rota",
    "rodillas",
    "bordado",
    "encaje",
    "botones",
    "cierre",
    "capucha",
    "rayas",
    "lentejuelas",
    "logotipo",
    "dibujo",
    "moño",
]
_JEWEL_WORDS = [
    "oro",
    "plata",
    "dije",
    "corazón",
    "cruz",
    "letra",
    "perla",
    "piedra",
    "rosario",
    "virgen",
    "estrella",
    "mariposa",
    "iniciales",
    "fantasía",
]
_DENTAL = [
    "corona",
    "oro",
    "incisivo",
    "central",
    "superior",
    "inferior",
    "molar",
    "falta",
    "brackets",
    "amalgama",
    "despostillado",
    "canino",
    "izquierdo",
    "derecho",
    "puente",
    "resina",
    "endodoncia",
    "apiñamiento",
    "diastema",
    "plata",
]
_TOPS = ["blouse", "tshirt", "shirt", "sweater", "sweatshirt", "jacket", "coat"]
_BOTTOMS = ["jeans", "trousers", "skirt", "leggings", "shorts", "dress"]
_FEET = ["sneakers", "shoes", "sandals", "boots"]
_EXTRAS = [
    "earrings",
    "necklace",
    "ring",
    "bracelet",
    "watch",
    "bag",
    "backpack",
    "phone",
    "hair_tie",
    "rosary",
    "belt",
    "cap",
    "glasses",
    "wallet",
    "socks",
    "bra",
]
_COLOURS = [
    "black",
    "white",
    "blue",
    "red",
    "pink",
    "grey",
    "navy",
    "green",
    "beige",
    "brown",
    "purple",
    "yellow",
    "light_blue",
    "maroon",
    "orange",
    "multicolour",
]
_DURABLE = {"jewellery", "effects"}
# Probability that a skin mark stays readable, and that a fabric garment survives.
_SKIN_KEPT = {
    "recognisable": 0.95,
    "decomposed": 0.65,
    "mummified": 0.5,
    "skeletal": 0.03,
    "burned": 0.05,
    "fragmented": 0.1,
}
_FABRIC_KEPT = {
    "recognisable": 0.95,
    "decomposed": 0.85,
    "mummified": 0.8,
    "skeletal": 0.7,
    "burned": 0.3,
    "fragmented": 0.4,
}
_WORDS_KEPT = {
    "recognisable": 0.9,
    "decomposed": 0.6,
    "mummified": 0.5,
    "skeletal": 0.5,
    "burned": 0.4,
    "fragmented": 0.5,
}


@dataclass
class SyntheticMatching:
    """Synthetic missing persons and remains with the truth.

    Args:
        missing: the missing persons.
        remains: every remains record, shuffled (true ones, others and decoys).
        truth: for each missing id, the id of her remains.
    """

    missing: list[MissingPerson]
    remains: list[Remains]
    truth: dict[str, str]


def _zipf(rng: random.Random, items: list[str], exponent: float = 1.0) -> str:
    weights = [1.0 / (i + 1) ** exponent for i in range(len(items))]
    return rng.choices(items, weights)[0]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        names = vocab_given_names()
        self.names = names
        self.widen = Tolerances.default()

    # -- people -------------------------------------------------------------------------------

    def mark(self) -> Mark:
        rng = self.rng
        kind = rng.choices([k for k, _ in _MARK_TYPES], [w for _, w in _MARK_TYPES])[0]
        part = _zipf(rng, _PARTS[kind], 0.7)
        side = "centre" if part in _CENTRAL else rng.choice(["left", "right"])
        if kind == "tattoo":
            words = [_zipf(rng, _MOTIFS, 1.1) for _ in range(rng.choice([1, 1, 2]))]
            if rng.random() < 0.45:
                words += ["name", _zipf(rng, self.names, 0.6)]
            if rng.random() < 0.1:
                words.append(str(rng.randint(1980, 2010)))
            text = " ".join(self._spanish(w) for w in words)
        elif kind == "scar":
            text = " ".join(rng.sample(_SCAR_WORDS, 2))
        elif kind == "mole":
            text = rng.choice(_MOLE_WORDS)
        else:
            text = ""
        return Mark(kind, part, side, text, vocab.description_tokens(text))

    def _spanish(self, word: str) -> str:
        table = vocab.motifs()
        return table[word].es if word in table else word

    def garment(self, key: str) -> Garment:
        rng = self.rng
        group = vocab.garments()[key].extra["group"]
        words: list[str] = []
        if group == "jewellery":
            colour = rng.choice(["gold", "silver", "silver", "gold", None])
            words = rng.sample(_JEWEL_WORDS, rng.randint(1, 2))
        else:
            colour = _zipf(rng, _COLOURS, 0.9)
            if rng.random() < 0.45:
                words.append(_zipf(rng, _BRANDS, 0.8))
            if rng.random() < 0.4:
                words.append(rng.choice(_PRINTS))
        text = " ".join(words)
        return Garment(key, colour, text, vocab.description_tokens(text))

    def person(self, pid: str, sex: str = "F") -> tuple[MissingPerson, dict]:
        rng = self.rng
        age = min(60.0, max(12.0, rng.gauss(21, 7) if sex == "F" else rng.gauss(30, 9)))
        height = rng.gauss(158, 6.5) if sex == "F" else rng.gauss(170, 7)
        marks = tuple(self.mark() for _ in range(min(4, _poisson(rng, 1.3))))
        clothing = [
            self.garment(rng.choice(_TOPS)),
            self.garment(rng.choice(_BOTTOMS)),
            self.garment(rng.choice(_FEET)),
        ]
        clothing += [self.garment(rng.choice(_EXTRAS)) for _ in range(rng.randint(0, 2))]
        dental = (
            vocab.description_tokens(" ".join(rng.sample(_DENTAL, 3)))
            if rng.random() < 0.25
            else frozenset()
        )
        seen = rng.randint(_START, _END)
        angle, radius = rng.uniform(0, 2 * math.pi), abs(rng.gauss(0, 6))
        lat, lon = _move(_CENTRE, angle, radius)
        truth = {
            "sex": sex,
            "age": age,
            "height": height,
            "seen": seen,
            "lat": lat,
            "lon": lon,
            "marks": marks,
            "clothing": tuple(clothing),
            "dental": dental,
        }
        # The family's description: exact age or a year's range; height rounded to a range.
        a = round(age)
        h = round(height + max(-3.0, min(3.0, rng.gauss(0, 1.5))))
        width = rng.choice([2, 3, 5])
        told_marks = tuple(
            m
            for m in marks
            if rng.random()
            < (0.6 if vocab.mark_types()[m.type or "mark"].extra["tissue"] == "bone" else 0.9)
        )
        case = MissingPerson(
            id=pid,
            sex=sex,
            age_min=a,
            age_max=a + rng.choice([0, 0, 1]),
            height_min_cm=h - width,
            height_max_cm=h + width,
            place=f"colonia {rng.randint(1, 400)}",
            lat=round(lat, 4),
            lon=round(lon, 4),
            marks=told_marks,
            clothing=tuple(clothing),
            dental=dental,
            eyes=rng.choice(["cafés", "negros", "miel"]),
            hair=rng.choice(["negro", "castaño"]),
            last_seen=PartialDate.from_date(datetime.date.fromordinal(seen)),
        )
        return case, truth

    # -- remains ------------------------------------------------------------------------------

    def condition(self, days: int) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.08:
            return "burned"
        if roll < 0.12:
            return "fragmented"
        if days < 5:
            return "recognisable"
        if days < 60:
            return rng.choice(["decomposed", "decomposed", "mummified"])
        if days < 400:
            return rng.choice(["mummified", "skeletal", "decomposed"])
        return rng.choice(["skeletal", "skeletal", "skeletal", "mummified"])

    def estimate(self, true: float, half: float, widen: float) -> tuple[float, float]:
        """A range of half-width ``half`` around an erring centre, truth within the widening."""
        error = max(-half - 0.6 * widen, min(half + 0.6 * widen, self.rng.gauss(0, half / 2)))
        centre = true + error
        return round(centre - half), round(centre + half)

    def degrade_mark(self, mark: Mark, condition: str) -> Mark | None:
        rng = self.rng
        tissue = vocab.mark_types()[mark.type or "mark"].extra["tissue"]
        kept = _SKIN_KEPT[condition] if tissue == "skin" else 0.85
        if rng.random() > kept:
            return None
        part, side, kind = mark.body_part, mark.side, mark.type
        if part is not None and rng.random() < 0.2:
            part = rng.choice(sorted(vocab.neighbours()[part]))
        if side in {"left", "right"} and rng.random() < 0.1:
            side = "right" if side == "left" else "left"
        if rng.random() < 0.15:
            side = None
        if tissue == "skin" and condition != "recognisable" and rng.random() < 0.15:
            kind = "mark"
        words = [t for t in sorted(mark.tokens) if rng.random() < _WORDS_KEPT[condition]]
        if rng.random() < 0.15:  # recorded in English by another service
            table = vocab.motifs()
            text = " ".join(table[w].en if w in table else w for w in words)
        else:
            text = " ".join(self._spanish(w) for w in words)
        return Mark(kind, part, side, text, vocab.description_tokens(text))

    def degrade_garment(self, item: Garment, condition: str) -> Garment | None:
        rng = self.rng
        group = vocab.garments()[item.garment or "bag"].extra["group"]
        kept = 0.85 if group in _DURABLE else _FABRIC_KEPT[condition]
        if rng.random() > kept:
            return None
        colour = item.colour
        if colour is not None and condition != "recognisable" and rng.random() < 0.3:
            family = vocab.colours()[colour].extra["family"]
            similar = [k for k, t in vocab.colours().terms.items() if t.extra["family"] == family]
            colour = rng.choice([*similar, None])
        words = [w for w in item.description.split() if rng.random() < _WORDS_KEPT[condition]]
        text = " ".join(words)
        return Garment(item.garment, colour, text, vocab.description_tokens(text))

    def remains(self, rid: str, truth: dict) -> Remains:
        rng = self.rng
        days = int(rng.expovariate(1 / 500)) if rng.random() > 0.1 else rng.randint(0, 14)
        death = truth["seen"] + min(days, int(rng.expovariate(1 / 10)))
        found = truth["seen"] + days
        condition = self.condition(days)
        age_at_death = truth["age"] + (death - truth["seen"]) / 365.2425
        half_age = {"recognisable": 3, "decomposed": 4, "mummified": 5}.get(condition, 6)
        half_height = {"recognisable": 3, "decomposed": 4}.get(condition, 5)
        age = self.estimate(age_at_death, half_age, self.widen.age(condition))
        height = self.estimate(truth["height"], half_height, self.widen.height(condition))
        known = condition in {"recognisable", "decomposed"} or rng.random() > 0.15
        sex = truth["sex"] if known else None
        marks = tuple(m for m in (self.degrade_mark(x, condition) for x in truth["marks"]) if m)
        clothing = tuple(
            g for g in (self.degrade_garment(x, condition) for x in truth["clothing"]) if g
        )
        dental = truth["dental"]
        if dental:
            dental = frozenset(w for w in dental if rng.random() < 0.8)
        angle, radius = rng.uniform(0, 2 * math.pi), rng.expovariate(1 / 20)
        lat, lon = _move((truth["lat"], truth["lon"]), angle, radius)
        return Remains(
            id=rid,
            sex=sex,
            age_min=max(0, age[0]),
            age_max=age[1],
            height_min_cm=height[0],
            height_max_cm=height[1],
            place=f"colonia {rng.randint(1, 400)}",
            lat=round(lat, 4),
            lon=round(lon, 4),
            marks=marks,
            clothing=clothing,
            dental=dental,
            eyes=rng.choice(["", "cafés", "claros"]),
            hair=rng.choice(["", "negro", "castaño"]),
            found=PartialDate.from_date(datetime.date.fromordinal(min(found, 740000))),
            condition=condition,
        )

    def decoy(self, rid: str, case: MissingPerson, truth: dict) -> Remains:
        """Another woman who shares the case's kind of mark, place on the body and clothes."""
        _, other = self.person("decoy")
        copied_marks = tuple(
            replace(m, tokens=frozenset(t for t in m.tokens if t in _MOTIFS))
            for m in case.marks[:1]
        )
        other["marks"] = copied_marks + other["marks"][:1]
        other["clothing"] = tuple(  # the same kinds of garment, half in the same colours
            self.garment(g.garment)
            if self.rng.random() < 0.5
            else Garment(g.garment, g.colour, "", frozenset())
            for g in case.clothing
            if g.garment
        )
        other["seen"] = truth["seen"] + self.rng.randint(-400, 400)
        return self.remains(rid, other)


def vocab_given_names() -> list[str]:
    """Common given names (female Spanish first), from ``recuento.people`` vocabulary."""
    from importlib import resources

    text = resources.files("recuento.people").joinpath("data", "given_names.csv").read_text("utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:] if line]
    return [name for name, group in rows if group == "es-female"]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _move(point: tuple[float, float], angle: float, km: float) -> tuple[float, float]:
    lat = point[0] + km * math.cos(angle) / 111.0
    lon = point[1] + km * math.sin(angle) / (111.0 * math.cos(math.radians(point[0])))
    return lat, lon


def synthetic_pairs(
    n_cases: int,
    extra_remains: int = 0,
    *,
    decoy_share: float = 0.3,
    male_share: float = 0.25,
    seed: int = 0,
) -> SyntheticMatching:
    """Missing persons, each with her remains among others, and the truth.

    Args:
        n_cases: missing persons; each has one true remains record.
        extra_remains: further remains records of people not in the missing list; a share
            ``decoy_share`` of them are women who copy a case's kind of mark, body part and
            clothes.
        decoy_share: see ``extra_remains``.
        male_share: share of the other (not decoy) remains that are men's, as morgues
            hold men's remains too (the sex exclusion then has work to do).
        seed: random seed; the same seed gives the same data.

    Returns:
        The records and the truth (missing id to remains id).
    """
    gen = _Generator(seed)
    missing: list[MissingPerson] = []
    truths: list[dict] = []
    for i in range(n_cases):
        case, truth = gen.person(f"D{i + 1:05d}")
        missing.append(case)
        truths.append(truth)
    labels = list(range(n_cases + extra_remains))
    gen.rng.shuffle(labels)
    remains = [gen.remains(f"R{labels[i] + 1:06d}", t) for i, t in enumerate(truths)]
    truth = {case.id: r.id for case, r in zip(missing, remains, strict=True)}
    for j in range(extra_remains):
        rid = f"R{labels[n_cases + j] + 1:06d}"
        if missing and gen.rng.random() < decoy_share:
            k = gen.rng.randrange(n_cases)
            remains.append(gen.decoy(rid, missing[k], truths[k]))
        else:
            _, other = gen.person("other", "M" if gen.rng.random() < male_share else "F")
            remains.append(gen.remains(rid, other))
    remains.sort(key=lambda r: r.id)
    return SyntheticMatching(missing, remains, truth)
