"""Eligibility in plaintext: for organisations that may share their rolls.

The same statuses as :mod:`recuento.pprl.eligibility` (eligible, must join by the deadline,
deemed resigned pending hearing, uncertain: review), but the members are matched with the
party's roll and expulsions by the linkage model (:func:`recuento.link.api.link_tables`:
Splink on DuckDB, trained without labels) instead of encoded filters. Each member's best
candidate on each list is the other list's record with the highest match probability; the
thresholds are the same as in PPRL mode.

Fields: name, date of birth and postcode by default (what the PPRL mode encodes, so the two
can be compared on the same data); ``use_email=True`` adds the email as an exact
identifier. The postcode is read from the same columns as in PPRL mode
(:func:`recuento.pprl.encode.postcodes_of`) and compared by the model's postcode comparison
(exact, term-frequency adjusted; the same outward code; one typo apart).

The statuses file has the same columns: ``roll_token`` and ``expelled_token`` hold the
other list's record id (the rolls are shared in this mode), and ``roll_similarity`` the
match weight (log2 Bayes factor) instead of a Dice coefficient.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from recuento.pprl.eligibility import Best, Thresholds, _check, statuses
from recuento.pprl.encode import postcodes_of

MEMBERS, ROLL, EXPELLED = "__recuento__members", "__recuento__roll", "__recuento__expelled"


def _prepare(
    table: pa.Table, source: str, use_email: bool, postcode_column: str | None
) -> tuple[pa.Table, list[str]]:
    """The table under a fixed source name, its postcode column filled, email on request."""
    notes: list[str] = []
    n = table.num_rows
    table = table.set_column(
        table.schema.get_field_index("source"), "source", pa.array([source] * n, pa.string())
    )
    postcodes, header = postcodes_of(table, postcode_column)
    if header is None:
        notes.append("no postcode column: matched on name and date of birth only")
    else:
        # The model's postcode comparison (and blocking rule) read this column; the place
        # is left out, as in PPRL mode (name, date of birth and postcode).
        for name, values in (
            ("postcode", postcodes),
            ("place", [None] * n),
            ("place_std", [None] * n),
        ):
            table = table.set_column(
                table.schema.get_field_index(name), name, pa.array(values, pa.string())
            )
    if not use_email:
        table = table.set_column(
            table.schema.get_field_index("email"), "email", pa.nulls(n, pa.string())
        )
    # The linkage model's second training session blocks on both surnames and the given
    # name; on rolls with one surname (UK names) no pair shares a missing maternal surname
    # and Splink refuses the session (EMTrainingException, which recuento.link.train does
    # not catch). An empty maternal surname makes that rule "same surname and given name";
    # no comparison of the model reads this column, so scores are otherwise unchanged.
    second = table.column("second_surname_std").to_pylist()
    table = table.set_column(
        table.schema.get_field_index("second_surname_std"),
        "second_surname_std",
        pa.array([s if s else "" for s in second], pa.string()),
    )
    return table, notes


def _best(pairs: pa.Table, other: str, member_index: dict[str, int]) -> dict[int, Best]:
    best: dict[int, Best] = {}
    sl = pairs.column("source_l").to_pylist()
    il = pairs.column("id_l").to_pylist()
    sr = pairs.column("source_r").to_pylist()
    ir = pairs.column("id_r").to_pylist()
    prob = pairs.column("match_probability").to_pylist()
    weight = pairs.column("match_weight").to_pylist()
    for a_src, a_id, b_src, b_id, p, w in zip(sl, il, sr, ir, prob, weight, strict=True):
        if a_src == MEMBERS and b_src == other:
            member, candidate = a_id, b_id
        elif b_src == MEMBERS and a_src == other:
            member, candidate = b_id, a_id
        else:
            continue
        i = member_index.get(member)
        if i is None:
            continue
        w = float(w) if w is not None else float("nan")
        if i not in best or (p, w) > best[i][:2]:
            best[i] = (float(p), w, str(candidate))
    return best


def plaintext_eligibility(
    members: pa.Table,
    roll: pa.Table,
    expelled: pa.Table | None,
    deadline: dt.date,
    thresholds: Thresholds | None = None,
    *,
    use_email: bool = False,
    postcode_column: str | None = None,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[dict[str, Any]], Counter[str], list[str]]:
    """Each member's status, matching plaintext rolls with the linkage model.

    Args:
        members: the movement's members (standardised, as ``read_list`` returns them).
        roll: the party's roll (standardised).
        expelled: the party's expulsions list (standardised), or None.
        deadline: the date by which members not on the roll must join.
        thresholds: the grey zone, as in PPRL mode (found at 0.95, review from 0.05).
        use_email: compare emails too (off: name, date of birth and postcode only).
        postcode_column: the postcode's header, when not one of the usual names.
        seed: seed of the model's training sample.
        progress: called with a short description of each step.

    Returns:
        One row per member (the columns of :data:`recuento.pprl.eligibility.COLUMNS`), the
        count of each status, and notes for the user (no record values).

    Raises:
        PPRLError: the thresholds are not ordered.
        recuento.link.api.LinkageError: there is nothing to link.
    """
    from recuento.link.api import link_tables

    t = _check(thresholds)
    notes: list[str] = []
    tables = []
    for table, source in ((members, MEMBERS), (roll, ROLL), (expelled, EXPELLED)):
        if table is None:
            continue
        prepared, table_notes = _prepare(table, source, use_email, postcode_column)
        tables.append(prepared)
        notes.extend(f"{source.removeprefix('__recuento__')}: {n}" for n in table_notes)
    ids = [str(i) for i in members.column("id").to_pylist()]
    index = {member_id: i for i, member_id in enumerate(ids)}
    if len(index) != len(ids):
        notes.append("some member ids repeat: only the last record of each is given a status")
    result = link_tables(tables, seed=seed, progress=progress)
    roll_best = _best(result.pairs, ROLL, index)
    expelled_best = _best(result.pairs, EXPELLED, index) if expelled is not None else {}
    rows, counts = statuses(ids, roll_best, expelled_best, deadline, t)
    for row in rows:  # a match weight, not a Dice coefficient: keep 2 decimals
        for column in ("roll_similarity", "expelled_similarity"):
            if row[column]:
                row[column] = f"{float(row[column]):.2f}"
    return rows, counts, notes


def best_probabilities(rows: list[dict[str, Any]]) -> np.ndarray:
    """The roll match probability of each row (NaN where there is no candidate)."""
    return np.array([float(r["roll_probability"] or "nan") for r in rows])
