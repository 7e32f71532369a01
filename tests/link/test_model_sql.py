"""The name comparison's SQL computed in one pass on DuckDB gives each pair the same level.

On DuckDB the name comparison computes the tests its levels share once per pair and
returns the first level that holds (``recuento.link.model._levels_sharing``), where Spark
writes each level's condition out in full. Both are checked here on DuckDB against each
other and against the same levels written with list functions on the lists themselves
(what the model computed before its sets were numbered, ``recuento.link.sets``): the same
level for every pair, nulls included.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recuento.link.model import _levels_sharing, name_levels
from recuento.link.sets import SLOTS, SetSql, column_names, encode

# Few distinct values, so that pairs share names, sounds and formal forms often; null
# now and then (one branch in four).
# Up to 8 names, beyond the 6 slots of the numbered sets.
_names = st.lists(
    st.sampled_from(["ana", "lopes", "cruz", "rosa", "dias", "luna", "soto", "peres"]),
    min_size=1,
    max_size=8,
    unique=True,
).map(sorted)
_RARE = ("lopes", "cruz")
_words = st.sampled_from(["ana", "anna", "rosa", "lopez", "lopes", "diaz"])
_some_names = st.none() | _names | _names | _names
_some_word = st.none() | _words | _words | _words
_record = st.fixed_dictionaries(
    {
        "name_tokens": _some_names,
        "name_tokens_phonetic": _some_names,
        "name_keys": _some_names,
        "given_main": _some_word,
        "given_formal": st.none() | st.lists(_words, max_size=4, unique=True).map(sorted),
        "first_surname_phonetic": _some_word,
        "first_surname_std": _some_word,
    }
)


def _with_rare(record: dict) -> dict:
    """The record with its rare name keys: those among a fixed few (rarity is by name)."""
    keys = record["name_keys"]
    return {**record, "rare_keys": [k for k in keys if k in _RARE] or None if keys else None}


def _case(shared: dict[str, str], *, one_pass: bool) -> str:
    _, levels = name_levels(SetSql("duckdb"))
    conditions = _levels_sharing(shared, ["{missing}", *(c for c, _ in levels)], one_pass=one_pass)
    return (
        "CASE " + " ".join(f"WHEN {c} THEN {n}" for n, c in enumerate(conditions)) + " ELSE -1 END"
    )


def _on_lists() -> dict[str, str]:
    """The name tests written with DuckDB's list functions on the lists themselves."""
    shared = dict(name_levels(SetSql("duckdb"))[0])
    tokens, sounds = "name_tokens", "name_tokens_phonetic"
    shared.update(
        missing=f"{tokens}_l IS NULL OR {tokens}_r IS NULL",
        same=f"{tokens}_l = {tokens}_r",
        three=f"len({tokens}_l) >= 3",
        same_sound=f"{sounds}_l = {sounds}_r",
        three_sounds=f"len({sounds}_l) >= 3",
        common="len(list_intersect(name_keys_l, name_keys_r))",
        rare="len(list_intersect(rare_keys_l, rare_keys_r)) >= 1",
        within=f"list_has_all({sounds}_l, {sounds}_r) OR list_has_all({sounds}_r, {sounds}_l)",
    )
    formal = "len(list_intersect(given_formal_l, given_formal_r)) >= 1"
    shared["given"] = shared["given"].replace(
        SetSql("duckdb").common("given_formal") + " >= 1", formal
    )
    assert formal in shared["given"]
    return shared


def _table(pairs: list[tuple[dict, dict]]) -> pa.Table:
    """Pair columns: the lists, the scalars, and the lists numbered over all the records."""
    pairs = [(_with_rare(left), _with_rare(right)) for left, right in pairs]
    records = [left for left, _ in pairs] + [right for _, right in pairs]
    m = len(pairs)
    columns = {
        name: pa.array(
            [r[name] for r in records], pa.string() if name in _SCALAR else pa.list_(pa.string())
        )
        for name in records[0]
    }
    columns.update(
        encode(
            {name: columns[name] for name in SLOTS if name in columns}
            | {"place_words": pa.nulls(2 * m, pa.list_(pa.string()))}
        )
    )
    wanted = [*records[0], *column_names()]
    return pa.table(
        {
            f"{name}_{side}": columns[name].slice(start, m)
            for name in wanted
            for side, start in (("l", 0), ("r", m))
        }
    )


def _levels(pairs: list[tuple[dict, dict]]) -> dict[str, list[int]]:
    """Each pair's name level (the number of the first condition that holds, -1: none) in
    one pass, with the full conditions, and with the full conditions on the lists."""
    numbered = name_levels(SetSql("duckdb"))[0]
    cases = {
        "one pass": _case(numbered, one_pass=True),
        "full": _case(numbered, one_pass=False),
        "on lists": _case(_on_lists(), one_pass=False),
    }
    con = duckdb.connect()
    try:
        con.register("pairs", _table(pairs))
        rows = con.execute(f"select {', '.join(cases.values())} from pairs").fetchall()
    finally:
        con.close()
    return {name: [row[i] for row in rows] for i, name in enumerate(cases)}


_SCALAR = ("given_main", "first_surname_phonetic", "first_surname_std")


# Each example is slow for a test: DuckDB binds three name comparisons of over 100,000
# characters in all (the numbered sets' slot comparisons, written out in every level).
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_record, _record), min_size=1, max_size=30))
def test_the_one_pass_sql_gives_every_pair_the_level_of_the_full_conditions(pairs) -> None:
    levels = _levels(pairs)
    assert levels["one pass"] == levels["on lists"]
    assert levels["full"] == levels["on lists"]


def test_the_full_conditions_reach_every_level_on_hand_built_pairs() -> None:
    """The comparison above is not vacuous: the pairs below reach distinct levels."""
    ana = {
        "name_tokens": ["ana", "lopes", "cruz"],
        "name_tokens_phonetic": ["ana", "lopes", "cruz"],
        "name_keys": ["ana", "lopes", "cruz"],
        "given_main": "ana",
        "given_formal": None,
        "first_surname_phonetic": "lopes",
        "first_surname_std": "lopez",
    }
    nameless = {**ana, "name_tokens": None}
    other = {
        **ana,
        "name_tokens": ["rosa", "dias"],
        "name_tokens_phonetic": ["rosa", "dias"],
        "name_keys": ["rosa", "dias"],
        "given_main": "rosa",
        "first_surname_phonetic": "dias",
        "first_surname_std": "diaz",
    }
    pairs = [(ana, ana), (ana, nameless), (ana, other)]
    # 1: the first level after the null level, "the same names"; 0: null; -1: else.
    assert name_levels(SetSql("duckdb"))[1][0][1] == "the same names"
    assert _levels(pairs) == {name: [1, 0, -1] for name in ("one pass", "full", "on lists")}
