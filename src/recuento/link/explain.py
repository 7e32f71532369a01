"""Why the model scored a pair as it did: each comparison's level and match weight.

A reviewer deciding whether two records are the same person needs to see what the model
saw: for every comparison (name, birth, sex, event, place, identifiers), the level the
pair fell in (*the same names by sound*, *same year of birth*...), whether that level is
evidence for or against the same person, and how strong (its match weight, the log2 Bayes
factor ``log2(m / u)`` of the level).

:func:`explain_pairs` scores exactly the pairs asked for with the saved model
(:attr:`recuento.link.api.LinkResult.model`, Splink's JSON settings): the records involved
are prepared as linkage prepares them, registered in an embedded DuckDB, and joined pair by
pair through a blocking rule on a pair key, so no other pair is compared. Splink keeps each
comparison's level (``gamma_*``) and weight (``mw_*``).

Term-frequency adjustments (on the place) are left out of the weights: they depend on how
common a value is among *all* the linked records, which a handful of records cannot tell.
The weights shown are the level's own; the pair's total weight is the linkage's.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa

from recuento.errors import RecuentoError

#: A pair of records, each named by its list and record id.
PairKey = tuple[str, str, str, str]

_PAIR_COLUMN = "__recuento_pair"


class ExplainError(RecuentoError):
    """The model cannot explain pairs (it is not a trained linkage model)."""


@dataclass(frozen=True)
class ComparisonExplained:
    """One comparison of one pair.

    Attributes:
        column: the comparison's name in the model (``name``, ``birth``, ``sex``...).
        level: the level's label (``the same names by sound``, ``null``...).
        agrees: True when the level is evidence for the same person (positive weight),
            False when against, None when a value is missing (no evidence either way).
        weight: the level's match weight, log2(m / u); 0 when a value is missing.
    """

    column: str
    level: str
    agrees: bool | None
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def explain_pairs(
    model: dict[str, Any],
    tables: Sequence[pa.Table],
    pairs: Iterable[PairKey],
) -> list[list[ComparisonExplained] | None]:
    """Each pair's comparisons under ``model``, in the model's order of comparisons.

    Args:
        model: a trained model (``LinkResult.model``: Splink's JSON settings).
        tables: the lists' person tables (what ``read_list`` returns as ``.table``): the
            records the linkage saw. Only those named in ``pairs`` are compared; all of
            them decide which names are rare, as they did in the linkage.
        pairs: ``(source_l, id_l, source_r, id_r)``.

    Returns:
        One entry per pair, in order: its comparisons, or None when a record of the pair
        is not in ``tables`` (or both sides name the same record).

    Raises:
        ExplainError: ``model`` has no comparisons.
    """
    from splink import DuckDBAPI, Linker, block_on

    from recuento.link.prepare import prepare, rare_name_keys

    if not model or not model.get("comparisons"):
        raise ExplainError(
            "the linkage model has no comparisons: pairs can be explained only with a model "
            "that linkage trained (a run of two records or more)."
        )
    pairs = list(pairs)
    wanted = {(s, i) for sl, il, sr, ir in pairs for s, i in ((sl, il), (sr, ir))}
    subset = [_only(table, wanted) for table in tables]
    subset = [t for t in subset if t.num_rows]
    out: list[list[ComparisonExplained] | None] = [None] * len(pairs)
    if not subset:
        return out
    # Which names are rare depends on every record the linkage saw, not on these few.
    prepared = prepare(subset, rare_keys=rare_name_keys(tables))
    uid = {
        key: k
        for k, key in enumerate(
            zip(
                prepared.column("source").to_pylist(),
                prepared.column("id").to_pylist(),
                strict=True,
            )
        )
    }
    keys: list[list[str]] = [[] for _ in range(prepared.num_rows)]
    by_uids: dict[tuple[int, int], list[int]] = {}
    for k, (sl, il, sr, ir) in enumerate(pairs):
        a, b = uid.get((sl, il)), uid.get((sr, ir))
        if a is None or b is None or a == b:
            continue
        a, b = min(a, b), max(a, b)
        if (a, b) not in by_uids:
            keys[a].append(str(k))
            keys[b].append(str(k))
        by_uids.setdefault((a, b), []).append(k)
    if not by_uids:
        return out
    prepared = prepared.append_column(_PAIR_COLUMN, pa.array(keys, pa.list_(pa.string())))

    settings = copy.deepcopy(model)
    settings["link_type"] = "dedupe_only"
    settings["blocking_rules_to_generate_predictions"] = [
        block_on(_PAIR_COLUMN, arrays_to_explode=[_PAIR_COLUMN])
        .get_blocking_rule("duckdb")
        .as_dict()
    ]
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    settings["additional_columns_to_retain"] = []
    logging.getLogger("splink").setLevel(logging.ERROR)
    api = DuckDBAPI()
    linker = Linker(api.register(prepared), settings, log_level=logging.ERROR)
    comparisons = [
        (
            c.output_column_name,
            {level.comparison_vector_value: level for level in c.comparison_levels},
        )
        for c in linker._settings_obj.comparisons
    ]
    scored = linker.inference.predict()
    rows = scored.as_record_list()
    scored.drop_table_from_database_and_remove_from_cache()
    for row in rows:
        a, b = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        explained = [_explain(name, levels, row) for name, levels in comparisons]
        for k in by_uids.get((a, b), ()):
            out[k] = explained
    return out


def _explain(name: str, levels: dict[int, Any], row: dict[str, Any]) -> ComparisonExplained:
    gamma = int(row[f"gamma_{name}"])
    level = levels[gamma]
    if level.is_null_level:
        return ComparisonExplained(name, level.label_for_charts, None, 0.0)
    weight = float(row.get(f"mw_{name}") or 0.0)
    return ComparisonExplained(name, level.label_for_charts, weight > 0, weight)


def _only(table: pa.Table, wanted: set[tuple[str, str]]) -> pa.Table:
    if not table.num_rows:
        return table
    keep = [
        (s, i) in wanted
        for s, i in zip(
            table.column("source").to_pylist(), table.column("id").to_pylist(), strict=True
        )
    ]
    return table.filter(pa.array(keep, pa.bool_()))
