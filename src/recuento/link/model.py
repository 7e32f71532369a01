"""The person-linkage model: comparisons and blocking rules for Spanish and English names.

Every comparison is written to survive how lists of victims actually differ:

- **Names** are compared three ways that do not depend on how a full name was split: the
  given name (exact, through nicknames: *Lupita* and *Guadalupe* share a formal form, by
  sound, and *contained*: a given name that the other record holds somewhere in its name,
  as happens when *RASCON NAVA GUILLERMO* was split wrongly), and each surname (exact with
  term-frequency adjustment, so that *García* is weak evidence and *Armendáriz* strong, by
  sound, by spelling, and contained in the other's name, which catches swapped surnames
  and married forms). A missing maternal surname is no evidence either way.
- **Birth** uses the date's precision: the same day, day and month swapped, the same
  month, the same year (a year-only date), a year apart; and when one list gives only an
  age at the event, the years of birth that age allows.
- **The event date** is weak evidence and never a veto: a family's date of disappearance
  may precede the date remains were found by months, so dates more than two years apart
  count as no information.
- **Sex**, **place** (term-frequency adjusted), **postcode** (exact, term-frequency
  adjusted; one typo apart; the same district), and exact identifiers (**CURP**,
  **e-mail**) when both records have them.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from recuento.link.sets import SetSql


def _either_null(*columns: str) -> Any:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return cll.CustomLevel(condition, label_for_charts="null").configure(is_null_level=True)


def birth_comparison() -> ComparisonCreator:
    """Birth: date with its precision, swaps, years; ages at the event when no date."""
    day = "birth_precision_l = 'day' AND birth_precision_r = 'day'"
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            _either_null("birth_year_low"),
            cll.CustomLevel(f"{day} AND birth_date_l = birth_date_r", "same date of birth"),
            cll.CustomLevel(
                f"{day} AND birth_year_l = birth_year_r AND birth_month_l = birth_day_r "
                "AND birth_day_l = birth_month_r",
                "day and month swapped",
            ),
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND birth_month_l = birth_month_r",
                "same year and month",
            ),
            cll.CustomLevel("birth_year_l = birth_year_r", "same year of birth"),
            cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1", "years of birth 1 apart"),
            cll.CustomLevel(
                "birth_year_low_l <= birth_year_high_r AND birth_year_low_r <= birth_year_high_l",
                "ages and dates agree on the year of birth",
            ),
            cll.CustomLevel(
                "birth_year_low_l <= birth_year_high_r + 2 "
                "AND birth_year_low_r <= birth_year_high_l + 2",
                "years of birth within 2 years",
            ),
            cll.ElseLevel(),
        ],
        comparison_description="date of birth or age at the event",
    )


def event_comparison() -> ComparisonCreator:
    """Event date: evidence by how far apart the dates are, never a veto.

    Dates more than two years apart were once no information (a family's date of
    disappearance can precede the finding of remains by years). But on simulated Juárez
    lists 80% of the wrongly joined pairs at 245,541 records had events three or more
    years apart, against 3 of 175,346 true pairs two or more years apart. Now that is a
    level of its own, trained like the others: where lists hold late findings EM sees them
    among the matches and the level weighs little, and its m is floored
    (:data:`recuento.link.train.M_FLOOR`) so that it is evidence against, never a veto.
    """
    return cl.CustomComparison(
        output_column_name="event",
        comparison_levels=[
            cll.CustomLevel("event_day_l IS NULL OR event_day_r IS NULL", "missing").configure(
                is_null_level=True
            ),
            cll.CustomLevel("event_day_l = event_day_r", "same day"),
            cll.CustomLevel("abs(event_day_l - event_day_r) <= 31", "within a month"),
            cll.CustomLevel("abs(event_day_l - event_day_r) <= 366", "within a year"),
            cll.CustomLevel("abs(event_day_l - event_day_r) <= 730", "within two years"),
            cll.ElseLevel(),
        ],
        comparison_description="date of the event",
    )


def _exact_or_else(column: str, description: str) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[_either_null(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
        comparison_description=description,
    )


def _identifier(column: str, description: str) -> ComparisonCreator:
    """An identifier: exact, one typo apart (a digit changed or two swapped), else."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            _either_null(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1).configure(label_for_charts="one typo apart"),
            cll.ElseLevel(),
        ],
        comparison_description=description,
    )


