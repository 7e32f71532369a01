"""Keeping a membership roll: statuses from dates, administrator statuses, counts.

No Django here: the web site (:mod:`recuento.web.roll`) stores members and calls these
functions. See :mod:`recuento.roll.statuses` for the rules and their parameters.
"""

from __future__ import annotations

from recuento.roll.counts import Membership, counts_by_group, counts_over_time, month_starts
from recuento.roll.reader import ROLL_COLUMNS, RollMember, RollRead, read_roll
from recuento.roll.statuses import (
    DEFAULT_RULES,
    LABELS,
    NON_VOTING_ADMIN_STATUSES,
    NOT_STARTED,
    VOTING_DATE_STATUSES,
    AdminStatus,
    DateStatus,
    Rules,
    add_months,
    date_status,
    may_vote,
    renew,
    status_code,
)

__all__ = [
    "DEFAULT_RULES",
    "LABELS",
    "NON_VOTING_ADMIN_STATUSES",
    "NOT_STARTED",
    "ROLL_COLUMNS",
    "VOTING_DATE_STATUSES",
    "AdminStatus",
    "DateStatus",
    "Membership",
    "RollMember",
    "RollRead",
    "Rules",
    "add_months",
    "counts_by_group",
    "counts_over_time",
    "date_status",
    "may_vote",
    "month_starts",
    "read_roll",
    "renew",
    "status_code",
]
