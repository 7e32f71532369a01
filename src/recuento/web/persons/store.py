"""Writing a source's records (and their search keys) from the engine's standardised table.

Called by :mod:`recuento.web.registry.services` when a list is brought in or its mapping
is fixed, inside the transaction that records the source: the source's old records are
replaced by the new ones, or, when anything fails, nothing changes.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
from django.db import transaction

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


def _record(source: Source, row: dict[str, Any], line: int) -> tuple[Record, list[str]]:
    record_id = "" if row["id"] is None else str(row["id"])
    if len(record_id) > _ID_LENGTH:
        raise RecordsError(
            f"the id of accepted record {line} of list {source.name} is longer than "
            f"{_ID_LENGTH} characters; shorten the ids in the file's id column and bring "
            "it in again"
        )
    low, high = row["age_low"], row["age_high"]
    keys = record_keys(row["name_tokens"] or (), row["given_formal"] or ())
    record = Record(
        source=source,
        record_id=record_id,
        full_name=_text(row["full_name"], "full_name"),
        given_names=_text(row["given_names"], "given_names"),
        first_surname=_text(row["first_surname"], "first_surname"),
        second_surname=_text(row["second_surname"], "second_surname"),
        sex=_text(row["sex"], "sex"),
        birth_date=_text(row["birth_date"], "birth_date"),
        age=low if low is not None and low == high and 0 <= low < 32768 else None,
        event_date=_text(row["event_date"], "event_date"),
        place=_text(row["place"], "place"),
        attributes=_attributes(row["attributes"]),
        search_text=search_text(keys),
    )
    return record, keys


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
    with transaction.atomic():
        NameKey.objects.filter(record__source=source).delete()
        Record.objects.filter(source=source).delete()
        written = 0
        for batch in table.select(list(_COLUMNS)).to_batches(max_chunksize=BATCH):
            built = [
                _record(source, row, written + i + 1) for i, row in enumerate(batch.to_pylist())
            ]
            records = Record.objects.bulk_create([r for r, _ in built], batch_size=BATCH)
            keys = [
                NameKey(record_id=record.pk, key=key)
                for record, (_, record_keys_) in zip(records, built, strict=True)
                for key in record_keys_
            ]
            NameKey.objects.bulk_create(keys, batch_size=BATCH * 4)
            written += len(records)
    return written
