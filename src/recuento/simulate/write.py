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
import itertools
import json
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from recuento import __version__
from recuento.simulate.lists import SimulatedLists
from recuento.simulate.scenarios import Scenario
from recuento.simulate.styles import FILE_FORMATS, STYLES, SimulationError

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


# A minimal streaming XLSX writer. openpyxl (even in write-only mode, with lxml) spends about
# 12 µs a cell, so the 250,000-row Excel list of a million-person simulation took 30-60 s;
# writing the worksheet XML directly costs about 1 µs a cell. Files are read back with
# openpyxl in the tests. Strings are inline (t="inlineStr"), whole numbers are numbers.
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="lista" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/>'
        '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
        'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
        'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _column_letters(n: int) -> list[str]:
    letters = []
    for i in range(n):
        name, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            name = chr(65 + r) + name
        letters.append(name)
    return letters


def _cell(ref: str, value: str) -> str:
    if value.isdigit() and len(value) < 4:
        # Ages and other small whole numbers go in as numbers, as a spreadsheet user types them.
        return f'<c r="{ref}"><v>{value}</v></c>'
    if not value:
        return ""
    text = escape(value) if ("&" in value or "<" in value or ">" in value) else value
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _zip_entry(name: str) -> zipfile.ZipInfo:
    """A ZIP entry with a fixed timestamp, so that the same seed gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], sheet: str = "lista"
) -> None:
    letters = _column_letters(len(header))
    with (
        _replace_on_success(path) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
    ):
        for name, xml in _XLSX_PARTS.items():
            xml = xml.replace('<sheet name="lista"', f'<sheet name="{escape(sheet)}"')
            zf.writestr(_zip_entry(name), _XML_HEAD + xml)
        with zf.open(_zip_entry("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as raw:
            raw.write(f'{_XML_HEAD}<worksheet xmlns="{_NS}"><sheetData>'.encode())
            chunk: list[str] = []
            for r, row in enumerate(itertools.chain([header], rows), start=1):
                cells = "".join(_cell(f"{c}{r}", v) for c, v in zip(letters, row, strict=True))
                chunk.append(f'<row r="{r}">{cells}</row>')
                if len(chunk) >= 10_000:
                    raw.write("".join(chunk).encode())
                    chunk.clear()
            raw.write(("".join(chunk) + "</sheetData></worksheet>").encode())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


TRUTH_FILES = ("truth.csv", "histories.csv", "manifest.json")
"""Files written beside the lists."""


def planned_files(
    scenario: Scenario, formats: Mapping[str, str] | None = None
) -> dict[str, tuple[str, str]]:
    """What :func:`write_lists` would write for a scenario: list -> (file name, format).

    Raises:
        SimulationError: ``formats`` names an unknown list or format.
    """
    chosen = {
        name: STYLES[style].file_format
        for name, style in zip(scenario.lists, scenario.styles, strict=True)
    }
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


POPULATION_FILE = "population.csv"
"""The whole population, written when asked (``write_lists(..., population=True)``)."""


def check_not_there(
    directory: Path,
    scenario: Scenario,
    formats: Mapping[str, str] | None = None,
    population: bool = False,
) -> None:
    """Check that :func:`write_lists` would not overwrite anything (before simulating).

    Raises:
        SimulationError: some of the files exist.
    """
    names = [fname for fname, _ in planned_files(scenario, formats).values()]
    names += [*TRUTH_FILES, *([POPULATION_FILE] if population else [])]
    existing = [str(Path(directory) / n) for n in names]
    existing = [p for p in existing if Path(p).exists()]
    if existing:
        raise SimulationError(
            f"{len(existing)} file(s) already exist in {directory}: {', '.join(existing)}. "
            "Choose another directory, remove them, or allow overwriting (--force)."
        )


def write_lists(
    sim: SimulatedLists,
    directory: Path,
    *,
    formats: Mapping[str, str] | None = None,
    overwrite: bool = False,
    population: bool = False,
) -> list[Path]:
    """Write every list, ``truth.csv``, ``histories.csv`` and ``manifest.json``.

    Args:
        sim: the simulated lists.
        directory: where to write (created if missing).
        formats: list name -> file format (see
            :data:`~recuento.simulate.styles.FILE_FORMATS`); ``"*"`` sets every list.
            Lists not named keep their source's usual format.
        overwrite: replace files that already exist.
        population: also write ``population.csv``: every person, documented or not, with
            the true values of every field (``person_id`` as in ``truth.csv``).

    Returns:
        The paths written: the lists in scenario order, then truth, histories, manifest,
        and the population file when asked.

    Raises:
        SimulationError: a file exists and ``overwrite`` is false, or a format is unknown.
    """
    directory = Path(directory)
    plan = planned_files(sim.scenario, formats)
    paths = [directory / fname for fname, _ in plan.values()]
    extra = [directory / n for n in TRUTH_FILES]
    if not overwrite:
        check_not_there(directory, sim.scenario, formats, population)
    directory.mkdir(parents=True, exist_ok=True)

    entries = []
    for (name, source), path in zip(sim.sources.items(), paths, strict=True):
        fmt = plan[name][1]
        rows = zip(*source.columns.values(), strict=True)
        encoding, sep = ENCODINGS[fmt]
        if fmt == "xlsx":
            sheet = "list" if source.style.language == "en" else "lista"
            _write_xlsx(path, source.headers, rows, sheet)
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
    population_entry = None
    population_path = directory / POPULATION_FILE
    if population:
        columns = sim.population.to_columns()
        rows = zip(*columns.values(), strict=True)
        _write_csv(population_path, list(columns), rows, "utf-8", ",")
        population_entry = {"file": POPULATION_FILE, "sha256": _sha256(population_path)}
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
        **({"population": population_entry} if population_entry else {}),
    }
    with _replace_on_success(manifest_path) as tmp:
        _dump_json(manifest, tmp)
    return [*paths, *extra, *([population_path] if population else [])]


def _dump_json(data: Any, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
