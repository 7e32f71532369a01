"""Reading and writing the interchange format; validation reports every problem at once."""

from __future__ import annotations

import re

import pytest

from recuento.match import MatchDataError, read_missing, read_remains, write_missing, write_remains
from recuento.match.records import MISSING_COLUMNS, REMAINS_COLUMNS
from recuento.people.dates import PartialDate

from ._factory import missing, remains, write_csv


def test_marks_and_clothing_are_read_in_spanish_and_english():
    es = missing(
        marks="tatuaje|antebrazo|izquierdo|rosa con el nombre Lupita",
        clothing="pantalón de mezclilla|azul|Levis;blusa|roja|",
    )
    en = missing(
        marks="Tattoo|Forearm|Left|rose with the name Lupita",
        clothing="jeans|blue|Levis;blouse|red|",
    )
    for record in (es, en):
        (mark,) = record.marks
        assert (mark.type, mark.body_part, mark.side) == ("tattoo", "forearm", "left")
        assert {"rose", "lupita", "name"} <= mark.tokens
        assert [(g.garment, g.colour) for g in record.clothing] == [
            ("jeans", "blue"),
            ("blouse", "red"),
        ]


def test_an_unknown_garment_or_colour_is_kept_as_words():
    (item,) = missing(clothing="rebozo|jaspeado|de lana").clothing
    assert item.garment is None and item.colour is None
    assert {"rebozo", "jaspeado", "lana"} <= item.tokens


def test_fields_may_be_empty_and_items_may_be_short():
    record = missing(marks="lunar|cara", clothing="tenis")
    assert record.marks[0].side is None and record.marks[0].description == ""
    assert record.clothing[0].garment == "sneakers" and record.clothing[0].colour is None
    assert missing().marks == () and missing().sex is None


def test_sex_condition_dates_and_ranges_are_read():
    r = remains(
        sex="Mujer",
        condition="calcinada",
        found_date="21/03/2009",
        age_min="18",
        age_max="25",
        height_min_cm="150,5",
        height_max_cm="160",
    )
    assert r.sex == "F" and r.condition == "burned"
    assert r.found == PartialDate(2009, 3, 21)
    assert (r.age_min, r.age_max, r.height_min_cm) == (18, 25, 150.5)
    assert remains(sex="indeterminado").sex is None
    assert missing(sex="mujer trans").trans


def test_every_problem_is_reported_at_once_with_line_and_column(tmp_path):
    rows = [
        {"id": "a", "sex": "quizá", "age_min": "30", "age_max": "20"},
        {"id": "a", "last_seen_date": "ayer por la tarde", "lat": "31.7"},
        {
            "id": "",
            "marks": "tatuaje|planeta|izquierdo|x;tatuaje|brazo|arriba|y",
            "age_min": "doce",
        },
    ]
    path = write_csv(tmp_path / "missing.csv", MISSING_COLUMNS, rows)
    with pytest.raises(MatchDataError) as caught:
        read_missing(path)
    problems = caught.value.problems
    expected = [
        ("line 2, column 2 (sex)", "not a recognised sex"),
        ("line 2, column 4 (age_max)", "smaller than age_min"),
        ("line 3, column 1 (id)", "this id is already used on line 2"),
        ("line 3, column 7 (last_seen_date)", "not a date"),
        ("line 3, column 10 (lon)", "lat and lon must be given together"),
        ("line 4, column 1 (id)", "empty id"),
        ("line 4, column 3 (age_min)", "not a number"),
        ("line 4, column 11 (marks)", "item 1: body part not recognised"),
        ("line 4, column 11 (marks)", "item 2: side not recognised"),
    ]
    assert len(problems) == len(expected)
    for problem, (where, what) in zip(problems, expected, strict=True):  # in file order
        assert problem.startswith(f"missing.csv, {where}: {what}"), problem
    assert str(caught.value).startswith("missing.csv: 9 problem(s) in the missing file")


def test_messages_never_quote_a_value_from_the_record(tmp_path):
    rows = [
        {
            "id": "Guadalupe-1",
            "sex": "Guadalupe",
            "found_date": "Guadalupe",
            "condition": "Guadalupe",
            "marks": "Guadalupe|Guadalupe|Guadalupe|Guadalupe",
            "age_min": "Guadalupe",
            "lat": "Guadalupe",
            "lon": "1",
        }
    ]
    path = write_csv(tmp_path / "remains.csv", REMAINS_COLUMNS, rows)
    with pytest.raises(MatchDataError) as caught:
        read_remains(path)
    assert len(caught.value.problems) >= 6
    assert "guadalupe" not in str(caught.value).lower()


def test_a_missing_column_is_reported_before_any_row(tmp_path):
    columns = [c for c in REMAINS_COLUMNS if c not in {"condition", "found_date"}]
    path = write_csv(tmp_path / "remains.csv", columns, [{"id": "x", "sex": "nope"}])
    with pytest.raises(MatchDataError) as caught:
        read_remains(path)
    assert caught.value.problems == [
        "remains.csv, line 1: column 'found_date' is missing from the header",
        "remains.csv, line 1: column 'condition' is missing from the header",
    ]


def test_line_numbers_count_lines_of_the_file_not_rows(tmp_path):
    rows = [
        {"id": "a", "marks": "tatuaje|espalda||una rosa\ncon espinas"},
        {"id": "b", "sex": "talvez"},
    ]
    path = write_csv(tmp_path / "missing.csv", MISSING_COLUMNS, rows)
    with pytest.raises(MatchDataError) as caught:
        read_missing(path)
    assert caught.value.problems[0].startswith("missing.csv, line 4, column 2 (sex)")


def test_a_file_that_is_not_utf8_says_how_to_fix_it(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_bytes(",".join(MISSING_COLUMNS).encode() + b"\nx,mujer\xf1\n")
    with pytest.raises(MatchDataError, match="not UTF-8"):
        read_missing(path)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_written_files_read_back_the_same(tmp_path, synthetic, lang):
    write_missing(tmp_path / "m.csv", synthetic.missing[:50], lang)
    write_remains(tmp_path / "r.csv", synthetic.remains[:50], lang)
    again_m = read_missing(tmp_path / "m.csv")
    again_r = read_remains(tmp_path / "r.csv")
    for before, after in zip(synthetic.missing[:50], again_m, strict=True):
        assert [(m.type, m.body_part, m.side, m.tokens) for m in before.marks] == [
            (m.type, m.body_part, m.side, m.tokens) for m in after.marks
        ]
        assert [(g.garment, g.colour) for g in before.clothing] == [
            (g.garment, g.colour) for g in after.clothing
        ]
        assert (before.last_seen, before.age_min, before.lat) == (
            after.last_seen,
            after.age_min,
            after.lat,
        )
    for before, after in zip(synthetic.remains[:50], again_r, strict=True):
        assert (before.condition, before.found, before.sex) == (
            after.condition,
            after.found,
            after.sex,
        )
        assert before.dental == after.dental
    header = (tmp_path / "r.csv").read_text("utf-8").splitlines()[0]
    assert re.match(",".join(REMAINS_COLUMNS), header)
