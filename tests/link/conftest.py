"""Factories for person records as linkage sees them."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from recuento.link.prepare import prepare
from recuento.people.record import PERSON_SCHEMA, standardise_record


def person_row(source: str, record_id: str, **fields: Any) -> dict[str, Any]:
    """A PERSON_SCHEMA row from raw canonical fields, as the list reader makes it."""
    values, warnings = standardise_record(fields)
    row = {name: None for name in PERSON_SCHEMA.names}
    row.update(values)
    row.update(source=source, id=record_id, row=1, warnings=warnings)
    return row


def prepared(*rows: dict[str, Any], rare_keys: Any = None) -> list[dict[str, Any]]:
    table = pa.Table.from_pylist(list(rows), schema=PERSON_SCHEMA)
    return prepare([table], rare_keys=rare_keys).to_pylist()


@pytest.fixture(scope="session")
def scorer():
    """Score two raw records with the untrained model; return each comparison's level label."""
    import logging

    from splink import DuckDBAPI, Linker

    from recuento.link.model import settings

    def score(left: dict[str, Any], right: dict[str, Any], rare_keys: Any = None) -> dict[str, str]:
        """``rare_keys``: the name keys to count as rare (what only many records show)."""
        a, b = prepared(
            person_row("a", "1", **left), person_row("b", "2", **right), rare_keys=rare_keys
        )
        table = pa.Table.from_pylist([a, b])
        linker = Linker(DuckDBAPI().register(table), settings(), log_level=logging.ERROR)
        linker._settings_obj._retain_intermediate_calculation_columns = True
        result = linker.inference.score_pair(a, b).as_record_list()[0]
        labels = {}
        for comparison in linker._settings_obj.comparisons:
            gamma = result[f"gamma_{comparison.output_column_name}"]
            level = next(
                lv for lv in comparison.comparison_levels if lv.comparison_vector_value == gamma
            )
            labels[comparison.output_column_name] = level.label_for_charts
        return labels

    return score
