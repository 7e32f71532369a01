"""One entry point for every counting method: :func:`tally`.

The CLI (``recuento tally``) and the web site call this; each method also has its own
function (:func:`~recuento.ballots.stv_scottish.count_stv`,
:func:`~recuento.ballots.meek.count_meek`, :func:`~recuento.ballots.block.count_block`,
:func:`~recuento.ballots.yesno.count_yesno`) with the same results.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from recuento.ballots.block import count_block
from recuento.ballots.meek import count_meek
from recuento.ballots.model import Election
from recuento.ballots.results import CountResult
from recuento.ballots.stv_scottish import count_stv
from recuento.ballots.ties import Lot
from recuento.ballots.yesno import count_yesno
from recuento.errors import BallotError

METHODS = ("stv", "meek", "block", "yesno")


def tally(
    election: Election,
    *,
    method: str = "stv",
    seats: int | None = None,
    quotas: Mapping[str, int] | None = None,
    lot: Lot | None = None,
    electorate: int | None = None,
    majority: Fraction = Fraction(1, 2),
) -> CountResult:
    """Count an election by the chosen method.

    Args:
        election: candidates, seats and ballots (from :func:`~recuento.ballots.read_blt`).
        method: ``stv`` (Scottish rules), ``meek``, ``block`` or ``yesno``.
        seats: overrides the number of seats in the ballot file.
        quotas: minimum elected per group (``stv`` and ``meek`` only).
        lot: recorded lots or a seed, for ties that survive every earlier stage.
        electorate: people entitled to vote (``yesno`` turnout).
        majority: share of yes needed to carry (``yesno``).

    Returns:
        The count.

    Raises:
        BallotError: an unknown method, options that do not apply to it, or any error of
            the method itself.
    """
    if method not in METHODS:
        raise BallotError(f"Unknown counting method; use one of: {', '.join(METHODS)}.")
    if seats is not None:
        election = election.with_seats(seats)
    if quotas and method not in ("stv", "meek"):
        raise BallotError("Group quotas (--quota) apply only to --method stv or meek.")
    if electorate is not None and method != "yesno":
        raise BallotError("--electorate applies only to --method yesno.")
    if method == "stv":
        return count_stv(election, quotas=quotas, lot=lot)
    if method == "meek":
        return count_meek(election, quotas=quotas, lot=lot)
    if method == "block":
        return count_block(election, lot=lot)
    return count_yesno(election, electorate=electorate, majority=majority)
