"""Factories for hand-built missing-person and remains records."""

from __future__ import annotations

import csv
from pathlib import Path

from recuento.match import MissingPerson, Remains, parse_missing_rows, parse_remains_rows
from recuento.match.records import MISSING_COLUMNS, REMAINS_COLUMNS


def missing(**cells: str) -> MissingPerson:
    """One missing person from interchange-format cells (the others empty)."""
    row = dict.fromkeys(MISSING_COLUMNS, "") | {"id": "M1"} | cells
    return parse_missing_rows([row])[0]


def remains(**cells: str) -> Remains:
    """One remains record from interchange-format cells (the others empty)."""
    row = dict.fromkeys(REMAINS_COLUMNS, "") | {"id": "R1"} | cells
    return parse_remains_rows([row])[0]


def remains_list(*cells: dict[str, str]) -> list[Remains]:
    """Several remains records, ids R1, R2... unless given."""
    rows = [
        dict.fromkeys(REMAINS_COLUMNS, "") | {"id": f"R{i + 1}"} | c for i, c in enumerate(cells)
    ]
    return parse_remains_rows(rows)


def write_csv(path: Path, columns: list[str] | tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    """Write rows (missing cells empty) under a header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow(dict.fromkeys(columns, "") | row)
    return path
