"""Group quotas in STV ("at least 2 women among the 4 elected") by constrained exclusion.

Rule, as used for the House of Commons Deputy Speakers election (2010) and described in
``shared/domain/membership-and-ballots.md``: the count runs as usual, except that

* a candidate who reaches the quota is elected only if the quotas can still be met with the
  seats left; otherwise the candidate is *blocked*;
* before any ordinary exclusion, blocked candidates are excluded (the lowest first): this
  is what happens "once the seats left equal the quota places still unfilled": everybody
  outside the protected group is blocked and excluded;
* an ordinary exclusion never removes a *protected* candidate, one without whom the quotas
  could no longer be met; the lowest unprotected candidate is excluded instead.

"Can still be met" is decided exactly: with ``k`` groups there are at most ``2**k`` kinds of
candidate (by the groups they belong to), and a small search over how many of each kind to
elect answers whether the remaining minimums fit in the seats left. Candidates may belong
to several groups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from recuento.ballots.model import Election
from recuento.errors import BallotError

_QUOTA = re.compile(r"^\s*(?P<group>[^:]+?)\s*:\s*(?P<minimum>\d+)\s*$")


def parse_quota(text: str) -> tuple[str, int]:
    """``"women:2"`` -> ``("women", 2)``.

    Raises:
        BallotError: the text is not ``GROUP:MIN`` with a whole number.
    """
    m = _QUOTA.match(text)
    if m is None:
        raise BallotError(
            "A quota must be written GROUP:MIN, for example --quota women:2 (at least 2 "
            "candidates of the group 'women' elected)."
        )
    return m.group("group"), int(m.group("minimum"))


class Constraints:
    """Minimums per group, checked against the seats left as the count goes on.

    Args:
        election: gives each candidate's groups.
        minimums: ``{group: minimum}``.
        seats: seats to fill.

    Raises:
        BallotError: a group no candidate belongs to, or minimums that cannot be met even
            before counting (too few candidates in a group, or more places than seats).
    """

    def __init__(self, election: Election, minimums: Mapping[str, int], seats: int) -> None:
        self.groups = tuple(sorted(g for g, m in minimums.items() if m > 0))
        self.minimums = tuple(minimums[g] for g in self.groups)
        self.kinds = tuple(tuple(g in c.groups for g in self.groups) for c in election.candidates)
        problems = []
        known = {g for c in election.candidates for g in c.groups}
        for g, m in zip(self.groups, self.minimums, strict=True):
            if g not in known:
                problems.append(
                    f"no candidate belongs to the group '{g}'; mark members in the BLT file "
                    "with a [group] suffix on their name line"
                )
            elif m > seats:
                problems.append(f"the quota for '{g}' ({m}) is more than the {seats} seats")
        if problems:
            raise BallotError("The quotas cannot be applied: " + "; ".join(problems) + ".")
        standing = [i for i in range(len(election.candidates)) if i not in election.withdrawn]
        if not self.feasible((), standing, seats):
            raise BallotError(
                "The quotas cannot all be met: there are too few candidates in the groups, "
                "or the minimums add up to more than the seats. Lower a --quota."
            )

    def _needs(self, elected: Iterable[int]) -> tuple[int, ...]:
        have = [0] * len(self.groups)
        for c in elected:
            for j, member in enumerate(self.kinds[c]):
                have[j] += member
        return tuple(max(0, m - h) for m, h in zip(self.minimums, have, strict=True))

    def feasible(self, elected: Iterable[int], continuing: Iterable[int], vacancies: int) -> bool:
        """Whether some choice of at most ``vacancies`` continuing candidates meets the minimums."""
        needs = self._needs(elected)
        if not any(needs):
            return True
        counts = Counter(self.kinds[c] for c in continuing)
        kinds = tuple(sorted(k for k in counts if any(k)))
        return _can_cover(needs, kinds, tuple(counts[k] for k in kinds), vacancies)

    def blocked(
        self, elected: Sequence[int], continuing: Sequence[int], vacancies: int
    ) -> list[int]:
        """Continuing candidates whose election now would make the minimums unreachable."""
        out = []
        for c in continuing:
            rest = [x for x in continuing if x != c]
            if not self.feasible([*elected, c], rest, vacancies - 1):
                out.append(c)
        return out

    def protected(
        self, elected: Sequence[int], continuing: Sequence[int], vacancies: int
    ) -> list[int]:
        """Continuing candidates whose exclusion now would make the minimums unreachable."""
        out = []
        for c in continuing:
            rest = [x for x in continuing if x != c]
            if not self.feasible(elected, rest, vacancies):
                out.append(c)
        return out


@lru_cache(maxsize=4096)
def _can_cover(
    needs: tuple[int, ...], kinds: tuple[tuple[bool, ...], ...], avail: tuple[int, ...], picks: int
) -> bool:
    """Exact search: can ``picks`` candidates, drawn from ``avail[i]`` of kind ``kinds[i]``,
    cover every remaining need?"""
    if not any(needs):
        return True
    if picks <= 0 or not kinds:
        return False
    kind, rest_kinds = kinds[0], kinds[1:]
    useful = max((n for n, member in zip(needs, kind, strict=True) if member), default=0)
    for take in range(min(avail[0], picks, useful), -1, -1):
        after = tuple(
            max(0, n - take) if member else n for n, member in zip(needs, kind, strict=True)
        )
        if _can_cover(after, rest_kinds, avail[1:], picks - take):
            return True
    return False
