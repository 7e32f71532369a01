"""Capture histories from linked records: one table, or one per stratum of a record column."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from recuento.errors import EstimationError
from recuento.estimate import CaptureHistories, HistoriesInput, read_persons


def histories_from_persons(persons: pa.Table, lists: Sequence[str]) -> CaptureHistories:
    """Capture histories from ``source`` and ``person_id`` columns (one row per record)."""
    index = {name: j for j, name in enumerate(lists)}
    on: dict[str, int] = {}
    for source, person in zip(
        persons.column("source").to_pylist(), persons.column("person_id").to_pylist(), strict=True
    ):
        on[person] = on.get(person, 0) | (1 << index[source])
    masks, counts = np.unique(np.fromiter(on.values(), np.int64, len(on)), return_counts=True)
    patterns = (masks[:, None] >> np.arange(len(lists))) & 1
    return CaptureHistories.from_patterns(list(lists), patterns, counts)


def stratified_histories(tables: Sequence[pa.Table], persons: pa.Table, by: str) -> HistoriesInput:
    """Capture histories per stratum of a record column (``COLUMN`` or ``COLUMN:BIN``).

    The column is one of the standardised record's (``event_date``, ``birth_date``,
    ``sex``, ``place``...); a person goes to the stratum most of their records give, as
    :func:`recuento.estimate.read_persons` does with a persons file.
    """
    column = by.split(":", 1)[0]
    stacked = pa.concat_tables([t for t in tables if t.num_rows])
    if column not in stacked.column_names or column in {"warnings", "attributes"}:
        usable = ", ".join(
            c for c in stacked.column_names if c not in {"warnings", "attributes", "row"}
        )
        raise EstimationError(
            f"--by {column!r}: no such column in the standardised records; use one of {usable}."
        )
    values = stacked.column(column)
    if not pa.types.is_string(values.type):
        values = pa.array([None if v is None else str(v) for v in values.to_pylist()])
    table = pa.table(
        {
            "source": persons.column("source"),
            "id": persons.column("id"),
            "person_id": persons.column("person_id"),
            column: values,
        }
    )
    with tempfile.TemporaryDirectory(prefix="recuento-strata-") as folder:
        path = Path(folder) / "persons.csv"
        pcsv.write_csv(table, path)
        return read_persons(path, by=by)
