"""Benchmark: parsing a million dates, ages and sexes as a list of people holds them.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_dates.py [--rows 1000000] [--distinct 30000] [--seed 1]

The dates are synthetic: ``--distinct`` random days between 1930 and 2026, each written in
one of the formats Mexican lists use (``dd/mm/yyyy``, ``d/m/yy``, ISO with and without a
time, ``3 de marzo de 1998``, ``03-MAR-1998``, ``marzo de 1998``, ``00/03/1998``, a bare
year...), then ``--rows`` cells drawn from them with a skewed frequency (a few values repeat
often, as birth years and report dates do), plus a few percent of unknown markers and
garbage. Ages and sexes are drawn the same way from the forms lists use. The parsers'
caches are cleared first, so the time includes parsing every distinct value once.

Prints wall time per field and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import sys
import time
from collections.abc import Callable

from recuento.people import ages, dates, missing, sex

_MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _write_date(day: datetime.date, rng: random.Random) -> str:
    d, m, y = day.day, day.month, day.year
    style = rng.randrange(14)
    if style == 0:
        return f"{d:02d}/{m:02d}/{y}"
    if style == 1:
        return f"{d}/{m}/{y % 100:02d}"
    if style == 2:
        return day.isoformat()
    if style == 3:
        return f"{day.isoformat()}T00:00:00"
    if style == 4:
        return f"{d} de {_MONTHS_ES[m - 1]} de {y}"
    if style == 5:
        return f"{d:02d}-{_MONTHS_ES[m - 1][:3].upper()}-{y}"
    if style == 6:
        return f"{_MONTHS_ES[m - 1]} de {y}"
    if style == 7:
        return f"00/{m:02d}/{y}"
    if style == 8:
        return str(y)
    if style == 9:
        return f"{d:02d}-{m:02d}-{y}"
    if style == 10:
        return f"{_MONTHS_EN[m - 1]} {d}, {y}"
    if style == 11:
        return f"{d:02d}/{m:02d}/{y} 00:00:00"
    if style == 12:
        return f"{d} {_MONTHS_ES[m - 1].upper()} {y}"
    return f"{m:02d}/{y}"


def _skewed(values: list[str], rows: int, rng: random.Random) -> list[str]:
    """Every value once, the other rows drawn with weights 1/(rank+10), shuffled."""
    weights = [1.0 / (rank + 10) for rank in range(len(values))]
    cells = values[:rows] + rng.choices(values, weights=weights, k=max(rows - len(values), 0))
    rng.shuffle(cells)
    return cells


def make_dates(rows: int, distinct: int, rng: random.Random) -> list[str]:
    start = datetime.date(1930, 1, 1).toordinal()
    end = datetime.date(2026, 11, 1).toordinal()
    values: set[str] = set()
    while len(values) < distinct:
        values.add(_write_date(datetime.date.fromordinal(rng.randint(start, end)), rng))
    values |= {"", "N/D", "se desconoce", "31/02/1998", "sin dato", "?"}
    return _skewed(sorted(values), rows, rng)


def make_ages(rows: int, rng: random.Random) -> list[str]:
    values = [str(a) for a in range(0, 100)]
    values += [f"{a} años" for a in range(0, 100)] + [f"{a} AÑOS" for a in range(15, 60)]
    values += [f"{a}-{a + 5}" for a in range(10, 70, 5)] + [
        f"entre {a} y {a + 10}" for a in (20, 30)
    ]
    values += [
        "6 meses",
        "18 meses",
        "aprox. 25",  # codespell:ignore aprox
        "adolescente",
        "",
        "N/D",
        "25+",
    ]
    rng.shuffle(values)
    return _skewed(values, rows, rng)


def make_sexes(rows: int, rng: random.Random) -> list[str]:
    values = ["F", "M", "Mujer", "MUJER", "Hombre", "Femenino", "FEMENINO", "masculino", "f", ""]
    values += ["N/D", "no especificado", "X", "mujer trans", "fem."]
    return _skewed(values, rows, rng)


def _time(label: str, parse: Callable[[object], object], cells: list[str]) -> float:
    started = time.perf_counter()
    parsed = 0
    for cell in cells:
        if parse(cell) is not None:
            parsed += 1
    elapsed = time.perf_counter() - started
    distinct = len(set(cells))
    print(
        f"{label:>6}: {len(cells):,} cells, {distinct:,} distinct, "
        f"{parsed:,} parsed, {elapsed:.2f} s"
    )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    date_cells = make_dates(args.rows, args.distinct, rng)
    age_cells = make_ages(args.rows, rng)
    sex_cells = make_sexes(args.rows, rng)
    for cache in (dates._parse_text, ages._parse_text, sex._parse_text, missing.fold_text):
        cache.cache_clear()
    missing.is_unknown_marker.cache_clear()

    total = _time("dates", dates.parse_date, date_cells)
    total += _time("ages", ages.parse_age, age_cells)
    total += _time("sexes", sex.parse_sex, sex_cells)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f" total: {total:.2f} s; peak RSS {peak_mib:.0f} MiB (inputs included); "
        f"Python {sys.version.split()[0]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
