"""Ballots and counts: yes/no consultations, block vote, STV (Scottish rules) and Meek STV.

The engine imports no web framework. Read a BLT file with :func:`read_blt`, count it with
:func:`tally` (or a method's own function), show it with :func:`format_result` and publish
:meth:`CountResult.to_json`.
"""

from recuento.ballots.block import count_block
from recuento.ballots.blt import BallotFileError, format_blt, parse_blt, read_blt, write_blt
from recuento.ballots.meek import count_meek
from recuento.ballots.model import Candidate, Election
from recuento.ballots.quotas import parse_quota
from recuento.ballots.report import format_result
from recuento.ballots.results import CountResult, Stage
from recuento.ballots.stv_scottish import count_stv
from recuento.ballots.tally import METHODS, tally
from recuento.ballots.ties import Lot, Tie
from recuento.ballots.yesno import count_yesno

__all__ = [
    "METHODS",
    "BallotFileError",
    "Candidate",
    "CountResult",
    "Election",
    "Lot",
    "Stage",
    "Tie",
    "count_block",
    "count_meek",
    "count_stv",
    "count_yesno",
    "format_blt",
    "format_result",
    "parse_blt",
    "parse_quota",
    "read_blt",
    "tally",
    "write_blt",
]
