"""Benchmark the log-linear model search: every hierarchical model for 4 and 5 lists.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_loglinear.py [--repeat 3] [--tables kosovo congenital western]

For each table of ../shared/reference/mse/histories it times ``search_models`` (all 113
hierarchical models for 4 lists, all 6,893 for 5, each a Poisson fit on the 2^J - 1
observed cells, with the existence check of the MLE when cells are empty) and the profile
interval of the selected model, and prints the best of ``--repeat`` runs and whether the
selected model is the one Rcapture selects (results_reference.csv, row
``Rcapture_closedpMS_BIC``). Rcapture's
``closedpMS.t`` needs 0.6 s for the 113 models of a 4-list table and 39 s (idle machine) to
1-4 min (under load) for the 6,893 models of ``congenital`` (reference README).
"""

from __future__ import annotations

import argparse
import csv
import platform
import time
from collections import Counter
from pathlib import Path

import numpy as np

from recuento.estimate import CaptureHistories, profile_interval, search_models

REFERENCE = Path("/work/shared/reference/mse/histories")


def load(name: str) -> CaptureHistories:
    with (REFERENCE / f"{name}.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    data = np.array(rows[1:], dtype=np.int64)
    return CaptureHistories.from_patterns(rows[0][:-1], data[:, :-1], data[:, -1])


def rcapture_choice(name: str) -> str:
    with (REFERENCE.parent / "results_reference.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["dataset"] == name and row["method"] == "Rcapture_closedpMS_BIC":
                if "-> " not in row["settings"]:
                    return "none"
                return row["settings"].split("-> ")[1].split(";")[0].strip()
    return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--tables",
        nargs="+",
        default=["kosovo", "hiv", "congenital", "ukdat_5", "ned_5", "neworl_5", "western"],
    )
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{'table':<12}{'lists':>6}{'empty':>7}{'models':>8}{'search s':>10}{'profile s':>11}"
          f"  statuses; best model (Rcapture's)")  # fmt: skip
    for name in args.tables:
        h = load(name)
        empty = int((h.cell_counts()[1:] == 0).sum())
        best_search = best_profile = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            search = search_models(h)
            t1 = time.perf_counter()
            best = search.best
            if best is not None:
                profile_interval(best.columns, h.cell_counts()[1:], best.beta)
            t2 = time.perf_counter()
            best_search = min(best_search, t1 - t0)
            best_profile = min(best_profile, t2 - t1)
        counts = Counter(f.status for f in search.fits)
        status = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(
            f"{name:<12}{h.n_lists:>6}{empty:>7}{len(search.fits):>8}{best_search:>10.2f}"
            f"{best_profile:>11.3f}  {status}; {best.name if best else '-'} "
            f"({rcapture_choice(name)})"
        )


if __name__ == "__main__":
    main()
