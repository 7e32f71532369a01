"""The name comparison's SQL computed in one pass on DuckDB gives each pair the same level.

On DuckDB the name comparison computes the tests its levels share once per pair and
returns the first level that holds (``recuento.link.model._levels_sharing``), where Spark
writes each level's condition out in full. Both are checked here on DuckDB against each
other: the same level for every pair, nulls included.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recuento.link.model import ArraySql, _levels_sharing, name_levels

# Few distinct values, so that pairs share names, sounds and formal forms often; null
# now and then (one branch in four).
_names = st.lists(
    st.sampled_from(["ana", "lopes", "cruz", "rosa", "dias"]), min_size=1, max_size=4, unique=True
)
_words = st.sampled_from(["ana", "anna", "rosa", "lopez", "lopes", "diaz"])
_some_names = st.none() | _names | _names | _names
_some_word = st.none() | _words | _words | _words
_record = st.fixed_dictionaries(
    {
        "name_tokens": _some_names,
        "name_tokens_phonetic": _some_names,
        "name_keys": _some_names,
        "rare_keys": st.none() | st.lists(st.sampled_from(["lopes", "cruz"]), max_size=1),
        "given_main": _some_word,
        "given_formal": st.none() | st.lists(_words, max_size=2),
        "first_surname_phonetic": _some_word,
        "first_surname_std": _some_word,
    }
)


def _levels(pairs: list[tuple[dict, dict]], *, one_pass: bool) -> list[int]:
    """Each pair's name level, as the number of the first condition that holds (-1: none)."""
    shared, levels = name_levels(ArraySql("duckdb"))
    conditions = _levels_sharing(shared, ["{missing}", *(c for c, _ in levels)], one_pass=one_pass)
    case = " ".join(f"WHEN {c} THEN {n}" for n, c in enumerate(conditions))
    table = pa.table(
        {
            f"{column}_{side}": pa.array(
                [pair[index][column] for pair in pairs],
                pa.string() if column in _SCALAR else pa.list_(pa.string()),
            )
            for column in pairs[0][0]
            for index, side in enumerate("lr")
        }
    )
    con = duckdb.connect()
    try:
        con.register("pairs", table)
        return [
            level
            for (level,) in con.execute(f"select CASE {case} ELSE -1 END from pairs").fetchall()
        ]
    finally:
        con.close()


_SCALAR = ("given_main", "first_surname_phonetic", "first_surname_std")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_record, _record), min_size=1, max_size=30))
def test_the_one_pass_sql_gives_every_pair_the_level_of_the_full_conditions(pairs) -> None:
    assert _levels(pairs, one_pass=True) == _levels(pairs, one_pass=False)


def test_the_full_conditions_reach_every_level_on_hand_built_pairs() -> None:
    """The comparison above is not vacuous: the pairs below reach distinct levels."""
    ana = {
        "name_tokens": ["ana", "lopes", "cruz"],
        "name_tokens_phonetic": ["ana", "lopes", "cruz"],
        "name_keys": ["ana", "lopes", "cruz"],
        "rare_keys": None,
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
    assert name_levels(ArraySql("duckdb"))[1][0][1] == "the same names"
    assert _levels(pairs, one_pass=True) == [1, 0, -1]
    assert _levels(pairs, one_pass=False) == [1, 0, -1]
