"""Reading and writing BLT ballot files."""

from __future__ import annotations

from pathlib import Path

import pytest

from recuento.ballots import BallotFileError, Candidate, Election, format_blt, parse_blt, read_blt
from recuento.errors import BallotError, ProblemsError

SMALL = """\
4 2
-4
12 1 2 0
7 2 4 3 0
5 1 2 0
1 0
0
"Ana GARCIA [women]"
Luis PEREZ
"Marta ROS [women, under30]"
"Juan SERRA"
"Coordinating group"
"""


def test_a_small_file_reads_candidates_groups_withdrawals_and_merged_ballots() -> None:
    e = parse_blt(SMALL)
    assert e.seats == 2
    assert e.names == ["Ana GARCIA", "Luis PEREZ", "Marta ROS", "Juan SERRA"]
    assert e.candidates[0].groups == {"women"}
    assert e.candidates[2].groups == {"women", "under30"}
    assert e.candidates[1].groups == frozenset()
    assert e.withdrawn == {3}
    assert dict(e.ballots) == {(0, 1): 17, (1, 3, 2): 7, (): 1}
    assert e.title == "Coordinating group"


def test_writing_then_reading_gives_back_the_same_election() -> None:
    e = parse_blt(SMALL)
    again = parse_blt(format_blt(e))
    assert again.candidates == e.candidates
    assert dict(again.ballots) == dict(e.ballots)
    assert (again.seats, again.withdrawn, again.title) == (e.seats, e.withdrawn, e.title)


def test_openstv_ballot_ids_and_comments_are_accepted() -> None:
    e = parse_blt('2 1\n# a comment\n(a1) 3 1 2 0\n(a2) 1 2 0\n0\nA\nB\n"t"\n')
    assert dict(e.ballots) == {(0, 1): 3, (1,): 1}


def test_every_problem_is_reported_at_once_with_its_line_and_no_ballot_content() -> None:
    text = "3 1\n2 1 4 0\n1 1 1 0\nx 1 0\n2 1 2\n0 1 0\n1 2=3 0\n0\nA\nB\nA\nT\n"
    with pytest.raises(BallotFileError) as info:
        parse_blt(text, source="votes.blt")
    err = info.value
    assert isinstance(err, BallotError) and isinstance(err, ProblemsError)
    lines = sorted(p.split(":")[0] for p in err.problems)
    assert lines == ["line 11", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]
    message = str(err)
    assert message.startswith("votes.blt is not a valid BLT ballot file (7 problems)")
    assert "same name as the one on line 9" in message
    assert "ranked twice" in message and "names no candidate" in message
    assert "2=3" not in message  # never quote a ballot


def test_a_missing_end_of_ballots_line_is_reported() -> None:
    with pytest.raises(BallotFileError, match="do not end with a line holding a single 0"):
        parse_blt("2 1\n3 1 2 0\n")


def test_a_bad_header_is_reported() -> None:
    with pytest.raises(BallotFileError, match="line 1: the first line must be two positive"):
        parse_blt("two one\n1 1 0\n0\nA\nB\n")


def test_missing_candidate_names_are_reported() -> None:
    with pytest.raises(BallotFileError, match="3 candidate names expected after the ballots, 2"):
        parse_blt("3 1\n1 1 0\n0\nA\nB\n")


def test_more_seats_than_candidates_is_reported() -> None:
    with pytest.raises(BallotFileError, match="3 seats but only 2 candidates"):
        parse_blt("2 3\n1 1 0\n0\nA\nB\nT\n")


def test_long_lists_of_problems_are_cut_with_a_count_of_the_rest() -> None:
    text = "2 1\n" + "1 3 0\n" * 40 + "0\nA\nB\nT\n"
    with pytest.raises(BallotFileError) as info:
        parse_blt(text)
    assert len(info.value.problems) == 26
    assert info.value.problems[-1] == "... and 15 more problems of the same kinds"


def test_read_blt_names_the_file_in_errors_and_reads_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin.blt"
    path.write_bytes("2 1\n1 1 0\n0\nRen\xe9e\nB\nT\n".encode("latin-1"))
    assert read_blt(path).names == ["Renée", "B"]
    with pytest.raises(BallotError, match="Cannot read the ballot file"):
        read_blt(tmp_path / "absent.blt")


def test_election_build_rejects_bad_ballots_all_at_once() -> None:
    with pytest.raises(BallotFileError) as info:
        Election.build(["A", "A"], [((0, 5), 1), ((1, 1), 2), ((0,), 0)], seats=0)
    assert len(info.value.problems) == 5


def test_the_real_files_parse_with_the_published_numbers_of_papers(scotland: Path) -> None:
    # Valid polls from the README table of /work/shared/reference/stv.
    expected = {"glasgow_2017_ward19": 7556, "edinburgh_2017_ward9": 9146}
    for ward, papers in expected.items():
        assert read_blt(scotland / f"{ward}.blt").total_papers == papers


def test_candidates_with_groups_are_written_with_the_bracket_suffix() -> None:
    e = Election.build([Candidate("A", frozenset({"w"})), "B"], [((0,), 1)], seats=1)
    assert '"A [w]"' in format_blt(e)
