"""Benchmark: recuento's linkage at scale (245k and a million records), against the truth.

Not a test: run it by hand, alone on the machine, and record its output in BENCHMARKS.md.

    python benchmarks/linkage/bench_scale.py generate --people 815000 --dir /tmp/scale/m1
    python benchmarks/linkage/bench_scale.py link --dir /tmp/scale/m1 [--backend spark]
        [--model saved.json [--prior P]] [--save-model out.json] [--group-limit N]

``generate`` simulates Juárez-like lists with ``recuento.simulate`` (seed 11, the lists'
seed 12, as ``bench_link.py synthetic``), reads them with the list reader (four workers'
worth of standardising is the slow part) and saves the standardised records and the truth
as Parquet, so that every linkage run starts from the same records. 815,000 people give
about 1,000,000 records; 200,000 people about 245,000.

``link`` runs :func:`recuento.link.api.link_tables` on the saved records, samples the
process's resident memory (with its children: Spark's JVM) every half second, and prints
the time of each step, the peak memory, the count error and the pairwise and B-cubed
scores. ``--model`` reuses a saved model instead of training (a reused model keeps its
prior unless ``--prior`` gives the one for this size); ``--save-model`` writes the model
the run trained or reused (for a Spark run that reuses a DuckDB run's model). The
standard Splink model is not run at this size: at 245k it over-counted by 50%
(BENCHMARKS.md), and its time is not the question here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq


def _rss_bytes_tree(pid: int) -> int:
    """Resident memory of ``pid`` and its children (Linux /proc), in bytes."""
    total = 0
    pids = [pid]
    seen = set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * 4096
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(c) for c in children)
    return total


class PeakMemory:
    """Samples the resident memory of this process and its children in a thread."""

    def __init__(self, every: float = 0.5) -> None:
        import os

        self.peak = 0
        self._pid = os.getpid()
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes_tree(self._pid))
            self._stop.wait(self._every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes_tree(self._pid))


def generate(people: int, seed: int, folder: Path) -> None:
    from recuento.lists.reader import read_list
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    sim = simulate_lists(simulate_population(people, seed=seed), seed=seed + 1)
    raw = Path(tempfile.mkdtemp(prefix="recuento-bench-scale-"))
    written = write_lists(sim, raw)
    print(f"simulated {people:,} people in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    tables = [read_list(p, workers=2).table for p in written if p.stem in sim.lists]
    records = pa.concat_tables(tables)
    print(f"read {records.num_rows:,} records in {time.perf_counter() - t:.0f} s", flush=True)
    truth = pcsv.read_csv(
        raw / "truth.csv", convert_options=pcsv.ConvertOptions(column_types={"id": pa.string()})
    )
    pq.write_table(records, folder / "records.parquet")
    pq.write_table(truth, folder / "truth.parquet")
    (folder / "documented.txt").write_text(f"{sim.documented}\n")
    print(f"saved to {folder}: {sim.documented:,} documented persons")


def _truth_labels(records: pa.Table, truth: pa.Table) -> list[str]:
    person = {
        (s, i): p
        for s, i, p in zip(
            *(truth.column(c).to_pylist() for c in ("source", "id", "person_id")), strict=True
        )
    }
    keys = zip(records.column("source").to_pylist(), records.column("id").to_pylist(), strict=True)
    return [person[k] for k in keys]


def link(
    folder: Path,
    backend: str,
    model_path: Path | None,
    prior: float | None,
    group_limit: int | None = None,
    save_model: Path | None = None,
) -> None:
    import json
    import os

    from recuento.link.api import link_tables
    from recuento.link.evaluate import evaluate

    records = pq.read_table(folder / "records.parquet")
    tables = [
        records.filter(pc.equal(records.column("source"), s))
        for s in records.column("source").unique().to_pylist()
    ]
    # link_tables numbers records in the order of the tables given: the truth follows it.
    truth = _truth_labels(pa.concat_tables(tables), pq.read_table(folder / "truth.parquet"))
    print(
        f"{records.num_rows:,} records, {len(set(truth)):,} documented persons; "
        f"load {os.getloadavg()[0]:.1f}; backend {backend}",
        flush=True,
    )
    start = time.perf_counter()

    def say(step: str) -> None:
        print(f"  {time.perf_counter() - start:7.1f} s  {step}", flush=True)

    model = json.loads(model_path.read_text()) if model_path else None
    if model is not None and prior is not None:
        model["probability_two_random_records_match"] = prior
    with PeakMemory() as memory:
        extra = {} if group_limit is None else {"group_limit": group_limit}
        result = link_tables(tables, backend=backend, progress=say, model=model, **extra)
    seconds = time.perf_counter() - start
    if save_model is not None:
        save_model.write_text(json.dumps(result.model, indent=2), encoding="utf-8")
    e = evaluate(result.persons.column("person_id").to_pylist(), truth)
    print(
        f"persons {e.persons_found:,} / {e.persons_true:,} (count error "
        f"{e.count_error_percent:+.2f}%), pairwise P {e.pairwise_precision:.4f} "
        f"R {e.pairwise_recall:.4f} F1 {e.pairwise_f1:.4f}, B-cubed F1 {e.bcubed_f1:.4f}"
    )
    print(
        f"time {seconds:.0f} s, steps { {k: round(v, 1) for k, v in result.seconds.items()} }, "
        f"peak RSS {memory.peak / 2**30:.2f} GiB, load at end {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--people", type=int, default=815_000)
    g.add_argument("--seed", type=int, default=11)
    g.add_argument("--dir", type=Path, required=True)
    k = sub.add_parser("link")
    k.add_argument("--dir", type=Path, required=True)
    k.add_argument("--backend", default="duckdb", choices=("duckdb", "spark"))
    k.add_argument("--model", type=Path, help="a saved model to reuse (no training)")
    k.add_argument("--prior", type=float, help="with --model: the prior to score with")
    k.add_argument(
        "--group-limit",
        type=int,
        help="link_tables' group_limit (0: score only the blocked pairs; default its own)",
    )
    k.add_argument("--save-model", type=Path, help="write the model used to this JSON file")
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(args.people, args.seed, args.dir)
    else:
        link(args.dir, args.backend, args.model, args.prior, args.group_limit, args.save_model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
