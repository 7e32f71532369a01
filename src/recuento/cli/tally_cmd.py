"""``recuento tally``: count a BLT ballot file and show every stage."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import click

from recuento.ballots import METHODS, Lot, format_result, parse_quota, read_blt, tally, write_blt
from recuento.errors import BallotError


def _fraction(text: str) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as e:
        raise BallotError("--majority must be a fraction such as 1/2 or 2/3.") from e


@click.command(name="tally")
@click.argument("ballots", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="stv",
    show_default=True,
    help="stv: Scottish rules (SSI 2007/42); meek: Meek STV; block: block vote; "
    "yesno: consultation (option 1 yes, option 2 no, optional 3 abstain).",
)
@click.option("--seats", type=int, help="Seats to fill (default: the number in the file).")
@click.option(
    "--quota",
    "quotas",
    multiple=True,
    metavar="GROUP:MIN",
    help="At least MIN elected from GROUP (candidates marked '[GROUP]' in the file). "
    "Repeatable. stv and meek only.",
)
@click.option("--json", "as_json", is_flag=True, help="Write the result as JSON.")
@click.option("--seed", type=int, help="Seed for lots, when a tie survives every stage.")
@click.option(
    "--lot",
    "lots",
    multiple=True,
    metavar="NAME",
    help="Outcome of a lot drawn by hand (the candidate chosen), used before --seed. "
    "Repeatable, in the order the lots arise.",
)
@click.option("--electorate", type=int, help="People entitled to vote (yesno turnout).")
@click.option(
    "--majority", default="1/2", show_default=True, help="Share of yes to exceed (yesno)."
)
@click.option(
    "--lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
    help="Language of the stage table.",
)  # fmt: skip
@click.option(
    "--blt-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the ballots, identical papers merged, as a BLT file.",
)
def tally_command(
    ballots: Path,
    method: str,
    seats: int | None,
    quotas: tuple[str, ...],
    as_json: bool,
    seed: int | None,
    lots: tuple[str, ...],
    electorate: int | None,
    majority: str,
    lang: str,
    blt_out: Path | None,
) -> None:
    """Count the ballots of a BLT file and show every stage.

    Ties are broken by the most recent earlier stage at which the tied candidates had
    unequal votes, then by a lot that must be given (--lot NAME or --seed N); every tie
    is reported. Candidates belong to a group when their name line ends in [GROUP].

    \b
    Example:
        recuento tally ward9.blt
        recuento tally ncg.blt --seats 4 --quota women:2 --json
        recuento tally ncg.blt --method meek --seed 2026
        recuento tally consulta.blt --method yesno --electorate 20000 --lang es
    """
    minimums: dict[str, int] = {}
    for text in quotas:
        group, minimum = parse_quota(text)
        minimums[group] = minimum
    election = read_blt(ballots)
    result = tally(
        election,
        method=method,
        seats=seats,
        quotas=minimums,
        lot=Lot(seed=seed, choices=lots),
        electorate=electorate,
        majority=_fraction(majority),
    )
    if blt_out is not None:
        write_blt(election if seats is None else election.with_seats(seats), blt_out)
        click.echo(f"Ballots written to {blt_out}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_result(result, lang=lang), nl=False)


COMMANDS = [tally_command]
