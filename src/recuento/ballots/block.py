"""Block vote: each voter marks up to ``seats`` candidates; the ``seats`` with most marks win.

This is how the movement elected its coordinating group in February 2017 (one block vote
per region). In a BLT file a block-vote paper is a ballot line whose preferences are the
marked candidates, in any order. A paper marking more candidates than there are seats is
invalid (over-marked) and a paper marking none is blank; both are reported, neither counts.
Marks for withdrawn candidates are ignored.

Ties for the last seats are broken by a recorded lot (:class:`~recuento.ballots.ties.Lot`);
there are no earlier stages to look at. Winners with equal votes are listed in ballot order.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from recuento.ballots.model import Election
from recuento.ballots.results import CountResult, Stage
from recuento.ballots.ties import Lot, Tie
from recuento.errors import BallotError


def count_block(election: Election, *, lot: Lot | None = None) -> CountResult:
    """Count a block vote.

    Args:
        election: candidates, seats (the number of marks allowed and of winners) and papers.
        lot: decides ties for the last seats; without one, such a tie raises an error.

    Returns:
        A one-stage result: every candidate's marks, the winners, the ties.

    Raises:
        BallotError: no valid paper, or a lot needed but not provided.

    Examples:
        >>> from recuento.ballots import Election, count_block
        >>> e = Election.build(["A", "B", "C"], [((0, 1), 5), ((2,), 4), ((1,), 1)], seats=2)
        >>> count_block(e).elected
        ('B', 'A')
    """
    lot = lot or Lot()
    k = election.seats
    names = election.names
    arr = election.arrays()
    lengths = (arr.prefs >= 0).sum(axis=1)
    blank = int(arr.weights[lengths == 0].sum())
    over = int(arr.weights[lengths > k].sum())
    ok = (lengths > 0) & (lengths <= k)
    valid = int(arr.weights[ok].sum())
    if valid == 0:
        raise BallotError("There is no valid paper to count (every paper is blank or over-marked).")
    marks = arr.prefs[ok]
    weights = np.repeat(arr.weights[ok], marks.shape[1])
    flat = marks.ravel()
    keep = flat >= 0
    votes_arr = np.zeros(len(names), dtype=np.int64)
    np.add.at(votes_arr, flat[keep], weights[keep])
    for w in election.withdrawn:
        votes_arr[w] = 0
    votes = [int(v) for v in votes_arr]
    standing = [c for c in range(len(names)) if c not in election.withdrawn]
    ranked = sorted(standing, key=lambda c: (-votes[c], c))
    ties: list[Tie] = []
    if len(ranked) <= k:
        winners = ranked
    else:
        cut = votes[ranked[k - 1]]
        sure = [c for c in ranked if votes[c] > cut]
        tied = [c for c in ranked if votes[c] == cut]
        places = k - len(sure)
        chosen: list[int] = []
        if len(tied) > places:
            pool = list(tied)
            for _ in range(places):
                pick = lot.draw([names[c] for c in pool], stage=1, kind="last_seat")
                c = next(x for x in pool if names[x] == pick)
                chosen.append(c)
                pool.remove(c)
                ties.append(Tie(1, "last_seat", tuple(names[x] for x in tied), "lot", None, pick))
        else:
            chosen = tied
        winners = sure + sorted(chosen, key=lambda c: (-votes[c], c))
    stage = Stage(
        number=1,
        kind="count",
        subject=(),
        votes={n: Decimal(v) for n, v in zip(names, votes, strict=True)},
        transfers={n: Decimal(v) for n, v in zip(names, votes, strict=True)},
        non_transferable=Decimal(0),
        loss=Decimal(0),
        elected=tuple(names[c] for c in winners),
        excluded=(),
    )
    notes = []
    if over:
        notes.append(f"{over} papers marked more than {k} candidates and were not counted.")
    return CountResult(
        method="block",
        title=election.title,
        seats=k,
        candidates=tuple(names),
        elected=tuple(names[c] for c in winners),
        quota=None,
        valid=valid,
        invalid=blank + over,
        stages=(stage,),
        ties=tuple(ties),
        extra={"blank": blank, "over_marked": over},
        notes=tuple(notes),
    )
