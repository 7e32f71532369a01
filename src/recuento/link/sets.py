"""Small sets of names (a record's name keys, its place words) compared without lists.

A list column is costly to compare pair by pair: the engine must fetch both records'
lists for every pair, and build each list intersection anew. At a million records the
name comparison of one scoring part (11.4 million pairs) spent about 12 s fetching five
list columns and 10 s in ``list_intersect`` and ``list_has_all``: most of the time spent
scoring pairs. The sets compared are small (a name has three or four keys, a place two or
three words), so each set is also written as numbers, in columns the engine fetches and
compares cheaply:

- ``{column}_n``: how many elements (null when the list is null);
- ``{column}_ids``: the elements as numbers, in the list's order, joined by spaces (the
  same list gives the same text, so two lists are equal when their texts are);
- ``{column}_s1`` ... ``{column}_sK``: the first K elements as numbers, one column each;
  an empty slot holds a number of its own (negative, from the record's row in the table,
  which is its ``unique_id`` in a prepared table), equal to nothing else in the table.

Two sets then have as many elements in common as there are equal slots among the K x K
pairs of slots: integer comparisons, no list built. A record with more than K elements
(a few in a thousand) falls back on intersecting the ``_ids`` texts split into lists.
Every element is numbered by one dictionary for the whole table (the same string has the
same number in every column).

This relies on each list holding no repeated element, which holds for every column here
(name keys, phonetic tokens, formal forms and place words are sorted sets). Only the
name's tokens keep their order and may repeat; they are only tested for equality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: The list columns written as numbers, with their number of slots (0: only ``_n`` and
#: ``_ids``). On a million simulated records 6 name keys cover 99.8% of the records, 3
#: formal forms 99.8%, 2 rare keys 99.6%, 5 place words all.
SLOTS: dict[str, int] = {
    "name_tokens": 0,
    "name_tokens_phonetic": 6,
    "name_keys": 6,
    "rare_keys": 2,
    "given_formal": 3,
    "place_words": 5,
}
#: Empty-slot numbers per record: one more than the most slots, so no two records share one.
_SENTINEL_STRIDE = max(SLOTS.values()) + 1


def column_names() -> tuple[str, ...]:
    """The columns :func:`encode` adds, in order."""
    names: list[str] = []
    for column, slots in SLOTS.items():
        names += [f"{column}_n", f"{column}_ids"]
        names += [f"{column}_s{i}" for i in range(1, slots + 1)]
    return tuple(names)


def encode(columns: Mapping[str, pa.Array | pa.ChunkedArray]) -> dict[str, pa.Array]:
    """The numeric columns of every list column in :data:`SLOTS` (see the module).

    Args:
        columns: each list column of :data:`SLOTS` (lists of strings, one per record).
    """
    lists = {name: _one_chunk(columns[name]) for name in SLOTS}
    n = len(lists["name_tokens"])
    flat = [pc.list_flatten(array) for array in lists.values()]
    encoded = pc.dictionary_encode(pa.concat_arrays(flat))
    ids = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    sentinel = -(np.arange(n, dtype=np.int64) * _SENTINEL_STRIDE)
    out: dict[str, pa.Array] = {}
    at = 0
    for name, slots in SLOTS.items():
        array = lists[name]
        lengths = pc.list_value_length(array)
        counts = lengths.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)])
        mine = ids[at : at + starts[-1]]
        at += int(starts[-1])
        out[f"{name}_n"] = pc.cast(lengths, pa.int32())
        texts = pa.ListArray.from_arrays(
            pa.array(starts, pa.int32()),
            pc.cast(pa.array(mine), pa.string()),
            mask=pc.is_null(array),
        )
        out[f"{name}_ids"] = pc.binary_join(texts, " ")
        for slot in range(1, slots + 1):
            values = sentinel - slot
            held = counts >= slot
            values[held] = mine[starts[:-1][held] + slot - 1]
            out[f"{name}_s{slot}"] = pa.array(values, pa.int64())
    return out


def _one_chunk(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks() if array.num_chunks else pa.array([], array.type)
    return array


@dataclass(frozen=True)
class SetSql:
    """SQL on the encoded sets, in one engine's dialect (``duckdb`` or ``spark``)."""

    dialect: str = "duckdb"

    def size(self, column: str, side: str) -> str:
        """The number of elements of one side's list (null when the list is null)."""
        return f"{column}_n_{side}"

    def same(self, column: str) -> str:
        """The two lists are equal (elements and order)."""
        return f"{column}_ids_l = {column}_ids_r"

    def common(self, column: str) -> str:
        """How many elements the two sets share (0 when either list is null)."""
        slots = SLOTS[column]
        others = ", ".join(f"{column}_s{j}_r" for j in range(1, slots + 1))
        terms = " + ".join(
            f"CAST({column}_s{i}_l IN ({others}) AS INT)" for i in range(1, slots + 1)
        )
        both = self._intersect(f"{column}_ids_l", f"{column}_ids_r")
        left, right = self.size(column, "l"), self.size(column, "r")
        return (
            f"(CASE WHEN {left} IS NULL OR {right} IS NULL THEN 0 "
            f"WHEN {left} > {slots} OR {right} > {slots} THEN {both} ELSE {terms} END)"
        )

    def within(self, column: str) -> str:
        """Every element of one set is in the other (either way); false when one is null."""
        left, right = self.size(column, "l"), self.size(column, "r")
        return (
            f"({left} IS NOT NULL AND {right} IS NOT NULL "
            f"AND {self.common(column)} IN ({left}, {right}))"
        )

    def _intersect(self, left: str, right: str) -> str:
        if self.dialect == "duckdb":
            return f"len(list_intersect(string_split({left}, ' '), string_split({right}, ' ')))"
        return f"size(array_intersect(split({left}, ' '), split({right}, ' ')))"