def place_comparison(sql: SetSql | None = None) -> ComparisonCreator:
    """Place: the same key words (term-frequency adjusted), one within the other, else."""
    sql = sql or SetSql()
    return cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            _either_null("place_key"),
            cll.ExactMatchLevel("place_key").configure(tf_adjustment_column="place_key"),
            cll.CustomLevel(
                sql.within("place_words"), label_for_charts="one place within the other"
            ),
            cll.JaroWinklerLevel("place_key", 0.9),
            cll.ElseLevel(),
        ],
        comparison_description="place of the event",
    )


def postcode_comparison() -> ComparisonCreator:
    """Postcode: exact (term-frequency adjusted), one typo apart, the same district, else.

    A typo (FEBRL's ``2607`` for ``2617``, a swapped pair of digits) comes before the
    district: two postcodes one edit apart are usually the same postcode mistyped, while
    the same district alone is a neighbour or a move within a town.
    """
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            _either_null("postcode"),
            cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(label_for_charts="one typo apart"),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="same district (outward code)"
            ),
            cll.ElseLevel(),
        ],
        comparison_description="postcode",
    )


def _given_alike(sql: SetSql) -> Any:
    """The given names agree: same main name, a shared formal form, or spelt alike."""
    return cll.Or(
        cll.ExactMatchLevel("given_main"),
        cll.CustomLevel(f"{sql.common('given_formal')} >= 1"),
        cll.JaroWinklerLevel("given_main", 0.85),
    )


def _surname_alike() -> Any:
    """The first surnames agree by sound or by spelling."""
    return cll.Or(
        cll.ExactMatchLevel("first_surname_phonetic"),
        cll.JaroWinklerLevel("first_surname_std", 0.9),
    )


def name_comparison(sql: SetSql | None = None) -> ComparisonCreator:
    """The whole name as a set of tokens, whichever way it was split.

    Comparing sets makes the comparison independent of the split (a list that writes
    *RASCON NAVA GUILLERMO* and one that writes *Guillermo Rascón Nava* agree fully);
    comparing the sets by sound forgives spelling; a subset is a missing maternal surname
    or a dropped second given name; given names that share a formal form (*Lupita*,
    *Guadalupe*) or are spelt alike count as agreeing. One comparison rather than one per
    part, because the parts are not independent evidence.
    """
    sql = sql or SetSql()
    shared, levels = name_levels(sql)
    null, *conditions = _levels_sharing(
        shared, ["{missing}", *(c for c, _ in levels)], one_pass=sql.dialect == "duckdb"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.CustomLevel(null, label_for_charts="null").configure(is_null_level=True),
            *(
                cll.CustomLevel(condition, label_for_charts=label)
                for condition, (_, label) in zip(conditions, levels, strict=True)
            ),
            cll.ElseLevel(),
        ],
        comparison_description="the name's tokens, independent of the split",
    )


def name_levels(sql: SetSql) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The name comparison's tests (SQL by name) and its levels (templates, labels).

    A level's template names the tests it combines (``"{common} >= 2 AND {given}"``);
    ``{missing}`` is the null level. The levels are in order: the first that holds wins.
    """
    tokens, sounds = "name_tokens", "name_tokens_phonetic"
    shared = {
        "missing": f"{sql.size(tokens, 'l')} IS NULL OR {sql.size(tokens, 'r')} IS NULL",
        "same": sql.same(tokens),
        "three": f"{sql.size(tokens, 'l')} >= 3",
        "same_sound": sql.same(sounds),
        "three_sounds": f"{sql.size(sounds, 'l')} >= 3",
        "common": sql.common("name_keys"),
        "rare": f"{sql.common('rare_keys')} >= 1",
        "within": sql.within(sounds),
        "given": _given_alike(sql).get_comparison_level(sql.dialect).sql_condition,
        "surname": _surname_alike().get_comparison_level(sql.dialect).sql_condition,
    }
    levels = [
        ("{same} AND {three}", "the same names"),
        ("{same_sound} AND {three_sounds}", "the same names by sound"),
        *_with_rarity(
            [
                ("{same}", "the same two names"),
                (
                    "{common} >= 2 AND {within}",
                    "one name holds all of the other (a surname or given name missing)",
                ),
                (
                    "{common} >= 2 AND {given}",
                    "two or more names in common, given names alike (nickname, spelling)",
                ),
                ("{common} >= 3", "three or more names in common"),
                ("{common} >= 2 AND {surname}", "two names in common, surnames alike"),
                ("{common} >= 2", "two names in common"),
                (
                    "{common} >= 1 AND {given} AND {surname}",
                    "given names and first surnames alike, one name in common",
                ),
                ("{common} >= 1 AND {given}", "one name in common, given names alike"),
            ]
        ),
        ("{given} AND {surname}", "given names and surnames alike"),
        ("{common} >= 1", "one name in common"),
    ]
    return shared, levels


def _with_rarity(levels: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each level twice: first when a rare name is among those in common, then otherwise.

    Term frequencies for a set of names: sharing *Armendáriz* is strong evidence, sharing
    *García* weak, and Splink's term-frequency adjustment works on one column's exact
    value, not on the names two sets share. ``rare_keys`` holds a record's names held by
    few records (:data:`recuento.link.prepare.RARE_NAME_SHARE`); EM then weighs "two
    names in common, a rare one among them" apart from the same level on common names.
    """
    out = []
    for condition, label in levels:
        out.append((f"{{rare}} AND ({condition})", f"{label}, a rare name among them"))
        out.append((condition, label))
    return out


