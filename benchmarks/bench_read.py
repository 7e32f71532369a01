"""Benchmark: reading and standardising a million rows of synthetic lists.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_read.py [--people 815000] [--seed 1] [--keep]

Step 1 (setup, not timed): ``recuento.simulate`` makes a Juárez-like population and its four
lists (about 1.3 records per person: ``--people 815000`` gives about a million rows), all
written as CSV in their own styles (UTF-8 with and without BOM, CP1252 with ``;``, Spanish
headers, capitals without accents, full names with surnames first, partial dates...).

Step 2 (timed, in a fresh process so that peak memory is the reader's own): every list is
read with ``recuento.lists.read_list``: format and encoding detection, column mapping, row
validation, and standardisation of every record into the person schema (an Arrow table).

For scale, the same files are also read raw by ``pyarrow.csv`` (parsing only, no
validation and no standardisation), and the ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
from recuento.lists.reader import read_list
paths = [Path(p) for p in sys.argv[1:]]
start = time.perf_counter()
rows = accepted = 0
for path in paths:
    result = read_list(path)
    rows += result.read
    accepted += result.accepted
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "accepted": accepted, "seconds": seconds, "peak_mb": peak}))
"""

RAW = r"""
import json, resource, sys, time
from pathlib import Path
import pyarrow.csv as pc
from recuento.lists.encoding import detect_encoding
from recuento.lists.formats import sniff_delimiter
start = time.perf_counter()
rows = 0
for p in sys.argv[1:]:
    path = Path(p)
    encoding = detect_encoding(path)
    with path.open(encoding=encoding) as f:
        delimiter = sniff_delimiter([next(f) for _ in range(20)])
    table = pc.read_csv(
        path,
        read_options=pc.ReadOptions(encoding=encoding.replace("utf-8-sig", "utf8")),
        parse_options=pc.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pc.ConvertOptions(column_types={}, strings_can_be_null=False),
    )
    rows += table.num_rows
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=815_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    from recuento.simulate import simulate_lists, simulate_population, write_lists

    folder = Path(tempfile.mkdtemp(prefix="recuento-bench-read-"))
    try:
        t = time.perf_counter()
        population = simulate_population(args.people, seed=args.seed)
        sim = simulate_lists(population, seed=args.seed + 1)
        formats = {name: "csv" for name in sim.lists}
        written = write_lists(sim, folder, formats=formats)
        lists = [str(p) for p in written if p.stem in sim.lists]
        print(f"setup: {time.perf_counter() - t:.1f} s, files in {folder}", file=sys.stderr)

        ours = json.loads(_run(MEASURE, lists))
        raw = json.loads(_run(RAW, lists))
        print(
            f"recuento read_list: {ours['rows']:,} rows ({ours['accepted']:,} accepted) in "
            f"{ours['seconds']:.1f} s, peak RSS {ours['peak_mb']:.0f} MB"
        )
        print(
            f"pyarrow.csv raw parse: {raw['rows']:,} rows in {raw['seconds']:.2f} s, "
            f"peak RSS {raw['peak_mb']:.0f} MB"
        )
        print(
            f"ratio (recuento / pyarrow raw): time x{ours['seconds'] / raw['seconds']:.0f}, "
            f"memory x{ours['peak_mb'] / raw['peak_mb']:.1f}"
        )
        print(f"rows per second: {ours['rows'] / ours['seconds']:,.0f}")
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _run(code: str, paths: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *paths], check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
