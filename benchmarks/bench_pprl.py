"""Benchmark: privacy-preserving eligibility on synthetic UK rolls (issue 8).

A movement's roll (about 2% of the population) against a party's roll (about 50%), from
``recuento.simulate``'s ``uk_roll`` scenario (typos, nicknames, moves, changed surnames,
year-only birth dates...). Fields: name, birth date and postcode only. Reports:

- encoding speed (records/s) of the standardised tables, and of reading + encoding;
- matching time (candidates + scoring + assignment) and the number of candidate pairs;
- precision and recall at the default threshold (0.5) and at a few others, for the best
  candidate of each member (what ``recuento eligibility`` uses) and for one-to-one pairs;
- the best recall at precision >= 0.99 over every threshold (best candidate per member):
  the issue's target is precision >= 0.99 with recall >= 0.98.

Precision: among members matched to a party record, the share matched to a record of the
same person. Recall: among members whose person is on the party roll, the share matched
to one of that person's records.

Usage::

    python benchmarks/bench_pprl.py --people 1000000          # full size: 20k x 500k
    python benchmarks/bench_pprl.py --people 200000           # reduced: 4k x 100k
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from recuento.lists.reader import read_list
from recuento.pprl.encode import encode_table, make_params
from recuento.pprl.match import match_encodings
from recuento.simulate import simulate_lists, simulate_population, write_lists

SECRET = b"benchmark-secret-not-for-real-use-0123456789"


def _lists(people: int, seed: int, workdir: Path) -> Path:
    out = workdir / f"uk_{people}_{seed}"
    if not (out / "truth.csv").exists():
        t = time.perf_counter()
        pop = simulate_population(people, seed=seed, setting="uk")
        sim = simulate_lists(pop, scenario="uk_roll", seed=seed + 1)
        write_lists(sim, out, overwrite=True)
        print(f"simulated {people:,} people in {time.perf_counter() - t:.1f} s -> {out}")
    return out


def _truth(path: Path) -> dict[tuple[str, str], str]:
    with path.open(newline="", encoding="utf-8") as f:
        return {(r["source"], r["id"]): r["person_id"] for r in csv.DictReader(f)}


def _metrics(a_persons, b_persons, pa, pb, on_roll) -> tuple[float, float, int]:
    correct = np.array([a_persons[i] == b_persons[j] for i, j in zip(pa, pb, strict=True)])
    members_on_roll = sum(p in on_roll for p in a_persons)
    found = len({int(i) for i, c in zip(pa, correct, strict=True) if c})
    precision = float(correct.mean()) if len(correct) else 1.0
    return precision, found / max(members_on_roll, 1), len(correct)


def best_recall(
    correct: np.ndarray, probability: np.ndarray, members_on_roll: int, min_precision: float = 0.99
) -> tuple[float, float, float]:
    """The best recall among thresholds whose precision is at least ``min_precision``.

    ``correct`` and ``probability`` are those of the best candidate of each member (each
    member once); thresholds are cut only between distinct probabilities. Returns the
    recall, the precision there and the threshold (0, 1, 1 when no threshold reaches it).
    """
    order = np.argsort(-probability, kind="stable")
    p_sorted, hits = probability[order], np.cumsum(correct[order])
    ends = np.flatnonzero(np.r_[p_sorted[1:] != p_sorted[:-1], True])  # last of each tie
    precision = hits[ends] / (ends + 1)
    ok = np.flatnonzero(precision >= min_precision)
    if not len(ok):
        return 0.0, 1.0, 1.0
    k = ends[ok[-1]]
    return float(hits[k] / max(members_on_roll, 1)), float(precision[ok[-1]]), float(p_sorted[k])


def _statuses(res, a_persons, b_persons, on_roll) -> dict[str, float]:
    """What `recuento eligibility` would say (no expulsions list): shares of members."""
    best = dict(zip(res.pairs.a.tolist(), res.pairs.probability.tolist(), strict=True))
    n = len(a_persons)
    flat_wrong_eligible = flat_wrong_join = review = 0
    for i, person in enumerate(a_persons):
        p = best.get(i, 0.0)
        if p >= 0.95:
            flat_wrong_eligible += person not in on_roll
        elif p >= 0.05:
            review += 1
        else:
            flat_wrong_join += person in on_roll
    return {
        "eligible_but_not_on_roll": round(flat_wrong_eligible / n, 4),
        "must_join_but_on_roll": round(flat_wrong_join / n, 4),
        "review": round(review / n, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--workers", type=int, default=1, help="processes for read_list")
    parser.add_argument(
        "--flip", type=float, default=0.02, help="flip probability (0 shows the cost of noise)"
    )
    args = parser.parse_args()

    directory = _lists(args.people, args.seed, args.workdir)
    truth = _truth(directory / "truth.csv")
    tables = {}
    for name in ("movement", "party"):
        cached = directory / f"{name}.standardised.parquet"
        if cached.exists():  # the standardised table of an earlier run (reading is not timed)
            tables[name] = pq.read_table(cached)
            continue
        t = time.perf_counter()
        tables[name] = read_list(directory / f"{name}.csv", workers=args.workers).table
        read_s = time.perf_counter() - t
        print(f"read {name}: {tables[name].num_rows:,} records in {read_s:.1f} s")
        pq.write_table(tables[name], cached)
    encoded = {}
    for name, table in tables.items():
        t, c = time.perf_counter(), time.process_time()
        encoded[name] = encode_table(table, SECRET, make_params(flip_probability=args.flip))
        s, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"encode {name}: {table.num_rows:,} records in {s:.2f} s wall "
            f"({table.num_rows / s:,.0f}/s), {cpu:.2f} s CPU ({table.num_rows / cpu:,.0f}/s)"
        )
    a, b = encoded["movement"], encoded["party"]
    a_persons = [truth[("movement", i)] for i in tables["movement"].column("id").to_pylist()]
    b_persons = [truth[("party", i)] for i in tables["party"].column("id").to_pylist()]
    on_roll = set(b_persons)
    members_on_roll = sum(p in on_roll for p in a_persons)
    results: dict[str, object] = {
        "people": args.people,
        "members": len(a),
        "party": len(b),
        "members_on_roll": members_on_roll,
        "cpu_count": os.cpu_count(),
        "flip_probability": args.flip,
    }
    for assignment in ("best-per-a", "one-to-one"):
        t, c = time.perf_counter(), time.process_time()
        res = match_encodings(a, b, threshold=0.01, assignment=assignment)
        s, cpu = time.perf_counter() - t, time.process_time() - c
        print(
            f"match {assignment}: {len(a):,} x {len(b):,} in {s:.1f} s wall, {cpu:.1f} s CPU; "
            f"{res.candidates}"
        )
        rows = {}
        for threshold in (0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 0.95):
            keep = res.pairs.probability >= threshold
            p, r, n = _metrics(a_persons, b_persons, res.pairs.a[keep], res.pairs.b[keep], on_roll)
            rows[threshold] = {"precision": round(p, 4), "recall": round(r, 4), "pairs": n}
            print(f"  threshold {threshold}: precision {p:.4f} recall {r:.4f} ({n:,} pairs)")
        results[assignment] = {
            "seconds": round(s, 1),
            "cpu_seconds": round(cpu, 1),
            "candidates": res.candidates,
            **rows,
        }
        if assignment == "best-per-a":
            correct = np.array(
                [
                    a_persons[i] == b_persons[j]
                    for i, j in zip(res.pairs.a, res.pairs.b, strict=True)
                ]
            )
            r, p, at = best_recall(correct, res.pairs.probability, members_on_roll)
            results["best_recall_at_precision_0.99"] = {
                "recall": round(r, 4),
                "precision": round(p, 4),
                "threshold": at,
            }
            print(f"  best recall at precision >= 0.99: {r:.4f} (precision {p:.4f}, from {at:.4g})")
            results["statuses"] = _statuses(res, a_persons, b_persons, on_roll)
            print(
                f"  eligibility statuses (match at 0.95, review from 0.05): {results['statuses']}"
            )
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
