"""Benchmark: recuento's linkage beside a standard Splink model, on data with known truth.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/linkage/bench_link.py synthetic [--people 8000] [--seed 11]
    python benchmarks/linkage/bench_link.py historical     # ../shared/data/linkage/

``synthetic``: Juárez-like lists from ``recuento.simulate`` (four sources in their own
styles, nicknames, missing maternal surnames, swapped surnames, year-only dates, ages in
place of dates of birth, within-list duplicates). ``historical``: Splink's
``historical_figures_with_errors_50k`` (read from ../shared/data/linkage; skipped with a
message when absent).

The peer is the standard Splink model of Splink's own examples (forename/surname,
date of birth, exact fields with term frequencies; connected components at 0.95), built
on the same standardised columns and run in the same process. Both are scored with
``recuento.link.evaluate``: persons found against the truth (the count error), pairwise
and B-cubed precision, recall and F1. Wall time and peak RSS of the whole run are printed.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from recuento.link.api import link_tables
from recuento.link.evaluate import Evaluation, evaluate
from recuento.link.prepare import prepare
from recuento.lists.reader import read_list

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "linkage"


def standard_splink(tables: list[pa.Table]) -> list[int]:
    """The standard Splink model (docs' deduplicate_50k example) on our columns."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    prepared = prepare(tables)
    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.ForenameSurnameComparison("given_std", "first_surname_std"),
            cl.NameComparison("second_surname_std"),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("place_std").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_std", "first_surname_std"),
            block_on("first_surname_std", "birth_date"),
            block_on("given_std", "birth_date"),
            block_on("first_surname_std", "second_surname_std"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db.register(prepared), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_std", "first_surname_std", "birth_date")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_std", "first_surname_std")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    table = clusters.as_pyarrow_table().sort_by("unique_id")
    return table.column("cluster_id").to_pylist()


def report(name: str, result: Evaluation, seconds: float) -> None:
    print(
        f"{name:<24} persons {result.persons_found:>7,} / {result.persons_true:,} "
        f"(count error {result.count_error_percent:+6.2f}%)  "
        f"pairwise P {result.pairwise_precision:.4f} "
        f"R {result.pairwise_recall:.4f} F1 {result.pairwise_f1:.4f}  B-cubed F1 "
        f"{result.bcubed_f1:.4f}  {seconds:6.1f} s"
    )


def report_recall(prepared: pa.Table, truth: list[str], found: list[str]) -> None:
    """The blocking recall ceiling (exact, from the truth) and the truth-free estimate."""
    from recuento.link.api import _present_columns
    from recuento.link.model import blocking_rules
    from recuento.link.recall import blocking_recall, clustered_blocking_recall

    rules = blocking_rules(_present_columns(prepared))
    t = time.perf_counter()
    exact = blocking_recall(prepared, rules, truth)
    seconds = time.perf_counter() - t
    estimate = clustered_blocking_recall(prepared, rules, found)
    print(
        f"blocking recall (true pairs compared by some rule): {exact.recall:.4f} "
        f"({exact.compared:,} of {exact.true_pairs:,}; {exact.missed:,} missed; "
        f"{seconds:.1f} s); without truth, from the persons found (optimistic): "
        f"{estimate.recall:.4f} ({estimate.compared:,} of {estimate.true_pairs:,})"
    )
    for k, rule in enumerate(exact.rules):
        print(
            f"  rule {k}: caught {rule.caught:,}, only by it {rule.only_this_rule:,}: {rule.rule}"
        )
    print(
        f"  missed within a list {exact.missed_within_source:,}, "
        f"across lists {exact.missed_across_sources:,}: "
        + ", ".join(f"{a}-{b} {n:,}" for (a, b), n in exact.missed_by_sources.items())
    )
    print("  missed pairs by column (missing / equal / overlap / different):")
    for c in exact.profile:
        print(f"    {c.column:<26} {c.missing:>7,} {c.equal:>7,} {c.overlap:>7,} {c.different:>7,}")


def run(
    tables: list[pa.Table],
    truth: list[str],
    standard: Callable[[], list[tuple[str, list[object]]]] | None = None,
) -> None:
    """Link with recuento, then with the standard model (``standard`` or the generic one).

    ``standard`` returns ``(name, labels)`` pairs, one label per record of ``tables`` in
    order (the docs' model of a data set may be reported at several thresholds).
    """
    t = time.perf_counter()
    ours = link_tables(tables)
    ours_seconds = time.perf_counter() - t
    report("recuento", evaluate(ours.persons.column("person_id").to_pylist(), truth), ours_seconds)
    report_recall(prepare(tables), truth, ours.persons.column("person_id").to_pylist())
    print(f"recuento steps: { {k: round(v, 1) for k, v in ours.seconds.items()} }")
    t = time.perf_counter()
    results = standard() if standard else [("standard Splink", list(standard_splink(tables)))]
    seconds = time.perf_counter() - t
    for name, labels in results:
        report(name, evaluate(labels, truth), seconds)


def synthetic(people: int, seed: int) -> None:
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    folder = Path(tempfile.mkdtemp(prefix="recuento-bench-link-"))
    sim = simulate_lists(simulate_population(people, seed=seed), seed=seed + 1)
    written = write_lists(sim, folder)
    tables = [read_list(p).table for p in written if p.stem in sim.lists]
    truth_table = pcsv.read_csv(
        folder / "truth.csv", convert_options=pcsv.ConvertOptions(column_types={"id": pa.string()})
    )
    truth = {
        (s, i): p
        for s, i, p in zip(
            *(truth_table.column(c).to_pylist() for c in ("source", "id", "person_id")), strict=True
        )
    }
    stacked = pa.concat_tables(tables)
    keys = zip(stacked.column("source").to_pylist(), stacked.column("id").to_pylist(), strict=True)
    print(
        f"synthetic Juárez lists: {people:,} people, {stacked.num_rows:,} records, "
        f"{sim.documented:,} documented"
    )
    run(tables, [truth[k] for k in keys])


def standard_splink_historical(raw: pa.Table, thresholds: Sequence[float]) -> list[dict]:
    """Splink's own model for historical_50k, as its docs run it, on the raw columns.

    ``splink:docs/demos/examples/duckdb/deduplicate_50k_synthetic.nb.py``: forename and
    surname (with their concatenation for term frequencies), date of birth, the fake
    postcode, exact birth place and occupation with term frequencies; its ten blocking
    rules; prior from three deterministic rules at recall 0.6; u from 1e7 random pairs;
    EM blocked on first name and surname, then on date of birth. Returns, per clustering
    threshold, ``unique_id -> cluster_id``.
    """
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    blocking_rules = [
        block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("postcode_fake", "first_name"),
        block_on("postcode_fake", "surname"),
        block_on("dob", "birth_place"),
        block_on("substr(postcode_fake,1,3)", "dob"),
        block_on("substr(postcode_fake,1,3)", "first_name"),
        block_on("substr(postcode_fake,1,3)", "surname"),
        block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name",
                "surname",
                forename_surname_concat_col_name="first_name_surname_concat",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db = DuckDBAPI()
    relation = db.duckdb_con.from_arrow(raw).project(
        "*, first_name || ' ' || surname as first_name_surname_concat"
    )
    linker = Linker(db.register(relation), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "surname", "dob"),
            block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
            block_on("dob", "postcode_fake"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict()
    out = []
    for threshold in thresholds:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pyarrow_table()
        out.append(
            dict(
                zip(
                    clusters.column("unique_id").to_pylist(),
                    clusters.column("cluster_id").to_pylist(),
                    strict=True,
                )
            )
        )
    return out


def historical() -> None:
    path = SHARED / "historical_figures_with_errors_50k.parquet"
    if not path.exists():
        print(f"skipped: {path} not found (the shared linkage data is not on this machine)")
        return
    import pyarrow.parquet as pq

    raw = pq.read_table(path)
    folder = Path(tempfile.mkdtemp(prefix="recuento-bench-hist-"))
    # Our reader maps the headers (first name, surname, dob, gender...). The model has one
    # place slot: the birth place there measured better than the fake postcode (count error
    # +293% against +312%, 20:52-20:59 UTC); occupation has no slot.
    listing = raw.select(HISTORICAL_COLUMNS).rename_columns(
        [HISTORICAL_HEADERS[c] for c in HISTORICAL_COLUMNS]
    )
    pq.write_table(listing, folder / "historical.parquet")
    result = read_list(folder / "historical.parquet")
    clusters = dict(
        zip(raw.column("unique_id").to_pylist(), raw.column("cluster").to_pylist(), strict=True)
    )
    ids = result.table.column("id").to_pylist()
    truth = [clusters[i] for i in ids]
    print(
        f"historical_50k: {result.read:,} records ({result.rejected:,} rejected, no name); "
        f"recuento reads {', '.join(HISTORICAL_COLUMNS[1:])}; both scored on the accepted "
        "records"
    )
    thresholds = (0.5, 0.95)

    def standard() -> list[tuple[str, list[object]]]:
        found = standard_splink_historical(raw, thresholds)
        all_ids = raw.column("unique_id").to_pylist()
        all_truth = raw.column("cluster").to_pylist()
        for threshold, labels in zip(thresholds, found, strict=True):
            every = evaluate([labels[i] for i in all_ids], all_truth)
            print(
                f"  (Splink's docs model at {threshold} on all {len(all_ids):,} records: "
                f"persons {every.persons_found:,} / {every.persons_true:,}, count error "
                f"{every.count_error_percent:+.1f}%, clustered F1 {every.pairwise_f1:.3f})"
            )
        return [
            (f"Splink docs @{threshold}", [labels[i] for i in ids])
            for threshold, labels in zip(thresholds, found, strict=True)
        ]

    run([result.table], truth, standard)


#: The historical_50k columns recuento reads, and the headers they are given.
HISTORICAL_COLUMNS = [
    "unique_id",
    "first_name",
    "surname",
    "dob",
    "gender",
    "birth_place",
    "postcode_fake",
]
HISTORICAL_HEADERS = {
    "unique_id": "id",
    "first_name": "first name",
    "surname": "surname",
    "dob": "dob",
    "gender": "gender",
    "postcode_fake": "postcode",
    "birth_place": "place",
    "full_name": "full name",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="data", required=True)
    s = sub.add_parser("synthetic")
    s.add_argument("--people", type=int, default=8000)
    s.add_argument("--seed", type=int, default=11)
    sub.add_parser("historical")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.data == "synthetic":
        synthetic(args.people, args.seed)
    else:
        historical()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall {time.perf_counter() - start:.1f} s, peak RSS {peak:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
