"""Exclusion on hard contradictions only, with the boundaries and the widening by condition.

Default widening (docs/match.md, data/conditions.csv), each side of the remains' range:
recognisable 3 years / 8 cm, skeletal 5 / 10, burned 8 / 12, not recorded 8 / 12.
"""

from __future__ import annotations

import pytest

from recuento.match import Matcher, Tolerances, exclusion_reasons

from ._factory import missing, remains


@pytest.mark.parametrize(
    ("case_sex", "remains_sex", "excluded"),
    [
        ("F", "M", True),
        ("hombre", "mujer", True),
        ("F", "F", False),
        ("F", "", False),
        ("F", "indeterminado", False),
        ("F", "X", False),
        ("mujer trans", "M", False),  # the sex estimated from remains never excludes her
        ("", "M", False),
    ],
)
def test_sex_excludes_only_female_against_male(case_sex, remains_sex, excluded):
    reasons = exclusion_reasons(missing(sex=case_sex), remains(sex=remains_sex))
    assert (reasons == ("sex",)) is excluded


@pytest.mark.parametrize(
    ("last_seen", "found", "pmi_min", "excluded"),
    [
        ("2009-03-21", "2009-03-20", "", True),
        ("2009-03-21", "2009-03-21", "", False),  # the same day: she may have died that day
        ("2009-03-21", "2009-03", "", False),  # found in March: latest day 31 March
        ("2009", "2009-01-05", "", False),  # last seen in 2009: earliest day 1 January
        ("2009-03-21", "2009-06-30", "120", True),  # dead by 2 March at the latest
        ("2009-03-21", "2009-06-30", "100", False),  # dead by 22 March at the latest
        ("", "2009-01-05", "", False),
    ],
)
def test_last_seen_after_the_latest_possible_death_excludes(last_seen, found, pmi_min, excluded):
    reasons = exclusion_reasons(
        missing(last_seen_date=last_seen), remains(found_date=found, pmi_min_days=pmi_min)
    )
    assert (reasons == ("time",)) is excluded


def test_age_ranges_that_touch_after_widening_do_not_exclude():
    # Recognisable: 25-33 widened by 3 years is 22-36. Age 36-40 touches it at 36.
    body = remains(age_min="25", age_max="33", condition="reconocible")
    assert exclusion_reasons(missing(age_min="36", age_max="40"), body) == ()
    assert exclusion_reasons(missing(age_min="37", age_max="40"), body) == ("age",)


def test_age_last_seen_is_projected_forward_to_the_finding():
    # Last seen 2008-01-01, found 2010-01-01: 731 days = 2.0014 years (2008 is a leap year),
    # so an age of 20 at disappearance can be 22.0014 at death. Widened by 3 years, an
    # estimate from 25 reaches down to 22 (kept) and one from 25.5 to 22.5 (excluded).
    case = missing(age_min="20", age_max="20", last_seen_date="2008-01-01")
    found = {"found_date": "2010-01-01", "condition": "reconocible", "age_max": "30"}
    assert exclusion_reasons(case, remains(age_min="25", **found)) == ()
    assert exclusion_reasons(case, remains(age_min="25.5", **found)) == ("age",)
    # Found the same day: no time to age, so 20 against 24 (widened to 21) excludes.
    same_day = remains(age_min="24", age_max="30", found_date="2008-01-01", condition="reconocible")
    assert exclusion_reasons(case, same_day) == ("age",)


def test_the_condition_of_the_remains_widens_the_age_range():
    # 25-32 widened: recognisable by 3 to 35 (40 excluded), burned by 8 to 40 (touches).
    case = missing(age_min="40", age_max="45")
    assert exclusion_reasons(
        case, remains(age_min="25", age_max="32", condition="reconocible")
    ) == ("age",)
    assert exclusion_reasons(case, remains(age_min="25", age_max="32", condition="calcinado")) == ()
    assert exclusion_reasons(case, remains(age_min="25", age_max="32")) == ()  # widest when unknown
    assert exclusion_reasons(case, remains(age_min="25", age_max="31", condition="calcinado")) == (
        "age",
    )


