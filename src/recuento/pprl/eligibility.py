"""Eligibility of a movement's members against a party's roll and its expulsions list.

The rule (the reference setting, 2017): only members of the party may be members; existing
members must join by the deadline; those expelled from the party are deemed to have
resigned, with a right to a hearing. Each member gets one status, with the similarity and
the match probability behind it:

- ``eligible``: found on the party's roll;
- ``must_join``: not found on the roll (must join by the deadline);
- ``deemed_resigned``: found on the expulsions list (deemed resigned, pending a hearing);
- ``review``: uncertain (review): the best candidate is in the grey zone, or the member is
  found on both lists.

Every status is a question to a person, never a verdict: a wrong match takes away someone's
membership. Nothing here changes a member's record; the statuses go to people who notify
the member, ask them to confirm (for instance with a party membership number), and hold
the hearing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from recuento.pprl.encode import EncodedRoll
from recuento.pprl.keys import PPRLError
from recuento.pprl.match import MatchResult, match_encodings

STATUSES: dict[str, tuple[str, str]] = {
    "eligible": ("eligible", "cumple los requisitos"),
    "must_join": ("must join by the deadline", "debe afiliarse antes de la fecha límite"),
    "deemed_resigned": (
        "deemed resigned, pending hearing",
        "se considera que ha renunciado; pendiente de audiencia",
    ),
    "review": ("uncertain (review)", "incierto (revisar)"),
}
"""Status code -> (English label, Spanish label)."""

COLUMNS = (
    "id",
    "status",
    "status_en",
    "status_es",
    "deadline",
    "roll_probability",
    "roll_similarity",
    "roll_token",
    "expelled_probability",
    "expelled_similarity",
    "expelled_token",
    "note",
)
"""Columns of the statuses file, in order."""


@dataclass(frozen=True)
class Thresholds:
    """Where the grey zone lies, on the match probability.

    Attributes:
        match: at or above, a candidate counts as found.
        review: at or above (and below ``match``), the member is uncertain (review).
    """

    match: float = 0.95
    review: float = 0.05


def _best(result: MatchResult) -> dict[int, tuple[float, float, str]]:
    p = result.pairs
    return {
        int(i): (float(prob), float(sim), result.tokens_b[int(j)])
        for i, j, prob, sim in zip(p.a, p.b, p.probability, p.similarity, strict=True)
    }


def _shared(result: MatchResult, at: float) -> Counter[int]:
    p = result.pairs
    keep = p.probability >= at
    return Counter(int(j) for j in p.b[keep])


def decide(
    roll_best: tuple[float, float, str] | None,
    expelled_best: tuple[float, float, str] | None,
    thresholds: Thresholds,
) -> str:
    """The status code of one member from its best candidates on each list."""
    t = thresholds
    on_roll = roll_best is not None and roll_best[0] >= t.match
    roll_grey = roll_best is not None and t.review <= roll_best[0] < t.match
    expelled = expelled_best is not None and expelled_best[0] >= t.match
    expelled_grey = expelled_best is not None and t.review <= expelled_best[0] < t.match
    if expelled and on_roll:
        return "review"
    if expelled:
        return "deemed_resigned"
    if expelled_grey or roll_grey:
        return "review"
    if on_roll:
        return "eligible"
    return "must_join"


def eligibility(
    members: EncodedRoll,
    member_ids: list[str],
    roll: EncodedRoll,
    expelled: EncodedRoll | None,
    deadline: dt.date,
    thresholds: Thresholds | None = None,
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Each member's status from encoded matches against the roll and the expulsions.

    Args:
        members: the movement's members, encoded with the shared secret.
        member_ids: the members' own ids, in the order of ``members``.
        roll: the party's encoded roll.
        expelled: the party's encoded expulsions list (None if there is none).
        deadline: the date by which members not on the roll must join.
        thresholds: the grey zone (defaults: found at 0.95, review from 0.05).

    Returns:
        One row per member (see :data:`COLUMNS`) and the count of each status.

    Raises:
        PPRLError: the files were encoded with different secrets or settings, or the
            thresholds are not ordered.
    """
    t = thresholds or Thresholds()
    if not 0 < t.review <= t.match <= 1:
        raise PPRLError(
            f"The review threshold ({t.review}) must be above 0 and at most the match "
            f"threshold ({t.match}), which must be at most 1."
        )
    if len(member_ids) != len(members):
        raise PPRLError("There must be one member id per encoded member.")
    roll_result = match_encodings(members, roll, threshold=0.0, assignment="best-per-a")
    roll_best = _best(roll_result)
    shared = _shared(roll_result, t.match)
    b_index = {tok: k for k, tok in enumerate(roll_result.tokens_b)}
    exp_best: dict[int, tuple[float, float, str]] = {}
    if expelled is not None:
        exp_best = _best(match_encodings(members, expelled, threshold=0.0, assignment="best-per-a"))
    rows: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for i, member_id in enumerate(member_ids):
        rb, eb = roll_best.get(i), exp_best.get(i)
        status = decide(rb, eb, t)
        counts[status] += 1
        notes = []
        if rb is not None and rb[0] >= t.match and shared[b_index[rb[2]]] > 1:
            notes.append(
                f"the same roll record is the best match of {shared[b_index[rb[2]]]} member "
                "records: possible duplicate member records"
            )
        if status == "review" and rb is not None and eb is not None:
            notes.append("candidates on both the roll and the expulsions list")
        en, es = STATUSES[status]
        rows.append(
            {
                "id": member_id,
                "status": status,
                "status_en": en,
                "status_es": es,
                "deadline": deadline.isoformat() if status == "must_join" else "",
                "roll_probability": _fmt(rb[0] if rb else None, 6),
                "roll_similarity": _fmt(rb[1] if rb else None, 4),
                "roll_token": rb[2] if rb else "",
                "expelled_probability": _fmt(eb[0] if eb else None, 6),
                "expelled_similarity": _fmt(eb[1] if eb else None, 4),
                "expelled_token": eb[2] if eb else "",
                "note": "; ".join(notes),
            }
        )
    return rows, counts


def _fmt(value: float | None, digits: int) -> str:
    if value is None or np.isnan(value):
        return ""
    return f"{value:.{digits}f}"
