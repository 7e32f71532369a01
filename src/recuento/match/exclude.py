"""Exclusion on hard contradictions only.

A pair (missing person, remains) is excluded when, and only when, one of these holds:

* ``sex``: both sexes are known, female against male. ``X``, an undetermined sex on either
  side and a missing person recorded as trans never exclude;
* ``time``: she was last seen after the latest day she can have died: the last day the
  found date may stand for, less the minimum post-mortem interval when one is recorded
  (partial dates count at their widest: last seen ``2009`` is compatible with found
  ``2009-01-05``);
* ``age``: her age at disappearance, projected forward by the time between the (earliest)
  last-seen day and the (latest) found day, cannot overlap the estimated age range once
  that is widened by the condition of the remains;
* ``height``: her height range cannot overlap the estimated height range once widened by
  the condition.

Ranges that touch do not exclude (an estimate of 25-30 against an age of 20-25 stays). A
bound left empty is open, and a value left empty never excludes. Eye colour, hair colour,
weight and descriptions of marks or clothing never exclude: they change after death, are
seen differently by different people, or are lost.

Widening by condition (defaults, each side of the range, from ``data/conditions.csv``):

============== ========= ==========
condition      age (yr)  height (cm)
============== ========= ==========
recognisable   3         8
decomposed     4         8
mummified      5         10
skeletal       5         10
burned         8         12
fragmented     8         12
not recorded   8         12
============== ========= ==========

The widening grows as soft tissue is lost: skeletal and mummified remains are measured on
bones (long-bone formulas, joint surfaces) with wider error than a body; burned bone
shrinks and fragments, so that burned and fragmented remains get the widest values, and so
does a record whose condition was not written down.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from recuento.match.index import RemainsIndex, Tolerances, ordinal
from recuento.match.records import MissingPerson, Remains

__all__ = ["REASONS", "REASON_LABELS", "exclusion_masks", "exclusion_reasons"]

#: Exclusion reasons, in the order they are reported.
REASONS = ("sex", "time", "age", "height")

#: Bilingual labels of the exclusion reasons.
REASON_LABELS: dict[str, tuple[str, str]] = {
    "sex": ("sexo incompatible", "incompatible sex"),
    "time": ("vista por última vez después del hallazgo", "last seen after the finding"),
    "age": ("rangos de edad incompatibles", "age ranges cannot overlap"),
    "height": ("rangos de estatura incompatibles", "height ranges cannot overlap"),
}

_DAYS_PER_YEAR = 365.2425


def exclusion_masks(case: MissingPerson, index: RemainsIndex) -> dict[str, NDArray[np.bool_]]:
    """Which remains records one case is excluded from, by reason.

    Args:
        case: the missing person.
        index: the remains, as built by :class:`RemainsIndex`.

    Returns:
        One boolean array per reason of :data:`REASONS`, True where the pair is excluded
        for that reason (a pair may be excluded for several).
    """
    n = index.n
    masks: dict[str, NDArray[np.bool_]] = {}
    code = {"F": 1, "M": 2}.get(case.sex or "", 0)
    if code and not case.trans:
        masks["sex"] = (index.sex != 0) & (index.sex != 3) & (index.sex != code)
    else:
        masks["sex"] = np.zeros(n, dtype=bool)

    seen = ordinal(case.last_seen, "earliest")
    with np.errstate(invalid="ignore"):
        masks["time"] = seen > index.death_latest  # NaN (unknown) compares False

    # Age at death lies between the age last seen and that age plus the time until found.
    elapsed = (index.found_latest - seen) / _DAYS_PER_YEAR
    elapsed = np.where(np.isnan(elapsed), np.inf, np.maximum(elapsed, 0.0))
    low = -np.inf if case.age_min is None else case.age_min
    high = np.inf if case.age_max is None else case.age_max
    with np.errstate(invalid="ignore"):
        projected_high = high + elapsed
    masks["age"] = (low > index.age_hi + index.age_widen) | (
        projected_high < index.age_lo - index.age_widen
    )
    h_low = -np.inf if case.height_min_cm is None else case.height_min_cm
    h_high = np.inf if case.height_max_cm is None else case.height_max_cm
    masks["height"] = (h_low > index.h_hi + index.height_widen) | (
        h_high < index.h_lo - index.height_widen
    )
    return masks


def exclusion_reasons(
    case: MissingPerson, remains: Remains, tolerances: Tolerances | None = None
) -> tuple[str, ...]:
    """The reasons one pair is excluded for (empty when it is not).

    Args:
        case: the missing person.
        remains: the remains record.
        tolerances: widening by condition (default: the documented table).

    Returns:
        Keys of :data:`REASONS`, in that order.
    """
    masks = exclusion_masks(case, RemainsIndex([remains], tolerances))
    return tuple(reason for reason in REASONS if masks[reason][0])
