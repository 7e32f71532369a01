"""Reading capture histories from a persons file or a histories table.

Both readers check the whole file before raising and report every problem at once
(:class:`~recuento.errors.ProblemsError`), naming the file, line and column, never a
value from a record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from recuento.errors import ProblemsError
from recuento.estimate.histories import MAX_LISTS, CaptureHistories, HistoriesInput
from recuento.estimate.messages import Text
from recuento.estimate.strata import (
    MISSING,
    ByColumn,
    bin_value,
    choose_binning,
    parse_by,
    person_label,
    sort_key,
)
from recuento.lists.formats import Cell, open_table

MAX_PROBLEMS_LISTED = 20


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.items) < MAX_PROBLEMS_LISTED:
            self.items.append(text)
        else:
            self.more += 1

    def raise_if_any(self, summary: str) -> None:
        if self.items:
            items = list(self.items)
            if self.more:
                items.append(f"... and {self.more} more problems of the same kinds.")
            raise ProblemsError(summary, items)


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell).strip()


def read_histories_table(path: Path) -> HistoriesInput:
    """Read ``list1,...,listK,count`` (optionally with a leading ``stratum`` column).

    The list columns may have any names (they become the list names); the count column
    must be called ``count`` (any case) and be last. Repeated patterns are added up (with
    a note). Rows with no list (all zeros) are allowed only with count 0.

    Raises:
        ProblemsError: every problem found in the file.
        InputError: the file cannot be opened as a table.
    """
    raw = open_table(path)
    header = [h.strip() for h in raw.header]
    problems = _Problems()
    has_stratum = bool(header) and header[0].lower() in ("stratum", "estrato")
    list_cols = header[1 if has_stratum else 0 : -1]
    if not header or header[-1].lower() not in ("count", "freq", "n", "conteo"):
        problems.add(
            f"{path}, line {raw.header_number}: the last column must be 'count' (the number "
            "of people with each pattern); the header has none."
        )
    if len(list_cols) < 2:
        problems.add(
            f"{path}, line {raw.header_number}: a histories table needs one 0/1 column per "
            f"list and at least 2 lists; found {len(list_cols)}."
        )
    if len(list_cols) > MAX_LISTS:
        problems.add(
            f"{path}: {len(list_cols)} lists; recuento estimates with at most {MAX_LISTS}."
        )
    if len(set(list_cols)) != len(list_cols):
        problems.add(f"{path}, line {raw.header_number}: two list columns have the same name.")
    problems.raise_if_any(f"{path} is not a histories table (no es una tabla de historias):")

    J = len(list_cols)
    width = J + 1 + (1 if has_stratum else 0)
    cells: dict[str, dict[tuple[int, ...], int]] = defaultdict(dict)
    notes: list[str] = list(raw.notes)
    repeated = 0
    for number, row in raw.rows:
        values = [_text(c) for c in row]
        if not any(values):
            continue
        where = f"{path}, {raw.unit} {number}"
        if len(values) != width:
            problems.add(f"{where}: expected {width} columns, found {len(values)}.")
            continue
        stratum = values[0] if has_stratum else ""
        if has_stratum and not stratum:
            problems.add(f"{where}, column 'stratum': empty; every row needs its stratum.")
        flags = values[1:-1] if has_stratum else values[:-1]
        pattern: list[int] = []
        for name, v in zip(list_cols, flags, strict=True):
            if v in ("0", "1", "0.0", "1.0"):
                pattern.append(int(float(v)))
            else:
                problems.add(f"{where}, column {name!r}: expected 0 or 1.")
        count_text = values[-1]
        try:
            count_f = float(count_text)
            ok = count_f >= 0 and count_f.is_integer()
        except ValueError:
            ok = False
        if not ok:
            problems.add(f"{where}, column 'count': expected a whole number of people (0 or more).")
            continue
        if len(pattern) != J:
            continue
        count = int(count_f)
        if not any(pattern) and count > 0:
            problems.add(
                f"{where}: a pattern with no list has a count; people recorded by no list "
                "cannot be counted (that is what is estimated). Remove the row."
            )
            continue
        key = tuple(pattern)
        if key in cells[stratum]:
            repeated += 1
        cells[stratum][key] = cells[stratum].get(key, 0) + count
    if not cells and not problems.items:
        problems.add(f"{path}: the table has a header but no rows.")
    problems.raise_if_any(f"{path} has problems (la tabla tiene problemas):")
    if repeated:
        notes.append(
            Text(
                f"{repeated} rows repeat a pattern given earlier; their counts were added.",
                f"{repeated} filas repiten un patrón anterior; se sumaron sus conteos.",
            )
        )

    def table(d: dict[tuple[int, ...], int]) -> CaptureHistories:
        pats = np.array(list(d.keys()), dtype=np.int8).reshape(-1, J)
        return CaptureHistories.from_patterns(list_cols, pats, np.array(list(d.values())))

    if not has_stratum:
        return HistoriesInput(total=table(cells[""]), notes=notes)
    strata = {s: table(cells[s]) for s in sorted(cells, key=sort_key)}
    total: dict[tuple[int, ...], int] = defaultdict(int)
    for d in cells.values():
        for key_, count_ in d.items():
            total[key_] += count_
    return HistoriesInput(total=table(total), strata=strata, by="stratum", notes=notes)


def read_persons(path: Path, by: str | None = None) -> HistoriesInput:
    """Read a persons file (``source,id,person_id``) into capture histories.

    A person is on list *L* when at least one of their records has ``source`` *L*. Lists
    are named by their ``source`` values, in order of first appearance.

    Args:
        path: the persons file (CSV, XLSX or Parquet).
        by: ``COLUMN`` or ``COLUMN:BIN`` to stratify (see :mod:`recuento.estimate.strata`).

    Raises:
        ProblemsError: missing columns, rows without source or person id (all listed).
        InputError: the file cannot be opened as a table.
    """
    raw = open_table(path)
    header = [h.strip() for h in raw.header]
    lower = [h.lower() for h in header]
    problems = _Problems()
    for needed in ("source", "person_id"):
        if needed not in lower:
            problems.add(
                f"{path}, line {raw.header_number}: no {needed!r} column. A persons file has "
                "the columns source,id,person_id (as written by 'recuento link')."
            )
    request: ByColumn | None = parse_by(by) if by else None
    by_index = -1
    if request is not None:
        matches = [i for i, h in enumerate(lower) if h == request.column.lower()]
        if not matches:
            problems.add(
                f"{path}, line {raw.header_number}: --by names the column "
                f"{request.column!r}, which the file does not have. Columns: "
                f"{', '.join(header)}."
            )
        else:
            by_index = matches[0]
    problems.raise_if_any(f"{path} is not a persons file (no es un archivo de personas):")
    i_source, i_person = lower.index("source"), lower.index("person_id")

    person_lists: dict[str, set[str]] = defaultdict(set)
    person_values: dict[str, list[Cell]] = defaultdict(list)
    list_order: dict[str, None] = {}
    for number, row in raw.rows:
        if not any(_text(c) for c in row):
            continue
        where = f"{path}, {raw.unit} {number}"
        source = _text(row[i_source]) if i_source < len(row) else ""
        person = _text(row[i_person]) if i_person < len(row) else ""
        if not source:
            problems.add(f"{where}, column 'source': empty; every record needs its list.")
        if not person:
            problems.add(f"{where}, column 'person_id': empty; every record needs its person.")
        if not source or not person:
            continue
        list_order.setdefault(source, None)
        person_lists[person].add(source)
        if by_index >= 0:
            person_values[person].append(row[by_index] if by_index < len(row) else None)
    if not person_lists and not problems.items:
        problems.add(f"{path}: the file has a header but no records.")
    problems.raise_if_any(f"{path} has problems (el archivo de personas tiene problemas):")

    lists = list(list_order)
    notes = list(raw.notes)
    total = _table(lists, person_lists.values())
    if request is None:
        return HistoriesInput(total=total, notes=notes)

    binning = request.binning or choose_binning(
        request.column, (v for vals in person_values.values() for v in vals)
    )
    groups: dict[str, list[set[str]]] = defaultdict(list)
    conflicts = 0
    for person, on in person_lists.items():
        label, conflicting = person_label([bin_value(v, binning) for v in person_values[person]])
        conflicts += conflicting
        groups[label].append(on)
    if conflicts:
        notes.append(
            Text(
                f"{conflicts} people have records that disagree on {request.column!r}; each "
                "was put in the stratum most of their records give.",
                f"{conflicts} personas tienen registros que no coinciden en "
                f"{request.column!r}; cada una quedó en el estrato que da la mayoría de sus "
                "registros.",
            )
        )
    if MISSING in groups:
        notes.append(
            Text(
                f"{len(groups[MISSING])} people have no usable {request.column!r} value; they "
                f"form the stratum {MISSING!r}.",
                f"{len(groups[MISSING])} personas no tienen un valor utilizable de "
                f"{request.column!r}; forman el estrato {MISSING!r}.",
            )
        )
    strata = {label: _table(lists, groups[label]) for label in sorted(groups, key=sort_key)}
    return HistoriesInput(
        total=total, strata=strata, by=request.column, binning=binning, notes=notes
    )


def _table(lists: Sequence[str], people: Iterable[set[str]]) -> CaptureHistories:
    index = {name: j for j, name in enumerate(lists)}
    counts: dict[int, int] = defaultdict(int)
    for on in people:
        counts[sum(1 << index[s] for s in on)] += 1
    J = len(lists)
    masks = np.array(list(counts.keys()), dtype=np.int64)
    pats = ((masks[:, None] >> np.arange(J)) & 1).astype(np.int8)
    return CaptureHistories.from_patterns(lists, pats, np.array(list(counts.values())))
