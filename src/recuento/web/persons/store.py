"""Writing a source's records (and their search keys) from the engine's standardised table.

Called by :mod:`recuento.web.registry.services` when a list is brought in or its mapping
is fixed, inside the transaction that records the source: the source's old records are
replaced by the new ones, or, when anything fails, nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from django.db import connection, transaction

from recuento.errors import RecuentoError
from recuento.web.persons.keys import record_keys, search_text
from recuento.web.persons.models import NameKey
from recuento.web.registry.models import Record, Source

#: Records written per INSERT (and read from the Arrow table at a time).
BATCH = 2000

_COLUMNS = (
    "id",
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "age_low",
    "age_high",
    "event_date",
    "place",
    "postcode",
    "attributes",
    "name_tokens",
    "given_formal",
)


class RecordsError(RecuentoError):
    """A source's records cannot be stored; the message names no record value."""


def _field_length(name: str) -> int:
    return int(Record._meta.get_field(name).max_length or 0)


_ID_LENGTH = _field_length("record_id")
_LENGTHS = {
    name: _field_length(name)
    for name in (
        "full_name",
        "given_names",
        "first_surname",
        "second_surname",
        "sex",
        "birth_date",
        "event_date",
        "place",
    )
}


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    return str(value)[: _LENGTHS[field]]


def _attributes(raw: object) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(str(raw))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _with_postcode(attributes: dict[str, Any], postcode: object) -> dict[str, Any]:
    """The record's other columns, with its postcode (``Record`` has no column for it).

    The list reader maps a postcode column for linkage, so it is no longer among the
    attributes; it is kept here, normalised, under ``postcode`` so that a record's page
    still shows it.
    """
    if postcode:
        attributes.setdefault("postcode", str(postcode))
    return attributes


_RECORD_COLUMNS = (
    "source_id",
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
    "attributes",
    "search_text",
)


def _row(
    source: Source, row: dict[str, Any], line: int, dump: Any
) -> tuple[tuple[Any, ...], str, list[str]]:
    """The values of one record's INSERT, its id, and its search keys."""
    record_id = "" if row["id"] is None else str(row["id"])
    if len(record_id) > _ID_LENGTH:
        raise RecordsError(
            f"the id of accepted record {line} of list {source.name} is longer than "
            f"{_ID_LENGTH} characters; shorten the ids in the file's id column and bring "
            "it in again"
        )
    low, high = row["age_low"], row["age_high"]
    keys = record_keys(row["name_tokens"] or (), row["given_formal"] or ())
    values = (
        source.pk,
        record_id,
        _text(row["full_name"], "full_name"),
        _text(row["given_names"], "given_names"),
        _text(row["first_surname"], "first_surname"),
        _text(row["second_surname"], "second_surname"),
        _text(row["sex"], "sex"),
        _text(row["birth_date"], "birth_date"),
        low if low is not None and low == high and 0 <= low < 32768 else None,
        _text(row["event_date"], "event_date"),
        _text(row["place"], "place"),
        dump(_with_postcode(_attributes(row["attributes"]), row["postcode"])),
        search_text(keys),
    )
    return values, record_id, keys


def _insert_many(cursor: Any, model: Any, columns: Sequence[str], rows: list[Any]) -> None:
    """Write rows: COPY on PostgreSQL; elsewhere INSERTs with as many rows per statement as
    the parameter limit allows (one statement a row, as ``executemany`` sends them, is
    several times slower)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        # COPY: several times faster than INSERT on PostgreSQL (values sent as text).
        raw = cursor.cursor
        with raw.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    limit = connection.features.max_query_params or 30000
    per_statement = max(1, min(1000, limit // len(columns)))
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def replace_records(source: Source, table: pa.Table) -> int:
    """Replace the stored records of ``source`` by the rows of ``table``.

    Args:
        source: a saved source.
        table: the standardised records (columns of
            :data:`recuento.people.record.PERSON_SCHEMA`), one row per accepted record.

    Returns:
        The number of records written.

    Raises:
        RecordsError: a record cannot be stored (an id too long); nothing is changed.
    """
    missing = [c for c in _COLUMNS if c not in table.column_names]
    if missing:
        raise RecordsError(
            f"the standardised table of list {source.name} lacks the column(s) "
            f"{', '.join(missing)}; this is a bug in recuento, please report it"
        )
    quote = connection.ops.quote_name
    records_table = quote(Record._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # Two statements, not the ORM's delete(), which would load every record first to
        # cascade to their keys. Nothing else refers to a record (a reference added later
        # makes the DELETE fail at commit, as it should, rather than vanish silently).
        cursor.execute(
            f"DELETE FROM {quote(NameKey._meta.db_table)} WHERE {quote('record_id')} IN "
            f"(SELECT {quote('id')} FROM {records_table} WHERE {quote('source_id')} = %s)",
            [source.pk],
        )
        cursor.execute(f"DELETE FROM {records_table} WHERE {quote('source_id')} = %s", [source.pk])
        # Plain multi-row INSERTs: the ORM's bulk_create spends most of its time building
        # SQL, several times longer than the database takes to write the rows.
        # The JSON text the attributes field stores (SQLite keeps it as text, PostgreSQL
        # parses it into jsonb), without the field's cost per value.
        dump = json.dumps

        select_pks = (
            f"SELECT {quote('record_id')}, {quote('id')} FROM {records_table} "
            f"WHERE {quote('source_id')} = %s AND {quote('record_id')}"
        )
        written = 0
        # A batch's ids are looked up in one statement: within the parameter limit.
        per_batch = min(BATCH, (connection.features.max_query_params or 30000) - 1)
        for batch in table.select(list(_COLUMNS)).to_batches(max_chunksize=per_batch):
            rows = [
                _row(source, row, written + i + 1, dump) for i, row in enumerate(batch.to_pylist())
            ]
            _insert_many(cursor, Record, _RECORD_COLUMNS, [values for values, _, _ in rows])
            # The new records' primary keys, by record id (unique within the source).
            ids = [record_id for _, record_id, _ in rows]
            cursor.execute(f"{select_pks} IN ({', '.join(['%s'] * len(ids))})", [source.pk, *ids])
            pks = dict(cursor.fetchall())
            _insert_many(
                cursor,
                NameKey,
                ("record_id", "key"),
                [(pks[record_id], key) for _, record_id, keys in rows for key in keys],
            )
            written += len(rows)
    return written
