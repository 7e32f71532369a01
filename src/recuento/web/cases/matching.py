"""Candidates: :mod:`recuento.match` run against the stored cases and remains.

Matching runs synchronously, inside the request that changed a case or a remains record
(and inside its transaction): a case is matched against every stored remains record when it
changes; every missing case is matched again when remains are entered or imported. This is
fine for the sizes a collective keeps (thousands of remains match one case in well under a
second); a site with hundreds of thousands of records should move :func:`rematch_all` to a
task.

Reviews are kept: a pair once marked possible, excluded or confirmed keeps its status and is
never proposed again as new; its score and reasons are refreshed, and when an edit makes the
engine exclude it, the reasons are kept in ``engine_excluded`` for the reviewer. Pending
pairs that fall out of the top are removed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from recuento.match import Matcher, MissingPerson, Remains, parse_missing_rows, parse_remains_rows
from recuento.match.records import MatchDataError
from recuento.web.audit.log import record
from recuento.web.cases import models as m

TOP = 10


def _sex(code: str) -> str:
    return code  # F, M, X: the interchange format reads them as they are


def _range(low: float | None, high: float | None) -> tuple[str, str]:
    def fmt(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    return fmt(low), fmt(high)


def marks_cell(marks: Iterable[m.Mark]) -> str:
    """Marks as the ``marks`` cell: ``type|body_part|side|description`` items, ``;``-separated."""
    return ";".join(
        "|".join([k.kind, k.body_part, k.side, k.description.replace("|", "/").replace(";", ",")])
        for k in marks
    )


def clothing_cell(garments: Iterable[m.Garment]) -> str:
    """Garments as the ``clothing`` cell: ``garment|colour|description`` items."""
    return ";".join(
        "|".join(
            [
                g.garment.replace("|", "/"),
                g.colour.replace("|", "/"),
                g.description.replace("|", "/"),
            ]
        ).replace(";", ",")
        for g in garments
    )


def case_row(case: m.Case) -> dict[str, Any]:
    """A case in the interchange format of ``missing.csv`` (every tier: matching is internal)."""
    age = _range(case.age_min, case.age_max)
    height = _range(case.height_min_cm, case.height_max_cm)
    place = ", ".join(
        p for p in (case.place_colonia, case.place_municipality, case.place_state) if p
    )
    marks = marks_cell(case.marks.all())
    clothing = clothing_cell(case.clothing.all())
    return {
        "id": str(case.pk),
        "sex": _sex(case.sex),
        "age_min": age[0],
        "age_max": age[1],
        "height_min_cm": height[0],
        "height_max_cm": height[1],
        "last_seen_date": case.last_seen_date,
        "last_seen_place": place,
        "lat": "" if case.lat is None else f"{case.lat}",
        "lon": "" if case.lon is None else f"{case.lon}",
        "marks": marks,
        "clothing": clothing,
        "dental": case.dental_notes,
        "eyes": case.eyes,
        "hair": case.hair,
    }


def remains_row(r: m.Remains) -> dict[str, Any]:
    """A remains record in the interchange format of ``remains.csv``."""
    age = _range(r.age_min, r.age_max)
    height = _range(r.height_min_cm, r.height_max_cm)
    pmi = _range(r.pmi_min_days, r.pmi_max_days)
    return {
        "id": str(r.pk),
        "sex": r.sex,
        "age_min": age[0],
        "age_max": age[1],
        "height_min_cm": height[0],
        "height_max_cm": height[1],
        "found_date": r.found_date,
        "found_place": r.found_place,
        "lat": "" if r.lat is None else f"{r.lat}",
        "lon": "" if r.lon is None else f"{r.lon}",
        "condition": r.condition,
        "marks": ";".join(
            line.strip() for line in r.marks.replace("\r", "").split("\n") if line.strip()
        ),
        "clothing": ";".join(
            line.strip() for line in r.clothing.replace("\r", "").split("\n") if line.strip()
        ),
        "dental": r.dental_notes,
        "pmi_min_days": pmi[0],
        "pmi_max_days": pmi[1],
    }


def missing_person(case: m.Case) -> MissingPerson:
    """The case as the matcher reads it (raises MatchDataError when a value is unusable)."""
    return parse_missing_rows([case_row(case)], source=f"case {case.label}")[0]


def remains_records(remains: Iterable[m.Remains]) -> list[Remains]:
    return parse_remains_rows([remains_row(r) for r in remains], source="stored remains")


class _Cache:
    """Parsed remains and the last matcher, per process, checked against the database.

    Validating a stored remains row costs about a millisecond, so each row is parsed once
    and again only when its ``updated_at`` changes; the matcher (whose rarity weights come
    from the whole list) is rebuilt only when the list changed. Every call compares with
    the database first, so several processes never serve a stale list.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.parsed: dict[int, tuple[datetime, Remains]] = {}
        self.matcher: tuple[tuple[tuple[int, datetime], ...], Matcher] | None = None

    def matcher_for_stored(self) -> Matcher | None:
        versions = tuple(m.Remains.objects.order_by("pk").values_list("pk", "updated_at"))
        if not versions:
            return None
        with self.lock:
            if self.matcher is not None and self.matcher[0] == versions:
                return self.matcher[1]
            stale = [pk for pk, at in versions if self.parsed.get(pk, (None,))[0] != at]
            for chunk in range(0, len(stale), 2000):
                rows = list(m.Remains.objects.filter(pk__in=stale[chunk : chunk + 2000]))
                for row, parsed in zip(rows, remains_records(rows), strict=True):
                    self.parsed[row.pk] = (row.updated_at, parsed)
            wanted = {pk for pk, _at in versions}
            for gone in set(self.parsed) - wanted:
                del self.parsed[gone]
            matcher = Matcher([self.parsed[pk][1] for pk, _at in versions])
            self.matcher = (versions, matcher)
            return matcher


