"""Shared synthetic UK rolls for the PPRL tests (built once per session; read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from recuento.lists.reader import read_list
from recuento.simulate import simulate_lists, simulate_population, write_lists


@dataclass
class UKRolls:
    """Files and standardised tables of a small uk_roll simulation, with the truth."""

    directory: Path
    movement: pa.Table
    party: pa.Table
    expelled: pa.Table
    truth: dict[tuple[str, str], str]


@pytest.fixture(scope="session")
def uk_rolls(tmp_path_factory: pytest.TempPathFactory) -> UKRolls:
    """About 240 members, 6,000 party members and 25 expelled, with default error rates."""
    import csv

    directory = tmp_path_factory.mktemp("uk")
    pop = simulate_population(12000, seed=81, setting="uk")
    write_lists(simulate_lists(pop, scenario="uk_roll", seed=82), directory)
    tables = {
        name: read_list(directory / f"{name}.{ext}", workers=1).table
        for name, ext in (("movement", "csv"), ("party", "csv"), ("expelled", "xlsx"))
    }
    with (directory / "truth.csv").open(newline="", encoding="utf-8") as f:
        truth = {(r["source"], r["id"]): r["person_id"] for r in csv.DictReader(f)}
    return UKRolls(directory, tables["movement"], tables["party"], tables["expelled"], truth)
