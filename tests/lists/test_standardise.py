"""Chunked standardisation gives the same records with and without worker processes."""

from __future__ import annotations

import pyarrow as pa

from recuento.lists.standardise import Chunk, ChunkRunner, ChunkSpec, standardise_chunk

SPEC = ChunkSpec(
    source="prensa",
    single=(("full_name", 1), ("birth_date", 2), ("sex", 3)),
    place=(4, 5),
    attributes=((6, "observaciones"),),
    day_first=True,
    sex_letters="HM",
)


def chunk(start: int) -> Chunk:
    rows: list[list[object]] = [
        [str(i), f"ANA LOPEZ {i}", "03/04/1998", "M", "Anapra", "Juárez", "" if i % 2 else "x"]
        for i in range(start, start + 3)
    ]
    return Chunk(
        numbers=[i + 2 for i in range(start, start + 3)],
        ids=[str(i) for i in range(start, start + 3)],
        rows=rows,  # type: ignore[arg-type]
        warnings=[["short_row"], [], []],
    )


def test_a_chunk_becomes_person_records_with_their_warnings() -> None:
    batch, warned = standardise_chunk(SPEC, chunk(0))
    records = pa.Table.from_batches([batch]).to_pylist()
    assert [r["id"] for r in records] == ["0", "1", "2"]
    assert records[0]["sex"] == "F"  # H/M letters: M is mujer
    assert records[0]["birth_date"] == "1998-04-03"
    assert records[0]["place"] == "Anapra, Juárez"
    assert records[0]["attributes"] == '{"observaciones": "x"}'
    assert records[1]["attributes"] is None
    assert warned == [(2, ["short_row"])]


def test_worker_processes_return_the_same_batches_in_order() -> None:
    chunks = [chunk(i * 3) for i in range(5)]
    inline = ChunkRunner(SPEC, workers=1)
    expected = [b for c in chunks for b, _ in inline.submit(c)]
    runner = ChunkRunner(SPEC, workers=2)
    got = []
    for c in chunks:
        got.extend(b for b, _ in runner.submit(c))
    got.extend(b for b, _ in runner.finish())
    assert runner.pool is None  # finish() stops the workers
    assert [b.to_pylist() for b in got] == [b.to_pylist() for b in expected]


def test_a_single_chunk_never_starts_workers() -> None:
    runner = ChunkRunner(SPEC, workers=2)
    assert list(runner.submit(chunk(0))) == []  # held back until a second chunk shows up
    assert runner.pool is None
    results = list(runner.finish())
    assert len(results) == 1 and results[0][0].num_rows == 3


def test_a_script_without_a_main_guard_still_gets_every_record(tmp_path) -> None:
    # Worker processes re-import the calling script; without an `if __name__ == "__main__":`
    # guard they fail, and the runner must finish the work in the calling process.
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            """
            import logging
            from recuento.lists.standardise import Chunk, ChunkRunner, ChunkSpec
            logging.basicConfig(level=logging.WARNING)
            spec = ChunkSpec("l", (("full_name", 1),), (), (), True, "FM")
            runner = ChunkRunner(spec, workers=2)
            rows = 0
            for start in range(0, 12, 3):
                chunk = Chunk([1, 2, 3], ["a", "b", "c"],
                              [["a", "ANA LOPEZ"], ["b", "LUZ DIAZ"], ["c", "ROSA RUIZ"]],
                              [[], [], []])
                rows += sum(b.num_rows for b, _ in runner.submit(chunk))
            rows += sum(b.num_rows for b, _ in runner.finish())
            print("ROWS", rows)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert "ROWS 12" in done.stdout, done.stderr[-2000:]


def test_a_pool_that_breaks_between_chunks_still_gives_every_chunk_in_order() -> None:
    # The pool can be found broken when a chunk is handed over, before any result shows it.
    import time

    runner = ChunkRunner(SPEC, workers=2)
    results = [*runner.submit(chunk(0)), *runner.submit(chunk(3))]
    assert runner.pool is not None
    for process in list(runner.pool._processes.values()):  # a real breakage, not a mock
        process.kill()
    deadline = time.monotonic() + 30
    while not runner.pool._broken and time.monotonic() < deadline:
        time.sleep(0.05)
    for start in range(6, 30, 3):
        results.extend(runner.submit(chunk(start)))
    results.extend(runner.finish())
    rows = [r for batch, _ in results for r in batch.column("row").to_pylist()]
    assert rows == sorted(rows) and len(rows) == 30
