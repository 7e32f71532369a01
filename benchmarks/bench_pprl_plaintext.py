"""Benchmark: plaintext eligibility on the synthetic UK rolls of bench_pprl.py (issue 8).

The issue asks to compare the privacy-preserving matcher with plaintext linkage on the same
data. This runs ``recuento eligibility --roll party.csv``'s matching
(:func:`recuento.pprl.eligibility_plaintext.plaintext_eligibility`: the linkage model,
Splink on DuckDB trained without labels; name, birth date and postcode only, no expulsions
list) on exactly the rolls of ``benchmarks/bench_pprl.py`` for the same ``--people`` and
``--seed`` (its functions simulate them and read the truth). Reports:

- wall and CPU time of the plaintext matching (the lists' reading is not timed), and the
  peak RSS of the process once it is done (reading the lists included);
- precision and recall at a few probability thresholds, and the best recall at precision
  >= 0.99 over every threshold, with bench_pprl's definitions: each member's best
  candidate; precision among members matched to a party record, the share matched to a
  record of the same person; recall among members whose person is on the party roll, the
  share matched to one of that person's records. The best recall ranks members by the
  match weight of their best candidate (the probability is written with 6 decimals and ties
  at 1.000000; the weight orders them the same way, more finely);
- the statuses ``recuento eligibility`` would give (as bench_pprl: match at 0.95, review
  from 0.05), and members on the roll left without any candidate;
- with ``--pprl``: bench_pprl's best-candidate matching of the encoded rolls on the same
  tables (its secret, flip probability 0.02), its best recall at precision >= 0.99, and
  how many members on the roll each method finds at that operating point and the other
  does not.

Usage::

    python benchmarks/bench_pprl_plaintext.py --people 200000 --seed 8 --pprl   # 4k x 100k
    python benchmarks/bench_pprl_plaintext.py --people 1000000 --seed 8          # 20k x 500k

The lists and their standardised tables are cached in ``--workdir`` under the names
bench_pprl.py uses, so both benchmarks can share them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from bench_pprl import SECRET, _lists, _metrics, _truth, best_recall

from recuento.lists.reader import read_list
from recuento.pprl.eligibility import Thresholds
from recuento.pprl.eligibility_plaintext import plaintext_eligibility

THRESHOLDS = (0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 0.95)


def _tables(directory: Path, workers: int) -> dict[str, pa.Table]:
    """The standardised movement and party tables, cached as bench_pprl.py caches them.

    An adapter: bench_pprl.py reads and caches the tables inside its ``main``.
    """
    tables = {}
    for name in ("movement", "party"):
        cached = directory / f"{name}.standardised.parquet"
        if cached.exists():
            tables[name] = pq.read_table(cached)
            continue
        t = time.perf_counter()
        tables[name] = read_list(directory / f"{name}.csv", workers=workers).table
        print(f"read {name}: {tables[name].num_rows:,} records in {time.perf_counter() - t:.1f} s")
        pq.write_table(tables[name], cached)
    return tables


def _weight(row: dict[str, Any]) -> float:
    return float(row["roll_similarity"]) if row["roll_similarity"] else float("nan")


def _operating_point(
    found: np.ndarray, correct: np.ndarray, score: np.ndarray, members_on_roll: int
) -> tuple[dict[str, float], np.ndarray]:
    """The best recall at precision >= 0.99 and the members found there (correct, kept)."""
    r, p, at = best_recall(correct, score, members_on_roll)
    kept = correct & (score >= at) if r > 0 else np.zeros(len(correct), bool)
    return {"recall": round(r, 4), "precision": round(p, 4), "from": at}, found[kept]


def _pprl(
    tables: dict[str, pa.Table],
    a_persons: list[str],
    b_persons: list[str],
    members_on_roll: int,
) -> tuple[dict[str, Any], set[int]]:
    """bench_pprl.py's best-candidate matching of the encoded tables, and who it finds."""
    from recuento.pprl.encode import encode_table, make_params
    from recuento.pprl.match import match_encodings

    params = make_params(flip_probability=0.02)
    a, b = (encode_table(tables[name], SECRET, params) for name in ("movement", "party"))
    t, c = time.perf_counter(), time.process_time()
    res = match_encodings(a, b, threshold=0.01, assignment="best-per-a")
    s, cpu = time.perf_counter() - t, time.process_time() - c
    pa_, pb_ = res.pairs.a, res.pairs.b
    correct = np.array([a_persons[i] == b_persons[j] for i, j in zip(pa_, pb_, strict=True)])
    point, found = _operating_point(
        np.asarray(pa_), correct, np.asarray(res.pairs.probability), members_on_roll
    )
    return {
        "match_seconds": round(s, 1),
        "match_cpu_seconds": round(cpu, 1),
        "best_recall_at_precision_0.99": point,
    }, {int(i) for i in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--workers", type=int, default=1, help="processes for read_list")
    parser.add_argument(
        "--pprl", action="store_true", help="also match the encoded rolls as bench_pprl.py does"
    )
    args = parser.parse_args()

    directory = _lists(args.people, args.seed, args.workdir)
    truth = _truth(directory / "truth.csv")
    tables = _tables(directory, args.workers)
    members, party = tables["movement"], tables["party"]
    member_ids = [str(i) for i in members.column("id").to_pylist()]
    party_ids = [str(i) for i in party.column("id").to_pylist()]
    a_persons = [truth[("movement", i)] for i in member_ids]
    b_persons = [truth[("party", i)] for i in party_ids]
    on_roll = set(b_persons)
    members_on_roll = sum(p in on_roll for p in a_persons)

    t, c = time.perf_counter(), time.process_time()
    rows, counts, notes = plaintext_eligibility(
        members,
        party,
        None,
        dt.date(2017, 7, 1),
        Thresholds(0.95, 0.05),
        progress=lambda step: print(f"  linkage: {step}", flush=True),
    )
    s, cpu = time.perf_counter() - t, time.process_time() - c
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"plaintext: {len(member_ids):,} x {len(party_ids):,} in {s:.1f} s wall, {cpu:.1f} s CPU")
    for note in notes:
        print(f"  note: {note}")

    party_index = {party_id: j for j, party_id in enumerate(party_ids)}
    with_candidate = [i for i, row in enumerate(rows) if row["roll_token"]]
    pa_ = np.array(with_candidate, dtype=np.int64)
    pb_ = np.array([party_index[rows[i]["roll_token"]] for i in with_candidate], dtype=np.int64)
    probability = np.array([float(rows[i]["roll_probability"]) for i in with_candidate])
    weight = np.array([_weight(rows[i]) for i in with_candidate])
    correct = np.array([a_persons[i] == b_persons[j] for i, j in zip(pa_, pb_, strict=True)])

    results: dict[str, Any] = {
        "people": args.people,
        "seed": args.seed,
        "members": len(member_ids),
        "party": len(party_ids),
        "members_on_roll": members_on_roll,
        "cpu_count": os.cpu_count(),
        "plaintext": {"seconds": round(s, 1), "cpu_seconds": round(cpu, 1)},
        "peak_rss_mib": round(peak_mib),
    }
    for threshold in THRESHOLDS:
        keep = probability >= threshold
        p, r, n = _metrics(a_persons, b_persons, pa_[keep], pb_[keep], on_roll)
        results["plaintext"][threshold] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "pairs": n,
        }
        print(f"  threshold {threshold}: precision {p:.4f} recall {r:.4f} ({n:,} members matched)")
    point, found = _operating_point(pa_, correct, weight, members_on_roll)
    point["from_probability"] = float(1 / (1 + 2 ** -point.pop("from")))
    results["plaintext"]["best_recall_at_precision_0.99"] = point
    print(
        f"  best recall at precision >= 0.99: {point['recall']:.4f} "
        f"(precision {point['precision']:.4f}, from probability {point['from_probability']:.6g})"
    )
    no_candidate = sum(
        a_persons[i] in on_roll for i, row in enumerate(rows) if not row["roll_token"]
    )
    results["plaintext"]["on_roll_without_candidate"] = no_candidate
    results["plaintext"]["statuses"] = {
        **{k: counts.get(k, 0) for k in ("eligible", "review", "must_join")},
        "eligible_but_not_on_roll": sum(
            a_persons[i] not in on_roll for i, row in enumerate(rows) if row["status"] == "eligible"
        ),
        "must_join_but_on_roll": sum(
            a_persons[i] in on_roll for i, row in enumerate(rows) if row["status"] == "must_join"
        ),
    }
    print(f"  members on the roll without any candidate (p >= 0.01): {no_candidate:,}")
    print(f"  statuses: {results['plaintext']['statuses']}")

    if args.pprl:
        pprl, pprl_found = _pprl(tables, a_persons, b_persons, members_on_roll)
        plain_found = {int(i) for i in found}
        pprl["found_by_both"] = len(plain_found & pprl_found)
        pprl["found_by_plaintext_only"] = len(plain_found - pprl_found)
        pprl["found_by_pprl_only"] = len(pprl_found - plain_found)
        pprl["found_by_neither"] = members_on_roll - len(plain_found | pprl_found)
        results["pprl"] = pprl
        print(
            f"pprl: match {pprl['match_seconds']} s wall; best recall at precision >= 0.99: "
            f"{pprl['best_recall_at_precision_0.99']}"
        )
        print(
            "  members on the roll found at each method's operating point: "
            f"both {pprl['found_by_both']:,}, plaintext only {pprl['found_by_plaintext_only']:,}, "
            f"PPRL only {pprl['found_by_pprl_only']:,}, neither {pprl['found_by_neither']:,}"
        )
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
