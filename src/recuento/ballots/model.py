"""What a count starts from: candidates, seats and ballots grouped by preference sequence.

A ballot is a sequence of candidate numbers (0-based here; BLT files number them from 1)
in order of preference. Identical sequences are stored once with a weight, the number of
papers that carry that sequence. Counting rules (Scottish STV, Meek, block vote, yes/no)
give every paper in a group the same treatment, because a paper's fate depends only on
its sequence; counting groups instead of papers is therefore exact, and it is what makes a
count of 100,000 ballots fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from recuento.errors import BallotError


@dataclass(frozen=True)
class Candidate:
    """A candidate (or, in a consultation, an option).

    Attributes:
        name: the name as printed on the ballot; unique within an election.
        groups: the groups the candidate belongs to, for quotas ("women", "under30"...).
    """

    name: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Election:
    """Candidates, seats and the ballots of one election.

    Attributes:
        candidates: in ballot order; a ballot refers to candidate ``i`` as ``i``.
        seats: the number of seats to fill.
        ballots: one entry per distinct preference sequence, ``(sequence, weight)``; a
            sequence is a tuple of 0-based candidate numbers, without repetitions; an
            empty sequence is a blank paper.
        withdrawn: 0-based numbers of candidates withdrawn before the count; papers skip
            them as if they were excluded before the first stage.
        title: the election's title.
    """

    candidates: tuple[Candidate, ...]
    seats: int
    ballots: tuple[tuple[tuple[int, ...], int], ...]
    withdrawn: frozenset[int] = frozenset()
    title: str = ""
    _arrays: list[BallotArrays] = field(
        default_factory=list, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def build(
        cls,
        candidates: Sequence[str | Candidate],
        ballots: Iterable[tuple[Sequence[int], int]] | Mapping[tuple[int, ...], int],
        *,
        seats: int = 1,
        withdrawn: Iterable[int] = (),
        title: str = "",
    ) -> Election:
        """Build an election, merging identical sequences and checking every ballot.

        Args:
            candidates: names (or :class:`Candidate` objects) in ballot order.
            ballots: ``(sequence, weight)`` pairs or a mapping sequence -> weight; sequences
                use 0-based candidate numbers.
            seats: seats to fill (at least 1).
            withdrawn: 0-based numbers of withdrawn candidates.
            title: the election's title.

        Raises:
            BallotError: a name repeated, seats not positive, a ballot naming a candidate
                that does not exist or naming one twice, or a weight that is not positive.
        """
        cands = tuple(c if isinstance(c, Candidate) else Candidate(str(c)) for c in candidates)
        n = len(cands)
        problems: list[str] = []
        if len({c.name for c in cands}) != n:
            problems.append("two candidates have the same name; names must be unique")
        if seats < 1:
            problems.append(f"seats must be at least 1, got {seats}")
        items = ballots.items() if isinstance(ballots, Mapping) else ballots
        merged: dict[tuple[int, ...], int] = {}
        for k, (seq, weight) in enumerate(items, start=1):
            seq_t = tuple(int(c) for c in seq)
            if weight <= 0:
                problems.append(f"ballot group {k}: weight must be a positive integer")
                continue
            if any(c < 0 or c >= n for c in seq_t):
                problems.append(f"ballot group {k}: a preference names no candidate (1..{n})")
                continue
            if len(set(seq_t)) != len(seq_t):
                problems.append(f"ballot group {k}: a candidate is ranked twice")
                continue
            merged[seq_t] = merged.get(seq_t, 0) + int(weight)
        wd = frozenset(int(w) for w in withdrawn)
        if any(w < 0 or w >= n for w in wd):
            problems.append("a withdrawn candidate number names no candidate")
        if problems:
            from recuento.ballots.blt import BallotFileError

            raise BallotFileError("The ballots are not valid:", problems)
        return cls(cands, seats, tuple(merged.items()), wd, title)

    @property
    def names(self) -> list[str]:
        """Candidate names in ballot order."""
        return [c.name for c in self.candidates]

    @property
    def total_papers(self) -> int:
        """Number of papers (sum of weights), blank papers included."""
        return sum(w for _, w in self.ballots)

    def index_of(self, name: str) -> int:
        """The 0-based number of the candidate called ``name``.

        Raises:
            BallotError: no candidate has that name.
        """
        for i, c in enumerate(self.candidates):
            if c.name == name:
                return i
        raise BallotError(
            "No candidate has the name given; names must match the ballot file exactly "
            "(see `recuento tally FILE` for the list)."
        )

    def with_seats(self, seats: int) -> Election:
        """The same election with another number of seats."""
        if seats < 1:
            raise BallotError(f"--seats must be at least 1, got {seats}.")
        return Election(self.candidates, seats, self.ballots, self.withdrawn, self.title)

    def arrays(self) -> BallotArrays:
        """The ballots as numpy arrays (computed once and cached)."""
        if not self._arrays:
            self._arrays.append(BallotArrays.from_ballots(self.ballots))
        return self._arrays[0]


@dataclass(frozen=True)
class BallotArrays:
    """Ballot groups as arrays, for vectorised counting.

    Attributes:
        prefs: ``(groups, width)`` int32 array of 0-based candidate numbers, padded with -1;
            ``width`` is one more than the longest sequence, so every row ends in -1.
        weights: ``(groups,)`` int64 array of papers per group.
    """

    prefs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.int64]

    @classmethod
    def from_ballots(cls, ballots: Sequence[tuple[tuple[int, ...], int]]) -> BallotArrays:
        """Pack ``(sequence, weight)`` pairs into padded arrays."""
        width = 1 + max((len(s) for s, _ in ballots), default=0)
        prefs = np.full((len(ballots), width), -1, dtype=np.int32)
        for i, (seq, _) in enumerate(ballots):
            if seq:
                prefs[i, : len(seq)] = seq
        weights = np.fromiter((w for _, w in ballots), dtype=np.int64, count=len(ballots))
        return cls(prefs, weights)


def next_continuing(
    prefs: npt.NDArray[np.int32],
    rows: npt.NDArray[np.intp],
    start: npt.NDArray[np.intp],
    continuing: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For each selected ballot group, the next preference for a continuing candidate.

    Args:
        prefs: the padded preference array of :class:`BallotArrays`.
        rows: which groups to look at.
        start: for each of ``rows``, the position to start looking from (inclusive).
        continuing: boolean per candidate.

    Returns:
        ``(position, candidate)`` per row; ``candidate`` is -1 when the paper has no further
        preference for a continuing candidate (it is non-transferable), and ``position``
        then points at the padding.
    """
    pos = start.astype(np.intp, copy=True)
    cand = np.full(len(rows), -1, dtype=np.intp)
    todo = np.arange(len(rows))
    # Each pass moves every unresolved paper one preference on; at most `width` passes.
    while todo.size:
        c = prefs[rows[todo], pos[todo]].astype(np.intp)
        ended = c < 0
        found = ~ended
        found[found] = continuing[c[found]]
        cand[todo[found]] = c[found]
        move = ~(found | ended)
        todo = todo[move]
        pos[todo] += 1
    return pos, cand
