"""``recuento encode``, ``recuento pprl-match``, ``recuento eligibility``: privacy-preserving
linkage of rolls that neither side may hand over (see docs/pprl.md)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import click

from recuento.cli._lists import ReadOptions, list_options, raise_failures, read_lists
from recuento.errors import RecuentoError

_SECRET_HELP = (
    "File holding the shared secret (at least 16 bytes; 32 random bytes recommended). "
    "Without it, the secret is read from the environment variable RECUENTO_PPRL_SECRET. "
    "The secret is never taken as a command-line value."
)


def _read_one(argument: str, options: ReadOptions) -> Any:
    results, _failed, errors = read_lists((argument,), options)
    raise_failures(errors, 1)
    return results[0]


def _check_out(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; pass --force to replace it.")


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        tmp.replace(path)
    except OSError as e:
        raise RecuentoError(f"Cannot write {path}: {e.strerror or e}.") from e


@click.command("encode")
@click.argument("list_", metavar="LIST")
@click.option("--secret-file", type=click.Path(dir_okay=False, path_type=Path), help=_SECRET_HELP)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The encodings file to write (.clk).",
)
@click.option(
    "--fields",
    default="given,surname,birth_date,postcode",
    show_default=True,
    help="Comma-separated fields to encode: given, surname, birth_date, postcode, email. "
    "Both sides must use the same fields.",
)
@click.option(
    "--flip",
    type=click.FloatRange(0, 0.25),
    default=0.02,
    show_default=True,
    help="Randomised-response flip probability per bit (hardening; both sides the same).",
)
@click.option(
    "--postcode-column",
    help="Header of the postcode column (by default: Postcode, Post code, Postal code, "
    "ZIP, Código postal or CP).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@list_options
def encode(
    list_: str,
    secret_file: Path | None,
    out: Path,
    fields: str,
    flip: float,
    postcode_column: str | None,
    force: bool,
    **read: Any,
) -> None:
    """Encode a roll into hardened Bloom filters and opaque tokens, with a shared secret.

    Reads LIST (CSV, XLSX or Parquet) as every recuento command does, then writes OUT: one
    line per accepted record with an opaque token, which fields are filled in, and the
    encoded filter; a header documents every parameter except the secret. No name, date,
    postcode or id is written. Each custodian encodes its own roll with the same secret
    and settings, and hands only the .clk file to the neutral party that matches.

    \b
    Example:
        recuento encode party.csv --secret-file pprl.key --out party.clk
        RECUENTO_PPRL_SECRET=... recuento encode members.xlsx --out members.clk
    """
    from recuento.pprl.clkfile import write_clk
    from recuento.pprl.encode import encode_table, make_params
    from recuento.pprl.keys import load_secret

    _check_out(out, force)
    params = make_params([f.strip() for f in fields.split(",") if f.strip()], flip)
    secret = load_secret(secret_file)
    result = _read_one(list_, ReadOptions(**read))
    roll = encode_table(result.table, secret, params, postcode_column=postcode_column,
                        name=result.name)  # fmt: skip
    write_clk(roll, out)
    click.echo(
        f"{result.name}: {result.read:,} rows read, {len(roll):,} encoded, "
        f"{result.rejected:,} rejected (see `recuento inspect`) -> {out}",
        err=True,
    )
    for note in roll.notes:
        click.echo(f"note: {note}", err=True)


@click.command("pprl-match")
@click.argument("a_file", metavar="A.clk", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("b_file", metavar="B.clk", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The pairs file to write (CSV).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Keep pairs whose match probability is at least this.",
)
@click.option(
    "--best-per-a",
    is_flag=True,
    help="Keep the best candidate of each record of A (records of B may repeat) instead "
    "of a one-to-one assignment.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def pprl_match(
    a_file: Path, b_file: Path, out: Path, threshold: float, best_per_a: bool, force: bool
) -> None:
    """Match two encoded rolls at a neutral party; write pairs of tokens, never filters.

    Compares the hardened filters of A.clk and B.clk (made by `recuento encode` with the
    same secret and settings): Dice similarity per field with a bit-count kernel, a match
    weight and probability, one-to-one assignment, threshold. OUT has one row per pair:
    a_token, b_token, similarity (record-level Dice), probability, weight and the Dice of
    each field. The secret is not needed and the filters are not returned.

    \b
    Example:
        recuento pprl-match members.clk party.clk --out pairs.csv
        recuento pprl-match members.clk party.clk --out grey.csv --threshold 0.05
    """
    from recuento.pprl.clkfile import read_clk
    from recuento.pprl.match import match_encodings

    _check_out(out, force)
    a, b = read_clk(a_file), read_clk(b_file)
    result = match_encodings(
        a, b, threshold=threshold, assignment="best-per-a" if best_per_a else "one-to-one"
    )
    columns = ["a_token", "b_token", "similarity", "probability", "weight"] + [
        f"dice_{f}" for f in result.fields
    ]
    _write_csv(out, columns, result.rows())
    click.echo(
        f"{len(a):,} x {len(b):,} records, {result.candidates['compared']:,} candidate pairs "
        f"compared, {len(result.pairs.a):,} pairs at probability >= {threshold} -> {out}",
        err=True,
    )


def _read_pairs(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise RecuentoError(
            f"Cannot read the pairs file {path}: {e}. Pass the CSV written by "
            "`recuento pprl-match`."
        ) from e


def _date(_ctx: click.Context, _param: click.Parameter, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"expected an ISO date such as 2017-07-01 (got {value!r})"
        ) from None


@click.command("eligibility")
@click.argument("members", metavar="MEMBERS")
@click.option(
    "--roll",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The party's roll: encoded by the party (.clk), or a plaintext list (CSV, XLSX or "
    "Parquet) matched with the linkage model.",
)
@click.option(
    "--expelled",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The party's expulsions list: encoded (.clk) with an encoded --roll, plaintext with "
    "a plaintext --roll.",
)
@click.option(
    "--roll-pairs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead of --roll: the pairs a neutral party found between the members and the "
    "roll (`recuento pprl-match MEMBERS.clk ROLL.clk --best-per-a --threshold 0`).",
)
@click.option(
    "--expelled-pairs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead of --expelled: the pairs found between the members and the expulsions.",
)
@click.option("--secret-file", type=click.Path(dir_okay=False, path_type=Path), help=_SECRET_HELP)
@click.option("--deadline", required=True, callback=_date, help="Date by which members must join.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The statuses file to write (CSV).",
)
@click.option(
    "--match-at",
    type=click.FloatRange(0, 1),
    default=0.95,
    show_default=True,
    help="Match probability from which a candidate counts as found.",
)
@click.option(
    "--review-from",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Match probability from which (below --match-at) a member is uncertain (review).",
)
@click.option("--postcode-column", help="Header of the postcode column of MEMBERS (see `encode`).")
@click.option(
    "--use-email",
    is_flag=True,
    help="Plaintext mode: compare emails too (by default name, date of birth and postcode, "
    "as the encodings do).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@list_options
def eligibility(
    members: str,
    roll: Path | None,
    expelled: Path | None,
    roll_pairs: Path | None,
    expelled_pairs: Path | None,
    secret_file: Path | None,
    deadline: dt.date,
    out: Path,
    match_at: float,
    review_from: float,
    postcode_column: str | None,
    use_email: bool,
    force: bool,
    **read: Any,
) -> None:
    """Each member's status against the party's roll and expulsions list.

    Encodes MEMBERS with the shared secret and the settings of the roll's file, matches
    them with the encoded roll and expulsions, and writes one row per member: eligible,
    must join by the deadline, deemed resigned pending hearing, or uncertain (review) when
    the best candidate is in the grey zone; with the match probability and similarity
    behind it. Every flag is a question to a person, never a verdict: notify the member,
    ask them to confirm (for instance with a party membership number), hold the hearing.

    PPRL mode: --roll and --expelled are .clk files. Plaintext mode, for organisations
    that may share their lists: --roll and --expelled are lists (CSV, XLSX, Parquet),
    matched with the linkage model on name, date of birth and postcode (--use-email adds
    the email); no secret is needed, and the statuses file names the party's record ids.

    Whoever holds the secret and the party's .clk files together can test guessed people
    against them: use --roll only where the party agrees to it. The protective path: a
    neutral party runs `recuento pprl-match MEMBERS.clk ROLL.clk --best-per-a --threshold 0`
    and returns only the pairs, which go to --roll-pairs (likewise --expelled-pairs); the
    secret then only recomputes the members' tokens (docs/pprl.md, threat model).

    \b
    Example:
        recuento eligibility members.csv --roll party.clk --expelled expelled.clk \\
            --secret-file pprl.key --deadline 2017-07-01 --out statuses.csv
        recuento eligibility members.csv --roll-pairs roll_pairs.csv \\
            --expelled-pairs expelled_pairs.csv --secret-file pprl.key \\
            --deadline 2017-07-01 --out statuses.csv
        recuento eligibility members.csv --roll party.csv --expelled expelled.xlsx \\
            --deadline 2017-07-01 --out statuses.csv
    """
    from recuento.pprl.bloom import record_seeds_and_tokens
    from recuento.pprl.clkfile import MAGIC, read_clk
    from recuento.pprl.eligibility import Thresholds, best_from_pairs, statuses
    from recuento.pprl.eligibility import eligibility as run
    from recuento.pprl.encode import encode_table
    from recuento.pprl.keys import PPRLError, load_secret

    if (roll is None) == (roll_pairs is None):
        raise click.UsageError("Give exactly one of --roll (a .clk file) and --roll-pairs.")
    if expelled is not None and expelled_pairs is not None:
        raise click.UsageError("Give at most one of --expelled and --expelled-pairs.")
    _check_out(out, force)
    encoded: dict[str, bool] = {}
    for option, path in (("--roll", roll), ("--expelled", expelled)):
        if path is None:
            continue
        try:
            with path.open("rb") as f:
                first = f.readline(64).rstrip(b"\r\n")
        except OSError as e:
            raise PPRLError(f"Cannot read {path} ({option}): {e.strerror or e}.") from e
        encoded[option] = first == MAGIC.encode("ascii")
    if len(set(encoded.values())) > 1:
        raise click.UsageError(
            "--roll and --expelled must be both encoded (.clk) or both plaintext lists."
        )
    thresholds = Thresholds(match_at, review_from)
    if roll is not None and not encoded["--roll"]:
        rows, counts, result = _plaintext(
            members, roll, expelled, deadline, thresholds, use_email, postcode_column, read
        )
        _finish(out, rows, counts, result)
        return
    if use_email:
        raise click.UsageError("--use-email is for plaintext mode (a plaintext --roll).")
    secret = load_secret(secret_file)
    if roll is not None:
        roll_enc = read_clk(roll)
        expelled_enc = read_clk(expelled) if expelled is not None else None
        result = _read_one(members, ReadOptions(**read))
        member_enc = encode_table(result.table, secret, roll_enc.params,
                                  postcode_column=postcode_column, name=result.name)  # fmt: skip
        ids = [str(i) for i in result.table.column("id").to_pylist()]
        rows, counts = run(member_enc, ids, roll_enc, expelled_enc, deadline, thresholds)
    elif roll_pairs is not None:
        if expelled is not None:
            raise click.UsageError("With --roll-pairs, give the expulsions as --expelled-pairs.")
        result = _read_one(members, ReadOptions(**read))
        ids = [str(i) for i in result.table.column("id").to_pylist()]
        tokens = record_seeds_and_tokens(secret, ids)[1]
        roll_best = best_from_pairs(_read_pairs(roll_pairs), tokens, str(roll_pairs))
        exp_best = (
            best_from_pairs(_read_pairs(expelled_pairs), tokens, str(expelled_pairs))
            if expelled_pairs is not None
            else {}
        )
        rows, counts = statuses(ids, roll_best, exp_best, deadline, thresholds)
    else:  # excluded above
        raise click.UsageError("Give exactly one of --roll (a .clk file) and --roll-pairs.")
    _finish(out, rows, counts, result)


def _plaintext(
    members: str,
    roll: Path,
    expelled: Path | None,
    deadline: dt.date,
    thresholds: Any,
    use_email: bool,
    postcode_column: str | None,
    read: dict[str, Any],
) -> tuple[list[dict[str, Any]], Any, Any]:
    """Plaintext mode: read the three lists and match them with the linkage model."""
    from recuento.pprl.eligibility_plaintext import plaintext_eligibility

    options = ReadOptions(**read)
    result = _read_one(members, options)
    roll_result = _read_one(str(roll), options)
    expelled_table = _read_one(str(expelled), options).table if expelled is not None else None
    rows, counts, notes = plaintext_eligibility(
        result.table,
        roll_result.table,
        expelled_table,
        deadline,
        thresholds,
        use_email=use_email,
        postcode_column=postcode_column,
        progress=lambda step: click.echo(f"linkage: {step}", err=True),
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    return rows, counts, result


def _finish(out: Path, rows: list[dict[str, Any]], counts: Any, result: Any) -> None:
    from recuento.pprl.eligibility import COLUMNS

    _write_csv(out, list(COLUMNS), rows)
    order = ("eligible", "must_join", "deemed_resigned", "review")
    summary = ", ".join(f"{counts.get(s, 0):,} {s}" for s in order)
    click.echo(f"{len(rows):,} members: {summary} -> {out}", err=True)
    if result.rejected:
        click.echo(
            f"note: {result.rejected:,} rows of {result.name} were rejected and have no "
            "status; see `recuento inspect`",
            err=True,
        )


COMMANDS = [encode, pprl_match, eligibility]
