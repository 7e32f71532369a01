"""Reading a roll: the roll's own columns, and every row accepted or rejected with a reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from recuento.roll import read_roll

# Synthetic members. Line 4 has no join date; line 5 no name (the list reader rejects it).
ROLL = (
    "Membership number,First name,Last name,Date of birth,Postcode,Local group,Joined,"
    "Expiry date\n"
    "M1,Ana,Smith,03/02/1980,SW1A 1AA,Leeds,15/01/2017,14/01/2018\n"
    "M2,Bob,Jones,1975,LS1 4AP,Hackney,2016-12,\n"
    "M3,Carla,Brown,,,Leeds,,\n"
    "M4,,,,,Leeds,2017-01-01,\n"
)


def test_roll_columns_are_read_and_rows_without_a_join_date_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(ROLL, encoding="utf-8")
    roll = read_roll(path)
    assert roll.read == 4 == roll.accepted + roll.rejected
    assert [m.member_id for m in roll.members] == ["M1", "M2"]
    assert roll.rejects == [(4, "no_join_date"), (5, "no_name")]
    ana, bob = roll.members
    assert (ana.full_name, ana.group, ana.postcode) == ("Ana Smith", "Leeds", "SW1A 1AA")
    assert (ana.join, ana.end) == (dt.date(2017, 1, 15), dt.date(2018, 1, 14))
    assert ana.birth_date == "1980-02-03"
    # A join date known to the month is taken as its first day, and counted.
    assert (bob.join, bob.end) == (dt.date(2016, 12, 1), None)
    assert roll.partial_dates == 1
    assert roll.columns == {
        "join": "Joined",
        "end": "Expiry date",
        "group": "Local group",
        "postcode": "Postcode",
    }


def test_spanish_headers_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "padron.csv"
    path.write_text(
        "id,nombre,grupo local,fecha de alta,fecha de vencimiento\n"
        "1,Ana Pérez López,Centro,2017-03-04,2018-03-03\n",
        encoding="utf-8",
    )
    (member,) = read_roll(path).members
    assert (member.group, member.join, member.end) == (
        "Centro",
        dt.date(2017, 3, 4),
        dt.date(2018, 3, 3),
    )
