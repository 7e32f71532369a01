"""Standardising accepted rows in chunks, in worker processes when a list is large.

Validation (ids, repeats, ragged rows) needs the whole list in order and runs in the
reading process; standardisation (names, dates, places) is independent per record and is
where the time goes, so accepted rows are handed over in chunks of 50,000 to a small pool
of worker processes. Chunks come back in the order they were sent, so the result is the
same with or without workers.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from recuento.lists.formats import Cell
from recuento.people.name_split import NameOrder
from recuento.people.record import PERSON_SCHEMA, SexLetters, standardise_columns, text_of

CHUNK_ROWS = 50_000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkSpec:
    """Everything a worker needs to standardise rows of one list (picklable)."""

    source: str
    single: tuple[tuple[str, int], ...]
    place: tuple[int, ...]
    attributes: tuple[tuple[int, str], ...]
    day_first: bool
    sex_letters: SexLetters
    name_order: NameOrder = "auto"


@dataclass
class Chunk:
    """Accepted rows waiting to be standardised: their numbers, ids, cells and warnings."""

    numbers: list[int]
    ids: list[str]
    rows: list[list[Cell]]
    warnings: list[list[str]]


Warned = list[tuple[int, list[str]]]


def standardise_chunk(spec: ChunkSpec, chunk: Chunk) -> tuple[pa.RecordBatch, Warned]:
    """Standardise a chunk into an Arrow batch; also return (row number, codes) per warned row."""
    rows = chunk.rows
    n = len(rows)
    fields: dict[str, list[Any]] = {
        canonical: [row[index] for row in rows] for canonical, index in spec.single
    }
    if spec.place:
        fields["place"] = [tuple(row[i] for i in spec.place) for row in rows]
    values, field_warnings = standardise_columns(
        fields,
        n,
        day_first=spec.day_first,
        sex_letters=spec.sex_letters,
        name_order=spec.name_order,
    )
    warnings = [a + b for a, b in zip(chunk.warnings, field_warnings, strict=True)]
    values["source"] = [spec.source] * n
    values["id"] = chunk.ids
    values["row"] = chunk.numbers
    values["warnings"] = warnings
    values["attributes"] = [_attributes(row, spec.attributes) for row in rows]
    batch = pa.RecordBatch.from_pydict(values, schema=PERSON_SCHEMA)
    warned = [(number, w) for number, w in zip(chunk.numbers, warnings, strict=True) if w]
    return batch, warned


def _attributes(row: list[Cell], attributes: tuple[tuple[int, str], ...]) -> str | None:
    found = {
        header: text for index, header in attributes if (text := text_of(row[index])) is not None
    }
    return json.dumps(found, ensure_ascii=False) if found else None


def default_workers() -> int:
    """Worker processes for large lists: one per core, at most 4; 1 means none.

    The command line uses this; the library's default is 1 (no processes), because worker
    processes re-import the calling script, which a script without an
    ``if __name__ == "__main__":`` guard does not survive (see :class:`ChunkRunner`).
    """
    return max(1, min(4, os.cpu_count() or 1))


class ChunkRunner:
    """Standardises chunks in order, inline or in a pool started on the second chunk.

    A list of one chunk never pays for starting processes: the first chunk is held back
    until a second one shows that the list is large. At most two chunks per worker are in
    flight, which bounds memory. If the worker processes die (a script that calls the
    library without an ``if __name__ == "__main__":`` guard makes every worker re-run the
    script and fail), the chunks are standardised in this process instead, with a warning
    in the log: the result is the same, only slower.
    """

    def __init__(self, spec: ChunkSpec, workers: int) -> None:
        self.spec = spec
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.held: Chunk | None = None
        self.pending: deque[tuple[Future[tuple[pa.RecordBatch, Warned]] | None, Chunk]] = deque()

    def submit(self, chunk: Chunk) -> Iterator[tuple[pa.RecordBatch, Warned]]:
        """Hand over a chunk; yield the results that are ready, in order."""
        if self.workers <= 1:
            while self.pending:  # chunks sent before the pool broke come first
                yield self._next()
            yield standardise_chunk(self.spec, chunk)
            return
        if self.pool is None:
            if self.held is None:
                self.held = chunk
                return
            # forkserver: forking the reading process itself is unsafe once Arrow's threads
            # run; the server is a clean process that imports the standardisers once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["recuento.lists.standardise"])
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            held, self.held = self.held, None
            self._send(held)
        self._send(chunk)
        while len(self.pending) > 2 * self.workers:
            yield self._next()

    def _send(self, chunk: Chunk) -> None:
        future = None
        if self.pool is not None:
            try:
                future = self.pool.submit(standardise_chunk, self.spec, chunk)
            except BrokenProcessPool:  # it can break before any result shows it
                self._fall_back()
        self.pending.append((future, chunk))

    def _next(self) -> tuple[pa.RecordBatch, Warned]:
        future, chunk = self.pending.popleft()
        if future is not None:
            try:
                return future.result()
            except (BrokenProcessPool, CancelledError):
                self._fall_back()
        return standardise_chunk(self.spec, chunk)

    def _fall_back(self) -> None:
        if self.workers > 1:
            logger.warning(
                "the worker processes stopped (a script without an "
                "`if __name__ == '__main__':` guard?); standardising in this process"
            )
        self.close()
        self.workers = 1

    def finish(self) -> Iterator[tuple[pa.RecordBatch, Warned]]:
        """Yield the remaining results in order and stop the pool."""
        try:
            if self.held is not None:
                held, self.held = self.held, None
                yield standardise_chunk(self.spec, held)
            while self.pending:
                yield self._next()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker processes (pending work is cancelled)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
