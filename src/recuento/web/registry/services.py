"""Bringing a list in: store the file, read it with the engine, record the source and its
records (one :class:`~recuento.web.registry.models.Record` per accepted row, written by
:func:`store_records` in the same transaction).

The web layer's only contact with :mod:`recuento.lists`. Views call :func:`bring_in` and
never read files or compute anything themselves.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from recuento.errors import MappingError, RecuentoError
from recuento.lists.formats import open_table
from recuento.lists.mapping import MappingFile
from recuento.lists.reader import ListResult, read_list
from recuento.web.persons.store import RecordsError, replace_records
from recuento.web.registry.models import MAX_STORED_REJECTS, Source

_CHUNK_BYTES = 1 << 20


class UploadError(RecuentoError):
    """The uploaded file cannot be brought in; the message is safe to show."""


def store_upload(upload: UploadedFile) -> tuple[str, str, int]:
    """Write an upload to ``MEDIA_ROOT/sources/<sha256><suffix>``, hashing it on the way.

    Returns:
        The storage name, the SHA-256 in hex, and the size in bytes. A file already stored
        with the same content is reused.
    """
    suffix = Path(upload.name or "").suffix.lower()[:10]
    directory = Path(default_storage.path("sources"))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks(_CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        name = f"sources/{sha}{suffix}"
        os.replace(tmp, default_storage.path(name))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name, sha, size


@dataclass(frozen=True)
class StoredUpload:
    """An uploaded file kept in storage, not yet recorded as a source.

    Attributes:
        stored: the storage name (``sources/<sha256><suffix>``).
        sha256, size_bytes: of the file.
        filename: the uploaded file's name.
        name: the list's name.
    """

    stored: str
    sha256: str
    size_bytes: int
    filename: str
    name: str


class NeedsMappingError(UploadError):
    """No column of the list was recognised as a name: the user must map its columns."""

    def __init__(self, message: str, pending: StoredUpload) -> None:
        super().__init__(message)
        self.pending = pending


def bring_in(upload: UploadedFile, *, name: str, user: Any) -> Source:
    """Store, read and record one uploaded list.

    Args:
        upload: the uploaded file.
        name: the list's name (unique in the registry).
        user: who brought it in.

    Raises:
        NeedsMappingError: no column holds a name; the file stays stored (see
            :attr:`NeedsMappingError.pending`) for :func:`bring_in_stored` with a mapping.
        UploadError: the file cannot be read as a list; the message names the uploaded
            file (never the stored path) and holds no record value.
    """
    stored, sha, size = store_upload(upload)
    pending = StoredUpload(stored, sha, size, (upload.name or "")[:255], name)
    return bring_in_stored(pending, user=user)


def bring_in_stored(
    pending: StoredUpload, *, user: Any, entries: dict[str, str] | None = None
) -> Source:
    """Read a stored upload (with a mapping fixed by hand, if given) and record the source.

    Raises:
        NeedsMappingError, UploadError: as :func:`bring_in`.
    """
    path = Path(default_storage.path(pending.stored))
    mapping = MappingFile(lists={pending.name: entries}) if entries else None
    try:
        # One process: a web request must not spawn workers (large lists: background task).
        result = read_list(path, name=pending.name, mapping=mapping, workers=1)
    except RecuentoError as e:
        message = str(e).replace(str(path), pending.filename or "the file")
        if isinstance(e, MappingError):
            raise NeedsMappingError(message, pending) from e
        discard(pending)
        raise UploadError(message) from e
    try:
        with transaction.atomic():
            source = Source.objects.create(
                name=pending.name,
                filename=pending.filename,
                file=pending.stored,
                sha256=pending.sha256,
                size_bytes=pending.size_bytes,
                uploaded_by=user,
                column_entries=dict(entries or {}),
                **summary_fields(result),
            )
            store_records(source, result)
            return source
    except RecordsError as e:
        discard(pending)
        raise UploadError(str(e)) from e
    except IntegrityError as e:
        # Another upload took the name between the form's check and now.
        discard(pending)
        raise UploadError(
            gettext("A list named %(name)s is already in the registry; choose another name.")
            % {"name": pending.name}
        ) from e


def discard(pending: StoredUpload) -> None:
    """Delete a stored upload that no source refers to."""
    if not Source.objects.filter(file=pending.stored).exists():
        Path(default_storage.path(pending.stored)).unlink(missing_ok=True)


def header_of(pending: StoredUpload) -> list[str]:
    """The header of a stored upload, as written.

    Raises:
        UploadError: the file cannot be opened as a list.
    """
    path = Path(default_storage.path(pending.stored))
    try:
        return list(open_table(path).header)
    except RecuentoError as e:
        raise UploadError(str(e).replace(str(path), pending.filename or "the file")) from e


def summary_fields(result: ListResult) -> dict[str, Any]:
    """The :class:`Source` fields that describe what reading the list produced."""
    return {
        "format": result.format,
        "encoding": result.encoding or "",
        "delimiter": result.delimiter or "",
        "sheet": result.sheet or "",
        "unit": result.unit,
        "rows_read": result.read,
        "rows_accepted": result.accepted,
        "rows_rejected": result.rejected,
        "header": list(result.header),
        "mapping": result.mapping.described(),
        "attributes": list(result.mapping.attributes.values()),
        "rejects": [
            {"number": r.number, "reason": r.reason} for r in result.rejects[:MAX_STORED_REJECTS]
        ],
        "rejects_by_reason": dict(result.rejects_by_reason),
        "warnings": dict(result.warnings),
        "notes": list(result.notes),
    }


def remap(source: Source, entries: dict[str, str], *, user: Any) -> Source:
    """Read a source's stored file again with a mapping fixed by hand, and record it.

    Args:
        source: the source.
        entries: header as written -> canonical column or ``"attribute"``, as in a mapping
            file's ``[lists.NAME.columns]``.
        user: who fixed the mapping.

    Raises:
        UploadError: the list cannot be read with that mapping (for instance no column
            holds a name); the source is left as it was.
    """
    path = Path(default_storage.path(source.file.name))
    mapping = MappingFile(lists={source.name: entries})
    try:
        result = read_list(path, name=source.name, mapping=mapping, workers=1)
    except RecuentoError as e:
        raise UploadError(str(e).replace(str(path), source.filename)) from e
    try:
        with transaction.atomic():
            for field, value in summary_fields(result).items():
                setattr(source, field, value)
            source.column_entries = dict(entries)
            source.remapped_by = user
            source.remapped_at = timezone.now()
            source.save()
            store_records(source, result)
    except RecordsError as e:
        source.refresh_from_db()
        raise UploadError(str(e)) from e
    return source


def store_records(source: Source, result: ListResult) -> int:
    """Replace the source's stored records (:class:`~recuento.web.registry.models.Record`)
    by the accepted rows of ``result``, with their search keys, in the caller's transaction.

    Raises:
        RecordsError: a record cannot be stored; the caller's transaction rolls back.
    """
    return replace_records(source, result.table)
