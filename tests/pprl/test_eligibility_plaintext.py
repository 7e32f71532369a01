"""Plaintext eligibility: the same statuses as PPRL mode, matched with the linkage model."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner

from recuento.cli import cli
from recuento.pprl.eligibility import COLUMNS, Thresholds
from recuento.pprl.eligibility_plaintext import plaintext_eligibility

DEADLINE = dt.date(2017, 7, 1)


@pytest.fixture(scope="module")
def plaintext(uk_rolls: Any) -> tuple[list[dict[str, Any]], Counter[str], list[str]]:
    return plaintext_eligibility(
        uk_rolls.movement, uk_rolls.party, uk_rolls.expelled, DEADLINE, Thresholds()
    )


def test_every_member_gets_one_status_in_the_statuses_columns(
    uk_rolls: Any, plaintext: Any
) -> None:
    rows, counts, _notes = plaintext
    assert [r["id"] for r in rows] == uk_rolls.movement.column("id").to_pylist()
    assert all(list(r) == list(COLUMNS) for r in rows)
    assert sum(counts.values()) == len(rows)
    assert {r["status"] for r in rows} <= {"eligible", "must_join", "deemed_resigned", "review"}
    assert all(r["deadline"] == "2017-07-01" for r in rows if r["status"] == "must_join")


def test_members_found_eligible_are_on_the_party_roll(uk_rolls: Any, plaintext: Any) -> None:
    # The synthetic truth: a member is rightly eligible when the roll record named is the
    # same person. Tolerance: at most 1 wrong of the eligible (about 240 members here; the
    # benchmark measures precision on 4,000).
    rows, _counts, _notes = plaintext
    truth = uk_rolls.truth
    eligible = [r for r in rows if r["status"] == "eligible"]
    wrong = [
        r for r in eligible if truth[("movement", r["id"])] != truth[("party", r["roll_token"])]
    ]
    assert len(eligible) > 100
    assert len(wrong) <= 1
    assert all(float(r["roll_probability"]) >= 0.95 for r in eligible)


def test_expelled_members_are_flagged_deemed_resigned_or_review(
    uk_rolls: Any, plaintext: Any
) -> None:
    rows, _counts, _notes = plaintext
    expelled = {uk_rolls.truth[("expelled", i)] for i in uk_rolls.expelled.column("id").to_pylist()}
    flagged = [r for r in rows if uk_rolls.truth[("movement", r["id"])] in expelled]
    assert flagged, "the simulation puts some expelled people in the movement"
    found = [r for r in flagged if r["status"] in {"deemed_resigned", "review"}]
    assert len(found) >= 0.8 * len(flagged)


def test_cli_plaintext_mode_needs_no_secret_and_writes_the_statuses(
    uk_rolls: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECUENTO_PPRL_SECRET", raising=False)
    d = uk_rolls.directory
    out = tmp_path / "statuses.csv"
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(d / "movement.csv"), "--roll", str(d / "party.csv"),
         "--expelled", str(d / "expelled.xlsx"), "--deadline", "2017-07-01", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == uk_rolls.movement.num_rows
    assert list(rows[0]) == list(COLUMNS)
    assert "members:" in result.stderr


def test_cli_refuses_an_encoded_roll_with_a_plaintext_expulsions_list(
    uk_rolls: Any, tmp_path: Any
) -> None:
    d = uk_rolls.directory
    clk = tmp_path / "party.clk"
    from recuento.pprl.clkfile import MAGIC

    clk.write_text(MAGIC + "\n", encoding="ascii")
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(d / "movement.csv"), "--roll", str(clk),
         "--expelled", str(d / "expelled.xlsx"), "--deadline", "2017-07-01",
         "--out", str(tmp_path / "s.csv")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--roll and --expelled must be both encoded (.clk) or both plaintext lists" in (
        result.output
    )


def test_cli_refuses_use_email_in_pprl_mode(uk_rolls: Any, tmp_path: Any) -> None:
    from recuento.pprl.clkfile import MAGIC

    clk = tmp_path / "party.clk"
    clk.write_text(MAGIC + "\n", encoding="ascii")
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(uk_rolls.directory / "movement.csv"), "--roll", str(clk),
         "--use-email", "--deadline", "2017-07-01", "--out", str(tmp_path / "s.csv")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--use-email is for plaintext mode" in result.output
