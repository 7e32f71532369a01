"""Benchmark: counting 100,000 ballots for 20 candidates (target: under 1 s for STV).

Synthetic ballots (no real voter): candidate popularity from a Dirichlet draw, preference
orders by Plackett-Luce sampling (Gumbel trick), and ballot length either truncated
(1-20, geometric with mean about 4, as in real council elections, where most voters rank a
few candidates) or full (every voter ranks all 20: nearly every ballot is distinct, the
worst case for grouping identical ballots).

Run:  python benchmarks/bench_tally.py [--ballots 100000] [--candidates 20] [--seats 4]
Prints one line per case: papers, distinct sequences, seconds to read the BLT file,
seconds to count (best of 3).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from recuento.ballots import Election, count_meek, count_stv, read_blt, write_blt
from recuento.ballots.results import CountResult


def synthetic(n_ballots: int, n_cands: int, seats: int, *, full: bool, seed: int) -> Election:
    """Synthetic ballots, grouped by identical preference sequence."""
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(n_cands, 0.8))
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(n_ballots, n_cands))
    orders = np.argsort(-keys, axis=1)
    if full:
        lengths = np.full(n_ballots, n_cands)
    else:
        lengths = np.minimum(rng.geometric(0.25, size=n_ballots), n_cands)
    counts: dict[tuple[int, ...], int] = {}
    for row, k in zip(orders.tolist(), lengths.tolist(), strict=True):
        seq = tuple(row[:k])
        counts[seq] = counts.get(seq, 0) + 1
    names = [f"Candidate {i + 1:02d}" for i in range(n_cands)]
    return Election.build(names, counts, seats=seats, title="synthetic benchmark")


def best_of(fn: Callable[[], CountResult], repeat: int = 3) -> tuple[float, CountResult]:
    """Best wall time of ``repeat`` runs, and the last result."""
    times = []
    result = fn()
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    """Run the cases and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seats", type=int, default=4)
    parser.add_argument("--meek", action="store_true", help="also time Meek STV")
    args = parser.parse_args()
    for full in (False, True):
        election = synthetic(args.ballots, args.candidates, args.seats, full=full, seed=2026)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.blt"
            write_blt(election, path)
            t0 = time.perf_counter()
            read_blt(path)
            t_read = time.perf_counter() - t0
        label = "full rankings" if full else "truncated rankings"
        t_stv, r = best_of(lambda e=election: count_stv(e))
        print(
            f"{label}: {election.total_papers} papers, {len(election.ballots)} distinct; "
            f"read BLT {t_read:.3f} s; STV count {t_stv:.3f} s ({len(r.stages)} stages)"
        )
        if args.meek:
            t_meek, r = best_of(lambda e=election: count_meek(e), repeat=1)
            print(f"  Meek count {t_meek:.3f} s ({len(r.stages)} stages)")


if __name__ == "__main__":
    main()
