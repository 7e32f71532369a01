"""STV by the Scottish rules (The Scottish Local Government Elections Order 2007, SSI 2007/42,
schedule 1, rules 45-52), with optional group quotas.

The rules, as implemented:

* Rule 45-46: first preferences are counted; the quota is the Droop quota,
  ``floor(valid / (seats + 1)) + 1``.
* Rule 47: a candidate whose votes equal or exceed the quota is elected.
* Rule 48 (weighted inclusive Gregory): a surplus is transferred from *all* the papers the
  elected candidate holds. Each paper gets the transfer value
  ``surplus x (value of the paper when received) / (candidate's total)``, calculated to
  five decimal places with the remainder ignored (truncated, never rounded). Papers with no
  next preference for a continuing candidate are non-transferable. The candidate keeps the
  quota; what truncation drops is reported as ``loss``.
* Rule 49: when several candidates have surpluses, the largest is transferred first (ties:
  the most recent earlier stage at which they were unequal, else lot). Surpluses are never
  deferred.
* Rule 50-51: with no surplus to transfer, the candidate with fewest votes is excluded and
  all their papers pass on, at the value each had, in one stage (ties as for rule 49, the
  lowest being excluded).
* Rule 52: when the continuing candidates are no more than the seats left, they are all
  elected and the count stops.

Arithmetic is exact: every value is an integer number of 0.00001 votes (a transfer value
``S x v / T`` in those units is ``S_u * v_u // T_u``, all Python integers), and sums run in
int64 numpy arrays, which hold any election under 90 trillion papers.

Ballots are counted per distinct preference sequence (see :mod:`recuento.ballots.model`);
papers in one group always travel together, so this is exactly a count of papers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from recuento.ballots.model import Election, next_continuing
from recuento.ballots.quotas import Constraints
from recuento.ballots.results import CountResult, Stage, units_to_decimal
from recuento.ballots.ties import Lot, Tie, break_tie, order_by_votes
from recuento.errors import BallotError

PLACES = 5
SCALE = 10**PLACES
_MAX_UNITS = 2**62


@dataclass
class _StageRec:
    number: int
    kind: str
    subject: list[int]
    votes: list[int]
    transfers: list[int]
    non_transferable: int = 0
    loss: int = 0
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    transfer_values: dict[str, str] = field(default_factory=dict)


def count_stv(
    election: Election,
    *,
    quotas: Mapping[str, int] | None = None,
    lot: Lot | None = None,
) -> CountResult:
    """Count an election by the Scottish STV rules.

    Args:
        election: candidates, seats and ballots.
        quotas: optional minimums per group, ``{"women": 2}``, applied by constrained
            exclusion (:mod:`recuento.ballots.quotas`).
        lot: where lots come from when a tie survives every earlier stage; the default
            has neither seed nor recorded choices, so such a tie raises an error.

    Returns:
        The stage-by-stage result.

    Raises:
        BallotError: no valid paper, impossible quotas, or a lot needed but not provided.

    Examples:
        >>> from recuento.ballots import Election, count_stv
        >>> e = Election.build(["A", "B", "C"], [((0, 1), 6), ((1,), 3), ((2,), 4)], seats=2)
        >>> count_stv(e).elected
        ('A', 'C')
    """
    return _ScottishCount(election, quotas or {}, lot or Lot()).run()


class _ScottishCount:
    def __init__(self, election: Election, quotas: Mapping[str, int], lot: Lot) -> None:
        self.e = election
        self.names = election.names
        self.n = len(self.names)
        self.seats = election.seats
        self.lot = lot
        arr = election.arrays()
        self.prefs = arr.prefs
        self.weights = arr.weights
        if int(self.weights.sum()) * SCALE >= _MAX_UNITS:
            raise BallotError("Too many papers to count exactly in 64-bit arithmetic.")
        g = len(self.weights)
        self.holder: npt.NDArray[np.intp] = np.full(g, -1, dtype=np.intp)
        self.pos: npt.NDArray[np.intp] = np.zeros(g, dtype=np.intp)
        self.value: npt.NDArray[np.int64] = np.full(g, SCALE, dtype=np.int64)
        self.continuing = np.ones(self.n, dtype=bool)
        for w in election.withdrawn:
            self.continuing[w] = False
        self.votes = [0] * self.n
        self.history: list[list[int]] = []
        self.stages: list[_StageRec] = []
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.pending: list[int] = []
        self.ties: list[Tie] = []
        self.constraints = Constraints(election, quotas, self.seats) if quotas else None
        self.quotas = dict(quotas)
        self.quota_u = 0

    # -- arithmetic ---------------------------------------------------------------------
    def _credit(
        self, dest: npt.NDArray[np.intp], amounts: npt.NDArray[np.int64]
    ) -> tuple[list[int], int]:
        ok = dest >= 0
        acc = np.zeros(self.n, dtype=np.int64)
        np.add.at(acc, dest[ok], amounts[ok])
        return [int(x) for x in acc], int(amounts[~ok].sum())

    def _record(self, kind: str, subject: list[int], before: list[int]) -> _StageRec:
        rec = _StageRec(
            number=len(self.stages) + 1,
            kind=kind,
            subject=subject,
            votes=list(self.votes),
            transfers=[a - b for a, b in zip(self.votes, before, strict=True)],
        )
        self.stages.append(rec)
        self.history.append(list(self.votes))
        return rec

    # -- stages -------------------------------------------------------------------------
    def _first_stage(self) -> None:
        rows = np.arange(len(self.weights), dtype=np.intp)
        pos, cand = next_continuing(self.prefs, rows, self.pos, self.continuing)
        self.pos, self.holder = pos, cand
        credit, blank = self._credit(cand, self.weights * SCALE)
        self.valid = int(self.weights[cand >= 0].sum())
        self.invalid = blank // SCALE
        if self.valid == 0:
            raise BallotError("There is no valid paper to count (every paper is blank).")
        self.quota_u = (self.valid // (self.seats + 1) + 1) * SCALE
        before = list(self.votes)
        self.votes = credit
        self._record("first", [], before)

    def _transfer_surplus(self, e: int) -> None:
        rows = np.nonzero(self.holder == e)[0]
        total = self.votes[e]
        surplus = total - self.quota_u
        v = self.value[rows]
        uniq, inv = np.unique(v, return_inverse=True)
        # Rule 48(3): surplus x value / total, to five places, remainder ignored.
        tv_u = [surplus * int(x) // total for x in uniq]
        tv = np.asarray(tv_u, dtype=np.int64)[inv]
        pos, dest = next_continuing(self.prefs, rows, self.pos[rows] + 1, self.continuing)
        credit, nt = self._credit(dest, self.weights[rows] * tv)
        self.holder[rows] = dest
        self.pos[rows] = pos
        self.value[rows] = tv
        before = list(self.votes)
        for c in range(self.n):
            self.votes[c] += credit[c]
        self.votes[e] = self.quota_u
        rec = self._record("surplus", [e], before)
        rec.non_transferable = nt
        rec.loss = surplus - sum(credit) - nt
        rec.transfer_values = {
            str(units_to_decimal(int(x), PLACES)): str(units_to_decimal(t, PLACES))
            for x, t in zip(uniq, tv_u, strict=True)
        }

    def _exclude(self, x: int) -> None:
        self.continuing[x] = False
        self.excluded.append(x)
        rows = np.nonzero(self.holder == x)[0]
        pos, dest = next_continuing(self.prefs, rows, self.pos[rows] + 1, self.continuing)
        credit, nt = self._credit(dest, self.weights[rows] * self.value[rows])
        self.holder[rows] = dest
        self.pos[rows] = pos
        before = list(self.votes)
        for c in range(self.n):
            self.votes[c] += credit[c]
        self.votes[x] = 0
        rec = self._record("exclusion", [x], before)
        rec.non_transferable = nt
        rec.excluded.append(x)

    def _continuing(self) -> list[int]:
        return [c for c in range(self.n) if self.continuing[c]]

    def _elect(self, c: int) -> None:
        self.continuing[c] = False
        self.elected.append(c)
        self.stages[-1].elected.append(c)
        if self.votes[c] > self.quota_u:
            self.pending.append(c)

    def _elect_reached(self) -> None:
        reached = [c for c in self._continuing() if self.votes[c] >= self.quota_u]
        if not reached:
            return
        order = self._order(
            reached, len(self.stages), "election_order", by_lot=self.constraints is not None
        )
        for c in order:
            if len(self.elected) >= self.seats:
                break
            if self.constraints is not None:
                vac = self.seats - len(self.elected)
                rest = [x for x in self._continuing() if x != c]
                if not self.constraints.feasible([*self.elected, c], rest, vac - 1):
                    continue  # blocked: excluded before the next ordinary exclusion
            self._elect(c)

    def _order(self, cands: list[int], stage: int, kind: str, *, by_lot: bool) -> list[int]:
        # The order of election within one stage matters only under group quotas (it
        # decides who is blocked); otherwise at most the seats left can reach the quota
        # together, all are elected, and equal surpluses have their own tie (rule 49).
        return order_by_votes(
            cands, self.votes, self.history[:-1], names=self.names, lot=self.lot,
            stage=stage, kind=kind, ties=self.ties, by_lot=by_lot,
        )  # fmt: skip

    def _pick(self, cands: list[int], *, lowest: bool, kind: str) -> int:
        target = (min if lowest else max)(self.votes[c] for c in cands)
        tied = [c for c in cands if self.votes[c] == target]
        if len(tied) == 1:
            return tied[0]
        return break_tie(
            tied, self.history[:-1], lowest=lowest, names=self.names, lot=self.lot,
            stage=len(self.stages) + 1, kind=kind, ties=self.ties,
        )  # fmt: skip

    def _to_exclude(self) -> int:
        cont = self._continuing()
        if self.constraints is not None:
            vac = self.seats - len(self.elected)
            blocked = self.constraints.blocked(self.elected, cont, vac)
            if blocked:
                return self._pick(blocked, lowest=True, kind="exclusion")
            protected = set(self.constraints.protected(self.elected, cont, vac))
            cont = [c for c in cont if c not in protected]
        return self._pick(cont, lowest=True, kind="exclusion")

    def run(self) -> CountResult:
        self._first_stage()
        self._elect_reached()
        while len(self.elected) < self.seats:
            cont = self._continuing()
            vacancies = self.seats - len(self.elected)
            if len(cont) <= vacancies:  # rule 52
                for c in self._order(cont, len(self.stages), "election_order", by_lot=False):
                    self._elect(c)
                break
            if self.pending:
                e = self._pick(self.pending, lowest=False, kind="surplus_order")
                self.pending.remove(e)
                self._transfer_surplus(e)
            else:
                self._exclude(self._to_exclude())
            self._elect_reached()
        return self._result()

    def _result(self) -> CountResult:
        def d(u: int) -> Decimal:
            return units_to_decimal(u, PLACES)

        stages = tuple(
            Stage(
                number=r.number,
                kind=r.kind,
                subject=tuple(self.names[c] for c in r.subject),
                votes={self.names[c]: d(v) for c, v in enumerate(r.votes)},
                transfers={self.names[c]: d(v) for c, v in enumerate(r.transfers)},
                non_transferable=d(r.non_transferable),
                loss=d(r.loss),
                elected=tuple(self.names[c] for c in r.elected),
                excluded=tuple(self.names[c] for c in r.excluded),
                transfer_values=r.transfer_values,
            )
            for r in self.stages
        )
        notes = []
        if self.e.withdrawn:
            notes.append(
                f"{len(self.e.withdrawn)} withdrawn candidates were skipped on every paper."
            )
        if len(self.elected) < self.seats:
            notes.append("Fewer candidates than seats: some seats remain unfilled.")
        return CountResult(
            method="stv",
            title=self.e.title,
            seats=self.seats,
            candidates=tuple(self.names),
            elected=tuple(self.names[c] for c in self.elected),
            quota=d(self.quota_u),
            valid=self.valid,
            invalid=self.invalid,
            stages=stages,
            ties=tuple(self.ties),
            constraints=self.quotas,
            notes=tuple(notes),
        )
