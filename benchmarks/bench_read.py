"""Benchmark: reading and standardising a million rows of synthetic lists.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_read.py [--people 815000] [--seed 1] [--keep]

Step 1 (setup, not timed): ``recuento.simulate`` makes a Juárez-like population and its four
lists (about 1.23 records per person: ``--people 815000`` gives about a million rows), all
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
import os
import resource
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
from recuento.lists.standardise import default_workers
paths = [Path(p) for p in sys.argv[1:]]
start = time.perf_counter()
rows = accepted = 0
for path in paths:
    result = read_list(path, workers=default_workers())  # as the command line reads
    rows += result.read
    accepted += result.accepted
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "accepted": accepted, "seconds": seconds}))
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
print(json.dumps({"rows": rows, "seconds": seconds}))
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

        ours = _run(MEASURE, lists)
        raw = _run(RAW, lists)
        print(
            f"recuento read_list: {ours['rows']:,} rows ({ours['accepted']:,} accepted) in "
            f"{ours['seconds']:.1f} s wall, {ours['cpu_seconds']:.1f} s CPU (reading process), "
            f"peak RSS {ours['peak_mb']:.0f} MB (reader and its workers together)"
        )
        print(
            f"pyarrow.csv raw parse: {raw['rows']:,} rows in {raw['seconds']:.2f} s wall, "
            f"{raw['cpu_seconds']:.1f} s CPU, peak RSS {raw['peak_mb']:.0f} MB"
        )
        print(
            f"ratio (recuento / pyarrow raw): time x{ours['seconds'] / raw['seconds']:.0f}, "
            f"memory x{ours['peak_mb'] / raw['peak_mb']:.1f}"
        )
        print(f"rows per second: {ours['rows'] / ours['seconds']:,.0f}")
        print(f"load average at the end: {os.getloadavg()}")
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total = 0
    for pid in rss:
        p = pid
        while p and p != root:
            p = parents.get(p, 0)
        if p == root:
            total += rss[pid]
    return total


def _run(code: str, paths: list[str]) -> dict[str, float]:
    """Run ``code`` in a fresh process; add its process tree's peak memory and CPU time.

    Memory is sampled every 0.2 s over the process and its descendants (the standardising
    workers run under a fork server), so a peak shorter than that can be missed. (The
    ``ru_maxrss`` of a child started by this process would include this process's own
    memory, inherited at fork.)
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(
        [sys.executable, "-c", code, *paths], stdout=subprocess.PIPE, text=True
    )
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss_kb(child.pid))
        time.sleep(0.2)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode:
        raise SystemExit(f"measurement failed with exit status {child.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak / 1024
    result["cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


if __name__ == "__main__":
    main()
