"""Ballots and counts: yes/no consultations, block vote, STV (Scottish rules) and Meek STV.

The engine imports no web framework. Read a BLT file with :func:`read_blt`, count it with
:func:`tally` (or a method's own function) and publish :meth:`CountResult.to_json`.
"""

from recuento.ballots.blt import BallotFileError, format_blt, parse_blt, read_blt, write_blt
from recuento.ballots.model import Candidate, Election
from recuento.ballots.quotas import parse_quota
from recuento.ballots.results import CountResult, Stage
from recuento.ballots.stv_scottish import count_stv
from recuento.ballots.ties import Lot, Tie

__all__ = [
    "BallotFileError",
    "Candidate",
    "CountResult",
    "Election",
    "Lot",
    "Stage",
    "Tie",
    "count_stv",
    "format_blt",
    "parse_blt",
    "parse_quota",
    "read_blt",
    "write_blt",
]
