"""Blocking keys: common name pairs are refined by year, small one-name-and-year blocks kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.link.prepare import (
    MAX_PAIR_BLOCK,
    MAX_TOKEN_YEAR_BLOCK,
    PAIR_REFINE_ABOVE,
    _blocking_pairs,
    _token_years,
    _years,
)


def test_a_rare_name_pair_blocks_as_it_is_and_a_common_one_within_a_year_of_birth() -> None:
    common = ["garsia|ernandes"] * (PAIR_REFINE_ABOVE + 1)
    years = [[1990]] * len(common)
    keys = _blocking_pairs([["armendaris|lupe"], *[[p] for p in common]], [[1990], *years])
    assert keys[0] == ["armendaris|lupe"]
    assert keys[1] == ["garsia|ernandes|1990"]


def test_a_record_whose_birth_year_is_a_range_joins_both_years_blocks() -> None:
    pairs = [["garsia|ernandes"]] * (PAIR_REFINE_ABOVE + 1)
    years = [_years(1989, 1990), *[[1990]] * PAIR_REFINE_ABOVE]
    keys = _blocking_pairs(pairs, years)
    assert keys[0] == ["garsia|ernandes|1989", "garsia|ernandes|1990"]


def test_a_common_pair_without_a_year_of_birth_leaves_that_record_to_other_rules() -> None:
    pairs = [["garsia|ernandes"]] * (PAIR_REFINE_ABOVE + 1)
    keys = _blocking_pairs(pairs, [[], *[[1990]] * PAIR_REFINE_ABOVE])
    assert keys[0] is None


def test_blocks_still_too_large_after_refinement_are_left_out() -> None:
    n = MAX_PAIR_BLOCK + 1
    keys = _blocking_pairs([["garsia|ernandes"]] * n, [[1990]] * n)
    assert keys == [None] * n


def test_one_name_and_a_year_blocks_only_where_the_block_is_small() -> None:
    crowd = [["garsia"]] * (MAX_TOKEN_YEAR_BLOCK + 1)
    keyed = _token_years([["ortega", "rojelio"], *crowd], [[1967], *[[1967]] * len(crowd)])
    assert keyed[0] == ["ortega|1967", "rojelio|1967"]
    assert keyed[1] is None  # garsia|1967 is shared by too many


def test_rare_keys_hold_the_names_few_records_share() -> None:
    from recuento.link.prepare import RARE_NAME_SHARE, _rare_keys

    # 2,000 records: a name held by 1 of them is under the share, one held by 1,000 is not.
    n = 2_000
    assert RARE_NAME_SHARE * n == 2
    keys: list[list[str] | None] = [["garsia", f"x{k}"] for k in range(n - 2)]
    keys += [["garsia", "armendaris"], None]
    rare = _rare_keys(keys)
    assert rare[-2] == ["armendaris"]
    assert rare[-1] is None
    assert all("garsia" not in (r or []) for r in rare)


def test_a_shortened_given_name_meets_its_full_form_through_the_surname_and_initial() -> None:
    from recuento.link.prepare import _context_keys

    keyed = _context_keys(
        [["tom", "klifort"], ["tomas", "klifort"]],
        [None, None],
        [None, None],
        ["tom", "thomas"],
        ["clifford", "clifford"],
    ).to_pylist()
    assert set(keyed[0]) & set(keyed[1]) == {"s:clifford|t"}


def test_a_mistyped_surname_meets_its_spelling_through_the_place() -> None:
    from recuento.link.prepare import _context_keys

    keyed = _context_keys(
        [["arzur", "zili"], ["arzur", "zetli"]],
        ["devon", "devon"],
        ["TQ13", None],
        ["arthur", "arthur"],
        ["ceely", "cedly"],
    ).to_pylist()
    assert set(keyed[0]) & set(keyed[1]) == {"p:devon|arzur"}
    assert "d:TQ13|arzur" in keyed[0]


def test_a_typo_past_the_fourth_letter_of_the_surname_keeps_the_spelling_prefixes() -> None:
    from recuento.link.prepare import _context_keys

    keyed = _context_keys(
        [["alexander", "estrazklide"], ["alexander", "estrazkde"]],
        [None, None],
        [None, None],
        ["alexander", "alexander"],
        ["strathclyde", "strathcl7de"],
    ).to_pylist()
    assert set(keyed[0]) & set(keyed[1]) == {"f:ale|stra"}


def test_a_name_and_context_shared_by_too_many_records_makes_no_block() -> None:
    from recuento.link.prepare import MAX_CONTEXT_BLOCK, _context_keys

    n = MAX_CONTEXT_BLOCK + 1
    keyed = _context_keys(
        [["smiz"]] * n, ["london"] * n, [None] * n, [None] * n, [None] * n
    ).to_pylist()
    assert keyed == [None] * n


def test_a_name_shared_in_a_crowded_place_meets_within_the_event_year() -> None:
    from recuento.link.prepare import MAX_CONTEXT_BLOCK, _context_keys

    # A newspaper's "Ortiz" and a prosecutor's "Ortiz" in Juárez, both in 2003, where
    # Juárez holds more Ortizes than a block may: the place and the year bring them
    # together, and not with the Ortizes of other years.
    n = MAX_CONTEXT_BLOCK + 1
    keyed = _context_keys(
        [["ortis", "luisa"], ["ortis", "maria"], *[["ortis", f"otra{i}"] for i in range(n)]],
        ["juares"] * (n + 2),
        [None] * (n + 2),
        ["luisa", "maria", *[f"otra{i}" for i in range(n)]],
        [None] * (n + 2),
        [2003, 2003, *[1995] * n],
    ).to_pylist()
    assert set(keyed[0]) & set(keyed[1]) == {"e:juares|2003|ortis"}
    assert not any("p:juares|ortis" in (k or []) for k in keyed)
    assert not any("e:juares|1995|ortis" in (k or []) for k in keyed)


def _context_keys_by_hand(keys, places, districts, given, surname, years, limit):
    from collections import Counter

    keyed = []
    for ks, place, district, g, sur, year in zip(
        keys, places, districts, given, surname, years, strict=True
    ):
        found = {f"p:{place}|{k}" for k in ks or () if place}
        found |= {f"e:{place}|{year}|{k}" for k in ks or () if place and year is not None}
        found |= {f"d:{district}|{k}" for k in ks or () if district}
        if sur and g:
            found |= {f"s:{sur}|{g[0]}", f"f:{g[:3]}|{sur[:4]}"}
        keyed.append(sorted(found))
    sizes = Counter(k for ks in keyed for k in ks)
    return [[k for k in ks if sizes[k] <= limit] or None for ks in keyed]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.lists(st.sampled_from(["ana", "lopes", "ruis"]), max_size=3)),
            st.sampled_from([None, "", "centro", "norte"]),
            st.sampled_from([None, "TQ13"]),
            st.sampled_from([None, "", "ana", "anabel", "ñeli"]),
            st.sampled_from([None, "lopez", "ruiz", "lopezz"]),
            st.sampled_from([None, 1999, 2003]),
        ),
        max_size=40,
    )
)
def test_the_context_keys_are_those_built_by_hand(rows) -> None:
    from recuento.link.prepare import MAX_CONTEXT_BLOCK, _context_keys

    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 6
    expected = _context_keys_by_hand(*columns, MAX_CONTEXT_BLOCK)
    assert _context_keys(*columns).to_pylist() == expected


def _name_set_keys_by_hand(keys, places, common_above, place_limit, triple_limit):
    from collections import Counter
    from itertools import combinations

    pairs = [list(combinations(sorted(set(ks or ())), 2)) for ks in keys]
    counts = Counter(p for ps in pairs for p in ps)
    keyed: list[list[tuple[str, int]]] = []
    for ks, ps, place in zip(keys, pairs, places, strict=True):
        common = {p for p in ps if counts[p] > common_above}
        found = [(f"q:{place}|{a}|{b}", place_limit) for a, b in common if place]
        found += [
            (f"t:{a}|{b}|{c}", triple_limit)
            for a, b, c in combinations(sorted(set(ks or ())), 3)
            if {(a, b), (a, c), (b, c)} <= common
        ]
        keyed.append(found)
    sizes = Counter(k for ks in keyed for k, _ in ks)
    return [sorted(k for k, limit in ks if sizes[k] <= limit) or None for ks in keyed]


def test_a_common_name_meets_in_its_place_when_the_years_disagree() -> None:
    from recuento.link.prepare import _name_set_keys

    # Three records of a common pair (gabriela lopes): two in one place, one elsewhere.
    keys = [["gabriela", "lopes", "rodriges"], ["gabriela", "lopes"], ["gabriela", "lopes"]]
    places = ["parajes sur juares", "parajes sur juares", "centro"]
    keyed = _name_set_keys(keys, places, common_above=2).to_pylist()
    assert keyed[0] == ["q:parajes sur juares|gabriela|lopes"]
    assert keyed[1] == ["q:parajes sur juares|gabriela|lopes"]
    assert keyed[2] == ["q:centro|gabriela|lopes"]


def test_a_rare_pair_makes_no_name_set_key_since_the_pair_alone_is_a_block() -> None:
    from recuento.link.prepare import _name_set_keys

    keyed = _name_set_keys([["ana", "ruis"], ["ana", "ruis"]], ["centro", "centro"])
    assert keyed.to_pylist() == [None, None]


def test_three_common_names_meet_anywhere_and_crowded_blocks_are_left_out() -> None:
    from recuento.link.prepare import _name_set_keys

    name = ["gabriela", "lopes", "rodriges"]
    keys = [
        name,
        name,
        name,
        ["lopes", "rodriges"],
        ["gabriela", "lopes"],
        ["gabriela", "rodriges"],
    ]
    places = ["norte", "sur", "este", "norte", "sur", "este"]
    keyed = _name_set_keys(keys, places, common_above=2, triple_limit=3).to_pylist()
    assert [set(k or ()) for k in keyed[:3]] == [
        {
            "t:gabriela|lopes|rodriges",
            "q:norte|gabriela|lopes",
            "q:norte|gabriela|rodriges",
            "q:norte|lopes|rodriges",
        },
        {
            "t:gabriela|lopes|rodriges",
            "q:sur|gabriela|lopes",
            "q:sur|gabriela|rodriges",
            "q:sur|lopes|rodriges",
        },
        {
            "t:gabriela|lopes|rodriges",
            "q:este|gabriela|lopes",
            "q:este|gabriela|rodriges",
            "q:este|lopes|rodriges",
        },
    ]
    crowded = _name_set_keys(keys, places, common_above=2, triple_limit=2).to_pylist()
    assert not any(k.startswith("t:") for ks in crowded for k in ks or ())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.none(), st.lists(st.sampled_from(["ana", "lopes", "ruis", "sara"]), max_size=4)
            ),
            st.sampled_from([None, "", "centro", "norte"]),
        ),
        max_size=40,
    ),
    st.integers(0, 4),
    st.integers(1, 6),
    st.integers(1, 6),
)
def test_the_name_set_keys_are_those_built_by_hand(rows, common_above, place_limit, triple_limit):
    from recuento.link.prepare import _name_set_keys

    keys = [sorted(set(k)) if k is not None else None for k, _ in rows]  # as name_keys
    places = [p for _, p in rows]
    limits = {"common_above": common_above, "place_limit": place_limit}
    expected = _name_set_keys_by_hand(keys, places, common_above, place_limit, triple_limit)
    got = _name_set_keys(keys, places, **limits, triple_limit=triple_limit).to_pylist()
    assert got == expected
