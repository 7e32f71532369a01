"""Finding records by name and grouping them into the persons of the newest finished run.

A person is what the newest finished linkage run (:class:`~recuento.web.runs.models.Run`
with status ``done``) made of its records (:class:`~recuento.web.runs.models.Assignment`);
a record that no such run assigned (brought in after it, or no run yet) stands for itself.
Views call these functions and only render what they return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, router
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from recuento.people.name_fold import fold
from recuento.web.compiled import first, from_row
from recuento.web.persons.keys import QueryWord, prefix_upper_bound
from recuento.web.persons.models import NameKey
from recuento.web.registry.models import Record, Source
from recuento.web.runs.models import Assignment, Run

PERSON = "p:"
RECORD = "r:"


#: What the persons pages read of a run (not its result nor its report, which are large).
RUN_FIELDS = ("pk", "finished_at", "created_at", "status")


def _newest_runs() -> QuerySet[Run]:
    return (
        Run.objects.filter(status=Run.Status.DONE)
        .order_by(F("finished_at").desc(nulls_last=True), "-pk")
        .only(*RUN_FIELDS)
    )


def newest_run() -> Run | None:
    """The newest finished run (status ``done``), or None (its query compiled once: see
    :mod:`recuento.web.compiled`)."""
    return first(Run, _newest_runs)


#: Keys counted per word to find the rarest (more than this is "common").
_ESTIMATE_CAP = 10_000


def _condition(word: QueryWord) -> Q:
    condition = Q(key__in=word.exact)
    if word.prefix is not None:
        condition |= Q(key__gte=word.prefix, key__lt=prefix_upper_bound(word.prefix))
    return condition


def rarest_first(words: Sequence[QueryWord]) -> list[QueryWord]:
    """The words ordered by how many keys match them (capped), rarest first, in one query.

    The search starts from the rarest word's records and checks the others record by
    record; starting from a common word ("maría") would read tens of thousands of keys.
    """
    if len(words) < 2:
        return list(words)
    parts: list[str] = []
    params: list[Any] = []
    for i, word in enumerate(words):
        capped = NameKey.objects.filter(_condition(word)).values("pk")[:_ESTIMATE_CAP]
        sql, word_params = capped.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS w{i})")
        params.extend(word_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    order = sorted(range(len(words)), key=lambda i: (counts[i], i))
    return [words[i] for i in order]


def matching_records(
    words: Sequence[QueryWord], *, birth_year: int | None = None, sex: str = ""
) -> QuerySet[Record]:
    """Records whose search keys match every word (see :mod:`recuento.web.persons.keys`)."""
    records = Record.objects.all()
    ordered = rarest_first(words)
    if ordered:
        # Intersect in the keys' indexes alone: the rarest word's keys, each kept when the
        # same record also has a key of every other word; the records are read only then.
        first, *rest = ordered
        keys = NameKey.objects.filter(_condition(first))
        for word in rest:
            keys = keys.filter(
                Exists(NameKey.objects.filter(_condition(word), record_id=OuterRef("record_id")))
            )
        records = records.filter(pk__in=keys.values("record_id"))
    if birth_year is not None:
        records = records.filter(birth_date__startswith=f"{birth_year:04d}")
    if sex:
        records = records.filter(sex=sex)
    return records


def grouped(records: QuerySet[Record], run: Run | None) -> list[dict[str, Any]]:
    """One row per person (``group``: ``p:<person id>`` or ``r:<record pk>``) with the
    number of matching records (``matched``), ordered by surname and given names (case
    and accents ignored).

    One query reads the matching records with their person; grouping and ordering are
    done here, so the search runs once per page rather than once for the count and once
    for the page.
    """
    if run is None:
        rows: Any = records.values_list(
            "pk", Value(None, output_field=CharField()), "first_surname", "given_names"
        )
    else:
        person = Assignment.objects.filter(
            run=run, source_id=OuterRef("source_id"), record_id=OuterRef("record_id")
        ).values("person_id")[:1]
        rows = records.annotate(person=Subquery(person)).values_list(
            "pk", "person", "first_surname", "given_names"
        )
    # Sorted by surname, then given names, ignoring case and accents (Álvarez next to
    # Alvarez, before B): each person by the smallest of their matching records' names.
    groups: dict[str, list[Any]] = {}
    for pk, person_id, surname, given in rows.order_by():
        key = PERSON + person_id if person_id is not None else RECORD + str(pk)
        name = (fold(surname or ""), fold(given or ""))
        entry = groups.get(key)
        if entry is None:
            groups[key] = [1, name]
        else:
            entry[0] += 1
            entry[1] = min(entry[1], name)
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][1], kv[0]))
    return [{"group": key, "matched": n} for key, (n, _name) in ordered]


@dataclass
class Person:
    """A person as shown on the pages: their records and the lists they appear on.

    Attributes:
        run: the run that made the person (None: a record that stands for itself).
        person_id: the run's person id (None for a record standing for itself).
        records: the records, by list then record id.
        missing: (source name, record id) of records the run assigned whose stored record
            is gone (the source was brought in again since).
        weakest: the weakest link holding the person together (None: one record).
        matched: how many of the records matched the search (on the search page).
    """

    run: Run | None
    person_id: str | None
    records: list[Record] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    weakest: float | None = None
    matched: int = 0

    @property
    def sources(self) -> list[tuple[str, int]]:
        """The lists the person appears on, with their number of records there."""
        counts: dict[str, int] = {}
        for record in self.records:
            counts[record.source.name] = counts.get(record.source.name, 0) + 1
        for name, _ in self.missing:
            counts[name] = counts.get(name, 0) + 1
        return sorted(counts.items())

    @property
    def name(self) -> str:
        """The name of the person's first record (for titles)."""
        for record in self.records:
            if record.full_name:
                return record.full_name
        return ""

    @property
    def names(self) -> list[str]:
        """The distinct names the person's records give, as written."""
        return sorted({r.full_name for r in self.records if r.full_name})

    @property
    def birth_years(self) -> list[str]:
        """The distinct years of birth the records give."""
        return sorted({r.birth_date[:4] for r in self.records if r.birth_date})

    @property
    def key(self) -> str:
        """``p:<person id>`` or ``r:<record pk>``."""
        if self.person_id is not None:
            return PERSON + self.person_id
        return RECORD + str(self.records[0].pk)


