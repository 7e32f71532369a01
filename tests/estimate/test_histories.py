"""Capture histories: building tables, reading persons files and histories tables, strata."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate.histories import CaptureHistories, NotEstimableError, check_estimable
from recuento.estimate.readers import read_histories_table, read_persons
from recuento.estimate.strata import bin_value, choose_binning, parse_by, person_label

from ._reference import reference_dir, table


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_repeated_patterns_are_added_and_sorted_with_first_list_most_significant() -> None:
    h = CaptureHistories.from_patterns(
        ["A", "B"], np.array([[1, 1], [0, 1], [1, 1], [1, 0]]), np.array([2, 3, 4, 5])
    )
    assert h.patterns.tolist() == [[0, 1], [1, 0], [1, 1]]
    assert h.counts.tolist() == [3, 5, 6]
    assert h.n_observed == 14
    assert h.list_sizes() == {"A": 11, "B": 9}


def test_cell_counts_index_cells_by_bit_mask_with_list_j_as_bit_j() -> None:
    h = table(["A", "B", "C"], {"100": 7, "001": 2, "011": 5})
    cells = h.cell_counts()
    # A alone = bit 0 = cell 1; C alone = bit 2 = cell 4; B and C = bits 1, 2 = cell 6
    assert cells.tolist() == [0, 7, 0, 0, 2, 0, 5, 0]
    back = CaptureHistories.from_cell_counts(h.lists, cells)
    assert back.patterns.tolist() == h.patterns.tolist()
    assert back.counts.tolist() == h.counts.tolist()


def test_patterns_other_than_zero_and_one_are_refused() -> None:
    with pytest.raises(EstimationError, match="0 or 1"):
        CaptureHistories.from_patterns(["A", "B"], np.array([[2, 0]]), np.array([1]))


def test_histories_table_reads_the_reference_format() -> None:
    base = reference_dir()
    got = read_histories_table(base / "histories" / "kosovo.csv")
    assert got.total.n_lists == 4
    assert got.total.n_observed == 4400
    assert got.strata == {}


def test_histories_table_with_stratum_column_gives_strata_that_add_up() -> None:
    base = reference_dir()
    got = read_histories_table(base / "histories" / "spina_bifida_conting_by_eth.csv")
    assert got.by == "stratum"
    assert len(got.strata) == 3
    assert sum(s.n_observed for s in got.strata.values()) == got.total.n_observed == 621


def test_histories_table_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "h.csv",
        "A,B,C,count\n1,0,0,5\n1,2,0,3\n0,1,0,-1\n0,0,0,4\n0,1\n",
    )
    with pytest.raises(ProblemsError) as err:
        read_histories_table(path)
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "line 3, column 'B': expected 0 or 1" in text
    assert "line 4, column 'count'" in text
    assert "line 5: a pattern with no list has a count" in text
    assert "line 6: expected 4 columns, found 2" in text


def test_histories_table_without_count_column_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "A,B,C\n1,0,0\n")
    with pytest.raises(ProblemsError, match="last column must be 'count'"):
        read_histories_table(path)


PERSONS = """source,id,person_id,event_date,age
prensa,1,p1,2001-03-04,25
ong,7,p1,2001-05-01,26
prensa,2,p2,2002-01-01,40
fiscalia,3,p3,2001-12-31,
fiscalia,4,p2,2002-02-02,41
ong,8,p4,,33
"""


def test_persons_file_becomes_one_history_per_person(tmp_path: Path) -> None:
    got = read_persons(write(tmp_path / "persons.csv", PERSONS))
    h = got.total
    assert h.lists == ("prensa", "ong", "fiscalia")
    assert h.n_observed == 4
    as_dict = {"".join(map(str, p)): int(c) for p, c in zip(h.patterns, h.counts, strict=True)}
    # p1 on prensa+ong, p2 on prensa+fiscalia, p3 on fiscalia, p4 on ong
    assert as_dict == {"110": 1, "101": 1, "001": 1, "010": 1}


def test_persons_strata_by_date_default_to_years(tmp_path: Path) -> None:
    got = read_persons(write(tmp_path / "persons.csv", PERSONS), by="event_date")
    assert got.binning == "year"
    assert list(got.strata) == ["2001", "2002", "(missing)"]
    assert [s.n_observed for s in got.strata.values()] == [2, 1, 1]
    assert any("no usable 'event_date'" in note for note in got.notes)


def test_persons_strata_by_age_use_ten_year_bands_and_majority_of_records(tmp_path: Path) -> None:
    got = read_persons(write(tmp_path / "persons.csv", PERSONS), by="age")
    assert got.binning == "10"
    # p1: 25 and 26 -> 20-29; p2: 40, 41 -> 40-49; p3 none; p4 33 -> 30-39
    assert {k: v.n_observed for k, v in got.strata.items()} == {
        "20-29": 1,
        "30-39": 1,
        "40-49": 1,
        "(missing)": 1,
    }


def test_persons_file_problems_are_all_reported_without_record_values(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "source,id,person_id\n,1,secret-name\nong,2,\n")
    with pytest.raises(ProblemsError) as err:
        read_persons(path)
    assert len(err.value.problems) == 2
    assert "secret-name" not in str(err.value)


def test_by_column_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match="--by names the column 'region'"):
        read_persons(write(tmp_path / "p.csv", PERSONS), by="region")


def test_binning_rules() -> None:
    assert bin_value("1998-03-07", "year") == "1998"
    assert bin_value("07/03/1998", "month") == "1998-03"
    assert bin_value("1998", "month") is None
    assert bin_value("1994-01-01", "decade") == "1990-1999"
    assert bin_value("37", "5") == "35-39"
    assert bin_value("abc", "10") is None
    assert bin_value("  Norte ", "raw") == "Norte"
    assert choose_binning("place", ["Norte", "Sur"]) == "raw"
    assert parse_by("age:5").binning == "5"
    with pytest.raises(EstimationError, match="unknown binning"):
        parse_by("age:weekly")


def test_person_label_takes_the_majority_and_flags_conflicts() -> None:
    assert person_label(["2001", "2002", "2002"]) == ("2002", True)
    assert person_label(["2002", "2001"]) == ("2001", True)
    assert person_label([None, None]) == ("(missing)", False)


def test_table_with_one_list_cannot_be_estimated() -> None:
    h = table(["A", "B", "C"], {"100": 7})
    with pytest.raises(NotEstimableError, match="only 1 list has records") as err:
        check_estimable(h)
    assert isinstance(err.value, EstimationError) and isinstance(err.value, ProblemsError)


def test_two_lists_are_allowed_with_a_loud_warning_and_empty_lists_are_named() -> None:
    h = table(["A", "B", "C"], {"100": 7, "010": 5, "110": 2})
    warnings = check_estimable(h)
    assert any("only 2 lists have records" in w for w in warnings)
    assert any("list 'C' has no records" in w for w in warnings)


def test_a_list_sharing_nobody_is_warned_about() -> None:
    h = table(["A", "B", "C"], {"100": 7, "010": 5, "110": 2, "001": 4})
    warnings = check_estimable(h)
    assert any("list 'C' shares no person" in w for w in warnings)
