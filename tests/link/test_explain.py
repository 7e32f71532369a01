"""Explaining a pair: each comparison's level, whether it agrees, and its match weight."""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa
import pytest

from recuento.link.explain import ExplainError, explain_pairs
from recuento.link.model import settings
from recuento.people.record import PERSON_SCHEMA

from .conftest import person_row


def hand_model() -> dict[str, Any]:
    """The person model with m and u set by hand: level j of L non-null levels (0 = the
    strongest) has m = 2^-(j+1) and u = 2^-(L-j), so its weight is L - 2j - 1."""
    model = settings().get_settings("duckdb").as_dict()
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for j, level in enumerate(levels):
            level["m_probability"] = 2.0 ** -(j + 1)
            level["u_probability"] = 2.0 ** -(len(levels) - j)
    model["probability_two_random_records_match"] = 0.001
    return model


def expected_weight(model: dict[str, Any], column: str, label: str) -> float:
    comparison = next(c for c in model["comparisons"] if c["output_column_name"] == column)
    levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    j = next(k for k, lv in enumerate(levels) if lv["label_for_charts"] == label)
    return math.log2(levels[j]["m_probability"] / levels[j]["u_probability"])


def table(*rows: dict[str, Any]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=PERSON_SCHEMA)


PRENSA = table(
    person_row("prensa", "1", full_name="Ana Pérez López", birth_date="1990-03-04", sex="F"),
    person_row("prensa", "2", full_name="Rosa Núñez Díaz", birth_date="1975"),
)
ONG = table(
    person_row("ong", "a", full_name="Ana Pérez López", birth_date="1990-03-04", sex="F"),
    person_row("ong", "b", full_name="Rosa Núñez Díaz", birth_date="1951-01-01", sex="F"),
)


def by_column(explained: Any) -> dict[str, Any]:
    return {c.column: c for c in explained}


def test_identical_records_agree_on_name_birth_and_sex_with_the_levels_weights() -> None:
    model = hand_model()
    [explained] = explain_pairs(model, [PRENSA, ONG], [("prensa", "1", "ong", "a")])
    assert explained is not None
    found = by_column(explained)
    assert found["name"].level == "the same names"
    assert found["birth"].level == "same date of birth"
    assert found["sex"].level == "Exact match on sex"
    for column in ("name", "birth", "sex"):
        assert found[column].agrees is True
        assert found[column].weight == pytest.approx(
            expected_weight(model, column, found[column].level)
        )
        assert found[column].weight > 0


def test_a_missing_value_is_no_evidence_and_a_contradiction_counts_against() -> None:
    model = hand_model()
    [explained] = explain_pairs(model, [PRENSA, ONG], [("prensa", "2", "ong", "b")])
    found = by_column(explained)
    # prensa 2 has no sex: the null level, neither agreeing nor disagreeing.
    assert (found["sex"].level, found["sex"].agrees, found["sex"].weight) == ("null", None, 0.0)
    # Born 1975 and 1951: the last level, evidence against.
    assert found["birth"].level == "All other comparisons"
    assert found["birth"].agrees is False
    assert found["birth"].weight == pytest.approx(
        expected_weight(model, "birth", "All other comparisons")
    )
    assert found["name"].agrees is True


def test_comparisons_come_in_the_models_order() -> None:
    model = hand_model()
    [explained] = explain_pairs(model, [PRENSA, ONG], [("prensa", "1", "ong", "a")])
    assert [c.column for c in explained] == [c["output_column_name"] for c in model["comparisons"]]


def test_each_pair_gets_its_own_answer_in_order_whichever_side_comes_first() -> None:
    model = hand_model()
    pairs = [
        ("ong", "b", "prensa", "2"),
        ("prensa", "1", "ong", "a"),
        ("ong", "a", "prensa", "1"),
        ("prensa", "1", "ong", "b"),
    ]
    out = explain_pairs(model, [PRENSA, ONG], pairs)
    assert by_column(out[0])["birth"].level == "All other comparisons"
    assert by_column(out[1])["birth"].level == "same date of birth"
    assert out[2] == out[1]
    assert by_column(out[3])["name"].agrees is False


def test_a_pair_naming_an_unknown_record_gets_none() -> None:
    out = explain_pairs(
        hand_model(),
        [PRENSA, ONG],
        [("prensa", "9", "ong", "a"), ("otra", "1", "ong", "a"), ("prensa", "1", "prensa", "1")],
    )
    assert out == [None, None, None]


def test_records_within_one_list_can_be_explained() -> None:
    [explained] = explain_pairs(hand_model(), [PRENSA], [("prensa", "1", "prensa", "2")])
    assert by_column(explained)["name"].agrees is False


def test_an_untrained_model_is_refused_with_a_reason() -> None:
    with pytest.raises(ExplainError, match="no comparisons"):
        explain_pairs({}, [PRENSA], [("prensa", "1", "prensa", "2")])


def test_weights_add_up_to_splinks_score_of_the_pair() -> None:
    # Without a place, no term-frequency adjustment applies: the level weights plus the
    # prior's weight are the pair's match weight as Splink scores it.
    import logging

    from splink import DuckDBAPI, Linker

    from recuento.link.prepare import prepare

    model = hand_model()
    [explained] = explain_pairs(model, [PRENSA, ONG], [("prensa", "2", "ong", "b")])
    prepared = prepare([PRENSA, ONG]).to_pylist()
    linker = Linker(
        DuckDBAPI().register(pa.Table.from_pylist(prepared)), model, log_level=logging.ERROR
    )
    scored = linker.inference.score_pair(prepared[1], prepared[3]).as_record_list()[0]
    prior = model["probability_two_random_records_match"]
    total = math.log2(prior / (1 - prior)) + sum(c.weight for c in explained)
    assert total == pytest.approx(scored["match_weight"])


def test_to_dict_holds_the_four_fields_the_review_queue_stores() -> None:
    [explained] = explain_pairs(hand_model(), [PRENSA, ONG], [("prensa", "1", "ong", "a")])
    assert set(explained[0].to_dict()) == {"column", "level", "agrees", "weight"}


def test_a_pair_explained_among_many_records_is_scored_with_the_names_rare_among_them() -> None:
    # Rarity is a property of every record the linkage saw: explained alone, two records'
    # surname would look common (each holds it), and the pair would get another level.
    model = hand_model()
    crowd = [
        person_row("prensa", str(k), full_name=f"Ana {surname} López", birth_date="1990")
        for k, surname in enumerate(["Pérez", "García", "Hernández", "Martínez"] * 500)
    ]
    left = person_row("prensa", "x", full_name="Rosa Armendáriz Cruz")
    right = person_row("ong", "y", full_name="Ana Armendáriz Cruz")
    tables = [table(*crowd, left), table(right)]
    [explained] = explain_pairs(model, tables, [("prensa", "x", "ong", "y")])
    assert explained is not None
    assert by_column(explained)["name"].level == (
        "two names in common, surnames alike, a rare name among them"
    )
    [alone] = explain_pairs(model, [table(left), table(right)], [("prensa", "x", "ong", "y")])
    assert alone is not None
    assert by_column(alone)["name"].level == "two names in common, surnames alike"