_RECORD_FIELDS = (
    "pk",
    "source_id",
    "source__name",
    "record_id",
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "age",
    "event_date",
    "place",
)


def persons_of(groups: Sequence[dict[str, Any]], run: Run | None) -> list[Person]:
    """The persons of a page of :func:`grouped` rows, with all their records (two queries
    at most, whatever the page's size)."""
    person_ids = [g["group"][len(PERSON) :] for g in groups if g["group"].startswith(PERSON)]
    record_pks = [int(g["group"][len(RECORD) :]) for g in groups if g["group"].startswith(RECORD)]
    assigned: dict[tuple[int, str], str] = {}
    weakest: dict[str, float] = {}
    if run is not None and person_ids:
        for person_id, source_id, record_id, strength in Assignment.objects.filter(
            run=run, person_id__in=person_ids
        ).values_list("person_id", "source_id", "record_id", "strength"):
            assigned[(source_id, record_id)] = person_id
            if strength is not None:
                weakest[person_id] = min(strength, weakest.get(person_id, strength))
    condition = Q(pk__in=record_pks)
    if assigned:
        condition |= Q(
            source_id__in={s for s, _ in assigned}, record_id__in={r for _, r in assigned}
        )
    by_person: dict[str, list[Record]] = defaultdict(list)
    by_pk: dict[int, Record] = {}
    if record_pks or assigned:
        for record in (
            Record.objects.filter(condition)
            .select_related("source")
            .only(*_RECORD_FIELDS)
            .order_by("source__name", "record_id")
        ):
            owner = assigned.get((record.source_id, record.record_id))
            if owner is not None:
                by_person[owner].append(record)
            if record.pk in record_pks:
                by_pk[record.pk] = record
    persons = []
    for g in groups:
        if g["group"].startswith(PERSON):
            pid = g["group"][len(PERSON) :]
            persons.append(
                Person(run, pid, by_person[pid], weakest=weakest.get(pid), matched=g["matched"])
            )
        elif (record := by_pk.get(int(g["group"][len(RECORD) :]))) is not None:
            persons.append(Person(None, None, [record], matched=g["matched"]))
    return persons


