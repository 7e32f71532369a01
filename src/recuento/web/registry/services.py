"""Bringing a list in: store the file, read it with the engine, record the source.

The web layer's only contact with :mod:`recuento.lists`. Views call :func:`bring_in` and
never read files or compute anything themselves.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from recuento.errors import RecuentoError
from recuento.lists.mapping import MappingFile
from recuento.lists.reader import ListResult, read_list
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


def bring_in(upload: UploadedFile, *, name: str, user: Any) -> Source:
    """Store, read and record one uploaded list.

    Args:
        upload: the uploaded file.
        name: the list's name (unique in the registry).
        user: who brought it in.

    Raises:
        UploadError: the file cannot be read as a list; the message names the uploaded
            file (never the stored path) and holds no record value.
    """
    stored, sha, size = store_upload(upload)
    path = Path(default_storage.path(stored))
    try:
        # One process: a web request must not spawn workers (large lists: background task).
        result = read_list(path, name=name, workers=1)
    except RecuentoError as e:
        if not Source.objects.filter(file=stored).exists():
            path.unlink(missing_ok=True)
        raise UploadError(str(e).replace(str(path), upload.name or "the file")) from e
    with transaction.atomic():
        return Source.objects.create(
            name=name,
            filename=(upload.name or "")[:255],
            file=stored,
            sha256=sha,
            size_bytes=size,
            uploaded_by=user,
            **summary_fields(result),
        )


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
    with transaction.atomic():
        for field, value in summary_fields(result).items():
            setattr(source, field, value)
        source.column_entries = dict(entries)
        source.remapped_by = user
        source.remapped_at = timezone.now()
        source.save()
    return source
