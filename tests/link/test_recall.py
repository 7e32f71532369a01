"""Blocking recall: the share of true pairs that some blocking rule compares."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from splink import block_on

from recuento.link.model import blocking_rules
from recuento.link.prepare import prepare
from recuento.link.recall import blocking_recall, clustered_blocking_recall
from recuento.lists.reader import read_list

from .conftest import person_row


def records(**columns: list) -> pa.Table:
    """A small prepared-like table: unique_id 0..n-1, source ``a``, id = str(unique_id)."""
    n = len(next(iter(columns.values())))
    return pa.table(
        {
            "unique_id": pa.array(range(n), pa.int64()),
            "source": ["a"] * n,
            "id": [str(k) for k in range(n)],
            **columns,
        }
    )


def test_a_pair_caught_by_two_rules_is_counted_once() -> None:
    # Person P = records 0, 1, 2 -> 3 true pairs; Q = 3, 4 -> 1 true pair. 4 in all.
    # Rule "surname": joins (0,1), (0,2), (1,2) [all "x"] and (3,4) [both "y"].
    # Rule "year": joins (0,1) [1990] only. Union = all 4 pairs: recall 1, not 5/4.
    table = records(surname=["x", "x", "x", "y", "y"], year=[1990, 1990, 1991, 1980, 1981])
    result = blocking_recall(
        table, [block_on("surname"), block_on("year")], ["P", "P", "P", "Q", "Q"]
    )
    assert (result.true_pairs, result.compared, result.missed) == (4, 4, 0)
    assert result.recall == 1.0
    assert [r.caught for r in result.rules] == [4, 1]
    # (0,1) is caught by both rules; the other three only by "surname".
    assert [r.only_this_rule for r in result.rules] == [3, 0]


def test_pairs_only_one_rule_catches_are_counted_per_rule() -> None:
    # P = 0, 1, 2. "surname" joins (0,1); "year" joins (1,2); "city" joins all three pairs.
    # With all three rules, only (0,2) is caught by a single rule (city): [0, 0, 1].
    # Without city, (0,1) is surname's alone and (1,2) year's alone: [1, 1], (0,2) missed.
    table = records(surname=["x", "x", "y"], year=[1, 2, 2], city=["c", "c", "c"])
    labels = ["P", "P", "P"]
    three = blocking_recall(
        table, [block_on("surname"), block_on("year"), block_on("city")], labels
    )
    assert [r.only_this_rule for r in three.rules] == [0, 0, 1]
    two = blocking_recall(table, [block_on("surname"), block_on("year")], labels)
    assert [r.only_this_rule for r in two.rules] == [1, 1]
    assert (two.compared, two.missed) == (2, 1)


def test_pairs_of_different_people_are_not_true_pairs_even_if_blocked() -> None:
    # Records 0 and 1 share the surname but are different people: not counted anywhere.
    # The true pair (1, 2) differs on the surname: missed. Recall 0 / 1.
    table = records(surname=["x", "x", "z"])
    result = blocking_recall(table, [block_on("surname")], ["P", "Q", "Q"])
    assert (result.true_pairs, result.compared) == (1, 0)
    assert result.recall == 0.0


def test_nulls_never_join() -> None:
    # Both records of P lack a surname: SQL equality on nulls is not true, so Splink never
    # compares them; neither does the measurement.
    table = records(surname=pa.array([None, None], pa.string()))
    result = blocking_recall(table, [block_on("surname")], ["P", "P"])
    assert (result.true_pairs, result.compared) == (1, 0)


def test_exploded_arrays_join_on_any_shared_element() -> None:
    # block_on("tokens", arrays_to_explode=["tokens"]) compares records sharing any token:
    # (0,1) share "b"; (0,2) and (1,2) share nothing; a null array joins nothing.
    # Person P = 0, 1, 2, 3: 6 true pairs, 1 compared.
    table = records(tokens=pa.array([["a", "b"], ["b", "c"], ["d"], None], pa.list_(pa.string())))
    rule = block_on("tokens", arrays_to_explode=["tokens"])
    result = blocking_recall(table, [rule], ["P"] * 4)
    assert (result.true_pairs, result.compared) == (6, 1)


def test_truth_as_a_table_leaves_out_records_it_does_not_name() -> None:
    # Record 2 has no truth row: the only true pair is (0, 1), and it is compared.
    table = records(surname=["x", "x", "z"])
    truth = pa.table({"source": ["a", "a"], "id": ["0", "1"], "person": ["P", "P"]})
    result = blocking_recall(table, [block_on("surname")], truth)
    assert (result.records, result.true_pairs, result.compared) == (2, 1, 1)


def test_truth_of_the_wrong_length_or_shape_is_refused() -> None:
    table = records(surname=["x", "x"])
    with pytest.raises(ValueError, match="2 records"):
        blocking_recall(table, [block_on("surname")], ["P"])
    with pytest.raises(ValueError, match="source, id and person"):
        blocking_recall(table, [block_on("surname")], pa.table({"person": ["P", "P"]}))


def test_missed_pairs_are_described_by_counts_per_column_and_source() -> None:
    # Person P: records 0 (list a), 1 (list a), 2 (list b). The rule joins on the surname;
    # 0 and 1 share it, so (0,2) and (1,2) are missed: both across lists a-b.
    # On "year": (0,2) 1990 vs 1990 equal, (1,2) null vs 1990 missing.
    table = records(
        surname=["x", "x", "w"], year=pa.array([1990, None, 1990], pa.int64())
    ).set_column(1, "source", pa.array(["a", "a", "b"]))
    result = blocking_recall(table, [block_on("surname")], ["P"] * 3, profile_columns=["year"])
    assert result.missed == 2
    assert (result.missed_within_source, result.missed_across_sources) == (0, 2)
    assert result.missed_by_sources == {("a", "b"): 2}
    year = result.profile[0]
    assert (year.column, year.missing, year.equal, year.overlap, year.different) == (
        "year",
        1,
        1,
        0,
        0,
    )


def test_clustered_estimate_counts_pairs_joined_only_through_others_as_not_compared() -> None:
    # A person found as {0, 1, 2} through links 0-1 and 1-2: the rule compares (0,1) and
    # (1,2) (surname "x"/"x" and year 1990/1990), but not (0,2). Estimate 2/3.
    table = records(surname=["x", "x", "y"], year=[1980, 1990, 1990])
    rules = [block_on("surname"), block_on("year")]
    result = clustered_blocking_recall(table, rules, [7, 7, 7])
    assert (result.true_pairs, result.compared) == (3, 2)
    assert result.recall == pytest.approx(2 / 3)


def test_the_model_rules_compare_a_nickname_with_a_missing_maternal_surname() -> None:
    # Lupita Armendáriz Nava vs Guadalupe Armendáriz, same date of birth: the surname,
    # year and formal given name rule compares them. A record with every name different
    # is compared by no rule.
    rows = [
        person_row("a", "1", full_name="Lupita Armendáriz Nava", birth_date="1990-03-04"),
        person_row("b", "2", full_name="Guadalupe Armendáriz", birth_date="1990-03-04"),
        person_row("c", "3", full_name="Xochitl Zubiaurre", birth_date="1975-01-01"),
    ]
    from recuento.people.record import PERSON_SCHEMA

    table = prepare([pa.Table.from_pylist(rows, schema=PERSON_SCHEMA)])
    result = blocking_recall(table, blocking_rules(), ["P", "P", "P"])
    assert (result.true_pairs, result.compared) == (3, 1)


def test_the_count_agrees_with_the_pairs_splink_itself_blocks(tmp_path: Path) -> None:
    # On simulated lists, count the true pairs among the pairs Splink generates with the
    # model's rules (its own blocking, all pairs materialised) and compare.
    from splink import DuckDBAPI, Linker, SettingsCreator
    from splink import comparison_library as cl

    from recuento.simulate import simulate_lists, simulate_population, write_lists

    sim = simulate_lists(simulate_population(300, seed=5), seed=6)
    written = write_lists(sim, tmp_path)
    table = prepare([read_list(p).table for p in written if p.stem in sim.lists])
    truth = pcsv.read_csv(
        tmp_path / "truth.csv",
        convert_options=pcsv.ConvertOptions(column_types={"id": pa.string()}),
    )
    rules = blocking_rules()
    measured = blocking_recall(table, rules, truth)

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.ExactMatch("sex")],
        blocking_rules_to_generate_predictions=list[Any](rules),
    )
    linker = Linker(DuckDBAPI().register(table), settings, log_level=logging.ERROR)
    pairs = linker.inference.predict().as_pyarrow_table()
    person = {
        (s, i): p
        for s, i, p in zip(
            *(truth.column(c).to_pylist() for c in ("source", "id", "person_id")), strict=True
        )
    }
    of = [
        person[(s, i)]
        for s, i in zip(table["source"].to_pylist(), table["id"].to_pylist(), strict=True)
    ]
    blocked_true = {
        (min(a, b), max(a, b))
        for a, b in zip(
            pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), strict=True
        )
        if of[a] == of[b]
    }
    assert measured.true_pairs > 100
    assert measured.compared == len(blocked_true)
