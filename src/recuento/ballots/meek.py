"""Meek STV (Hill, Wichmann & Woodall 1987, "Algorithm 123: Single Transferable Vote by
Meek's method", Computer Journal 30(3):277-281; the method of the New Zealand STV rules).

Every candidate has a *keep value*: 1 while hopeful, 0 once excluded, and for an elected
candidate the fraction of each vote reaching them that they keep. A paper gives each
candidate it names, in order, ``keep x (what is left of the paper)``; what is left after the
last preference is exhausted. The quota is recalculated from the votes that are not
exhausted, ``(total - exhausted) / (seats + 1)`` plus 0.000000001, and elected candidates'
keep values are lowered (``keep x quota / votes``) until their surpluses add up to less than
0.00001 of a vote. Then, if seats remain, the lowest hopeful is excluded.

Unlike the Scottish rules, a surplus reaches every later preference on every paper, and
papers pass elected candidates instead of skipping them, so the result does not depend on
the order in which surpluses are dealt with.

Arithmetic: fixed point with 9 decimals in int64 (the precision of the New Zealand rules).
A candidate's share of a paper is rounded *up* and taken from what is left, so value is
conserved exactly: votes + exhausted = valid papers at every stage, with no loss.
Ties for exclusion are broken as in the Scottish rules: by the most recent earlier stage at
which the tied candidates differed, then by a recorded lot.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import numpy as np

from recuento.ballots.model import Election
from recuento.ballots.quotas import Constraints
from recuento.ballots.results import CountResult, Stage, units_to_decimal
from recuento.ballots.ties import Lot, Tie, break_tie, order_by_votes
from recuento.errors import BallotError

PLACES = 9
SCALE = 10**PLACES
OMEGA = 10**4  # 0.00001 of a vote, in units: convergence when total surplus is below this
MAX_ITERATIONS = 500


def count_meek(
    election: Election,
    *,
    quotas: Mapping[str, int] | None = None,
    lot: Lot | None = None,
) -> CountResult:
    """Count an election by Meek's method.

    Args:
        election: candidates, seats and ballots.
        quotas: optional minimums per group, applied by constrained exclusion as in
            :func:`~recuento.ballots.stv_scottish.count_stv`.
        lot: where lots come from when a tie survives every earlier stage.

    Returns:
        The stage-by-stage result; each stage records keep values and the quota.

    Raises:
        BallotError: no valid paper, impossible quotas, or a lot needed but not provided.

    Examples:
        >>> from recuento.ballots import Election, count_meek
        >>> e = Election.build(["A", "B", "C"], [((0, 1), 6), ((1,), 3), ((2,), 4)], seats=2)
        >>> count_meek(e).elected
        ('A', 'B')
    """
    return _MeekCount(election, quotas or {}, lot or Lot()).run()


class _MeekCount:
    def __init__(self, election: Election, quotas: Mapping[str, int], lot: Lot) -> None:
        self.e = election
        self.names = election.names
        self.n = len(self.names)
        self.seats = election.seats
        self.lot = lot
        arr = election.arrays()
        lengths = (arr.prefs >= 0).sum(axis=1)
        live = lengths > 0
        self.prefs = arr.prefs[live]
        self.weights = arr.weights[live]
        self.valid = int(self.weights.sum())
        self.invalid = int(arr.weights[~live].sum())
        if self.valid == 0:
            raise BallotError("There is no valid paper to count (every paper is blank).")
        if self.valid * SCALE >= 2**62:
            raise BallotError("Too many papers to count exactly in 64-bit arithmetic.")
        self.keep = np.full(self.n, SCALE, dtype=np.int64)
        self.hopeful = np.ones(self.n, dtype=bool)
        for w in election.withdrawn:
            self.keep[w] = 0
            self.hopeful[w] = False
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.ties: list[Tie] = []
        self.history: list[list[int]] = []
        self.stages: list[Stage] = []
        self.stages_exhausted: list[int] = []
        self.votes = [0] * self.n
        self.exhausted = 0
        self.quota = 0
        self.constraints = Constraints(election, quotas, self.seats) if quotas else None
        self.quotas = dict(quotas)

    def _distribute(self) -> None:
        left = np.full(len(self.weights), SCALE, dtype=np.int64)
        acc = np.zeros(self.n, dtype=np.int64)
        for j in range(self.prefs.shape[1] - 1):
            cand = self.prefs[:, j]
            rows = np.nonzero((cand >= 0) & (left > 0))[0]
            if rows.size == 0:
                break
            c = cand[rows]
            k = self.keep[c]
            share = (left[rows] * k + (SCALE - 1)) // SCALE  # rounded up
            np.add.at(acc, c, share * self.weights[rows])
            left[rows] -= share
        self.votes = [int(v) for v in acc]
        self.exhausted = int((left * self.weights).sum())
        self.quota = (self.valid * SCALE - self.exhausted) // (self.seats + 1) + 1

    def _surplus(self) -> int:
        return sum(max(0, self.votes[c] - self.quota) for c in self.elected)

    def _cont(self) -> list[int]:
        return [c for c in range(self.n) if self.hopeful[c]]

    def _record(self, kind: str, subject: list[int], excluded: list[int]) -> None:
        before = self.history[-1] if self.history else [0] * self.n
        exhausted_before = self.stages_exhausted[-1] if self.stages else 0
        self.history.append(list(self.votes))
        self.stages_exhausted.append(self.exhausted)
        names = self.names

        def d(u: int) -> Decimal:
            return units_to_decimal(u, PLACES)

        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                kind=kind,
                subject=tuple(names[c] for c in subject),
                votes={names[c]: d(v) for c, v in enumerate(self.votes)},
                transfers={
                    names[c]: d(v - b)
                    for c, (v, b) in enumerate(zip(self.votes, before, strict=True))
                },
                non_transferable=d(self.exhausted - exhausted_before),
                loss=Decimal(0),
                excluded=tuple(names[c] for c in excluded),
                keep_values={names[c]: d(int(k)) for c, k in enumerate(self.keep)},
                quota=d(self.quota),
            )
        )

    def _elect_reached(self) -> None:
        reached = [c for c in self._cont() if self.votes[c] >= self.quota]
        if not reached:
            return
        order = order_by_votes(
            reached, self.votes, self.history[:-1], names=self.names, lot=self.lot,
            stage=len(self.stages), kind="election_order", ties=self.ties,
            by_lot=self.constraints is not None,
        )  # fmt: skip
        for c in order:
            if len(self.elected) >= self.seats:
                break
            if self.constraints is not None:
                vac = self.seats - len(self.elected)
                rest = [x for x in self._cont() if x != c]
                if not self.constraints.feasible([*self.elected, c], rest, vac - 1):
                    continue
            self._elect(c)

    def _elect(self, c: int) -> None:
        self.hopeful[c] = False
        self.elected.append(c)
        last = self.stages[-1]
        self.stages[-1] = Stage(**{**last.__dict__, "elected": (*last.elected, self.names[c])})

    def _to_exclude(self) -> int:
        cont = self._cont()
        if self.constraints is not None:
            vac = self.seats - len(self.elected)
            blocked = self.constraints.blocked(self.elected, cont, vac)
            if blocked:
                cont = blocked
            else:
                protected = set(self.constraints.protected(self.elected, cont, vac))
                cont = [c for c in cont if c not in protected]
        low = min(self.votes[c] for c in cont)
        tied = [c for c in cont if self.votes[c] == low]
        if len(tied) == 1:
            return tied[0]
        return break_tie(
            tied, self.history[:-1], lowest=True, names=self.names, lot=self.lot,
            stage=len(self.stages) + 1, kind="exclusion", ties=self.ties,
        )  # fmt: skip

    def _converge(self) -> bool:
        """Lower keep values until surpluses vanish or someone new reaches the quota.

        Returns:
            Whether a hopeful candidate reached the quota (otherwise the surpluses have
            converged: below 0.00001 in all, or no longer falling because of rounding, which
            with many papers can leave a total surplus of a few 0.00001).
        """
        previous = self._surplus()
        for _ in range(MAX_ITERATIONS):
            for c in self.elected:
                if self.votes[c] > 0:
                    k = int(self.keep[c]) * self.quota
                    self.keep[c] = -(-k // self.votes[c])  # rounded up
            self._distribute()
            surplus = self._surplus()
            if any(self.votes[c] >= self.quota for c in self._cont()):
                return True
            if surplus < OMEGA or surplus >= previous:
                return False
            previous = surplus
        return False

    def run(self) -> CountResult:
        self._distribute()
        self._record("first", [], [])
        self._elect_reached()
        settled = False
        while len(self.elected) < self.seats:
            cont = self._cont()
            if len(cont) + len(self.elected) <= self.seats:
                for c in order_by_votes(
                    cont, self.votes, self.history[:-1], names=self.names, lot=self.lot,
                    stage=len(self.stages), kind="election_order", ties=self.ties,
                    by_lot=False,
                ):  # fmt: skip
                    self._elect(c)
                break
            if not settled and self._surplus() >= OMEGA:
                with_surplus = [c for c in self.elected if self.votes[c] > self.quota]
                settled = not self._converge()
                self._record("surplus", with_surplus, [])
            else:
                settled = False
                x = self._to_exclude()
                self.hopeful[x] = False
                self.keep[x] = 0
                self.excluded.append(x)
                self._distribute()
                self._record("exclusion", [x], [x])
            self._elect_reached()
        return self._result()

    def _result(self) -> CountResult:
        notes = ["Meek STV: votes are fixed point with 9 decimals; value is conserved exactly."]
        if len(self.elected) < self.seats:
            notes.append("Fewer candidates than seats: some seats remain unfilled.")
        return CountResult(
            method="meek",
            title=self.e.title,
            seats=self.seats,
            candidates=tuple(self.names),
            elected=tuple(self.names[c] for c in self.elected),
            quota=units_to_decimal(self.quota, PLACES),
            valid=self.valid,
            invalid=self.invalid,
            stages=tuple(self.stages),
            ties=tuple(self.ties),
            constraints=self.quotas,
            notes=tuple(notes),
        )
