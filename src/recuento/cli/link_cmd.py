"""``recuento link`` and ``recuento evaluate``: persons from lists, and how good they are."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click

from recuento.cli._lists import (
    ReadOptions,
    list_options,
    raise_failures,
    read_lists,
    write_table,
)
from recuento.cli._progress import steps
from recuento.errors import InputError


@click.command()
@click.argument("lists", nargs=-1, required=True, metavar="LIST...")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write persons.csv (source,id,person_id,...).",
)
@list_options
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Weakest link probability that may join two records (default 0.3).",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Reuse a model saved with --save-model instead of training one (its m and u "
    "probabilities; the prior is estimated again for these lists).",
)
@click.option(
    "--save-model", type=click.Path(dir_okay=False, path_type=Path), help="Save the model (JSON)."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the training.")
@click.option(
    "--backend",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Engine: DuckDB (embedded) or Spark (pip install 'recuento[spark]' and Java 17).",
)
@click.option(
    "--spark-master",
    help="Spark master URL for --backend spark (local[*] by default; spark://HOST:7077...).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
def link(
    lists: tuple[str, ...],
    out: Path,
    threshold: float | None,
    model_path: Path | None,
    save_model: Path | None,
    seed: int,
    backend: str,
    spark_master: str | None,
    as_json: bool,
    **read: Any,
) -> None:
    """Link the records of several lists into persons.

    Reads every LIST, links and deduplicates all their records at once, and writes one row
    per accepted record to --out: source,id,person_id,person_records,weakest_link. Rejected
    rows go to <out>.rejects.csv with their reasons; pairs the model is unsure about go to
    <out>.uncertain.csv for review.

    \b
    Example:
        recuento link prensa.csv ong.xlsx fiscalia.csv familias.csv --out persons.csv
        recuento link big/*.parquet --out persons.csv --backend spark
    """
    from recuento.link.api import DEFAULT_MIN_EDGE, link_tables, load_model

    options = ReadOptions(**read)
    results, _, errors = read_lists(lists, options)
    raise_failures(errors, len(lists))
    model = load_model(model_path) if model_path is not None else None
    with steps() as say:
        linked = link_tables(
            [r.table for r in results],
            model=model,
            min_edge=threshold if threshold is not None else DEFAULT_MIN_EDGE,
            seed=seed,
            backend=backend,
            spark_master=spark_master,
            progress=say,
        )
    stem = out.with_suffix("")
    write_table(linked.persons, out)
    rejects = _write_rejects(results, Path(f"{stem}.rejects.csv"))
    uncertain = linked.uncertain_pairs()
    write_table(uncertain, Path(f"{stem}.uncertain.csv"))
    if save_model is not None:
        save_model.write_text(json.dumps(linked.model, indent=2), encoding="utf-8")
    summary = {
        "records": sum(r.read for r in results),
        "rejected": rejects,
        "persons": linked.n_persons,
        "lists": [
            {"name": r.name, "read": r.read, "accepted": r.accepted, "rejected": r.rejected}
            for r in results
        ],
        "uncertain_pairs": uncertain.num_rows,
        "out": str(out),
        "seconds": {k: round(v, 2) for k, v in linked.seconds.items()},
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for r in results:
        click.echo(f"{r.name}: {r.read:,} read, {r.accepted:,} accepted, {r.rejected:,} rejected")
    click.echo(f"{summary['persons']:,} persons in {sum(r.accepted for r in results):,} records")
    click.echo(f"{uncertain.num_rows:,} uncertain pairs to review in {stem}.uncertain.csv")
    click.echo(f"written to {out}")


def _write_rejects(results: list[Any], path: Path) -> int:
    """All lists' rejects in one file: list, line or row, reason, message (no cells)."""
    from recuento.lists.messages import reject_message
    from recuento.lists.rejects import atomic_text

    count = 0
    with atomic_text(path) as f:
        writer = csv.writer(f)
        writer.writerow(["source", "number", "reason", "message"])
        for r in results:
            for reject in r.rejects:
                writer.writerow(
                    [r.name, reject.number, reject.reason, reject_message(reject.reason)]
                )
                count += 1
    return count


@click.command()
@click.argument("persons", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--truth",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with source,id,person_id (or person) giving each record's true person.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def evaluate(persons: Path, truth: Path, as_json: bool) -> None:
    """Score a linkage against known truth: pairs, clusters and the count error.

    \b
    Example:
        recuento simulate --out sim/ && recuento link sim/*.csv sim/ong.xlsx --out p.csv
        recuento evaluate p.csv --truth sim/truth.csv
    """
    from recuento.link.evaluate import evaluate as score

    predicted = _read_people(persons, ("person_id",))
    true = _read_people(truth, ("person_id", "person"))
    missing = [key for key in predicted if key not in true]
    if missing:
        raise InputError(
            f"{truth}: {len(missing)} record(s) of {persons} have no true person (the first: "
            f"list {missing[0][0]!r}, id {missing[0][1]!r}). The truth file must cover every "
            "linked record."
        )
    keys = list(predicted)
    result = score([predicted[k] for k in keys], [true[k] for k in keys])
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(
        f"persons found {result.persons_found:,}, true {result.persons_true:,}: "
        f"count error {result.count_error_percent:+.2f}%"
    )
    click.echo(
        f"pairwise: precision {result.pairwise_precision:.4f}, recall "
        f"{result.pairwise_recall:.4f}, F1 {result.pairwise_f1:.4f}"
    )
    click.echo(
        f"B-cubed:  precision {result.bcubed_precision:.4f}, recall "
        f"{result.bcubed_recall:.4f}, F1 {result.bcubed_f1:.4f}"
    )


def _read_people(path: Path, person_columns: tuple[str, ...]) -> dict[tuple[str, str], str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames or []
            column = next((c for c in person_columns if c in fields), None)
            if column is None or "source" not in fields or "id" not in fields:
                raise InputError(
                    f"{path}: expected the columns source, id and {' or '.join(person_columns)}; "
                    f"found {', '.join(fields) or 'none'}."
                )
            return {(row["source"], row["id"]): row[column] for row in reader}
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e.strerror}).") from e


COMMANDS = [link, evaluate]
