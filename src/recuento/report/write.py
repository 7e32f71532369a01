"""Writing the count report to a file, atomically: HTML, or a PDF of the same page."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from recuento.errors import RecuentoError
from recuento.report.html import render_report

if TYPE_CHECKING:
    from recuento.count.api import CountResult
    from recuento.lists.reader import ListResult


class ReportError(RecuentoError):
    """The report cannot be written where or as asked."""


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it onto ``path``.

    A reader never sees half a report, and an interrupted run leaves any earlier report as
    it was.
    """
    path = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_report(
    path: Path,
    counted: CountResult,
    lists: Sequence[ListResult],
    *,
    lang: Literal["es", "en"] = "en",
    seed: int | None = None,
    inputs: Sequence[Path] = (),
) -> Path:
    """Write the count report to ``path``, atomically: HTML, or PDF if it ends in ``.pdf``.

    Args:
        path: where to write (``.html``; ``.pdf`` needs WeasyPrint).
        counted, lists, lang, seed, inputs: as for :func:`render_report`.

    Returns:
        The path written.

    Raises:
        ReportError: the folder does not exist, or a PDF was asked for and WeasyPrint is not
            installed.
    """
    path = Path(path)
    if not path.parent.exists():
        raise ReportError(
            f"{path}: the folder {path.parent} does not exist; create it or choose another "
            "place for the report."
        )
    page = render_report(counted, lists, lang=lang, seed=seed, inputs=inputs)
    if path.suffix.lower() == ".pdf":
        from recuento.report.pdf import html_to_pdf

        return write_atomically(path, html_to_pdf(page))
    return write_atomically(path, page.encode("utf-8"))
