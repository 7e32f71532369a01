"""Writing simulated lists to files, with their truth and a manifest.

One file per list, each in its source's usual format by default so that readers are
exercised on every path: CSV in UTF-8, UTF-8 with a byte-order mark, Windows-1252 with
``;`` as delimiter, and Excel. Beside them:

- ``truth.csv``: ``source,id,person_id,errors`` for every record (``errors`` lists the
  error kinds the record carries, ``;``-separated);
- ``histories.csv``: the true capture histories, one 0/1 column per list and ``count``
  (the input of ``recuento estimate --histories``);
- ``manifest.json``: seed, scenario, setting, true N, documented persons, and each file's
  format, encoding, delimiter, record count and SHA-256.

Nothing is overwritten unless asked, and each file is written to a temporary name first
and renamed, so an interrupted run never leaves half a file under the final name.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from recuento import __version__
from recuento.simulate.lists import SimulatedLists
from recuento.simulate.styles import FILE_FORMATS, SimulationError

ENCODINGS: dict[str, tuple[str, str]] = {
    "csv": ("utf-8", ","),
    "csv-bom": ("utf-8-sig", ","),
    "csv-cp1252": ("cp1252", ";"),
    "xlsx": ("", ""),
}
"""File format -> (text encoding, delimiter); empty for Excel."""

_LINE_ENDS = {"utf-8": "\n", "utf-8-sig": "\r\n", "cp1252": "\r\n"}
"""Plain UTF-8 files end lines as Unix does; the others as Windows programs write them."""


def list_filename(name: str, file_format: str) -> str:
    """The file name of list ``name`` written as ``file_format``."""
    return f"{name}.xlsx" if file_format == "xlsx" else f"{name}.csv"


@contextmanager
def _replace_on_success(path: Path) -> Iterator[Path]:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str, sep: str
) -> None:
    with _replace_on_success(path) as tmp, open(tmp, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=sep, lineterminator=_LINE_ENDS[encoding])
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("lista")
    ws.append(list(header))
    for row in rows:
        # Ages and other whole numbers go in as numbers, as a spreadsheet user types them.
        ws.append([int(v) if v.isdigit() and len(v) < 4 else v for v in row])
    with _replace_on_success(path) as tmp:
        wb.save(tmp)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def planned_files(
    sim: SimulatedLists, formats: Mapping[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """What :func:`write_lists` would write: list name -> (file name, file format).

    Raises:
        SimulationError: ``formats`` names an unknown list or format.
    """
    chosen = {name: source.style.file_format for name, source in sim.sources.items()}
    problems = []
    for name, fmt in (formats or {}).items():
        if name == "*":
            continue
        if name not in chosen:
            problems.append(f"no list is called {name!r} (lists: {', '.join(chosen)})")
        elif fmt not in FILE_FORMATS:
            problems.append(
                f"unknown format {fmt!r} for {name!r} (formats: {', '.join(FILE_FORMATS)})"
            )
    if formats and "*" in formats:
        if formats["*"] not in FILE_FORMATS:
            problems.append(f"unknown format {formats['*']!r} (formats: {', '.join(FILE_FORMATS)})")
        else:
            chosen = dict.fromkeys(chosen, formats["*"])
    if problems:
        raise SimulationError("cannot write the lists: " + "; ".join(problems) + ".")
    chosen.update({k: v for k, v in (formats or {}).items() if k != "*"})
    return {name: (list_filename(name, fmt), fmt) for name, fmt in chosen.items()}


def write_lists(
    sim: SimulatedLists,
    directory: Path,
    *,
    formats: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write every list, ``truth.csv``, ``histories.csv`` and ``manifest.json``.

    Args:
        sim: the simulated lists.
        directory: where to write (created if missing).
        formats: list name -> file format (see
            :data:`~recuento.simulate.styles.FILE_FORMATS`); ``"*"`` sets every list.
            Lists not named keep their source's usual format.
        overwrite: replace files that already exist.

    Returns:
        The paths written: the lists in scenario order, then truth, histories, manifest.

    Raises:
        SimulationError: a file exists and ``overwrite`` is false, or a format is unknown.
    """
    directory = Path(directory)
    plan = planned_files(sim, formats)
    paths = [directory / fname for fname, _ in plan.values()]
    extra = [directory / n for n in ("truth.csv", "histories.csv", "manifest.json")]
    existing = [str(p) for p in [*paths, *extra] if p.exists()]
    if existing and not overwrite:
        raise SimulationError(
            f"{len(existing)} file(s) already exist in {directory}: {', '.join(existing)}. "
            "Choose another directory, remove them, or allow overwriting (--force)."
        )
    directory.mkdir(parents=True, exist_ok=True)

    entries = []
    for (name, source), path in zip(sim.sources.items(), paths, strict=True):
        fmt = plan[name][1]
        rows = zip(*source.columns.values(), strict=True)
        encoding, sep = ENCODINGS[fmt]
        if fmt == "xlsx":
            _write_xlsx(path, source.headers, rows)
        else:
            _write_csv(path, source.headers, rows, encoding, sep)
        entries.append(
            {
                "name": name,
                "file": path.name,
                "format": fmt,
                "encoding": encoding or None,
                "delimiter": sep or None,
                "records": len(source),
                "style": source.style.name,
                "columns": {f: h for f, h in source.style.columns},
                "sha256": _sha256(path),
            }
        )

    truth_path, histories_path, manifest_path = extra
    _write_csv(
        truth_path,
        ("source", "id", "person_id", "errors"),
        sim.truth_rows(),
        "utf-8",
        ",",
    )
    histories = sim.capture_histories()
    _write_csv(
        histories_path,
        (*sim.list_names, "count"),
        ((*pattern, count) for pattern, count in histories.items()),
        "utf-8",
        ",",
    )
    manifest = {
        "generator": "recuento.simulate",
        "version": __version__,
        "seed": sim.seed,
        "population_seed": sim.population.seed,
        "setting": sim.population.setting,
        "scenario": sim.scenario.name,
        "scenario_description": sim.scenario.description,
        "population_size": sim.population_size,
        "documented": sim.documented,
        "records": sim.n_records,
        "lists": entries,
        "truth": {"file": truth_path.name, "sha256": _sha256(truth_path)},
        "histories": {"file": histories_path.name, "sha256": _sha256(histories_path)},
        "error_rates": sim.error_rates,
    }
    with _replace_on_success(manifest_path) as tmp:
        _dump_json(manifest, tmp)
    return [*paths, *extra]


def _dump_json(data: Any, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
