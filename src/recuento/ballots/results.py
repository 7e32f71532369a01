"""The result of a count: stage by stage, with every number needed to check it.

Votes are :class:`~decimal.Decimal` values, exact: Scottish STV works in units of
0.00001 votes, Meek in units of 0.000000001. In JSON they are written as numbers whose
text is exact up to 15 significant digits (see :func:`_num`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from recuento.ballots.ties import Tie


@dataclass(frozen=True)
class Stage:
    """One stage of a count.

    Attributes:
        number: 1 for the first stage (first preferences).
        kind: ``first``, ``surplus`` (transfer of a surplus), ``exclusion``, ``iteration``
            (Meek: a converged round) or ``count`` (block vote, yes/no).
        subject: the candidates whose surplus or papers were transferred at this stage.
        votes: every candidate's votes at the end of the stage (0 once excluded; the
            quota once elected and the surplus transferred).
        transfers: change of each candidate's votes during this stage.
        non_transferable: value of papers that became non-transferable at this stage.
        loss: value lost at this stage by truncating transfer values (Scottish rules) or
            by rounding (Meek); never negative.
        elected: candidates elected at the end of this stage, in order.
        excluded: candidates excluded at this stage.
        transfer_values: for a surplus: the transfer value for each value a paper had
            when received (``{"1": "0.28723", "0.28723": "0.05012"}``).
        keep_values: Meek only: every candidate's keep value.
        quota: Meek only: the quota at this stage (it falls as papers exhaust).
    """

    number: int
    kind: str
    subject: tuple[str, ...]
    votes: dict[str, Decimal]
    transfers: dict[str, Decimal]
    non_transferable: Decimal
    loss: Decimal
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    transfer_values: dict[str, str] = field(default_factory=dict)
    keep_values: dict[str, Decimal] = field(default_factory=dict)
    quota: Decimal | None = None


@dataclass(frozen=True)
class CountResult:
    """A whole count.

    Attributes:
        method: ``stv`` (Scottish rules), ``meek``, ``block`` or ``yesno``.
        title: the election's title.
        seats: seats filled.
        candidates: names in ballot order.
        elected: names in order of election.
        quota: Droop quota (STV), final quota (Meek), ``None`` otherwise.
        valid: valid papers.
        invalid: papers that could not count (blank, or over-marked for a block vote).
        stages: the stages, first to last.
        ties: every tie and how it was broken.
        constraints: quotas applied, ``{group: minimum}``.
        extra: method-specific figures (yes/no totals, turnout...).
        notes: facts worth telling a reader, in English, never quoting a ballot.
    """

    method: str
    title: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[str, ...]
    quota: Decimal | None
    valid: int
    invalid: int
    stages: tuple[Stage, ...]
    ties: tuple[Tie, ...] = ()
    constraints: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def non_transferable_total(self) -> Decimal:
        """Value of all papers that became non-transferable."""
        return sum((s.non_transferable for s in self.stages), Decimal(0))

    @property
    def loss_total(self) -> Decimal:
        """Value lost to truncation or rounding over the whole count."""
        return sum((s.loss for s in self.stages), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: ``elected``, ``quota``, ``valid``, ``stages``, ``ties``..."""
        nt_running = Decimal(0)
        loss_running = Decimal(0)
        stages = []
        for s in self.stages:
            nt_running += s.non_transferable
            loss_running += s.loss
            item: dict[str, Any] = {
                "number": s.number,
                "kind": s.kind,
                "subject": list(s.subject),
                "votes": {k: _num(v) for k, v in s.votes.items()},
                "transfers": {k: _num(v) for k, v in s.transfers.items()},
                "non_transferable": _num(s.non_transferable),
                "non_transferable_total": _num(nt_running),
                "loss": _num(s.loss),
                "loss_total": _num(loss_running),
                "elected": list(s.elected),
                "excluded": list(s.excluded),
            }
            if s.transfer_values:
                item["transfer_values"] = dict(s.transfer_values)
            if s.keep_values:
                item["keep_values"] = {k: _num(v) for k, v in s.keep_values.items()}
            if s.quota is not None:
                item["quota"] = _num(s.quota)
            stages.append(item)
        out: dict[str, Any] = {
            "method": self.method,
            "title": self.title,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "elected": list(self.elected),
            "quota": _num(self.quota) if self.quota is not None else None,
            "valid": self.valid,
            "invalid": self.invalid,
            "stages": stages,
            "ties": [t.to_json() for t in self.ties],
            "non_transferable": _num(self.non_transferable_total),
            "loss": _num(self.loss_total),
            "constraints": dict(self.constraints),
            "notes": list(self.notes),
        }
        for k, v in self.extra.items():
            out[k] = _num(v) if isinstance(v, Decimal) else v
        return out


def _num(value: Decimal) -> int | float:
    """A JSON number: an int when whole, else a float.

    The float's text is the exact decimal whenever the value has at most 15 significant
    digits: every Scottish STV value below 10 billion votes, every Meek value below a
    million votes. Beyond that the last decimal may differ; the stage table (text output)
    is always exact.
    """
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def units_to_decimal(units: int, places: int) -> Decimal:
    """``units`` counted in 10**-places as an exact Decimal with ``places`` decimals."""
    return Decimal(units).scaleb(-places)
