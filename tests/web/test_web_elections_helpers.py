"""Factories shared by the elections' web tests (synthetic voters only); no tests here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

HOUR = dt.timedelta(hours=1)


def now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def voters_csv(n: int, *, prefix: str = "M") -> bytes:
    """A list of ``n`` synthetic voters: id, full_name, email."""
    lines = ["id,full_name,email"]
    lines += [f"{prefix}{i},Votante {i} Sintético,v{i}@example.org" for i in range(1, n + 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_election(
    user: Any,
    *,
    method: str = "stv",
    seats: int = 2,
    candidates: Sequence[str] = ("Ana [women]", "Bea [women]", "Carlos", "Dani"),
    quotas: dict[str, int] | None = None,
    title: str = "Grupo coordinador 2026",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    lot_seed: int = 2026,
) -> Any:
    """A draft election with its candidates, open from an hour ago for a day."""
    from recuento.web.elections import services
    from recuento.web.elections.models import Election

    election = Election.objects.create(
        title=title,
        method=method,
        seats=1 if method == "yesno" else seats,
        quotas=quotas or {},
        opens_at=opens_at or now() - HOUR,
        closes_at=closes_at or now() + 24 * HOUR,
        lot_seed=lot_seed,
        created_by=user,
    )
    services.set_candidates(election, services.parse_candidates("\n".join(candidates)))
    return election


def freeze(election: Any, n: int = 5) -> Any:
    """Freeze an electorate of ``n`` synthetic voters from an uploaded list."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from recuento.web.elections import services

    upload = SimpleUploadedFile("votantes.csv", voters_csv(n), content_type="text/csv")
    return services.freeze_from_csv(election, upload, cutoff=now() - 2 * HOUR)


def issue(election: Any) -> list[str]:
    """Issue the codes; the codes, in member order."""
    from recuento.web.elections import services

    return [item.code for item in services.issue_codes(election)]


def ready(user: Any, n: int = 5, **kwargs: Any) -> tuple[Any, list[str]]:
    """An election open for voting, with ``n`` voters and their codes."""
    election = make_election(user, **kwargs)
    freeze(election, n)
    codes = issue(election)
    election.refresh_from_db()
    return election, codes


def end_voting(election: Any) -> None:
    """Move the voting period into the past (the election may then be closed)."""
    from recuento.web.elections.models import Election

    Election.objects.filter(pk=election.pk).update(
        opens_at=now() - 48 * HOUR, closes_at=now() - HOUR
    )
    election.refresh_from_db()


def cast_all(election: Any, codes: Sequence[str], papers: Sequence[Sequence[int]]) -> list[str]:
    """Cast one paper per code through the service; the receipts."""
    from recuento.web.elections import services

    return [services.cast(election.pk, c, list(p)) for c, p in zip(codes, papers, strict=False)]
