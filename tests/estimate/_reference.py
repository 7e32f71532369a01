"""Helpers for the estimation tests: the reference data of ../shared/reference/mse."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from recuento.estimate.histories import CaptureHistories

REFERENCE = Path("/work/shared/reference/mse")


def reference_dir() -> Path:
    """The reference directory, or skip the test with the reason."""
    if not (REFERENCE / "histories").is_dir():
        pytest.skip(f"MSE reference data not found at {REFERENCE}")
    return REFERENCE


def load_histories(name: str) -> CaptureHistories:
    """A published capture-history table from the reference directory (no stratum column)."""
    path = reference_dir() / "histories" / f"{name}.csv"
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    data = np.array(rows[1:], dtype=np.int64)
    return CaptureHistories.from_patterns(rows[0][:-1], data[:, :-1], data[:, -1])


def reference_rows(filename: str) -> list[dict[str, str]]:
    """Rows of a CSV file under reference_outputs/ (or the top directory)."""
    base = reference_dir()
    path = base / "reference_outputs" / filename
    if not path.exists():
        path = base / filename
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def table(lists: list[str], cells: dict[str, int]) -> CaptureHistories:
    """A table from {'101': count, ...} (first character = first list)."""
    pats = np.array([[int(c) for c in key] for key in cells], dtype=np.int8)
    return CaptureHistories.from_patterns(lists, pats, np.array(list(cells.values())))


# The hepatitis A table's file stem (from the CARE1 package), kept in one place for codespell.
HEPATITIS_A = "hav"  # codespell:ignore
