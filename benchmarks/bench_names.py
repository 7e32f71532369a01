"""Benchmark: standardise 1,000,000 synthetic full names (recuento.people.names).

Names are composed from vocabulary lists below (common Mexican given names and surnames,
drawn with Zipf-like weights so that common names repeat as they do in real lists), with the
variations lists show: capitals without accents, missing second surname, surnames first with a
comma, "Ma." abbreviations, nicknames, compound given names with particles, married forms.
All synthetic: no record of any person.

Run:
    python benchmarks/bench_names.py [--n 1000000] [--seed 7]

Prints the wall time of the standardisation loop (names generated beforehand), names per
second, cache statistics and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import unicodedata

from recuento.people.names import standardise_name
from recuento.people.phonetic import phonetic_key

FEMALE = [
    "María Guadalupe",
    "María",
    "Guadalupe",
    "Juana",
    "Margarita",
    "Verónica",
    "Leticia",
    "Rosa María",
    "Francisca",
    "Teresa",
    "Alicia",
    "María Elena",
    "Yolanda",
    "Patricia",
    "Gabriela",
    "Silvia",
    "Martha",
    "Sandra",
    "Laura",
    "Araceli",
    "Claudia",
    "Norma",
    "Elizabeth",
    "Adriana",
    "Rocío",
    "Ana María",
    "Maribel",
    "Karina",
    "Mónica",
    "María del Carmen",
    "María de Lourdes",
    "María de los Ángeles",
    "María de Jesús",
    "Esperanza",
    "Brenda",
    "Lorena",
    "Diana",
    "Alejandra",
    "Érika",
    "Fabiola",
    "Cecilia",
    "Sofía",
    "Ximena",
    "Valeria",
    "Daniela",
    "Paola",
    "Jessica",
    "Karla",
    "Itzel",
    "Nayeli",
    "Citlali",
    "Xóchitl",
    "Dulce María",
    "Ana Karen",
    "Luz María",
    "María Isabel",
    "María Fernanda",
    "Irma",
    "Rosario",
    "Consuelo",
    "Dolores",
    "Graciela",
    "Marcela",
    "Lucía",
]
MALE = [
    "José Luis",
    "Juan",
    "José",
    "Miguel Ángel",
    "Francisco",
    "Jesús",
    "Antonio",
    "Alejandro",
    "Pedro",
    "Juan Carlos",
    "Manuel",
    "Ricardo",
    "Fernando",
    "Jorge",
    "Roberto",
    "Eduardo",
    "Carlos",
    "Sergio",
    "Arturo",
    "Javier",
    "Rafael",
    "Martín",
    "Salvador",
    "Enrique",
    "Raúl",
    "Mario",
    "Héctor",
    "Víctor Manuel",
    "José Antonio",
    "Luis Enrique",
    "Juan de Dios",
    "José de Jesús",
    "Ignacio",
    "Guillermo",
    "Alberto",
    "Gerardo",
    "Óscar",
    "Rubén",
    "Daniel",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Rojas",
    "de la Cruz",
    "Contreras",
    "Salazar",
    "Luna",
    "Ortega",
    "Santiago",
    "Guerrero",
    "Estrada",
    "Bautista",
    "Cortés",
    "Soto",
    "Alvarado",
    "Espinoza",
    "Lara",
    "Ávila",
    "Ríos",
    "Cervantes",
    "Silva",
    "Delgado",
    "Vega",
    "Márquez",
    "Sandoval",
    "Fernández",
    "León",
    "Carrillo",
    "Mejía",
    "Solís",
    "Núñez",
    "Rosas",
    "Valdez",
    "Ibarra",
    "Campos",
    "Cabrera",
    "Navarro",
    "Pacheco",
    "de León",
    "Nava",
    "Robles",
    "Molina",
    "Zamora",
    "Acosta",
    "Díaz de León",
    "Ponce",
    "del Ángel",
    "San Juan",
    "Quiroz",
    "Yáñez",
    "Zavala",
    "Trejo",
    "Esquivel",
    "Olvera",
    "Villanueva",
    "Barrera",
    "Cisneros",
    "Tapia",
    "Lozano",
    "Velasco",
    "Orozco",
    "Ochoa",
]
NICKNAMES = [
    "Lupita",
    "Lupe",
    "Chuy",
    "Paco",
    "Pancho",
    "Beto",
    "Lety",
    "Pepe",
    "Chela",
    "Memo",
    "Lalo",
    "Toño",
    "Nacho",
    "Chayo",
]


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_names(n: int, seed: int) -> list[str]:
    """Return ``n`` synthetic full names with realistic repetition and variation."""
    rng = random.Random(seed)
    female = rng.choices(FEMALE, _zipf_weights(len(FEMALE)), k=n)
    male = rng.choices(MALE, _zipf_weights(len(MALE)), k=n)
    w = _zipf_weights(len(SURNAMES), 0.8)
    first = rng.choices(SURNAMES, w, k=n)
    second = rng.choices(SURNAMES, w, k=n)
    out = []
    for i in range(n):
        given = female[i] if rng.random() < 0.7 else male[i]
        r = rng.random()
        if r < 0.03:
            given = rng.choice(NICKNAMES)
        elif r < 0.08 and given.startswith("María "):
            given = "Ma. " + given[6:]
        s1, s2 = first[i], second[i]
        r = rng.random()
        if r < 0.10:
            name = f"{given} {s1}"
        elif r < 0.20:
            name = f"{s1} {s2}, {given}"
        elif r < 0.22:
            name = f"{given} {s1} de {s2.split()[-1]}"
        else:
            name = f"{given} {s1} {s2}"
        if rng.random() < 0.35:
            name = _strip_accents(name).upper()
        out.append(name)
    return out


def make_parts(n: int, seed: int) -> list[tuple[str, str, str | None]]:
    """Return ``n`` synthetic (given names, first surname, second surname) records."""
    rng = random.Random(seed)
    given = rng.choices(FEMALE + MALE, k=n)
    w = _zipf_weights(len(SURNAMES), 0.8)
    first = rng.choices(SURNAMES, w, k=n)
    second = rng.choices(SURNAMES, w, k=n)
    out: list[tuple[str, str, str | None]] = []
    for i in range(n):
        record = (given[i], first[i], second[i] if rng.random() > 0.1 else None)
        if rng.random() < 0.35:
            record = tuple(_strip_accents(p).upper() if p else p for p in record)  # type: ignore[assignment]
        out.append(record)
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    names = make_names(args.n, args.seed)
    t_make = time.perf_counter() - t0
    print(f"generated {len(names):,} names ({len(set(names)):,} distinct) in {t_make:.1f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    checksum = 0
    for name in names:
        person = standardise_name(full_name=name)
        checksum += len(person.tokens)
    t_std, c_std = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"standardise_name(full_name=...): {t_std:.2f} s wall, {c_std:.2f} s CPU, "
        f"{len(names) / t_std:,.0f} names/s (tokens checksum {checksum})"
    )
    print(f"  cache: {standardise_name.cache_info()}")

    parts = make_parts(args.n, args.seed + 1)
    t0, c0 = time.perf_counter(), time.process_time()
    for g, f, m in parts:
        standardise_name(given_names=g, first_surname=f, second_surname=m)
    t_parts, c_parts = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"standardise_name(given_names=, first_surname=, second_surname=): {t_parts:.2f} s wall, "
        f"{c_parts:.2f} s CPU, {len(parts) / t_parts:,.0f} records/s"
    )

    t0, c0 = time.perf_counter(), time.process_time()
    for name in names:
        phonetic_key(name)
    t_ph, c_ph = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"phonetic_key(full name): {t_ph:.2f} s wall, {c_ph:.2f} s CPU, "
        f"{len(names) / t_ph:,.0f} names/s"
    )
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
