"""Each comparison level of the person model, on hand-built pairs of records."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (
            {"full_name": "RASCON NAVA GUILLERMO"},
            {"full_name": "Guillermo Rascón Nava"},
            "the same names",  # the split does not matter
        ),
        (
            {"full_name": "María Guadalupe López Cruz"},
            {"full_name": "Maria Guadalupe Lopes Cruz"},
            "the same names by sound",
        ),
        ({"full_name": "Ana López"}, {"full_name": "ANA LOPEZ"}, "the same two names"),
        (
            {"given_names": "María Guadalupe", "first_surname": "López", "second_surname": "Cruz"},
            {"given_names": "Guadalupe", "first_surname": "López"},
            "one name holds all of the other (a surname or given name missing)",
        ),
        (
            # A nickname brings its formal form into the name's sound set.
            {"given_names": "Lupita", "first_surname": "López", "second_surname": "Cruz"},
            {"given_names": "Guadalupe", "first_surname": "López", "second_surname": "Cruz"},
            "one name holds all of the other (a surname or given name missing)",
        ),
        (
            {"given_names": "Laura", "first_surname": "López", "second_surname": "Cruz"},
            {"given_names": "Lara", "first_surname": "López", "second_surname": "Cruz"},
            "two or more names in common, given names alike (nickname, spelling)",
        ),
        (
            {"given_names": "Rosa", "first_surname": "López", "second_surname": "Cruz"},
            {"given_names": "Ana", "first_surname": "López", "second_surname": "Cruz"},
            "two names in common, surnames alike",
        ),
        (
            {"given_names": "Rosa", "first_surname": "Díaz"},
            {"given_names": "Ana", "first_surname": "Pérez"},
            "All other comparisons",
        ),
    ],
)
def test_name_levels(scorer, left: dict, right: dict, level: str) -> None:
    assert scorer(left, right)["name"] == level


def base(**fields: str) -> dict[str, str]:
    return {"full_name": "Ana López Cruz", **fields}


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (base(birth_date="1990-03-04"), base(birth_date="04/03/1990"), "same date of birth"),
        (base(birth_date="1990-03-04"), base(birth_date="1990-04-03"), "day and month swapped"),
        (base(birth_date="1990-03-04"), base(birth_date="1990-03-20"), "same year and month"),
        (base(birth_date="1990-03-04"), base(birth_date="1990"), "same year of birth"),
        (base(birth_date="1990-03-04"), base(birth_date="1991-03-04"), "years of birth 1 apart"),
        # Age 19 at an event in 2010: born in 1990 or 1991.
        (
            base(birth_date="1990-03-04"),
            base(age="19", event_date="2010-06-01"),
            "ages and dates agree on the year of birth",
        ),
        (base(birth_date="1990"), base(birth_date="1992"), "years of birth within 2 years"),
        (base(birth_date="1990"), base(birth_date="1999"), "All other comparisons"),
        (base(birth_date="1990"), base(), "null"),
    ],
)
def test_birth_levels(scorer, left: dict, right: dict, level: str) -> None:
    assert scorer(left, right)["birth"] == level


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        (base(event_date="2010-06-01"), base(event_date="01/06/2010"), "same day"),
        (base(event_date="2010-06-01"), base(event_date="2010-06-25"), "within a month"),
        (base(event_date="2010-06-01"), base(event_date="2011-02-01"), "within a year"),
        (base(event_date="2010-06-01"), base(event_date="2011-12-01"), "within two years"),
        # Far apart dates are a level of their own, trained like the others (its m is
        # floored, so it is evidence against and never a veto: test_train.py).
        (base(event_date="2010-06-01"), base(event_date="2015-06-01"), "All other comparisons"),
        (base(event_date="2010-06-01"), base(), "missing"),
    ],
)
def test_event_levels_by_how_far_apart_the_dates_are(
    scorer, left: dict, right: dict, level: str
) -> None:
    assert scorer(left, right)["event"] == level


def test_sex_place_and_identifiers(scorer) -> None:
    levels = scorer(
        base(sex="F", place="Cd. Juárez", curp="LOCA900304MCHPRN09"),
        base(sex="mujer", place="Ciudad Juarez", curp="LOCA900304MCHPRN01"),
    )
    assert levels["sex"] == "Exact match on sex"
    assert levels["place"] == "Exact match on place_key"
    assert levels["curp"] == "one typo apart"  # a digit changed, or two swapped
    other = scorer(base(curp="LOCA900304MCHPRN09"), base(curp="LOCA900304MCHPXX01"))
    assert other["curp"] == "All other comparisons"


def test_names_in_common_weigh_apart_when_a_rare_one_is_among_them(scorer) -> None:
    # Two records alone cannot show that a name is rare; in a large list prepare marks
    # the keys few records hold (rare_keys), and the shared surname here is one of them.
    from recuento.people.phonetic import phonetic_key

    left = {"given_names": "Rosa", "first_surname": "Armendáriz", "second_surname": "Cruz"}
    right = {"given_names": "Ana", "first_surname": "Armendáriz", "second_surname": "Cruz"}
    rare = [phonetic_key("armendariz")]
    assert scorer(left, right)["name"] == "two names in common, surnames alike"
    assert (
        scorer(left, right, rare_keys=rare)["name"]
        == "two names in common, surnames alike, a rare name among them"
    )
