"""The postcode in linkage: its comparison levels, its blocking rules, and lists without one."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from recuento.link.api import _present_columns
from recuento.link.model import blocking_rules, comparisons
from recuento.link.prepare import MAX_POSTCODE_NAME_BLOCK, _postcode_keys, postcode_district
from recuento.link.recall import blocking_recall
from recuento.people.record import PERSON_SCHEMA

from .conftest import person_row


def base(**extra: str) -> dict[str, str]:
    return {"full_name": "Ana López Cruz", "birth_date": "1990-03-04", **extra}


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("SW1A 1AA", "sw1a1aa", "Exact match on postcode"),
        ("2607", "2617", "one typo apart"),  # FEBRL's typos: a digit changed
        ("2607", "2670", "one typo apart"),  # or two swapped
        ("M13 9PL", "M13 0AB", "same district (outward code)"),
        ("32000", "32090", "one typo apart"),
        ("32000", "32017", "same district (outward code)"),
        ("SW1A 1AA", "M13 9PL", "All other comparisons"),
        ("2607", "4870", "All other comparisons"),
        ("2607", "", "null"),
        ("2607", "N/D", "null"),
    ],
)
def test_postcode_levels(scorer: Any, left: str, right: str, level: str) -> None:
    assert scorer(base(postcode=left), base(postcode=right))["postcode"] == level


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("SW1A1AA", "SW1A"),
        ("M139PL", "M13"),
        ("EC1A1BB", "EC1A"),
        ("2607", "260"),
        ("32000", "320"),
        ("123", None),  # too short to have a district
        ("ABCDEF", None),  # a form not known
        (None, None),
    ],
)
def test_the_district_is_the_uk_outward_code_or_the_first_three_digits(
    postcode: str | None, district: str | None
) -> None:
    assert postcode_district(postcode) == district


def _prepared(*rows: dict) -> pa.Table:
    from recuento.link.prepare import prepare

    return prepare([pa.Table.from_pylist(list(rows), schema=PERSON_SCHEMA)])


def _assert_a_postcode_rule_compares(left: dict, right: dict, postcode: str) -> None:
    """A postcode rule compares the two records when both have ``postcode``, none without."""
    with_postcode = _prepared(
        person_row("a", "1", **left, postcode=postcode),
        person_row("b", "2", **right, postcode=postcode),
    )
    without = _prepared(person_row("a", "1", **left), person_row("b", "2", **right))
    for table, caught in ((with_postcode, 1), (without, 0)):
        rules = blocking_rules(_present_columns(table))
        result = blocking_recall(table, rules, ["P", "P"])
        assert sum(r.caught for r in result.rules if "postcode" in r.rule) == caught


def test_a_pair_with_typos_in_every_name_is_compared_through_postcode_and_year_of_birth() -> None:
    # Every name mistyped beyond its sound, the day and month of birth mistyped too: only
    # the postcode and the year of birth still agree.
    left = {"given_names": "Jonathan", "first_surname": "Smithers", "birth_date": "1971-12-19"}
    right = {"given_names": "Ojnathan", "first_surname": "Msithers", "birth_date": "1971-02-09"}
    _assert_a_postcode_rule_compares(left, right, "2556")
    # and no other rule compares them.
    without = _prepared(person_row("a", "1", **left), person_row("b", "2", **right))
    rules = blocking_rules(_present_columns(without))
    assert blocking_recall(without, rules, ["P", "P"]).compared == 0


def test_a_pair_sharing_a_postcode_and_one_name_is_compared_whatever_its_dates() -> None:
    # FEBRL4: the given name mistyped and a date of birth of another decade; the surname
    # and the postcode agree. (The surname with the given name's initial compares them
    # too, postcode or not: only the postcode rules are counted.)
    left = {"given_names": "Mitchell", "first_surname": "White", "birth_date": "1903-12-29"}
    right = {"given_names": "Mithcell", "first_surname": "White", "birth_date": "1968-10-12"}
    _assert_a_postcode_rule_compares(left, right, "6210")


def test_a_postcode_and_name_block_is_kept_only_while_small() -> None:
    crowd = MAX_POSTCODE_NAME_BLOCK + 1
    keyed = _postcode_keys(
        ["32000", *["32000"] * crowd, None],
        [["ortega", "rojelio"], *[["garsia"]] * crowd, ["ortega"]],
    )
    assert keyed[0] == ["32000|ortega", "32000|rojelio"]
    assert keyed[1] is None  # 32000|garsia holds too many records
    assert keyed[-1] is None  # no postcode, no key


def _names(present: set[str] | None) -> list[str]:
    return [c.create_comparison_dict("duckdb")["output_column_name"] for c in comparisons(present)]


def test_lists_without_postcodes_keep_the_comparisons_and_rules_they_had() -> None:
    table = _prepared(
        person_row(
            "a",
            "1",
            **base(
                place="Cd. Juárez",
                curp="LOCA900304MCHPRN09",
                sex="F",
                event_date="2010-06-01",
                email="ana@example.org",
            ),
        ),
        person_row(
            "b",
            "2",
            **base(
                place="Juárez",
                curp="LOCA900304MCHPRN09",
                sex="F",
                event_date="2010-06-02",
                email="ana@example.org",
            ),
        ),
    )
    present = _present_columns(table)
    assert not {"postcode", "postcode_district", "postcode_keys"} & present
    assert _names(present) == ["name", "birth", "sex", "event", "place", "curp", "email"]
    assert not any("postcode" in str(rule.get_blocking_rule("duckdb").blocking_rule_sql)
                   for rule in blocking_rules(present))  # fmt: skip


def test_postcode_comparison_and_rules_are_used_when_the_lists_have_postcodes() -> None:
    table = _prepared(
        person_row("a", "1", **base(postcode="SW1A 1AA")),
        person_row("b", "2", **base(postcode="SW1A 1AB")),
    )
    present = _present_columns(table)
    assert "postcode" in _names(present)
    sql = [
        str(rule.get_blocking_rule("duckdb").blocking_rule_sql) for rule in blocking_rules(present)
    ]
    assert any("postcode_keys" in s for s in sql)
    assert any('"postcode"' in s and '"birth_year"' in s for s in sql)


def test_a_table_standardised_before_postcodes_were_read_still_prepares() -> None:
    from recuento.link.prepare import prepare

    old = pa.Table.from_pylist(
        [person_row("a", "1", **base()), person_row("b", "2", **base())], schema=PERSON_SCHEMA
    ).drop_columns(["postcode"])
    prepared = prepare([old])
    assert prepared.column("postcode").null_count == 2
    assert prepared.column("postcode_keys").null_count == 2


def test_the_report_names_every_comparison_of_the_model_in_english_and_spanish() -> None:
    from recuento.report.text import COMPARISONS, comparison_name

    for name in _names(None):
        assert set(COMPARISONS.get(name, {})) == {"en", "es"}, name
    assert comparison_name("postcode", "es") == "código postal"
