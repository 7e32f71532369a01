"""Factories shared by the roll's web tests (synthetic members only); no tests here."""

from __future__ import annotations

import datetime as dt
from typing import Any

# Synthetic roll: four members in two local groups.
ROLL_CSV = (
    b"Membership number,First name,Last name,Date of birth,Postcode,Email,Local group,Joined,"
    b"Expiry date\n"
    b"M1,Ana,Smith,03/02/1980,SW1A 1AA,ana@example.org,Leeds,15/01/2017,14/01/2018\n"
    b"M2,Bob,Jones,1975,LS1 4AP,bob@example.org,Hackney,01/12/2016,\n"
    b"M3,Carla,Brown,12/12/1990,E1 6AN,,Leeds,01/06/2015,31/05/2016\n"
    b"M4,Dev,Patel,07/07/1988,M13 9PL,dev@example.org,Hackney,,\n"
)


def make_member(member_id: str = "M1", group: str | None = "Leeds", **fields: Any) -> Any:
    """A member joined 15 January 2017 with a term to 14 January 2018 (override any field)."""
    from recuento.web.roll.models import LocalGroup, Member

    values: dict[str, Any] = {
        "full_name": f"Member {member_id}",
        "join_date": dt.date(2017, 1, 15),
        "end_date": dt.date(2018, 1, 14),
        "email": f"{member_id.lower()}@example.org",
    }
    values.update(fields)
    if group is not None:
        values["local_group"] = LocalGroup.objects.get_or_create(name=group)[0]
    return Member.objects.create(member_id=member_id, **values)