def _levels_sharing(shared: dict[str, str], conditions: list[str], *, one_pass: bool) -> list[str]:
    """Level conditions (templates naming ``shared`` expressions) as Splink level SQL.

    A template names only shared expressions, never a column: Splink reads which columns a
    level needs from its SQL, and does not look inside the lambda below.

    Splink writes a comparison as one ``CASE WHEN level 1 WHEN level 2 ...``, and DuckDB
    evaluates each WHEN's expressions afresh: the names in common (a list intersection)
    were computed up to fourteen times for a pair that falls through to the last levels,
    and the name comparison took 86% of the time spent scoring pairs. On DuckDB the shared
    expressions are therefore computed once per pair, packed in a struct that a lambda
    receives, which returns the number of the first level that holds; each level then
    tests that number, and DuckDB computes that identical expression once for all of them
    (at 245,541 records, the name comparison of 5.8 million pairs took 6.3 s instead of
    13.3; `tests/link/test_model_sql.py` checks that every pair gets the same level).
    DuckDB shares it only if the first WHEN computes it, so the null level (the first
    condition given) is part of it too: left as a plain first WHEN, the same took 88 s.
    Without ``one_pass`` (Spark) each condition is written out in full.
    """
    if not one_pass:
        inline = {name: f"({expression})" for name, expression in shared.items()}
        return [condition.format(**inline) for condition in conditions]
    packed = ", ".join(f"{name} := {expression}" for name, expression in shared.items())
    fields = {name: f"shared.{name}" for name in shared}
    cases = " ".join(
        f"WHEN {condition.format(**fields)} THEN {number}"
        for number, condition in enumerate(conditions)
    )
    first = (
        f"list_transform([struct_pack({packed})], "
        f"lambda shared: CASE {cases} ELSE {len(conditions)} END)[1]"
    )
    return [f"({first}) = {number}" for number in range(len(conditions))]


#: The comparisons, each with the prepared column that must hold data for it to be used.
_COMPARISONS: tuple[tuple[str, Any], ...] = (
    ("name_tokens", lambda sql: name_comparison(sql)),
    ("birth_year_low", lambda sql: birth_comparison()),
    ("sex", lambda sql: _exact_or_else("sex", "sex")),
    ("event_day", lambda sql: event_comparison()),
    ("place_key", lambda sql: place_comparison(sql)),
    ("postcode", lambda sql: postcode_comparison()),
    ("curp", lambda sql: _identifier("curp", "CURP (exact identifier)")),
    ("email", lambda sql: _exact_or_else("email", "e-mail (exact identifier)")),
)


def comparisons(
    present: set[str] | None = None, dialect: str = "duckdb"
) -> list[ComparisonCreator]:
    """The comparisons of the model whose column holds data (all when ``present`` is None).

    A comparison on a column no list has cannot be trained and says nothing, so it is left
    out rather than left at Splink's defaults.
    """
    sql = SetSql(dialect)
    return [make(sql) for column, make in _COMPARISONS if present is None or column in present]


