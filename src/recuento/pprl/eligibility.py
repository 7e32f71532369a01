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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recuento.errors import ProblemsError
from recuento.pprl.encode import EncodedRoll
from recuento.pprl.keys import PPRLError
from recuento.pprl.match import MatchResult, match_encodings

Best = tuple[float, float, str]
"""A member's best candidate: (probability, similarity, token on the other list)."""

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


def _best(result: MatchResult) -> dict[int, Best]:
    p = result.pairs
    return {
        int(i): (float(prob), float(sim), result.tokens_b[int(j)])
        for i, j, prob, sim in zip(p.a, p.b, p.probability, p.similarity, strict=True)
    }


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
    t = _check(thresholds)
    if len(member_ids) != len(members):
        raise PPRLError("There must be one member id per encoded member.")
    roll_best = _best(match_encodings(members, roll, threshold=0.0, assignment="best-per-a"))
    exp_best: dict[int, Best] = {}
    if expelled is not None:
        exp_best = _best(match_encodings(members, expelled, threshold=0.0, assignment="best-per-a"))
    return statuses(member_ids, roll_best, exp_best, deadline, t)


def _check(thresholds: Thresholds | None) -> Thresholds:
    t = thresholds or Thresholds()
    if not 0 < t.review <= t.match <= 1:
        raise PPRLError(
            f"The review threshold ({t.review}) must be above 0 and at most the match "
            f"threshold ({t.match}), which must be at most 1."
        )
    return t


def statuses(
    member_ids: Sequence[str],
    roll_best: Mapping[int, Best],
    expelled_best: Mapping[int, Best],
    deadline: dt.date,
    thresholds: Thresholds,
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """One row per member from its best candidate on each list (by member position).

    Raises:
        PPRLError: the thresholds are not ordered.
    """
    t = _check(thresholds)
    shared = Counter(best[2] for best in roll_best.values() if best[0] >= t.match)
    rows: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for i, member_id in enumerate(member_ids):
        rb, eb = roll_best.get(i), expelled_best.get(i)
        status = decide(rb, eb, t)
        counts[status] += 1
        notes = []
        if rb is not None and rb[0] >= t.match and shared[rb[2]] > 1:
            notes.append(
                f"the same roll record is the best match of {shared[rb[2]]} member "
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


def best_from_pairs(
    rows: Iterable[Mapping[str, str]], member_tokens: Sequence[str], where: str
) -> dict[int, Best]:
    """Each member's best candidate from a pairs file written by ``recuento pprl-match``.

    Args:
        rows: the pairs (``a_token``, ``b_token``, ``similarity``, ``probability``...).
        member_tokens: the members' tokens (from their ids and the secret), in order.
        where: the file, for messages.

    Raises:
        PPRLError: columns are missing, values are not numbers, or no pair names a member
            (the pairs were made from another list or with another secret).
    """
    index = {tok: i for i, tok in enumerate(member_tokens)}
    best: dict[int, Best] = {}
    problems: list[str] = []
    n = unknown = 0
    for line, row in enumerate(rows, start=2):
        n += 1
        try:
            a, b = row["a_token"], row["b_token"]
            prob, sim = float(row["probability"]), float(row["similarity"])
        except KeyError as e:
            raise PPRLError(
                f"{where} has no column {e.args[0]!r}; pass a pairs file written by "
                "`recuento pprl-match`."
            ) from e
        except (TypeError, ValueError):
            if len(problems) < 10:
                problems.append(f"line {line}: probability or similarity is not a number")
            continue
        i = index.get(a)
        if i is None:
            unknown += 1
            continue
        if i not in best or (prob, sim) > best[i][:2]:
            best[i] = (prob, sim, b)
    if problems:
        raise ProblemsError(f"{where}: some pairs cannot be read.", problems)
    if n and unknown == n:
        raise PPRLError(
            f"No pair in {where} names a member of this list: the pairs were made from "
            "another members' file or with another secret. Encode the members with the same "
            "secret and run `recuento pprl-match MEMBERS.clk ROLL.clk --best-per-a "
            "--threshold 0` again."
        )
    return best


def _fmt(value: float | None, digits: int) -> str:
    if value is None or np.isnan(value):
        return ""
    return f"{value:.{digits}f}"
