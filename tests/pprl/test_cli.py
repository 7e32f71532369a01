"""The encode, pprl-match and eligibility commands (CliRunner)."""

from __future__ import annotations

import csv
import shutil

import pytest
from click.testing import CliRunner

from recuento.cli import cli

SECRET = "test-secret-of-thirty-two-bytes!"


@pytest.fixture(scope="module")
def workdir(uk_rolls, tmp_path_factory):
    """Copies of the synthetic lists, a secret file, and the party's encoded files."""
    d = tmp_path_factory.mktemp("cli")
    for name in ("movement.csv", "party.csv", "expelled.xlsx"):
        shutil.copy(uk_rolls.directory / name, d / name)
    (d / "pprl.key").write_text(SECRET + "\n")
    runner = CliRunner()
    for name in ("party.csv", "expelled.xlsx"):
        out = d / (name.split(".")[0] + ".clk")
        result = runner.invoke(
            cli, ["encode", str(d / name), "--secret-file", str(d / "pprl.key"), "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    return d


def test_encode_writes_a_clk_file_and_a_summary_on_stderr(workdir):
    out = workdir / "members.clk"
    result = CliRunner().invoke(
        cli,
        ["encode", str(workdir / "movement.csv"), "--secret-file", str(workdir / "pprl.key"),
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "rows read" in result.stderr and "encoded" in result.stderr
    assert out.read_text().startswith("RECUENTO-CLK 1\n")


def test_encode_reads_the_secret_from_the_environment(workdir):
    runner = CliRunner()
    from_file, from_env = workdir / "file.clk", workdir / "env.clk"
    members = str(workdir / "movement.csv")
    key = str(workdir / "pprl.key")
    result = runner.invoke(cli, ["encode", members, "--secret-file", key, "--out", str(from_file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["encode", members, "--out", str(from_env)], env={"RECUENTO_PPRL_SECRET": SECRET}
    )
    assert result.exit_code == 0, result.output
    assert from_env.read_bytes() == from_file.read_bytes()


def test_encode_refuses_a_short_secret(workdir):
    key = workdir / "short.key"
    key.write_text("abc\n")
    result = CliRunner().invoke(
        cli,
        ["encode", str(workdir / "movement.csv"), "--secret-file", str(key),
         "--out", str(workdir / "x.clk")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: The secret in the file {key} is too short (3 bytes; at least 16 are needed"
    )
    assert not (workdir / "x.clk").exists()


def test_encode_has_no_option_that_takes_the_secret_itself():
    result = CliRunner().invoke(cli, ["encode", "--help"])
    assert result.exit_code == 0
    assert "--secret-file" in result.output and "RECUENTO_PPRL_SECRET" in result.output
    assert "--secret " not in result.output


def test_encode_does_not_overwrite_without_force(workdir):
    result = CliRunner().invoke(
        cli,
        ["encode", str(workdir / "movement.csv"), "--secret-file", str(workdir / "pprl.key"),
         "--out", str(workdir / "party.clk")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "exists; pass --force to replace it." in result.stderr


def test_pprl_match_writes_pairs_of_tokens_with_scores(workdir):
    members = workdir / "m2.clk"
    CliRunner().invoke(
        cli,
        ["encode", str(workdir / "movement.csv"), "--secret-file", str(workdir / "pprl.key"),
         "--out", str(members)],
    )  # fmt: skip
    out = workdir / "pairs.csv"
    result = CliRunner().invoke(
        cli, ["pprl-match", str(members), str(workdir / "party.clk"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "a_token", "b_token", "similarity", "probability", "weight",
        "dice_given", "dice_surname", "dice_birth_date", "dice_postcode",
    ]  # fmt: skip
    assert len(rows) > 150 and all(float(r["probability"]) >= 0.5 for r in rows)
    assert len({r["a_token"] for r in rows}) == len({r["b_token"] for r in rows}) == len(rows)


def test_pprl_match_refuses_files_made_with_different_secrets(workdir):
    other = workdir / "other.key"
    other.write_text("another-secret-thirty-two-bytes!\n")
    members = workdir / "other.clk"
    CliRunner().invoke(
        cli,
        ["encode", str(workdir / "movement.csv"), "--secret-file", str(other), "--out",
         str(members)],
    )  # fmt: skip
    result = CliRunner().invoke(
        cli,
        ["pprl-match", str(members), str(workdir / "party.clk"), "--out",
         str(workdir / "p2.csv")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: other.clk and party.clk were encoded with different secrets (their key checks "
        "differ), so no record could ever match. Both sides must encode with the same shared "
        "secret; encode again with the right --secret-file.\n"
    )


def test_eligibility_writes_one_status_per_member(workdir, uk_rolls):
    out = workdir / "statuses.csv"
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(workdir / "movement.csv"), "--roll", str(workdir / "party.clk"),
         "--expelled", str(workdir / "expelled.clk"), "--secret-file",
         str(workdir / "pprl.key"), "--deadline", "2017-07-01", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == uk_rolls.movement.num_rows
    assert list(rows[0])[:4] == ["id", "status", "status_en", "status_es"]
    assert {r["status"] for r in rows} <= {"eligible", "must_join", "deemed_resigned", "review"}
    assert "members:" in result.stderr and "eligible" in result.stderr


def test_eligibility_help_describes_plaintext_mode(workdir):
    # Plaintext mode exists now (tests/pprl/test_eligibility_plaintext.py tests it).
    help_text = CliRunner().invoke(cli, ["eligibility", "--help"]).output
    assert "Plaintext mode" in help_text and "linkage model" in help_text


def test_eligibility_rejects_a_deadline_that_is_not_a_date(workdir):
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(workdir / "movement.csv"), "--roll", str(workdir / "party.clk"),
         "--deadline", "1 July", "--out", str(workdir / "s3.csv")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "expected an ISO date such as 2017-07-01" in result.stderr


def test_eligibility_from_a_neutral_partys_pairs_gives_the_same_statuses(workdir):
    # The protective path: the movement sends members.clk, a neutral party matches it with
    # the party's files and returns only pairs; the statuses are those of the direct path.
    runner = CliRunner()
    key, members = str(workdir / "pprl.key"), str(workdir / "movement.csv")
    clk = workdir / "np_members.clk"
    assert (
        runner.invoke(cli, ["encode", members, "--secret-file", key, "--out", str(clk)]).exit_code
        == 0
    )
    for name in ("party", "expelled"):
        result = runner.invoke(
            cli,
            ["pprl-match", str(clk), str(workdir / f"{name}.clk"), "--best-per-a",
             "--threshold", "0", "--out", str(workdir / f"np_{name}_pairs.csv")],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    direct, neutral = workdir / "np_direct.csv", workdir / "np_neutral.csv"
    common = ["--secret-file", key, "--deadline", "2017-07-01"]
    result = runner.invoke(
        cli,
        ["eligibility", members, "--roll", str(workdir / "party.clk"), "--expelled",
         str(workdir / "expelled.clk"), *common, "--out", str(direct)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli,
        ["eligibility", members, "--roll-pairs", str(workdir / "np_party_pairs.csv"),
         "--expelled-pairs", str(workdir / "np_expelled_pairs.csv"), *common, "--out",
         str(neutral)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert neutral.read_text(encoding="utf-8") == direct.read_text(encoding="utf-8")


def test_pairs_that_name_none_of_the_members_are_refused(workdir):
    # As when the pairs were made with another secret: no a_token is a member's token.
    pairs = workdir / "np_foreign_pairs.csv"
    pairs.write_text(f"a_token,b_token,similarity,probability\n{'0' * 20},{'1' * 20},0.9,0.99\n")
    result = CliRunner().invoke(
        cli,
        ["eligibility", str(workdir / "movement.csv"), "--roll-pairs", str(pairs),
         "--secret-file", str(workdir / "pprl.key"), "--deadline", "2017-07-01", "--out",
         str(workdir / "np_bad.csv")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: No pair in {pairs} names a member of this list: the pairs were made from "
        "another members' file or with another secret."
    )
