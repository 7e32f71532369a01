"""Matching missing persons with unidentified remains: the public entry points.

Exclusion first, on hard contradictions only (:mod:`recuento.match.exclude`); ranking
second, by an explainable score (:mod:`recuento.match.rank`). A candidate is a lead for a
person to review, never an identification: that takes DNA, dental or fingerprint evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from recuento.errors import RecuentoError
from recuento.match.exclude import REASONS, exclusion_masks
from recuento.match.explain import explain
from recuento.match.index import RemainsIndex, Tolerances
from recuento.match.rank import COMPONENTS, Reason, score_all
from recuento.match.records import MissingPerson, Remains

__all__ = [
    "Candidate",
    "ExclusionSummary",
    "MatchError",
    "Matcher",
    "candidates_for_case",
    "match",
    "match_with_summary",
]


class MatchError(RecuentoError):
    """A matching request cannot be carried out as asked."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A remains record that could be the missing person, with why.

    Args:
        missing_id: the case's id.
        remains_id: the remains record's id.
        rank: 1 for the best candidate of the case.
        score: the sum of ``components``.
        components: the score by component (see :data:`recuento.match.rank.COMPONENTS`).
        reasons: the reasons for the score, in both languages, largest first.
    """

    missing_id: str
    remains_id: str
    rank: int
    score: float
    components: dict[str, float]
    reasons: tuple[Reason, ...]

    def reasons_text(self, lang: str = "es") -> str:
        """The reasons joined with ``" | "`` in one language (empty when there are none)."""
        return " | ".join(r.text(lang) for r in self.reasons)


@dataclass
class ExclusionSummary:
    """How many pairs were compared and excluded, and why.

    ``by_reason`` counts a pair once for each reason that excludes it, so its values can
    add up to more than ``excluded``.
    """

    pairs: int = 0
    excluded: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return {
            "pairs": self.pairs,
            "excluded": self.excluded,
            "by_reason": {r: int(self.by_reason.get(r, 0)) for r in REASONS},
        }


class Matcher:
    """Remains prepared once, against which cases are matched one at a time.

    Build it once for a remains list, then call :meth:`candidates` for each case, and again
    whenever a case changes; build a new one when the remains list changes (the rarity
    weights are learned from it).

    Args:
        remains: the remains records.
        tolerances: widening of age and height ranges by condition (default: documented in
            :mod:`recuento.match.exclude`).
    """

    def __init__(self, remains: Sequence[Remains], tolerances: Tolerances | None = None):
        self.index = RemainsIndex(remains, tolerances)
        self.summary = ExclusionSummary()

    def candidates(self, case: MissingPerson, top: int = 10) -> list[Candidate]:
        """The ``top`` best remains for one case, best first, excluded pairs left out.

        Ties are broken by the order of the remains list. The exclusions are added to
        :attr:`summary`.
        """
        if top < 1:
            raise MatchError(f"top must be at least 1 (it was {top}).")
        index = self.index
        masks = exclusion_masks(case, index)
        excluded = np.zeros(index.n, dtype=bool)
        for reason in REASONS:
            excluded |= masks[reason]
            self.summary.by_reason[reason] += int(masks[reason].sum())
        self.summary.pairs += index.n
        self.summary.excluded += int(excluded.sum())
        components = score_all(case, index)
        total = sum(components[c] for c in COMPONENTS)
        total = np.where(excluded, -np.inf, total)
        kept = int((~excluded).sum())
        k = min(top, kept)
        if k == 0:
            return []
        # argpartition finds the k best in linear time; ties are then ordered by position.
        chosen = np.argpartition(-total, k - 1)[:k] if k < index.n else np.arange(index.n)
        order = sorted(chosen.tolist(), key=lambda i: (-total[i], i))[:k]
        out = []
        for rank, i in enumerate(order, start=1):
            parts = {c: float(components[c][i]) for c in COMPONENTS}
            out.append(
                Candidate(
                    case.id,
                    index.ids[i],
                    rank,
                    float(total[i]),
                    parts,
                    tuple(explain(case, index, i, parts)),
                )
            )
        return out

    def excluded_pairs(self, case: MissingPerson) -> list[tuple[str, tuple[str, ...]]]:
        """The remains a case is excluded from, each with its reasons (for the review log)."""
        masks = exclusion_masks(case, self.index)
        any_ = np.zeros(self.index.n, dtype=bool)
        for reason in REASONS:
            any_ |= masks[reason]
        return [
            (self.index.ids[i], tuple(r for r in REASONS if masks[r][i]))
            for i in np.flatnonzero(any_).tolist()
        ]


def match_with_summary(
    missing: Iterable[MissingPerson],
    remains: Sequence[Remains],
    top: int = 10,
    tolerances: Tolerances | None = None,
) -> tuple[list[Candidate], ExclusionSummary]:
    """Candidates for every case, and the exclusion counts.

    Args:
        missing: the missing persons.
        remains: the remains records.
        top: candidates kept per case.
        tolerances: widening by condition (default: documented).

    Returns:
        The candidates, case by case in input order, best first within a case; and how
        many pairs were excluded, by reason.
    """
    matcher = Matcher(remains, tolerances)
    out: list[Candidate] = []
    for case in missing:
        out += matcher.candidates(case, top)
    return out, matcher.summary


def match(
    missing: Iterable[MissingPerson], remains: Sequence[Remains], top: int = 10
) -> list[Candidate]:
    """Candidates for every case: exclusion on hard contradictions, then ranking.

    Args:
        missing: the missing persons.
        remains: the remains records.
        top: candidates kept per case.

    Returns:
        The candidates, case by case in input order, best first within a case.

    Example:
        >>> from recuento.simulate import synthetic_pairs
        >>> data = synthetic_pairs(20, extra_remains=30, seed=1)
        >>> found = match(data.missing, data.remains, top=10)
        >>> len({c.missing_id for c in found}) == 20
        True
    """
    return match_with_summary(missing, remains, top)[0]


def candidates_for_case(
    case: MissingPerson, remains: Sequence[Remains] | Matcher, top: int = 10
) -> list[Candidate]:
    """Re-run matching for one case (after it changed).

    Args:
        case: the missing person.
        remains: the remains records, or a :class:`Matcher` already built for them (faster
            when many cases are re-run against the same list).
        top: candidates kept.

    Returns:
        The candidates, best first.
    """
    matcher = remains if isinstance(remains, Matcher) else Matcher(remains)
    return matcher.candidates(case, top)
