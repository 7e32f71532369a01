"""Small sets written as numbers compare as the sets themselves (recuento.link.sets)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recuento.link.sets import SLOTS, SetSql, column_names, encode

_WORDS = ["ana", "lopes", "cruz", "rosa", "dias", "garsia", "peres", "luna", "soto"]
_RARE = {"lopes", "luna", "soto"}
# Up to 9 elements, so that the fallback beyond 6 slots (3 for formal forms) is reached.
_a_set = st.none() | st.lists(st.sampled_from(_WORDS), max_size=9, unique=True).map(sorted)


def _record(keys: list[str] | None, words: list[str] | None) -> dict:
    return {
        "name_tokens": keys,
        "name_tokens_phonetic": keys,
        "name_keys": keys,
        "given_formal": words,
        "place_words": words,
        "rare_keys": [k for k in keys if k in _RARE] or None if keys else None,
    }


def _pairs_table(pairs: list[tuple[dict, dict]]) -> pa.Table:
    """One table of every record (left ones, then right ones), encoded, as pair columns."""
    records = [left for left, _ in pairs] + [right for _, right in pairs]
    lists = {name: pa.array([r[name] for r in records], pa.list_(pa.string())) for name in SLOTS}
    encoded = encode(lists)
    m = len(pairs)
    return pa.table(
        {
            f"{name}_{side}": encoded[name].slice(start, m)
            for name in column_names()
            for side, start in (("l", 0), ("r", m))
        }
    )


def _query(table: pa.Table, expressions: list[str]) -> list[tuple]:
    con = duckdb.connect()
    try:
        con.register("pairs", table)
        return con.execute(f"select {', '.join(expressions)} from pairs").fetchall()
    finally:
        con.close()


def _expected(left: list[str] | None, right: list[str] | None) -> tuple:
    if left is None or right is None:
        return (0, 0, False, None)
    common = set(left) & set(right)
    within = set(left) <= set(right) or set(right) <= set(left)
    return (len(common), len(common & _RARE), within, left == right)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_a_set, _a_set, _a_set, _a_set), min_size=1, max_size=15))
def test_the_numbered_sets_give_the_common_rare_within_and_equal_of_the_sets(rows) -> None:
    sql = SetSql("duckdb")
    pairs = [(_record(a, c), _record(b, d)) for a, b, c, d in rows]
    got = _query(
        _pairs_table(pairs),
        [
            sql.common("name_keys"),
            sql.common("rare_keys"),
            sql.within("name_tokens_phonetic"),
            sql.same("name_tokens"),
            sql.common("given_formal"),
            sql.within("place_words"),
        ],
    )
    for (a, b, c, d), row in zip(rows, got, strict=True):
        names = _expected(a, b)
        words = _expected(c, d)
        assert row[:4] == names
        assert row[4:] == (words[0], words[2])


def test_sets_beyond_the_slots_are_counted_exactly() -> None:
    """Nine keys against eight: the slots hold six (rare keys two, formal forms three), the
    rest comes from the numbered text."""
    nine, eight = sorted(_WORDS), sorted(_WORDS)[:8]
    table = _pairs_table([(_record(nine, nine), _record(eight, eight))])
    sql = SetSql("duckdb")
    got = _query(
        table,
        [sql.common("name_keys"), sql.common("rare_keys"), sql.common("given_formal")],
    )
    assert got == [(8, len(_RARE & set(eight)), 8)]


def test_an_empty_slot_equals_no_other_record_s_empty_slot() -> None:
    """Two one-name records share one name, not one name plus five empty slots."""
    table = _pairs_table([(_record(["ana"], None), _record(["ana"], None))])
    assert _query(table, [SetSql().common("name_keys")]) == [(1,)]
