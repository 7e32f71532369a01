"""Bringing a list in: store the file, read it with the engine, record the source; then a
background task stores its records (one :class:`~recuento.web.registry.models.Record` per
accepted row, written by :func:`store_records` in one transaction).

The web layer's only contact with :mod:`recuento.lists`. Views call :func:`bring_in` and
never read files or compute anything themselves.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext, override

from recuento.errors import MappingError, RecuentoError
from recuento.lists.formats import open_table
from recuento.lists.mapping import MappingFile
from recuento.lists.reader import ListResult, read_list
from recuento.web.persons.store import RecordsError, replace_records
from recuento.web.registry.models import MAX_STORED_REJECTS, Source

logger = logging.getLogger(__name__)

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
    """Store and read one uploaded list, record it, and queue the storing of its records.

    Args:
        upload: the uploaded file.
        name: the list's name (unique in the registry).
        user: who brought it in.

    Returns:
        The source, ``storing`` its records (:func:`store_source_records`, a background
        task) until the task has run.

    Raises:
        NeedsMappingError: no column holds a name; the file stays stored (see
            :attr:`NeedsMappingError.pending`) for :func:`bring_in_stored` with a mapping.
        UploadError: the file cannot be read as a list; the message names the uploaded
            file (never the stored path) and holds no record value.
    """
    stored, sha, size = store_upload(upload)
    pending = StoredUpload(stored, sha, size, (upload.name or "")[:255], name)
    return bring_in_stored(pending, user=user)


def _read(path: Path, name: str, entries: dict[str, str] | None) -> ListResult:
    """Read a stored list as it is read when brought in (one process: a web request must
    not spawn workers), so that the task that stores its records reads the same."""
    mapping = MappingFile(lists={name: entries}) if entries else None
    return read_list(path, name=name, mapping=mapping, workers=1)


def bring_in_stored(
    pending: StoredUpload, *, user: Any, entries: dict[str, str] | None = None
) -> Source:
    """Read a stored upload (with a mapping fixed by hand, if given), record the source and
    queue the storing of its records, in one transaction.

    Raises:
        NeedsMappingError, UploadError: as :func:`bring_in`.
    """
    from recuento.web.registry.tasks import store_source

    path = Path(default_storage.path(pending.stored))
    try:
        result = _read(path, pending.name, entries)
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
                status=Source.Status.STORING,
                **summary_fields(result),
            )
            queued = store_source.enqueue(source.pk, _language())
            Source.objects.filter(pk=source.pk).update(task_id=str(queued.id)[:64])
    except IntegrityError as e:
        # Another upload took the name between the form's check and now.
        discard(pending)
        raise UploadError(
            gettext("A list named %(name)s is already in the registry; choose another name.")
            % {"name": pending.name}
        ) from e
    source.refresh_from_db()
    return source


def store_source_records(source_pk: int, lang: str = "es") -> None:
    """Store the records of a source that is ``storing`` them (the task's body).

    Reads the stored file again as it was read when brought in, checks that it is the
    same file and gives the same rows, and stores the accepted rows and marks the source
    ``stored`` in one transaction: on any failure no record is stored, and the source is
    marked ``failed`` with a message that holds no record value (a failure is stored, not
    raised), in ``lang`` (``es`` or ``en``: that of whoever brought the list in). A source
    that is not ``storing`` is left alone.
    """
    source = Source.objects.filter(pk=source_pk, status=Source.Status.STORING).first()
    if source is None:
        return
    with override("en" if lang == "en" else "es"):
        _store(source)


def _store(source: Source) -> None:
    try:
        path = Path(default_storage.path(source.file.name))
        check_stored_file(source, path)
        try:
            result = _read(path, source.name, source.column_entries or None)
        except RecuentoError as e:
            raise UploadError(str(e).replace(str(path), source.filename)) from e
        if (result.read, result.accepted) != (source.rows_read, source.rows_accepted):
            raise UploadError(
                gettext(
                    "List %(name)s read differently this time (%(now)d accepted rows instead "
                    "of %(then)d); bring the list in again."
                )
                % {"name": source.name, "now": result.accepted, "then": source.rows_accepted}
            )
        with transaction.atomic():
            store_records(source, result)
            done = Source.objects.filter(pk=source.pk, status=Source.Status.STORING).update(
                status=Source.Status.STORED, status_message=""
            )
            if not done:  # its mapping was fixed meanwhile: that stored the records
                transaction.set_rollback(True)
    except Exception as e:  # a failed storing keeps only a safe message
        logger.warning("storing the records of source %s failed: %s", source.pk, type(e).__name__)
        Source.objects.filter(pk=source.pk, status=Source.Status.STORING).update(
            status=Source.Status.FAILED, status_message=_safe_message(e)
        )


def check_stored_file(source: Source, path: Path, error: type[Exception] = UploadError) -> None:
    """Raise ``error`` unless ``path`` is the file ``source`` was brought in as (SHA-256).

    Storing the records and every linkage run read the stored file again; both check it
    first, so that a file replaced or lost on disk is never read as the list.
    """
    if not path.exists():
        raise error(
            gettext(
                "The stored file of list %(name)s is missing from the data directory; "
                "bring the list in again."
            )
            % {"name": source.name}
        )
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    if digest.hexdigest() != source.sha256:
        raise error(
            gettext(
                "The stored file of list %(name)s has changed since it was brought in (its "
                "SHA-256 differs); bring the list in again."
            )
            % {"name": source.name}
        )


def _safe_message(error: Exception) -> str:
    if isinstance(error, RecuentoError):
        # The engine's and the store's messages never hold a record's value.
        return str(error)
    return gettext(
        "Storing the records failed unexpectedly (%(error)s); none was stored. Try again, "
        "and tell the administrator if it fails again."
    ) % {"error": type(error).__name__}


def fail_interrupted_storing() -> int:
    """Mark sources whose records will never be stored as failed; return how many.

    Called when a worker starts (``runs_worker --recover``), after
    :func:`recuento.web.runs.workers.fail_interrupted_tasks`: a source ``storing`` whose
    task failed (its worker was killed) or has no task row. Nothing of it was stored (one
    transaction); its page offers to store the records again.
    """
    from django_tasks_db.compat import TaskResultStatus

    from recuento.web.runs.workers import task_statuses

    storing = list(Source.objects.filter(status=Source.Status.STORING))
    tasks = task_statuses([s.task_id for s in storing])
    waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    stopped = [s.pk for s in storing if tasks.get(s.task_id) not in waiting]
    message = gettext(
        "The site stopped while the records of this list were being stored; none was "
        "stored. Store them again."
    )
    return Source.objects.filter(pk__in=stopped, status=Source.Status.STORING).update(
        status=Source.Status.FAILED, status_message=message
    )


def store_again(source: Source) -> Source:
    """Queue the storing of a source's records again, after it failed.

    Raises:
        UploadError: the source's records are not in a failed state.
    """
    from recuento.web.registry.tasks import store_source

    with transaction.atomic():
        changed = Source.objects.filter(pk=source.pk, status=Source.Status.FAILED).update(
            status=Source.Status.STORING, status_message=""
        )
        if not changed:
            raise UploadError(
                gettext("The records of list %(name)s are not waiting to be stored again.")
                % {"name": source.name}
            )
        queued = store_source.enqueue(source.pk, _language())
        Source.objects.filter(pk=source.pk).update(task_id=str(queued.id)[:64])
    source.refresh_from_db()
    return source


def _language() -> str:
    """The language of the request being served, for the task's messages."""
    return "en" if (get_language() or "").startswith("en") else "es"


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

    The records are replaced in the same transaction (in this request, not a task), and a
    source whose storing had failed is then ``stored``.

    Args:
        source: the source.
        entries: header as written -> canonical column or ``"attribute"``, as in a mapping
            file's ``[lists.NAME.columns]``.
        user: who fixed the mapping.

    Raises:
        UploadError: the list cannot be read with that mapping (for instance no column
            holds a name), or its records are being stored; the source is left as it was.
    """
    if source.status == Source.Status.STORING:
        raise UploadError(
            gettext("The records of list %(name)s are being stored; fix the mapping when they are.")
            % {"name": source.name}
        )
    path = Path(default_storage.path(source.file.name))
    try:
        result = _read(path, source.name, entries)
    except RecuentoError as e:
        raise UploadError(str(e).replace(str(path), source.filename)) from e
    try:
        with transaction.atomic():
            for field, value in summary_fields(result).items():
                setattr(source, field, value)
            source.column_entries = dict(entries)
            source.remapped_by = user
            source.remapped_at = timezone.now()
            source.status = Source.Status.STORED
            source.status_message = ""
            source.save()
            store_records(source, result)
    except RecordsError as e:
        source.refresh_from_db()
        raise UploadError(str(e)) from e
    return source


def store_records(source: Source, result: ListResult) -> int:
    """Replace the source's stored records (:class:`~recuento.web.registry.models.Record`)
    by the accepted rows of ``result``, with their search keys, in the caller's transaction
    (:func:`store_source_records`, the background task, and :func:`remap`).

    Raises:
        RecordsError: a record cannot be stored; the caller's transaction rolls back.
    """
    return replace_records(source, result.table)
