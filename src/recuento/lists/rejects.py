"""Writing rejected rows to ``<list>.rejects.csv``, with their reasons.

The file holds, for each rejected row: where it was (``line`` for CSV, ``row`` for sheets
and Parquet), the reason code, the reason in words, then the row's cells under the list's
own headers (extra cells of a row longer than the header under ``extra 1``, ``extra 2``...).
It is written as UTF-8 with a byte-order mark so that Excel opens accents correctly, and
atomically: a crash leaves the previous file as it was, never half a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from recuento.lists.messages import Lang, reject_message
from recuento.lists.reader import ListResult


def rejects_path(result: ListResult, directory: Path | None = None) -> Path:
    """``<directory>/<list name>.rejects.csv``; the list file's folder by default."""
    folder = directory if directory is not None else result.path.parent
    return folder / f"{result.name}.rejects.csv"


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """Open ``path`` for writing text so that it appears whole or not at all.

    The text goes to a temporary file in the same folder, renamed over ``path`` only when
    the block ends without an error: a crash leaves the previous file as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_rejects(result: ListResult, path: Path, *, lang: Lang = "en") -> Path:
    """Write the list's rejected rows (a header only when there are none) to ``path``."""
    extra = max((len(r.cells) - len(result.header) for r in result.rejects), default=0)
    header = [
        result.unit,
        "reason",
        "message",
        *result.header,
        *(f"extra {i}" for i in range(1, extra + 1)),
    ]
    with atomic_text(path) as f:
        f.write("\ufeff")  # a byte-order mark, so that Excel reads the file as UTF-8
        writer = csv.writer(f)
        writer.writerow(header)
        for reject in result.rejects:
            message = reject_message(reject.reason, lang)
            if "first" in reject.detail:
                message += f" ({result.unit} {reject.detail['first']})"
            writer.writerow(
                [reject.number, reject.reason, message, *(_cell(c) for c in reject.cells)]
            )
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