_cache = _Cache()


def _matcher() -> Matcher | None:
    return _cache.matcher_for_stored()


def _store(case: m.Case, matcher: Matcher | None) -> dict[str, int]:
    existing = {c.remains_id: c for c in case.candidates.all()}
    counts = {"new": 0, "kept": 0, "removed": 0}
    if matcher is None or case.status != m.MISSING:
        # A located case is a hard exclusion: pending leads are withdrawn, reviews kept.
        removed = case.candidates.filter(status=m.Candidate.PENDING).delete()[0]
        counts["removed"] = removed
        return counts
    try:
        person = missing_person(case)
    except MatchDataError:
        return counts
    found = matcher.candidates(person, TOP)
    excluded = dict(matcher.excluded_pairs(person))
    now = timezone.now()
    proposed = set()
    for c in found:
        remains_id = int(c.remains_id)
        proposed.add(remains_id)
        reasons = [
            {"component": r.component, "points": round(r.points, 4), "es": r.es, "en": r.en}
            for r in c.reasons
        ]
        fields = {
            "rank": c.rank,
            "score": c.score,
            "components": c.components,
            "reasons": reasons,
            "engine_excluded": [],
            "computed_at": now,
        }
        if remains_id in existing:
            m.Candidate.objects.filter(pk=existing[remains_id].pk).update(**fields)
            counts["kept"] += 1
        else:
            m.Candidate.objects.create(case=case, remains_id=remains_id, **fields)
            counts["new"] += 1
    for remains_id, candidate in existing.items():
        if remains_id in proposed:
            continue
        if candidate.status == m.Candidate.PENDING:
            candidate.delete()
            counts["removed"] += 1
        else:
            candidate.rank = None
            candidate.engine_excluded = list(excluded.get(str(remains_id), ()))
            candidate.computed_at = now
            candidate.save(update_fields=["rank", "engine_excluded", "computed_at"])
    return counts


def rematch_case(case: m.Case, user: Any) -> dict[str, int]:
    """Match one case against every stored remains record (after the case changed).

    The candidates added, kept and removed are counted in the audit log.
    """
    counts = _store(case, _matcher())
    record(user, "match", "case", case.pk, counts)
    return counts


def rematch_all(user: Any) -> dict[str, int]:
    """Match every case again (after remains were entered, changed or imported), audited."""
    matcher = _matcher()
    total = {"cases": 0, "new": 0, "kept": 0, "removed": 0}
    for case in m.Case.objects.prefetch_related("marks", "clothing", "candidates"):
        counts = _store(case, matcher)
        total["cases"] += 1
        for key, value in counts.items():
            total[key] += value
    record(user, "match", "remains", "", total)
    return total
