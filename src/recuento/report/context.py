"""Everything the count report shows, gathered once from what counting produced.

:func:`build_context` reads a :class:`~recuento.count.api.CountResult` and the lists'
:class:`~recuento.lists.reader.ListResult` objects and returns a :class:`ReportContext`:
plain numbers and codes, no words. The page (:mod:`recuento.report.html`) only formats
and translates them, so it holds no computation, and a test can compare what the page
shows with the context and the context with the result.

Privacy: the context keeps counts, aggregates, list names, file names and hashes, never a
name, a record id or a date of birth.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import math
import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from recuento.count.api import (
    BLOCKING_RECALL_WARN_BELOW,
    CountResult,
    blocking_recall_is_low,
    blocking_recall_share,
    histories_from_persons,
)
from recuento.estimate import StratumEstimate
from recuento.lists.reader import ListResult

#: Packages whose versions the reproducibility section records.
PACKAGES = ("recuento", "splink", "duckdb", "numpy", "scipy", "pyarrow")
#: The most capture patterns the overlap chart draws (the table lists them all).
MAX_CHART_PATTERNS = 40


@dataclass(frozen=True)
class ListRow:
    """One list: rows read, accepted and rejected, and the persons it records."""

    name: str
    format: str
    read: int
    accepted: int
    rejected: int
    persons: int
    only_here: int


@dataclass(frozen=True)
class CodeCount:
    """A reject reason or field warning code, how many rows have it, and in which list."""

    list: str
    code: str
    count: int


@dataclass(frozen=True)
class Pattern:
    """A capture pattern (which lists recorded a person) and how many persons have it."""

    on: tuple[bool, ...]
    count: int


@dataclass(frozen=True)
class Estimate:
    """An estimate of the total with its interval (``None`` when there is none)."""

    documented: int
    estimate: float | None
    lower: float | None
    upper: float | None
    method: str
    model: str | None = None

    @property
    def undocumented(self) -> float | None:
        """Estimated people no list recorded."""
        return None if self.estimate is None else self.estimate - self.documented


@dataclass(frozen=True)
class Stratum:
    """One stratum's estimates.

    Attributes:
        label: the stratum.
        estimate: with linkage uncertainty where it was pooled, else the conditional one.
        conditional: conditional on the best linkage.
        with_linkage: whether ``estimate`` carries linkage uncertainty.
    """

    label: str
    estimate: Estimate
    conditional: Estimate
    with_linkage: bool = False


@dataclass(frozen=True)
class YearCount:
    """Documented persons whose event falls in one year, with the year's estimate if any."""

    year: int
    documented: int
    estimate: Estimate | None = None


@dataclass(frozen=True)
class Histogram:
    """Match weights of the scored pairs in bins, split by the linkage's decision."""

    edges: list[float]
    same: list[int]
    apart: list[int]


@dataclass(frozen=True)
class Configuration:
    """A clustering configuration and the persons it gives."""

    min_edge: float
    min_average: float
    persons: int


@dataclass(frozen=True)
class Linkage:
    """Linkage diagnostics and what the linkage did.

    ``blocking_recall`` is the blocking recall estimate (the share of the
    ``blocking_pairs`` pairs of records put in one person that a blocking rule compares
    directly: ``blocking_compared``; optimistic), None when no person has two records or
    when it was not measured (``blocking_measured``: a single record is not linked);
    ``blocking_recall_low`` says it is below ``blocking_recall_warn_below``.
    """

    pairs: int
    linked_pairs: int
    uncertain: int
    band: tuple[float, float]
    band_weights: tuple[float, float]
    threshold_weight: float
    prior: float
    histogram: Histogram
    configurations: list[Configuration]
    trained: bool
    single_record: bool
    comparisons: list[str]
    blocking_rules: int
    engine: str
    min_edge: float
    min_average: float
    seconds: float | None
    blocking_measured: bool = False
    blocking_recall: float | None = None
    blocking_pairs: int = 0
    blocking_compared: int = 0
    blocking_recall_low: bool = False
    blocking_recall_warn_below: float = BLOCKING_RECALL_WARN_BELOW


