"""Breaking ties: by earlier stages first, then by a recorded lot.

Scottish rules (SSI 2007/42, schedule 1, rules 49 and 51): when candidates to be excluded,
or surpluses to be transferred, are equal, look at the most recent preceding stage at which
the tied candidates had unequal votes; exclude the lowest (transfer the largest surplus
first) at that stage. If they were equal at every stage, decide by lot.

A lot here is never silent: it is drawn either from an explicit list of outcomes (a draw
made by hand, in public, and typed in) or from a seeded generator, and every tie, however
it was broken, is recorded in the result with the stage at which it was decided.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from recuento.errors import BallotError

#: What a tie was about.
TIE_KINDS = ("exclusion", "surplus_order", "election_order", "last_seat", "outcome")


@dataclass(frozen=True)
class Tie:
    """One tie and how it was broken.

    Attributes:
        stage: the stage at which the tie arose.
        kind: ``exclusion`` (who is excluded), ``surplus_order`` (whose surplus goes
            first), ``election_order`` (order of election in one stage), ``last_seat``
            (block vote: who gets the last seats) or ``outcome``.
        candidates: the tied candidates' names.
        method: ``earlier_stage``, ``lot``, or ``ballot_order`` (only for the order in
            which candidates elected at the same stage are listed, when nothing depends
            on it).
        decided_at: for ``earlier_stage``, the stage whose votes decided it.
        chosen: the candidate picked: excluded, transferred first, elected first, or
            given the seat.
    """

    stage: int
    kind: str
    candidates: tuple[str, ...]
    method: str
    decided_at: int | None
    chosen: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "stage": self.stage,
            "kind": self.kind,
            "candidates": list(self.candidates),
            "method": self.method,
            "decided_at": self.decided_at,
            "chosen": self.chosen,
        }


class Lot:
    """The source of lots: explicit outcomes first, then a seeded generator.

    Args:
        seed: seed of the generator used once explicit outcomes run out; ``None`` means
            no generator: a tie that needs a lot raises :class:`BallotError` asking for one.
        choices: names drawn by hand, used in order, one per lot needed.

    Raises:
        BallotError: (from :meth:`draw`) a lot is needed and none is available, or the
            next recorded choice is not one of the tied candidates.
    """

    def __init__(self, seed: int | None = None, choices: Sequence[str] = ()) -> None:
        self.seed = seed
        self.choices = list(choices)
        self._used = 0
        self._rng = random.Random(seed) if seed is not None else None

    def draw(self, names: Sequence[str], *, stage: int, kind: str) -> str:
        """Pick one of ``names`` (tied candidates) by lot."""
        if self._used < len(self.choices):
            chosen = self.choices[self._used]
            self._used += 1
            if chosen not in names:
                raise BallotError(
                    f"Recorded lot number {self._used} (--lot) names a candidate who is not "
                    f"among the {len(names)} tied at stage {stage} ({kind}). Give the "
                    "name of one of the tied candidates exactly as in the ballot file."
                )
            return chosen
        if self._rng is None:
            raise BallotError(
                f"A lot is needed at stage {stage} ({kind}) between {len(names)} candidates "
                "who were equal at every stage. Draw it and pass the chosen name with "
                "--lot NAME, or pass --seed N to draw it from a recorded seed."
            )
        return self._rng.choice(sorted(names))


def break_tie(
    tied: Sequence[int],
    earlier: Sequence[Sequence[int]],
    *,
    lowest: bool,
    names: Sequence[str],
    lot: Lot,
    stage: int,
    kind: str,
    ties: list[Tie],
    by_lot: bool = True,
) -> int:
    """Pick one candidate among ``tied`` (equal now) and record how.

    Args:
        tied: candidate numbers with equal votes now (two or more).
        earlier: votes per candidate at the end of each earlier stage, oldest first; the
            votes at stage ``s`` are ``earlier[s - 1]``.
        lowest: pick the lowest at the deciding stage (exclusion); otherwise the highest
            (surplus order, order of election).
        names: candidate names, for the record.
        lot: where lots come from.
        stage: the current stage, for the record.
        kind: what the tie is about (see :class:`Tie`).
        ties: the list that receives the :class:`Tie` record.
        by_lot: when earlier stages do not decide, draw a lot (``True``) or take the
            first in ballot order (``False``, method ``ballot_order``; only for ties
            whose outcome changes nothing, such as the order in which candidates elected
            at the same stage are listed).

    Returns:
        The chosen candidate number.
    """
    group = sorted(tied)
    decided_at: int | None = None
    # Walk back from the most recent preceding stage; at a stage where the group is unequal,
    # keep only the lowest (or highest) and go on only if more than one is left.
    for s in range(len(earlier) - 1, -1, -1):
        vals = [earlier[s][c] for c in group]
        target = min(vals) if lowest else max(vals)
        if any(v != target for v in vals):
            group = [c for c, v in zip(group, vals, strict=True) if v == target]
            decided_at = s + 1
            if len(group) == 1:
                break
    if len(group) == 1:
        chosen = group[0]
        method = "earlier_stage"
    elif not by_lot:
        chosen = group[0]
        method = "ballot_order"
        decided_at = None
    else:
        picked = lot.draw([names[c] for c in group], stage=stage, kind=kind)
        chosen = next(c for c in group if names[c] == picked)
        method = "lot"
        decided_at = None
    ties.append(
        Tie(stage, kind, tuple(names[c] for c in sorted(tied)), method, decided_at, names[chosen])
    )
    return chosen


def order_by_votes(
    cands: Sequence[int],
    votes: Sequence[int],
    earlier: Sequence[Sequence[int]],
    *,
    names: Sequence[str],
    lot: Lot,
    stage: int,
    kind: str,
    ties: list[Tie],
    by_lot: bool = True,
) -> list[int]:
    """Candidates by votes, highest first; equal votes ordered by :func:`break_tie`."""
    left = list(cands)
    out: list[int] = []
    while left:
        top = max(votes[c] for c in left)
        tied = [c for c in left if votes[c] == top]
        if len(tied) == 1:
            pick = tied[0]
        else:
            pick = break_tie(
                tied, earlier, lowest=False, names=names, lot=lot, stage=stage, kind=kind,
                ties=ties, by_lot=by_lot,
            )  # fmt: skip
        out.append(pick)
        left.remove(pick)
    return out