def blocking_rules(present: set[str] | None = None) -> list[BlockingRuleCreator]:
    """Blocking rules for prediction, chosen to keep the share of true pairs compared high.

    - any two name tokens in common, by sound (survives wrong splits, swapped or missing
      surnames, and a nickname in place of one name); for name pairs shared by more than
      :data:`recuento.link.prepare.PAIR_REFINE_ABOVE` records, within a year of birth;
    - one name token by sound and a year of birth, where that block is small (a misspelt
      given name and a missing surname together leave one shared name);
    - first surname by sound, a formal form of the given name and the event year (a
      nickname and a missing maternal surname together leave a single shared name token);
    - first surname by sound, the event's year and the place (a nickname or misspelt given
      name on a list that gives only an age);
    - the same full date of birth, whatever the names (typos in both names);
    - the same postcode and one name token by sound, where that block is small (typos in
      the other names and in the date of birth);
    - the same postcode and year of birth, whatever the names (typos in every name);
    - one name with the place (and with the place and the event's year) or the postcode's
      district, the surname with the given name's initial, or the spelling prefixes of
      both, where that block is small (a nickname or a typo where the date of birth is
      missing);
    - a common pair of names with the place, or three names together, where that block
      is small (the same name with years of birth one or two apart: a newspaper's age at
      an approximate date);
    - CURP, e-mail.

    Every rule joins on enough columns that its blocks stay small as lists grow. These
    rules compare 99.97% of the true pairs at 9,928 simulated records, 99.72% at 245,541
    and 99.50% at 1,000,360, in 102.8 million comparisons at a million
    (`recuento.link.recall`; BENCHMARKS.md). Surname-and-year-of-birth and
    given-name-and-year-of-birth rules added 0.2 points at 245,541 records (before the
    context rules) for 53 million more comparisons at a million, and were left out.
    """
    formal = {"arrays_to_explode": ["given_formal"]}
    rules: list[tuple[tuple[str, ...], BlockingRuleCreator]] = [
        (("token_pairs",), block_on("token_pairs", arrays_to_explode=["token_pairs"])),
        (("token_years",), block_on("token_years", arrays_to_explode=["token_years"])),
        (
            ("event_year", "given_formal"),
            block_on("first_surname_phonetic", "event_year", "given_formal", **formal),
        ),
        (
            # A nickname or misspelt given name with one side giving only an age: the
            # surname, the event's year and the place still agree (10k synthetic: 9 of
            # the 18 true pairs no other rule compares).
            ("event_year", "place_key"),
            block_on("first_surname_phonetic", "event_year", "place_key"),
        ),
        (
            # The same full date of birth (day precision: year-only dates have no month
            # or day), whatever the names: FEBRL4's typos in both names.
            ("birth_day",),
            block_on("birth_year", "birth_month", "birth_day"),
        ),
        (
            # A name mistyped and the date of birth too (FEBRL4: 13 of the 18 true pairs
            # no other rule compared), or names swapped between columns.
            ("postcode_keys",),
            block_on("postcode_keys", arrays_to_explode=["postcode_keys"]),
        ),
        (
            # Typos in every name: the postcode and the year of birth still agree. Never
            # the postcode alone: in a city a postcode (a US ZIP code, a Mexican código
            # postal) holds thousands of people; with the year it is a block of dozens.
            ("postcode", "birth_year"),
            block_on("postcode", "birth_year"),
        ),
        (
            # One name with the place (or the place and the event's year) or the
            # postcode's district, or the surname with the given name's initial or
            # spelling prefixes, in small blocks: a nickname or typo where the date of
            # birth is missing (historical_50k: recall of these rules 0.63 without, 0.82
            # with; simulated Juárez lists, 1,000,360 records: 0.9867 -> 0.9916 with the
            # event's year, about 5.4 million comparisons in all, blocks of at most 20).
            ("context_keys",),
            block_on("context_keys", arrays_to_explode=["context_keys"]),
        ),
        (
            # A common pair of names with the place, or three names together, in small
            # blocks: the same name where the years of birth disagree by one or two (a
            # newspaper's age at an approximate date).
            ("name_set_keys",),
            block_on("name_set_keys", arrays_to_explode=["name_set_keys"]),
        ),
        (("curp",), block_on("curp")),
        (("email",), block_on("email")),
    ]
    return [rule for needs, rule in rules if present is None or set(needs) <= present]


def settings(
    present: set[str] | None = None,
    *,
    dialect: str = "duckdb",
    probability_two_random_records_match: float = 1e-4,
) -> SettingsCreator:
    """The Splink settings of the person model (link and deduplicate all lists at once).

    Args:
        present: the prepared columns that hold data in at least two records; comparisons
            and blocking rules on other columns are left out. All when None.
        dialect: ``duckdb`` or ``spark``: the engine the SQL is written for.
        probability_two_random_records_match: the starting prior (training re-estimates it).
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=list[Any](comparisons(present, dialect)),
        blocking_rules_to_generate_predictions=list[Any](blocking_rules(present)),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
