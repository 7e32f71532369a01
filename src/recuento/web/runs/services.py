"""Starting and carrying out linkage runs. Views and the task call these; nothing else.

A run reads each chosen source's stored file with the engine (as the registry did when it
was brought in, with its stored mapping), checks the file still has the hash recorded then,
links and counts with :func:`recuento.count.api.count_tables` (people's review decisions
override the model), and stores what it found in one transaction at the end: every
record's person, the pairs to review (with why the model scored them so, and how much a
decision would change the count), the count, and the HTML report. A run that fails stores
nothing but its status and a message that holds no personal value; earlier runs are never
touched.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from recuento.errors import RecuentoError
from recuento.web.registry.models import Source
from recuento.web.registry.services import check_stored_file
from recuento.web.runs.models import Assignment, Run, UncertainPair

logger = logging.getLogger(__name__)

#: The standardised fields shown side by side in the review queue.
DISPLAY_FIELDS = (
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "age",
    "event_date",
    "place",
)

#: Progress (0 to 1) reached when the engine reports each step.
_STEPS: tuple[tuple[str, float], ...] = (
    ("estimating u", 0.20),
    ("estimating m by expectation maximisation (names)", 0.28),
    ("estimating m by expectation maximisation", 0.34),
    ("scoring pairs", 0.40),
    ("clustering", 0.50),
    ("estimating", 0.55),
)
_READ_END = 0.15
#: Rows stored per transaction.
_CHUNK = 5000
_CONFIGURATIONS_START, _CONFIGURATIONS_END = 0.55, 0.90


class RunError(RecuentoError):
    """A run cannot start or cannot finish; the message is safe to show."""


def start_run(
    user: Any,
    sources: Iterable[Source],
    *,
    by: str = "",
    seed: int = 1,
    lang: str = "es",
    repeats: Run | None = None,
    dependent: tuple[tuple[str, ...], ...] = (),
    dependent_auto: bool = False,
) -> Run:
    """Record a run of ``sources`` and put its task in the queue (one transaction).

    Args:
        user: who asked for it.
        sources: the sources to link (at least one).
        by: a record column to estimate per stratum (``COLUMN`` or ``COLUMN:BIN``), or empty.
        seed: seed of training and sampling.
        lang: language of the report (``es`` or ``en``).
        repeats: the run this one repeats, if any.
        dependent: groups of list names that feed one another, for the estimate
            (``recuento count --dependent``); checked by the form.
        dependent_auto: choose the dependent pair from the data instead
            (``recuento count --dependent auto``).

    Raises:
        RunError: no source was given.
    """
    from recuento.web.runs.tasks import link_run

    chosen = sorted(sources, key=lambda s: s.pk)
    if not chosen:
        raise RunError(gettext("Choose at least one list to link."))
    parameters: dict[str, Any] = {"by": by or None, "seed": seed, "lang": lang}
    if dependent:
        parameters["dependent"] = [list(g) for g in dependent]
    if dependent_auto:
        parameters["dependent_auto"] = True
    if repeats is not None:
        parameters["repeats"] = repeats.pk
    with transaction.atomic():
        run = Run.objects.create(
            created_by=user,
            parameters=parameters,
            source_hashes={s.name: s.sha256 for s in chosen},
        )
        run.sources.set(chosen)
        result = link_run.enqueue(run.pk)
        Run.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def run_dependent(run: Run) -> tuple[tuple[str, ...], ...]:
    """The groups of lists ``run`` modelled as dependent (none for runs from before)."""
    return tuple(tuple(g) for g in run.parameters.get("dependent") or ())


def run_dependent_auto(run: Run) -> bool:
    """Whether ``run`` chose its dependent lists from the data (``auto``)."""
    return bool(run.parameters.get("dependent_auto"))


def sources_for_repeat(run: Run) -> list[Source]:
    """The sources of ``run`` and every source brought in since it was asked for (whose
    records are stored)."""
    earlier = set(run.sources.values_list("pk", flat=True))
    newer = Source.objects.filter(
        uploaded_at__gt=run.created_at, status=Source.Status.STORED
    ).values_list("pk", flat=True)
    return list(Source.objects.filter(pk__in=earlier | set(newer)).order_by("pk"))


def fail_interrupted_runs() -> int:
    """Mark runs whose task will never finish as failed; return how many.

    Called when a worker starts (``runs_worker --recover``, which ``recuento serve``
    uses), after :func:`recuento.web.runs.workers.fail_interrupted_tasks` has failed the
    task rows of workers that have gone: a run left running whose task is not running any
    more (or has no task row), and a run still queued whose task failed (its worker was
    killed after claiming the task, before the run started). A run whose task is still
    running under a live worker is left alone.
    """
    from django_tasks_db.compat import TaskResultStatus

    from recuento.web.runs.workers import task_statuses

    candidates = list(Run.objects.filter(status__in=[Run.Status.RUNNING, Run.Status.QUEUED]))
    tasks = task_statuses([run.task_id for run in candidates])
    interrupted = 0
    for run in candidates:
        task = tasks.get(run.task_id)
        if run.status == Run.Status.RUNNING and task == TaskResultStatus.RUNNING:
            continue  # its worker is still there
        if run.status == Run.Status.QUEUED and task != TaskResultStatus.FAILED:
            continue  # a worker will take it
        with translation.override(_lang(run)):
            message = gettext("The site stopped while this run was running; start it again.")
        interrupted += Run.objects.filter(pk=run.pk, status=run.status).update(
            status=Run.Status.FAILED, finished_at=timezone.now(), message=message
        )
        discard_rows(run.pk)
    return interrupted


def _lang(run: Run) -> Literal["es", "en"]:
    return "en" if run.parameters.get("lang") == "en" else "es"


@dataclass
class _Progress:
    run_pk: int
    value: float = 0.0

    def __call__(self, stage: str, value: float | None = None) -> None:
        if value is None:
            value = _step_value(stage, self.value)
        self.value = max(self.value, value)
        Run.objects.filter(pk=self.run_pk).update(progress=self.value, stage=stage[:200])


def _step_value(stage: str, current: float) -> float:
    if stage.startswith("linkage configuration"):
        try:
            k, n = (int(w) for w in stage.split()[2::2])
        except ValueError:
            return current
        return _CONFIGURATIONS_START + (_CONFIGURATIONS_END - _CONFIGURATIONS_START) * k / n
    for prefix, value in _STEPS:
        if stage.startswith(prefix):
            return value
    return current


def execute_run(run_pk: int) -> None:
    """Carry out a queued run (the task's body); a failure is stored on the run, not raised."""
    claimed = Run.objects.filter(pk=run_pk, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started_at=timezone.now(), progress=0.0, stage="reading lists"
    )
    if not claimed:
        return
    run = Run.objects.get(pk=run_pk)
    try:
        with translation.override(_lang(run)):
            _execute(run, _Progress(run.pk))
    except Exception as e:  # a failed run keeps only a safe message
        with translation.override(_lang(run)):
            message = _safe_message(e)
        logger.warning("run %s failed: %s", run.pk, type(e).__name__)
        Run.objects.filter(pk=run.pk).update(
            status=Run.Status.FAILED, finished_at=timezone.now(), message=message
        )


def _safe_message(error: Exception) -> str:
    if isinstance(error, RecuentoError):
        # The engine's messages never hold a record's value; the stored path is replaced
        # by the list's name where it appears.
        return str(error)
    return gettext(
        "The run failed unexpectedly (%(error)s). Nothing was stored; the earlier runs are "
        "as they were. Try again, and tell the administrator if it fails again."
    ) % {"error": type(error).__name__}


def _read(source: Source) -> Any:
    from recuento.lists.mapping import MappingFile
    from recuento.lists.reader import read_list

    path = Path(default_storage.path(source.file.name))
    check_stored_file(source, path, RunError)
    entries = source.column_entries or None
    mapping = MappingFile(lists={source.name: entries}) if entries else None
    try:
        return read_list(
            path,
            name=source.name,
            mapping=mapping,
            encoding=source.encoding or None,
            delimiter=source.delimiter or None,
            sheet=source.sheet or None,
            workers=1,
        )
    except RecuentoError as e:
        raise RunError(str(e).replace(str(path), source.filename)) from e


def _decisions(sources: Sequence[Source]) -> list[tuple[str, str, str, str, bool]]:
    from recuento.web.review.services import engine_decisions

    return engine_decisions(sources)


def _count(
    tables: list[pa.Table],
    names: list[str],
    run: Run,
    say: Callable[[str], None],
    decisions: list[Any],
) -> Any:
    from recuento.count.api import count_tables

    return count_tables(
        tables,
        names,
        by=run.parameters.get("by") or None,
        seed=int(run.parameters.get("seed", 1)),
        progress=say,
        decisions=decisions,
        dependent=run_dependent(run),
        dependent_auto=run_dependent_auto(run),
    )


def _execute(run: Run, progress: _Progress) -> None:
    sources = list(run.sources.order_by("pk"))
    if not sources:
        raise RunError(gettext("The run has no list to link."))
    results = []
    for k, source in enumerate(sources):
        progress(f"reading list {k + 1} of {len(sources)}", _READ_END * k / len(sources))
        results.append(_read(source))
    decisions = _decisions(sources)
    counted = _count(
        [r.table for r in results], [r.name for r in results], run, progress, decisions
    )
    progress("storing results", _CONFIGURATIONS_END)
    tables = [r.table for r in results]
    pairs = _uncertain_pairs(run, counted, tables, {s.name: s for s in sources})
    report = _write_report(run, counted, results)
    raw = counted.to_dict()
    result = jsonable(raw)
    # The engine writes warnings in English; a known one carries its Spanish.
    result["warnings_es"] = [in_language(w, "es") for w in raw["warnings"]]
    result["records"] = sum(r.read for r in results)
    result["rejected"] = sum(r.rejected for r in results)
    by_name = {s.name: s for s in sources}
    persons = counted.link.persons
    assignments = [
        Assignment(
            run=run,
            source=by_name[source],
            record_id=record_id,
            person_id=person_id,
            strength=None if strength is None or math.isnan(strength) else float(strength),
        )
        for source, record_id, person_id, strength in zip(
            persons.column("source").to_pylist(),
            persons.column("id").to_pylist(),
            persons.column("person_id").to_pylist(),
            persons.column("weakest_link").to_pylist(),
            strict=True,
        )
    ]
    try:
        # In chunks, each its own short transaction, so that on SQLite the site's requests
        # are not kept waiting for the write lock while a large run is stored. Nobody reads
        # the rows of a run that is not done; if storing fails they are deleted.
        for start in range(0, len(assignments), _CHUNK):
            with transaction.atomic():
                Assignment.objects.bulk_create(assignments[start : start + _CHUNK])
        for start in range(0, len(pairs), _CHUNK):
            with transaction.atomic():
                UncertainPair.objects.bulk_create(pairs[start : start + _CHUNK])
        with transaction.atomic():
            Run.objects.filter(pk=run.pk).update(
                status=Run.Status.DONE,
                finished_at=timezone.now(),
                progress=1.0,
                stage="done",
                result=result,
                report=str(report.relative_to(Path(settings.MEDIA_ROOT))),
                decisions_applied=len(decisions),
                source_hashes={s.name: s.sha256 for s in sources},
            )
    except BaseException:
        report.unlink(missing_ok=True)
        discard_rows(run.pk)
        raise


def discard_rows(run_pk: int) -> None:
    """Delete what a run that did not finish had stored of its results."""
    with transaction.atomic():
        Assignment.objects.filter(run_id=run_pk).delete()
        UncertainPair.objects.filter(run_id=run_pk).delete()


def in_language(text: str, lang: Literal["es", "en"]) -> str:
    from recuento.report.text import in_language as translate

    return str(translate(text, lang))


def _write_report(run: Run, counted: Any, results: list[Any]) -> Path:
    from recuento.report import write_report

    folder = Path(settings.MEDIA_ROOT) / "reports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    lang = _lang(run)
    path = folder / f"run-{run.pk}.html"
    write_report(
        path,
        counted,
        results,
        lang=lang,
        seed=int(run.parameters.get("seed", 1)),
        inputs=[r.path for r in results],
    )
    path.chmod(0o600)
    return path


def impact(probability: float, same_person: bool, across_lists: bool) -> float:
    """How much deciding a pair can change the count (the review queue's order).

    Either decision moves the number of persons by one: *same* joins two persons the run
    kept apart, *different* splits one it joined. A pair across two lists also moves a
    person between capture histories (an overlap between lists), which the estimate of
    those no list recorded depends on, so it counts double. Both are weighted by how
    unsure the model was: 1 at probability 0.5, falling to 0 at 0 and 1.
    """
    closeness = max(0.0, 1.0 - 2.0 * abs(probability - 0.5))
    return closeness * (2.0 if across_lists else 1.0)


def _display(row: dict[str, Any]) -> dict[str, Any]:
    out = {name: row.get(name) for name in DISPLAY_FIELDS if name != "age"}
    low, high = row.get("age_low"), row.get("age_high")
    out["age"] = None if low is None else (str(low) if low == high else f"{low}-{high}")
    return out


def _uncertain_pairs(
    run: Run, counted: Any, tables: list[pa.Table], sources: dict[str, Source]
) -> list[UncertainPair]:
    from recuento.link.explain import ExplainError, explain_pairs

    table = counted.link.uncertain_pairs()
    if not table.num_rows:
        return []
    rows = table.to_pylist()
    keys = [(r["source_l"], r["id_l"], r["source_r"], r["id_r"]) for r in rows]
    try:
        explained = explain_pairs(counted.link.model, tables, keys)
    except ExplainError:
        explained = [None] * len(rows)
    wanted = {(s, i) for sl, il, sr, ir in keys for s, i in ((sl, il), (sr, ir))}
    records: dict[tuple[str, str], dict[str, Any]] = {}
    columns = ["source", "id", "age_low", "age_high", *(f for f in DISPLAY_FIELDS if f != "age")]
    for t in tables:
        keep = [
            key in wanted
            for key in zip(t.column("source").to_pylist(), t.column("id").to_pylist(), strict=True)
        ]
        for row in t.select(columns).filter(pa.array(keep, pa.bool_())).to_pylist():
            records[(row["source"], row["id"])] = _display(row)
    out = []
    for row, comparisons in zip(rows, explained, strict=True):
        p = float(row["match_probability"])
        same = bool(row["same_person"])
        out.append(
            UncertainPair(
                run=run,
                left_source=sources[row["source_l"]],
                left_id=row["id_l"],
                right_source=sources[row["source_r"]],
                right_id=row["id_r"],
                probability=p,
                match_weight=float(row["match_weight"]),
                comparisons=[c.to_dict() for c in comparisons or []],
                impact=impact(p, same, row["source_l"] != row["source_r"]),
                same_person=same,
                records={
                    "left": records.get((row["source_l"], row["id_l"]), {}),
                    "right": records.get((row["source_r"], row["id_r"]), {}),
                },
            )
        )
    return out


def jsonable(value: Any) -> Any:
    """``value`` with numpy numbers as Python numbers and NaN or infinities as None.

    PostgreSQL's ``jsonb`` refuses NaN, and the count's JSON contract has none.
    """

    def clean(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        if hasattr(v, "item") and not isinstance(v, str | bytes):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v

    return json.loads(json.dumps(clean(value), allow_nan=False))
