"""Benchmark: simulating a million-person population and its lists, and writing them.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_simulate.py [--people 1000000] [--scenario juarez] [--seed 1]

Runs in a fresh process (so that peak memory is the simulator's own) the same three steps
as ``recuento simulate --out DIR --people N``: the population (numpy), the lists (capture,
duplicates, record errors, rendering in each source's style), and the files (each list in
its source's usual format: CSV UTF-8, CSV UTF-8 with BOM, CSV CP1252 with ``;``, XLSX; plus
truth.csv, histories.csv, manifest.json). Prints the time of each step, the records made,
the bytes written and the peak RSS. Target (issue brief): well under 60 s and 2 GB for a
million people on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
from recuento.simulate import simulate_lists, simulate_population, write_lists
people, scenario, seed, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
t0 = time.perf_counter()
population = simulate_population(people, seed=seed)
t1 = time.perf_counter()
sim = simulate_lists(population, scenario=scenario, seed=seed)
t2 = time.perf_counter()
paths = write_lists(sim, out)
t3 = time.perf_counter()
print(json.dumps({
    "population_s": t1 - t0, "lists_s": t2 - t1, "write_s": t3 - t2, "total_s": t3 - t0,
    "records": sim.n_records, "documented": sim.documented,
    "per_list": {name: len(s) for name, s in sim.sources.items()},
    "bytes": sum(p.stat().st_size for p in paths),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def main() -> None:
    """Run the benchmark and print its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--scenario", default="juarez")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="recuento-bench-simulate-"))
    try:
        command = [sys.executable, "-c", MEASURE, str(args.people), args.scenario]
        command += [str(args.seed), str(folder / "out")]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        r = json.loads(done.stdout)
        print(f"people: {args.people:,}  scenario: {args.scenario}  seed: {args.seed}")
        print(f"records: {r['records']:,} ({r['per_list']}); documented {r['documented']:,}")
        print(
            f"population {r['population_s']:.1f} s, lists {r['lists_s']:.1f} s, "
            f"files {r['write_s']:.1f} s; total {r['total_s']:.1f} s"
        )
        print(f"written: {r['bytes'] / 1e6:.0f} MB; peak RSS {r['peak_mb']:.0f} MB")
        print(f"records per second (end to end): {r['records'] / r['total_s']:,.0f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
