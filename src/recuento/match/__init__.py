"""Missing persons and unidentified remains: candidate matches, each with its reasons.

Exclusion first, on hard contradictions only (sex; last seen after found; age and height
ranges that cannot overlap, widened by the condition of the remains); ranking second, by an
explainable score on marks by body location, clothing and effects, dental notes, distance
and time, with rarity weights learned from the remains list. Eye and hair colour never
exclude. A candidate is a lead for human review; identification needs DNA, dental or
fingerprint evidence.

Example:
    >>> from recuento.match import match
    >>> from recuento.simulate import synthetic_pairs
    >>> data = synthetic_pairs(10, extra_remains=20, seed=3)
    >>> best = match(data.missing, data.remains, top=5)
    >>> all(c.reasons for c in best if c.score > 0)
    True
"""

from recuento.match.api import (
    Candidate,
    ExclusionSummary,
    Matcher,
    MatchError,
    candidates_for_case,
    match,
    match_with_summary,
)
from recuento.match.exclude import REASON_LABELS, REASONS, exclusion_reasons
from recuento.match.index import Tolerances
from recuento.match.rank import COMPONENTS, Reason
from recuento.match.records import (
    Garment,
    Mark,
    MatchDataError,
    MissingPerson,
    Remains,
    parse_missing_rows,
    parse_remains_rows,
    read_missing,
    read_remains,
    write_missing,
    write_remains,
)

__all__ = [
    "COMPONENTS",
    "REASONS",
    "REASON_LABELS",
    "Candidate",
    "ExclusionSummary",
    "Garment",
    "Mark",
    "MatchDataError",
    "MatchError",
    "Matcher",
    "MissingPerson",
    "Reason",
    "Remains",
    "Tolerances",
    "candidates_for_case",
    "exclusion_reasons",
    "match",
    "match_with_summary",
    "parse_missing_rows",
    "parse_remains_rows",
    "read_missing",
    "read_remains",
    "write_missing",
    "write_remains",
]