def _person_rows(run: Run, person_id: str) -> tuple[list[tuple[Any, ...]], list[Record]]:
    """A person's assignments ``(source id, list name, record id, strength)`` and their
    stored records (with their list's name only: a list's row also holds its header,
    mapping and rejects, read as JSON for nothing), by list name
    then record id: two queries written out here, as the ORM would write them (building
    them through the ORM took 0.9 ms of the person page, running them 0.03 ms)."""
    alias = router.db_for_read(Record)
    q = connections[alias].ops.quote_name
    a, source, record = Assignment._meta, Source._meta, Record._meta
    name = q(source.get_field("name").column)
    join = f"INNER JOIN {q(source.db_table)} s ON s.{q(source.pk.column)} = "
    assignments = (
        f"SELECT a.{q(a.get_field('source').column)}, s.{name}, "
        f"a.{q(a.get_field('record_id').column)}, a.{q(a.get_field('strength').column)} "
        f"FROM {q(a.db_table)} a {join}a.{q(a.get_field('source').column)} "
        f"WHERE a.{q(a.get_field('run').column)} = %s "
        f"AND a.{q(a.get_field('person_id').column)} = %s"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(assignments, [run.pk, person_id])
        rows = cursor.fetchall()
        if not rows:
            return [], []
        sources = sorted({r[0] for r in rows})
        ids = sorted({r[2] for r in rows})
        fields = record.concrete_fields
        source_column = q(record.get_field("source").column)
        record_id = q(record.get_field("record_id").column)
        cursor.execute(
            f"SELECT {', '.join(f'r.{q(f.column)}' for f in fields)}, s.{name} "
            f"FROM {q(record.db_table)} r {join}r.{source_column} "
            f"WHERE r.{source_column} IN ({', '.join(['%s'] * len(sources))}) "
            f"AND r.{record_id} IN ({', '.join(['%s'] * len(ids))}) "
            f"ORDER BY s.{name} ASC, r.{record_id} ASC",
            [*sources, *ids],
        )
        found = cursor.fetchall()
    records = []
    source_fields = (source.pk, source.get_field("name"))
    for row in found:
        r = from_row(Record, alias, fields, row[:-1])
        # As select_related("source") leaves it (the list's other fields deferred).
        r._state.fields_cache["source"] = from_row(
            Source, alias, source_fields, (r.source_id, row[-1])
        )
        records.append(r)
    return rows, records


def person(run: Run, person_id: str) -> Person | None:
    """One person of a run with every record from every source, or None if the run has no
    such person."""
    rows, stored = _person_rows(run, person_id)
    if not rows:
        return None
    strengths = [strength for _s, _n, _i, strength in rows if strength is not None]
    wanted = {(source_id, record_id) for source_id, _n, record_id, _s in rows}
    records = [r for r in stored if (r.source_id, r.record_id) in wanted]
    found = {(r.source_id, r.record_id) for r in records}
    missing = sorted(
        (name, record_id)
        for source_id, name, record_id, _s in rows
        if (source_id, record_id) not in found
    )
    return Person(
        run,
        person_id,
        records,
        missing=missing,
        weakest=min(strengths) if strengths else None,
        matched=len(records),
    )


def person_of_record(record: Record, run: Run | None) -> str | None:
    """The person id the run assigned a record to, or None."""
    if run is None:
        return None
    return (
        Assignment.objects.filter(run=run, source_id=record.source_id, record_id=record.record_id)
        .values_list("person_id", flat=True)
        .first()
    )