@dataclass(frozen=True)
class Methods:
    """What the estimation did: method, why, settings and convergence."""

    method: str
    asked: str
    reason: str
    lists_with_records: int
    lcmcr: dict[str, Any] | None
    rhat: float | None
    ess: float | None
    model: str | None
    criterion: str | None
    models_fitted: int | None
    model_given: bool
    pooled: bool
    by: str | None
    #: With ``--dependent auto``: the pairs the conditional estimate modelled as dependent
    #: (empty: none); None when the lists were not chosen from the data, or per stratum.
    dependent_chosen: tuple[str, ...] | None = None


@dataclass(frozen=True)
class InputFile:
    """An input file's name (not its folder) and SHA-256 (``None`` if it is gone)."""

    name: str
    sha256: str | None


@dataclass(frozen=True)
class ReportContext:
    """Everything the report shows. Numbers, codes and names only; no words."""

    lists: list[ListRow]
    rejects: list[CodeCount]
    field_warnings: list[CodeCount]
    list_names: list[str]
    patterns: list[Pattern]
    records: int
    documented: int
    on_several_lists: int
    with_several_records: int
    years: list[YearCount]
    year_unknown: int
    year_estimates: bool
    level: float
    with_linkage: Estimate
    conditional: Estimate
    strata: list[Stratum]
    by: str | None
    linkage: Linkage
    methods: Methods
    warnings: list[str]
    inputs: list[InputFile]
    versions: list[tuple[str, str | None]]
    python: str
    seed: int | None
    date: str
    version: str = field(default="")


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256 in hex, or ``None`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _finite(x: float | None) -> float | None:
    return None if x is None else float(x)


def _model_name(model: dict[str, Any] | None) -> str | None:
    return None if not model else str(model.get("name") or "") or None


def _person_sources(counted: CountResult) -> dict[str, set[str]]:
    persons = counted.link.persons
    on: dict[str, set[str]] = {}
    for source, person in zip(
        persons.column("source").to_pylist(), persons.column("person_id").to_pylist(), strict=True
    ):
        on.setdefault(person, set()).add(source)
    return on


def _years(counted: CountResult, lists: Sequence[ListResult]) -> tuple[dict[int, int], int]:
    """Documented persons per event year (each person's most common year; ties: earliest)."""
    year_of: dict[tuple[str, str], int] = {}
    for result in lists:
        table = result.table
        if table.num_rows == 0 or "event_year" not in table.column_names:
            continue
        sources = (
            table.column("source").to_pylist()
            if "source" in table.column_names
            else [result.name] * table.num_rows
        )
        for source, record, year in zip(
            sources,
            table.column("id").to_pylist(),
            table.column("event_year").to_pylist(),
            strict=True,
        ):
            if year is not None:
                year_of[(source or result.name, record)] = int(year)
    persons = counted.link.persons
    by_person: dict[str, Counter[int]] = {}
    for source, record, person in zip(
        persons.column("source").to_pylist(),
        persons.column("id").to_pylist(),
        persons.column("person_id").to_pylist(),
        strict=True,
    ):
        years = by_person.setdefault(person, Counter())
        year = year_of.get((source, record))
        if year is not None:
            years[year] += 1
    counts: Counter[int] = Counter()
    unknown = 0
    for years in by_person.values():
        if not years:
            unknown += 1
            continue
        top = max(years.values())
        counts[min(y for y, n in years.items() if n == top)] += 1
    return dict(counts), unknown


def _histogram(weights: np.ndarray, same: np.ndarray) -> Histogram:
    if weights.size == 0:
        return Histogram([], [], [])
    low = math.floor(float(weights.min()))
    high = math.ceil(float(weights.max()))
    if high <= low:
        high = low + 1
    width = max(1, math.ceil((high - low) / 30))
    edges = np.arange(low, high + width, width, dtype=float)
    same_counts, _ = np.histogram(weights[same], bins=edges)
    apart_counts, _ = np.histogram(weights[~same], bins=edges)
    return Histogram(
        [float(e) for e in edges],
        [int(v) for v in same_counts],
        [int(v) for v in apart_counts],
    )


def _weight(probability: float) -> float:
    """The match weight (bits) of a match probability: log2(p / (1 - p))."""
    return math.log2(probability / (1 - probability))


def _linkage(counted: CountResult) -> Linkage:
    from recuento.link.api import DEFAULT_MIN_AVERAGE, DEFAULT_MIN_EDGE, UNCERTAIN_BAND

    link = counted.link
    pairs = link.pairs
    weights = pairs.column("match_weight").to_numpy(zero_copy_only=False).astype(float)
    same = np.asarray(pairs.column("same_person").to_pylist(), dtype=bool)
    configurations = []
    for key, persons in counted.persons_by_configuration.items():
        edge, _, average = key.partition("/")
        configurations.append(Configuration(float(edge), float(average), int(persons)))
    model = link.model or {}
    recall = counted.blocking_recall
    return Linkage(
        pairs=pairs.num_rows,
        linked_pairs=int(same.sum()),
        uncertain=link.uncertain_pairs(UNCERTAIN_BAND).num_rows,
        band=UNCERTAIN_BAND,
        band_weights=(_weight(UNCERTAIN_BAND[0]), _weight(UNCERTAIN_BAND[1])),
        threshold_weight=_weight(DEFAULT_MIN_EDGE),
        prior=float(link.prior),
        histogram=_histogram(weights, same),
        configurations=configurations,
        trained="train" in link.seconds,
        single_record=not model,
        comparisons=[str(c.get("output_column_name", "")) for c in model.get("comparisons", [])],
        blocking_rules=len(model.get("blocking_rules_to_generate_predictions", [])),
        engine=str(model.get("sql_dialect") or "duckdb"),
        min_edge=DEFAULT_MIN_EDGE,
        min_average=DEFAULT_MIN_AVERAGE,
        seconds=link.seconds.get("total"),
        blocking_measured=recall is not None,
        blocking_recall=blocking_recall_share(recall),
        blocking_pairs=recall.true_pairs if recall is not None else 0,
        blocking_compared=recall.compared if recall is not None else 0,
        blocking_recall_low=blocking_recall_is_low(recall),
    )


def _stratum(s: StratumEstimate, pooled: tuple[float, float, float] | None) -> Stratum:
    conditional = Estimate(
        s.documented,
        _finite(s.estimate),
        _finite(s.lower),
        _finite(s.upper),
        s.method,
        _model_name(s.model),
    )
    if pooled is None:
        return Stratum(s.stratum, conditional, conditional)
    estimate_, lower, upper = pooled
    with_linkage = Estimate(
        s.documented, _finite(estimate_), _finite(lower), _finite(upper), "lcmcr"
    )
    return Stratum(s.stratum, with_linkage, conditional, with_linkage=True)


def _pooled(counted: CountResult) -> bool:
    c = counted.conditional
    if counted.estimate is None:
        return False
    same = (counted.estimate, counted.lower, counted.upper) == (c.estimate, c.lower, c.upper)
    return not (same and counted.warnings)


def _methods(counted: CountResult, lists_with_records: int) -> Methods:
    c = counted.conditional
    settings = c.settings or {}
    diagnostics = c.diagnostics or {}
    model = c.model or {}
    return Methods(
        method=c.method,
        asked=str(settings.get("method_asked", "auto")),
        reason=str(settings.get("method_reason", "")),
        lists_with_records=lists_with_records,
        # The thinning actually used: estimate() runs chains longer until enough
        # effective draws (diagnostics["thin"]), beyond the thinning asked for.
        lcmcr=(
            {
                **settings["lcmcr"],
                **({"thin": diagnostics["thin"]} if "thin" in diagnostics else {}),
            }
            if settings.get("lcmcr")
            else None
        ),
        rhat=diagnostics.get("rhat"),
        ess=diagnostics.get("ess"),
        model=_model_name(model),
        criterion=(str(settings.get("criterion")) if settings.get("criterion") else None),
        models_fitted=diagnostics.get("models_fitted"),
        model_given=bool(settings.get("model")),
        pooled=_pooled(counted),
        by=c.by,
        dependent_chosen=_dependent_chosen(diagnostics),
    )


def _dependent_chosen(diagnostics: dict[str, Any]) -> tuple[str, ...] | None:
    chosen = diagnostics.get("dependent_auto")
    if not chosen:
        return None
    return tuple("+".join(g) for groups in chosen["alternatives"] for g in groups)


def _year_label(label: str) -> int | None:
    text = label.strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


def build_context(
    counted: CountResult,
    lists: Sequence[ListResult],
    *,
    seed: int | None = None,
    inputs: Sequence[Path] = (),
    now: dt.datetime | None = None,
) -> ReportContext:
    """Gather what the report shows.

    Args:
        counted: what :func:`recuento.count.count_tables` returned.
        lists: the lists as read, in the order they were counted.
        seed: the seed counting used (shown for reproducibility).
        inputs: the input files to hash (default: each list's path).
        now: the report's date (default: now, UTC).
    """
    names = [r.name for r in lists] or list(counted.conditional.lists)
    on = _person_sources(counted)
    per_list: Counter[str] = Counter()
    only: Counter[str] = Counter()
    for sources in on.values():
        for source in sources:
            per_list[source] += 1
        if len(sources) == 1:
            only[next(iter(sources))] += 1
    rows = [
        ListRow(r.name, r.format, r.read, r.accepted, r.rejected, per_list[r.name], only[r.name])
        for r in lists
    ]
    rejects = [
        CodeCount(r.name, code, n) for r in lists for code, n in sorted(r.rejects_by_reason.items())
    ]
    field_warnings = [
        CodeCount(r.name, code, n) for r in lists for code, n in sorted(r.warnings.items())
    ]
    histories = histories_from_persons(counted.link.persons, names)
    patterns = sorted(
        (
            Pattern(tuple(bool(v) for v in row), int(n))
            for row, n in zip(histories.patterns.tolist(), histories.counts.tolist(), strict=True)
        ),
        key=lambda p: (-p.count, -sum(p.on), p.on),
    )
    c = counted.conditional
    level = float(counted.level)
    strata = [_stratum(s, counted.strata_with_linkage.get(s.stratum)) for s in c.strata]
    year_counts, year_unknown = _years(counted, lists)
    by_year = {_year_label(s.label): s.estimate for s in strata}
    year_estimates = bool(strata) and None not in by_year
    if year_estimates:
        # stratified by year: the strata's own counts, so bars and intervals agree
        years = [YearCount(y, e.documented, e) for y, e in sorted(by_year.items()) if y is not None]
    else:
        years = [YearCount(y, n) for y, n in sorted(year_counts.items())]
    model_name = _model_name(c.model)
    conditional = Estimate(
        c.documented, _finite(c.estimate), _finite(c.lower), _finite(c.upper), c.method, model_name
    )
    # The pooled estimate is always LCMCR (recuento.count pools LCMCR posteriors), whatever
    # method gave the conditional one; unpooled, it is the conditional estimate itself.
    pooled = _pooled(counted)
    with_linkage = Estimate(
        c.documented,
        _finite(counted.estimate),
        _finite(counted.lower),
        _finite(counted.upper),
        "lcmcr" if pooled else c.method,
        None if pooled else model_name,
    )
    files = list(inputs) or [Path(r.path) for r in lists]
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    lists_with_records = sum(1 for v in histories.list_sizes().values() if v)
    return ReportContext(
        lists=rows,
        rejects=rejects,
        field_warnings=field_warnings,
        list_names=names,
        patterns=patterns,
        records=counted.link.persons.num_rows,
        documented=counted.documented,
        on_several_lists=sum(1 for s in on.values() if len(s) > 1),
        with_several_records=len(
            {
                p
                for p, n in zip(
                    counted.link.persons.column("person_id").to_pylist(),
                    counted.link.persons.column("person_records").to_pylist(),
                    strict=True,
                )
                if n > 1
            }
        ),
        years=years,
        year_unknown=year_unknown,
        year_estimates=year_estimates,
        level=level,
        with_linkage=with_linkage,
        conditional=conditional,
        strata=strata,
        by=c.by,
        linkage=_linkage(counted),
        methods=_methods(counted, lists_with_records),
        warnings=list(
            dict.fromkeys(
                [*counted.warnings, *c.warnings, *(w for s in c.strata for w in s.warnings)]
            )
        ),
        inputs=[InputFile(Path(p).name, sha256_of(Path(p))) for p in files],
        versions=[(p, _version(p)) for p in PACKAGES],
        python=platform.python_version(),
        seed=seed,
        date=moment.strftime("%Y-%m-%d %H:%M:%S"),
        version=_version("recuento") or "",
    )
