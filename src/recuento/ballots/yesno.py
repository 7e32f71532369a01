"""Yes/no consultations, with abstentions and turnout.

A consultation is written as a BLT file with two options, or three:

* option 1 is *yes* and option 2 is *no* (their names are free: "Sí / Yes", "Approve"...);
* an optional option 3 is an explicit *abstain*; a blank paper (``1 0``) is an abstention too;
* the seat count is ignored.

A paper marking more than one option is invalid. The proposal is carried when
``yes / (yes + no)`` is more than the required majority (a simple majority by default;
pass ``Fraction(2, 3)`` for a two-thirds rule). Abstentions and invalid papers count for
turnout but not for the majority. Turnout needs the size of the electorate, which a BLT
file does not hold.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np

from recuento.ballots.model import Election
from recuento.ballots.results import CountResult, Stage
from recuento.errors import BallotError


def _pct(part: int, whole: int) -> str:
    if whole == 0:
        return "0.00"
    value = Decimal(part) * 100 / Decimal(whole)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def count_yesno(
    election: Election,
    *,
    electorate: int | None = None,
    majority: Fraction = Fraction(1, 2),
) -> CountResult:
    """Count a yes/no consultation.

    Args:
        election: two options (yes, no) or three (yes, no, abstain), and the papers.
        electorate: people entitled to vote, for turnout; ``None`` leaves turnout out.
        majority: the share of yes among yes and no that must be *exceeded*.

    Returns:
        A one-stage result; ``extra`` holds ``yes``, ``no``, ``abstentions``, ``cast``,
        ``turnout`` (percent, 2 decimals), ``outcome`` (``carried``, ``not_carried`` or
        ``tie``), and both shares. ``elected`` is the winning option (empty on a tie).

    Raises:
        BallotError: not 2 or 3 options, a majority outside [1/2, 1), or an electorate
            smaller than the papers cast.

    Examples:
        >>> from recuento.ballots import Election, count_yesno
        >>> e = Election.build(["Yes", "No"], [((0,), 60), ((1,), 30), ((), 10)])
        >>> count_yesno(e, electorate=200).extra["turnout"]
        '50.00'
    """
    names = election.names
    if len(names) not in (2, 3):
        raise BallotError(
            f"A yes/no consultation needs 2 options (yes, no) or 3 (yes, no, abstain); the "
            f"ballot file has {len(names)}. Use --method stv or block for elections."
        )
    if not Fraction(1, 2) <= majority < 1:
        raise BallotError("The required majority must be at least 1/2 and less than 1.")
    arr = election.arrays()
    lengths = (arr.prefs >= 0).sum(axis=1)
    first = arr.prefs[:, 0]
    w = arr.weights
    yes = int(w[(lengths == 1) & (first == 0)].sum())
    no = int(w[(lengths == 1) & (first == 1)].sum())
    abstain_marked = int(w[(lengths == 1) & (first == 2)].sum())
    blank = int(w[lengths == 0].sum())
    invalid = int(w[lengths > 1].sum())
    abstentions = abstain_marked + blank
    cast = int(np.sum(w))
    valid = yes + no
    if electorate is not None and electorate < cast:
        raise BallotError(
            f"The electorate ({electorate}) is smaller than the papers cast ({cast}); "
            "check --electorate."
        )
    if valid and Fraction(yes, valid) > majority:
        outcome, winner = "carried", [names[0]]
    elif yes == no and majority == Fraction(1, 2):
        outcome, winner = "tie", []
    else:
        outcome, winner = "not_carried", [names[1]]
    votes = {names[0]: Decimal(yes), names[1]: Decimal(no)}
    if len(names) == 3:
        votes[names[2]] = Decimal(abstain_marked)
    stage = Stage(1, "count", (), votes, dict(votes), Decimal(0), Decimal(0), tuple(winner))
    extra = {
        "yes_option": names[0],
        "no_option": names[1],
        "yes": yes,
        "no": no,
        "abstentions": abstentions,
        "cast": cast,
        "electorate": electorate,
        "turnout": _pct(cast, electorate) if electorate else None,
        "yes_share": _pct(yes, valid),
        "no_share": _pct(no, valid),
        "majority": str(majority),
        "outcome": outcome,
    }
    return CountResult(
        method="yesno",
        title=election.title,
        seats=1,
        candidates=tuple(names),
        elected=tuple(winner),
        quota=None,
        valid=valid,
        invalid=invalid,
        stages=(stage,),
        extra=extra,
    )