def test_the_condition_of_the_remains_widens_the_height_range():
    # 150-161: recognisable + 8 reaches 169 (170 excluded); skeletal + 10 reaches 171.
    case = missing(height_min_cm="170", height_max_cm="175")
    assert exclusion_reasons(
        case, remains(height_min_cm="150", height_max_cm="161", condition="reconocible")
    ) == ("height",)
    assert (
        exclusion_reasons(
            case, remains(height_min_cm="150", height_max_cm="161", condition="esqueletizado")
        )
        == ()
    )
    assert (
        exclusion_reasons(
            case, remains(height_min_cm="150", height_max_cm="162", condition="reconocible")
        )
        == ()
    )  # touches at 170
    tall = remains(height_min_cm="183", height_max_cm="190", condition="reconocible")
    assert exclusion_reasons(case, tall) == ()  # 183 - 8 = 175 touches
    taller = remains(height_min_cm="184", height_max_cm="190", condition="reconocible")
    assert exclusion_reasons(case, taller) == ("height",)


def test_touching_ranges_do_not_exclude_even_without_widening():
    none = Tolerances(age_years={}, height_cm={}, unknown_age_years=0, unknown_height_cm=0)
    case = missing(
        age_min="20",
        age_max="25",
        height_min_cm="160",
        height_max_cm="165",
        last_seen_date="2010-01-01",
    )
    day = {"found_date": "2010-01-01"}  # found the day she was last seen: no time to age
    touching = remains(age_min="25", age_max="30", height_min_cm="150", height_max_cm="160", **day)
    apart = remains(age_min="26", age_max="30", height_min_cm="150", height_max_cm="159", **day)
    assert exclusion_reasons(case, touching, none) == ()
    assert exclusion_reasons(case, apart, none) == ("age", "height")


def test_without_dates_an_older_estimate_never_excludes():
    # She may have been found any number of years after she was last seen.
    case = missing(age_min="20", age_max="22")
    assert (
        exclusion_reasons(case, remains(age_min="60", age_max="70", condition="reconocible")) == ()
    )


def test_empty_values_never_exclude():
    case = missing(
        sex="F",
        age_min="30",
        age_max="31",
        height_min_cm="150",
        height_max_cm="152",
        last_seen_date="2010-05-01",
    )
    assert exclusion_reasons(case, remains()) == ()
    open_ended = remains(age_max="60", height_min_cm="140")  # one bound only: the other is open
    assert exclusion_reasons(case, open_ended) == ()


def test_eye_and_hair_colour_never_exclude_and_do_not_change_the_score():
    cells = {"sex": "F", "age_min": "20", "age_max": "22", "marks": "tatuaje|cuello||estrella"}
    case = missing(eyes="verdes", hair="rubio", **cells)
    differ = remains(id="R1", eyes="cafés", hair="negro", **cells)
    agree = remains(id="R2", eyes="verdes", hair="rubio", **cells)
    assert exclusion_reasons(case, differ) == ()
    candidates = Matcher([differ, agree]).candidates(case)
    assert [c.remains_id for c in candidates] == ["R1", "R2"]  # a tie, broken by file order
    assert candidates[0].score == candidates[1].score


def test_the_summary_counts_each_reason_of_each_excluded_pair():
    case = missing(sex="F", age_min="40", age_max="45", last_seen_date="2010-01-01")
    bodies = [
        remains(id="R1", sex="M", age_min="20", age_max="25", condition="reconocible"),  # 2
        remains(id="R2", sex="M", found_date="2011-01-01"),  # sex only
        remains(id="R3", found_date="2009-01-01"),  # time only
        remains(id="R4", sex="F"),  # kept
    ]
    matcher = Matcher(bodies)
    kept = matcher.candidates(case)
    assert [c.remains_id for c in kept] == ["R4"]
    assert matcher.summary.to_dict() == {
        "pairs": 4,
        "excluded": 3,
        "by_reason": {"sex": 2, "time": 1, "age": 1, "height": 0},
    }
    assert matcher.excluded_pairs(case) == [
        ("R1", ("sex", "age")),
        ("R2", ("sex",)),
        ("R3", ("time",)),
    ]
